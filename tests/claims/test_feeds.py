import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def feed(client):
    call_command("load_demo", verbosity=0)
    ClaimFactory(text="Unpublished claim")
    response = client.get(reverse("claims:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_the_feed_carries_verdicts_and_status_changes_newest_first(feed):
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 6
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles[0].startswith("Verdict: Misleading — Gérald Darmanin")
    assert any(t.startswith("Correction: True") for t in titles)


def test_feed_entries_link_to_the_claim_timeline(feed):
    link = feed.find(f"{ATOM}entry/{ATOM}link").get("href")
    assert "/claims/" in link and "#change-" in link


def test_every_page_links_the_feed_for_autodiscovery(client):
    call_command("load_demo", verbosity=0)
    for url in ["/", "/claims/", "/pages/methodology/"]:
        html = client.get(url).content.decode()
        assert (
            f'type="application/atom+xml" title="Fact-check tracker: verdicts and changes" '
            f'href="{reverse("claims:feed")}"' in html
        )
