"""Who may open which page, and how domain errors become pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from pv.core.exceptions import DomainError, NotFound
from pv.models import User

STAFF = (User.Role.REVIEWER, User.Role.ADMIN)
PARTNERS = (User.Role.REGULATOR, User.Role.SPONSOR)


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


class RoleRequiredMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; signed-in users without the role get 403."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.role not in self.roles:
            raise PermissionDenied
        try:
            return super().dispatch(request, *args, **kwargs)
        except NotFound as exc:
            # Missing and not-yours look the same, so partners cannot enumerate.
            raise Http404(exc.message) from exc
        except DomainError as exc:
            return self.domain_error(request, exc)

    def domain_error(self, request, exc: DomainError) -> HttpResponse:
        """htmx requests get an alert fragment (swapped in place); full pages a flash message."""
        if is_htmx(request):
            html = render_to_string("pv/web/_error.html", {"error": exc}, request=request)
            response = HttpResponse(html, status=exc.http_status)
            # Errors go to the page's alert region, whatever the request meant to replace.
            response["HX-Retarget"] = "#alerts"
            response["HX-Reswap"] = "innerHTML"
            return response
        messages.error(request, exc.message)
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = self.error_fallback_url(request)
        return redirect(back)

    def error_fallback_url(self, request) -> str:
        """Where a failed form post lands without a usable Referer: the page it came from."""
        if request.method == "GET":
            return request.path
        kwargs = getattr(self, "kwargs", {})
        if "item_id" in kwargs:
            return reverse("web:review", args=[kwargs["item_id"]])
        if "product_id" in kwargs:
            return reverse("web:product-rsi", args=[kwargs["product_id"]])
        if "case_id" in kwargs:
            name = "web:partner-case" if request.user.is_partner else "web:case"
            return reverse(name, args=[kwargs["case_id"]])
        return reverse("home")


class StaffRequiredMixin(RoleRequiredMixin):
    roles = STAFF


class PartnerRequiredMixin(RoleRequiredMixin):
    roles = PARTNERS
