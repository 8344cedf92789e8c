"""Follow-up on the pages: partners ask, reviewers approve or decline, reviewers merge answers.

Every action is one call to a `followup` service; scoping comes from `followup.selectors` and
`pv.selectors` (not yours = 404).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View

from followup.catalogue import CATALOGUE, CATALOGUE_KEYS
from followup.selectors import followup_message_get_for_staff, followup_request_get_visible
from followup.services.requests import (
    followup_request_approve,
    followup_request_create,
    followup_request_decline,
)
from followup.services.review import followup_answer_merge, followup_answer_reject
from pv.core.exceptions import DomainError
from pv.selectors import case_get_visible
from web.mixins import PartnerRequiredMixin, StaffRequiredMixin
from web.uuids import uuid_or_404

QUESTION_CHOICES = [(k, CATALOGUE[k]["label"]) for k in CATALOGUE_KEYS]


def _note(request) -> str:
    return (request.POST.get("note") or "").strip()[:2000]


class FollowupApproveView(StaffRequiredMixin, View):
    def post(self, request, request_id):
        fu = followup_request_get_visible(user=request.user, request_id=uuid_or_404(request_id))
        fu = followup_request_approve(actor=request.user, request=fu, note=_note(request))
        messages.success(
            request, f"Follow-up request from {fu.partner.name}: {fu.get_status_display().lower()}."
        )
        return redirect(reverse("web:case", args=[fu.case_id]) + "#followup")


class FollowupDeclineView(StaffRequiredMixin, View):
    def post(self, request, request_id):
        fu = followup_request_get_visible(user=request.user, request_id=uuid_or_404(request_id))
        fu = followup_request_decline(actor=request.user, request=fu, note=_note(request))
        messages.success(request, f"Follow-up request from {fu.partner.name} declined.")
        return redirect(reverse("web:case", args=[fu.case_id]) + "#followup")


class FollowupAnswerMergeView(StaffRequiredMixin, View):
    def post(self, request, message_id):
        message = followup_message_get_for_staff(message_id=uuid_or_404(message_id))
        new = followup_answer_merge(
            actor=request.user,
            message=message,
            accepted=request.POST.getlist("accepted"),
            reason=(request.POST.get("reason") or "").strip()[:2000],
            note=_note(request),
        )
        messages.success(request, f"Answers merged: version {new.version} created.")
        return redirect(reverse("web:case", args=[new.id]))


class FollowupAnswerRejectView(StaffRequiredMixin, View):
    def post(self, request, message_id):
        message = followup_message_get_for_staff(message_id=uuid_or_404(message_id))
        followup_answer_reject(actor=request.user, message=message, note=_note(request))
        messages.success(request, "Answer marked as not used.")
        return redirect(reverse("web:case", args=[message.case_id]) + "#followup")


class PartnerFollowupCreateView(PartnerRequiredMixin, View):
    """A partner asks for follow-up on a case it received."""

    def post(self, request, case_id):
        case = case_get_visible(user=request.user, case_id=uuid_or_404(case_id))
        p = request.POST
        free_text = (p.get("free_text") or "")[:5000]
        try:
            try:
                wanted_by = date.fromisoformat(p.get("wanted_by", ""))
            except ValueError as exc:
                raise DomainError("Give a wanted-by date.", code="invalid") from exc
            followup_request_create(
                actor=request.user,
                case=case,
                questions=p.getlist("questions"),
                free_text_questions=[line for line in free_text.splitlines() if line.strip()],
                wanted_by=wanted_by,
            )
        except DomainError as exc:
            # The page again, with every tick and typed value kept and the reason (a redirect
            # would lose them).
            from web.views_partner import partner_case_page  # noqa: PLC0415 (views import cycle)

            form = {
                "questions": [k for k in p.getlist("questions") if k in CATALOGUE_KEYS],
                "free_text": free_text,
                "wanted_by": (p.get("wanted_by") or "")[:10],
                "error": exc.message,
            }
            return partner_case_page(request, case.id, form=form, status=exc.http_status)
        messages.success(request, "Follow-up request sent for review.")
        return redirect(reverse("web:partner-case", args=[case.id]))
