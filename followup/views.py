"""The member's answer page behind an emailed link. No login: the link is the credential,
used once and expiring. Deliberately plain: the full member UI is the community's."""

from __future__ import annotations

from django.shortcuts import render
from django.views import View

from followup.selectors import followup_member_excerpt
from followup.services import (
    CONSENT_TEXT,
    followup_link_resolve,
    followup_member_opt_out,
    followup_message_answer,
    followup_message_decline,
)
from pv.core.exceptions import DomainError

DONE = {
    "answer": "Thank you. Your answers have been sent.",
    "decline": "Thank you. You will not be asked these questions again.",
    "opt_out": "You will not be contacted about follow-up questions again.",
}


def _private(response):
    # The token is in the URL: keep it out of caches and out of Referer headers sent to other
    # sites. "same-origin", not "no-referrer": under "no-referrer" a browser sends
    # `Origin: null` with the form's POST (Fetch standard, "append a request Origin header"),
    # which Django's CSRF check rightly refuses. Under "same-origin" the page's own POST carries
    # its real Origin (and Referer, to this site only) while every other site gets neither.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


class FollowupReplyView(View):
    template_name = "followup/reply.html"

    def _gone(self, request, exc: DomainError):
        return _private(
            render(
                request,
                "followup/reply_closed.html",
                {"message": exc.message},
                status=exc.http_status,
            )
        )

    def _form(self, request, link, *, errors=None, values=None, status=200):
        message = link.message
        context = {
            "questions": [
                {**q, "value": (values or {}).get(q["id"], "")} for q in message.questions
            ],
            "about": followup_member_excerpt(message=message),
            "expires_on": link.expires_at.date(),
            "consent_text": CONSENT_TEXT,
            "errors": errors or [],
        }
        return _private(render(request, self.template_name, context, status=status))

    def get(self, request, token):
        try:
            link = followup_link_resolve(token=token)
        except DomainError as exc:
            return self._gone(request, exc)
        return self._form(request, link)

    def post(self, request, token):
        try:
            link = followup_link_resolve(token=token)
        except DomainError as exc:
            return self._gone(request, exc)
        action = request.POST.get("action", "")
        message = link.message
        values = {q["id"]: request.POST.get(f"q-{q['id']}", "") for q in message.questions}
        try:
            if action == "answer":
                followup_message_answer(
                    actor=None,
                    message=message,
                    answers=values,
                    consent=request.POST.get("consent") == "yes",
                    link=link,
                )
            elif action == "decline":
                followup_message_decline(actor=None, message=message, link=link)
            elif action == "opt_out":
                followup_member_opt_out(actor=None, member=message.member, link=link)
            else:
                return self._form(request, link, errors=["Choose an action."], status=400)
        except DomainError as exc:
            if exc.http_status == 410:
                return self._gone(request, exc)
            return self._form(request, link, errors=[exc.message], values=values, status=400)
        return _private(render(request, "followup/reply_done.html", {"message": DONE[action]}))
