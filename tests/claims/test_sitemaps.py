import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import reverse

from claims.models import Claim
from sources.models import Investigation, Source
from tests.factories import ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_paths(client) -> set[str]:
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {loc.text.replace("http://testserver", "") for loc in root.iter(f"{NS}loc")}


def test_the_sitemap_lists_every_public_page_and_no_draft(client):
    call_command("load_demo", verbosity=0)
    draft = ClaimFactory(text="Draft")
    hidden_source = EvidenceFactory(claim=draft).source
    paths = sitemap_paths(client)
    for claim in Claim.objects.published():
        assert claim.get_absolute_url() in paths
        assert claim.claimant.get_absolute_url() in paths
        for topic in claim.topics.all():
            assert topic.get_absolute_url() in paths
    for inv in Investigation.objects.all():
        assert inv.get_absolute_url() in paths
    for source in Source.objects.exclude(pk=hidden_source.pk):
        assert source.get_absolute_url() in paths
    assert draft.get_absolute_url() not in paths
    assert draft.claimant.get_absolute_url() not in paths
    assert hidden_source.get_absolute_url() not in paths
    assert {"/", "/claims/", "/pages/methodology/"} <= paths


def test_every_sitemap_url_answers_200(client):
    call_command("load_demo", verbosity=0)
    for path in sitemap_paths(client):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
