import datetime

import pytest
from django.core.exceptions import ValidationError

from sources.models import Investigation
from sources.services import investigation_state_sync, investigation_update_record
from tests.factories import InvestigationFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_an_update_that_sets_a_state_moves_the_investigation():
    investigation = InvestigationFactory(state=Investigation.State.OPEN)
    investigation_update_record(
        investigation=investigation,
        happened_on=datetime.date(2024, 12, 5),
        state=Investigation.State.CONCLUDED,
        summary="The CNIL issues its decision.",
        source=SourceFactory(),
    )
    investigation.refresh_from_db()
    assert investigation.state == Investigation.State.CONCLUDED


def test_an_update_without_a_state_keeps_the_current_one():
    investigation = InvestigationFactory(
        state=Investigation.State.OPEN, initial_state=Investigation.State.OPEN
    )
    investigation_update_record(
        investigation=investigation,
        happened_on=datetime.date(2024, 1, 5),
        summary="Hearing postponed.",
    )
    investigation.refresh_from_db()
    assert investigation.state == Investigation.State.OPEN
    assert investigation.updates.count() == 1


def test_an_update_without_a_summary_is_refused():
    investigation = InvestigationFactory()
    with pytest.raises(ValidationError):
        investigation_update_record(
            investigation=investigation, happened_on=datetime.date(2024, 1, 5), summary=""
        )
    assert not investigation.updates.exists()


def test_deleting_the_only_update_that_sets_a_state_restores_the_initial_state():
    investigation = InvestigationFactory(
        state=Investigation.State.OPEN, initial_state=Investigation.State.OPEN
    )
    update = investigation_update_record(
        investigation=investigation,
        happened_on=datetime.date(2024, 12, 5),
        state=Investigation.State.CONCLUDED,
        summary="The CNIL issues its decision.",
    )
    update.delete()
    investigation_state_sync(investigation=investigation)
    investigation.refresh_from_db()
    assert investigation.state == Investigation.State.OPEN


def test_without_an_update_that_sets_a_state_the_state_is_the_initial_one():
    investigation = InvestigationFactory(
        state=Investigation.State.CONCLUDED, initial_state=Investigation.State.REQUESTED
    )
    investigation_update_record(
        investigation=investigation,
        happened_on=datetime.date(2024, 1, 5),
        summary="Hearing postponed.",
    )
    investigation.refresh_from_db()
    assert investigation.state == Investigation.State.REQUESTED
