"""Regulator and sponsor pages: the inbox, a received case, the XML download.

Nothing here may show Restricted Data: cases are rendered from the partner API's own output
(`pv.apis.CaseOutput`, which scrubs free text for partners and gives each partner its own
pseudonym), and downloads go through `submission_download`, so a pull is recorded.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views import View

from pv.apis import CaseOutput
from pv.models import Case, User
from pv.selectors import case_get_visible, product_list_visible_to
from pv.web.mixins import PartnerRequiredMixin
from pv.web.selectors import partner_followups, partner_inbox, partner_member_pseudonym
from pv.web.uuids import uuid_or_404
from pv.web.views_followup import QUESTION_CHOICES
from submissions.selectors import submission_get_visible, submission_list_visible_to
from submissions.services import submission_download

PAGE_SIZE = 50


def _signals_url() -> str:
    """The sponsor signal dashboard lives in the signals app; link to it once it is mounted."""
    try:
        return reverse("signals-dashboard")
    except NoReverseMatch:
        return ""


class PartnerInboxView(PartnerRequiredMixin, View):
    def get(self, request):
        user = request.user
        page = Paginator(partner_inbox(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        for s in rows:
            s.member_pseudonym = partner_member_pseudonym(user=user, case=s.case)
        context = {
            "page": page,
            "submissions": rows,
            "products": list(product_list_visible_to(user=user))
            if user.role == User.Role.SPONSOR
            else [],
            "followups": partner_followups(user=user),
            "signals_url": _signals_url(),
        }
        return render(request, "pv/web/partner_inbox.html", context)


class PartnerCaseView(PartnerRequiredMixin, View):
    def get(self, request, case_id):
        case = case_get_visible(user=request.user, case_id=uuid_or_404(case_id))
        data = CaseOutput(case, context={"user": request.user}).data
        labels = {
            "sex": dict(Case.Sex.choices).get(data["patient_sex"], data["patient_sex"]),
            "qualification": dict(Case.Qualification.choices).get(
                data["reporter_qualification"], data["reporter_qualification"]
            ),
        }
        submissions = list(
            submission_list_visible_to(user=request.user)
            .filter(case__worldwide_case_id=case.worldwide_case_id)
            .order_by("-case__version")
        )
        return render(
            request,
            "pv/web/partner_case.html",
            {
                "case": data,
                "labels": labels,
                "submissions": submissions,
                "followups": [
                    f
                    for f in partner_followups(user=request.user)
                    if f.worldwide_case_id == case.worldwide_case_id
                ],
                "questions": QUESTION_CHOICES,
                "today": timezone.now().date(),
            },
        )


class PartnerSubmissionXmlView(PartnerRequiredMixin, View):
    """Download the ICSR batch; the first download marks a pull submission as sent."""

    def get(self, request, submission_id):
        submission = submission_get_visible(
            user=request.user, submission_id=uuid_or_404(submission_id)
        )
        xml = submission_download(submission=submission, actor=request.user)
        response = HttpResponse(xml, content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{submission.message_id}.xml"'
        return response
