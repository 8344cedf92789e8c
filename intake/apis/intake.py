"""Intake API: posts and AE reports, one at a time or in idempotent batches of up to 1,000."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from intake.models import AEReport
from intake.selectors import (
    post_get_visible,
    post_list_visible_to,
    report_get_visible,
    report_list_visible_to,
)
from intake.services import MAX_BATCH, post_batch_create, report_batch_create
from intake.throttles import IntakeBatchThrottle, IntakeSingleThrottle
from pv.core.api import DefaultPagination
from pv.core.exceptions import DomainError
from pv.core.permissions import IsIntakeReader, IsIntakeWriter
from pv.models import User

MAX_TEXT = 100_000
# A little slack for clock skew between the community platform and pv.
FUTURE_SLACK = timedelta(minutes=10)


def _not_future_datetime(value):
    if value > timezone.now() + FUTURE_SLACK:
        raise serializers.ValidationError("Date is in the future.")
    return value


def _not_future_date(value):
    if value is not None and value > (timezone.now() + FUTURE_SLACK).date():
        raise serializers.ValidationError("Date is in the future.")
    return value


class AboutDrugField(serializers.CharField):
    """The drug a post or report is about (a drug-review thread), or "" (null and blank too)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=250, required=False, allow_blank=True, allow_null=True,
                         default="", **kwargs)  # fmt: skip

    def to_internal_value(self, data):
        return super().to_internal_value(data) if data else ""

    def validate_empty_values(self, data):
        if data is None:
            return (True, "")
        return super().validate_empty_values(data)


class PostInput(serializers.Serializer):
    source_id = serializers.CharField(max_length=100)
    member_source_id = serializers.CharField(max_length=100, required=False)
    forum = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    thread = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    about_drug = AboutDrugField()
    text = serializers.CharField(max_length=MAX_TEXT, trim_whitespace=False)
    posted_at = serializers.DateTimeField(validators=[_not_future_datetime])


class ReportDrugInput(serializers.Serializer):
    name = serializers.CharField(max_length=250)
    dose = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    route = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    frequency = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    start_date = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[_not_future_date]
    )
    stop_date = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[_not_future_date]
    )
    indication = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        start, stop = attrs.get("start_date"), attrs.get("stop_date")
        if start and stop and stop < start:
            raise serializers.ValidationError({"stop_date": "Stop date is before start date."})
        # Stored as JSON: keep dates as ISO strings.
        return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in attrs.items()}


class ReportEventInput(serializers.Serializer):
    text = serializers.CharField(max_length=1000)
    onset_date = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[_not_future_date]
    )
    outcome = serializers.ChoiceField(
        choices=AEReport.Outcome.values, default=AEReport.Outcome.UNKNOWN
    )

    def validate(self, attrs):
        return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in attrs.items()}


class ReportInput(serializers.Serializer):
    source_id = serializers.CharField(max_length=100)
    member_source_id = serializers.CharField(max_length=100, required=False)
    drugs = ReportDrugInput(many=True, allow_empty=False, max_length=50)
    events = ReportEventInput(many=True, allow_empty=False, max_length=50)
    death = serializers.BooleanField(default=False)
    life_threatening = serializers.BooleanField(default=False)
    hospitalisation = serializers.BooleanField(default=False)
    disability = serializers.BooleanField(default=False)
    congenital_anomaly = serializers.BooleanField(default=False)
    other_medically_important = serializers.BooleanField(default=False)
    free_text = serializers.CharField(
        max_length=MAX_TEXT, required=False, allow_blank=True, default="", trim_whitespace=False
    )
    about_drug = AboutDrugField()
    submitted_at = serializers.DateTimeField(validators=[_not_future_datetime])


class PostOutput(serializers.Serializer):
    id = serializers.UUIDField()
    source_id = serializers.CharField()
    member = serializers.CharField(source="member.public_id")
    forum = serializers.CharField()
    thread = serializers.CharField()
    about_drug = serializers.CharField()
    text = serializers.CharField()
    posted_at = serializers.DateTimeField()
    screening_status = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReportOutput(serializers.Serializer):
    id = serializers.UUIDField()
    source_id = serializers.CharField()
    member = serializers.CharField(source="member.public_id")
    drugs = serializers.JSONField()
    events = serializers.JSONField()
    death = serializers.BooleanField()
    life_threatening = serializers.BooleanField()
    hospitalisation = serializers.BooleanField()
    disability = serializers.BooleanField()
    congenital_anomaly = serializers.BooleanField()
    other_medically_important = serializers.BooleanField()
    free_text = serializers.CharField()
    about_drug = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    screening_status = serializers.CharField()
    created_at = serializers.DateTimeField()


