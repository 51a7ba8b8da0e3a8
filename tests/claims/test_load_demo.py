import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from claims.models import Claim, Evidence, StatusChange
from sources.models import Investigation

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("claims", "sources")
        for model in apps.get_app_config(app).get_models()
    }


def test_the_demo_case_has_three_published_claims_with_evidence_on_both_sides():
    call_command("load_demo", verbosity=0)
    assert Claim.objects.published().count() == 3
    minister = Claim.objects.get(slug="gerald-darmanin-facial-recognition")
    assert minister.quote.startswith("À ma connaissance")
    assert minister.quote_translation == "To my knowledge, we do not use facial recognition."
    stances = set(Evidence.objects.values_list("stance", flat=True))
    assert {"supports", "contradicts", "context"} <= stances
    assert Investigation.objects.get(slug="cnil-briefcam-control").state == "open"


def test_the_demo_status_history_shows_the_verdict_moving():
    call_command("load_demo", verbosity=0)
    minister = Claim.objects.get(slug="gerald-darmanin-facial-recognition")
    steps = [c.to_rating.slug for c in minister.status_changes.all()]
    assert steps == ["unverified", "under-investigation", "misleading"]
    assert minister.rating.slug == "misleading"
    assert StatusChange.objects.filter(kind=StatusChange.Kind.CORRECTION).count() == 1


def test_loading_the_demo_twice_adds_nothing():
    call_command("load_demo", verbosity=0)
    first = row_counts()
    call_command("load_demo", verbosity=0)
    assert row_counts() == first


def test_demo_accounts_log_in_and_are_not_duplicated(settings, client):
    settings.DEBUG = True
    call_command("load_demo", "--accounts", verbosity=0)
    call_command("load_demo", "--accounts", verbosity=0)
    assert get_user_model().objects.filter(username="editor").count() == 1
    response = client.post(
        "/admin/login/", {"username": "editor", "password": "demo-editor-2023", "next": "/admin/"}
    )
    assert response.status_code == 302
    assert client.get("/admin/claims/claim/").status_code == 200


def test_demo_accounts_are_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo", "--accounts", verbosity=0)
    assert not get_user_model().objects.filter(username="editor").exists()
