"""Languages in the URL: every public page answers under each language's prefix in that
language whatever the reader prefers, an address from before languages redirects into the
reader's language, pages and the sitemap name each page's versions, and what is the same in
every language keeps one address."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils.translation import get_language_from_path

from claims.models import Claim
from sources.models import Capture
from tests.factories import url_in

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _ in settings.LANGUAGES]
HOST = "http://testserver"
# base.html's first words in each language: the page was rendered in it, not just labelled.
SKIP_LINK = {"en": "Skip to content", "fr": "Aller au contenu"}
FEED_SUBTITLES = {
    "claims:feed": {
        "en": "New verdicts and status changes, corrections included.",
        "fr": "Nouveaux verdicts et changements de statut, corrections comprises.",
    },
    "claims:correction_feed": {
        "en": "Corrections of our published verdicts.",
        "fr": "Corrections de nos verdicts publiés.",
    },
}
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')
LANGUAGE_NAV = re.compile(r'<nav class="lang"[^>]*>(.*?)</nav>', re.S)


def _names(patterns, namespace: str):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry.url_patterns, inner)
        else:
            yield namespace + entry.name


def language_pages() -> list[str]:
    """The name of every address under the language prefix, read from the root URLconf: a page
    added there is tested here without touching this file."""
    return [
        name
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver) and isinstance(entry.pattern, LocalePrefixPattern)
        for name in _names(entry.url_patterns, "")
    ]


PAGES = language_pages()


@pytest.fixture
def arguments(db) -> dict[str, dict]:
    """What each page's address needs, from the demo case; a page missing here fails."""
    call_command("load_demo", verbosity=0)
    claim = Claim.objects.get(slug="gerald-darmanin-facial-recognition")
    source = claim.evidence.first().source
    capture = Capture.objects.create(
        source=source,
        requested_url=source.url,
        outcome=Capture.Outcome.CAPTURED,
        status_code=200,
        sha256="0" * 64,
        main_text="What the document said.",
    )
    return {
        "claims:capture_detail": {"source_pk": source.pk, "pk": capture.pk},
        "claims:claim_short": {"pk": claim.pk},
        "claims:claim_detail": {"pk": claim.pk, "slug": claim.slug},
        "claims:claimant_detail": {"slug": claim.claimant.slug},
        "claims:topic_detail": {"slug": claim.topics.first().slug},
        "claims:source_detail": {"pk": claim.evidence.first().source_id},
        "claims:investigation_detail": {"slug": claim.investigations.first().slug},
        "claims:page": {"slug": "methodology"},
        "claim": claim,
    }


def address(arguments, language: str, name: str) -> str:
    return url_in(language, name, **arguments.get(name, {}))


def other(language: str) -> str:
    return next(code for code in LANGUAGES if code != language)


def test_the_public_pages_and_only_they_carry_a_language():
    assert {"claims:home", "claims:claim_detail", "claims:feed", "claims:page"} <= set(PAGES)
    assert not {"rating_css", "claimreview_feed", "sitemap", "robots_txt"} & set(PAGES)
    assert all(name.startswith("claims:") for name in PAGES)


# -- each page in each language ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_every_public_page_answers_in_the_language_of_its_address(
    client, arguments, name, language
):
    # The reader's cookie and browser both ask for the other language: the address decides.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = other(language)
    url = address(arguments, language, name)
    assert url.startswith(f"/{language}/")
    response = client.get(url, follow=True, HTTP_ACCEPT_LANGUAGE=other(language))
    assert response.status_code == 200, url
    assert all(hop.startswith(f"/{language}/") for hop, _ in response.redirect_chain)
    assert response["Content-Language"] == language
    if response["Content-Type"].startswith("application/atom+xml"):
        feed = ET.fromstring(response.content)
        assert feed.get(XML_LANG) == language
        assert feed.find(f"{ATOM}subtitle").text == FEED_SUBTITLES[name][language]
        return
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert SKIP_LINK[language] in html
    alternates = dict(ALTERNATE.findall(html))
    assert set(alternates) == {*LANGUAGES, "x-default"}
    assert alternates[language] == HOST + response.request["PATH_INFO"]


