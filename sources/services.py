"""Writes that touch several sources-side rows."""

import datetime

from django.db import transaction
from django.utils.text import slugify

from .models import Investigation, InvestigationUpdate, Publisher, Source


def investigation_state_sync(*, investigation: Investigation) -> Investigation:
    """Set the investigation's state from its latest update that names one.

    When no update names a state (none yet, or the only ones were deleted), the state goes
    back to the one it was opened or requested in, `initial_state`.
    """
    latest = investigation.updates.exclude(state="").order_by("-happened_on", "-id").first()
    state = latest.state if latest else investigation.initial_state
    if state != investigation.state:
        investigation.state = state
        investigation.save(update_fields=["state", "updated_at"])
    return investigation


@transaction.atomic
def investigation_update_record(
    *,
    investigation: Investigation,
    happened_on: datetime.date,
    summary: str,
    state: str = "",
    source: Source | None = None,
) -> InvestigationUpdate:
    """Append a dated update to an investigation and move its state if the update sets one."""
    update = InvestigationUpdate(
        investigation=investigation,
        happened_on=happened_on,
        summary=summary,
        state=state,
        source=source,
    )
    update.full_clean()
    update.save()
    investigation_state_sync(investigation=investigation)
    return update


# What a capture found that a source can take: the capture's field, the source's.
FOUND_FIELDS = {"title": "title", "published_on": "published_on", "publisher": "publisher_name"}


@transaction.atomic
def source_metadata_apply(*, source: Source, capture, fields: set[str]) -> Source:
    """Give `source` what `capture` found of `fields` (title, published_on, publisher). A
    publisher is matched by name, or created."""
    if "title" in fields and capture.title:
        source.title = capture.title[:500]
    if "published_on" in fields and capture.published_on:
        source.published_on = capture.published_on
    if "publisher" in fields and capture.publisher_name:
        name = capture.publisher_name[:200]
        publisher = Publisher.objects.filter(name__iexact=name).first()
        if publisher is None:
            slug = slugify(name)[:180] or "publisher"
            if Publisher.objects.filter(slug=slug).exists():
                slug = f"{slug}-{Publisher.objects.count() + 1}"
            publisher = Publisher.objects.create(name=name, slug=slug)
        source.publisher = publisher
    source.full_clean()
    source.save()
    return source
