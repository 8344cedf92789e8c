"""The member's pages: a home with their follow-up inbox, their own posts and reports; one
inbox message to answer or decline; opting out of all follow-up contact.

The same services as the inbox API and the emailed link (`followup.services`), with the
signed-in member as actor, so ownership, consent, scrubbing and the audit trail are theirs.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from followup.models import FollowupMessage
from followup.selectors import (
    followup_asked_by,
    followup_inbox_for,
    followup_inbox_get,
    followup_member_excerpt,
)
from followup.services import (
    CONSENT_TEXT,
    followup_member_opt_out,
    followup_message_answer,
    followup_message_decline,
)
from intake.selectors import post_list_visible_to, report_list_visible_to
from pv.core.exceptions import DomainError, NotFound
from pv.models import User
from web.mixins import RoleRequiredMixin

RECENT = 20
DONE = {
    "answer": "Thank you. Your answers have been sent.",
    "decline": "Thank you. You will not be asked these questions again.",
}


def _inbox_item(message: FollowupMessage) -> dict:
    return {
        "id": message.id,
        "status": message.get_status_display(),
        "open": message.status in FollowupMessage.AWAITING_MEMBER,
        "about": followup_member_excerpt(message=message, limit=160),
        "asked_by": followup_asked_by(message=message),
        "sent_at": message.first_sent_at,
        "expires_at": message.expires_at,
    }


def member_home(request):
    """The signed-in member's home (rendered at `/` for the member role)."""
    user = request.user
    member = getattr(user, "member", None)
    inbox = followup_inbox_for(user=user).order_by("-first_sent_at")
    context = {
        "member": member,
        "inbox": [_inbox_item(m) for m in inbox],
        "posts": post_list_visible_to(user=user).order_by("-posted_at")[:RECENT],
        "post_count": post_list_visible_to(user=user).count(),
        "reports": report_list_visible_to(user=user).order_by("-submitted_at")[:RECENT],
        "report_count": report_list_visible_to(user=user).count(),
    }
    return render(request, "pv/member_home.html", context)


class MemberRequiredMixin(RoleRequiredMixin):
    roles = (User.Role.MEMBER,)

    def error_fallback_url(self, request) -> str:
        return request.path


class MemberMessageView(MemberRequiredMixin, View):
    """One inbox message: the questions and the member's own words they are about."""

    def _page(self, request, message, *, errors=(), values=None, status=200):
        context = {
            "message": message,
            "about": followup_member_excerpt(message=message),
            "asked_by": followup_asked_by(message=message),
            "open": message.status in FollowupMessage.AWAITING_MEMBER,
            "questions": [
                {
                    **q,
                    "value": (values or {}).get(q["id"], ""),
                    "answer": message.answers.get(q["id"], ""),
                }
                for q in message.questions
            ],
            "expires_on": message.expires_at.date() if message.expires_at else None,
            "consent_text": message.consent_text or CONSENT_TEXT,
            "errors": list(errors),
            "actions": ("answer", "decline"),
        }
        return render(request, "pv/member_message.html", context, status=status)

    def get(self, request, message_id):
        return self._page(request, followup_inbox_get(user=request.user, message_id=message_id))

    def post(self, request, message_id):
        message = followup_inbox_get(user=request.user, message_id=message_id)
        action = request.POST.get("action", "")
        values = {q["id"]: request.POST.get(f"q-{q['id']}", "") for q in message.questions}
        try:
            if action == "answer":
                followup_message_answer(
                    actor=request.user,
                    message=message,
                    answers=values,
                    consent=request.POST.get("consent") == "yes",
                )
            elif action == "decline":
                followup_message_decline(actor=request.user, message=message)
            else:
                return self._page(request, message, errors=["Choose an action."], status=400)
        except NotFound:
            raise
        except DomainError as exc:
            # Keep what the member typed: the form comes back with the reason above it.
            message = followup_inbox_get(user=request.user, message_id=message.id)
            return self._page(
                request, message, errors=[exc.message], values=values, status=exc.http_status
            )
        messages.success(request, DONE[action])
        return redirect("home")


class MemberOptOutView(MemberRequiredMixin, View):
    """Stop all follow-up contact: every open message and request closes."""

    def post(self, request):
        member = getattr(request.user, "member", None)
        if member is None:
            raise NotFound("No member profile.")
        followup_member_opt_out(actor=request.user, member=member)
        messages.success(request, "You will not be contacted about follow-up questions again.")
        return redirect("home")
