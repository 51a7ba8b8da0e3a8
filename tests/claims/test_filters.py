"""The claim filters (claims/public/filters.py) reveal nothing about drafts, on list and API."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim
from claims.public.filters import ClaimFilter
from tests.factories import ClaimantFactory, ClaimFactory, TopicFactory, published_claim

pytestmark = pytest.mark.django_db

NEVER_EXISTED = "nobody-ever-had-this-slug"


@pytest.fixture
def public_and_draft(db):
    """A published claim with its claimant and topic, and a draft with its own of both."""
    public_topic = TopicFactory(name="Public safety", slug="public-safety")
    published = published_claim(claimant=ClaimantFactory(slug="public-person"))
    published.topics.add(public_topic)
    draft = ClaimFactory(claimant=ClaimantFactory(slug="draft-person"))
    draft.topics.add(TopicFactory(name="Pension reform", slug="pension-reform"))
    return published


def topic_options(content: str) -> dict[str, str]:
    select = re.search(r'<select name="topic"[^>]*>(.*?)</select>', content, re.S)
    assert select, "no topic select"
    return {
        value: html.unescape(label.strip())
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[1])
    }


def field_errors(content: str, name: str) -> list[str]:
    return re.findall(rf'<p class="error" id="id_{name}-error">(.*?)</p>', content, re.S)


def test_topic_select_lists_only_topics_of_published_claims(client, public_and_draft):
    options = topic_options(client.get(reverse("claims:claim_list")).content.decode())
    assert options.get("public-safety") == "Public safety"
    assert "pension-reform" not in options
    assert "Pension reform" not in options.values()


def test_api_filter_form_lists_only_topics_of_published_claims(client, public_and_draft):
    response = client.get(reverse("api:claim-list"), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    options = topic_options(response.content.decode())
    assert "public-safety" in options
    assert "pension-reform" not in options


def test_topic_select_reads_its_options_from_the_cache(public_and_draft):
    def render() -> tuple[str, list[str]]:
        form = ClaimFilter(data={}, queryset=Claim.objects.published()).form
        with CaptureQueriesContext(connection) as queries:
            select = str(form["topic"])
        return select, [query["sql"] for query in queries.captured_queries]

    first, _ = render()
    again, sql = render()
    assert again == first
    assert "public-safety" in again
    assert not [query for query in sql if "claims_topic" in query]


@pytest.mark.parametrize(
    ("name", "draft_only"), [("claimant", "draft-person"), ("topic", "pension-reform")]
)
def test_list_answers_a_draft_only_value_like_an_unknown_one(
    client, public_and_draft, name, draft_only
):
    url = reverse("claims:claim_list")
    drafted = client.get(url, {name: draft_only})
    unknown = client.get(url, {name: NEVER_EXISTED})
    assert drafted.status_code == unknown.status_code == 200
    assert field_errors(drafted.content.decode(), name) == field_errors(
        unknown.content.decode(), name
    )
    assert field_errors(unknown.content.decode(), name)  # the same error, not none at all


@pytest.mark.parametrize(
    ("name", "draft_only"), [("claimant", "draft-person"), ("topic", "pension-reform")]
)
def test_api_answers_a_draft_only_value_like_an_unknown_one(
    client, public_and_draft, name, draft_only
):
    url = reverse("api:claim-list")
    drafted = client.get(url, {name: draft_only})
    unknown = client.get(url, {name: NEVER_EXISTED})
    assert drafted.status_code == unknown.status_code == 400
    assert drafted.content.decode().replace(
        draft_only, "VALUE"
    ) == unknown.content.decode().replace(NEVER_EXISTED, "VALUE")


@pytest.mark.parametrize(
    ("name", "value"), [("claimant", "public-person"), ("topic", "public-safety")]
)
def test_a_value_of_a_published_claim_still_filters(client, public_and_draft, name, value):
    published_claim()  # another published claim, which the filter leaves out
    listing = client.get(reverse("claims:claim_list"), {name: value})
    assert listing.status_code == 200
    assert not field_errors(listing.content.decode(), name)
    assert [claim.pk for claim in listing.context["object_list"]] == [public_and_draft.pk]
    body = client.get(reverse("api:claim-list"), {name: value}).json()
    assert [claim["id"] for claim in body["results"]] == [public_and_draft.pk]
