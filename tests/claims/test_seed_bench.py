import pytest
from django.core.management import CommandError, call_command

from claims.models import Claim, Evidence, StatusChange

pytestmark = pytest.mark.django_db


def test_seed_bench_fills_an_empty_database_in_the_newsroom_proportions(capsys):
    call_command("seed_bench", claims=40)
    assert Claim.objects.count() == 40
    assert Evidence.objects.count() == 400
    assert StatusChange.objects.count() == 120
    for claim in Claim.objects.all()[:10]:
        assert claim.rating == claim.status_changes.latest().to_rating


def test_seed_bench_is_repeatable():
    call_command("seed_bench", claims=30, seed=1)
    first = list(Claim.objects.order_by("id").values_list("text", flat=True))
    assert len(set(first)) > 25


def test_seed_bench_refuses_a_database_that_has_claims():
    call_command("load_demo", verbosity=0)
    with pytest.raises(CommandError):
        call_command("seed_bench", claims=30)
