import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import reverse

from claims.models import Claim
from claims.public.sitemaps import SITEMAPS, ClaimSitemap
from claims.services import claim_withdraw
from sources.models import Investigation, Source
from tests.factories import ClaimFactory, EvidenceFactory, public_data_settled, published_claim

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOST = "http://testserver"


def locations(client, url: str, tag: str) -> list[str]:
    """The `<loc>` of each `<url>` (a sitemap) or `<sitemap>` (the index) of `url`, as paths."""
    response = client.get(url)
    assert response.status_code == 200, url
    root = ET.fromstring(response.content)
    return [entry.find(f"{NS}loc").text.removeprefix(HOST) for entry in root.iter(f"{NS}{tag}")]


def index_pages(client) -> list[str]:
    return locations(client, reverse("sitemap"), "sitemap")


def sitemap_paths(client) -> set[str]:
    """Every address the sitemap gives, following the index to each page of each section."""
    return {path for page in index_pages(client) for path in locations(client, page, "url")}


def section(name: str) -> str:
    return reverse("sitemap_section", kwargs={"section": name})


def test_the_index_lists_each_section(client):
    published_claim()
    assert index_pages(client) == [section(name) for name in SITEMAPS]


def test_a_section_over_its_limit_is_listed_as_several_pages(client, monkeypatch):
    monkeypatch.setattr(ClaimSitemap, "limit", 2)
    claims = [published_claim() for _ in range(5)]
    draft = ClaimFactory()
    first = section("claims")
    assert [p for p in index_pages(client) if p.startswith(first)] == [
        first,
        f"{first}?p=2",
        f"{first}?p=3",
    ]
    pages = [locations(client, f"{first}?p={n}", "url") for n in (1, 2, 3)]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert pages[2] == [claims[-1].get_absolute_url()]
    assert sum(pages, []) == [claim.get_absolute_url() for claim in claims]
    assert draft.get_absolute_url() not in sitemap_paths(client)


def test_each_claim_carries_its_last_modification(client):
    claim = published_claim()
    response = client.get(section("claims"))
    url = ET.fromstring(response.content).find(f"{NS}url")
    assert url.find(f"{NS}loc").text == HOST + claim.get_absolute_url()
    assert url.find(f"{NS}lastmod").text == claim.updated_at.date().isoformat()
    index = ET.fromstring(client.get(reverse("sitemap")).content)
    entry = next(
        e for e in index.iter(f"{NS}sitemap") if e.find(f"{NS}loc").text.endswith(section("claims"))
    )
    assert entry.find(f"{NS}lastmod").text.startswith(claim.updated_at.date().isoformat())


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


def test_a_withdrawn_claim_leaves_the_sitemap(client):
    kept, withdrawn = published_claim(), published_claim()
    claim_withdraw(claim=withdrawn, note="We could not confirm the quote's context.")
    paths = sitemap_paths(client)
    assert kept.get_absolute_url() in paths
    assert withdrawn.get_absolute_url() not in paths


def test_every_sitemap_url_answers_200(client):
    call_command("load_demo", verbosity=0)
    for path in sitemap_paths(client):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)


@pytest.mark.parametrize("page", ["0", "-1", "99999", "x", "1.5", ""])
@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-claims.xml", "/sitemap-static.xml"])
def test_a_page_that_does_not_exist_answers_404(client, url, page):
    published_claim()
    response = client.get(url, {"p": page})
    assert response.status_code == 404, (url, page)
    assert "public" not in response.get("Cache-Control", "")


def test_an_unknown_section_answers_404(client):
    assert client.get("/sitemap-drafts.xml").status_code == 404


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-claims.xml", "/sitemap-claims.xml?p=1"])
def test_the_index_and_its_sections_are_cached_like_every_public_page(
    client, settings, url, django_assert_max_num_queries
):
    published_claim()
    public_data_settled()
    first = client.get(url)
    assert first["Content-Type"] == "application/xml"
    assert "public" in first["Cache-Control"]
    assert f"s-maxage={settings.PUBLIC_SHARED_MAX_AGE}" in first["Cache-Control"]
    assert first["Last-Modified"].endswith("GMT")
    with django_assert_max_num_queries(1):  # only the public version is read
        again = client.get(url)
    assert again.content == first.content
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


@pytest.mark.parametrize("name", list(SITEMAPS))
def test_no_page_of_a_section_holds_more_than_the_protocols_50000_addresses(name):
    site = SITEMAPS[name]
    assert (site() if callable(site) else site).limit <= 50_000
