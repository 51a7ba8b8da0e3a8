import datetime

import hypothesis
import pytest
import schemathesis
import yaml
from django.core.management import call_command
from django.urls import reverse
from schemathesis.checks import positive_data_acceptance

from claims import api
from claims.services import status_change_record
from tests.factories import (
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    InvestigationFactory,
    TopicFactory,
    published_claim,
    rating,
)

pytestmark = pytest.mark.django_db

ENDPOINTS = ["claim", "claimant", "source", "publisher", "investigation", "topic", "rating"]
SECRET = "Editors only: the minister's aide called back"


@pytest.fixture
def data(db):
    call_command("load_demo", verbosity=0)
    draft = ClaimFactory(
        text="Secret draft about pensions",
        editor_note=SECRET,
        claimant=ClaimantFactory(name="Draft Only Person", slug="draft-only"),
    )
    EvidenceFactory(claim=draft, note=SECRET)
    draft.topics.add(TopicFactory(slug="draft-topic"))
    draft.investigations.add(InvestigationFactory(slug="draft-inquiry"))
    status_change_record(
        claim=draft,
        to_rating=rating("false"),
        facts_known_on=datetime.date(2023, 11, 22),
        explanation="Draft verdict",
    )
    return draft


def detail_url(client, name: str) -> str:
    listing = client.get(reverse(f"api:{name}-list")).json()
    first = listing["results"][0] if isinstance(listing, dict) else listing[0]
    key = first.get("id") if name in {"claim", "source"} else first["slug"]
    return reverse(f"api:{name}-detail", args=[key])


@pytest.mark.parametrize("name", ENDPOINTS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_write_method_answers_405(client, data, name, method):
    list_url = reverse(f"api:{name}-list")
    assert getattr(client, method)(list_url, {}, content_type="application/json").status_code == 405
    target = detail_url(client, name)
    assert getattr(client, method)(target, {}, content_type="application/json").status_code == 405


def every_page(client, url: str) -> str:
    """The bodies of every page of a list, following `next` (the API takes no page size)."""
    bodies = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.content.decode())
        listing = response.json()
        url = listing.get("next") if isinstance(listing, dict) else None
    return "\n".join(bodies)


@pytest.mark.parametrize("name", ENDPOINTS)
def test_no_draft_data_through_any_endpoint(client, data, name):
    body = every_page(client, reverse(f"api:{name}-list"))
    for secret in [
        "Secret draft",
        SECRET,
        "Draft Only Person",
        "draft-topic",
        "draft-inquiry",
        "Draft verdict",
        "editor_note",
        "created_by",
        "published_by",
        "added_by",
    ]:
        assert secret not in body, (name, secret)


def test_a_draft_answers_404_by_id(client, data):
    assert client.get(reverse("api:claim-detail", args=[data.pk])).status_code == 404
    assert client.get(reverse("api:claimant-detail", args=["draft-only"])).status_code == 404


def test_filters_cannot_reach_drafts(client, data):
    for params in [
        {"q": "pensions"},
        {"claimant": "draft-only"},
        {"topic": "draft-topic"},
        {"rating": "false"},
    ]:
        response = client.get(reverse("api:claim-list"), params)
        assert "Secret draft" not in response.content.decode(), params


def test_claims_use_the_public_lists_filters(client, data):
    body = client.get(reverse("api:claim-list"), {"rating": "misleading"}).json()
    assert body["count"] == 1
    assert body["results"][0]["claimant"]["name"] == "Gérald Darmanin"
    body = client.get(reverse("api:claim-list"), {"open_investigation": "true"}).json()
    assert body["count"] == 2


def test_an_invalid_filter_answers_400(client, data):
    response = client.get(reverse("api:claim-list"), {"said_from": "2023-13-45"})
    assert response.status_code == 400
    assert "said_from" in response.json()


def test_claim_detail_carries_evidence_history_and_links(client, data):
    from claims.models import Claim

    claim = Claim.objects.get(slug="gerald-darmanin-facial-recognition")
    body = client.get(reverse("api:claim-detail", args=[claim.pk])).json()
    assert {e["stance"] for e in body["evidence"]} == {"supports", "contradicts", "context"}
    assert [s["to_rating"] for s in body["status_history"]] == [
        "unverified",
        "under-investigation",
        "misleading",
    ]
    assert body["page"].endswith(claim.get_absolute_url())
    assert "note" not in body["evidence"][0]


def test_pagination_is_stable(client):
    for i in range(60):
        published_claim(text=f"Claim {i}")
    first = client.get(reverse("api:claim-list")).json()
    second = client.get(reverse("api:claim-list"), {"page": 2}).json()
    ids = [c["id"] for c in first["results"]] + [c["id"] for c in second["results"]]
    assert first["count"] == 60 and len(set(ids)) == 60


def test_a_page_size_parameter_is_ignored_and_lists_keep_the_default_page_size(client):
    page_size = api.ClaimViewSet.pagination_class().page_size
    for i in range(page_size + 5):
        published_claim(text=f"Claim {i}")
    default = client.get(reverse("api:claim-list")).json()
    for asked in (500, 2):
        body = client.get(reverse("api:claim-list"), {"page_size": asked}).json()
        assert body["count"] == page_size + 5
        assert body["results"] == default["results"]
        assert len(body["results"]) == page_size and body["next"]


def test_the_openapi_schema_validates(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    assert schema["openapi"].startswith("3.")
    assert "/api/claims/" in schema["paths"]
    assert set(schema["paths"]["/api/claims/"]) == {"get"}


def test_the_api_docs_render(client):
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/schema/").status_code == 200


def test_anonymous_clients_are_throttled(client, data, settings):
    from django.core.cache import cache
    from rest_framework.settings import api_settings
    from rest_framework.throttling import AnonRateThrottle

    cache.clear()
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "3/minute"}
    try:
        AnonRateThrottle.THROTTLE_RATES = rates
        codes = [client.get(reverse("api:rating-list")).status_code for _ in range(5)]
    finally:
        AnonRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        cache.clear()
    assert codes == [200, 200, 200, 429, 429]


# -- schemathesis: generated requests against the live schema ---------------------------------


@pytest.fixture
def api_schema(db, settings):
    from django.core.cache import cache

    from factcheck.wsgi import application

    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # As Django's test client does: keep the test's connection open between requests.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    # Generated requests come fast; the throttle would answer 429 instead of testing the API.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    cache.clear()
    call_command("load_demo", verbosity=0)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_api_never_errors_and_always_matches_its_schema(api_schema):
    """Schemathesis generates requests (valid and not) for every operation of the schema the
    API serves, and checks each response: no server error, and a body, status and headers
    that match the schema. Bounded: a fixed number of examples per operation."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 14  # list and detail for each of the seven resources
    for operation in operations:

        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(
            max_examples=100,
            deadline=None,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        def check(case):
            # Filters take slugs of existing claimants, topics and ratings, which the schema
            # cannot enumerate: an unknown one is a documented 400, not a schema violation.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()


@pytest.mark.parametrize("name", ENDPOINTS)
def test_api_lists_run_a_fixed_number_of_queries(client, name, django_assert_max_num_queries):
    from tests.factories import AppearanceFactory, SourceFactory

    for i in range(30):
        claim = published_claim(text=f"Claim {i}")
        claim.topics.add(TopicFactory())
        claim.investigations.add(InvestigationFactory())
        EvidenceFactory(claim=claim, source=SourceFactory())
        AppearanceFactory(claim=claim)
    with django_assert_max_num_queries(12):  # incl. the public version read
        assert client.get(reverse(f"api:{name}-list")).status_code == 200
