"""Readers' record of a claim starts at its publication; withdrawals stay on it."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from claims.services import claim_publish, claim_withdraw, status_change_record
from sources.models import Investigation
from sources.services import investigation_update_record
from tests.factories import (
    ClaimFactory,
    EvidenceFactory,
    InvestigationFactory,
    SourceFactory,
    member,
    rating,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date(2023, 11, 22)
PROPOSAL = "Proposed while drafting: probably true."
VERDICT = "Checked: the software has the feature."


def at(days_ago: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days_ago)


@pytest.fixture
def claim(db):
    """Proposed "Mostly true" ten days ago (a draft), rated "False" the day it was published
    five days ago."""
    claim = ClaimFactory(summary="The software has the feature.")
    EvidenceFactory(claim=claim)
    status_change_record(
        claim=claim,
        to_rating=rating("mostly-true"),
        facts_known_on=DAY,
        explanation=PROPOSAL,
        kind="correction",
        at=at(10),
    )
    status_change_record(
        claim=claim, to_rating=rating("false"), facts_known_on=DAY, explanation=VERDICT, at=at(5)
    )
    claim_publish(claim=claim, at=at(5))
    return claim


def test_a_rating_proposed_before_publication_never_reaches_readers(client, claim):
    pages = [
        claim.get_absolute_url(),
        reverse("claims:home"),
        reverse("claims:feed"),
        reverse("claims:correction_list"),
        reverse("claims:correction_feed"),
        f"/api/claims/{claim.pk}/",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert PROPOSAL not in html, url
    assert VERDICT in client.get(claim.get_absolute_url()).content.decode()


def test_the_api_history_starts_with_the_published_verdict(client, claim):
    history = client.get(f"/api/claims/{claim.pk}/").json()["status_history"]
    assert [(c["from_rating"], c["to_rating"]) for c in history] == [(None, "false")]


def test_as_of_before_publication_shows_no_verdict(client, claim):
    day = timezone.localdate(at(7)).isoformat()
    response = client.get(claim.get_absolute_url(), {"as_of": day})
    state = response.context["state"]
    assert state.rating is None and state.before_publication
    assert "had not published a verdict" in response.content.decode()
    after = client.get(claim.get_absolute_url(), {"as_of": timezone.localdate(at(4)).isoformat()})
    assert after.context["state"].rating == rating("false")


def test_the_feed_announces_the_publication_with_its_verdict(client, claim):
    feed = client.get(reverse("claims:feed")).content.decode()
    assert f"publication-event-{claim.publication_events.get().pk}" in feed
    assert VERDICT in feed


def test_a_withdrawal_stays_on_the_record_after_republication(client, claim):
    chief = member("Chief editor", "chief")
    claim_withdraw(claim=claim, note="The ministry disputes a figure; we are checking.", user=chief)
    claim_publish(claim=claim, user=chief)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "The ministry disputes a figure; we are checking." in html
    assert "Published again" in html
    feed = client.get(reverse("claims:feed")).content.decode()
    assert "The ministry disputes a figure; we are checking." in feed
    events = client.get(f"/api/claims/{claim.pk}/").json()["publication_history"]
    assert [e["kind"] for e in events] == ["published", "withdrawn", "republished"]
    claim.refresh_from_db()
    assert claim.publication_state == Claim.State.PUBLISHED


def test_a_withdrawal_is_in_the_feed_while_the_claim_is_withdrawn(client, claim):
    claim_withdraw(claim=claim, note="Withdrawn pending a check.")
    feed = client.get(reverse("claims:feed")).content.decode()
    assert "Withdrawn pending a check." in feed
    assert client.get(claim.get_absolute_url()).status_code == 410


def test_as_of_shows_an_investigation_as_it_was_before_its_first_update(client, claim):
    inquiry = InvestigationFactory(
        opened_on=DAY,
        state=Investigation.State.REQUESTED,
        initial_state=Investigation.State.REQUESTED,
    )
    claim.investigations.add(inquiry)
    investigation_update_record(
        investigation=inquiry,
        happened_on=DAY + datetime.timedelta(days=10),
        state=Investigation.State.OPEN,
        summary="The commission is set up.",
        source=SourceFactory(),
    )
    response = client.get(claim.get_absolute_url(), {"as_of": DAY.isoformat()})
    assert response.context["state"].investigations == [(inquiry, "requested")]
    today = client.get(claim.get_absolute_url()).context["state"]
    assert today.investigations == [(inquiry, "open")]


def test_changes_after_publication_are_public_with_what_they_replaced(client, claim):
    status_change_record(
        claim=claim,
        to_rating=rating("misleading"),
        facts_known_on=DAY,
        explanation="We had overstated it.",
        kind="correction",
    )
    corrections = client.get(reverse("claims:correction_list")).content.decode()
    assert "We had overstated it." in corrections
    history = client.get(f"/api/claims/{claim.pk}/").json()["status_history"]
    assert [(c["from_rating"], c["to_rating"]) for c in history] == [
        (None, "false"),
        ("false", "misleading"),
    ]
    assert json.dumps(history).count(PROPOSAL) == 0
