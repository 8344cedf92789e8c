"""Submission writes: route a case version, prepare (build + validate) its XML, send it, and
reconcile acknowledgements. Status moves only here, each move audited.

Claims follow Healthchecks: a conditional UPDATE that must touch exactly one row, so two
workers never prepare or send the same submission twice.
"""

from submissions.services.holds import (
    coding_hold_reasons,
    submission_hold,
    submission_release_held,
    submission_supersede_held,
)
from submissions.services.messages import (
    case_e2b_build,
    case_e2b_preview,
    submission_build,
    submission_prepare,
)
from submissions.services.routing import rule_matches, submission_route_case
from submissions.services.transport import (
    submission_ack_receive,
    submission_download,
    submission_mark_failed,
    submission_send,
    submission_sweep,
)

__all__ = [
    "case_e2b_build",
    "coding_hold_reasons",
    "case_e2b_preview",
    "rule_matches",
    "submission_ack_receive",
    "submission_build",
    "submission_download",
    "submission_hold",
    "submission_mark_failed",
    "submission_prepare",
    "submission_release_held",
    "submission_route_case",
    "submission_send",
    "submission_supersede_held",
    "submission_sweep",
]