def test_a_french_link_opens_in_french_for_a_reader_who_reads_in_english(client, arguments):
    claim = arguments["claim"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url_in("fr", claim), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html and "Notre verdict" in html and "Our verdict" not in html
    assert not response.cookies  # reading sets nothing: the page is the same for everyone


# -- addresses from before languages -----------------------------------------------------------

QUERY = "?q=reconnaissance+faciale&page=1&as_of=2023-11-22"
PREFERENCES = [
    ({}, "en"),  # nothing said: the default language
    ({"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9,en;q=0.5"}, "fr"),
    ({"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}, "en"),  # none of ours: the default
    ({"HTTP_ACCEPT_LANGUAGE": "en", "cookie": "fr"}, "fr"),  # the old switcher's cookie wins
    ({"HTTP_ACCEPT_LANGUAGE": "fr", "cookie": "en"}, "en"),
    ({"cookie": "xx"}, "en"),  # a cookie naming no language of ours counts for nothing
]


@pytest.mark.parametrize(("preference", "language"), PREFERENCES)
@pytest.mark.parametrize("name", PAGES)
def test_every_old_address_redirects_into_the_readers_language_keeping_the_query(
    client, arguments, name, preference, language
):
    headers = dict(preference)
    if "cookie" in headers:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = headers.pop("cookie")
    old = address(arguments, "en", name).removeprefix("/en")
    response = client.get(old + QUERY, **headers)
    assert response.status_code == 302, old
    assert response["Location"] == address(arguments, language, name) + QUERY
    # The answer depends on the reader: a cache may keep it only per cookie and language.
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_an_old_address_without_its_last_slash_still_arrives(client, arguments):
    response = client.get("/claims?rating=misleading", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert response["Location"] == url_in("fr", "claims:claim_list") + "?rating=misleading"


@pytest.mark.parametrize(
    "path",
    [
        "/xx/claims/",
        "/xx/",
        "/de/claims/",
        "/EN/claims/",
        "/fr-ca/claims/",
        "/en-gb/",
        "/en/en/claims/",
        "/en/nothing-here/",
        "/fr/claims/not-a-number/",
        "/zz-zz-zz-zz/claims/",
        "/en/ratings.css",  # the same in every language: it has no language address
        "/fr/api/claims/",
        "/en/admin/",
        "/nothing-here/",
    ],
)
def test_an_unknown_language_or_page_is_a_clean_404(client, path):
    for language in LANGUAGES:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 404, (path, language)
        body = response.content.decode()
        assert "Page not found" in body or "Page introuvable" in body  # our page, no trace


# -- naming the other versions -----------------------------------------------------------------


def test_a_page_names_itself_in_every_language_and_the_default_with_absolute_addresses(
    client, arguments
):
    claim = arguments["claim"]
    query = "?as_of=2024-01-15"
    html = client.get(url_in("fr", claim) + query).content.decode()
    assert ALTERNATE.findall(html) == [
        ("en", HOST + url_in("en", claim) + query),
        ("fr", HOST + url_in("fr", claim) + query),
        ("x-default", HOST + url_in("en", claim).removeprefix("/en") + query),
    ]
    # The canonical address stays the page's own, in its language.
    assert f'<link rel="canonical" href="{HOST}{url_in("fr", claim)}">' in html


def test_a_page_that_is_not_there_names_no_versions(client):
    missing = url_in("fr", "claims:claim_detail", pk=999999, slug="nothing")
    html = client.get(missing).content.decode()
    assert not ALTERNATE.findall(html)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_link_leads_to_the_same_page_in_the_other_language(
    client, arguments, language
):
    query = "?q=facial&rating=misleading"
    response = client.get(url_in(language, "claims:claim_list") + query)
    (nav,) = LANGUAGE_NAV.findall(response.content.decode())
    target = other(language)
    name = {"en": "English", "fr": "Français"}[target]
    link = url_in(target, "claims:claim_list") + query.replace("&", "&amp;")
    assert f'<a href="{link}" hreflang="{target}" lang="{target}">{name}</a>' in nav
    assert "<form" not in nav and f'lang="{language}"' not in nav
    assert not response.cookies
    followed = client.get(url_in(target, "claims:claim_list") + query)
    assert f'<html lang="{target}">' in followed.content.decode()


# -- one address for what has no language ------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["rating_css", "claimreview_feed", "sitemap", "robots_txt", "healthz", "readyz"],
)
def test_what_is_the_same_in_every_language_keeps_one_address_and_one_answer(
    client, arguments, name
):
    url = reverse(name)
    assert not get_language_from_path(url)
    answers = [client.get(url, HTTP_ACCEPT_LANGUAGE=code) for code in LANGUAGES]
    assert [answer.status_code for answer in answers] == [200] * len(LANGUAGES)
    assert len({answer.content for answer in answers}) == 1


def test_claimreview_names_the_default_language_page_wherever_it_is_read(client, arguments):
    claim = arguments["claim"]
    stable = HOST + url_in("en", claim)
    for language in LANGUAGES:
        html = client.get(url_in(language, claim)).content.decode()
        script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert json.loads(script.group(1))["url"] == stable, language
    feed = client.get(reverse("claimreview_feed"), HTTP_ACCEPT_LANGUAGE="fr").json()
    urls = [element["item"][0]["url"] for element in feed["dataFeedElement"]]
    assert stable in urls
    assert all(url.startswith(f"{HOST}/en/claims/") for url in urls)


def test_the_api_links_default_language_pages_and_keeps_its_own_language(client, arguments):
    claim = arguments["claim"]
    data = client.get(f"/api/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert data["page"] == HOST + url_in("en", claim)
    # Its messages still follow the client's language.
    refused = client.delete(f"/api/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert refused.status_code == 405
    assert refused.json()["detail"] == "Méthode «\u00a0DELETE\u00a0» non autorisée."
    refused = client.delete(f"/api/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.json()["detail"] == 'Method "DELETE" not allowed.'


@pytest.mark.parametrize(("preference", "language"), PREFERENCES)
def test_the_admin_keeps_choosing_its_language_from_the_request(client, preference, language):
    headers = dict(preference)
    if "cookie" in headers:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = headers.pop("cookie")
    response = client.get("/admin/login/", **headers)
    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()
