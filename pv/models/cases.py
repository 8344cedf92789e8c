"""The case (ICSR): versioned, de-identified, changed only through `pv.services.cases`.

Each version is its own row with its own drugs and reactions, so a version never changes after
it is superseded, E2B follow-ups can be built from any version, and versions can be diffed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from pv.core.models import SeriousnessFlags, TimeStampedModel

from .members import Member


class Case(SeriousnessFlags, TimeStampedModel):
    """Seriousness flags (E.i.3.2) are rolled up to the case from its reactions and the report."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ASSESSED = "assessed", "Assessed"
        CLOSED = "closed", "Closed"
        NULLIFIED = "nullified", "Nullified"

    class ReportType(models.TextChoices):  # E2B C.1.3
        SPONTANEOUS = "1", "Spontaneous report"
        STUDY = "2", "Report from study"
        OTHER = "3", "Other"
        NOT_AVAILABLE = "4", "Not available to sender"

    class Qualification(models.TextChoices):  # E2B C.2.r.4
        PHYSICIAN = "1", "Physician"
        PHARMACIST = "2", "Pharmacist"
        OTHER_HCP = "3", "Other health professional"
        LAWYER = "4", "Lawyer"
        CONSUMER = "5", "Consumer or other non health professional"

    Sex = Member.Sex  # one code list for members and patients

    worldwide_case_id = models.CharField(max_length=100, db_index=True)  # C.1.8.1
    sender_report_id = models.CharField(max_length=100, db_index=True)  # C.1.1
    version = models.PositiveIntegerField(default=1)
    predecessor = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="successor"
    )
    is_latest = models.BooleanField(default=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    report_type = models.CharField(
        max_length=1, choices=ReportType.choices, default=ReportType.SPONTANEOUS
    )
    received_at = models.DateTimeField(help_text="C.1.4: first received from the source")
    day_zero = models.DateField(null=True, blank=True, help_text="All four criteria first known")
    # Outbox mark: when this version was routed to its recipients (submissions app). A latest
    # version with day 0 and no routed_at is routed again by the submissions sweeper.
    routed_at = models.DateTimeField(null=True, blank=True)
    latest_info_at = models.DateTimeField(help_text="C.1.5: most recent information received")

    class Origin(models.TextChoices):
        COMMUNITY = "community", "Community member"
        E2B_IMPORT = "e2b_import", "Imported E2B(R3) ICSR"

    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.COMMUNITY)
    # The reporting member; empty for cases imported from another sender's E2B message.
    member = models.ForeignKey(
        "pv.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    # De-identified patient block (E2B D): never a name.
    patient_age = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    patient_age_unit = models.CharField(max_length=10, default="a", help_text="UCUM: a, mo, wk, d")
    patient_age_group = models.CharField(max_length=1, blank=True, help_text="D.2.3 code 0-6")
    patient_sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    patient_weight_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    medical_history = models.JSONField(default=list, blank=True)
    reporter_qualification = models.CharField(
        max_length=1, choices=Qualification.choices, default=Qualification.CONSUMER
    )
    reporter_country = models.CharField(max_length=2, blank=True)

    narrative = models.TextField(blank=True)
    reporter_comments = models.TextField(blank=True)
    sender_comments = models.TextField(blank=True, help_text="H.4: the reviewer's comment")
    # Causality per drug-reaction pair by the sender's reviewer (E2B G.k.9.i.2.r):
    # [{"drug": position, "reaction": position, "result": WHO-UMC category, "method": "WHO-UMC",
    #   "source": "sender"}]; positions are the 1-based G.k / E.i order of this version.
    assessments = models.JSONField(default=list, blank=True)
    amendment_reason = models.TextField(blank=True, help_text="C.1.11.2 for amendments")
    # Lossless cases: what an imported ICSR carried, element for element (its typed snapshot,
    # the elements pv does not model, the route it came by), as submissions.e2b.document
    # writes it. Empty for community cases. Exports start from it (submissions.received).
    e2b_document = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    source_posts = models.ManyToManyField("intake.Post", blank=True, related_name="cases")
    source_reports = models.ManyToManyField("intake.AEReport", blank=True, related_name="cases")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["worldwide_case_id", "version"], name="case_version_unique"
            ),
            models.UniqueConstraint(
                fields=["worldwide_case_id"],
                condition=models.Q(is_latest=True),
                name="case_one_latest_version",
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="case_version_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.worldwide_case_id} v{self.version}"


class CaseDrug(TimeStampedModel):
    class Role(models.TextChoices):  # G.k.1
        SUSPECT = "suspect", "Suspect"
        CONCOMITANT = "concomitant", "Concomitant"
        INTERACTING = "interacting", "Interacting"

    class ActionTaken(models.TextChoices):  # G.k.8
        WITHDRAWN = "1", "Drug withdrawn"
        DOSE_REDUCED = "2", "Dose reduced"
        DOSE_INCREASED = "3", "Dose increased"
        NOT_CHANGED = "4", "Dose not changed"
        UNKNOWN = "0", "Unknown"
        NOT_APPLICABLE = "9", "Not applicable"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="drugs")
    position = models.PositiveSmallIntegerField(default=1)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.SUSPECT)
    name_reported = models.CharField(max_length=250)
    ingredients = models.JSONField(
        default=list, blank=True, help_text='[{"name", "code", "dictionary", "version"}]'
    )
    product = models.ForeignKey(
        "pv.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dose_text = models.CharField(max_length=100, blank=True)
    dose_value = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    dose_unit = models.CharField(max_length=20, blank=True, help_text="UCUM, e.g. mg")
    route = models.CharField(max_length=50, blank=True)
    start_date = models.DateField(null=True, blank=True)
    stop_date = models.DateField(null=True, blank=True)
    action_taken = models.CharField(max_length=1, choices=ActionTaken.choices, blank=True)
    indication_reported = models.CharField(max_length=250, blank=True)
    indication_code = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["case", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(stop_date__isnull=True)
                | models.Q(stop_date__gte=models.F("start_date")),
                name="casedrug_stop_after_start",
            )
        ]


class CaseReaction(SeriousnessFlags, TimeStampedModel):
    class Outcome(models.TextChoices):  # E.i.7
        RECOVERED = "1", "Recovered/resolved"
        RECOVERING = "2", "Recovering/resolving"
        NOT_RECOVERED = "3", "Not recovered/not resolved/ongoing"
        SEQUELAE = "4", "Recovered/resolved with sequelae"
        FATAL = "5", "Fatal"
        UNKNOWN = "0", "Unknown"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reactions")
    position = models.PositiveSmallIntegerField(default=1)
    reported_term = models.CharField(max_length=250)
    code = models.CharField(max_length=50, blank=True, help_text="LLT/PT code in `terminology`")
    term = models.CharField(max_length=250, blank=True)
    pt_code = models.CharField(max_length=50, blank=True)
    pt = models.CharField(max_length=250, blank=True)
    soc = models.CharField(max_length=250, blank=True)
    terminology = models.CharField(max_length=100, blank=True)
    terminology_version = models.CharField(max_length=50, blank=True)
    onset_date = models.DateField(null=True, blank=True)
    duration = models.CharField(max_length=50, blank=True)
    outcome = models.CharField(max_length=1, choices=Outcome.choices, default=Outcome.UNKNOWN)

    class Meta:
        ordering = ["case", "position"]
