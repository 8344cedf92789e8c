"""Submissions API: partners pull their ICSRs and post ACKs; reviewers watch clocks and previews."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import APIView

from pv.core.api import DefaultPagination
from pv.core.partner_output import PartnerFacingSerializer, context_user
from pv.core.permissions import IsPartner, IsReviewer, IsStaffOrPartner
from pv.selectors import case_get_visible
from submissions.e2b.safexml import MAX_BYTES
from submissions.models import Submission
from submissions.selectors import (
    ack_refusal_list,
    submission_get_visible,
    submission_list_due,
    submission_list_overdue,
    submission_list_pending_pull,
    submission_list_rejected_open,
    submission_list_visible_to,
)
from submissions.services import case_e2b_preview, submission_ack_receive, submission_download


class XMLBodyParser(BaseParser):
    """Raw XML bodies (ACKs): bytes go to the safe E2B parser, never to a generic one."""

    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read(MAX_BYTES + 1)


class TextXMLBodyParser(XMLBodyParser):
    media_type = "text/xml"


class SubmissionOutput(PartnerFacingSerializer):
    """A submission's state. Partners get the receiver's texts and errors scrubbed (they may
    quote the case); ids, dates and states are declared safe."""

    partner_safe = frozenset(
        {
            "id",
            "case_id",
            "worldwide_case_id",
            "kind",
            "status",
            "profile",
            "clock_start",
            "due_date",
            "message_id",
            "batch_number",
            "sent_at",
            "acked_at",
            "ack_result",
        }
    )

    id = serializers.UUIDField()
    case_id = serializers.UUIDField()
    worldwide_case_id = serializers.CharField(source="case.worldwide_case_id")
    case_version = serializers.IntegerField(source="case.version")
    recipient = serializers.CharField(source="recipient.name")
    kind = serializers.CharField()
    status = serializers.CharField()
    profile = serializers.CharField()
    clock_start = serializers.DateField()
    due_date = serializers.DateField()
    message_id = serializers.CharField()
    batch_number = serializers.CharField()
    sent_at = serializers.DateTimeField(allow_null=True)
    acked_at = serializers.DateTimeField(allow_null=True)
    ack_result = serializers.CharField()
    ack_text = serializers.CharField()
    validation_errors = serializers.ListField(child=serializers.CharField())
    last_error = serializers.CharField()
    overdue = serializers.SerializerMethodField()
    held_reasons = serializers.SerializerMethodField()

    def get_held_reasons(self, obj) -> list[str]:
        """Why a held submission waits (staff only: partners never see held submissions, and
        the reasons quote the reporter's words)."""
        user = context_user(self.context)
        if user is None or getattr(user, "is_partner", True):
            return []
        return [r.get("message", "") for r in obj.held_reasons]

    def get_overdue(self, obj) -> bool:
        """Past due and not validly reported: never sent, or rejected by the receiver and not
        yet corrected by an accepted later version (`corrected` is annotated by the selectors
        that list rejected rows; a rejected row without it counts as open)."""
        still_open = obj.sent_at is None or (
            obj.ack_result == Submission.AckResult.REJECTED and not getattr(obj, "corrected", False)
        )
        return still_open and obj.due_date < timezone.now().date()

    def partner_member(self, obj):
        return obj.case.member if obj.case.member_id else None


def _page(view, request, qs):
    paginator = DefaultPagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(
        SubmissionOutput(page, many=True, context={"user": request.user}).data
    )


class SubmissionListApi(APIView):
    permission_classes = [IsStaffOrPartner]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=Submission.Status.values,
            required=False,
        )
        pending = serializers.BooleanField(required=False, default=False)

    @extend_schema(parameters=[FilterSerializer], responses=SubmissionOutput(many=True))
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        if filters.validated_data["pending"] and request.user.is_partner:
            qs = submission_list_pending_pull(partner_id=request.user.partner_id)
        else:
            qs = submission_list_visible_to(user=request.user)
        if "status" in filters.validated_data:
            qs = qs.filter(status=filters.validated_data["status"])
        return _page(self, request, qs.select_related("case", "recipient"))


