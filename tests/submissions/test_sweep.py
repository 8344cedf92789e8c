"""The submissions outbox sweeper republishes every unfinished state, and only overdue ones."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from submissions.models import Submission
from submissions.services import submission_prepare, submission_sweep
from tests.submissions.receiver import Receiver
from tests.submissions.test_submission_service import _case, _route, partners  # noqa: F401

pytestmark = pytest.mark.django_db
S = Submission.Status


def _later(settings, extra: float = 1) -> timezone.datetime:
    wait = settings.PV_OUTBOX_GRACE_SECONDS + settings.PV_TASK_RETRY_MAX_SECONDS + extra
    return timezone.now() + timedelta(seconds=wait)


def test_each_unfinished_state_is_republished_once_overdue(
    partners,  # noqa: F811
    canary_member,
    reviewer,
    settings,
    django_capture_on_commit_callbacks,
):
    # given one submission per unfinished state (a push FDA, a pull sponsor)
    with Receiver(["accept"]) as receiver:
        partners["fda"].endpoint_url = receiver.url
        partners["fda"].save()
        routed = _route(_case(canary_member, reviewer))
        fda = submission_prepare(submission=routed["FDA test"])  # validated, push
        Submission.objects.filter(id=fda.id).update(status=S.SENDING)  # killed mid-POST
        sponsor = routed["Sponsor A"]  # still queued: its prepare task was lost
        with (
            patch("submissions.tasks.submission_send_task.apply_async") as send,
            patch("submissions.tasks.submission_prepare_task.apply_async") as prepare,
            django_capture_on_commit_callbacks(execute=True),
        ):
            # when the sweeper runs inside the grace period, nothing moves
            assert submission_sweep() == {
                "held_released": 0,
                "unrouted": 0,
                "queued": 0,
                "sending": 0,
                "validated": 0,
            }
            # when it runs after it, each row is republished once
            counts = submission_sweep(now=_later(settings))
            again = submission_sweep(now=_later(settings))
    assert counts == {"held_released": 0, "unrouted": 0, "queued": 1, "sending": 1, "validated": 0}
    assert again == {"held_released": 0, "unrouted": 0, "queued": 0, "sending": 0, "validated": 0}
    assert [c.kwargs["args"] for c in send.call_args_list] == [(str(fda.id),)]
    assert [c.kwargs["args"] for c in prepare.call_args_list] == [(str(sponsor.id),)]
    assert Submission.objects.get(id=fda.id).status == S.VALIDATED


def test_a_push_left_validated_is_sent_after_its_retry_wait_and_pull_rows_are_not(
    partners,  # noqa: F811
    canary_member,
    reviewer,
    settings,
    django_capture_on_commit_callbacks,
):
    with Receiver(["accept"]) as receiver:
        partners["fda"].endpoint_url = receiver.url
        partners["fda"].save()
        routed = _route(_case(canary_member, reviewer))
        pull = submission_prepare(submission=routed["Sponsor A"])
        with patch("submissions.tasks.submission_send_task.apply_async"):
            push = submission_prepare(submission=routed["FDA test"])  # its send task is lost
        assert (push.status, pull.status) == (S.VALIDATED, S.VALIDATED)
        with django_capture_on_commit_callbacks(execute=True):
            counts = submission_sweep(now=_later(settings))
    assert counts["validated"] == 1
    push.refresh_from_db()
    pull.refresh_from_db()
    assert (push.status, push.ack_result) == (S.ACKNOWLEDGED, "accepted")
    assert pull.status == S.VALIDATED  # a pull partner downloads it; nothing to send
    assert len(receiver.received) == 1


def test_a_case_whose_routing_task_was_lost_is_routed_by_the_sweeper(
    partners,  # noqa: F811
    canary_member,
    reviewer,
    settings,
    django_capture_on_commit_callbacks,
):
    # given a case confirmed while the broker was down: its routing task never published
    with (
        patch("pv.core.outbox._in_process", return_value=False),
        patch("celery.app.task.Task.apply_async", side_effect=BrokerDown("connection refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        case = _case(canary_member, reviewer)
    assert not Submission.objects.filter(case=case).exists()
    # when the sweeper runs after the grace period (twice: the second finds it routed)
    with django_capture_on_commit_callbacks(execute=True):
        first = submission_sweep(now=_later(settings))
    with django_capture_on_commit_callbacks(execute=True):
        second = submission_sweep(now=_later(settings))
    # then the case is routed once: one submission per recipient, prepared
    assert (first["unrouted"], second["unrouted"]) == (1, 0)
    recipients = list(
        Submission.objects.filter(case=case).values_list("recipient__name", flat=True)
    )
    assert sorted(recipients) == ["FDA test", "Sponsor A"]
    assert not Submission.objects.filter(case=case, status=S.QUEUED).exists()
