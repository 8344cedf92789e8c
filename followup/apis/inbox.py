"""The member's in-platform inbox: see questions, answer, decline (withdraw), opt out."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from followup.apis.common import IsMember, paginate
from followup.models import FollowupMessage
from followup.selectors import (
    followup_asked_by,
    followup_inbox_for,
    followup_inbox_get,
    followup_member_excerpt,
)
from followup.services import (
    CONSENT_TEXT,
    followup_member_opt_out,
    followup_message_answer,
    followup_message_decline,
)
from pv.core.exceptions import NotFound


class InboxOutput(serializers.Serializer):
    """Only what the member wrote and the questions: no case ids, no partner names."""

    id = serializers.UUIDField()
    status = serializers.CharField()
    can_answer = serializers.SerializerMethodField()
    about = serializers.SerializerMethodField()
    asked_by = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()
    answers = serializers.DictField(child=serializers.CharField())
    first_sent_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    responded_at = serializers.DateTimeField(allow_null=True)
    consent_text = serializers.SerializerMethodField()

    def get_can_answer(self, message) -> bool:
        return message.status in FollowupMessage.AWAITING_MEMBER

    def get_about(self, message) -> str:
        return followup_member_excerpt(message=message)

    def get_asked_by(self, message) -> list[str]:
        return followup_asked_by(message=message)

    def get_questions(self, message) -> list[dict]:
        return [{"id": q["id"], "text": q["text"]} for q in message.questions]

    def get_consent_text(self, message) -> str:
        return message.consent_text or CONSENT_TEXT


class FollowupInboxListApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(responses=InboxOutput(many=True))
    def get(self, request):
        return paginate(self, request, followup_inbox_for(user=request.user), InboxOutput)


class FollowupInboxDetailApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(responses=InboxOutput)
    def get(self, request, message_id):
        message = followup_inbox_get(user=request.user, message_id=message_id)
        return Response(InboxOutput(message).data)


class FollowupInboxAnswerApi(APIView):
    permission_classes = [IsMember]

    class InputSerializer(serializers.Serializer):
        answers = serializers.DictField(
            child=serializers.CharField(max_length=4000, allow_blank=True), allow_empty=False
        )
        consent = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses=InboxOutput)
    def post(self, request, message_id):
        message = followup_inbox_get(user=request.user, message_id=message_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        followup_message_answer(actor=request.user, message=message, **data.validated_data)
        message = followup_inbox_get(user=request.user, message_id=message.id)
        return Response(InboxOutput(message).data)


class FollowupInboxDeclineApi(APIView):
    """Decline these questions, or withdraw from a pending message."""

    permission_classes = [IsMember]

    @extend_schema(request=None, responses=InboxOutput)
    def post(self, request, message_id):
        message = followup_inbox_get(user=request.user, message_id=message_id)
        followup_message_decline(actor=request.user, message=message)
        message = followup_inbox_get(user=request.user, message_id=message.id)
        return Response(InboxOutput(message).data)


class FollowupOptOutApi(APIView):
    """Stop all follow-up contact: every open message and request closes."""

    permission_classes = [IsMember]

    class OutputSerializer(serializers.Serializer):
        contact_opt_out = serializers.BooleanField()

    @extend_schema(request=None, responses=OutputSerializer)
    def post(self, request):
        member = getattr(request.user, "member", None)
        if member is None:
            raise NotFound("No member profile.")
        member = followup_member_opt_out(actor=request.user, member=member)
        return Response(self.OutputSerializer(member).data)
