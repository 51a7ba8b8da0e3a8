"""The newsroom's workflow: one table of actions, and the services that carry them out.

`ACTIONS` declares each action once: who may take it, the claim states it applies to (derived
from `Claim.TRANSITIONS` for the moves of publication state) and its service. The services
check the table before writing, the admin renders its buttons from `available_actions()`, and
the commands call the same services, so no path has a rule of its own.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sources.models import Source
from sources.urls_normal import normalise_url

from ..models import Claim, Evidence, PublicationEvent, Rating, StatusChange

User = AbstractBaseUser | None

# Who changes what readers already see: chief editors, who publish (admin/guards.py).
CHIEF_EDITOR_PERMISSION = "claims.publish_claim"


@dataclass(frozen=True)
class Action:
    """One step of the workflow. `to_state` is where it moves publication_state (None for the
    rating steps, which apply in every state). Once a claim has been published, the steps
    that touch its verdict also need `published_permission`."""

    name: str
    label: Promise
    permission: str
    to_state: str | None = None
    published_permission: str | None = None
    needs_rating: bool = False
    service: Callable | None = None

    @property
    def states(self) -> frozenset[str]:
        if self.to_state is None:
            return frozenset(Claim.State.values)
        return frozenset(old for old, new in Claim.TRANSITIONS if new == self.to_state)

    def refusal(self, claim: Claim, user: User) -> Exception | None:
        """Why `user` may not take this step on `claim` now, or None if they may."""
        if user is not None:
            perms = [self.permission]
            if claim.was_published and self.published_permission:
                perms.append(self.published_permission)
            if not user.has_perms(perms):
                return PermissionDenied(_("You are not allowed to do this."))
        if claim.publication_state not in self.states:
            return ValidationError(
                _("“%(action)s” does not apply to a claim that is %(state)s.")
                % {"action": self.label, "state": claim.get_publication_state_display().lower()}
            )
        if self.needs_rating and claim.rating_id is None:
            return ValidationError(_("This claim has no rating to confirm yet."))
        return None

    def allows(self, claim: Claim, user: User) -> bool:
        return self.refusal(claim, user) is None

    def check(self, claim: Claim, user: User) -> None:
        refusal = self.refusal(claim, user)
        if refusal is not None:
            raise refusal


def available_actions(claim: Claim, user: User) -> list[Action]:
    """The steps `user` may take on `claim` now, in the table's order."""
    return [action for action in ACTIONS.values() if action.allows(claim, user)]


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


def _actor(user: User):
    return user if user is not None and user.is_authenticated else None


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
    `at` backdates the record (imports, the demo); it defaults to now, and is never earlier
    than the claim's latest change (the current rating is always the latest change's).
    """
    locked = _lock(claim)
    action = ACTIONS["reviewed" if kind == StatusChange.Kind.REVIEWED else "status"]
    action.check(locked, user)
    at = at or timezone.now()
    latest = latest_status_change(locked)
    if latest is not None and at < latest.created_at:
        raise ValidationError(
            _("A status change cannot be dated before the claim's latest one (%(at)s).")
            % {"at": latest.created_at.isoformat()}
        )
    event = locked.publication_events.order_by("-created_at", "-id").first()
    if event is not None and at <= event.created_at:
        # Readers saw the verdict from that event on: a change is news after it.
        raise ValidationError(
            _("A change of a published verdict is dated after its publication (%(at)s).")
            % {"at": event.created_at.isoformat()}
        )
    if kind != StatusChange.Kind.REVIEWED and locked.rating_id == to_rating.pk:
        raise ValidationError(
            _("The claim is already rated “%(rating)s”: record “Reviewed, no change” instead.")
            % {"rating": to_rating}
        )
    change = StatusChange(
        claim=locked,
        from_rating=locked.rating,
        to_rating=to_rating,
        facts_known_on=facts_known_on,
        explanation=explanation.strip(),
        kind=kind,
        created_by=_actor(user),
        created_at=at,
    )
    change.full_clean()
    change.save()
    locked.rating = to_rating
    _save_state(claim, locked, ["rating"])
    return change


@transaction.atomic
def claim_mark_reviewed(*, claim: Claim, explanation: str, user: User = None) -> StatusChange:
    """Record that the claim was re-reviewed after new evidence and its rating stands."""
    current = Claim.objects.select_related("rating").get(pk=claim.pk)
    ACTIONS["reviewed"].check(current, user)
    return status_change_record(
        claim=claim,
        to_rating=current.rating,
        facts_known_on=timezone.localdate(),
        explanation=explanation,
        kind=StatusChange.Kind.REVIEWED,
        user=user,
    )


def _move(claim: Claim, action: str, user: User) -> Claim:
    locked = _lock(claim)
    ACTIONS[action].check(locked, user)
    locked.publication_state = ACTIONS[action].to_state
    return locked


@transaction.atomic
def claim_submit_for_review(*, claim: Claim, user: User = None) -> Claim:
    """Draft → in review: the editor asks a chief editor to check and publish."""
    return _save_state(claim, _move(claim, "submit", user), ["publication_state"])


@transaction.atomic
def claim_return_to_draft(*, claim: Claim, user: User = None) -> Claim:
    """In review → draft: the claim needs more work before publication."""
    return _save_state(claim, _move(claim, "draft", user), ["publication_state"])


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


def latest_status_change(claim: Claim) -> StatusChange | None:
    """The claim's latest status change: the one its current rating comes from."""
    return claim.status_changes.order_by("-created_at", "-id").first()


