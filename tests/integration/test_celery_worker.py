"""A real Celery worker process on the real broker (CI: Redis) runs an intake task and acks it.

Skipped when no broker is configured or the database is in-memory SQLite (a worker process
could not see it): that is the README's test command on a machine without the services.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from intake.models import Post, ScreeningStatus
from tests.factories import MemberFactory, PostFactory
from tests.integration.procs import forget_queue

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BROKER = settings.PV_TEST_BROKER_URL


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("postgresql"):
        auth = quote(db["USER"] or "")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"])
        return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    pytest.skip("needs a database a second process can open (set DATABASE_URL to PostgreSQL)")
    return ""


@pytest.fixture
def worker():
    if not BROKER:
        pytest.skip("no broker configured (set CELERY_BROKER_URL)")
    queue = f"pv-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "PV_CELERY_WORKER": "1",
        "DJANGO_SETTINGS_MODULE": "pv.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "PV_CELERY_QUEUE": queue,  # the start-up sweeps go to this worker's queue too
    }
    proc = subprocess.Popen(  # noqa: S603 (fixed argv)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pv",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "INFO",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield queue, proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    forget_queue(queue)  # what the start-up sweeps left behind


def test_real_worker_runs_and_acknowledges_an_intake_task(worker):
    queue, proc = worker
    # given a committed post that has just been received
    post = PostFactory(member=MemberFactory(), screening_status=ScreeningStatus.RECEIVED)
    # Not the current app: the test process's own tasks must stay eager.
    producer = Celery("pv-test-producer", broker=BROKER, set_as_current=False)
    # when the task goes through the broker to the worker process
    producer.send_task(
        "intake.tasks.intake_items_received_task", args=["post", [str(post.id)]], queue=queue
    )
    deadline = time.monotonic() + 180  # the worker loads the screening pipeline first
    while time.monotonic() < deadline:
        # The worker marks it awaiting screening, then runs the screening task it chained.
        if Post.objects.get(id=post.id).screening_status == ScreeningStatus.SCREENED:
            break
        if proc.poll() is not None:
            pytest.fail("worker exited early:\n" + proc.stdout.read())
        time.sleep(0.25)
    else:
        proc.terminate()
        pytest.fail("task did not run within 180 s:\n" + proc.communicate(timeout=20)[0][-4000:])
    # then the message was acknowledged: nothing left in the queue or in flight
    if BROKER.startswith("redis"):
        import redis

        client = redis.Redis.from_url(BROKER)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (client.llen(queue) or client.hlen("unacked")):
            time.sleep(0.2)
        assert client.llen(queue) == 0
        assert client.hlen("unacked") == 0
    producer.close()
