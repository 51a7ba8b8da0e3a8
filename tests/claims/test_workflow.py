import datetime
import re
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from claims.models import Claim, Evidence, StatusChange
from claims.services import (
    claim_mark_reviewed,
    claim_publish,
    claim_submit_for_review,
    claim_withdraw,
    evidence_add_by_url,
    status_change_record,
)
from claims.similar import similar_claims
from sources.models import Source
from sources.services import investigation_update_record
from tests.factories import (
    ClaimFactory,
    EvidenceFactory,
    InvestigationFactory,
    SourceFactory,
    member,
    published_claim,
    rating,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date(2023, 11, 22)


@pytest.fixture
def staff(db):
    return member(None, "intern")


def login(client, user):
    client.force_login(user)
    return client


def complete_draft(**kwargs) -> Claim:
    claim = ClaimFactory(summary="The software has the feature.", **kwargs)
    EvidenceFactory(claim=claim)
    status_change_record(
        claim=claim,
        to_rating=rating("misleading"),
        facts_known_on=DAY,
        explanation="Proposed rating.",
    )
    return claim


def admin_url(name: str, claim: Claim, *args) -> str:
    return reverse(f"admin:claims_claim_{name}", args=[claim.pk, *args])


# -- roles ---------------------------------------------------------------------------------------


def test_an_editor_creates_and_edits_drafts(client, editor):
    login(client, editor)
    assert client.get(reverse("admin:claims_claim_add")).status_code == 200
    draft = ClaimFactory()
    page = client.get(admin_url("change", draft)).content.decode()
    assert 'name="_save"' in page


def test_an_editor_cannot_edit_a_published_claim(client, editor):
    claim = published_claim()
    login(client, editor)
    page = client.get(admin_url("change", claim)).content.decode()
    assert 'name="_save"' not in page  # view only
    response = client.post(admin_url("change", claim), {"text": "Rewritten"})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.text != "Rewritten"


def test_an_editor_proposes_a_rating_on_a_draft_but_not_on_a_published_claim(client, editor):
    draft, published = ClaimFactory(), published_claim()
    login(client, editor)
    data = {
        "to_rating": rating("false").pk,
        "facts_known_on": "2023-11-22",
        "kind": "update",
        "explanation": "Checked.",
    }
    assert client.post(admin_url("status", draft), data).status_code == 302
    assert client.post(admin_url("status", published), data).status_code == 403
    with pytest.raises(PermissionDenied):
        status_change_record(
            claim=published,
            to_rating=rating("true"),
            facts_known_on=DAY,
            explanation="x",
            user=editor,
        )
    assert published.status_changes.count() == 1


@pytest.mark.parametrize("action", ["publish", "withdraw"])
def test_an_editor_can_neither_publish_nor_withdraw(client, editor, action):
    claim = complete_draft() if action == "publish" else published_claim()
    login(client, editor)
    assert client.post(admin_url("workflow", claim, action), {"note": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        if action == "publish":
            claim_publish(claim=claim, user=editor)
        else:
            claim_withdraw(claim=claim, note="x", user=editor)
    state = Claim.objects.get(pk=claim.pk).publication_state
    assert state == (Claim.State.DRAFT if action == "publish" else Claim.State.PUBLISHED)


def test_an_editor_cannot_bulk_publish(client, editor):
    claim = complete_draft()
    login(client, editor)
    client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "publish_action", "_selected_action": [claim.pk]},
    )
    assert Claim.objects.get(pk=claim.pk).publication_state == Claim.State.DRAFT


def test_an_editor_sends_a_draft_to_review(client, editor):
    claim = complete_draft()
    login(client, editor)
    assert client.post(admin_url("workflow", claim, "submit")).status_code == 302
    assert Claim.objects.get(pk=claim.pk).publication_state == Claim.State.REVIEW


def test_an_editor_adds_evidence_to_a_published_claim(client, editor):
    claim = published_claim()
    login(client, editor)
    response = client.post(
        admin_url("evidence_by_url", claim),
        {
            "url": "https://www.cnil.fr/fr/decision?utm_source=x",
            "stance": "context",
            "title": "CNIL decision",
        },
    )
    assert response.status_code == 302
    assert claim.evidence.filter(source__title="CNIL decision").exists()


def test_nobody_deletes_a_published_claim(client, chief):
    claim = published_claim()
    login(client, chief)
    assert client.post(admin_url("delete", claim), {"post": "yes"}).status_code == 403
    with pytest.raises(ValidationError):
        claim.delete()
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_a_chief_editor_deletes_a_draft(client, chief):
    draft = ClaimFactory()
    login(client, chief)
    assert client.post(admin_url("delete", draft), {"post": "yes"}).status_code == 302
    assert not Claim.objects.filter(pk=draft.pk).exists()


def test_an_editor_cannot_delete_claims(client, editor):
    draft = ClaimFactory()
    login(client, editor)
    assert client.post(admin_url("delete", draft), {"post": "yes"}).status_code == 403
    assert Claim.objects.filter(pk=draft.pk).exists()


def test_bulk_delete_is_not_offered_for_claims(client, chief):
    login(client, chief)
    page = client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert 'value="delete_selected"' not in page


def test_a_chief_editor_changes_the_rating_of_a_published_claim(client, chief):
    claim = published_claim()
    login(client, chief)
    response = client.post(
        admin_url("status", claim),
        {
            "to_rating": rating("mostly-false").pk,
            "facts_known_on": "2023-11-25",
            "kind": "correction",
            "explanation": "We misread the date.",
        },
    )
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).rating == rating("mostly-false")


