"""Signal records and their GVP IX workflow."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from pv.core.api import DefaultPagination
from pv.core.partner_output import PartnerFacingSerializer
from pv.core.permissions import IsReviewer
from signals.apis.common import CanSeeSignals, _is_staff
from signals.models import Signal, Source
from signals.selectors import (
    product_get_visible,
    signal_get_visible,
    signal_list_visible,
)
from signals.services import signal_transition


class TransitionOutput(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    rationale = serializers.CharField()
    created_at = serializers.DateTimeField()
    reviewer = serializers.SerializerMethodField()

    def get_reviewer(self, obj) -> str:
        # Sponsors see that a pv safety reviewer decided, not which member of staff.
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
        out = SignalOutput(
            page, many=True, context={"staff": _is_staff(request), "user": request.user}
        )
        return paginator.get_paginated_response(out.data)


class SignalDetailApi(APIView):
    permission_classes = [CanSeeSignals]

    @extend_schema(responses=SignalDetailOutput)
    def get(self, request, signal_id):
        signal = signal_get_visible(user=request.user, signal_id=signal_id)
        return Response(
            SignalDetailOutput(
                signal, context={"staff": _is_staff(request), "user": request.user}
            ).data
        )


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
        return Response(
            SignalDetailOutput(signal, context={"staff": True, "user": request.user}).data
        )
