"""What members write: forum posts and structured adverse-event reports (Shared Data)."""

from __future__ import annotations

from django.db import models

from pv.core.models import TimeStampedModel


class ScreeningStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    AWAITING = "awaiting_screening", "Awaiting screening"
    SCREENED = "screened", "Screened"
    FAILED = "failed", "Screening failed"


class Post(TimeStampedModel):
    source_id = models.CharField(max_length=100, unique=True)
    member = models.ForeignKey("pv.Member", on_delete=models.PROTECT, related_name="posts")
    forum = models.CharField(max_length=100, blank=True)
    thread = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    posted_at = models.DateTimeField(db_index=True)
    screening_status = models.CharField(
        max_length=30, choices=ScreeningStatus.choices, default=ScreeningStatus.RECEIVED
    )

    class Meta:
        ordering = ["-posted_at"]
        indexes = [models.Index(fields=["screening_status", "posted_at"])]

    def __str__(self) -> str:
        return self.source_id


class AEReport(TimeStampedModel):
    """A member's structured report. Drugs and events keep the member's own words.

    drugs:  [{"name", "dose", "route", "frequency", "start_date", "stop_date", "indication"}]
    events: [{"text", "onset_date", "outcome"}]
    """

    class Outcome(models.TextChoices):
        RECOVERED = "recovered", "Recovered"
        RECOVERING = "recovering", "Recovering"
        NOT_RECOVERED = "not_recovered", "Not recovered"
        SEQUELAE = "recovered_with_sequelae", "Recovered with sequelae"
        FATAL = "fatal", "Fatal"
        UNKNOWN = "unknown", "Unknown"

    source_id = models.CharField(max_length=100, unique=True)
    member = models.ForeignKey("pv.Member", on_delete=models.PROTECT, related_name="reports")
    drugs = models.JSONField(default=list)
    events = models.JSONField(default=list)
    death = models.BooleanField(default=False)
    life_threatening = models.BooleanField(default=False)
    hospitalisation = models.BooleanField(default=False)
    disability = models.BooleanField(default=False)
    congenital_anomaly = models.BooleanField(default=False)
    other_medically_important = models.BooleanField(default=False)
    free_text = models.TextField(blank=True)
    submitted_at = models.DateTimeField(db_index=True)
    screening_status = models.CharField(
        max_length=30, choices=ScreeningStatus.choices, default=ScreeningStatus.RECEIVED
    )

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.source_id
