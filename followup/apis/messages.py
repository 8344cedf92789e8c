"""Reviewers: relayed messages, their attempts (GVP VI.B.3) and answers; merge into the case."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from followup.apis.common import paginate
from followup.models import FollowupMessage
from followup.selectors import followup_message_get_for_staff, followup_message_list_for_staff
from followup.services import followup_answer_merge, followup_answer_reject
from pv.apis import CaseDrugSerializer, CaseOutput, CaseReactionSerializer
from pv.core.permissions import IsReviewer


class AttemptOutput(serializers.Serializer):
    number = serializers.IntegerField()
    kind = serializers.CharField()
    outcome = serializers.CharField()
    detail = serializers.CharField()
    created_at = serializers.DateTimeField()


class MessageOutput(serializers.Serializer):
    id = serializers.UUIDField()
    member = serializers.CharField(source="member.public_id")
    case = serializers.UUIDField(source="case_id")
    worldwide_case_id = serializers.CharField()
    status = serializers.CharField()
    questions = serializers.ListField(child=serializers.DictField())
    requests = serializers.SerializerMethodField()
    attempts = serializers.IntegerField()
    tries = AttemptOutput(many=True)
    first_sent_at = serializers.DateTimeField(allow_null=True)
    last_sent_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    responded_at = serializers.DateTimeField(allow_null=True)
    response_channel = serializers.CharField()
    consent_at = serializers.DateTimeField(allow_null=True)
    consent_text = serializers.CharField()
    answers = serializers.DictField(child=serializers.CharField())
    review_status = serializers.CharField()
    review_note = serializers.CharField()
    merged_case = serializers.UUIDField(source="merged_case_id", allow_null=True)

    def get_requests(self, message) -> list[dict]:
        return [
            {"id": str(r.id), "partner": r.partner.name, "status": r.status}
            for r in message.requests.all()
        ]


class FollowupMessageListApi(APIView):
    permission_classes = [IsReviewer]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=FollowupMessage.Status.values, required=False)
        review = serializers.ChoiceField(choices=["pending", "merged", "rejected"], required=False)

    @extend_schema(parameters=[FilterSerializer], responses=MessageOutput(many=True))
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = followup_message_list_for_staff()
        if "status" in filters.validated_data:
            qs = qs.filter(status=filters.validated_data["status"])
        if "review" in filters.validated_data:
            qs = qs.filter(review_status=filters.validated_data["review"])
        return paginate(self, request, qs, MessageOutput)


class FollowupMessageDetailApi(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(responses=MessageOutput)
    def get(self, request, message_id):
        return Response(MessageOutput(followup_message_get_for_staff(message_id=message_id)).data)


class FollowupMessageMergeApi(APIView):
    """Accept answers (optionally reworded) and structured changes: a new follow-up version."""

    permission_classes = [IsReviewer]

    class InputSerializer(serializers.Serializer):
        accepted = serializers.ListField(
            child=serializers.CharField(max_length=40), required=False, default=list
        )
        edited = serializers.DictField(
            child=serializers.CharField(max_length=4000, allow_blank=True),
            required=False,
            default=dict,
        )
        reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        narrative = serializers.CharField(max_length=100_000, required=False, allow_blank=True)
        patient_weight_kg = serializers.DecimalField(
            max_digits=5, decimal_places=1, required=False, min_value=0, max_value=700
        )
        medical_history = serializers.ListField(
            child=serializers.CharField(max_length=250), required=False
        )
        death = serializers.BooleanField(required=False)
        life_threatening = serializers.BooleanField(required=False)
        hospitalisation = serializers.BooleanField(required=False)
        disability = serializers.BooleanField(required=False)
        congenital_anomaly = serializers.BooleanField(required=False)
        other_medically_important = serializers.BooleanField(required=False)
        drugs = CaseDrugSerializer(many=True, required=False)
        reactions = CaseReactionSerializer(many=True, required=False)

    @extend_schema(request=InputSerializer, responses={201: CaseOutput})
    def post(self, request, message_id):
        message = followup_message_get_for_staff(message_id=message_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        case = followup_answer_merge(
            actor=request.user,
            message=message,
            accepted=fields.pop("accepted"),
            edited=fields.pop("edited"),
            reason=fields.pop("reason", ""),
            note=fields.pop("note", ""),
            drugs=fields.pop("drugs", None),
            reactions=fields.pop("reactions", None),
            changes=fields,
        )
        return Response(
            CaseOutput(case, context={"user": request.user}).data, status=status.HTTP_201_CREATED
        )


class FollowupMessageRejectApi(APIView):
    permission_classes = [IsReviewer]

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses=MessageOutput)
    def post(self, request, message_id):
        message = followup_message_get_for_staff(message_id=message_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        followup_answer_reject(
            actor=request.user, message=message, note=data.validated_data.get("note", "")
        )
        return Response(MessageOutput(followup_message_get_for_staff(message_id=message.id)).data)
