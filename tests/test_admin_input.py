"""The admin refuses bad data with a message on the field, and stores nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from sources.models import Source
from sources.validators import MAX_TEXT_CHARS
from tests.factories import ClaimantFactory, SourceFactory, published_claim

pytestmark = pytest.mark.django_db
TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def claim_data(**changes) -> dict:
    data = {
        "text": "The police do not use facial recognition.",
        "claimant": ClaimantFactory().pk,
        "said_on": "2023-11-21",
        "language": "fr",
        "appearances-TOTAL_FORMS": "1",
        "appearances-INITIAL_FORMS": "0",
        "appearances-0-medium": "tv",
        "appearances-0-outlet": "France 5",
        "appearances-0-appeared_on": "2023-11-21",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "links_out-TOTAL_FORMS": "0",
        "links_out-INITIAL_FORMS": "0",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"said_on": TOMORROW}, "This date is in the future."),
        ({"appearances-0-appeared_on": TOMORROW}, "This date is in the future."),
        ({"appearances-0-url": "javascript:alert(document.cookie)"}, "Enter a valid URL."),
        ({"appearances-0-url": "ftp://files.example.org/x"}, "Enter a valid URL."),
        (
            {"summary": 'See <a href="javascript:alert(1)">the ruling</a>'},
            "Links that run code",
        ),
        ({"editor_note": "JavaScript :void(0)"}, "Links that run code"),
        ({"quote": "x" * (MAX_TEXT_CHARS + 1)}, "Keep this under 20,000 characters."),
    ],
)
def test_bad_claim_input_is_refused_on_the_field_and_nothing_is_stored(
    staff_client, changes, message
):
    response = staff_client.post(reverse("admin:claims_claim_add"), claim_data(**changes))
    assert response.status_code == 200  # the form again, not a redirect
    assert message in response.content.decode()
    assert not Claim.objects.exists()


def test_a_good_claim_is_stored(staff_client):
    response = staff_client.post(reverse("admin:claims_claim_add"), claim_data())
    assert response.status_code == 302
    assert Claim.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"url": "data:text/html,<script>alert(1)</script>"}, "Enter a valid URL."),
        ({"archive_url": "vbscript:msgbox(1)"}, "Enter a valid URL."),
        ({"published_on": TOMORROW}, "This date is in the future."),
        ({"title": "javascript:alert(1)"}, "Links that run code"),
    ],
)
def test_bad_source_input_is_refused_and_the_stored_source_is_unchanged(
    staff_client, changes, message
):
    source = SourceFactory()
    data = {
        "title": source.title,
        "url": source.url,
        "kind": source.kind,
        "language": source.language,
        "published_on": source.published_on.isoformat(),
        "accessed_on": source.accessed_on.isoformat(),
        **changes,
    }
    response = staff_client.post(reverse("admin:sources_source_change", args=[source.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    stored = Source.objects.get(pk=source.pk)
    assert (stored.url, stored.title, stored.published_on) == (
        source.url,
        source.title,
        source.published_on,
    )


def test_the_status_change_form_refuses_script_links_and_future_facts(staff_client):
    claim = published_claim()
    url = reverse("admin:claims_claim_status", args=[claim.pk])
    before = claim.status_changes.count()
    for data, message in [
        (
            {"facts_known_on": TOMORROW, "explanation": "New ruling."},
            "Facts cannot become known in the future.",
        ),
        (
            {"facts_known_on": "2023-11-25", "explanation": "javascript:alert(1)"},
            "Links that run code",
        ),
    ]:
        response = staff_client.post(url, {"to_rating": claim.rating.pk, "kind": "update", **data})
        assert response.status_code == 200 and message in response.content.decode()
    assert claim.status_changes.count() == before
