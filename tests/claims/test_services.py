import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from claims.models import StatusChange
from claims.services import status_change_record
from tests.factories import ClaimFactory, UserFactory, rating

pytestmark = pytest.mark.django_db


def test_status_change_moves_the_current_rating_and_records_the_previous_one():
    claim = ClaimFactory()
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editor"))
    first = status_change_record(
        claim=claim,
        to_rating=rating("unverified"),
        facts_known_on=datetime.date(2023, 11, 21),
        explanation="Recorded after the interview.",
        user=editor,
    )
    second = status_change_record(
        claim=claim,
        to_rating=rating("misleading"),
        facts_known_on=datetime.date(2023, 11, 24),
        explanation="The capability is deployed.",
        kind=StatusChange.Kind.UPDATE,
        user=editor,
    )
    claim.refresh_from_db()
    assert claim.rating == rating("misleading")
    assert first.from_rating is None
    assert second.from_rating == rating("unverified")
    assert second.created_by == editor
    assert list(claim.status_changes.all()) == [first, second]


def test_the_current_rating_is_the_latest_status_change():
    claim = ClaimFactory()
    for slug in ["unverified", "under-investigation", "true", "mostly-true"]:
        status_change_record(
            claim=claim,
            to_rating=rating(slug),
            facts_known_on=datetime.date(2023, 11, 21),
            explanation=f"Now {slug}.",
        )
    claim.refresh_from_db()
    assert claim.rating == claim.status_changes.latest().to_rating == rating("mostly-true")


def test_facts_cannot_become_known_in_the_future():
    claim = ClaimFactory()
    with pytest.raises(ValidationError):
        status_change_record(
            claim=claim,
            to_rating=rating("false"),
            facts_known_on=datetime.date.today() + datetime.timedelta(days=2),
            explanation="Tomorrow's news.",
        )
    assert not claim.status_changes.exists()
