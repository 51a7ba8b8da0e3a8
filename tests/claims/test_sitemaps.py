import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from claims.models import Claim
from claims.public.sitemaps import SITEMAPS, ClaimSitemap
from claims.services import claim_withdraw
from sources.models import Investigation, Source
from tests.factories import (
    ClaimFactory,
    EvidenceFactory,
    public_data_settled,
    published_claim,
    url_in,
)

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
LANGUAGES = [code for code, _ in settings.LANGUAGES]
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
    monkeypatch.setattr(ClaimSitemap, "limit", 4)  # addresses: each claim has one per language
    claims = [published_claim() for _ in range(5)]
    draft = ClaimFactory()
    first = section("claims")
    assert [p for p in index_pages(client) if p.startswith(first)] == [
        first,
        f"{first}?p=2",
        f"{first}?p=3",
    ]
    pages = [locations(client, f"{first}?p={n}", "url") for n in (1, 2, 3)]
    assert [len(page) for page in pages] == [4, 4, 2]
    assert pages[2] == [url_in("en", claims[-1]), url_in("fr", claims[-1])]
    assert sum(pages, []) == [url_in(code, c) for c in claims for code in LANGUAGES]
    assert url_in("en", draft) not in sitemap_paths(client)


def test_each_claim_carries_its_last_modification(client):
    claim = published_claim()
    response = client.get(section("claims"))
    url = ET.fromstring(response.content).find(f"{NS}url")
    assert url.find(f"{NS}loc").text == HOST + url_in("en", claim)
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
    for code in LANGUAGES:
        for claim in Claim.objects.published():
            assert url_in(code, claim) in paths
            assert url_in(code, claim.claimant) in paths
            for topic in claim.topics.all():
                assert url_in(code, topic) in paths
        for inv in Investigation.objects.all():
            assert url_in(code, inv) in paths
        for source in Source.objects.exclude(pk=hidden_source.pk):
            assert url_in(code, source) in paths
        assert url_in(code, draft) not in paths
        assert url_in(code, draft.claimant) not in paths
        assert url_in(code, hidden_source) not in paths
        assert {f"/{code}/", f"/{code}/claims/", f"/{code}/pages/methodology/"} <= paths
    assert not [path for path in paths if not path.startswith(("/en/", "/fr/"))]


def test_each_address_names_its_versions_in_every_language_and_the_default(client):
    claim = published_claim()
    response = client.get(section("claims"))
    entries = ET.fromstring(response.content).findall(f"{NS}url")
    expected = {
        "en": HOST + url_in("en", claim),
        "fr": HOST + url_in("fr", claim),
        "x-default": HOST + url_in("en", claim).removeprefix("/en"),
    }
    assert [entry.find(f"{NS}loc").text for entry in entries] == [expected["en"], expected["fr"]]
    for entry in entries:
        links = {
            link.get("hreflang"): link.get("href")
            for link in entry.findall(f"{XHTML}link")
            if link.get("rel") == "alternate"
        }
        assert links == expected
    # The address without a language sends each reader to their own.
    assert client.get(expected["x-default"]).url == url_in("en", claim)


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