@pytest.mark.parametrize(
    "name", ["changelist", "add", "status", "workflow", "evidence_by_url", "reviewed"]
)
def test_staff_without_a_role_is_refused_everywhere(client, staff, name):
    claim = published_claim()
    login(client, staff)
    if name in {"changelist", "add"}:
        url = reverse(f"admin:claims_claim_{name}")
    elif name == "workflow":
        url = admin_url(name, claim, "withdraw")
    else:
        url = admin_url(name, claim)
    assert client.get(url).status_code == 403
    assert client.post(url, {"note": "x", "explanation": "x"}).status_code == 403
    assert Claim.objects.get(pk=claim.pk).publication_state == Claim.State.PUBLISHED


# -- publishing and withdrawing --------------------------------------------------------------


def test_publishing_lists_every_missing_item(client, chief):
    claim = ClaimFactory()
    with pytest.raises(ValidationError) as error:
        claim_publish(claim=claim, user=chief)
    message = error.value.messages[0]
    for missing in ["a rating", "a public summary", "at least one piece of evidence"]:
        assert missing in message
    login(client, chief)
    page = client.get(admin_url("workflow", claim, "publish")).content.decode()
    assert "at least one piece of evidence" in page
    response = client.post(admin_url("workflow", claim, "publish"), follow=True)
    assert "cannot be published yet" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).publication_state == Claim.State.DRAFT


def publish_as_seen(client, claim: Claim):
    """Open the publish step, then confirm it, as a chief editor's browser does."""
    page = client.get(admin_url("workflow", claim, "publish")).content.decode()
    seen = re.search(r'name="seen" value="([^"]*)"', page).group(1)
    return client.post(admin_url("workflow", claim, "publish"), {"seen": seen})


def test_publishing_records_who_and_when(client, chief):
    claim = complete_draft()
    login(client, chief)
    assert publish_as_seen(client, claim).status_code == 302
    claim.refresh_from_db()
    assert claim.publication_state == Claim.State.PUBLISHED
    assert claim.published_by == chief and claim.published_at is not None
    assert client.get(claim.get_absolute_url()).status_code == 200
    changelist = client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert "chief" in changelist


def test_bulk_publish_publishes_complete_claims_and_reports_the_rest(client, chief):
    complete, incomplete = complete_draft(), ClaimFactory()
    login(client, chief)
    response = client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "publish_action", "_selected_action": [complete.pk, incomplete.pk]},
        follow=True,
    )
    assert Claim.objects.get(pk=complete.pk).publication_state == Claim.State.PUBLISHED
    assert Claim.objects.get(pk=incomplete.pk).publication_state == Claim.State.DRAFT
    assert "cannot be published yet" in response.content.decode()


