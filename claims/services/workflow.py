"""The newsroom's workflow: status changes, submit, publish, withdraw, evidence by URL."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sources.models import Source
from sources.urls_normal import normalise_url

from ..models import Claim, Evidence, Rating, StatusChange

User = AbstractBaseUser | None


def _require(user: User, *perms: str) -> None:
    if user is not None and not user.has_perms(perms):
        raise PermissionDenied(_("You are not allowed to do this."))


def _lock(claim: Claim) -> Claim:
    # No select_related: a row fetched after waiting for the lock is re-read at its newest
    # version, but rows joined to it are not, so a joined rating could be the stale one.
    return Claim.objects.select_for_update().get(pk=claim.pk)


def _save_state(claim: Claim, locked: Claim, fields: list[str]) -> Claim:
    locked.save(update_fields=[*fields, "updated_at"])
    for name in [*fields, "updated_at"]:
        setattr(claim, name, getattr(locked, name))
    return claim


@transaction.atomic
def status_change_record(
    *,
    claim: Claim,
    to_rating: Rating,
    facts_known_on: datetime.date,
    explanation: str,
    kind: str = StatusChange.Kind.UPDATE,
    user: User = None,
    at: datetime.datetime | None = None,
) -> StatusChange:
    """Append a status change and move the claim's current rating to it.

    Editors propose ratings on drafts and claims in review; once a claim has been published
    only a chief editor changes its rating. The claim row is locked first, so two concurrent
    changes to one claim are serialised and each records the rating it really replaced.
    `at` backdates the record (imports, the demo); it defaults to now.
    """
    locked = _lock(claim)
    _require(user, "claims.add_statuschange")
    if locked.published_at is not None:
        _require(user, "claims.rate_published_claim")
    change = StatusChange(
        claim=locked,
        from_rating=locked.rating,
        to_rating=to_rating,
        facts_known_on=facts_known_on,
        explanation=explanation.strip(),
        kind=kind,
        created_by=user if user is not None and user.is_authenticated else None,
        created_at=at or timezone.now(),
    )
    change.full_clean()
    change.save()
    locked.rating = to_rating
    _save_state(claim, locked, ["rating"])
    return change


@transaction.atomic
def claim_mark_reviewed(*, claim: Claim, explanation: str, user: User = None) -> StatusChange:
    """Record that the claim was re-reviewed after new evidence and its rating stands."""
    current = Claim.objects.select_related("rating").get(pk=claim.pk).rating
    if current is None:
        raise ValidationError(_("This claim has no rating to confirm yet."))
    return status_change_record(
        claim=claim,
        to_rating=current,
        facts_known_on=timezone.localdate(),
        explanation=explanation,
        kind=StatusChange.Kind.REVIEWED,
        user=user,
    )


@transaction.atomic
def claim_submit_for_review(*, claim: Claim, user: User = None) -> Claim:
    """Draft → in review: the editor asks a chief editor to check and publish."""
    _require(user, "claims.change_claim")
    locked = _lock(claim)
    if locked.publication_state != Claim.State.DRAFT:
        raise ValidationError(_("Only a draft can be sent to review."))
    locked.publication_state = Claim.State.REVIEW
    return _save_state(claim, locked, ["publication_state"])


@transaction.atomic
def claim_return_to_draft(*, claim: Claim, user: User = None) -> Claim:
    """In review → draft: the claim needs more work before publication."""
    _require(user, "claims.change_claim")
    locked = _lock(claim)
    if locked.publication_state != Claim.State.REVIEW:
        raise ValidationError(_("Only a claim in review can go back to draft."))
    locked.publication_state = Claim.State.DRAFT
    return _save_state(claim, locked, ["publication_state"])


def publication_problems(claim: Claim) -> list[str]:
    """Everything a claim lacks before it may be published; empty when it is complete."""
    problems = []
    if claim.rating_id is None:
        problems.append(_("a rating (record a status change)"))
    if not claim.summary.strip():
        problems.append(_("a public summary of the verdict"))
    if not claim.evidence.exists():
        problems.append(_("at least one piece of evidence"))
    if claim.claimant_id is None:
        problems.append(_("the claimant"))
    if claim.said_on is None:
        problems.append(_("the date the claim was said"))
    return problems


@transaction.atomic
def claim_publish(*, claim: Claim, user: User = None, at: datetime.datetime | None = None) -> Claim:
    """Make a claim public after checking it is complete. Chief editors only.

    The first publication time and who published are kept across withdrawals.
    """
    _require(user, "claims.publish_claim")
    locked = _lock(claim)
    if locked.publication_state == Claim.State.PUBLISHED:
        raise ValidationError(_("This claim is already published."))
    problems = publication_problems(locked)
    if problems:
        raise ValidationError(
            _("This claim cannot be published yet. It needs: %(missing)s.")
            % {"missing": "; ".join(problems)}
        )
    locked.publication_state = Claim.State.PUBLISHED
    locked.withdrawal_note = ""
    if locked.published_at is None:
        locked.published_at = at or timezone.now()
        locked.published_by = user if user is not None and user.is_authenticated else None
    return _save_state(
        claim, locked, ["publication_state", "withdrawal_note", "published_at", "published_by"]
    )


@transaction.atomic
def claim_withdraw(*, claim: Claim, note: str, user: User = None) -> Claim:
    """Take a published claim off the public site, with a public note. Never a deletion."""
    _require(user, "claims.publish_claim")
    locked = _lock(claim)
    if locked.publication_state != Claim.State.PUBLISHED:
        raise ValidationError(_("Only a published claim can be withdrawn."))
    if not note.strip():
        raise ValidationError(_("Withdrawing a claim needs a public note saying why."))
    locked.publication_state = Claim.State.WITHDRAWN
    locked.withdrawal_note = note.strip()
    return _save_state(claim, locked, ["publication_state", "withdrawal_note"])


@transaction.atomic
def evidence_add_by_url(
    *,
    claim: Claim,
    url: str,
    stance: str,
    excerpt: str = "",
    note: str = "",
    title: str = "",
    user: User = None,
) -> tuple[Evidence, bool]:
    """Link the document at `url` to the claim, reusing the Source that already has this
    address (compared in normalised form). Returns the evidence and whether a new Source
    was created."""
    _require(user, "claims.add_evidence")
    normalised = normalise_url(url)
    source = Source.objects.filter(normalised_url=normalised).first() if normalised else None
    created = source is None
    if created:
        _require(user, "sources.add_source")
        source = Source(
            url=url.strip(), title=title.strip() or url.strip(), accessed_on=timezone.localdate()
        )
        source.full_clean()
        source.save()
    if Evidence.objects.filter(claim=claim, source=source).exists():
        raise ValidationError(_("This source is already evidence for this claim."))
    evidence = Evidence(
        claim=claim,
        source=source,
        stance=stance,
        excerpt=excerpt,
        note=note,
        added_by=user if user is not None and user.is_authenticated else None,
    )
    evidence.full_clean()
    evidence.save()
    return evidence, created