class BatchOutput(serializers.Serializer):
    created = serializers.ListField(child=serializers.DictField())
    existing = serializers.ListField(child=serializers.DictField())
    counts = serializers.DictField()


def _bind_member(user: User, items: list[dict]) -> list[dict]:
    """A member writes as themselves; the platform's integration account names the member."""
    if user.role == User.Role.MEMBER:
        member = getattr(user, "member", None)
        if member is None:
            raise DomainError("This account is not linked to a member.", code="no_member")
        for item in items:
            item["member_source_id"] = member.source_id
        return items
    missing = {
        f"items[{i}].member_source_id": ["This field is required."]
        for i, item in enumerate(items)
        if not item.get("member_source_id")
    }
    if missing:
        raise DomainError(
            "member_source_id is required.", code="invalid", extra={"fields": missing}
        )
    return items


class _BatchInput(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.JSONField(), allow_empty=False, max_length=MAX_BATCH
    )


class _IntakeApi(APIView):
    """Single create is a batch of one, so both paths share validation and idempotency."""

    input_serializer: type[serializers.Serializer]
    batch_create = staticmethod(post_batch_create)
    write_throttle: type = IntakeSingleThrottle

    def get_permissions(self):
        cls = IsIntakeWriter if self.request.method == "POST" else IsIntakeReader
        return [cls()]

    def get_throttles(self):
        # Writes only; reads are limited by the read-volume middleware (ops).
        return [self.write_throttle()] if self.request.method == "POST" else []

    def _create(self, request, raw_items: list, *, batch: bool) -> Response:
        many = self.input_serializer(data=raw_items, many=True)
        if not many.is_valid():
            # DRF gives a list per item, or (3.16+) a dict of the failing indexes only.
            per_item = (
                many.errors if isinstance(many.errors, dict) else dict(enumerate(many.errors))
            )
            if not batch:
                raise serializers.ValidationError(per_item[0])
            errors = {f"items[{i}]": e for i, e in per_item.items() if e}
            raise DomainError("Invalid items.", code="invalid", extra={"fields": errors})
        items = _bind_member(request.user, [dict(i) for i in many.validated_data])
        result = self.batch_create(actor=request.user, items=items)
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(result.as_dict(), status=code)

    def _create_batch(self, request) -> Response:
        envelope = _BatchInput(data=request.data)
        envelope.is_valid(raise_exception=True)
        return self._create(request, envelope.validated_data["items"], batch=True)

    def _list(self, request, queryset, output: type[serializers.Serializer]) -> Response:
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(output(page, many=True).data)


class PostListCreateApi(_IntakeApi):
    input_serializer = PostInput

    @extend_schema(responses=PostOutput(many=True))
    def get(self, request):
        return self._list(request, post_list_visible_to(user=request.user), PostOutput)

    @extend_schema(request=PostInput, responses={201: BatchOutput, 200: BatchOutput})
    def post(self, request):
        return self._create(request, [request.data], batch=False)


class ReportListCreateApi(_IntakeApi):
    input_serializer = ReportInput
    batch_create = staticmethod(report_batch_create)

    @extend_schema(responses=ReportOutput(many=True))
    def get(self, request):
        return self._list(request, report_list_visible_to(user=request.user), ReportOutput)

    @extend_schema(request=ReportInput, responses={201: BatchOutput, 200: BatchOutput})
    def post(self, request):
        return self._create(request, [request.data], batch=False)


class PostBatchApi(_IntakeApi):
    input_serializer = PostInput
    write_throttle = IntakeBatchThrottle

    @extend_schema(request=_BatchInput, responses={201: BatchOutput, 200: BatchOutput})
    def post(self, request):
        return self._create_batch(request)


class ReportBatchApi(_IntakeApi):
    input_serializer = ReportInput
    batch_create = staticmethod(report_batch_create)
    write_throttle = IntakeBatchThrottle

    @extend_schema(request=_BatchInput, responses={201: BatchOutput, 200: BatchOutput})
    def post(self, request):
        return self._create_batch(request)


class PostDetailApi(APIView):
    permission_classes = [IsIntakeReader]

    @extend_schema(responses=PostOutput)
    def get(self, request, post_id):
        return Response(PostOutput(post_get_visible(user=request.user, post_id=post_id)).data)


class ReportDetailApi(APIView):
    permission_classes = [IsIntakeReader]

    @extend_schema(responses=ReportOutput)
    def get(self, request, report_id):
        return Response(
            ReportOutput(report_get_visible(user=request.user, report_id=report_id)).data
        )
