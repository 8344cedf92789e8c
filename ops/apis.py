"""Staff API for abuse detection: read-volume flags; suspending and reinstating accounts."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ops.models import ReadVolumeFlag
from ops.selectors import account_get, read_flag_get, read_flag_list
from ops.services import account_reinstate, account_suspend, read_flag_dismiss
from pv.core.api import DefaultPagination
from pv.core.permissions import IsAdmin, IsReviewer


class ReadFlagOutput(serializers.Serializer):
    id = serializers.UUIDField()
    account = serializers.UUIDField(source="account_id")
    username = serializers.CharField(source="account.username")
    role = serializers.CharField(source="account.role")
    account_active = serializers.BooleanField(source="account.is_active")
    window_seconds = serializers.IntegerField()
    limit = serializers.IntegerField()
    total = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())
    sample = serializers.ListField(child=serializers.DictField())
    path = serializers.CharField()
    status = serializers.CharField()
    resolved_by = serializers.CharField(source="resolved_by.username", default=None)
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolution_reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AccountOutput(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    role = serializers.CharField()
    is_active = serializers.BooleanField()


class ReadFlagListApi(APIView):
    permission_classes = [IsReviewer]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=ReadVolumeFlag.Status.values, required=False)

    @extend_schema(parameters=[FilterSerializer], responses=ReadFlagOutput(many=True))
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(
            read_flag_list(status=filters.validated_data.get("status")), request, view=self
        )
        return paginator.get_paginated_response(ReadFlagOutput(page, many=True).data)


class ReadFlagDetailApi(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(responses=ReadFlagOutput)
    def get(self, request, flag_id):
        return Response(ReadFlagOutput(read_flag_get(flag_id=flag_id)).data)


class ReadFlagDismissApi(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(request=ReasonInput, responses=ReadFlagOutput)
    def post(self, request, flag_id):
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        flag = read_flag_dismiss(
            actor=request.user, flag=read_flag_get(flag_id=flag_id), **data.validated_data
        )
        return Response(ReadFlagOutput(flag).data)


class AccountSuspendApi(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(request=ReasonInput, responses=AccountOutput)
    def post(self, request, user_id):
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        account = account_suspend(
            actor=request.user, account=account_get(user_id=user_id), **data.validated_data
        )
        return Response(AccountOutput(account).data)


class AccountReinstateApi(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(request=ReasonInput, responses=AccountOutput)
    def post(self, request, user_id):
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        account = account_reinstate(
            actor=request.user, account=account_get(user_id=user_id), **data.validated_data
        )
        return Response(AccountOutput(account).data)