class SubmissionDetailApi(APIView):
    permission_classes = [IsStaffOrPartner]

    @extend_schema(responses=SubmissionOutput)
    def get(self, request, submission_id):
        submission = submission_get_visible(user=request.user, submission_id=submission_id)
        return Response(SubmissionOutput(submission, context={"user": request.user}).data)


class SubmissionXmlApi(APIView):
    """Download the ICSR batch. A partner's first download marks a pull submission as sent."""

    permission_classes = [IsStaffOrPartner]

    @extend_schema(responses={(200, "application/xml"): bytes})
    def get(self, request, submission_id):
        submission = submission_get_visible(user=request.user, submission_id=submission_id)
        if request.user.is_partner:
            xml = submission_download(submission=submission, actor=request.user)
        else:
            xml = bytes(submission.xml)
        response = HttpResponse(xml, content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{submission.message_id}.xml"'
        return response


class AckReceiveApi(APIView):
    """A partner posts an E2B(R3) ACK (MCCI_IN200101UV01) as the raw request body."""

    permission_classes = [IsPartner]
    parser_classes = [XMLBodyParser, TextXMLBodyParser]

    @extend_schema(request={"application/xml": bytes}, responses=SubmissionOutput(many=True))
    def post(self, request):
        body = request.data if isinstance(request.data, bytes) else b""
        if not body:
            return Response(
                {
                    "code": "invalid_ack",
                    "message": "Send the ACK XML as the request body "
                    "(Content-Type: application/xml).",
                    "extra": {},
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        if len(body) > MAX_BYTES:
            return Response(
                {"code": "too_large", "message": "ACK too large.", "extra": {}},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        updated = submission_ack_receive(xml=body, partner=request.user.partner, actor=request.user)
        return Response(SubmissionOutput(updated, many=True, context={"user": request.user}).data)


class SubmissionDueApi(APIView):
    permission_classes = [IsReviewer]

    class FilterSerializer(serializers.Serializer):
        within = serializers.IntegerField(min_value=0, max_value=365, default=3)
        overdue = serializers.BooleanField(default=False)

    @extend_schema(parameters=[FilterSerializer], responses=SubmissionOutput(many=True))
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        today = timezone.now().date()
        if filters.validated_data["overdue"]:
            qs = submission_list_overdue(as_of=today)
        else:
            qs = submission_list_due(as_of=today, within_days=filters.validated_data["within"])
        return _page(self, request, qs)


class SubmissionRejectedApi(APIView):
    """The "rejected — correct and resend" worklist: rejected by the receiver and not yet
    corrected by an accepted later version of the case, with the receiver's error text."""

    permission_classes = [IsReviewer]

    @extend_schema(responses=SubmissionOutput(many=True))
    def get(self, request):
        return _page(self, request, submission_list_rejected_open())


class AckRefusalListApi(APIView):
    """ACKs pv refused to apply (unknown batch or message id, never sent, contradicting)."""

    permission_classes = [IsReviewer]

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        created_at = serializers.DateTimeField()
        partner = serializers.CharField(source="partner.name", default="")
        reason = serializers.CharField()
        batch_number = serializers.CharField()
        message_ids = serializers.ListField(child=serializers.CharField())
        detail = serializers.CharField()

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request):
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(ack_refusal_list(), request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)


class CaseE2BPreviewApi(APIView):
    """The XML pv would send for this case version to a profile, with its validation result."""

    permission_classes = [IsReviewer]

    class OutputSerializer(serializers.Serializer):
        profile = serializers.CharField()
        valid = serializers.BooleanField()
        errors = serializers.ListField(child=serializers.CharField())
        warnings = serializers.ListField(child=serializers.CharField())
        xml = serializers.CharField()

    @extend_schema(
        parameters=[OpenApiParameter("profile", str, enum=["ich", "fda", "ema"])],
        responses=OutputSerializer,
    )
    def get(self, request, case_id):
        case = case_get_visible(user=request.user, case_id=case_id)
        profile = request.query_params.get("profile", "ich")
        if profile not in ("ich", "fda", "ema"):
            return Response(
                {
                    "code": "invalid",
                    "message": "profile must be ich, fda or ema.",
                    "extra": {"fields": {"profile": ["unknown profile"]}},
                },
                status=400,
            )
        return Response(
            self.OutputSerializer(
                case_e2b_preview(case=case, profile=profile, actor=request.user)
            ).data
        )
