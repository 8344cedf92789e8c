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
        try:
            wanted_by = date.fromisoformat(request.POST.get("wanted_by", ""))
        except ValueError as exc:
            raise DomainError("Give a wanted-by date.", code="invalid") from exc
        free = [line for line in (request.POST.get("free_text") or "").splitlines() if line.strip()]
        followup_request_create(
            actor=request.user,
            case=case,
            questions=request.POST.getlist("questions"),
            free_text_questions=free,
            wanted_by=wanted_by,
        )
        messages.success(request, "Follow-up request sent for review.")
        return redirect(reverse("web:partner-case", args=[case.id]))
