"""Follow-up: partners' requests, the relayed message to the member, its links and attempts.

A partner's `FollowupRequest` is about one case it received. A reviewer approves it into a
`FollowupMessage`: one per member and case at a time, so overlapping requests from several
partners reach the member as one message. Every email or inbox delivery is a
`FollowupAttempt` (GVP VI.B.3). A `FollowupLink` is a single-use, expiring link to answer;
only the SHA-256 of its token is stored. All of these change only through `followup.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from pv.core.models import TimeStampedModel


class FollowupRequest(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", "Pending approval"
        APPROVED = "approved", "Approved, not yet sent"
        SENT = "sent", "Sent"
        REMINDED = "reminded", "Reminded"
        ANSWERED = "answered", "Answered"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        NOT_CONTACTABLE = "not_contactable", "Not contactable"

    OPEN = (Status.PENDING_APPROVAL, Status.APPROVED, Status.SENT, Status.REMINDED)

    class Decision(models.TextChoices):
        NONE = "", "Not reviewed"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    # The case version the partner received and asked about; worldwide id ties its versions.
    case = models.ForeignKey("pv.Case", on_delete=models.PROTECT, related_name="+")
    worldwide_case_id = models.CharField(max_length=100, db_index=True)
    partner = models.ForeignKey(
        "pv.Partner", on_delete=models.PROTECT, related_name="followup_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Null for cases without a reporting member (imported ICSRs): never contactable.
    member = models.ForeignKey(
        "pv.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    questions = models.JSONField(
        default=list, help_text='[{"key": catalogue key}] or [{"key": "free", "text": ...}]'
    )
    wanted_by = models.DateField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING_APPROVAL, db_index=True
    )
    status_changed_at = models.DateTimeField()
    message = models.ForeignKey(
        "followup.FollowupMessage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, help_text="Internal: never shown to the partner")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open request per partner and case: asking again waits for the first to close.
            models.UniqueConstraint(
                fields=["partner", "worldwide_case_id"],
                condition=models.Q(status__in=["pending_approval", "approved", "sent", "reminded"]),
                name="followup_request_one_open_per_partner_case",
            )
        ]
        indexes = [models.Index(fields=["partner", "status"])]

    def __str__(self) -> str:
        return f"follow-up request {self.id} ({self.status})"

    @property
    def partner_status(self) -> str:
        """What the partner sees: approved-but-unsent still reads as pending approval."""
        if self.status == self.Status.APPROVED:
            return self.Status.PENDING_APPROVAL
        return self.status


class FollowupMessage(TimeStampedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued for sending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        REMINDED = "reminded", "Reminded"
        ANSWERED = "answered", "Answered"
        DECLINED = "declined", "Declined by the member"
        EXPIRED = "expired", "Expired"
        NOT_CONTACTABLE = "not_contactable", "Not contactable"

    OPEN = (Status.QUEUED, Status.SENDING, Status.SENT, Status.REMINDED)
    AWAITING_MEMBER = (Status.SENT, Status.REMINDED)

    class Review(models.TextChoices):
        NONE = "", "Nothing to review"
        PENDING = "pending", "Answer awaiting review"
        MERGED = "merged", "Merged into the case"
        REJECTED = "rejected", "Not used"

    class Channel(models.TextChoices):
        NONE = "", "None"
        LINK = "link", "Emailed link"
        INBOX = "inbox", "In-platform inbox"

    member = models.ForeignKey("pv.Member", on_delete=models.PROTECT, related_name="+")
    worldwide_case_id = models.CharField(max_length=100, db_index=True)
    case = models.ForeignKey(
        "pv.Case", on_delete=models.PROTECT, related_name="+", help_text="Latest at approval"
    )
    questions = models.JSONField(default=list, help_text='[{"id", "label", "text"}]')
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    first_sent_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    response_channel = models.CharField(
        max_length=10, choices=Channel.choices, blank=True, default=""
    )
    # Consent to pass the (scrubbed) answers on, with the exact wording the member agreed to.
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_text = models.TextField(blank=True)
    answers = models.JSONField(default=dict, blank=True, help_text="{question id: scrubbed text}")
    review_status = models.CharField(max_length=10, choices=Review.choices, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    merged_case = models.ForeignKey(
        "pv.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The merge point: one open message per member and case, whoever asks.
            models.UniqueConstraint(
                fields=["member", "worldwide_case_id"],
                condition=models.Q(status__in=["queued", "sending", "sent", "reminded"]),
                name="followup_message_one_open_per_member_case",
            )
        ]

    def __str__(self) -> str:
        return f"follow-up message {self.id} ({self.status})"


class FollowupAttempt(TimeStampedModel):
    """One try at reaching the member (GVP VI.B.3): what, when, how, and how it went.
    Never the address: the email is resolved from the vault at send time and not kept."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "First message"
        REMINDER = "reminder", "Reminder"

    class Outcome(models.TextChoices):
        SENT = "sent", "Delivered to the inbox and emailed"
        INBOX_ONLY = "inbox_only", "Delivered to the inbox (no email on file)"
        FAILED = "failed", "Email failed"
        NOT_CONTACTABLE = "not_contactable", "Not attempted: member not contactable"

    message = models.ForeignKey(FollowupMessage, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["message", "created_at"]

    def __str__(self) -> str:
        return f"attempt {self.number} ({self.outcome})"


class FollowupLink(TimeStampedModel):
    """A single-use, expiring answer link. The token is never stored, only its SHA-256."""

    message = models.ForeignKey(FollowupMessage, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"link for {self.message_id}"
