"""Reference safety information API: a product's expected terms.

Read: staff, regulators, and the sponsor that owns the product (the label is the sponsor's own
document; another sponsor's product is 404, as `product_list_visible_to` scopes). Write (add,
remove with a reason, import a CSV): reviewers and admins only, through `pv.services.rsi`.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from pv.core.exceptions import DomainError
from pv.core.partner_output import PartnerFacingSerializer
from pv.core.permissions import IsReviewer, IsStaffOrPartner
from pv.models import Product
from pv.selectors import product_get_visible, reference_term_get, reference_terms_for_product
from pv.services.rsi import (
    MAX_CSV_BYTES,
    reference_term_add,
    reference_term_remove,
    reference_terms_csv_text,
    reference_terms_import_csv,
)


def _product(request, product_id) -> Product:
    return product_get_visible(user=request.user, product_id=product_id)


class ReferenceTermOutput(PartnerFacingSerializer):
    partner_safe = frozenset({"id", "product", "code", "terminology", "created_at"})

    id = serializers.UUIDField()
    product = serializers.UUIDField(source="product_id")
    term = serializers.CharField()
    code = serializers.CharField()
    terminology = serializers.CharField()
    source = serializers.CharField()
    created_at = serializers.DateTimeField()


class ProductRsiApi(APIView):
    """GET: the product's expected terms. POST: add one (reviewers)."""

    def get_permissions(self):
        return [IsReviewer()] if self.request.method == "POST" else [IsStaffOrPartner()]

    class InputSerializer(serializers.Serializer):
        term = serializers.CharField(max_length=250)
        code = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
        terminology = serializers.CharField(
            max_length=100, required=False, allow_blank=True, default=""
        )
        source = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(responses=ReferenceTermOutput(many=True))
    def get(self, request, product_id):
        terms = reference_terms_for_product(product=_product(request, product_id))
        data = ReferenceTermOutput(terms, many=True, context={"user": request.user}).data
        return Response({"count": len(data), "results": data})

    @extend_schema(request=InputSerializer, responses={201: ReferenceTermOutput})
    def post(self, request, product_id):
        product = _product(request, product_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ref = reference_term_add(actor=request.user, product=product, **data.validated_data)
        out = ReferenceTermOutput(ref, context={"user": request.user}).data
        return Response(out, status=status.HTTP_201_CREATED)


class ProductRsiTermApi(APIView):
    """DELETE with {"reason": "..."}: take one term off the product's RSI (reviewers)."""

    permission_classes = [IsReviewer]

    class InputSerializer(serializers.Serializer):
        # Blank passes here: the service refuses it, for the API and the pages alike.
        reason = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                       default="")  # fmt: skip

    @extend_schema(request=InputSerializer, responses={204: None})
    def delete(self, request, product_id, term_id):
        product = _product(request, product_id)
        ref = reference_term_get(product=product, term_id=term_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reference_term_remove(
            actor=request.user, reference_term=ref, reason=data.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProductRsiImportApi(APIView):
    """POST a CSV (multipart `file`, or JSON/form `csv` text) and optionally `replace`:
    all or nothing; a bad file is a 400 whose message and `extra.line` name the line."""

    permission_classes = [IsReviewer]

    class InputSerializer(serializers.Serializer):
        csv = serializers.CharField(required=False, allow_blank=False, trim_whitespace=False)
        file = serializers.FileField(required=False)
        replace = serializers.BooleanField(default=False)

    class OutputSerializer(serializers.Serializer):
        added_or_updated = serializers.IntegerField()
        unchanged = serializers.IntegerField()
        removed = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request, product_id):
        product = _product(request, product_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if "file" in v:
            text = reference_terms_csv_text(v["file"].read(MAX_CSV_BYTES + 1))
        elif "csv" in v:
            if len(v["csv"]) > MAX_CSV_BYTES:
                raise DomainError("The CSV is larger than 2 MB.", code="invalid")
            text = v["csv"]
        else:
            raise DomainError("Send the CSV as `file` or as `csv` text.", code="invalid")
        counts = reference_terms_import_csv(
            actor=request.user, product=product, text=text, replace=v["replace"]
        )
        return Response(self.OutputSerializer(counts).data)
