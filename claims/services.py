"""Writes that touch several claims-side rows. The admin, commands and tests all call these.

Each takes the acting user and checks the newsroom's rules itself, so no path (admin view,
action, bulk action, command) can skip them. `user=None` means the system itself (the demo
loader, an import), which is trusted.
"""

import datetime
import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sources.models import Source
from sources.urls_normal import normalise_url

from .models import Claim, Evidence, Rating, StatusChange

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


# -- ClaimReview import ------------------------------------------------------------------------


class ImportContext:
    """What one import run looks up again and again, fetched once."""

    def __init__(self, *, publish: bool = False):
        from .models import RatingMapping, normalise_label

        self.publish = publish
        self.normalise_label = normalise_label
        self.ratings = {r.slug: r for r in Rating.objects.all()}
        self.by_label = {normalise_label(r.label): r for r in self.ratings.values()}
        self.by_label.update(
            {normalise_label(r.label_fr): r for r in self.ratings.values() if r.label_fr}
        )
        self.by_label.update(
            {m.label: m.rating for m in RatingMapping.objects.select_related("rating")}
        )
        self.finals = sorted(
            (r for r in self.ratings.values() if r.is_final), key=lambda r: r.ordinal
        )
        self.publishers: dict[str, object] = {}
        self.claimants: dict[str, object] = {}
        self.unmapped: dict[str, int] = {}

    def rating_for(self, record) -> Rating:
        """Their label through the mapping; else their number placed on our scale; else
        Unverified, and the label is reported."""
        label = self.normalise_label(record.rating_label) if record.rating_label else ""
        if label in self.by_label:
            return self.by_label[label]
        value, best, worst = record.rating_value, record.rating_best, record.rating_worst
        if value is not None and best is not None and worst is not None and best != worst:
            share = min(max((value - worst) / (best - worst), 0.0), 1.0)
            return self.finals[round(share * (len(self.finals) - 1))]
        key = record.rating_label[:80] or "(no rating)"
        self.unmapped[key] = self.unmapped.get(key, 0) + 1
        return self.ratings["unverified"]


def _slug(text: str, prefix: str) -> str:
    slug = slugify(text)[:180].strip("-")
    if not slug:  # names in scripts slugify cannot spell (Arabic, Chinese…)
        slug = f"{prefix}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}"
    return slug


def _import_publisher(context: ImportContext, record):
    from sources.models import Publisher

    slug = _slug(record.publisher_name, "publisher")
    if slug not in context.publishers:
        context.publishers[slug], _ = Publisher.objects.get_or_create(
            slug=slug,
            defaults={
                "name": _unique_name(Publisher, record.publisher_name),
                "url": record.publisher_url,
            },
        )
    return context.publishers[slug]


def _unique_name(model, name: str) -> str:
    # Names are unique; two spellings that slugify apart but read alike get a number.
    candidate, n = name, 1
    while model.objects.filter(name=candidate).exists():
        n += 1
        candidate = f"{name[:190]} ({n})"
    return candidate


def _import_claimant(context: ImportContext, record):
    from .models import Claimant

    name = record.claimant_name or "Unattributed"
    slug = _slug(name, "claimant")
    if slug not in context.claimants:
        kind = (
            Claimant.Kind.ORGANISATION
            if record.claimant_is_organisation or not record.claimant_name
            else Claimant.Kind.PERSON
        )
        context.claimants[slug], _ = Claimant.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "role": record.claimant_role}
        )
    return context.claimants[slug]


def _stance_for(rating: Rating) -> str:
    if rating.is_final and rating.ordinal <= 2:
        return Evidence.Stance.CONTRADICTS
    if rating.is_final and rating.ordinal >= 4:
        return Evidence.Stance.SUPPORTS
    return Evidence.Stance.CONTEXT


@transaction.atomic
def claimreview_record_import(*, record, context: ImportContext) -> str:
    """Create or update the claim one ClaimReview record describes, with its claimant, the
    reviewing publisher, the review as a Source linked as evidence, its appearances and a
    status change for its rating. Returns "created", "updated" or "unchanged".

    Keyed by the review URL and the claim text, so importing the same record again changes
    nothing and a changed rating or text updates the claim in place.
    """
    from .models import Appearance

    publisher = _import_publisher(context, record)
    claimant = _import_claimant(context, record)
    rating = context.rating_for(record)
    label = record.rating_label or rating.label
    reviewed_on = record.review_date.date() if record.review_date else record.said_on
    summary = record.body or record.headline or (f"{publisher.name}: “{label[:300]}”.")
    fields = {
        "text": record.claim,
        "claimant": claimant,
        "said_on": record.said_on,
        "language": record.language or "und",
        "summary": summary,
    }

    claim = Claim.objects.filter(import_key=record.key).first()
    outcome = "unchanged"
    if claim is None:
        claim = Claim(import_key=record.key, **fields)
        claim.save()
        outcome = "created"
    elif any(getattr(claim, name) != value for name, value in fields.items()):
        for name, value in fields.items():
            setattr(claim, name, value)
        claim.version += 1
        claim.save()
        outcome = "updated"

    normalised = normalise_url(record.url)
    source = Source.objects.filter(normalised_url=normalised).first()
    if source is None:
        source = Source.objects.create(
            url=record.url,
            title=(record.headline or f"{publisher.name}: {record.claim}")[:500],
            publisher=publisher,
            kind=Source.Kind.FACT_CHECK,
            language=record.language,
            published_on=reviewed_on,
        )
    evidence, made = Evidence.objects.get_or_create(
        claim=claim,
        source=source,
        defaults={"stance": _stance_for(rating), "excerpt": label[:1000]},
    )
    if not made and (evidence.stance, evidence.excerpt) != (_stance_for(rating), label[:1000]):
        evidence.stance, evidence.excerpt = _stance_for(rating), label[:1000]
        evidence.save()
        outcome = "updated" if outcome == "unchanged" else outcome

    known = set(claim.appearances.values_list("url", flat=True)) if outcome != "created" else set()
    for link in record.appearances:
        if link not in known:
            Appearance.objects.create(
                claim=claim, medium=Appearance.Medium.ONLINE, url=link, appeared_on=record.said_on
            )
            outcome = "updated" if outcome == "unchanged" else outcome

    if claim.rating_id != rating.pk:
        status_change_record(
            claim=claim,
            to_rating=rating,
            facts_known_on=reviewed_on,
            explanation=f"{publisher.name} rated this claim “{label[:300]}” on "
            f"{reviewed_on.isoformat()}.",
            at=record.review_date,
        )
        outcome = "updated" if outcome == "unchanged" else outcome

    if context.publish and claim.publication_state != Claim.State.PUBLISHED:
        claim_publish(claim=claim, at=record.review_date)
        outcome = "updated" if outcome == "unchanged" else outcome
    return outcome
