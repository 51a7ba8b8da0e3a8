"""Writes that touch several sources-side rows."""

import datetime

from django.db import transaction

from .models import Investigation, InvestigationUpdate, Source


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
