"""Signal runs, their stored per-pair results, imported background data and signal records.

The statistics are the pure core's (`signals.stats`, `signals.trends`); these models keep what a
run used (source, levels, thresholds, hyperparameters and -loglik per period, timings) and what
it found, so every figure a sponsor sees can be traced to its run (GVP IX: analyses kept).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from pv.core.models import TimeStampedModel


class Source(models.TextChoices):
    CASES = "cases", "Confirmed cases"
    SOCIAL = "social", "Social listening (screened forum mentions)"
    FAERS = "faers", "FAERS background (imported)"


class DrugLevel(models.TextChoices):
    INGREDIENT = "ingredient", "Ingredient"
    PRODUCT = "product", "Product"


class EventLevel(models.TextChoices):
    PT = "pt", "Preferred term"
    HLT = "hlt", "High-level term"
    HLGT = "hlgt", "High-level group term (MedDRA)"
    SOC = "soc", "System organ class"
    SMQ_NARROW = "smq_narrow", "SMQ, narrow search (MedDRA)"
    SMQ_BROAD = "smq_broad", "SMQ, broad search (MedDRA)"


class ExternalDataset(TimeStampedModel):
    """One import of public background data (FAERS quarterly ASCII): its rows are SignalFacts."""

    class Kind(models.TextChoices):
        FAERS = "faers", "FAERS / legacy AERS quarterly ASCII"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FAERS)
    name = models.CharField(max_length=200)
    sources = models.JSONField(default=list, help_text="Folder / zip names imported")
    quarters = models.JSONField(default=list, help_text='["2004Q1", "2017Q2"]')
    roles = models.JSONField(default=list, help_text="Drug roles kept, e.g. PS, SS")
    reports = models.PositiveIntegerField(default=0, help_text="Distinct cases after dedup")
    rows = models.PositiveIntegerField(default=0, help_text="(case, drug, event) rows stored")
    attribution = models.TextField(blank=True)
    checksum = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="SHA-256 of the imported files"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class SignalRun(TimeStampedModel):
    """One disproportionality analysis: a source at a drug level x event level, per quarter."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        API = "api", "On demand (API)"
        COMMAND = "command", "On demand (command)"
        NIGHTLY = "nightly", "Nightly (beat)"
        DEMO = "demo", "Demo seed"

    source = models.CharField(max_length=10, choices=Source.choices)
    drug_level = models.CharField(
        max_length=12, choices=DrugLevel.choices, default=DrugLevel.INGREDIENT
    )
    event_level = models.CharField(max_length=12, choices=EventLevel.choices, default=EventLevel.PT)
    datasets = models.ManyToManyField(ExternalDataset, blank=True, related_name="runs")
    period_to = models.CharField(
        max_length=7, blank=True, help_text='Last quarter included ("2017Q2"); empty = all'
    )
    periods = models.JSONField(default=list, help_text="Quarters computed (cumulative)")
    latest_period = models.CharField(max_length=7, blank=True)
    trend = models.BooleanField(default=True, help_text="Every quarter, or only the last one")
    strata = models.JSONField(default=list, help_text='Subset of ["sex", "age_group"]')
    yates = models.BooleanField(default=True)
    thresholds = models.JSONField(default=dict, help_text="signals.trends.Thresholds fields")
    hyper_given = models.JSONField(
        null=True, blank=True, help_text="Fixed theta [a1, b1, a2, b2, p]; null = fitted"
    )
    hyperparameters = models.JSONField(
        default=dict, help_text="Per period: theta, -loglik, points, squashed, agreed"
    )
    neg_log_lik = models.FloatField(null=True, blank=True, help_text="-loglik, latest period")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.API)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    timings = models.JSONField(default=dict, help_text="Seconds per step: facts, count, score...")
    n_reports = models.PositiveIntegerField(default=0)
    n_pairs = models.PositiveIntegerField(default=0, help_text="Pairs in the latest period")
    n_results = models.PositiveIntegerField(default=0, help_text="Rows stored, all periods")
    n_new_signals = models.PositiveIntegerField(default=0)
    subgroup = models.JSONField(
        default=dict,
        blank=True,
        help_text='Restrict the analysed reports: {"sex", "age_group", "year", "country"}',
    )
    signal_measure = models.CharField(
        max_length=5,
        default="ebgm",
        help_text="The measure whose criterion raises signal records: prr, ror, ic or ebgm",
    )
    fit_warnings = models.JSONField(
        default=list,
        blank=True,
        help_text="Per period whose MGPS fit failed the quality gate: period, reasons, action",
    )
    interactions = models.BooleanField(
        default=False, help_text="Also screen drug pairs x event with Omega (Norén et al. 2008)"
    )
    interaction_summary = models.JSONField(
        default=dict,
        blank=True,
        help_text="min_n, max_pairs, pairs eligible / screened, triples stored, highlighted",
    )
    # What sponsors see: one published run per source and levels (staff publish; exploratory
    # runs stay private).
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["source", "drug_level", "event_level", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "drug_level", "event_level"],
                condition=models.Q(is_published=True),
                name="signal_run_one_published_per_source_levels",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.drug_level}x{self.event_level} ({self.status})"

    @property
    def is_social(self) -> bool:
        return self.source == Source.SOCIAL

    @property
    def source_label(self) -> str:
        return Source(self.source).label


