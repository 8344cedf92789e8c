"""Cases API: list, create, version, audit; partners get cases through the partner-output path
(`pv.core.partner_output`) and see their own pseudonym."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from pv.apis.accounts import _paginate
from pv.core.partner_output import PartnerFacingSerializer
from pv.core.permissions import IsReviewer, IsStaffOrPartner
from pv.models import AuditEvent, Case, CaseDrug, CaseReaction
from pv.privacy.pseudonyms import partner_pseudonym
from pv.selectors import (
    case_get_visible,
    case_list_visible_to,
    member_get,
)
from pv.services.cases import case_create, case_version_create


class CaseDrugSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=CaseDrug.Role.values, default=CaseDrug.Role.SUSPECT)
    name_reported = serializers.CharField(max_length=250)
    ingredients = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    dose_text = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    route = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    start_date = serializers.DateField(required=False, allow_null=True)
    stop_date = serializers.DateField(required=False, allow_null=True)
    action_taken = serializers.ChoiceField(
        choices=CaseDrug.ActionTaken.values, required=False, allow_blank=True, default=""
    )
    indication_reported = serializers.CharField(
        max_length=250, required=False, allow_blank=True, default=""
    )

    def validate(self, attrs):
        start, stop = attrs.get("start_date"), attrs.get("stop_date")
        if start and stop and stop < start:
            raise serializers.ValidationError({"stop_date": "Stop date is before start date."})
        return attrs


class CaseReactionSerializer(serializers.Serializer):
    reported_term = serializers.CharField(max_length=250)
    code = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    term = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    pt_code = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    pt = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    soc = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    terminology = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    terminology_version = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    onset_date = serializers.DateField(required=False, allow_null=True)
    duration = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    outcome = serializers.ChoiceField(
        choices=CaseReaction.Outcome.values, default=CaseReaction.Outcome.UNKNOWN
    )


class CaseOutput(PartnerFacingSerializer):
    """A case version. Partners get every string scrubbed except the codes, ids, dates and enums
    below; they see their own pseudonym for the member."""

    partner_safe = frozenset(
        {
            "id",
            "worldwide_case_id",
            "sender_report_id",
            "status",
            "report_type",
            "received_at",
            "latest_info_at",
            "day_zero",
            "member",
            "patient_age",
            "patient_age_unit",
            "patient_age_group",
            "patient_sex",
            "patient_weight_kg",
            "reporter_qualification",
            "reporter_country",
            "seriousness_criteria",
            "drugs.role",
            "drugs.ingredients.code",
            "drugs.ingredients.dictionary",
            "drugs.ingredients.version",
            "drugs.start_date",
            "drugs.stop_date",
            "drugs.action_taken",
            "reactions.code",
            "reactions.pt_code",
            "reactions.terminology",
            "reactions.terminology_version",
            "reactions.onset_date",
            "reactions.outcome",
        }
    )

    id = serializers.UUIDField()
    worldwide_case_id = serializers.CharField()
    sender_report_id = serializers.CharField()
    version = serializers.IntegerField()
    is_latest = serializers.BooleanField()
    status = serializers.CharField()
    report_type = serializers.CharField()
    received_at = serializers.DateTimeField()
    latest_info_at = serializers.DateTimeField()
    day_zero = serializers.DateField(allow_null=True)
    member = serializers.SerializerMethodField()
    patient_age = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    patient_age_unit = serializers.CharField()
    patient_age_group = serializers.CharField()
    patient_sex = serializers.CharField()
    patient_weight_kg = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    medical_history = serializers.ListField()
    reporter_qualification = serializers.CharField()
    reporter_country = serializers.CharField()
    is_serious = serializers.BooleanField()
    seriousness_criteria = serializers.ListField(child=serializers.CharField())
    narrative = serializers.CharField()
    drugs = CaseDrugSerializer(many=True)
    reactions = CaseReactionSerializer(many=True)

    def partner_member(self, case: Case):
        return case.member if case.member_id else None

    def get_member(self, case: Case) -> str | None:
        """Reviewers see the internal pseudonym; each partner its own, unlinkable one."""
        user = self.context["user"]
        if case.member_id is None:
            return None
        if user.is_partner:
            return partner_pseudonym(
                key=settings.SECRET_KEY,
                partner_id=str(user.partner_id),
                member_id=str(case.member_id),
            )
        return case.member.public_id


class CaseListApi(APIView):
    permission_classes = [IsStaffOrPartner]

    class InputSerializer(serializers.Serializer):
        member_public_id = serializers.CharField(max_length=20)
        drugs = CaseDrugSerializer(many=True, allow_empty=False)
        reactions = CaseReactionSerializer(many=True, allow_empty=False)
        patient_age = serializers.DecimalField(
            max_digits=5, decimal_places=1, required=False, min_value=0, max_value=150
        )
        patient_sex = serializers.ChoiceField(choices=Case.Sex.choices, required=False)
        patient_weight_kg = serializers.DecimalField(
            max_digits=5, decimal_places=1, required=False, min_value=0, max_value=700
        )
        medical_history = serializers.ListField(
            child=serializers.CharField(max_length=250), required=False
        )
        death = serializers.BooleanField(default=False)
        life_threatening = serializers.BooleanField(default=False)
        hospitalisation = serializers.BooleanField(default=False)
        disability = serializers.BooleanField(default=False)
        congenital_anomaly = serializers.BooleanField(default=False)
        other_medically_important = serializers.BooleanField(default=False)
        narrative = serializers.CharField(max_length=100_000, required=False, allow_blank=True)
        reporter_comments = serializers.CharField(
            max_length=20_000, required=False, allow_blank=True
        )

    @extend_schema(responses=CaseOutput(many=True))
    def get(self, request):
        qs = case_list_visible_to(user=request.user).filter(is_latest=True)
        return _paginate(self, request, qs, CaseOutput, {"user": request.user})

    @extend_schema(request=InputSerializer, responses={201: CaseOutput})
    def post(self, request):
        if not IsReviewer().has_permission(request, self):
            self.permission_denied(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        member = member_get(public_id=fields.pop("member_public_id"))
        case = case_create(actor=request.user, member=member, **fields)
        return Response(
            CaseOutput(case, context={"user": request.user}).data, status=status.HTTP_201_CREATED
        )


class CaseDetailApi(APIView):
    permission_classes = [IsStaffOrPartner]

    @extend_schema(responses=CaseOutput)
    def get(self, request, case_id):
        case = case_get_visible(user=request.user, case_id=case_id)
        return Response(CaseOutput(case, context={"user": request.user}).data)


class CaseVersionCreateApi(APIView):
    permission_classes = [IsReviewer]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(
            choices=["followup", "amendment", "nullification"], default="followup"
        )
        reason = serializers.CharField(max_length=2000)
        narrative = serializers.CharField(max_length=100_000, required=False, allow_blank=True)
        patient_weight_kg = serializers.DecimalField(
            max_digits=5, decimal_places=1, required=False, min_value=0, max_value=700
        )
        drugs = CaseDrugSerializer(many=True, required=False)
        reactions = CaseReactionSerializer(many=True, required=False)
        sender_comments = serializers.CharField(
            max_length=20_000, required=False, allow_blank=True, help_text="H.4"
        )
        assessments = serializers.ListField(
            child=serializers.DictField(),
            required=False,
            help_text='Causality, WHO-UMC: [{"drug": 1, "reaction": 1, "result": "Possible"}]',
        )
        death = serializers.BooleanField(required=False)
        life_threatening = serializers.BooleanField(required=False)
        hospitalisation = serializers.BooleanField(required=False)
        disability = serializers.BooleanField(required=False)
        congenital_anomaly = serializers.BooleanField(required=False)
        other_medically_important = serializers.BooleanField(required=False)

    @extend_schema(request=InputSerializer, responses={201: CaseOutput})
    def post(self, request, case_id):
        """Follow-up (new information, clock restarts), amendment (a correction, C.1.11.1 = 2)
        or nullification (C.1.11.1 = 1, reason in C.1.11.2; only a reason, and nothing may
        follow it)."""
        case = case_get_visible(user=request.user, case_id=case_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        new = case_version_create(
            actor=request.user,
            case=case,
            kind=fields.pop("kind"),
            reason=fields.pop("reason"),
            drugs=fields.pop("drugs", None),
            reactions=fields.pop("reactions", None),
            changes=fields,
        )
        return Response(
            CaseOutput(new, context={"user": request.user}).data, status=status.HTTP_201_CREATED
        )


class AuditEventOutput(serializers.Serializer):
    seq = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor_label = serializers.CharField()
    action = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    before = serializers.JSONField()
    after = serializers.JSONField()
    reason = serializers.CharField()


class CaseAuditApi(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(responses=AuditEventOutput(many=True))
    def get(self, request, case_id):
        case = case_get_visible(user=request.user, case_id=case_id)
        ids = [
            str(pk)
            for pk in Case.objects.filter(worldwide_case_id=case.worldwide_case_id).values_list(
                "id", flat=True
            )
        ]
        events = AuditEvent.objects.filter(object_type="pv.case", object_id__in=ids).order_by("seq")
        return _paginate(self, request, events, AuditEventOutput)
