"""When the organisation first knew of something a member wrote: the start of day 0.

One rule for the queue's "due if confirmed", the case's C.1.4 and the submission clocks.
"""

from __future__ import annotations

from datetime import datetime


def aware_at(*, written_at: datetime, received_at: datetime) -> datetime:
    """When the organisation first knew of a member's post or report: the moment the member
    wrote it. The community is pv's own platform, so the organisation is aware when the member
    posts or submits, not when a batch of it reached pv's queue; a time in the future (a
    clock skew) counts as the time it was received. E2B imports are different: the sender
    knew first, pv when it received the file (`pv.services.cases.case_create`)."""
    return min(written_at, received_at) if written_at else received_at
