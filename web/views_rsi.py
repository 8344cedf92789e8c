"""Reference safety information pages (reviewers, admins): the products with their RSI counts,
and per product its expected terms: add (with the terminology search), remove with a reason,
import a CSV (all or nothing; the error names the line), optionally replacing the list.

Writes go through `pv.services.rsi`; this module parses the form and renders."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from pv.core.exceptions import DomainError
from pv.selectors import product_get_visible, reference_term_get, reference_terms_for_product
from pv.services.rsi import (
    MAX_CSV_BYTES,
    reference_term_add,
    reference_term_remove,
    reference_terms_csv_text,
    reference_terms_import_csv,
)
from web.mixins import StaffRequiredMixin
from web.selectors_rsi import product_list_with_rsi_counts
from web.uuids import uuid_or_404


def _product(request, product_id):
    return product_get_visible(user=request.user, product_id=uuid_or_404(product_id))


def _back(product) -> str:
    return reverse("web:product-rsi", args=[product.id])


class ProductListView(StaffRequiredMixin, View):
    def get(self, request):
        products = product_list_with_rsi_counts(user=request.user).order_by("sponsor__name", "name")
        return render(request, "pv/web/products.html", {"products": products})


class ProductRsiView(StaffRequiredMixin, View):
    def get(self, request, product_id):
        product = _product(request, product_id)
        terms = reference_terms_for_product(product=product).select_related("added_by")
        return render(request, "pv/web/product_rsi.html", {"product": product, "terms": terms})


class ProductRsiAddView(StaffRequiredMixin, View):
    def post(self, request, product_id):
        product = _product(request, product_id)
        p = request.POST
        ref = reference_term_add(
            actor=request.user,
            product=product,
            term=p.get("term", ""),
            code=p.get("code", ""),
            terminology=p.get("terminology", ""),
            source=p.get("source", ""),
        )
        messages.success(request, f"“{ref.term}” is listed for {product.name}.")
        return redirect(_back(product))


class ProductRsiRemoveView(StaffRequiredMixin, View):
    def post(self, request, product_id, term_id):
        product = _product(request, product_id)
        ref = reference_term_get(product=product, term_id=uuid_or_404(term_id))
        reason = " ".join((request.POST.get("reason") or "").split())[:500]
        reference_term_remove(actor=request.user, reference_term=ref, reason=reason)
        messages.success(request, f"“{ref.term}” removed from {product.name}'s RSI.")
        return redirect(_back(product))


def _upload_text(upload) -> str:
    if upload is None:
        raise DomainError("Choose a CSV file to import.", code="invalid", extra={"field": "file"})
    return reference_terms_csv_text(upload.read(MAX_CSV_BYTES + 1))


class ProductRsiImportView(StaffRequiredMixin, View):
    def post(self, request, product_id):
        product = _product(request, product_id)
        replace = request.POST.get("replace") == "on"
        counts = reference_terms_import_csv(
            actor=request.user,
            product=product,
            text=_upload_text(request.FILES.get("file")),
            replace=replace,
        )
        messages.success(
            request,
            f"Imported: {counts['added_or_updated']} added or updated, {counts['unchanged']} "
            f"unchanged, {counts['removed']} removed.",
        )
        return redirect(_back(product))
