"""Signals API: runs, per-pair results (filter, paginate, CSV), trends, signal records and
their GVP IX workflow. Sponsors see their own products only; reviewers everything."""

from __future__ import annotations

import csv
import math

from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from pv.core.api import DefaultPagination
from pv.core.permissions import IsReviewer
from pv.models import User
from signals.models import DrugLevel, EventLevel, Signal, SignalResult, SignalRun, Source
from signals.selectors import (
    STAFF,
    external_dataset_list,
    product_get_visible,
    signal_get_visible,
    signal_list_visible,
    signal_result_list,
    signal_run_get_visible,
    signal_run_list_visible,
    signal_run_pick,
    signal_trend,
)
from signals.services import signal_run_create, signal_transition


class CanSeeSignals(BasePermission):
    """Safety reviewers and admins (everything) and sponsors (their own products). Regulators
    get signals through pv's signal communication, not this API; members never."""

    roles = (User.Role.REVIEWER, User.Role.ADMIN, User.Role.SPONSOR)

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "role", None) in self.roles)


@extend_schema_field(
    {"oneOf": [{"type": "number"}, {"type": "string", "enum": ["Inf", "-Inf"]}], "nullable": True}
)
class MeasureField(serializers.Field):
    """A float that may be infinite or NaN: JSON numbers, "Inf"/"-Inf", NaN as null."""

    def to_representation(self, value):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if math.isinf(value):
            return "Inf" if value > 0 else "-Inf"
        return value


def _is_staff(request) -> bool:
    return request.user.role in STAFF


class RunOutput(serializers.Serializer):
    id = serializers.UUIDField()
    source = serializers.CharField()
    source_label = serializers.CharField()
    drug_level = serializers.CharField()
    event_level = serializers.CharField()
    status = serializers.CharField()
    trigger = serializers.CharField()
    periods = serializers.ListField(child=serializers.CharField())
    latest_period = serializers.CharField()
    period_to = serializers.CharField()
    strata = serializers.ListField(child=serializers.CharField())
    yates = serializers.BooleanField()
    thresholds = serializers.DictField()
    hyper_given = serializers.ListField(child=serializers.FloatField(), allow_null=True)
    hyperparameters = serializers.DictField()
    neg_log_lik = MeasureField()
    datasets = serializers.SerializerMethodField()
    n_reports = serializers.IntegerField()
    n_pairs = serializers.IntegerField()
    n_results = serializers.IntegerField()
    n_new_signals = serializers.IntegerField()
    timings = serializers.DictField()
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()

    def get_datasets(self, run) -> list[dict]:
        return [{"id": str(d.id), "name": d.name} for d in run.datasets.all()]


RESULT_FIELDS = [
    "period",
    "drug_key",
    "drug",
    "event",
    "soc",
    "n",
    "n_drug",
    "n_event",
    "n_total",
    "expected",
    "rr",
    "prr",
    "prr_lower95",
    "prr_upper95",
    "chi2",
    "ror",
    "ror_lower95",
    "ror_upper95",
    "ic",
    "ic025",
    "ic975",
    "ebgm",
    "eb05",
    "eb95",
    "qn",
    "signal_prr",
    "signal_ror",
    "signal_ic",
    "signal_ebgm",
]


class ResultOutput(serializers.Serializer):
    period = serializers.CharField()
    drug_key = serializers.CharField()
    drug = serializers.CharField()
    event = serializers.CharField()
    soc = serializers.CharField()
    n = serializers.IntegerField()
    n_drug = serializers.IntegerField()
    n_event = serializers.IntegerField()
    n_total = serializers.IntegerField()
    expected = MeasureField()
    rr = MeasureField()
    prr = MeasureField()
    prr_lower95 = MeasureField()
    prr_upper95 = MeasureField()
    chi2 = MeasureField()
    ror = MeasureField()
    ror_lower95 = MeasureField()
    ror_upper95 = MeasureField()
    ic = MeasureField()
    ic025 = MeasureField()
    ic975 = MeasureField()
    ebgm = MeasureField()
    eb05 = MeasureField()
    eb95 = MeasureField()
    qn = MeasureField()
    signal_prr = serializers.BooleanField()
    signal_ror = serializers.BooleanField()
    signal_ic = serializers.BooleanField()
    signal_ebgm = serializers.BooleanField()


class ResultFilter(serializers.Serializer):
    run = serializers.UUIDField(required=False)
    source = serializers.ChoiceField(choices=Source.values, default=Source.CASES)
    drug_level = serializers.ChoiceField(choices=DrugLevel.values, required=False)
    event_level = serializers.ChoiceField(choices=EventLevel.values, required=False)
    product = serializers.UUIDField(required=False)
    drug = serializers.CharField(required=False, max_length=250)
    event = serializers.CharField(required=False, max_length=250)
    soc = serializers.CharField(required=False, max_length=250)
    measure = serializers.ChoiceField(choices=SignalResult.MEASURE_FIELDS, required=False)
    threshold = serializers.FloatField(required=False)
    signal = serializers.ChoiceField(choices=["prr", "ror", "ic", "ebgm", "any"], required=False)
    period = serializers.RegexField(r"^\d{4}Q[1-4]$", required=False)
    ordering = serializers.CharField(required=False, max_length=40)


