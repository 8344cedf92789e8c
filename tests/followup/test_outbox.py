"""The follow-up outbox: a message whose send task was lost is sent by the beat sweep once its
grace period (and any retry wait) has passed, and only once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from followup.models import FollowupMessage, FollowupRequest
from followup.services import followup_request_approve
from followup.tasks import followup_beat_task
from tests.followup.conftest import open_request

pytestmark = pytest.mark.django_db


def _approved_with_lost_task(regulator, reviewer, received_case) -> FollowupMessage:
    # on-commit callbacks are not run here: the send task never reached a broker
    followup_request_approve(actor=reviewer, request=open_request(regulator, received_case))
    message = FollowupMessage.objects.get(id=FollowupRequest.objects.get().message_id)
    assert message.status == "queued" and len(mail.outbox) == 0
    return message


def test_a_lost_send_is_swept_after_grace_and_sent_once(
    regulator, reviewer, received_case, settings
):
    message = _approved_with_lost_task(regulator, reviewer, received_case)
    # within its grace period the sweep leaves it to its task
    followup_beat_task()
    assert len(mail.outbox) == 0
    # past the grace and the longest retry wait, the sweep sends it
    overdue = settings.PV_OUTBOX_GRACE_SECONDS + settings.PV_TASK_RETRY_MAX_SECONDS + 1
    FollowupMessage.objects.filter(id=message.id).update(
        updated_at=timezone.now() - timedelta(seconds=overdue)
    )
    followup_beat_task()
    followup_beat_task()
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 1
    assert len(mail.outbox) == 1


def test_a_send_waiting_for_its_retry_is_not_swept_early(
    monkeypatch, regulator, reviewer, received_case, settings
):
    import smtplib

    from followup.services import EmailUnavailable, followup_message_send

    # given a message queued long ago whose send has just failed on the mail server
    message = _approved_with_lost_task(regulator, reviewer, received_case)
    FollowupMessage.objects.filter(id=message.id).update(
        updated_at=timezone.now() - timedelta(days=1)
    )

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("mail server restarting")

    with monkeypatch.context() as m:
        m.setattr("django.core.mail.EmailMessage.send", refuse)
        with pytest.raises(EmailUnavailable):
            followup_message_send(message_id=message.id)
    # when the sweep runs during the task's retry wait
    followup_beat_task()
    # then it leaves the message to the retry: the released claim restarted its clock
    message.refresh_from_db()
    assert message.status == "queued" and len(mail.outbox) == 0
