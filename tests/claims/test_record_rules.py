"""The public record's rules hold whatever writes: raw SQL, the ORM, the services."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from claims.models import Claim, PublicationEvent, StatusChange
from claims.services import ACTIONS, claim_publish, claim_withdraw, status_change_record
from tests.factories import ClaimFactory, published_claim, rating

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="checked at commit by PostgreSQL triggers"
)


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def refused(statement: str, params=(), *, at_commit: bool = False) -> bool:
    """Whether the database refuses the statement (with the checks it makes at commit run
    right away when `at_commit`)."""
    try:
        with transaction.atomic():
            sql(statement, params)
            if at_commit:
                sql("SET CONSTRAINTS ALL IMMEDIATE")
            transaction.set_rollback(True)
    except DatabaseError:
        return True
    return False


def claim_in(state: str) -> Claim:
    """A claim that reached `state` through the services."""
    if state in {Claim.State.DRAFT, Claim.State.REVIEW}:
        return ClaimFactory(publication_state=state)
    claim = published_claim()
    if state == Claim.State.WITHDRAWN:
        claim_withdraw(claim=claim, note="Checking a figure.")
    return claim


def test_the_database_moves_publication_state_only_along_the_workflow_table():
    states = Claim.State.values
    accepted = set()
    for old, new in itertools.permutations(states, 2):
        claim = claim_in(old)
        statement = (
            "UPDATE claims_claim SET publication_state = %s, withdrawal_note = %s, "
            "published_at = CASE WHEN %s IN ('draft', 'review') THEN published_at "
            "ELSE coalesce(published_at, %s) END "
        )
        params = [new, "A note.", new, timezone.now(), claim.pk]
        if not refused(statement + "WHERE id = %s", params):
            accepted.add((old, new))
    assert accepted == Claim.TRANSITIONS
    # ... and the workflow's actions are the same moves.
    moves = {(old, a.to_state) for a in ACTIONS.values() if a.to_state for old in a.states}
    assert moves == Claim.TRANSITIONS


def test_the_database_never_undoes_or_redates_a_first_publication():
    claim = published_claim()
    assert refused("UPDATE claims_claim SET published_at = NULL WHERE id = %s", [claim.pk])
    assert refused(
        "UPDATE claims_claim SET published_at = %s WHERE id = %s",
        [timezone.now() - datetime.timedelta(days=400), claim.pk],
    )
    claim.refresh_from_db()
    assert claim.published_at is not None


def test_the_database_refuses_a_claim_born_withdrawn():
    claim = ClaimFactory()
    assert refused(
        "INSERT INTO claims_claim (text, slug, quote, quote_language, quote_translation, "
        "claimant_id, said_on, language, summary, publication_state, published_at, version, "
        "import_key, withdrawal_note, editor_note, created_at, updated_at) "
        "SELECT text, 'x', '', '', '', claimant_id, said_on, language, '', 'withdrawn', "
        "created_at, 1, '', 'Gone.', '', created_at, created_at FROM claims_claim WHERE id = %s",
        [claim.pk],
    )


def test_the_database_keeps_publication_events_and_status_changes_as_written():
    claim = published_claim()
    assert refused("UPDATE claims_publicationevent SET note = 'x' WHERE claim_id = %s", [claim.pk])
    assert refused(
        "UPDATE claims_statuschange SET explanation = 'x' WHERE claim_id = %s", [claim.pk]
    )


@postgres_only
def test_the_database_refuses_to_delete_publication_events():
    claim = published_claim()
    assert refused("DELETE FROM claims_publicationevent WHERE claim_id = %s", [claim.pk])


@postgres_only
def test_the_database_refuses_a_rating_without_its_status_change():
    claim = published_claim(rating_slug="false")
    assert refused(
        "UPDATE claims_claim SET rating_id = %s WHERE id = %s",
        [rating("true").pk, claim.pk],
        at_commit=True,
    )


@postgres_only
def test_the_database_refuses_a_status_change_the_claim_does_not_carry():
    claim = published_claim(rating_slug="false")
    assert refused(
        "INSERT INTO claims_statuschange (claim_id, to_rating_id, facts_known_on, explanation, "
        "kind, created_at) VALUES (%s, %s, '2023-11-22', 'Quietly.', 'update', %s)",
        [claim.pk, rating("true").pk, timezone.now()],
        at_commit=True,
    )


@postgres_only
def test_the_database_refuses_an_entry_slipped_in_before_the_latest_one():
    claim = published_claim(rating_slug="false")
    earlier = claim.status_changes.get().created_at - datetime.timedelta(days=1)
    assert refused(
        "INSERT INTO claims_statuschange (claim_id, from_rating_id, to_rating_id, "
        "facts_known_on, explanation, kind, created_at) "
        "VALUES (%s, NULL, %s, '2023-11-20', 'Backdated.', 'update', %s)",
        [claim.pk, rating("false").pk, earlier],
    )
    assert refused(
        "INSERT INTO claims_publicationevent (claim_id, kind, note, created_at) "
        "VALUES (%s, 'withdrawn', 'Backdated.', %s)",
        [claim.pk, earlier],
    )


@postgres_only
def test_the_database_refuses_a_withdrawal_or_publication_without_its_public_event():
    published = published_claim()
    assert refused(
        "UPDATE claims_claim SET publication_state = 'withdrawn', withdrawal_note = 'Quiet.' "
        "WHERE id = %s",
        [published.pk],
        at_commit=True,
    )
    draft = ClaimFactory()
    status_change_record(
        claim=draft,
        to_rating=rating("false"),
        facts_known_on=datetime.date(2023, 11, 22),
        explanation="Proposed.",
    )
    assert refused(
        "UPDATE claims_claim SET publication_state = 'published', published_at = now() "
        "WHERE id = %s",
        [draft.pk],
        at_commit=True,
    )


@postgres_only
def test_what_the_services_write_passes_the_checks_made_at_commit():
    claim = published_claim()
    claim_withdraw(claim=claim, note="Checking a figure.")
    claim_publish(claim=claim)
    status_change_record(
        claim=claim,
        to_rating=rating("misleading"),
        facts_known_on=datetime.date(2023, 11, 23),
        explanation="New facts.",
    )
    sql("SET CONSTRAINTS ALL IMMEDIATE")  # raises if any rule is broken
    kinds = list(claim.publication_events.values_list("kind", flat=True))
    assert kinds == ["published", "withdrawn", "republished"]


def test_the_model_refuses_a_move_the_workflow_does_not_have():
    claim = published_claim()
    claim.publication_state = Claim.State.DRAFT
    with pytest.raises(ValidationError):
        claim.save()


def test_the_model_refuses_a_rating_that_is_not_the_latest_status_change():
    claim = published_claim(rating_slug="false")
    claim.rating = rating("true")
    with pytest.raises(ValidationError):
        claim.save()
    claim.refresh_from_db()
    assert claim.rating.slug == "false"


def test_a_status_change_cannot_be_dated_before_the_latest_one():
    claim = published_claim()
    latest = claim.status_changes.latest()
    with pytest.raises(ValidationError):
        status_change_record(
            claim=claim,
            to_rating=rating("true"),
            facts_known_on=datetime.date(2023, 11, 22),
            explanation="Backdated.",
            at=latest.created_at - datetime.timedelta(hours=1),
        )
    assert claim.status_changes.count() == 1


def test_publication_events_are_append_only_in_the_model():
    claim = published_claim()
    event = claim.publication_events.get()
    event.note = "Rewritten."
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert PublicationEvent.objects.filter(pk=event.pk, note="").exists()
    assert StatusChange.objects.filter(claim=claim).count() == 1


def test_the_database_refuses_a_publication_date_on_a_claim_never_published():
    claim = ClaimFactory()
    assert refused(
        "UPDATE claims_claim SET published_at = %s WHERE id = %s", [timezone.now(), claim.pk]
    )


@postgres_only
def test_the_database_refuses_a_verdict_taken_from_another_claim_or_the_future():
    public, draft = published_claim(), ClaimFactory()
    status_change_record(
        claim=draft,
        to_rating=rating("true"),
        facts_known_on=datetime.date(2023, 11, 22),
        explanation="Draft reasoning.",
    )
    claim_withdraw(claim=public, note="Checking.")
    assert refused(
        "INSERT INTO claims_publicationevent (claim_id, kind, status_change_id, note, created_at)"
        " VALUES (%s, 'republished', %s, '', %s)",
        [public.pk, draft.status_changes.get().pk, timezone.now()],
    )
    assert refused(
        "INSERT INTO claims_statuschange (claim_id, to_rating_id, facts_known_on, explanation, "
        "kind, created_at) VALUES (%s, %s, '2023-11-22', 'From the future.', 'update', %s)",
        [draft.pk, rating("false").pk, timezone.now() + datetime.timedelta(days=365)],
    )


def test_a_change_of_a_published_verdict_is_dated_after_its_publication():
    claim = published_claim(rating_slug="false")
    with pytest.raises(ValidationError):
        status_change_record(
            claim=claim,
            to_rating=rating("true"),
            facts_known_on=datetime.date(2023, 11, 22),
            explanation="Same day as the publication.",
            at=claim.published_at,
        )
    assert claim.status_changes.count() == 1


def test_sqlite_and_postgresql_refuse_a_rating_moved_without_its_status_change():
    claim = published_claim(rating_slug="false")
    assert refused(
        "UPDATE claims_claim SET rating_id = %s WHERE id = %s",
        [rating("true").pk, claim.pk],
        at_commit=connection.vendor == "postgresql",
    )
