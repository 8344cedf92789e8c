"""Append-only audit trail, chained with keyed hashes so an edited or deleted row is detectable."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from pv.core.models import TimeStampedModel


class AuditEvent(TimeStampedModel):
    # Not auto_now_add: the timestamp is part of the hashed content, so it is set before hashing.
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    seq = models.BigIntegerField(unique=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True, help_text="'system' for tasks")
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # How `hash` was computed: "hmac-sha256" (keyed with PV_AUDIT_KEY) for every row written now;
    # "sha256" (plain, unkeyed) for rows written before the chain was keyed. See pv.audit.
    scheme = models.CharField(max_length=16, default="hmac-sha256", editable=False)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def save(self, *args, **kwargs):
        # Append-only: rows are created by pv.audit.audit_record and never changed.
        if not self._state.adding:
            raise RuntimeError("AuditEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("AuditEvent is append-only")


class AuditChainHead(models.Model):
    """One row holding the last seq and hash; locked while appending so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head at {self.seq}"
