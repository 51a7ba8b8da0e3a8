import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from claims.models import Claim, StatusChange
from tests.factories import ClaimFactory, ClaimLinkFactory, UserFactory, rating

pytestmark = pytest.mark.django_db

# Ours and Django's; the security apps' own admin (lockouts, devices) is theirs to test.
MODELS = sorted(
    (m for m in admin.site._registry if m._meta.app_label in {"claims", "sources", "auth"}),
    key=lambda m: m._meta.label,
)


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    Group.objects.create(name="Fact-checkers")
    ClaimLinkFactory(from_claim=Claim.objects.first(), to_claim=Claim.objects.last())


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_admin_changelist_renders_for_staff(staff_client, demo, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = staff_client.get(url)
    assert response.status_code == 200
    response = staff_client.get(url, {"q": "reconnaissance"})
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_admin_change_page_renders_for_staff(staff_client, demo, model):
    opts = model._meta
    obj = model.objects.first()
    response = staff_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    )
    assert response.status_code == 200
    assert escape(str(obj)[:20]) in response.content.decode()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_admin_add_page_renders_for_staff_or_is_closed(staff_client, demo, model):
    opts = model._meta
    response = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    # Status changes are only ever written through a claim's "Change status" form.
    assert response.status_code == (403 if model is StatusChange else 200)


def test_the_claim_page_shows_its_status_history_and_the_change_status_link(staff_client, demo):
    claim = Claim.objects.get(slug="aurelien-saintoul-olympic-law-facial-recognition")
    page = staff_client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "Status history" in page
    assert "Correction: we first rated this" in page
    assert reverse("admin:claims_claim_status", args=[claim.pk]) in page


def test_the_status_form_writes_history_and_moves_the_rating(staff_client):
    claim = ClaimFactory()
    url = reverse("admin:claims_claim_status", args=[claim.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(
        url,
        {
            "to_rating": rating("under-investigation").pk,
            "facts_known_on": "2023-11-15",
            "kind": StatusChange.Kind.UPDATE,
            "explanation": "The CNIL opened a control procedure.",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.rating == rating("under-investigation")
    change = claim.status_changes.get()
    assert change.facts_known_on == datetime.date(2023, 11, 15)
    assert change.created_by == staff_client.user
    assert change.explanation == "The CNIL opened a control procedure."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("explanation", "   ", "This field is required."),
        ("facts_known_on", "2999-01-01", "Facts cannot become known in the future."),
        ("facts_known_on", "21/13/2023", "Enter a valid date."),
        ("kind", "rewrite", "Select a valid choice."),
    ],
)
def test_the_status_form_refuses_bad_input_with_a_message_and_stores_nothing(
    staff_client, field, value, message
):
    claim = ClaimFactory()
    data = {
        "to_rating": rating("false").pk,
        "facts_known_on": "2023-11-15",
        "kind": StatusChange.Kind.CORRECTION,
        "explanation": "We misread the law.",
        field: value,
    }
    response = staff_client.post(reverse("admin:claims_claim_status", args=[claim.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    claim.refresh_from_db()
    assert claim.rating is None
    assert not claim.status_changes.exists()


def test_the_status_form_of_a_missing_claim_answers_404(staff_client):
    assert staff_client.get(reverse("admin:claims_claim_status", args=[999999])).status_code == 404


def test_staff_without_status_permission_cannot_change_a_status(client):
    user = UserFactory()
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["change_claim", "view_claim"])
    )
    client.force_login(user)
    claim = ClaimFactory()
    response = client.post(
        reverse("admin:claims_claim_status", args=[claim.pk]),
        {
            "to_rating": rating("false").pk,
            "facts_known_on": "2023-11-15",
            "kind": "update",
            "explanation": "x",
        },
    )
    assert response.status_code == 403
    assert not claim.status_changes.exists()


def test_the_change_status_action_opens_the_form_for_one_claim(staff_client):
    claim = ClaimFactory()
    response = staff_client.post(
        reverse("admin:claims_claim_changelist"),
        {
            "action": "change_status_action",
            "_selected_action": [claim.pk],
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:claims_claim_status", args=[claim.pk])


def test_the_change_status_action_refuses_several_claims(staff_client):
    claims = [ClaimFactory(), ClaimFactory()]
    response = staff_client.post(
        reverse("admin:claims_claim_changelist"),
        {
            "action": "change_status_action",
            "_selected_action": [c.pk for c in claims],
        },
        follow=True,
    )
    assert "Select exactly one claim" in response.content.decode()


def test_adding_a_claim_with_inline_evidence_records_who_did_it(staff_client):
    from tests.factories import ClaimantFactory, SourceFactory

    claimant, source = ClaimantFactory(), SourceFactory()
    data = {
        "text": "The police do not use facial recognition.",
        "claimant": claimant.pk,
        "said_on": "2023-11-21",
        "language": "fr",
        "publication_state": "draft",
        "appearances-TOTAL_FORMS": "1",
        "appearances-INITIAL_FORMS": "0",
        "appearances-0-medium": "tv",
        "appearances-0-outlet": "France 5",
        "appearances-0-appeared_on": "2023-11-21",
        "evidence-TOTAL_FORMS": "1",
        "evidence-INITIAL_FORMS": "0",
        "evidence-0-source": source.pk,
        "evidence-0-stance": "contradicts",
        "evidence-0-excerpt": "One of its features allows facial recognition.",
        "links_out-TOTAL_FORMS": "0",
        "links_out-INITIAL_FORMS": "0",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
    }
    response = staff_client.post(reverse("admin:claims_claim_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    claim = Claim.objects.get()
    assert claim.created_by == staff_client.user
    assert claim.evidence.get().added_by == staff_client.user
    assert claim.appearances.get().outlet == "France 5"
    assert claim.history.get().history_user == staff_client.user


def change_form_data(response) -> dict:
    """What the admin change page would post back untouched: its form's and its inline
    forms' current values, with the management forms."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({bound.html_name: bound.value() for bound in management})
        data[management["TOTAL_FORMS"].html_name] = len(formset.initial_forms)
        forms += formset.initial_forms
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue  # an empty field, an unticked box: the browser sends nothing
            data[bound.html_name] = "on" if value is True else value
    return data


def test_an_edit_through_the_admin_is_kept_in_the_history_with_who_made_it(client, demo):
    chief = UserFactory(username="chief")
    chief.set_password("pw-chief-1")
    chief.save()
    chief.groups.add(Group.objects.get(name="Chief editor"))
    UserFactory(username="someone-else", is_superuser=True)  # not who is logged in
    response = client.post(
        reverse("admin:login"),
        {"username": "chief", "password": "pw-chief-1", "next": reverse("admin:index")},
    )
    assert response.status_code == 302 and response.url == reverse("admin:index")
    claim = Claim.objects.get(slug="gerald-darmanin-facial-recognition")
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = {**change_form_data(client.get(url)), "summary": "Edited summary."}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    latest = claim.history.first()
    assert latest.summary == "Edited summary."
    assert latest.history_user == chief
    history = client.get(reverse("admin:claims_claim_history", args=[claim.pk]))
    assert history.status_code == 200
    assert "chief" in history.content.decode()
