"""Pushing a submission under faults, with real worker processes and a local gateway.

- The gateway answers 503, then times out, then accepts: the message is accepted once, with the
  same message id on every attempt.
- The sending worker is `kill -9`ed mid-POST, or while it holds a retry: the sweeper of the next
  worker sends it again within minutes (seconds here), and it is accepted once.
"""

from __future__ import annotations

import time

import pytest
from celery import Celery

from submissions.models import Submission
from tests.integration.fault_receiver import FaultyReceiver
from tests.integration.procs import database_url, require_broker, start_worker
from tests.submissions.test_submission_service import _case, partners  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def submission(partners, canary_member, reviewer):  # noqa: F811
    """A validated FDA submission waiting to be pushed (routing and prepare ran on commit)."""
    case = _case(canary_member, reviewer)
    row = Submission.objects.get(case=case, recipient=partners["fda"])
    assert row.status == Submission.Status.VALIDATED
    return row


def _send(queue: str, submission: Submission) -> None:
    producer = Celery("pv-test-producer", broker=require_broker(), set_as_current=False)
    producer.send_task("submissions.tasks.submission_send_task", args=[str(submission.id)],
                       queue=queue)  # fmt: skip
    producer.close()


def _wait_acknowledged(submission: Submission, worker, timeout: float = 90) -> Submission:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        submission.refresh_from_db()
        if submission.status in ("acknowledged", "failed"):
            return submission
        time.sleep(0.2)
    pytest.fail(f"still {submission.status} after {timeout} s:\n" + worker.output()[-4000:])
    return submission


def _point_at(submission: Submission, receiver: FaultyReceiver) -> None:
    submission.recipient.endpoint_url = receiver.url
    submission.recipient.save()


def test_5xx_then_timeout_then_accept_ends_accepted_once(tmp_path, queue, procs, submission):
    with FaultyReceiver([503, "timeout", "accept"]) as receiver:
        _point_at(submission, receiver)
        worker = start_worker(tmp_path, queue=queue, database=database_url())
        procs.append(worker)
        _send(queue, submission)
        submission = _wait_acknowledged(submission, worker)
    assert (submission.status, submission.ack_result) == ("acknowledged", "accepted")
    assert receiver.posts == [submission.message_id] * 3  # the same message id every time
    assert receiver.accepted == [submission.message_id]


def test_worker_killed_mid_post_is_sent_again_by_the_sweeper_and_accepted_once(
    tmp_path, queue, procs, submission
):
    db = database_url()
    with FaultyReceiver(["hang", "accept"]) as receiver:
        _point_at(submission, receiver)
        first = start_worker(tmp_path, queue=queue, database=db)
        procs.append(first)
        _send(queue, submission)
        deadline = time.monotonic() + 60
        while not receiver.posts and time.monotonic() < deadline:
            time.sleep(0.05)
        assert receiver.posts, first.output()[-3000:]
        # when the worker dies mid-POST
        first.kill9()
        receiver.release()
        submission.refresh_from_db()
        assert submission.status == "sending"
        # then the next worker's sweeper sends it again
        second = start_worker(tmp_path, queue=queue, database=db, beat=True)
        procs.append(second)
        submission = _wait_acknowledged(submission, second)
    assert (submission.status, submission.ack_result) == ("acknowledged", "accepted")
    assert receiver.posts == [submission.message_id] * 2
    assert receiver.accepted == [submission.message_id]


def test_worker_killed_while_holding_a_retry_is_sent_by_the_sweeper(
    tmp_path, queue, procs, submission
):
    db = database_url()
    with FaultyReceiver([503, "accept"]) as receiver:
        _point_at(submission, receiver)
        # given a worker that holds a long retry after the gateway's 503
        # (and whose own sweeper would wait long before touching it)
        first = start_worker(
            tmp_path,
            queue=queue,
            database=db,
            PV_TASK_RETRY_BASE_SECONDS="300",
            PV_TASK_RETRY_MAX_SECONDS="600",
            PV_OUTBOX_GRACE_SECONDS="600",
        )
        procs.append(first)
        _send(queue, submission)
        first.wait_for("Retry in 300", timeout=60)
        first.kill9()
        submission.refresh_from_db()
        assert submission.status == "validated"
        # when the next worker starts, its sweeper sends it once the retry wait and grace pass
        second = start_worker(tmp_path, queue=queue, database=db, beat=True)
        procs.append(second)
        submission = _wait_acknowledged(submission, second)
    assert (submission.status, submission.ack_result) == ("acknowledged", "accepted")
    assert receiver.posts == [submission.message_id] * 2
    assert receiver.accepted == [submission.message_id]