def _results_query(request):
    """(run, queryset) for the result filters: 2-3 queries whatever the page size."""
    params = ResultFilter(data=request.query_params)
    params.is_valid(raise_exception=True)
    data = params.validated_data
    run = signal_run_pick(
        user=request.user,
        run_id=data.get("run"),
        source=data["source"],
        drug_level=data.get("drug_level", ""),
        event_level=data.get("event_level", ""),
    )
    product = None
    if data.get("product"):
        product = product_get_visible(user=request.user, product_id=data["product"])
    qs = signal_result_list(
        user=request.user,
        run=run,
        product=product,
        drug=data.get("drug", ""),
        event=data.get("event", ""),
        soc=data.get("soc", ""),
        measure=data.get("measure", ""),
        threshold=data.get("threshold"),
        signal=data.get("signal", ""),
        period=data.get("period", ""),
        ordering=data.get("ordering", ""),
    )
    return run, qs


class SignalRunListApi(APIView):
    permission_classes = [CanSeeSignals]

    class InputSerializer(serializers.Serializer):
        source = serializers.ChoiceField(choices=Source.values)
        drug_level = serializers.ChoiceField(choices=DrugLevel.values, default="ingredient")
        event_level = serializers.ChoiceField(choices=EventLevel.values, default="pt")
        datasets = serializers.ListField(child=serializers.UUIDField(), required=False)
        period_to = serializers.RegexField(r"^\d{4}Q[1-4]$", required=False, default="")
        trend = serializers.BooleanField(default=True)
        strata = serializers.ListField(
            child=serializers.ChoiceField(choices=["sex", "age_group"]), required=False
        )
        yates = serializers.BooleanField(default=True)
        thresholds = serializers.DictField(child=serializers.FloatField(), required=False)
        hyper = serializers.ListField(
            child=serializers.FloatField(), min_length=5, max_length=5, required=False
        )

    @extend_schema(responses=RunOutput(many=True))
    def get(self, request):
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(
            signal_run_list_visible(user=request.user), request, view=self
        )
        data = RunOutput(page, many=True).data
        if not _is_staff(request):
            for row in data:
                row["error"] = ""
        return paginator.get_paginated_response(data)

    @extend_schema(request=InputSerializer, responses={202: RunOutput})
    def post(self, request):
        if not _is_staff(request):
            self.permission_denied(request, message="Only safety reviewers start runs.")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        run = signal_run_create(
            source=values["source"],
            drug_level=values["drug_level"],
            event_level=values["event_level"],
            dataset_ids=values.get("datasets", ()),
            period_to=values["period_to"],
            trend=values["trend"],
            strata=values.get("strata", ()),
            yates=values["yates"],
            thresholds=values.get("thresholds"),
            hyper=values.get("hyper"),
            requested_by=request.user,
            trigger=SignalRun.Trigger.API,
        )
        run.refresh_from_db()  # eager mode (demo, tests) has already run it
        return Response(RunOutput(run).data, status=status.HTTP_202_ACCEPTED)


class SignalRunDetailApi(APIView):
    permission_classes = [CanSeeSignals]

    @extend_schema(responses=RunOutput)
    def get(self, request, run_id):
        run = signal_run_get_visible(user=request.user, run_id=run_id)
        data = RunOutput(run).data
        if not _is_staff(request):
            data["error"] = ""
        return Response(data)


class SignalResultListApi(APIView):
    """Per-pair measures of one run and period, scoped, filtered, ordered and paginated."""

    permission_classes = [CanSeeSignals]

    @extend_schema(parameters=[ResultFilter], responses=ResultOutput(many=True))
    def get(self, request):
        run, qs = _results_query(request)
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        response = paginator.get_paginated_response(ResultOutput(page, many=True).data)
        response.data["run"] = {
            "id": str(run.id),
            "source": run.source,
            "source_label": run.source_label,
            "drug_level": run.drug_level,
            "event_level": run.event_level,
            "period": request.query_params.get("period") or run.latest_period,
            "thresholds": run.thresholds,
        }
        return response


class _Echo:
    def write(self, value):
        return value


def _csv_value(value) -> str:
    if value is None:
        return "NaN"  # NULL measures are NaN (zero cells), as the core's CSV writes them
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isinf(value):
            return "Inf" if value > 0 else "-Inf"
        return repr(value)
    return str(value)


