"""Signal runs (start, list, detail), a pair's trend, and imported background datasets."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from pv.core.api import DefaultPagination
from pv.core.partner_output import PartnerFacingSerializer
from pv.core.permissions import IsReviewer
from signals.apis.common import CanSeeSignals, MeasureField, _is_staff
from signals.apis.results import ResultOutput
from signals.models import DrugLevel, EventLevel, SignalRun, Source
from signals.selectors import (
    external_dataset_list,
    signal_run_get_visible,
    signal_run_list_visible,
    signal_trend,
)
from signals.services import signal_run_create, signal_run_publish, signal_run_unpublish


class RunOutput(PartnerFacingSerializer):
    """A signal run's settings and counts; its error text and dataset names are scrubbed for
    sponsors like any other string not declared safe."""

    partner_safe = frozenset(
        {
            "id",
            "source",
            "source_label",
            "drug_level",
            "event_level",
            "status",
            "trigger",
            "periods",
            "latest_period",
            "period_to",
            "strata",
            "thresholds",
            "hyperparameters",
            "timings",
            "datasets.id",
            "created_at",
            "started_at",
            "finished_at",
            "interactions",
        }
    )

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
    signal_measure = serializers.CharField()
    subgroup = serializers.DictField()
    fit_warnings = serializers.ListField(child=serializers.DictField())
    fit_ok = serializers.SerializerMethodField(
        help_text="False when a period's MGPS fit failed the quality gate (see fit_warnings)"
    )
    is_published = serializers.BooleanField()
    published_at = serializers.DateTimeField()
    interactions = serializers.BooleanField()
    interaction_summary = serializers.DictField()

    def get_fit_ok(self, run) -> bool:
        return not run.fit_warnings

    def get_datasets(self, run) -> list[dict]:
        return [{"id": str(d.id), "name": d.name} for d in run.datasets.all()]


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
        signal_measure = serializers.ChoiceField(
            choices=["prr", "ror", "ic", "ebgm"], default="ebgm"
        )
        subgroup = serializers.DictField(
            child=serializers.CharField(),
            required=False,
            help_text='Restrict to {"sex": "F", "age_group": "45-64", "year": "2025", '
            '"country": "US"} (any of them)',
        )
        interactions = serializers.BooleanField(
            default=False, help_text="Also screen drug pairs x event with Omega (last period)"
        )

    @extend_schema(responses=RunOutput(many=True))
    def get(self, request):
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(
            signal_run_list_visible(user=request.user), request, view=self
        )
        data = RunOutput(page, many=True, context={"user": request.user}).data
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
            signal_measure=values["signal_measure"],
            subgroup=values.get("subgroup"),
            interactions=values["interactions"],
            requested_by=request.user,
            trigger=SignalRun.Trigger.API,
        )
        run.refresh_from_db()  # eager mode (demo, tests) has already run it
        return Response(
            RunOutput(run, context={"user": request.user}).data, status=status.HTTP_202_ACCEPTED
        )


class SignalRunDetailApi(APIView):
    permission_classes = [CanSeeSignals]

    @extend_schema(responses=RunOutput)
    def get(self, request, run_id):
        run = signal_run_get_visible(user=request.user, run_id=run_id)
        data = RunOutput(run, context={"user": request.user}).data
        if not _is_staff(request):
            data["error"] = ""
        return Response(data)


class SignalRunPublishApi(APIView):
    """Staff publish a run: sponsors then see it (and no longer the run it replaces) for its
    source and levels. DELETE takes it back to private."""

    permission_classes = [IsReviewer]

    @extend_schema(request=None, responses=RunOutput)
    def post(self, request, run_id):
        run = signal_run_get_visible(user=request.user, run_id=run_id)
        return Response(RunOutput(signal_run_publish(run=run, actor=request.user)).data)

    @extend_schema(responses=RunOutput)
    def delete(self, request, run_id):
        run = signal_run_get_visible(user=request.user, run_id=run_id)
        return Response(RunOutput(signal_run_unpublish(run=run, actor=request.user)).data)


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
                "results": ResultOutput(qs, many=True, context={"user": request.user}).data,
            }
        )


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
