"""Writes that touch several claims-side rows. The admin, commands and tests all call these."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .models import Claim, Rating, StatusChange


@transaction.atomic
def status_change_record(
    *,
    claim: Claim,
    to_rating: Rating,
    facts_known_on: datetime.date,
    explanation: str,
    kind: str = StatusChange.Kind.UPDATE,
    user: AbstractBaseUser | None = None,
) -> StatusChange:
    """Append a status change and move the claim's current rating to it.

    The claim row is locked first, so two concurrent changes to one claim are serialised and
    each records the rating it really replaced.
    """
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    change = StatusChange(
        claim=locked,
        from_rating=locked.rating,
        to_rating=to_rating,
        facts_known_on=facts_known_on,
        explanation=explanation.strip(),
        kind=kind,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    change.full_clean()
    change.save()
    Claim.objects.filter(pk=locked.pk).update(rating=to_rating, updated_at=change.created_at)
    claim.rating = to_rating
    claim.updated_at = change.created_at
    return change


@transaction.atomic
def claim_publish(*, claim: Claim, at: datetime.datetime | None = None) -> Claim:
    """Make a claim public. The first publication time is kept across withdrawals."""
    claim.publication_state = Claim.State.PUBLISHED
    if claim.published_at is None:
        claim.published_at = at or timezone.now()
    claim.full_clean()
    claim.save()
    return claim
