import datetime
import importlib

import pytest
from django.apps import apps

from sources.models import Investigation
from sources.services import investigation_update_record
from tests.factories import InvestigationFactory, InvestigationUpdateFactory

pytestmark = pytest.mark.django_db

fill_initial_states = importlib.import_module(
    "sources.migrations.0005_investigation_initial_state"
).fill_initial_states


def as_before_the_migration(investigation: Investigation, *, history: bool) -> None:
    # The column's value before the data step: the default, or anything the step must replace.
    Investigation.objects.filter(pk=investigation.pk).update(initial_state="dropped")
    if not history:  # rows imported or made before history was kept
        Investigation.history.filter(id=investigation.pk).delete()


@pytest.fixture
def filled():
    """One investigation per case of the fill rule, filled in a single pass."""
    created_open = InvestigationFactory(state=Investigation.State.OPEN)
    investigation_update_record(
        investigation=created_open,
        happened_on=datetime.date(2024, 12, 5),
        state=Investigation.State.CONCLUDED,
        summary="The CNIL issues its decision.",
    )
    as_before_the_migration(created_open, history=True)

    never_moved = InvestigationFactory(state=Investigation.State.CONCLUDED)
    InvestigationUpdateFactory(investigation=never_moved, state="")
    as_before_the_migration(never_moved, history=False)

    moved = InvestigationFactory(state=Investigation.State.CONCLUDED)
    InvestigationUpdateFactory(investigation=moved, state=Investigation.State.CONCLUDED)
    as_before_the_migration(moved, history=False)

    fill_initial_states(apps, None)
    return {
        name: Investigation.objects.get(pk=investigation.pk).initial_state
        for name, investigation in {
            "created_open": created_open,
            "never_moved": never_moved,
            "moved": moved,
        }.items()
    }


def test_fill_takes_the_state_recorded_when_the_investigation_was_created(filled):
    assert filled["created_open"] == Investigation.State.OPEN


def test_fill_keeps_the_current_state_when_no_update_ever_set_one(filled):
    assert filled["never_moved"] == Investigation.State.CONCLUDED


def test_fill_falls_back_to_requested_when_an_update_set_the_state(filled):
    assert filled["moved"] == Investigation.State.REQUESTED


def test_a_new_investigation_starts_requested_unless_told_otherwise():
    assert InvestigationFactory().initial_state == Investigation.State.REQUESTED
