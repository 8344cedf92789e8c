"""Triage queue API (reviewers and admins only): list, detail, claim/release, confirm, reject,
needs-info; a mention's coding suggestions and the reviewer's accept/override."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from coding.selectors import dictionary_get
from intake.models import Mention, TriageItem
from intake.services.coding import mention_coding_accept, mention_coding_override
from intake.services.triage import (
    SERIOUSNESS,
    triage_item_claim,
    triage_item_confirm,
    triage_item_reject,
    triage_item_release,
    triage_item_request_info,
)
from intake.triage_selectors import (
    QUEUE_STATUSES,
    mention_get,
    mention_suggestions,
    triage_item_get,
    triage_item_pairs,
    triage_queue,
)
from pv.core.api import DefaultPagination
from pv.core.permissions import IsReviewer

EXCERPT = 300


class MentionBriefOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    text = serializers.CharField()
    code = serializers.CharField()
    term = serializers.CharField()


class MentionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    field = serializers.CharField()
    field_index = serializers.IntegerField(allow_null=True)
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()
    code = serializers.CharField()
    term = serializers.CharField()
    llt = serializers.CharField()
    llt_code = serializers.CharField()
    pt = serializers.CharField()
    pt_code = serializers.CharField()
    hlt = serializers.CharField()
    hlgt = serializers.CharField()
    soc = serializers.CharField()
    soc_code = serializers.CharField()
    terminology = serializers.CharField()
    terminology_version = serializers.CharField()
    details = serializers.JSONField()
    role = serializers.CharField()
    negated = serializers.BooleanField()
    hypothetical = serializers.BooleanField()
    historical = serializers.BooleanField()
    family = serializers.BooleanField()
    withdrawal = serializers.BooleanField()
    fuzzy = serializers.BooleanField()
    reportable = serializers.BooleanField()
    coding_status = serializers.CharField()
    coded_by = serializers.CharField(source="coded_by.username", allow_null=True, default=None)
    coded_at = serializers.DateTimeField(allow_null=True)


def _source_of(item: TriageItem):
    return item.post if item.source == TriageItem.Source.POST else item.report


class TriageItemOutput(serializers.Serializer):
    id = serializers.UUIDField()
    source = serializers.CharField()  # type: ignore[assignment]  # DRF pops declared fields
    source_item_id = serializers.SerializerMethodField()
    source_id = serializers.SerializerMethodField()
    status = serializers.CharField()
    priority = serializers.FloatField()
    is_serious = serializers.BooleanField()
    seriousness = serializers.JSONField()
    criteria = serializers.JSONField(source="screening.criteria")
    item_at = serializers.DateTimeField()
    excerpt = serializers.SerializerMethodField()
    drugs = serializers.SerializerMethodField()
    reactions = serializers.SerializerMethodField()
    claimed_by = serializers.CharField(source="claimed_by.username", allow_null=True, default=None)
    claimed_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()
    case = serializers.UUIDField(source="case_id", allow_null=True)
    created_at = serializers.DateTimeField()

    def get_source_item_id(self, item) -> str:
        return str(item.post_id or item.report_id)

    def get_source_id(self, item) -> str:
        return _source_of(item).source_id

    def get_excerpt(self, item) -> str:
        source = _source_of(item)
        text = source.text if item.source == TriageItem.Source.POST else source.free_text
        return text[:EXCERPT]

    def _mentions(self, item, kind):
        mentions = getattr(item.screening, "queue_mentions", None)
        if mentions is None:
            mentions = [
                m
                for m in item.screening.mentions.all()
                if m.kind == Mention.Kind.DRUG or m.reportable
            ]
        return MentionBriefOutput([m for m in mentions if m.kind == kind], many=True).data

    def get_drugs(self, item) -> list[dict]:
        return self._mentions(item, Mention.Kind.DRUG)

    def get_reactions(self, item) -> list[dict]:
        return self._mentions(item, Mention.Kind.EVENT)


class _ReviewerApi(APIView):
    permission_classes = [IsReviewer]


class TriageListApi(_ReviewerApi):
    class FilterSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TriageListFilter"  # unique OpenAPI component name

        status = serializers.ChoiceField(choices=sorted(QUEUE_STATUSES), default="open")
        drug = serializers.CharField(max_length=200, required=False, default="")
        event = serializers.CharField(max_length=200, required=False, default="")
        serious = serializers.BooleanField(required=False, allow_null=True, default=None)
        seriousness = serializers.ChoiceField(choices=SERIOUSNESS, required=False, default="")
        source = serializers.ChoiceField(  # type: ignore[assignment]
            choices=TriageItem.Source.values, required=False, default=""
        )
        date_from = serializers.DateField(required=False, default=None)
        date_to = serializers.DateField(required=False, default=None)
        claimed = serializers.ChoiceField(choices=["me", "no"], required=False, default="")

    @extend_schema(parameters=[FilterSerializer], responses=TriageItemOutput(many=True))
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = triage_queue(**filters.validated_data, user=request.user)
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(TriageItemOutput(page, many=True).data)


class TriageDetailOutput(TriageItemOutput):
    text = serializers.SerializerMethodField()
    structured = serializers.SerializerMethodField()
    member = serializers.SerializerMethodField()
    pipeline_version = serializers.CharField(source="screening.pipeline_version")
    dictionaries = serializers.JSONField(source="screening.dictionaries")
    screened_at = serializers.DateTimeField(source="screening.screened_at")
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)
    decided_at = serializers.DateTimeField(allow_null=True)
    mentions = serializers.SerializerMethodField()
    pairs = serializers.SerializerMethodField()

    def get_text(self, item) -> str:
        source = _source_of(item)
        return source.text if item.source == TriageItem.Source.POST else source.free_text

    def get_structured(self, item) -> dict | None:
        if item.source != TriageItem.Source.REPORT:
            return None
        r = item.report
        return {"drugs": r.drugs, "events": r.events, **{s: getattr(r, s) for s in SERIOUSNESS}}

    def get_member(self, item) -> str:
        return _source_of(item).member.public_id

    def get_mentions(self, item) -> list[dict]:
        out = []
        for m in item.screening.mentions.all():
            row = dict(MentionOutput(m).data)
            if self.context.get("suggestions"):
                row["suggestions"] = mention_suggestions(mention=m)
            out.append(row)
        return out

    def get_pairs(self, item) -> list[list[str]]:
        return triage_item_pairs(item=item)


class TriageDetailApi(_ReviewerApi):
    class ParamsSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TriageDetailParams"  # unique OpenAPI component name

        suggestions = serializers.BooleanField(default=True)

    @extend_schema(parameters=[ParamsSerializer], responses=TriageDetailOutput)
    def get(self, request, item_id):
        params = self.ParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        item = triage_item_get(item_id=item_id)
        return Response(TriageDetailOutput(item, context=params.validated_data).data)


def _detail(item_id) -> Response:
    item = triage_item_get(item_id=item_id)
    return Response(TriageDetailOutput(item, context={"suggestions": False}).data)


class TriageClaimApi(_ReviewerApi):
    @extend_schema(request=None, responses=TriageDetailOutput)
    def post(self, request, item_id):
        triage_item_claim(actor=request.user, item=triage_item_get(item_id=item_id))
        return _detail(item_id)


class TriageReleaseApi(_ReviewerApi):
    @extend_schema(request=None, responses=TriageDetailOutput)
    def post(self, request, item_id):
        triage_item_release(actor=request.user, item=triage_item_get(item_id=item_id))
        return _detail(item_id)


class TriageConfirmApi(_ReviewerApi):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TriageConfirmInput"  # unique OpenAPI component name

        mentions = serializers.ListField(
            child=serializers.UUIDField(),
            required=False,
            max_length=200,
            help_text="Drug and reaction mentions to put in the case (default: the pipeline's)",
        )
        seriousness = serializers.ListField(
            child=serializers.ChoiceField(choices=SERIOUSNESS), required=False
        )

    @extend_schema(request=InputSerializer, responses={201: TriageDetailOutput})
    def post(self, request, item_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        triage_item_confirm(
            actor=request.user,
            item=triage_item_get(item_id=item_id),
            mention_ids=data.validated_data.get("mentions"),
            seriousness=data.validated_data.get("seriousness"),
        )
        response = _detail(item_id)
        response.status_code = status.HTTP_201_CREATED
        return response


class _ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class TriageRejectApi(_ReviewerApi):
    @extend_schema(request=_ReasonInput, responses=TriageDetailOutput)
    def post(self, request, item_id):
        data = _ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        triage_item_reject(
            actor=request.user,
            item=triage_item_get(item_id=item_id),
            reason=data.validated_data["reason"],
        )
        return _detail(item_id)


class TriageNeedsInfoApi(_ReviewerApi):
    @extend_schema(request=_ReasonInput, responses=TriageDetailOutput)
    def post(self, request, item_id):
        data = _ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        triage_item_request_info(
            actor=request.user,
            item=triage_item_get(item_id=item_id),
            reason=data.validated_data["reason"],
        )
        return _detail(item_id)


class MentionSuggestionsApi(_ReviewerApi):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MentionSuggestionsOutput"  # unique OpenAPI component name

        mention = MentionOutput()
        suggestions = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses=OutputSerializer)
    def get(self, request, mention_id):
        mention = mention_get(mention_id=mention_id)
        return Response(
            self.OutputSerializer(
                {"mention": mention, "suggestions": mention_suggestions(mention=mention)}
            ).data
        )


class MentionCodingApi(_ReviewerApi):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MentionCodingInput"  # unique OpenAPI component name

        action = serializers.ChoiceField(choices=["accept", "override"])
        code = serializers.CharField(max_length=50, required=False)
        dictionary = serializers.UUIDField(required=False)
        reason = serializers.CharField(max_length=2000, required=False, default="")

        def validate(self, attrs):
            if attrs["action"] == "override" and not attrs.get("code"):
                raise serializers.ValidationError({"code": "An override needs a code."})
            return attrs

    @extend_schema(request=InputSerializer, responses=MentionOutput)
    def post(self, request, mention_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        mention = mention_get(mention_id=mention_id)
        if params["action"] == "accept":
            mention = mention_coding_accept(actor=request.user, mention=mention)
        else:
            chosen = (
                dictionary_get(dictionary_id=params["dictionary"])
                if params.get("dictionary")
                else None
            )
            mention = mention_coding_override(
                actor=request.user,
                mention=mention,
                code=params["code"],
                dictionary=chosen,
                reason=params["reason"],
            )
        return Response(MentionOutput(mention).data)
