"""Per-pair results: filtered, paginated, and exported as CSV at full precision."""

from __future__ import annotations

import csv
import math

from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from pv.core.api import DefaultPagination
from pv.core.partner_output import PartnerFacingSerializer, lazy_partner_scrubber
from pv.services.privacy import partner_output
from signals.apis.common import CanSeeSignals, MeasureField, _is_staff
from signals.models import DrugLevel, EventLevel, SignalResult, Source
from signals.selectors import (
    product_get_visible,
    signal_result_list,
    signal_run_pick,
)
from signals.stats.columns import OUTPUT_COLUMNS

# The CLI's measure columns (signals.stats.columns, from "expected" on), with the counts and
# the signal flags around them.
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
    *OUTPUT_COLUMNS[OUTPUT_COLUMNS.index("expected"):],
    "qn",
    "signal_prr",
    "signal_ror",
    "signal_ic",
    "signal_ebgm",
    "priority",
    "listed",
]


class ResultOutput(PartnerFacingSerializer):
    """Per-pair measures. Dictionary terms go through the partner-output path for sponsors."""

    partner_safe = frozenset({"period", "drug_key"})

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
    priority = MeasureField(help_text="0-10, halved when listed; null outside the latest quarter")
    listed = serializers.BooleanField(help_text="Known: the RSI lists the event for the drug")
    priority_parts = serializers.JSONField(
        help_text="components (0-1, null = not available for the source) and their inputs"
    )


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


class SignalResultListApi(APIView):
    """Per-pair measures of one run and period, scoped, filtered, ordered and paginated."""

    permission_classes = [CanSeeSignals]

    @extend_schema(parameters=[ResultFilter], responses=ResultOutput(many=True))
    def get(self, request):
        run, qs = _results_query(request)
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        response = paginator.get_paginated_response(
            ResultOutput(page, many=True, context={"user": request.user}).data
        )
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


# CSV columns a partner receives as stored: ids, codes, periods (numbers are not strings).
CSV_SAFE = frozenset({"run", "source", "source_label", "period", "drug_key"})


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
        # Partners get every row through the partner-output path, as the list does.
        staff = _is_staff(request)
        scrub = lazy_partner_scrubber(member=None, actor=request.user)

        def rows():
            yield writer.writerow(header)
            for values in qs.values_list(*RESULT_FIELDS).iterator(chunk_size=2000):
                row = dict(zip(header, prefix + list(values), strict=True))
                if not staff:
                    row = partner_output(row, safe=CSV_SAFE, scrub=scrub)
                yield writer.writerow([_csv_value(v) for v in row.values()])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        name = f"signals-{run.source}-{run.drug_level}-{run.event_level}-{run.latest_period}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
