"""Property-based fuzzing of every public URL pattern (hypothesis).

Whatever path segments, query strings and headers a client sends: no 500 and no 429, nothing
it sent is echoed unescaped where a browser would run it, and no draft ever shows, even when
the request names the draft's own id or slug (or those of what only the draft cites).
"""

import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import hypothesis
import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import strategies as st
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from claims.public.caching import local_pages
from claims.public.sitemaps import SITEMAPS
from tests.factories import (
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    InvestigationFactory,
    PublisherFactory,
    SourceFactory,
    TopicFactory,
    published_claim,
    url_in,
)

pytestmark = pytest.mark.django_db

CANARY = "<x-canary>"  # anything echoed raw would carry this tag into the page
DRAFT_TEXT = "Draft-only sentence that must never be public"
# What only the draft cites has no public page either: its names must never show.
DRAFT_SECRETS = [
    DRAFT_TEXT,
    "Draft-only Claimant Name",
    "Draft-only Topic Name",
    "Draft-only Source Title",
    "Draft-only Publisher Name",
    "Draft-only Inquiry Title",
]

# Every public page, with {} where a path segment goes, after its language prefix.
PAGES = [
    "",
    "claims/",
    "claims/{}/",
    "claims/{}-{}/",
    "claimants/",
    "claimants/{}/",
    "topics/{}/",
    "sources/{}/",
    "investigations/{}/",
    "pages/{}/",
    "methodology/",
    "feed/",
    "corrections/",
    "corrections/feed/",
]
# Every public pattern: the pages in each language, at their addresses from before languages
# (redirected) and under a language prefix of any kind; then what has no language.
PATTERNS = [
    *(prefix + page for prefix in ("/en/", "/fr/", "/") for page in PAGES),
    "/{}/",
    "/{}/claims/",
    "/{}/claims/{}/",
    "/ratings.css",
    "/claimreview.json",
    "/sitemap.xml",
    "/sitemap-{}.xml",
    "/robots.txt",
    "/healthz",
    "/readyz",
    "/api/",
    "/api/claims/",
    "/api/claims/{}/",
    "/api/claimants/",
    "/api/claimants/{}/",
    "/api/sources/",
    "/api/sources/{}/",
    "/api/publishers/",
    "/api/publishers/{}/",
    "/api/investigations/",
    "/api/investigations/{}/",
    "/api/topics/",
    "/api/topics/{}/",
    "/api/ratings/",
    "/api/ratings/{}/",
    "/api/schema/",
    "/api/docs/",
]
QUERY_KEYS = [
    "q",
    "rating",
    "claimant",
    "topic",
    "language",
    "said_from",
    "said_to",
    "open_investigation",
    "sort",
    "page",
    "p",
    "as_of",
    "format",
    "next",
    "lang",
    "search",
]

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
hostile = st.one_of(
    text,
    text.map(lambda t: t + CANARY),
    st.sampled_from(
        [
            CANARY,
            '"><script>alert(1)</script>',
            "javascript:alert(1)",
            "//evil.example.com",
            "https://evil.example.com/",
            "%00",
            "0" * 400,
            "-1",
            "99999999999999999999",
            "2023-02-30",
            "' OR 1=1 --",
            "../../etc/passwd",
        ]
    ),
)
segment = st.one_of(hostile, st.integers(-5, 10**12).map(str), st.sampled_from(list(SITEMAPS)))
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
headers = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_ACCEPT_LANGUAGE": st.one_of(header_text, st.sampled_from(["fr", "en;q=0.1", "*"])),
        "HTTP_IF_NONE_MATCH": header_text,
        "HTTP_IF_MODIFIED_SINCE": header_text,
        "HTTP_ACCEPT": st.one_of(header_text, st.sampled_from(["application/json", "*/*"])),
        "HTTP_REFERER": header_text,
        "HTTP_COOKIE": header_text.map(lambda v: f"django_language={v}"),
    },
)


@dataclass
class Draft:
    ids: list[str]  # path segments and filter values that name the draft or what it cites
    own: list[tuple[str, list[str]]]  # (pattern, segments) of each address of them
    filters: list[dict[str, str]]  # list filters naming what only the draft uses


