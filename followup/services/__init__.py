"""Follow-up writes. Nothing else saves a follow-up request, message, link or attempt."""

from followup.services.member import (
    CONSENT_TEXT,
    LinkGone,
    followup_link_resolve,
    followup_member_opt_out,
    followup_message_answer,
    followup_message_decline,
)
from followup.services.relay import (
    EmailUnavailable,
    followup_housekeeping,
    followup_message_remind,
    followup_message_send,
    followup_reminders_due,
)
from followup.services.requests import (
    followup_request_approve,
    followup_request_create,
    followup_request_decline,
    followup_request_edit,
)
from followup.services.review import followup_answer_merge, followup_answer_reject

__all__ = [
    "CONSENT_TEXT",
    "EmailUnavailable",
    "LinkGone",
    "followup_answer_merge",
    "followup_answer_reject",
    "followup_housekeeping",
    "followup_link_resolve",
    "followup_member_opt_out",
    "followup_message_answer",
    "followup_message_decline",
    "followup_message_remind",
    "followup_message_send",
    "followup_reminders_due",
    "followup_request_approve",
    "followup_request_create",
    "followup_request_decline",
    "followup_request_edit",
]
