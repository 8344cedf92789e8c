"""Signal records and their GVP IX workflow."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from pv.core.api import DefaultPagination
from pv.core.partner_output import PartnerFacingSerializer
from pv.core.permissions import IsReviewer
from signals.apis.common import CanSeeSignals, MeasureField, _is_staff
from signals.models import Signal, Source
from signals.selectors import (
    RECORD_ORDERING,
    pair_figures_by_id,
    product_get_visible,
    signal_get_visible,
    signal_list_visible,
)
from signals.services import signal_transition

FIGURE_FIELDS = (
    "n", "n_drug", "n_event", "n_total", "expected", "prr", "prr_lower95", "prr_upper95",
    "chi2", "ror", "ror_lower95", "ror_upper95", "ic", "ic025", "ic975", "ebgm", "eb05", "eb95",
    "signal_prr", "signal_ror", "signal_ic", "signal_ebgm",
)  # fmt: skip


class TransitionOutput(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    rationale = serializers.CharField()
    created_at = serializers.DateTimeField()
    reviewer = serializers.SerializerMethodField()

    def get_reviewer(self, obj) -> str:
        # Sponsors see that a pv safety reviewer decided, not which member of staff.
        if obj.reviewer is None:
            return "pv (reopened on new data)"
        return obj.reviewer.username if self.context.get("staff") else "pv safety reviewer"


class SignalOutput(PartnerFacingSerializer):
    """A signal record. Sponsors get it through the partner-output path: dictionary terms and
    reviewers' rationale are scrubbed, codes, states and periods are declared safe."""

    partner_safe = frozenset(
        {
            "id",
            "source",
            "source_label",
            "drug_level",
            "event_level",
            "drug_key",
            "first_period",
            "measures",
            "status",
            "status_changed_at",
            "first_run",
            "last_run",
            "allowed_transitions",
            "created_at",
            "listed",
            "reopen_count",
            "reopened_at",
        }
    )

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
    figures = serializers.SerializerMethodField(
        help_text="The pair's stored row in the run the caller sees for this source and levels "
        "(latest succeeded for staff, published for sponsors): the same figures as the results "
        "list, the trend's last quarter and the CSV. `measures` keeps what first raised it."
    )
    listed = serializers.BooleanField(default=False)
    priority = MeasureField()
    priority_parts = serializers.SerializerMethodField()
    reopen_count = serializers.IntegerField()
    reopened_at = serializers.DateTimeField()
    reopen_reason = serializers.DictField()

    def _row(self, obj):
        return self.context.get("figures", {}).get(getattr(obj, "figures_id", None))

    def get_figures(self, obj) -> dict | None:
        row = self._row(obj)
        if row is None:
            return None
        return {
            "run": str(row.run_id),
            "period": row.period,
            **{f: MeasureField().to_representation(getattr(row, f)) for f in FIGURE_FIELDS},
        }

    def get_priority_parts(self, obj) -> dict | None:
        row = self._row(obj)
        return None if row is None else row.priority_parts

    def get_allowed_transitions(self, obj) -> list[str]:
        return list(Signal.TRANSITIONS[obj.status]) if self.context.get("staff") else []


class SignalDetailOutput(SignalOutput):
    partner_safe = SignalOutput.partner_safe | {
        "transitions.from_status",
        "transitions.to_status",
        "transitions.created_at",
    }

    transitions = TransitionOutput(many=True)


class SignalListApi(APIView):
    permission_classes = [CanSeeSignals]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Signal.Status.values, required=False)
        source = serializers.ChoiceField(choices=Source.values, required=False)
        product = serializers.UUIDField(required=False)
        event = serializers.CharField(required=False, max_length=250)
        ordering = serializers.ChoiceField(choices=RECORD_ORDERING, required=False)

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
            ordering=data.get("ordering", ""),
        )
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        figures = pair_figures_by_id([s.figures_id for s in page])
        out = SignalOutput(
            page,
            many=True,
            context={"staff": _is_staff(request), "user": request.user, "figures": figures},
        )
        return paginator.get_paginated_response(out.data)


class SignalDetailApi(APIView):
    permission_classes = [CanSeeSignals]

    @extend_schema(responses=SignalDetailOutput)
    def get(self, request, signal_id):
        signal = signal_get_visible(user=request.user, signal_id=signal_id)
        context = {
            "staff": _is_staff(request),
            "user": request.user,
            "figures": pair_figures_by_id([signal.figures_id]),
        }
        return Response(SignalDetailOutput(signal, context=context).data)


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
        context = {
            "staff": True,
            "user": request.user,
            "figures": pair_figures_by_id([signal.figures_id]),
        }
        return Response(SignalDetailOutput(signal, context=context).data)
