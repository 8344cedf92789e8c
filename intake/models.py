"""What members write: forum posts and structured adverse-event reports (Shared Data)."""

from __future__ import annotations

from django.db import models

from pv.core.models import SeriousnessFlags, TimeStampedModel


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
    # The drug the thread is about (a treatment-review forum), or "" for a general forum:
    # screening uses what it is taken for to tell its indication from its reactions.
    about_drug = models.CharField(max_length=250, blank=True, default="")
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


class AEReport(SeriousnessFlags, TimeStampedModel):
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
    free_text = models.TextField(blank=True)
    # The drug the report is about when the member named one for the whole report (optional).
    about_drug = models.CharField(max_length=250, blank=True, default="")
    submitted_at = models.DateTimeField(db_index=True)
    screening_status = models.CharField(
        max_length=30, choices=ScreeningStatus.choices, default=ScreeningStatus.RECEIVED
    )

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.source_id


# --- Screening results and the triage queue (issue 3) ---------------------------------------


class ScreeningResult(TimeStampedModel):
    """What one pipeline version found in one post or report. Never edited: a re-screen with a
    newer pipeline adds a row and moves `is_current`; the same version never screens twice."""

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="screenings"
    )
    report = models.ForeignKey(
        AEReport, null=True, blank=True, on_delete=models.CASCADE, related_name="screenings"
    )
    pipeline_version = models.CharField(max_length=100)
    dictionaries = models.JSONField(default=dict, help_text='{"drugs": {name, version}, ...}')
    is_current = models.BooleanField(default=True)
    candidate = models.BooleanField(default=False)
    priority = models.FloatField(default=0.0)
    serious = models.JSONField(default=list, help_text="Seriousness criteria, most serious first")
    criteria = models.JSONField(default=dict, help_text="patient, reporter, product, event")
    screened_at = models.DateTimeField()

    class Meta:
        ordering = ["-screened_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=False, report__isnull=True)
                | models.Q(post__isnull=True, report__isnull=False),
                name="screening_post_xor_report",
            ),
            models.UniqueConstraint(
                fields=["post", "pipeline_version"],
                condition=models.Q(post__isnull=False),
                name="screening_post_once_per_version",
            ),
            models.UniqueConstraint(
                fields=["report", "pipeline_version"],
                condition=models.Q(report__isnull=False),
                name="screening_report_once_per_version",
            ),
            models.UniqueConstraint(
                fields=["post"],
                condition=models.Q(post__isnull=False, is_current=True),
                name="screening_post_one_current",
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=models.Q(report__isnull=False, is_current=True),
                name="screening_report_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"screening of {self.post_id or self.report_id} ({self.pipeline_version})"


class Mention(TimeStampedModel):
    """A drug or event mention with its context and coding (auto, accepted or overridden)."""

    class Kind(models.TextChoices):
        DRUG = "drug", "Drug"
        EVENT = "event", "Event"

    class Role(models.TextChoices):
        REACTION = "reaction", "Reaction"
        INDICATION = "indication", "Indication"
        OTHER = "other", "Other"
        SUSPECT = "suspect", "Suspect product"  # drugs: named as suspect in a structured report

    class Field(models.TextChoices):
        TEXT = "text", "Free text"
        DRUGS = "drugs", "Report drug (structured)"
        EVENTS = "events", "Report event (structured)"

    class CodingStatus(models.TextChoices):
        AUTO = "auto", "Coded by the pipeline"
        UNCODED = "uncoded", "Not coded"
        ACCEPTED = "accepted", "Accepted by a reviewer"
        OVERRIDDEN = "overridden", "Overridden by a reviewer"

    result = models.ForeignKey(ScreeningResult, on_delete=models.CASCADE, related_name="mentions")
    position = models.PositiveIntegerField(help_text="Index in the pipeline's mention list")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    field = models.CharField(max_length=10, choices=Field.choices, default=Field.TEXT)
    field_index = models.PositiveIntegerField(
        null=True, blank=True, help_text="Index into report.drugs / report.events"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    # Coding: event -> LLT, PT, HLT, HLGT, SOC; drug -> concept (details: ingredients etc.)
    code = models.CharField(max_length=50, blank=True, db_index=True)
    term = models.CharField(max_length=250, blank=True)
    llt = models.CharField(max_length=250, blank=True)
    llt_code = models.CharField(max_length=50, blank=True)
    pt = models.CharField(max_length=250, blank=True)
    pt_code = models.CharField(max_length=50, blank=True)
    hlt = models.CharField(max_length=250, blank=True)
    hlt_code = models.CharField(max_length=50, blank=True)
    hlgt = models.CharField(max_length=250, blank=True)
    hlgt_code = models.CharField(max_length=50, blank=True)
    soc = models.CharField(max_length=250, blank=True)
    soc_code = models.CharField(max_length=50, blank=True)
    terminology = models.CharField(max_length=100, blank=True)
    terminology_version = models.CharField(max_length=100, blank=True)
    details = models.JSONField(default=dict, blank=True)
    # Context (events)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    negated = models.BooleanField(default=False)
    hypothetical = models.BooleanField(default=False)
    historical = models.BooleanField(default=False)
    family = models.BooleanField(default=False)
    withdrawal = models.BooleanField(default=False)
    fuzzy = models.BooleanField(default=False)
    reportable = models.BooleanField(
        default=False, help_text="An event that is a reaction, not negated/hypothetical/..."
    )
    coding_status = models.CharField(
        max_length=20, choices=CodingStatus.choices, default=CodingStatus.AUTO
    )
    coded_by = models.ForeignKey(
        "pv.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    coded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["result", "position"]
        indexes = [models.Index(fields=["result", "kind"])]
        constraints = [
            models.UniqueConstraint(fields=["result", "position"], name="mention_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.text!r}"


class MentionPair(models.Model):
    """A drug and a reaction the pipeline linked (same sentence, or the closest earlier drug)."""

    id = models.BigAutoField(primary_key=True)
    result = models.ForeignKey(ScreeningResult, on_delete=models.CASCADE, related_name="pairs")
    drug = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["drug", "event"], name="mention_pair_unique")
        ]

    def __str__(self) -> str:
        return f"{self.drug_id} -> {self.event_id}"


class TriageItem(TimeStampedModel):
    """A candidate post or report waiting for (or decided by) a safety reviewer."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        NEEDS_INFO = "needs_info", "Needs information"
        CONFIRMED = "confirmed", "Confirmed (case created)"
        REJECTED = "rejected", "Rejected"

    class Source(models.TextChoices):
        POST = "post", "Forum post"
        REPORT = "report", "AE report"

    OPEN = (Status.PENDING, Status.NEEDS_INFO)

    source = models.CharField(max_length=10, choices=Source.choices)
    post = models.OneToOneField(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="triage"
    )
    report = models.OneToOneField(
        AEReport, null=True, blank=True, on_delete=models.CASCADE, related_name="triage"
    )
    # RESTRICT, not PROTECT: deleting a post deletes its screenings and its triage item together.
    screening = models.ForeignKey(ScreeningResult, on_delete=models.RESTRICT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # Copied from the current screening so the queue sorts and filters on indexed columns.
    is_serious = models.BooleanField(default=False)
    seriousness = models.JSONField(default=list)
    priority = models.FloatField(default=0.0)
    item_at = models.DateTimeField(help_text="When the member posted / submitted it")
    # Copied from the screening's mentions (`intake.queue_terms`; the screening and coding
    # services keep them in step) so the drug and event filters read this row, not every mention.
    drug_words = models.TextField(blank=True, default="")
    drug_codes = models.TextField(blank=True, default="")
    event_words = models.TextField(blank=True, default="")
    event_codes = models.TextField(blank=True, default="")
    claimed_by = models.ForeignKey(
        "pv.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "pv.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why rejected / what information is needed")
    case = models.ForeignKey(
        "pv.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-is_serious", "-priority", "item_at"]
        indexes = [
            models.Index(fields=["status", "is_serious", "priority", "item_at"]),
            # The open queue in its own order: the first page is an index range scan.
            models.Index(
                models.F("is_serious").desc(),
                models.F("priority").desc(),
                "item_at",
                "id",
                condition=models.Q(status__in=["pending", "needs_info"]),
                name="triage_open_queue_order",
            ),
            # The counts above the queue (open, serious, needs info, mine) from the index alone.
            models.Index(
                fields=["status", "is_serious", "claimed_by"],
                condition=models.Q(status__in=["pending", "needs_info"]),
                name="triage_open_counts",
            ),
            # A date filter counts its matches from here, not by reading every open item.
            models.Index(
                fields=["item_at"],
                condition=models.Q(status__in=["pending", "needs_info"]),
                name="triage_open_item_at",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=False, report__isnull=True, source="post")
                | models.Q(post__isnull=True, report__isnull=False, source="report"),
                name="triage_post_xor_report",
            )
        ]

    def __str__(self) -> str:
        return f"triage {self.source} {self.post_id or self.report_id} ({self.status})"