def test_withdrawing_needs_a_public_note(client, chief):
    claim = published_claim()
    with pytest.raises(ValidationError):
        claim_withdraw(claim=claim, note="  ", user=chief)
    login(client, chief)
    response = client.post(admin_url("workflow", claim, "withdraw"), {"note": ""})
    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).publication_state == Claim.State.PUBLISHED
    client.post(admin_url("workflow", claim, "withdraw"), {"note": "The video was edited."})
    claim.refresh_from_db()
    assert claim.publication_state == Claim.State.WITHDRAWN
    assert claim.withdrawal_note == "The video was edited."


def test_only_published_claims_can_be_withdrawn(chief):
    with pytest.raises(ValidationError):
        claim_withdraw(claim=ClaimFactory(), note="x", user=chief)


def test_a_withdrawn_claim_can_be_published_again_keeping_its_first_date(chief):
    claim = published_claim()
    first = claim.published_at
    claim_withdraw(claim=claim, note="Checking a detail.", user=chief)
    claim_publish(claim=claim, user=chief)
    claim.refresh_from_db()
    assert claim.publication_state == Claim.State.PUBLISHED
    assert claim.published_at == first and claim.withdrawal_note == ""


def test_only_drafts_go_to_review(editor):
    claim = published_claim()
    with pytest.raises(ValidationError):
        claim_submit_for_review(claim=claim, user=editor)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database triggers: PostgreSQL")
