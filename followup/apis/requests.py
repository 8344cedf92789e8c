"""Follow-up requests: partners open and follow them; reviewers edit, approve, decline."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from followup.apis.common import member_label, paginate
from followup.catalogue import CATALOGUE, CATALOGUE_KEYS, FREE
from followup.models import FollowupRequest
from followup.selectors import followup_request_get_visible, followup_request_list_visible_to
from followup.services import (
    followup_request_approve,
    followup_request_create,
    followup_request_decline,
    followup_request_edit,
)
from followup.throttles import FollowupCreateThrottle
from pv.core.partner_output import PartnerFacingSerializer
from pv.core.permissions import IsPartner, IsReviewer, IsStaffOrPartner
from pv.selectors import case_get_visible

R = FollowupRequest.Status
# The statuses a partner may see and filter on (issue 6): nothing finer.
PARTNER_STATUSES = [
    R.PENDING_APPROVAL,
    R.SENT,
    R.REMINDED,
    R.ANSWERED,
    R.DECLINED,
    R.EXPIRED,
    R.NOT_CONTACTABLE,
]


class QuestionsInput(serializers.Serializer):
    questions = serializers.ListField(
        child=serializers.ChoiceField(choices=CATALOGUE_KEYS), required=False, max_length=20
    )
    free_text_questions = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, max_length=5
    )
    wanted_by = serializers.DateField(required=False)

    def validate_wanted_by(self, value):
        if value > timezone.now().date() + timedelta(days=366):
            raise serializers.ValidationError("At most a year ahead.")
        return value


class QuestionOutput(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.SerializerMethodField()

    def get_text(self, question) -> str:
        if question["key"] == FREE:
            return question["text"]
        return CATALOGUE[question["key"]]["text"]


class RequestOutput(PartnerFacingSerializer):
    """Partners get their own request, the case they asked about, their pseudonym for the
    member and a status; reviewers also see who asked, the internal ids and the decision.
    Partners get it through the partner-output path: their own questions' wording is
    scrubbed like any other text."""

    partner_safe = frozenset(
        {
            "id",
            "case",
            "worldwide_case_id",
            "member",
            "questions.key",
            "wanted_by",
            "status",
            "status_changed_at",
            "created_at",
        }
    )

    def partner_member(self, request):
        return request.member

    id = serializers.UUIDField()
    case = serializers.UUIDField(source="case_id")
    worldwide_case_id = serializers.CharField()
    member = serializers.SerializerMethodField()
    questions = QuestionOutput(many=True)
    wanted_by = serializers.DateField()
    status = serializers.SerializerMethodField()
    status_changed_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()

    def get_member(self, request) -> str | None:
        return member_label(user=self.context["user"], member=request.member)

    def get_status(self, request) -> str:
        if self.context["user"].is_partner:
            return request.partner_status
        return request.status

    def to_representation(self, request):
        data = super().to_representation(request)
        if not self.context["user"].is_partner:
            data.update(
                partner=request.partner.name,
                partner_kind=request.partner.kind,
                message=str(request.message_id) if request.message_id else None,
                decision=request.decision,
                reviewed_at=request.reviewed_at,
                review_note=request.review_note,
            )
        return data


class FollowupRequestListCreateApi(APIView):
    permission_classes = [IsStaffOrPartner]

    class InputSerializer(QuestionsInput):
        case = serializers.UUIDField()
        wanted_by = serializers.DateField()

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=R.values, required=False)
        case = serializers.UUIDField(required=False)

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsPartner()]
        return super().get_permissions()

    def get_throttles(self):
        # Only opening requests is limited; every attempt counts, found or not, so probing
        # for case ids burns the same budget.
        if self.request.method == "POST":
            return [FollowupCreateThrottle()]
        return []

    @extend_schema(parameters=[FilterSerializer], responses=RequestOutput(many=True))
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = followup_request_list_visible_to(user=request.user)
        wanted = filters.validated_data.get("status")
        if wanted:
            if request.user.is_partner and wanted == R.PENDING_APPROVAL:
                qs = qs.filter(status__in=[R.PENDING_APPROVAL, R.APPROVED])
            elif request.user.is_partner and wanted not in PARTNER_STATUSES:
                qs = qs.none()
            else:
                qs = qs.filter(status=wanted)
        if "case" in filters.validated_data:
            qs = qs.filter(case_id=filters.validated_data["case"])
        return paginate(self, request, qs, RequestOutput, {"user": request.user})

    @extend_schema(request=InputSerializer, responses={201: RequestOutput})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        case = case_get_visible(user=request.user, case_id=fields["case"])
        created = followup_request_create(
            actor=request.user,
            case=case,
            questions=fields.get("questions", []),
            free_text_questions=fields.get("free_text_questions", []),
            wanted_by=fields["wanted_by"],
        )
        created = followup_request_get_visible(user=request.user, request_id=created.id)
        return Response(
            RequestOutput(created, context={"user": request.user}).data,
            status=status.HTTP_201_CREATED,
        )


class FollowupRequestDetailApi(APIView):
    permission_classes = [IsStaffOrPartner]

    @extend_schema(responses=RequestOutput)
    def get(self, request, request_id):
        found = followup_request_get_visible(user=request.user, request_id=request_id)
        return Response(RequestOutput(found, context={"user": request.user}).data)

    @extend_schema(request=QuestionsInput, responses=RequestOutput)
    def patch(self, request, request_id):
        """A reviewer edits a pending request (questions, wording, wanted-by date)."""
        if not IsReviewer().has_permission(request, self):
            self.permission_denied(request)
        found = followup_request_get_visible(user=request.user, request_id=request_id)
        data = QuestionsInput(data=request.data)
        data.is_valid(raise_exception=True)
        edited = followup_request_edit(actor=request.user, request=found, **data.validated_data)
        edited = followup_request_get_visible(user=request.user, request_id=edited.id)
        return Response(RequestOutput(edited, context={"user": request.user}).data)


class FollowupRequestApproveApi(APIView):
    permission_classes = [IsReviewer]

    class InputSerializer(QuestionsInput):
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses=RequestOutput)
    def post(self, request, request_id):
        found = followup_request_get_visible(user=request.user, request_id=request_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approved = followup_request_approve(
            actor=request.user, request=found, **data.validated_data
        )
        approved = followup_request_get_visible(user=request.user, request_id=approved.id)
        return Response(RequestOutput(approved, context={"user": request.user}).data)


class FollowupRequestDeclineApi(APIView):
    permission_classes = [IsReviewer]

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses=RequestOutput)
    def post(self, request, request_id):
        found = followup_request_get_visible(user=request.user, request_id=request_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        declined = followup_request_decline(
            actor=request.user, request=found, note=data.validated_data.get("note", "")
        )
        return Response(RequestOutput(declined, context={"user": request.user}).data)


class FollowupQuestionCatalogueApi(APIView):
    """The catalogue partners choose from."""

    permission_classes = [IsStaffOrPartner]

    class OutputSerializer(PartnerFacingSerializer):
        partner_safe = frozenset({"key"})

        key = serializers.CharField()
        title = serializers.CharField(source="label")
        text = serializers.CharField()

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request):
        rows = [{"key": k, **v} for k, v in CATALOGUE.items()]
        return Response(self.OutputSerializer(rows, many=True, context={"user": request.user}).data)
