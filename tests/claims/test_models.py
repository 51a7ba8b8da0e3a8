import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from claims.models import Claim, ClaimLink, Rating, StatusChange
from claims.services import status_change_record
from tests.factories import (
    ClaimFactory,
    ClaimLinkFactory,
    EvidenceFactory,
    SourceFactory,
    published_claim,
    rating,
)

pytestmark = pytest.mark.django_db


def test_the_same_source_cannot_be_evidence_twice_for_one_claim():
    evidence = EvidenceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFactory(claim=evidence.claim, source=evidence.source)
    assert evidence.claim.evidence.count() == 1


def test_one_source_can_serve_many_claims():
    source = SourceFactory()
    EvidenceFactory(source=source)
    EvidenceFactory(source=source)
    assert source.evidence.count() == 2


def test_a_source_cited_as_evidence_cannot_be_deleted():
    evidence = EvidenceFactory()
    with pytest.raises(ProtectedError):
        evidence.source.delete()
    assert evidence.source.__class__.objects.filter(pk=evidence.source.pk).exists()


def test_a_status_change_without_explanation_is_refused_by_the_database():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusChange.objects.create(
            claim=claim,
            to_rating=rating("false"),
            facts_known_on=datetime.date(2023, 11, 21),
            explanation="",
        )
    assert not claim.status_changes.exists()


def test_a_status_change_without_explanation_is_refused_by_the_service():
    claim = ClaimFactory()
    with pytest.raises(ValidationError):
        status_change_record(
            claim=claim,
            to_rating=rating("false"),
            facts_known_on=datetime.date(2023, 11, 21),
            explanation="   ",
        )
    claim.refresh_from_db()
    assert claim.rating is None
    assert not claim.status_changes.exists()


def test_status_changes_are_append_only():
    claim = ClaimFactory()
    change = status_change_record(
        claim=claim,
        to_rating=rating("false"),
        facts_known_on=datetime.date(2023, 11, 21),
        explanation="Disclose documented the feature.",
    )
    change.explanation = "Rewritten history"
    with pytest.raises(ValidationError):
        change.save()
    with pytest.raises(ValidationError):
        change.delete()
    change.refresh_from_db()
    assert change.explanation == "Disclose documented the feature."


def test_a_claim_with_status_history_cannot_be_deleted():
    claim = ClaimFactory()
    status_change_record(
        claim=claim,
        to_rating=rating("unverified"),
        facts_known_on=datetime.date(2023, 11, 21),
        explanation="Recorded.",
    )
    with pytest.raises(ProtectedError):
        claim.delete()
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_a_rating_used_by_a_claim_cannot_be_deleted():
    claim = ClaimFactory()
    status_change_record(
        claim=claim,
        to_rating=rating("misleading"),
        facts_known_on=datetime.date(2023, 11, 21),
        explanation="Omits the deployed capability.",
    )
    with pytest.raises(ProtectedError):
        rating("misleading").delete()


def test_a_final_rating_needs_a_position_on_the_scale():
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            label="Pants on fire",
            slug="pof",
            is_final=True,
            ordinal=None,
            description="Ridiculous.",
        )


def test_a_non_final_status_has_no_position_on_the_scale():
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            label="Pending", slug="pending", is_final=False, ordinal=9, description="Waiting."
        )


def test_the_default_scale_has_final_verdicts_and_non_final_statuses():
    finals = list(Rating.objects.filter(is_final=True).values_list("slug", flat=True))
    assert finals == ["true", "mostly-true", "misleading", "mostly-false", "false"]
    assert set(Rating.objects.filter(is_final=False).values_list("slug", flat=True)) == {
        "unverified",
        "under-investigation",
    }


def test_a_withdrawn_claim_needs_a_public_note():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(
            publication_state=Claim.State.WITHDRAWN, published_at=claim.created_at
        )


def test_a_published_claim_has_a_publication_date():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(publication_state=Claim.State.PUBLISHED)


def test_a_claim_cannot_link_to_itself():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLink.objects.create(from_claim=claim, to_claim=claim, kind=ClaimLink.Kind.REPEAT)


def test_the_same_link_cannot_be_recorded_twice():
    link = ClaimLinkFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLinkFactory(from_claim=link.from_claim, to_claim=link.to_claim, kind=link.kind)


def test_a_source_cannot_be_accessed_before_it_was_published():
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(
            published_on=datetime.date(2023, 11, 14), accessed_on=datetime.date(2023, 11, 1)
        )


def test_two_sources_cannot_share_a_url_but_url_less_sources_can_coexist():
    SourceFactory(url="https://disclose.ngo/fr/article/x")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(url="https://disclose.ngo/fr/article/x")
    SourceFactory(url="")
    SourceFactory(url="")


def test_a_claim_gets_a_slug_from_its_text():
    claim = ClaimFactory(text="The police do not use facial recognition.")
    assert claim.slug == "the-police-do-not-use-facial-recognition"


def test_published_selects_only_published_claims():
    draft = ClaimFactory()
    review = ClaimFactory(publication_state=Claim.State.REVIEW)
    published = published_claim()
    assert list(Claim.objects.published()) == [published]
    assert draft not in Claim.objects.published()
    assert review not in Claim.objects.published()
