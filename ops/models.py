"""Platform Use Data kept as rows: accounts flagged for reading too much in a window."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from pv.core.models import TimeStampedModel


class ReadVolumeFlag(TimeStampedModel):
    """An account read more posts, reports, member profiles or cases than a window allows.

    The evidence is what the counters held when the limit was hit: reads per kind over the
    window, and a sample of the object ids read most recently. Never exported.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISMISSED = "dismissed", "Dismissed"
        SUSPENDED = "suspended", "Account suspended"

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_flags"
    )
    window_seconds = models.PositiveIntegerField()
    limit = models.PositiveIntegerField(help_text="Reads allowed in the window")
    total = models.PositiveIntegerField(help_text="Reads counted in the window, incl. the refused")
    counts = models.JSONField(default=dict, help_text='Reads per kind: {"post": 812, ...}')
    sample = models.JSONField(default=list, help_text='Recent reads: [{"kind", "id"}, ...]')
    path = models.CharField(max_length=300, blank=True, help_text="The refused request's path")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.total}/{self.limit} in {self.window_seconds}s"