def test_the_database_refuses_to_delete_published_claims_or_rewrite_history():
    claim = published_claim()
    with pytest.raises(DatabaseError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        StatusChange.objects.filter(claim=claim).update(explanation="Rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        StatusChange.objects.filter(claim=claim).delete()
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert claim.status_changes.get().explanation.startswith("Rated")


# -- corrections -----------------------------------------------------------------------------


def test_corrections_appear_on_the_corrections_page_and_feeds(client, chief):
    claim = published_claim(rating_slug="mostly-true")
    status_change_record(
        claim=claim,
        to_rating=rating("true"),
        facts_known_on=DAY,
        explanation="We misread article 10.",
        kind="correction",
        user=chief,
    )
    status_change_record(
        claim=claim,
        to_rating=rating("mostly-true"),
        facts_known_on=DAY,
        explanation="Plain update.",
        kind="update",
        user=chief,
    )
    page = client.get(reverse("claims:correction_list")).content.decode()
    assert "We misread article 10." in page and "Plain update." not in page
    assert "Mostly true" in page and "True" in page
    feed = client.get(reverse("claims:correction_feed")).content.decode()
    assert "We misread article 10." in feed and "Plain update." not in feed
    assert "Correction: True" in client.get(reverse("claims:feed")).content.decode()


def test_corrections_of_unpublished_claims_stay_private(client):
    draft = ClaimFactory()
    status_change_record(
        claim=draft,
        to_rating=rating("true"),
        facts_known_on=DAY,
        explanation="Private correction.",
        kind="correction",
    )
    assert (
        "Private correction." not in client.get(reverse("claims:correction_list")).content.decode()
    )


# -- re-review -------------------------------------------------------------------------------


def test_new_evidence_after_the_last_status_change_needs_re_review(chief):
    claim = published_claim()
    assert claim not in Claim.objects.needs_rereview()
    EvidenceFactory(claim=claim)
    assert claim in Claim.objects.needs_rereview()
    claim_mark_reviewed(claim=claim, explanation="The new article changes nothing.", user=chief)
    assert claim not in Claim.objects.needs_rereview()
    assert claim.status_changes.latest().kind == StatusChange.Kind.REVIEWED


def test_edited_evidence_needs_re_review():
    claim = published_claim()
    evidence = claim.evidence.get()
    evidence.excerpt = "A corrected excerpt."
    evidence.save()
    assert claim in Claim.objects.needs_rereview()


def test_an_investigation_update_needs_re_review_and_a_status_change_clears_it(chief):
    claim = published_claim()
    inv = InvestigationFactory()
    claim.investigations.add(inv)
    investigation_update_record(
        investigation=inv,
        happened_on=datetime.date(2024, 12, 5),
        state="concluded",
        summary="The CNIL concluded its control.",
    )
    assert claim in Claim.objects.needs_rereview()
    status_change_record(
        claim=claim,
        to_rating=rating("misleading"),
        facts_known_on=DAY,
        explanation="The CNIL found the feature in use.",
        user=chief,
    )
    assert claim not in Claim.objects.needs_rereview()


def test_the_admin_shows_the_re_review_queue(client, chief):
    claim = published_claim()
    EvidenceFactory(claim=claim)
    login(client, chief)
    index = client.get(reverse("admin:index")).content.decode()
    assert "1 claim needs re-review" in index
    listing = client.get(reverse("admin:claims_claim_changelist"), {"rereview": "needed"})
    assert list(listing.context["cl"].result_list) == [claim]
    change_page = client.get(admin_url("change", claim)).content.decode()
    assert admin_url("reviewed", claim) in change_page
    response = client.post(admin_url("reviewed", claim), {"explanation": "Still misleading."})
    assert response.status_code == 302
    assert "No claim needs re-review" in client.get(reverse("admin:index")).content.decode()


def test_re_reviews_appear_on_the_public_timeline(client, chief):
    claim = published_claim()
    EvidenceFactory(claim=claim)
    claim_mark_reviewed(claim=claim, explanation="Re-checked after new reporting.", user=chief)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Re-reviewed" in page and "Re-checked after new reporting." in page


# -- no lost work ----------------------------------------------------------------------------


def claim_form_data(claim: Claim, **changes) -> dict:
    data = {
        "text": claim.text,
        "slug": claim.slug,
        "claimant": claim.claimant_id,
        "said_on": claim.said_on.isoformat(),
        "language": claim.language,
        "summary": claim.summary,
        "edit_version": claim.version,
        "quote": "",
        "quote_language": "",
        "quote_translation": "",
        "editor_note": "",
    }
    for prefix in ["appearances", "evidence", "links_out", "status_changes"]:
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    data.update(changes)
    return data


def test_the_later_of_two_concurrent_edits_is_refused_with_what_changed(client, editor):
    claim = ClaimFactory(summary="First summary.")
    colleague = member("Editor", "maria")
    opened_by_editor = claim_form_data(claim)  # the form as the editor opened it
    other = login(client.__class__(), colleague)
    response = other.post(
        admin_url("change", claim), claim_form_data(claim, summary="Maria's summary.")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    login(client, editor)
    response = client.post(
        admin_url("change", claim), {**opened_by_editor, "summary": "Editor's summary."}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "maria saved this claim" in page
    assert "Maria&#x27;s summary." in page or "Maria's summary." in page
    claim.refresh_from_db()
    assert claim.summary == "Maria's summary."
    assert claim.version == 2


def test_saving_with_the_current_version_succeeds_and_bumps_it(client, editor):
    claim = ClaimFactory()
    login(client, editor)
    response = client.post(admin_url("change", claim), claim_form_data(claim, summary="New."))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.summary, claim.version) == ("New.", 2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_status_changes_are_serialised_per_claim(migration_data):
    claim = ClaimFactory()
    start = threading.Barrier(2)
    errors = []

    def change(slug: str) -> None:
        try:
            start.wait()
            status_change_record(
                claim=Claim.objects.get(pk=claim.pk),
                to_rating=rating(slug),
                facts_known_on=DAY,
                explanation=f"To {slug}.",
            )
        except Exception as error:  # reported below: a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=(s,)) for s in ("false", "true")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    first, second = StatusChange.objects.filter(claim=claim).order_by("created_at", "id")
    assert first.from_rating is None
    assert second.from_rating == first.to_rating  # each saw the rating it replaced
    assert Claim.objects.get(pk=claim.pk).rating == second.to_rating


# -- faster editing --------------------------------------------------------------------------


def test_adding_evidence_by_url_reuses_the_source_with_the_same_normalised_address(editor):
    existing = SourceFactory(url="https://disclose.ngo/fr/article/briefcam")
    claim = ClaimFactory()
    evidence, created = evidence_add_by_url(
        claim=claim,
        url="HTTP://www.Disclose.ngo/fr/article/briefcam/?utm_source=x#top",
        stance=Evidence.Stance.CONTRADICTS,
        user=editor,
    )
    assert not created and evidence.source == existing
    assert Source.objects.count() == 1


def test_adding_evidence_by_a_new_url_creates_the_source(editor):
    claim = ClaimFactory()
    evidence, created = evidence_add_by_url(
        claim=claim, url="https://cnil.fr/decision", stance="context", title="Decision", user=editor
    )
    assert created and evidence.source.title == "Decision"
    assert evidence.added_by == editor


def test_the_same_source_twice_on_one_claim_is_refused_with_a_message(client, editor):
    evidence = EvidenceFactory()
    login(client, editor)
    response = client.post(
        admin_url("evidence_by_url", evidence.claim),
        {"url": evidence.source.url + "?utm_medium=email", "stance": "supports"},
    )
    assert response.status_code == 200
    assert "already evidence for this claim" in response.content.decode()
    assert evidence.claim.evidence.count() == 1


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "not a url"])
def test_evidence_by_url_refuses_non_web_addresses(client, editor, url):
    claim = ClaimFactory()
    login(client, editor)
    response = client.post(admin_url("evidence_by_url", claim), {"url": url, "stance": "context"})
    assert response.status_code == 200
    assert not claim.evidence.exists()


def test_the_source_form_refuses_a_duplicate_address(client, chief):
    SourceFactory(url="https://disclose.ngo/fr/article/briefcam")
    login(client, chief)
    response = client.post(
        reverse("admin:sources_source_add"),
        {
            "title": "Same",
            "url": "https://disclose.ngo/fr/article/briefcam/?utm_source=x",
            "kind": "article",
        },
    )
    assert response.status_code == 200
    assert "A source with this address already exists" in response.content.decode()
    assert Source.objects.count() == 1


def test_similar_claims_find_a_repeat():
    repeat = ClaimFactory(text="The French police do not use facial recognition software")
    ClaimFactory(text="The deficit fell below three percent in 2023")
    matches = similar_claims("French police do not use facial recognition")
    assert matches[0] == repeat
    assert len(matches) == 1


def test_similar_claims_are_offered_while_typing_and_on_the_claim_page(client, editor):
    repeat = ClaimFactory(text="The French police do not use facial recognition software")
    login(client, editor)
    response = client.get(
        reverse("admin:claims_claim_similar"),
        {"text": "French police do not use facial recognition"},
    )
    assert [r["id"] for r in response.json()["results"]] == [repeat.pk]
    new = ClaimFactory(text="French police do not use facial recognition")
    page = client.get(admin_url("change", new)).content.decode()
    assert admin_url("change", repeat) in page


def test_the_similar_endpoint_needs_claim_access(client, staff):
    login(client, staff)
    assert client.get(reverse("admin:claims_claim_similar"), {"text": "x"}).status_code == 403


def test_editors_cannot_change_or_remove_what_readers_see_from_other_admin_pages(client, editor):
    claim = published_claim()
    evidence = claim.evidence.get()
    appearance = claim.appearances.create(
        medium="tv", outlet="France 5", appeared_on=datetime.date(2023, 11, 21)
    )
    login(client, editor)
    for name, obj in [("evidence", evidence), ("appearance", appearance)]:
        change = reverse(f"admin:claims_{name}_change", args=[obj.pk])
        delete = reverse(f"admin:claims_{name}_delete", args=[obj.pk])
        assert client.post(change, {"excerpt": "x", "outlet": "x"}).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:claims_appearance_add"),
        {"claim": claim.pk, "medium": "radio", "outlet": "Planted", "appeared_on": "2023-11-21"},
    )
    assert response.status_code == 403
    assert claim.evidence.get().excerpt == evidence.excerpt
    assert list(claim.appearances.values_list("outlet", flat=True)) == ["France 5"]


def test_editors_cannot_rename_what_a_published_claim_cites_but_chief_editors_can(
    client, editor, chief
):
    claim = published_claim()
    source = claim.evidence.get().source
    investigation = InvestigationFactory()
    claim.investigations.add(investigation)
    forms = [
        ("sources_source", source, {"title": "Renamed", "url": source.url, "kind": "article"}),
        (
            "claims_claimant",
            claim.claimant,
            {"name": "Renamed", "slug": claim.claimant.slug, "kind": "person"},
        ),
        (
            "sources_investigation",
            investigation,
            {
                "title": "Renamed",
                "slug": investigation.slug,
                "body": investigation.body_id,
                "kind": investigation.kind,
                "opened_on": "2023-11-15",
                "initial_state": "open",
                "updates-TOTAL_FORMS": "0",
                "updates-INITIAL_FORMS": "0",
            },
        ),
    ]
    login(client, editor)
    for name, obj, data in forms:
        response = client.post(reverse(f"admin:{name}_change", args=[obj.pk]), data)
        assert response.status_code == 403, name
        obj.refresh_from_db()
        assert "Renamed" not in str(obj), name
    login(client, chief)
    for name, obj, data in forms:
        response = client.post(reverse(f"admin:{name}_change", args=[obj.pk]), data)
        assert response.status_code == 302, (name, response.content.decode()[:2000])
        obj.refresh_from_db()
        assert "Renamed" in str(obj), name


def test_editors_still_add_evidence_and_investigation_updates_to_published_claims(client, editor):
    claim = published_claim()
    investigation = InvestigationFactory()
    claim.investigations.add(investigation)
    login(client, editor)
    response = client.post(
        reverse("admin:sources_investigationupdate_add"),
        {
            "investigation": investigation.pk,
            "happened_on": "2023-11-30",
            "summary": "The regulator asks for documents.",
        },
    )
    assert response.status_code == 302
    assert Claim.objects.needs_rereview().filter(pk=claim.pk).exists()


def test_past_versions_are_read_only_for_everyone(client, editor, chief):
    claim = published_claim()
    claim.text = "Reworded by a chief editor."
    claim.save()
    oldest = claim.history.earliest()
    url = reverse("admin:claims_claim_simple_history", args=[claim.pk, oldest.history_id])
    for user in (editor, chief):
        login(client, user)
        assert client.get(url).status_code == 200
        response = client.post(url, {"text": "Reverted", "claimant": claim.claimant_id})
        assert response.status_code == 405
    claim.refresh_from_db()
    assert claim.text == "Reworded by a chief editor." and claim.is_public


def test_publishing_is_refused_when_the_claim_changed_after_the_chief_editor_looked(
    client, chief, editor
):
    claim = complete_draft()
    login(client, chief)
    page = client.get(admin_url("workflow", claim, "publish")).content.decode()
    seen = re.search(r'name="seen" value="([^"]*)"', page).group(1)
    assert "Proposed rating." in page  # the verdict the chief editor is about to publish
    status_change_record(
        claim=claim,
        to_rating=rating("true"),
        facts_known_on=DAY,
        explanation="Swapped in meanwhile.",
        user=editor,
    )
    response = client.post(admin_url("workflow", claim, "publish"), {"seen": seen}, follow=True)
    assert "changed after you opened this page" in response.content.decode()
    claim.refresh_from_db()
    assert claim.publication_state == Claim.State.DRAFT
    assert publish_as_seen(client, claim).status_code == 302


def test_a_change_of_status_must_change_the_rating(chief):
    claim = published_claim(rating_slug="false")
    with pytest.raises(ValidationError, match="Reviewed, no change"):
        status_change_record(
            claim=claim,
            to_rating=rating("false"),
            facts_known_on=DAY,
            explanation="Submitted twice.",
            kind="correction",
            user=chief,
        )
    assert claim.status_changes.count() == 1