class SignalFact(models.Model):
    """A report-level (report, drug, event) row the SQL counting groups over.

    FAERS rows belong to their dataset and stay; case and mention rows are a run's snapshot of
    pv's own data (flattened from JSON ingredients and coded terms) and are deleted once the run
    has counted them. Every level is on the row, so one table serves every run type.
    """

    id = models.BigAutoField(primary_key=True)
    run = models.ForeignKey(
        SignalRun, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    dataset = models.ForeignKey(
        ExternalDataset, null=True, blank=True, on_delete=models.CASCADE, related_name="facts"
    )
    report_key = models.CharField(max_length=64)
    period = models.CharField(max_length=7)
    drug_ingredient = models.CharField(max_length=250, blank=True)
    drug_product = models.CharField(max_length=64, blank=True, help_text="pv Product id")
    event_pt = models.CharField(max_length=250, blank=True)
    event_hlt = models.CharField(max_length=250, blank=True)
    event_soc = models.CharField(max_length=250, blank=True)
    sex = models.CharField(max_length=3, blank=True)
    age_group = models.CharField(max_length=8, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2")
    # Report attributes for the priority score where the source carries them on its rows
    # (FAERS: signals.faers); null = not recorded. Case runs read them from the cases instead.
    serious = models.BooleanField(null=True, blank=True, help_text="FAERS OUTC outcome")
    completeness = models.FloatField(
        null=True, blank=True, help_text="vigiGrade completeness of the report (0-1)"
    )
    dechallenge = models.BooleanField(
        null=True, blank=True, help_text="Positive dechallenge of this drug (FAERS dechal Y)"
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["run", "period"]),
            models.Index(fields=["dataset", "period"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(run__isnull=False, dataset__isnull=True)
                | models.Q(run__isnull=True, dataset__isnull=False),
                name="signalfact_run_xor_dataset",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_key}: {self.drug_ingredient or self.drug_product} / {self.event_pt}"


class SignalResult(models.Model):
    """Every measure for one pair on the data up to one period of a run (bulk-created)."""

    id = models.BigAutoField(primary_key=True)
    run = models.ForeignKey(SignalRun, on_delete=models.CASCADE, related_name="results")
    period = models.CharField(max_length=7)
    is_latest = models.BooleanField(default=False, help_text="The run's last period")
    drug_key = models.CharField(max_length=250, help_text="Ingredient name or Product id")
    drug = models.CharField(max_length=250, help_text="Display name")
    event = models.CharField(max_length=250)
    soc = models.CharField(max_length=250, blank=True)
    n = models.PositiveIntegerField()
    n_drug = models.PositiveIntegerField()
    n_event = models.PositiveIntegerField()
    n_total = models.PositiveIntegerField()
    expected = models.FloatField()
    # NaN is stored as NULL; +/-Inf as the float (both databases keep IEEE infinities).
    rr = models.FloatField(null=True)
    prr = models.FloatField(null=True)
    prr_lower95 = models.FloatField(null=True)
    prr_upper95 = models.FloatField(null=True)
    chi2 = models.FloatField(null=True)
    ror = models.FloatField(null=True)
    ror_lower95 = models.FloatField(null=True)
    ror_upper95 = models.FloatField(null=True)
    ic = models.FloatField(null=True)
    ic025 = models.FloatField(null=True)
    ic975 = models.FloatField(null=True)
    ebgm = models.FloatField(null=True)
    eb05 = models.FloatField(null=True)
    eb95 = models.FloatField(null=True)
    qn = models.FloatField(null=True)
    signal_prr = models.BooleanField(default=False)
    signal_ror = models.BooleanField(default=False)
    signal_ic = models.BooleanField(default=False)
    signal_ebgm = models.BooleanField(default=False)
    # Prioritisation (signals.stats.priority), on the run's latest period only: the score
    # before listedness (listedness is read live from the RSI, which reviewers keep between
    # runs), the components and their inputs, and the event's name key for the RSI match.
    priority_base = models.FloatField(null=True, blank=True)
    priority_parts = models.JSONField(null=True, blank=True)
    event_key = models.CharField(max_length=250, blank=True)

    MEASURE_FIELDS = (
        "n", "expected", "rr", "prr", "prr_lower95", "prr_upper95", "chi2", "ror",
        "ror_lower95", "ror_upper95", "ic", "ic025", "ic975", "ebgm", "eb05", "eb95",
    )  # fmt: skip

    class Meta:
        ordering = ["drug", "event"]
        indexes = [
            models.Index(fields=["run", "is_latest", "drug_key"]),
            models.Index(fields=["run", "drug_key", "event", "period"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "period", "drug_key", "event"], name="signalresult_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.drug} / {self.event} @ {self.period}"


class InteractionResult(models.Model):
    """Omega for one (drug pair, event) on a run's last period (drug1 < drug2 by key)."""

    id = models.BigAutoField(primary_key=True)
    run = models.ForeignKey(SignalRun, on_delete=models.CASCADE, related_name="interactions_found")
    period = models.CharField(max_length=7)
    drug1_key = models.CharField(max_length=250)
    drug1 = models.CharField(max_length=250)
    drug2_key = models.CharField(max_length=250)
    drug2 = models.CharField(max_length=250)
    event = models.CharField(max_length=250)
    n111 = models.PositiveIntegerField(help_text="Reports with both drugs and the event")
    n11 = models.PositiveIntegerField(help_text="Reports with both drugs")
    n10 = models.PositiveIntegerField(help_text="Reports with drug 1, not drug 2")
    n01 = models.PositiveIntegerField(help_text="Reports with drug 2, not drug 1")
    n00 = models.PositiveIntegerField(help_text="Reports with neither")
    n101 = models.PositiveIntegerField()
    n011 = models.PositiveIntegerField()
    n001 = models.PositiveIntegerField()
    n_total = models.PositiveIntegerField()
    expected = models.FloatField(null=True, help_text="E111 under the additive risk model")
    omega = models.FloatField(null=True)
    omega025 = models.FloatField(null=True)
    omega975 = models.FloatField(null=True)
    highlighted = models.BooleanField(default=False, help_text="Omega025 > 0 with n111 >= min N")

    class Meta:
        ordering = [models.F("omega025").desc(nulls_last=True), "drug1", "drug2", "event"]
        indexes = [
            models.Index(fields=["run", "drug1_key"]),
            models.Index(fields=["run", "drug2_key"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "drug1_key", "drug2_key", "event"], name="interaction_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.drug1} + {self.drug2} / {self.event}"


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
