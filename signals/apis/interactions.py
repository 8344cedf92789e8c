"""Drug-drug interaction screening results of a run (Omega, Norén et al. 2008)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from pv.core.api import DefaultPagination
from pv.core.partner_output import PartnerFacingSerializer
from signals.apis.common import CanSeeSignals, MeasureField
from signals.selectors import interaction_list, signal_run_get_visible


class InteractionOutput(PartnerFacingSerializer):
    """One (drug pair, event): the eight report counts, E111 and Omega with its interval."""

    partner_safe = frozenset({"period", "drug1_key", "drug2_key"})

    period = serializers.CharField()
    drug1_key = serializers.CharField()
    drug1 = serializers.CharField()
    drug2_key = serializers.CharField()
    drug2 = serializers.CharField()
    event = serializers.CharField()
    n111 = serializers.IntegerField(help_text="Reports with both drugs and the event")
    n11 = serializers.IntegerField(help_text="Reports with both drugs")
    n10 = serializers.IntegerField()
    n01 = serializers.IntegerField()
    n00 = serializers.IntegerField()
    n101 = serializers.IntegerField()
    n011 = serializers.IntegerField()
    n001 = serializers.IntegerField()
    n_total = serializers.IntegerField()
    expected = MeasureField(help_text="E111 under the additive risk model")
    omega = MeasureField()
    omega025 = MeasureField()
    omega975 = MeasureField()
    highlighted = serializers.BooleanField(help_text="Omega025 > 0")


class SignalInteractionListApi(APIView):
    """The run's interaction triples by Omega025 (highest first), filtered and paginated."""

    permission_classes = [CanSeeSignals]

    class FilterSerializer(serializers.Serializer):
        drug = serializers.CharField(required=False, max_length=250, help_text="either drug")
        event = serializers.CharField(required=False, max_length=250)
        highlighted = serializers.BooleanField(required=False, default=False)

    @extend_schema(parameters=[FilterSerializer], responses=InteractionOutput(many=True))
    def get(self, request, run_id):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        run = signal_run_get_visible(user=request.user, run_id=run_id)
        qs = interaction_list(
            user=request.user,
            run=run,
            drug=params.validated_data.get("drug", ""),
            event=params.validated_data.get("event", ""),
            highlighted=params.validated_data["highlighted"],
        )
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        response = paginator.get_paginated_response(
            InteractionOutput(page, many=True, context={"user": request.user}).data
        )
        response.data["run"] = {
            "id": str(run.id),
            "interactions": run.interactions,
            "summary": run.interaction_summary,
        }
        return response
