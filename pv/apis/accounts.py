"""pv's own API: who am I, members (Shared Data only), partners, products."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from pv.core.api import DefaultPagination
from pv.core.partner_output import PartnerFacingSerializer
from pv.core.permissions import IsAdmin, IsReviewer, IsStaffOrPartner
from pv.models import Member
from pv.selectors import (
    member_get,
    partner_list_visible_to,
    product_list_visible_to,
)
from pv.services.members import member_register


def _paginate(view: APIView, request, queryset, serializer_cls, context=None):
    paginator = DefaultPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_cls(page, many=True, context=context or {}).data
    return paginator.get_paginated_response(data)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    class OutputSerializer(PartnerFacingSerializer):
        partner_safe = frozenset({"role"})

        username = serializers.CharField()
        role = serializers.CharField()
        partner = serializers.CharField(source="partner.name", default=None)

    @extend_schema(responses=OutputSerializer)
    def get(self, request):
        return Response(self.OutputSerializer(request.user, context={"user": request.user}).data)


class MemberProfileOutput(serializers.Serializer):
    public_id = serializers.CharField()
    birth_year = serializers.IntegerField(allow_null=True)
    age_band = serializers.CharField()
    sex = serializers.CharField()
    country = serializers.CharField()
    conditions = serializers.ListField(child=serializers.CharField())
    treatments = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()
    contact_opt_out = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class MemberRegisterApi(APIView):
    """The community platform registers a member: Restricted Data goes only to the vault."""

    permission_classes = [IsAdmin]

    class InputSerializer(serializers.Serializer):
        source_id = serializers.CharField(max_length=100)
        name = serializers.CharField(max_length=200)
        email = serializers.EmailField(max_length=254)
        phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
        birth_year = serializers.IntegerField(
            min_value=1900, max_value=2100, required=False, allow_null=True
        )
        age_band = serializers.CharField(
            max_length=20, required=False, allow_blank=True, default=""
        )
        sex = serializers.ChoiceField(choices=Member.Sex.choices, default=Member.Sex.UNKNOWN)
        country = serializers.RegexField(
            r"^[A-Za-z]{2}$", required=False, allow_blank=True, default=""
        )
        conditions = serializers.ListField(
            child=serializers.CharField(max_length=200),
            max_length=100,
            required=False,
            default=list,
        )
        treatments = serializers.ListField(
            child=serializers.CharField(max_length=200),
            max_length=100,
            required=False,
            default=list,
        )
        contact_opt_out = serializers.BooleanField(default=False)

        def validate_birth_year(self, value):
            from django.utils import timezone  # noqa: PLC0415

            if value is not None and value > timezone.now().year:
                raise serializers.ValidationError("Birth year is in the future.")
            return value

    @extend_schema(request=InputSerializer, responses={201: MemberProfileOutput})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = member_register(actor=request.user, **data.validated_data)
        return Response(MemberProfileOutput(member).data, status=status.HTTP_201_CREATED)


class MemberDetailApi(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(responses=MemberProfileOutput)
    def get(self, request, public_id: str):
        return Response(MemberProfileOutput(member_get(public_id=public_id)).data)


class PartnerOutput(PartnerFacingSerializer):
    partner_safe = frozenset({"id", "kind", "country", "region", "e2b_receiver_id", "e2b_profile"})

    id = serializers.UUIDField()
    name = serializers.CharField()
    kind = serializers.CharField()
    country = serializers.CharField()
    region = serializers.CharField()
    e2b_receiver_id = serializers.CharField()
    e2b_profile = serializers.CharField()


class PartnerListApi(APIView):
    permission_classes = [IsStaffOrPartner]

    @extend_schema(responses=PartnerOutput(many=True))
    def get(self, request):
        return _paginate(
            self,
            request,
            partner_list_visible_to(user=request.user),
            PartnerOutput,
            {"user": request.user},
        )


class PartnerDetailApi(APIView):
    permission_classes = [IsStaffOrPartner]

    @extend_schema(responses=PartnerOutput)
    def get(self, request, partner_id):
        partner = partner_list_visible_to(user=request.user).filter(id=partner_id).first()
        if partner is None:
            from pv.core.exceptions import NotFound  # noqa: PLC0415

            raise NotFound("Partner not found.")
        return Response(PartnerOutput(partner, context={"user": request.user}).data)


class ProductOutput(PartnerFacingSerializer):
    partner_safe = frozenset({"id"})

    id = serializers.UUIDField()
    name = serializers.CharField()
    ingredients = serializers.ListField(child=serializers.CharField())
    sponsor = serializers.CharField(source="sponsor.name")


class ProductListApi(APIView):
    permission_classes = [IsStaffOrPartner]

    @extend_schema(responses=ProductOutput(many=True))
    def get(self, request):
        return _paginate(
            self,
            request,
            product_list_visible_to(user=request.user),
            ProductOutput,
            {"user": request.user},
        )


class ProductDetailApi(APIView):
    permission_classes = [IsStaffOrPartner]

    @extend_schema(responses=ProductOutput)
    def get(self, request, product_id):
        product = product_list_visible_to(user=request.user).filter(id=product_id).first()
        if product is None:
            from pv.core.exceptions import NotFound  # noqa: PLC0415

            raise NotFound("Product not found.")
        return Response(ProductOutput(product, context={"user": request.user}).data)
