"""Property-based fuzzing of every public URL pattern (hypothesis).

Whatever path segments, query strings and headers a client sends: no 500, nothing it sent is
echoed unescaped, and no draft ever shows.
"""

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.models import Claim
from tests.factories import ClaimFactory, published_claim

pytestmark = pytest.mark.django_db

CANARY = "<x-canary>"  # anything echoed raw would carry this tag into the page
DRAFT_TEXT = "Draft-only sentence that must never be public"

# Every public pattern, with {} where a path segment goes.
PATTERNS = [
    "/",
    "/claims/",
    "/claims/{}/",
    "/claims/{}-{}/",
    "/claimants/",
    "/claimants/{}/",
    "/topics/{}/",
    "/sources/{}/",
    "/investigations/{}/",
    "/pages/{}/",
    "/methodology/",
    "/feed/",
    "/corrections/",
    "/corrections/feed/",
    "/ratings.css",
    "/claimreview.json",
    "/sitemap.xml",
    "/robots.txt",
    "/lang/",
    "/healthz",
    "/api/claims/",
    "/api/claims/{}/",
    "/api/claimants/{}/",
    "/api/sources/",
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
segment = st.one_of(hostile, st.integers(-5, 10**12).map(str))
query = st.dictionaries(st.one_of(st.sampled_from(QUERY_KEYS), text), hostile, max_size=4)
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


@pytest.fixture
def newsroom(db):
    published_claim()
    ClaimFactory(text=DRAFT_TEXT, summary=DRAFT_TEXT)  # a draft
    assert Claim.objects.filter(text=DRAFT_TEXT, publication_state="draft").exists()


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pattern=st.sampled_from(PATTERNS),
    segments=st.lists(segment, min_size=2, max_size=2),
    params=query,
    extra=headers,
)
def test_no_input_gives_a_server_error_an_unescaped_echo_or_a_draft(
    client, newsroom, pattern, segments, params, extra
):
    path = pattern.format(*(quote(s, safe="") for s in segments))
    if params:
        path += "?" + urlencode(params)
    response = client.get(path, **extra)
    assert response.status_code < 500, (path, extra)
    body = b"".join(response) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    assert CANARY not in text, (path, extra)
    assert DRAFT_TEXT not in text, (path, extra)
