"""Reviewer gate, merging, the relay email, reminders, expiry, and never contacting those who
cannot be contacted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from followup.models import FollowupAttempt, FollowupMessage, FollowupRequest
from followup.services import (
    followup_housekeeping,
    followup_message_remind,
    followup_message_send,
    followup_request_approve,
)
from followup.tasks import followup_beat_task
from pv.models import AuditEvent
from pv.services.members import member_deactivate, member_set_contact_opt_out
from tests.conftest import CANARY_EMAIL, assert_no_canary
from tests.followup.conftest import approve_and_send, link_token, open_request

pytestmark = pytest.mark.django_db
REQ = "/api/v1/followup/requests/"


def _partner_status(client, request_id) -> str:
    return client.get(f"{REQ}{request_id}/").json()["status"]


def test_approval_relays_one_email_with_a_link_and_nothing_else(
    as_reviewer, as_regulator, regulator, received_case, django_capture_on_commit_callbacks
):
    # given
    request = open_request(regulator, received_case)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = as_reviewer.post(f"{REQ}{request.id}/approve/", {"note": "ok"}, format="json")
    # then
    assert response.status_code == 200, response.content
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [CANARY_EMAIL]
    token = link_token(email)
    for detail in ("Zoloft", "sertraline", "nsomnia", "FDA", received_case.worldwide_case_id):
        assert detail not in email.body and detail not in email.subject
    # only the hash of the token is stored
    message = FollowupMessage.objects.get()
    assert message.status == "sent" and message.attempts == 1
    assert not message.links.filter(token_hash__contains=token).exists()
    # the address came from the vault, audited with its purpose
    read = AuditEvent.objects.filter(action="vault.identity_read").last()
    assert read.after == {"purpose": "follow-up"}
    attempt = FollowupAttempt.objects.get()
    assert (attempt.number, attempt.kind, attempt.outcome) == (1, "initial", "sent")
    assert _partner_status(as_regulator, request.id) == "sent"


def test_reviewer_can_edit_then_approve(as_reviewer, regulator, received_case):
    request = open_request(regulator, received_case, free=["Did you drive?"])
    response = as_reviewer.patch(
        f"{REQ}{request.id}/",
        {"questions": ["outcome"], "free_text_questions": ["Did you need time off work?"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [q["key"] for q in response.json()["questions"]] == ["outcome", "free"]
    assert AuditEvent.objects.filter(action="followup.request_edited").count() == 1


def test_reviewer_declines_and_partner_sees_declined(
    as_reviewer, as_regulator, regulator, received_case
):
    request = open_request(regulator, received_case)
    response = as_reviewer.post(f"{REQ}{request.id}/decline/", {"note": "fishing"}, format="json")
    assert response.status_code == 200
    body = as_regulator.get(f"{REQ}{request.id}/").json()
    assert body["status"] == "declined" and "review_note" not in body
    assert len(mail.outbox) == 0
    # a decided request cannot be decided again
    again = as_reviewer.post(f"{REQ}{request.id}/approve/", {}, format="json")
    assert again.status_code == 409


def test_partners_cannot_approve(as_regulator, regulator, received_case):
    request = open_request(regulator, received_case)
    assert as_regulator.post(f"{REQ}{request.id}/approve/", {}, format="json").status_code == 403
    assert as_regulator.patch(f"{REQ}{request.id}/", {}, format="json").status_code == 403


def test_overlapping_requests_from_two_partners_become_one_message(
    regulator, sponsor_user, reviewer, received_case, django_capture_on_commit_callbacks
):
    # given two partners asking partly the same questions
    a = open_request(regulator, received_case, questions=["onset_date", "outcome"])
    b = open_request(
        sponsor_user, received_case, questions=["outcome", "other_medicines"], free=["Any rash?"]
    )
    # when both are approved, one before the email went out, one after
    with django_capture_on_commit_callbacks(execute=True):
        followup_request_approve(actor=reviewer, request=a)
        followup_request_approve(actor=reviewer, request=b)
    # then
    message = FollowupMessage.objects.get()
    assert [q["id"] for q in message.questions][:3] == ["onset_date", "outcome", "other_medicines"]
    assert len(message.questions) == 4
    assert len(mail.outbox) == 1
    assert set(FollowupRequest.objects.values_list("message_id", flat=True)) == {message.id}
    assert set(FollowupRequest.objects.values_list("status", flat=True)) == {"sent"}


def test_request_approved_after_the_message_went_out_joins_it(
    sent_message, sponsor_user, reviewer, received_case, django_capture_on_commit_callbacks
):
    late = open_request(sponsor_user, received_case, questions=["lab_results"])
    with django_capture_on_commit_callbacks(execute=True):
        followup_request_approve(actor=reviewer, request=late)
    late.refresh_from_db()
    sent_message.refresh_from_db()
    assert late.message_id == sent_message.id and late.status == "sent"
    assert "lab_results" in [q["id"] for q in sent_message.questions]
    assert len(mail.outbox) == 1  # no second email for the same case


@pytest.mark.parametrize("how", ["opt_out", "deactivate"])
def test_uncontactable_members_are_never_contacted(
    how,
    as_regulator,
    regulator,
    reviewer,
    canary_member,
    received_case,
    django_capture_on_commit_callbacks,
):
    request = open_request(regulator, received_case)
    if how == "opt_out":
        member_set_contact_opt_out(actor="test", member=canary_member, opted_out=True)
    else:
        member_deactivate(actor="test", member=canary_member)
    with django_capture_on_commit_callbacks(execute=True):
        followup_request_approve(actor=reviewer, request=request)
    assert len(mail.outbox) == 0
    assert FollowupMessage.objects.count() == 0
    assert _partner_status(as_regulator, request.id) == "not_contactable"
    assert not AuditEvent.objects.filter(
        action="vault.identity_read", after__purpose="follow-up"
    ).exists()


def test_member_deactivated_between_approval_and_send_is_not_emailed(
    regulator, reviewer, canary_member, received_case
):
    request = open_request(regulator, received_case)
    followup_request_approve(actor=reviewer, request=request)  # send not run yet (on commit)
    member_deactivate(actor="test", member=canary_member)
    message = followup_message_send(message_id=FollowupRequest.objects.get().message_id)
    assert message.status == "not_contactable" and len(mail.outbox) == 0
    assert FollowupAttempt.objects.get().outcome == "not_contactable"
    request.refresh_from_db()
    assert request.status == "not_contactable"


def test_two_workers_send_the_email_once(regulator, reviewer, received_case):
    request = open_request(regulator, received_case)
    followup_request_approve(actor=reviewer, request=request)
    message_id = FollowupRequest.objects.get().message_id
    followup_message_send(message_id=message_id)
    followup_message_send(message_id=message_id)  # a duplicate task delivery
    assert len(mail.outbox) == 1
    message = FollowupMessage.objects.get()
    when = message.next_attempt_at
    first = followup_message_remind(message_id=message_id, now=when)
    second = followup_message_remind(message_id=message_id, now=when)  # the other worker
    assert len(mail.outbox) == 2 and first.attempts == second.attempts == 2


def test_reminders_on_day_7_and_14_then_expiry(as_regulator, sent_message):
    # given a message first sent at t0
    t0 = sent_message.first_sent_at
    request = sent_message.requests.get()
    # day 6: nothing due
    assert followup_housekeeping(now=t0 + timedelta(days=6))["remind"] == []
    # day 7: first reminder
    due = followup_housekeeping(now=t0 + timedelta(days=7))["remind"]
    assert due == [str(sent_message.id)]
    followup_message_remind(message_id=due[0], now=t0 + timedelta(days=7))
    assert len(mail.outbox) == 2 and mail.outbox[1].subject.startswith("Reminder")
    assert _partner_status(as_regulator, request.id) == "reminded"
    # each email carries a fresh link
    assert link_token(mail.outbox[0]) != link_token(mail.outbox[1])
    # day 14: second reminder; then no more (max 3 attempts)
    followup_message_remind(message_id=sent_message.id, now=t0 + timedelta(days=14))
    assert len(mail.outbox) == 3
    followup_message_remind(message_id=sent_message.id, now=t0 + timedelta(days=27))
    assert len(mail.outbox) == 3
    # day 28: expired, and the partner sees it
    counts = followup_housekeeping(now=t0 + timedelta(days=28))
    assert counts["expired"] == 1 and counts["remind"] == []
    assert _partner_status(as_regulator, request.id) == "expired"
    attempts = list(FollowupAttempt.objects.values_list("number", "kind", "outcome"))
    assert attempts == [
        (1, "initial", "sent"),
        (2, "reminder", "sent"),
        (3, "reminder", "sent"),
    ]
    # links die with the message
    from followup.services import LinkGone, followup_link_resolve

    with pytest.raises(LinkGone):
        followup_link_resolve(token=link_token(mail.outbox[2]), now=t0 + timedelta(days=20))


def test_reminder_schedule_and_attempts_are_configurable(
    settings, regulator, reviewer, received_case, django_capture_on_commit_callbacks
):
    settings.PV_FOLLOWUP_REMINDER_DAYS = [3, 5, 9]
    settings.PV_FOLLOWUP_MAX_ATTEMPTS = 2
    settings.PV_FOLLOWUP_EXPIRE_DAYS = 10
    message = approve_and_send(
        open_request(regulator, received_case), reviewer, django_capture_on_commit_callbacks
    )
    t0 = message.first_sent_at
    assert message.next_attempt_at == t0 + timedelta(days=3)
    assert message.expires_at == t0 + timedelta(days=10)
    followup_message_remind(message_id=message.id, now=t0 + timedelta(days=3))
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at is None


def test_member_who_opts_out_later_gets_no_reminder(as_regulator, sent_message, canary_member):
    member_set_contact_opt_out(actor="test", member=canary_member, opted_out=True)
    t7 = sent_message.first_sent_at + timedelta(days=7)
    followup_message_remind(message_id=sent_message.id, now=t7)
    assert len(mail.outbox) == 1
    sent_message.refresh_from_db()
    assert sent_message.status == "not_contactable"
    assert _partner_status(as_regulator, sent_message.requests.get().id) == "not_contactable"
    assert FollowupAttempt.objects.filter(outcome="not_contactable").count() == 1


def test_beat_task_sweeps_deactivated_members_and_pending_requests(
    as_sponsor, sponsor_user, sent_message, canary_member, received_case
):
    pending = open_request(sponsor_user, received_case)
    member_deactivate(actor="test", member=canary_member)
    result = followup_beat_task()
    assert result["not_contactable"] == 2
    sent_message.refresh_from_db()
    assert sent_message.status == "not_contactable"
    assert _partner_status(as_sponsor, pending.id) == "not_contactable"


def test_beat_task_resends_a_message_a_dead_worker_left_sending(sent_message, reviewer):
    from django.utils import timezone

    # given a message claimed for sending 20 minutes ago by a worker that died
    FollowupMessage.objects.filter(id=sent_message.id).update(
        status="queued", attempts=0, first_sent_at=None
    )
    FollowupMessage.objects.filter(id=sent_message.id).update(
        status="sending", updated_at=timezone.now() - timedelta(minutes=20)
    )
    # when
    followup_beat_task()
    # then it is re-queued and sent
    sent_message.refresh_from_db()
    assert sent_message.status == "sent" and len(mail.outbox) == 2


def test_failed_email_is_recorded_and_retried(monkeypatch, regulator, reviewer, received_case):
    import smtplib

    from followup.services import EmailUnavailable

    request = open_request(regulator, received_case)
    followup_request_approve(actor=reviewer, request=request)
    message_id = FollowupRequest.objects.get().message_id

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected(f"lost connection for {CANARY_EMAIL}")

    with monkeypatch.context() as m:
        m.setattr("django.core.mail.EmailMessage.send", refuse)
        with pytest.raises(EmailUnavailable):
            followup_message_send(message_id=message_id)
    failed = FollowupAttempt.objects.get()
    assert failed.outcome == "failed" and failed.detail == "SMTPServerDisconnected"
    assert FollowupMessage.objects.get().status == "queued"  # claim released for the retry
    followup_message_send(message_id=message_id)
    assert len(mail.outbox) == 1
    assert list(FollowupAttempt.objects.values_list("outcome", flat=True)) == ["failed", "sent"]


def test_logs_carry_ids_never_addresses(caplog, sent_message):
    import logging

    caplog.set_level(logging.INFO)
    followup_message_remind(
        message_id=sent_message.id, now=sent_message.first_sent_at + timedelta(days=7)
    )
    assert "follow-up message" in caplog.text
    assert_no_canary(caplog.text)
