"""Signal records and their GVP IX workflow."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from pv.core.models import TimeStampedModel

from .runs import DrugLevel, EventLevel, SignalRun, Source


class Signal(TimeStampedModel):
    """A drug-event pair that met a threshold, with its GVP IX review workflow.

    One record per (source, drug level, event level, drug, event): re-running a source updates
    the record (measures that newly signal, latest figures) and never adds a second one.
    """

    class Status(models.TextChoices):
        NEW = "new", "New"
        UNDER_EVALUATION = "under_evaluation", "Under evaluation"
        VALIDATED = "validated", "Validated"
        CONFIRMED = "confirmed", "Confirmed"
        REFUTED = "refuted", "Refuted"
        CLOSED = "closed", "Closed"

    # Allowed moves. Validation may also close a signal that is not validated (GVP IX.B.3).
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.NEW: (Status.UNDER_EVALUATION,),
        Status.UNDER_EVALUATION: (Status.VALIDATED, Status.CLOSED),
        Status.VALIDATED: (Status.CONFIRMED, Status.REFUTED),
        Status.CONFIRMED: (Status.CLOSED,),
        Status.REFUTED: (Status.CLOSED,),
        Status.CLOSED: (),
    }

    source = models.CharField(max_length=10, choices=Source.choices)
    drug_level = models.CharField(max_length=12, choices=DrugLevel.choices)
    event_level = models.CharField(max_length=12, choices=EventLevel.choices)
    drug_key = models.CharField(max_length=250)
    drug = models.CharField(max_length=250)
    event = models.CharField(max_length=250)
    soc = models.CharField(max_length=250, blank=True)
    first_period = models.CharField(max_length=7, help_text="First quarter any measure signalled")
    measures = models.JSONField(
        default=dict, help_text="measure -> {first_period, n, value, lower, run}"
    )
    first_run = models.ForeignKey(
        SignalRun, null=True, on_delete=models.SET_NULL, related_name="raised_signals"
    )
    last_run = models.ForeignKey(SignalRun, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Reopening: the pair's figures when a reviewer refuted or closed it (N, whether it met the
    # run's criterion in its latest quarter, the run), so a later run with new data re-raises it.
    decision_figures = models.JSONField(default=dict, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveIntegerField(default=0)
    reopen_reason = models.JSONField(
        default=dict, blank=True, help_text="prior status, N then and now, the run that reopened"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "drug_level", "event_level", "drug_key", "event"],
                name="signal_unique_pair",
            )
        ]
        indexes = [models.Index(fields=["drug_key", "status"])]

    def __str__(self) -> str:
        return f"{self.drug} / {self.event} ({self.source}, {self.status})"


class SignalTransition(TimeStampedModel):
    """One workflow step: who moved the signal, from what to what, and why."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Signal.Status.choices)
    to_status = models.CharField(max_length=20, choices=Signal.Status.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when pv itself moved the signal (reopened on new data)",
    )
    rationale = models.TextField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"
