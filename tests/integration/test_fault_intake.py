"""Intake under faults, with real processes: gunicorn, Celery workers with beat, Redis.

- The broker is down while posts arrive: every request is accepted (201, then 200 for the
  client's retry), and once a worker and beat run on a live broker, every post is screened
  exactly once within the grace period.
- A worker is `kill -9`ed mid-batch: a new worker's start-up sweep and beat screen the batch
  exactly once, long before the broker's visibility timeout would redeliver it.
- The database goes away for longer than all the screening task's retries: the sweeper
  screens the batch once the database is back.
"""

from __future__ import annotations

import time

import pytest
import requests
from celery import Celery
from django.db import connection

from intake.models import Post, ScreeningResult, ScreeningStatus
from pv.models import User
from pv.services.users import user_create
from tests.factories import MemberFactory, PostFactory
from tests.integration.procs import (
    TcpProxy,
    database_url,
    dead_broker_url,
    require_broker,
    start_gunicorn,
    start_worker,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _items(prefix: str, n: int) -> list[dict]:
    texts = [
        "started zoloft last week and cant sleep at all",
        "lexapro gave me terrible headaches and nausea",
        "my doctor switched me to prozac, no side effects so far",
    ]
    return [
        {
            "source_id": f"{prefix}-{i}",
            "member_source_id": "m-canary",
            "text": texts[i % len(texts)],
            "posted_at": "2026-10-01T10:00:00Z",
        }
        for i in range(n)
    ]


def _wait_all_screened(ids: list, worker, timeout: float = 180) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        done = Post.objects.filter(id__in=ids, screening_status=ScreeningStatus.SCREENED).count()
        if done == len(ids):
            return time.monotonic() - start
        if worker.popen.poll() is not None:
            pytest.fail("worker exited:\n" + worker.output()[-4000:])
        time.sleep(0.25)
    pytest.fail(f"{done}/{len(ids)} screened after {timeout} s:\n" + worker.output()[-4000:])
    return 0.0


def _assert_screened_once(ids: list) -> None:
    assert ScreeningResult.objects.filter(post_id__in=ids).count() == len(ids)
    assert set(Post.objects.filter(id__in=ids).values_list("screening_status", flat=True)) == {
        ScreeningStatus.SCREENED
    }


def test_broker_down_at_intake_accepts_then_screens_each_post_once(
    tmp_path, queue, procs, admin_user, canary_member
):
    # given the API on gunicorn with a broker that is down
    db = database_url()
    _, _, token = user_create(actor="test", username="intake-bot", role=User.Role.ADMIN)
    api, url = start_gunicorn(tmp_path, database=db, broker=dead_broker_url())
    procs.append(api)
    auth = {"Authorization": f"Token {token}"}
    # when batches are posted, and one is posted again by the client's retry
    first = requests.post(f"{url}/api/v1/posts/batch/", json={"items": _items("bd", 40)},
                          headers=auth, timeout=60)  # fmt: skip
    one = requests.post(f"{url}/api/v1/posts/", json=_items("bd1", 1)[0], headers=auth, timeout=60)
    retry = requests.post(f"{url}/api/v1/posts/batch/", json={"items": _items("bd", 40)},
                          headers=auth, timeout=60)  # fmt: skip
    # then every request was accepted in the JSON shape, nothing was a 500
    assert (first.status_code, one.status_code, retry.status_code) == (201, 201, 200)
    assert first.json()["counts"]["created"] == 40 and retry.json()["counts"]["existing"] == 40
    assert " 500 " not in api.output()
    ids = list(Post.objects.filter(source_id__startswith="bd").values_list("id", flat=True))
    assert len(ids) == 41
    assert not Post.objects.filter(id__in=ids, screening_status=ScreeningStatus.SCREENED).exists()
    # when the broker is back: a worker with beat on the live broker
    worker = start_worker(tmp_path, queue=queue, database=db, beat=True)
    procs.append(worker)
    # then every post is screened, exactly once
    _wait_all_screened(ids, worker)
    _assert_screened_once(ids)


def test_worker_killed_mid_batch_is_screened_once_by_the_next_worker(tmp_path, queue, procs):
    db = database_url()
    member = MemberFactory()
    posts = Post.objects.bulk_create(
        PostFactory.build_batch(1500, member=member, screening_status=ScreeningStatus.AWAITING)
    )
    ids = [p.id for p in posts]
    # given a worker that has taken the batch
    first = start_worker(tmp_path, queue=queue, database=db)
    procs.append(first)
    producer = Celery("pv-test-producer", broker=require_broker(), set_as_current=False)
    producer.send_task(
        "intake.tasks.intake_items_screen_task", args=["post", [str(i) for i in ids]], queue=queue
    )
    # when it is killed -9 mid-batch: its first chunk (500 posts a transaction) is committed
    screened = Post.objects.filter(id__in=ids, screening_status=ScreeningStatus.SCREENED)
    deadline = time.monotonic() + 180
    while not screened.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    first.kill9()
    done = screened.count()
    assert 0 < done < len(ids), f"not killed mid-batch ({done} screened)\n{first.output()[-3000:]}"
    # then a new worker (start-up sweep, beat) screens the rest once, within minutes
    second = start_worker(tmp_path, queue=queue, database=db, beat=True)
    procs.append(second)
    _wait_all_screened(ids, second)
    _assert_screened_once(ids)
    producer.close()


def test_database_away_past_every_retry_then_the_sweeper_screens_the_batch(tmp_path, queue, procs):
    db = connection.settings_dict
    posts = PostFactory.create_batch(20, member=MemberFactory(),
                                     screening_status=ScreeningStatus.AWAITING)  # fmt: skip
    ids = [p.id for p in posts]
    # given a worker whose database connection goes through a proxy we can cut
    proxy = TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    through_proxy = database_url().replace(f":{db['PORT'] or 5432}/", f":{proxy.port}/")
    try:
        worker = start_worker(tmp_path, queue=queue, database=through_proxy, beat=True,
                              PV_DB_CONN_MAX_AGE="0")  # fmt: skip
        procs.append(worker)
        # when the database goes away and the batch's task arrives meanwhile
        proxy.cut()
        producer = Celery("pv-test-producer", broker=require_broker(), set_as_current=False)
        producer.send_task("intake.tasks.intake_items_screen_task",
                           args=["post", [str(i) for i in ids]], queue=queue)  # fmt: skip
        # ... and stays away longer than the task's retries (1 + 2 + 2 s here)
        worker.wait_for("retries used up", timeout=120)
        time.sleep(3)
        assert not Post.objects.filter(id__in=ids, screening_status="screened").exists()
        proxy.restore()
        # then the sweeper screens every post once the database is back
        _wait_all_screened(ids, worker)
        _assert_screened_once(ids)
        producer.close()
    finally:
        proxy.close()
