"""Writes that touch several claims-side rows. The admin, commands and tests all call these.

Each takes the acting user and checks the newsroom's rules itself, so no path (admin view,
action, bulk action, command) can skip them. `user=None` means the system itself (the demo
loader, an import), which is trusted.
"""

from ..claimreview.load import (
    ImportContext,
    claimreview_record_import,
    claimreview_records_import,
)
from .workflow import (
    ACTIONS,
    Action,
    available_actions,
    claim_mark_reviewed,
    claim_publish,
    claim_return_to_draft,
    claim_submit_for_review,
    claim_withdraw,
    evidence_add_by_url,
    latest_status_change,
    publication_problems,
    publication_snapshot,
    status_change_record,
)

__all__ = [
    "ACTIONS",
    "Action",
    "available_actions",
    "ImportContext",
    "claim_mark_reviewed",
    "claim_publish",
    "claim_return_to_draft",
    "claim_submit_for_review",
    "claim_withdraw",
    "claimreview_record_import",
    "claimreview_records_import",
    "evidence_add_by_url",
    "latest_status_change",
    "publication_problems",
    "publication_snapshot",
    "status_change_record",
]
