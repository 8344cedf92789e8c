"""Routing rules and submissions (one per case version and recipient), moved only by services."""

from __future__ import annotations

from django.db import models

from pv.core.models import TimeStampedModel


class RoutingRule(TimeStampedModel):
    """Evaluated in `position` order; for each recipient the first matching rule decides
    (GVP VI.B.7: one submission per recipient, never duplicates).

    A rule matches a case when every condition it sets holds: the reporter's country is in
    `countries` or its region in `regions`, the case's seriousness fits `seriousness`, and (for
    `match_products`) a suspect drug shares an ingredient with one of the recipient's products.
    """

    class Seriousness(models.TextChoices):
        ANY = "any", "Any"
        SERIOUS = "serious", "Serious only"
        NON_SERIOUS = "non_serious", "Non-serious only"

    class Action(models.TextChoices):
        SUBMIT = "submit", "Submit"
        EXCLUDE = "exclude", "Do not submit"

    position = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    recipient = models.ForeignKey(
        "pv.Partner", on_delete=models.CASCADE, related_name="routing_rules"
    )
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.SUBMIT)
    countries = models.JSONField(default=list, blank=True, help_text="ISO2; empty = any")
    regions = models.JSONField(default=list, blank=True, help_text="e.g. EU; empty = any")
    seriousness = models.CharField(
        max_length=20, choices=Seriousness.choices, default=Seriousness.ANY
    )
    match_products = models.BooleanField(
        default=False, help_text="Sponsors: only cases with one of their products as suspect"
    )
    serious_days = models.PositiveSmallIntegerField(default=15)
    non_serious_days = models.PositiveSmallIntegerField(default=90)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["position"], name="routing_rule_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class Submission(TimeStampedModel):
    """One case version for one recipient.

    `held`: created and on its clock, but not built or sent because the case cannot be sent to
    this recipient as it stands (a reaction not coded in a terminology the recipient accepts);
    `held_reasons` says what to fix. A recode that fixes it releases it to `queued`. A held
    submission whose case gets a newer version before release is `superseded` (never sent;
    the newer version goes to the recipient instead).
    """

    class Status(models.TextChoices):
        HELD = "held", "Held — needs coding"
        QUEUED = "queued", "Queued"
        VALIDATED = "validated", "Validated"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        FAILED = "failed", "Failed"
        SUPERSEDED = "superseded", "Superseded before it was sent"

    class AckResult(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        ACCEPTED_WITH_ERRORS = "accepted_with_errors", "Accepted with errors"
        REJECTED = "rejected", "Rejected"

    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial"
        FOLLOWUP = "followup", "Follow-up"
        AMENDMENT = "amendment", "Amendment"
        NULLIFICATION = "nullification", "Nullification"

    case = models.ForeignKey("pv.Case", on_delete=models.PROTECT, related_name="submissions")
    recipient = models.ForeignKey(
        "pv.Partner", on_delete=models.PROTECT, related_name="submissions"
    )
    rule = models.ForeignKey(RoutingRule, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INITIAL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    profile = models.CharField(max_length=10, default="ich")
    clock_start = models.DateField(help_text="Day 0, or the date follow-up information arrived")
    due_date = models.DateField(db_index=True)
    batch_number = models.CharField(max_length=100, unique=True)  # N.1.2
    message_id = models.CharField(max_length=100, unique=True)  # N.2.r.1
    xml = models.BinaryField(default=b"")
    validation_errors = models.JSONField(default=list, blank=True)
    held_reasons = models.JSONField(
        default=list, blank=True, help_text="While held: [{reaction, reported_term, message}]"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    acked_at = models.DateTimeField(null=True, blank=True)
    ack_result = models.CharField(max_length=30, choices=AckResult.choices, blank=True)
    ack_code = models.CharField(max_length=2, blank=True)
    ack_text = models.TextField(blank=True)
    ack_xml = models.BinaryField(default=b"")

    class Meta:
        ordering = ["due_date", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "recipient"], name="submission_once_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["recipient", "status"])]

    def __str__(self) -> str:
        return f"{self.message_id} -> {self.recipient_id} ({self.status})"


class AckRefusal(TimeStampedModel):
    """An acknowledgement pv would not apply, kept for staff (issue: ACKs matched loosely).

    An ACK is applied only to the submission whose message id (N.2.r.1 / ACK.B.r.2) it names,
    within the batch (N.1.2 / ACK.A.1.1) it names, and only once that submission has reached the
    partner. Anything else is refused as a whole and recorded here with the reason.
    """

    class Reason(models.TextChoices):
        UNKNOWN_BATCH = "unknown_batch", "No submission of this partner has this batch number"
        UNKNOWN_MESSAGE = "unknown_message", "A message id is not in the named batch"
        NOT_SENT = "not_sent", "The submission was never sent to this partner"
        NO_MESSAGES = "no_messages", "The ACK names no message and does not reject the batch"
        CONTRADICTS = "contradicts", "The message was already acknowledged with another result"

    partner = models.ForeignKey(
        "pv.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=30, choices=Reason.choices)
    batch_number = models.CharField(max_length=100, blank=True)
    message_ids = models.JSONField(default=list, blank=True)
    detail = models.TextField(blank=True)
    ack_xml = models.BinaryField(default=b"")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"refused ACK {self.batch_number} ({self.reason})"