@pytest.fixture
def draft(db) -> Draft:
    """A published claim, and a draft with a claimant, topic, source, publisher and
    investigation that only the draft cites: none of them has a public address."""
    published_claim()
    claimant = ClaimantFactory(name=DRAFT_SECRETS[1], slug="draft-only-claimant")
    claim = ClaimFactory(text=DRAFT_TEXT, summary=DRAFT_TEXT, claimant=claimant)
    topic = TopicFactory(name=DRAFT_SECRETS[2], slug="draft-only-topic")
    publisher = PublisherFactory(name=DRAFT_SECRETS[4], slug="draft-only-publisher")
    source = SourceFactory(title=DRAFT_SECRETS[3], publisher=publisher)
    investigation = InvestigationFactory(title=DRAFT_SECRETS[5], slug="draft-only-inquiry")
    EvidenceFactory(claim=claim, source=source)
    claim.topics.add(topic)
    claim.investigations.add(investigation)
    assert claim.publication_state == "draft"
    pk, source_pk = str(claim.pk), str(source.pk)
    own = [("/api/claims/{}/", [pk, ""]), ("/api/claimants/{}/", [claimant.slug, ""])]
    own += [("/api/topics/{}/", [topic.slug, ""]), ("/api/sources/{}/", [source_pk, ""])]
    own += [("/api/publishers/{}/", [publisher.slug, ""])]
    own += [("/api/investigations/{}/", [investigation.slug, ""])]
    for language in ("/en/", "/fr/"):
        own += [
            (language + "claims/{}-{}/", [pk, claim.slug]),
            (language + "claims/{}/", [pk, ""]),
            (language + "claimants/{}/", [claimant.slug, ""]),
            (language + "topics/{}/", [topic.slug, ""]),
            (language + "sources/{}/", [source_pk, ""]),
            (language + "investigations/{}/", [investigation.slug, ""]),
        ]
    objects = (claim, claimant, topic, source, investigation)
    pages = {url_in(code, obj) for obj in objects for code in ("en", "fr")}
    assert pages <= {pattern.format(*segments) for pattern, segments in own}
    ids = [pk, claim.slug, claimant.slug, topic.slug, source_pk, publisher.slug]
    filters = [{"claimant": claimant.slug}, {"topic": topic.slug}, {"q": "Draft-only"}]
    return Draft(ids=[*ids, investigation.slug], own=own, filters=filters)


def empty_caches() -> None:
    # As tests/conftest.py's _empty_cache does between tests: no example answers from a page
    # (or a throttle count) another example left behind.
    cache.clear()
    local_pages.clear()


def assert_nothing_echoed_raw(response, body: str, where) -> None:
    media_type = response.get("Content-Type", "").partition(";")[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        # Inside a JSON string "<x-canary>" is data, not markup; a raw echo that broke out of
        # the string would leave the body unparsable.
        json.loads(body)
    else:  # HTML, XML (feeds, sitemaps), text: markup must arrive escaped
        assert CANARY not in body, where


def pinned_examples(draft: Draft) -> list[dict]:
    """Requests tried on every run whatever the random draw: every pattern once with the
    canary everywhere; each address of the draft; the claim list and API filtered by what
    only the draft uses; and a value echoed in an error message, in HTML (must be escaped)
    and in JSON (a string, as it is)."""
    found = [
        {"target": (pattern, [CANARY, CANARY]), "params": {"q": CANARY, "page": CANARY}}
        for pattern in PATTERNS
    ]
    found += [{"target": own} for own in draft.own]
    for params in draft.filters:
        for pattern in ["/en/claims/", "/fr/claims/", "/api/claims/"]:
            found.append({"target": (pattern, ["", ""]), "params": params})
    for pattern in ["/en/claims/", "/fr/claims/", "/api/claims/"]:
        found.append({"target": (pattern, ["", ""]), "params": {"language": CANARY}})
    return [{"params": {}, "extra": {}, **each} for each in found]


def test_no_input_gives_a_server_error_a_throttle_an_unescaped_echo_or_a_draft(
    draft, settings, monkeypatch
):
    must_404 = {pattern.format(*segments) for pattern, segments in draft.own}
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/minute"},
    }
    # DRF copies the rates into the throttle class when it is imported: give it the override.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", api_settings.DEFAULT_THROTTLE_RATES)
    reached = set()

    any_address = st.tuples(
        st.sampled_from(PATTERNS),
        st.lists(st.one_of(st.sampled_from(draft.ids), segment), min_size=2, max_size=2),
    )

    @hypothesis.settings(
        max_examples=300, deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
    )
    @hypothesis.given(
        # About a third of the requests go to one of the draft's own addresses, with whatever
        # query and headers; the rest anywhere, the draft's ids among the segments.
        target=st.one_of(any_address, any_address, st.sampled_from(draft.own)),
        params=st.dictionaries(
            st.one_of(st.sampled_from(QUERY_KEYS), text),
            st.one_of(hostile, st.sampled_from(draft.ids)),
            max_size=4,
        ),
        extra=headers,
    )
    def check(target, params, extra):
        empty_caches()
        pattern, segments = target
        address = pattern.format(*(quote(s, safe="") for s in segments))
        path = address + ("?" + urlencode(params) if params else "")
        response = Client().get(path, **extra)
        where = (path, extra, response.status_code)
        assert response.status_code < 500 and response.status_code != 429, where
        if address in must_404:
            reached.add(address)
            # Not found; or refused before the lookup (a bad filter, an Accept no renderer
            # meets), as for any address: never an answer that says the draft is there.
            assert response.status_code in (404, 400, 406), where
        body = b"".join(response) if response.streaming else response.content
        body = body.decode("utf-8", "replace")
        assert_nothing_echoed_raw(response, body, where)
        for secret in DRAFT_SECRETS:
            assert secret not in body, (secret, *where)

    for each in pinned_examples(draft):
        check = hypothesis.example(**each)(check)
    check()
    assert reached == must_404  # every address of the draft was asked for


def test_every_api_resource_is_fuzzed():
    from factcheck.urls import router

    for prefix, _, _ in router.registry:
        assert {f"/api/{prefix}/", f"/api/{prefix}/{{}}/"} <= set(PATTERNS), prefix
