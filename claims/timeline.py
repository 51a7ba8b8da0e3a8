"""A claim's timeline, and the state of things on a chosen day ("what was known on a date").

Works on a claim fetched with `claim_detail_queryset()`, so it runs no query of its own.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from sources.models import Investigation

from .models import Claim, Evidence, Rating, StatusChange


@dataclass(frozen=True)
class Entry:
    day: datetime.date
    kind: str  # said, status, correction, reviewed, evidence, investigation
    order: int
    obj: object = None


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


def _evidence_day(evidence: Evidence) -> datetime.date:
    return evidence.source.published_on or timezone.localdate(evidence.created_at)


def _investigation_state(investigation: Investigation, day: datetime.date) -> str | None:
    """The investigation's state on `day`, or None if it had not been opened or requested."""
    if investigation.opened_on > day:
        return None
    stated = [u for u in investigation.updates.all() if u.state]
    before = [u for u in stated if u.happened_on <= day]
    if before:
        return before[-1].state
    return stated[0].state if stated else investigation.state


def claim_as_of(claim: Claim, day: datetime.date | None = None) -> ClaimAsOf:
    today = timezone.localdate()
    is_past = day is not None and day < today
    day = day if is_past else today

    changes = [c for c in claim.status_changes.all() if timezone.localdate(c.created_at) <= day]
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
    entries += [
        Entry(
            timezone.localdate(c.created_at),
            {
                StatusChange.Kind.CORRECTION: "correction",
                StatusChange.Kind.REVIEWED: "reviewed",
            }.get(c.kind, "status"),
            3,
            c,
        )
        for c in changes
    ]
    entries.sort(key=lambda e: (e.day, e.order))

    return ClaimAsOf(
        day=day,
        is_past=is_past,
        rating=changes[-1].to_rating if changes else None,
        last_change=changes[-1] if changes else None,
        evidence=grouped,
        investigations=investigations,
        timeline=entries,
    )
