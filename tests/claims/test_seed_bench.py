import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from claims.models import Claim, Evidence, StatusChange

pytestmark = pytest.mark.django_db


def test_seed_bench_fills_an_empty_database_in_the_newsroom_proportions(capsys):
    call_command("seed_bench", claims=40)
    assert Claim.objects.count() == 40
    assert Evidence.objects.count() == 400
    assert StatusChange.objects.count() == 120
    for claim in Claim.objects.all()[:10]:
        assert claim.rating == claim.status_changes.latest().to_rating


def content_digest() -> str:
    """What seed_bench wrote, without ids or timestamps (neither repeats): every claim with its
    claimant, rating, state, topics, evidence, appearances and rating history, in order."""
    rows = []
    claims = Claim.objects.order_by("id").select_related("claimant", "rating")
    for claim in claims.prefetch_related("topics", "investigations"):
        evidence = claim.evidence.order_by("id").values_list("source__title", "stance")
        changes = claim.status_changes.order_by("id").values_list(
            "from_rating__slug", "to_rating__slug", "facts_known_on", "kind"
        )
        rows.append(
            (
                claim.slug,
                claim.text,
                claim.summary,
                claim.language,
                claim.said_on,
                claim.claimant.slug,
                claim.rating.slug,
                claim.publication_state,
                sorted(t.slug for t in claim.topics.all()),
                sorted((i.slug, i.state, i.opened_on) for i in claim.investigations.all()),
                list(evidence),
                list(changes),
                list(claim.appearances.values_list("appeared_on", flat=True)),
            )
        )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def seeded_digest(seed: int) -> str:
    """seed_bench into an empty database, as for `make bench`; the database is empty again
    afterwards (the savepoint is rolled back)."""
    assert not Claim.objects.exists()
    with transaction.atomic():
        call_command("seed_bench", claims=30, seed=seed)
        assert Claim.objects.count() == 30
        digest = content_digest()
        transaction.set_rollback(True)
    return digest


def test_seed_bench_is_repeatable_and_the_seed_decides_the_content():
    first, again, other = seeded_digest(1), seeded_digest(1), seeded_digest(2)
    assert first == again
    assert other != first


def test_seed_bench_refuses_a_database_that_has_claims():
    call_command("load_demo", verbosity=0)
    with pytest.raises(CommandError):
        call_command("seed_bench", claims=30)