def publication_snapshot(claim: Claim) -> str:
    """What a chief editor reviews before publishing: the claim's version and its latest
    status change. The publish step carries it, so a change made in between is not
    published unseen."""
    latest = latest_status_change(claim)
    return f"{claim.version}:{latest.pk if latest else 0}"


@transaction.atomic
def claim_publish(
    *,
    claim: Claim,
    user: User = None,
    at: datetime.datetime | None = None,
    seen: str | None = None,
) -> Claim:
    """Make a claim public after checking it is complete. Chief editors only.

    Recorded as a public event with the verdict readers see from then on: the first
    publication ("published"), or a return after a withdrawal ("published again"). The first
    publication time and who published are kept for good. `seen` is the
    `publication_snapshot()` the chief editor reviewed; publishing is refused if the claim
    changed since.
    """
    locked = _move(claim, "publish", user)
    problems = publication_problems(locked)
    if problems:
        raise ValidationError(
            _("This claim cannot be published yet. It needs: %(missing)s.")
            % {"missing": "; ".join(problems)}
        )
    if seen is not None and seen != publication_snapshot(locked):
        raise ValidationError(
            _("The claim changed after you opened this page: review it again before publishing.")
        )
    at = at or timezone.now()
    latest = latest_status_change(locked)
    if latest is not None and at < latest.created_at:
        raise ValidationError(
            _("A publication cannot be dated before the claim's latest status change.")
        )
    first = locked.published_at is None
    PublicationEvent(
        claim=locked,
        kind=PublicationEvent.Kind.PUBLISHED if first else PublicationEvent.Kind.REPUBLISHED,
        status_change=latest,  # the verdict readers see from now on
        created_by=_actor(user),
        created_at=at,
    ).save()
    locked.withdrawal_note = ""
    if first:
        locked.published_at = at
        locked.published_by = _actor(user)
    return _save_state(
        claim, locked, ["publication_state", "withdrawal_note", "published_at", "published_by"]
    )


@transaction.atomic
def claim_withdraw(*, claim: Claim, note: str, user: User = None) -> Claim:
    """Take a published claim off the public site, with a public note. Never a deletion: the
    withdrawal stays on the claim's public record, even if it is published again."""
    locked = _move(claim, "withdraw", user)
    if not note.strip():
        raise ValidationError(_("Withdrawing a claim needs a public note saying why."))
    now = timezone.now()
    PublicationEvent(
        claim=locked,
        kind=PublicationEvent.Kind.WITHDRAWN,
        status_change=latest_status_change(locked),
        note=note.strip(),
        created_by=_actor(user),
        created_at=now,
    ).save()
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


# The workflow, declared once. Labels are the admin's buttons.
ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action(
            name="submit",
            label=gettext_lazy("Send to review"),
            permission="claims.change_claim",
            to_state=Claim.State.REVIEW,
            service=claim_submit_for_review,
        ),
        Action(
            name="draft",
            label=gettext_lazy("Back to draft"),
            permission="claims.change_claim",
            to_state=Claim.State.DRAFT,
            service=claim_return_to_draft,
        ),
        Action(
            name="publish",
            label=gettext_lazy("Publish"),
            permission="claims.publish_claim",
            to_state=Claim.State.PUBLISHED,
            service=claim_publish,
        ),
        Action(
            name="withdraw",
            label=gettext_lazy("Withdraw"),
            permission="claims.publish_claim",
            to_state=Claim.State.WITHDRAWN,
            service=claim_withdraw,
        ),
        Action(
            name="status",
            label=gettext_lazy("Change status"),
            permission="claims.add_statuschange",
            published_permission="claims.rate_published_claim",
            service=status_change_record,
        ),
        Action(
            name="reviewed",
            label=gettext_lazy("Reviewed, no change"),
            permission="claims.add_statuschange",
            published_permission="claims.rate_published_claim",
            needs_rating=True,
            service=claim_mark_reviewed,
        ),
    ]
}
