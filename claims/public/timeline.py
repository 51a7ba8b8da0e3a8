"""A claim's timeline, and the state of things on a chosen day ("what was known on a date").

Works on a claim fetched with `claim_detail_queryset()`, so it runs no query of its own.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from sources.models import Investigation

from ..models import Claim, Evidence, PublicationEvent, Rating, StatusChange


@dataclass(frozen=True)
class Entry:
    day: datetime.date
    # said, evidence, investigation, published, republished, withdrawn, status, correction,
    # reviewed
    kind: str
    order: int
    obj: object = None
    at: float = 0.0  # the moment, for events of one day


@dataclass
class ClaimAsOf:
    """Everything the claim page shows, as it stood on `day` (today when not time-travelling)."""

    day: datetime.date
    is_past: bool
    rating: Rating | None
    last_change: StatusChange | None
    evidence: dict[str, list[Evidence]]
    investigations: list[tuple[Investigation, str]]
    timeline: list[Entry] = field(default_factory=list)
    # The latest publication event by then: None before the claim was first published.
    publication: PublicationEvent | None = None

    @property
    def before_publication(self) -> bool:
        return self.publication is None

    @property
    def withdrawn(self) -> bool:
        return self.publication is not None and self.publication.kind == "withdrawn"


def _evidence_day(evidence: Evidence) -> datetime.date:
    return evidence.source.published_on or timezone.localdate(evidence.created_at)


def _investigation_state(investigation: Investigation, day: datetime.date) -> str | None:
    """The investigation's state on `day`, or None if it had not been opened or requested."""
    if investigation.opened_on > day:
        return None
    before = [u for u in investigation.updates.all() if u.state and u.happened_on <= day]
    return before[-1].state if before else investigation.initial_state


def _on(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


STATUS_KINDS = {
    StatusChange.Kind.CORRECTION: "correction",
    StatusChange.Kind.REVIEWED: "reviewed",
}


def claim_as_of(claim: Claim, day: datetime.date | None = None) -> ClaimAsOf:
    """The claim as readers could know it on `day`. Its public record starts at its first
    publication: the verdict it was published with, then every later change, withdrawal
    and return; ratings proposed before publication are not part of it."""
    today = timezone.localdate()
    is_past = day is not None and day < today
    day = day if is_past else today

    events = [e for e in claim.publication_events.all() if _on(e.created_at) <= day]
    first = next((e for e in events if e.kind == PublicationEvent.Kind.PUBLISHED), None)
    # Prefetched as StatusChange.objects.on_record(): the first verdict, then later changes.
    later = [
        c
        for c in claim.status_changes.all()
        if first is not None and c.created_at > first.created_at and _on(c.created_at) <= day
    ]
    verdicts = ([first.status_change] if first and first.status_change else []) + later

    evidence = [e for e in claim.evidence.all() if _evidence_day(e) <= day]
    grouped = {stance: [] for stance in Evidence.Stance.values}
    for item in evidence:
        grouped[item.stance].append(item)
    investigations = [
        (inv, state)
        for inv in claim.investigations.all()
        if (state := _investigation_state(inv, day)) is not None
    ]

    entries = [Entry(claim.said_on, "said", 0, claim)] if claim.said_on <= day else []
    entries += [Entry(_evidence_day(e), "evidence", 1, e) for e in evidence]
    entries += [
        Entry(u.happened_on, "investigation", 2, u)
        for inv, _state in investigations
        for u in inv.updates.all()
        if u.happened_on <= day
    ]
    entries += [Entry(_on(e.created_at), e.kind, 3, e, e.created_at.timestamp()) for e in events]
    entries += [
        Entry(_on(c.created_at), STATUS_KINDS.get(c.kind, "status"), 3, c, c.created_at.timestamp())
        for c in later
    ]
    entries.sort(key=lambda e: (e.day, e.order, e.at))

    return ClaimAsOf(
        day=day,
        is_past=is_past,
        rating=verdicts[-1].to_rating if verdicts else None,
        last_change=verdicts[-1] if verdicts else None,
        evidence=grouped,
        investigations=investigations,
        timeline=entries,
        publication=events[-1] if events else None,
    )
