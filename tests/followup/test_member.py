"""The member side: inbox API, the emailed single-use link, consent, decline, opt out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from followup.models import FollowupLink, FollowupMessage
from followup.services import CONSENT_TEXT
from pv.models import AuditEvent, Member
from tests.conftest import CANARY_EMAIL, CANARY_NAME, CANARY_PHONE, assert_no_canary
from tests.followup.conftest import client_for, link_token, open_request

pytestmark = pytest.mark.django_db
INBOX = "/api/v1/followup/inbox/"


def _reply_url(token: str) -> str:
    return f"/followup/reply/{token}/"


def test_member_sees_the_questions_in_the_inbox_without_case_details(
    as_member, sent_message, received_case
):
    body = as_member.get(INBOX).json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == str(sent_message.id) and item["can_answer"]
    assert [q["id"] for q in item["questions"]] == ["onset_date", "outcome"]
    assert item["asked_by"] == ["a medicines regulator"]
    flat = str(item)
    assert "FDA" not in flat and received_case.worldwide_case_id not in flat


def test_inbox_is_only_for_the_member_it_belongs_to(
    sent_message, other_member_user, as_regulator, as_reviewer
):
    other = client_for(other_member_user)
    assert other.get(INBOX).json()["count"] == 0
    assert other.get(f"{INBOX}{sent_message.id}/").status_code == 404
    answer = {"answers": {"outcome": "fine"}, "consent": True}
    assert other.post(f"{INBOX}{sent_message.id}/answer/", answer, format="json").status_code == 404
    assert as_regulator.get(INBOX).status_code == 403
    assert as_reviewer.get(INBOX).status_code == 403


def test_member_answers_in_the_inbox_and_answers_are_scrubbed(
    as_member, as_regulator, sent_message
):
    # given an answer full of the member's own Restricted Data and contact patterns
    answers = {
        "onset_date": f"About 3 March. I am {CANARY_NAME}, write to {CANARY_EMAIL}",
        "outcome": f"Better now. Call {CANARY_PHONE} or see https://blog.example/me",
    }
    # when
    response = as_member.post(
        f"{INBOX}{sent_message.id}/answer/", {"answers": answers, "consent": True}, format="json"
    )
    # then
    assert response.status_code == 200, response.content
    sent_message.refresh_from_db()
    assert sent_message.status == "answered" and sent_message.review_status == "pending"
    stored = " ".join(sent_message.answers.values())
    assert "About 3 March" in stored and "Better now" in stored
    assert_no_canary(stored)
    assert "blog.example" not in stored
    assert sent_message.consent_text == CONSENT_TEXT and sent_message.consent_at
    assert sent_message.response_channel == "inbox"
    assert AuditEvent.objects.filter(action="followup.consent_recorded").count() == 1
    assert as_regulator.get("/api/v1/followup/requests/").json()["results"][0]["status"] == (
        "answered"
    )
    # and it cannot be answered twice
    again = as_member.post(
        f"{INBOX}{sent_message.id}/answer/", {"answers": answers, "consent": True}, format="json"
    )
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"answers": {"outcome": "fine"}, "consent": False}, "consent_required"),
        ({"answers": {"outcome": "  "}, "consent": True}, "invalid"),
        ({"answers": {"hair_colour": "red"}, "consent": True}, "invalid"),
        ({"answers": {}, "consent": True}, "invalid"),
    ],
)
def test_bad_answers_are_refused(as_member, sent_message, payload, code):
    response = as_member.post(f"{INBOX}{sent_message.id}/answer/", payload, format="json")
    assert response.status_code == 400 and response.json()["code"] == code
    sent_message.refresh_from_db()
    assert sent_message.status == "sent"


def test_member_withdraws_from_a_pending_message(as_member, as_regulator, sent_message):
    response = as_member.post(f"{INBOX}{sent_message.id}/decline/")
    assert response.status_code == 200 and response.json()["status"] == "declined"
    request = sent_message.requests.get()
    assert as_regulator.get(f"/api/v1/followup/requests/{request.id}/").json()["status"] == (
        "declined"
    )


def test_member_opts_out_of_all_contact(
    as_member, as_sponsor, sponsor_user, sent_message, received_case, canary_member
):
    pending = open_request(sponsor_user, received_case)
    response = as_member.post("/api/v1/followup/opt-out/")
    assert response.status_code == 200 and response.json() == {"contact_opt_out": True}
    assert Member.objects.get(id=canary_member.id).contact_opt_out
    sent_message.refresh_from_db()
    assert sent_message.status == "not_contactable"
    assert as_sponsor.get(f"/api/v1/followup/requests/{pending.id}/").json()["status"] == (
        "not_contactable"
    )
    assert AuditEvent.objects.filter(action="member.contact_opt_out_changed").exists()


# ---- the emailed link ---------------------------------------------------------------------


def test_link_page_shows_the_questions_and_takes_an_answer_once(sent_message):
    token = link_token(mail.outbox[0])
    browser = Client()
    page = browser.get(_reply_url(token))
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store" and page["Referrer-Policy"] == "same-origin"
    html = page.content.decode()
    assert "When did the problem start?" in html and 'for="consent"' in html
    # without consent: the form comes back, nothing is used up
    refused = browser.post(_reply_url(token), {"action": "answer", "q-outcome": "ok"})
    assert refused.status_code == 400 and "confirm" in refused.content.decode()
    done = browser.post(
        _reply_url(token),
        {"action": "answer", "q-outcome": f"ok now, {CANARY_NAME}", "consent": "yes"},
    )
    assert done.status_code == 200 and "Thank you" in done.content.decode()
    sent_message.refresh_from_db()
    assert sent_message.status == "answered" and sent_message.response_channel == "link"
    assert_no_canary(str(sent_message.answers))
    assert FollowupLink.objects.get().used_at is not None
    # the same link again: gone
    reused = browser.post(_reply_url(token), {"action": "decline"})
    assert reused.status_code == 410 and "already been used" in reused.content.decode()
    assert browser.get(_reply_url(token)).status_code == 410


def test_expired_link_is_refused(sent_message):
    token = link_token(mail.outbox[0])
    FollowupLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().get(_reply_url(token))
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_forged_and_tampered_links_are_404(sent_message):
    token = link_token(mail.outbox[0])
    raw, signature = token.rsplit(":", 1)
    for bad in (f"{raw}:{signature[:-2]}xx", "A" * 43 + ":" + signature, "nonsense"):
        assert Client().get(_reply_url(bad)).status_code == 404


def test_decline_and_opt_out_through_the_link(sent_message, canary_member):
    token = link_token(mail.outbox[0])
    response = Client().post(_reply_url(token), {"action": "opt_out"})
    assert response.status_code == 200
    assert Member.objects.get(id=canary_member.id).contact_opt_out
    assert FollowupMessage.objects.get().status == "not_contactable"