class SignalResultExportApi(APIView):
    """The same filters as the list, every matching row, as CSV (streamed in chunks)."""

    permission_classes = [CanSeeSignals]

    @extend_schema(parameters=[ResultFilter], responses={(200, "text/csv"): str})
    def get(self, request):
        run, qs = _results_query(request)
        header = ["run", "source", "source_label", *RESULT_FIELDS]
        prefix = [str(run.id), run.source, run.source_label]
        writer = csv.writer(_Echo())

        def rows():
            yield writer.writerow(header)
            for values in qs.values_list(*RESULT_FIELDS).iterator(chunk_size=2000):
                yield writer.writerow(prefix + [_csv_value(v) for v in values])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        name = f"signals-{run.source}-{run.drug_level}-{run.event_level}-{run.latest_period}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class SignalTrendApi(APIView):
    """One pair's measures quarter by quarter (cumulative), for the trend chart."""

    permission_classes = [CanSeeSignals]

    class FilterSerializer(serializers.Serializer):
        drug = serializers.CharField(max_length=250, help_text="drug_key of the results")
        event = serializers.CharField(max_length=250)

    @extend_schema(parameters=[FilterSerializer], responses=ResultOutput(many=True))
    def get(self, request, run_id):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        run = signal_run_get_visible(user=request.user, run_id=run_id)
        qs = signal_trend(
            user=request.user,
            run=run,
            drug_key=params.validated_data["drug"],
            event=params.validated_data["event"],
        )
        return Response(
            {
                "run": str(run.id),
                "source": run.source,
                "source_label": run.source_label,
                "results": ResultOutput(qs, many=True).data,
            }
        )


class TransitionOutput(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    rationale = serializers.CharField()
    created_at = serializers.DateTimeField()
    reviewer = serializers.SerializerMethodField()

    def get_reviewer(self, obj) -> str:
        # Sponsors see that a pv safety reviewer decided, not which member of staff.
        return obj.reviewer.username if self.context.get("staff") else "pv safety reviewer"


class SignalOutput(serializers.Serializer):
    id = serializers.UUIDField()
    source = serializers.CharField()
    source_label = serializers.CharField(source="get_source_display")
    drug_level = serializers.CharField()
    event_level = serializers.CharField()
    drug_key = serializers.CharField()
    drug = serializers.CharField()
    event = serializers.CharField()
    soc = serializers.CharField()
    first_period = serializers.CharField()
    measures = serializers.DictField()
    status = serializers.CharField()
    status_changed_at = serializers.DateTimeField()
    first_run = serializers.UUIDField(source="first_run_id")
    last_run = serializers.UUIDField(source="last_run_id")
    allowed_transitions = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_allowed_transitions(self, obj) -> list[str]:
        return list(Signal.TRANSITIONS[obj.status]) if self.context.get("staff") else []


class SignalDetailOutput(SignalOutput):
    transitions = TransitionOutput(many=True)


class SignalListApi(APIView):
    permission_classes = [CanSeeSignals]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Signal.Status.values, required=False)
        source = serializers.ChoiceField(choices=Source.values, required=False)
        product = serializers.UUIDField(required=False)
        event = serializers.CharField(required=False, max_length=250)

    @extend_schema(parameters=[FilterSerializer], responses=SignalOutput(many=True))
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        product = None
        if data.get("product"):
            product = product_get_visible(user=request.user, product_id=data["product"])
        qs = signal_list_visible(
            user=request.user,
            status=data.get("status", ""),
            source=data.get("source", ""),
            product=product,
            event=data.get("event", ""),
        )
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        out = SignalOutput(page, many=True, context={"staff": _is_staff(request)})
        return paginator.get_paginated_response(out.data)


class SignalDetailApi(APIView):
    permission_classes = [CanSeeSignals]

    @extend_schema(responses=SignalDetailOutput)
    def get(self, request, signal_id):
        signal = signal_get_visible(user=request.user, signal_id=signal_id)
        return Response(SignalDetailOutput(signal, context={"staff": _is_staff(request)}).data)


class SignalTransitionApi(APIView):
    """Move a signal one step along the workflow, with the rationale (reviewers only)."""

    permission_classes = [IsReviewer]

    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=Signal.Status.values)
        rationale = serializers.CharField(max_length=10_000)

    @extend_schema(request=InputSerializer, responses=SignalDetailOutput)
    def post(self, request, signal_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signal_transition(
            signal_id=signal_id,
            reviewer=request.user,
            to_status=data.validated_data["to"],
            rationale=data.validated_data["rationale"],
        )
        signal = signal_get_visible(user=request.user, signal_id=signal_id)
        return Response(SignalDetailOutput(signal, context={"staff": True}).data)


class ExternalDatasetListApi(APIView):
    permission_classes = [IsReviewer]

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        kind = serializers.CharField()
        name = serializers.CharField()
        sources = serializers.ListField(child=serializers.CharField())
        quarters = serializers.ListField(child=serializers.CharField())
        roles = serializers.ListField(child=serializers.CharField())
        reports = serializers.IntegerField()
        rows = serializers.IntegerField()
        attribution = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request):
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(external_dataset_list(), request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)
