"""Intake writes. `intake.py`: posts and reports; screening and triage add their own modules."""

from .intake import (
    MAX_BATCH,
    BatchResult,
    case_create_from_report,
    intake_items_mark_awaiting_screening,
    post_batch_create,
    report_batch_create,
)

__all__ = [
    "MAX_BATCH",
    "BatchResult",
    "case_create_from_report",
    "intake_items_mark_awaiting_screening",
    "post_batch_create",
    "report_batch_create",
]
