"""The intake outbox: accepting posts never depends on the broker; the sweeper finds the rest."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from intake.models import Post, ScreeningResult, ScreeningStatus
from intake.services.sweep import intake_items_sweep

pytestmark = pytest.mark.django_db


def _items(n: int) -> list[dict]:
    return [
        {
            "source_id": f"ob-{i}",
            "member_source_id": "m-canary",
            "text": f"post {i}: zoloft made me dizzy",
            "posted_at": "2026-10-01T10:00:00Z",
        }
        for i in range(n)
    ]


@pytest.fixture
def client(api_client, admin_user, canary_member):
    api_client.force_authenticate(admin_user)
    return api_client


def test_broker_down_at_intake_still_accepts_and_the_sweeper_screens_each_post_once(
    client, django_capture_on_commit_callbacks, settings
):
    # given a broker (not eager tasks) that refuses every publish
    with (
        patch("pv.core.outbox._in_process", return_value=False),
        patch("celery.app.task.Task.apply_async", side_effect=BrokerDown("connection refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        # when a batch is posted, and posted again by the client's retry
        first = client.post("/api/v1/posts/batch/", {"items": _items(3)}, format="json")
        again = client.post("/api/v1/posts/batch/", {"items": _items(3)}, format="json")
        # and the sweeper runs while the broker is still down
        during = intake_items_sweep(now=timezone.now() + timedelta(hours=1))
    # then the API accepted it and every post kept its "to screen" mark
    assert first.status_code == 201 and first.json()["counts"]["created"] == 3
    assert again.status_code == 200 and again.json()["counts"]["existing"] == 3
    assert during["post"] == 3
    assert Post.objects.exclude(screening_status=ScreeningStatus.SCREENED).count() == 3
    # when the broker is back and a grace period has passed (eager tasks stand for the worker)
    later = timezone.now() + timedelta(hours=1, seconds=settings.PV_OUTBOX_GRACE_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        swept = intake_items_sweep(now=later)
    # then each post is screened exactly once
    assert swept == {"post": 3, "report": 0}
    assert set(Post.objects.values_list("screening_status", flat=True)) == {"screened"}
    assert ScreeningResult.objects.filter(post__source_id__startswith="ob-").count() == 3


def test_the_sweeper_leaves_items_within_their_grace_period_alone(
    client, django_capture_on_commit_callbacks
):
    with (
        patch("pv.core.outbox._in_process", return_value=False),
        patch("celery.app.task.Task.apply_async", side_effect=BrokerDown("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post("/api/v1/posts/batch/", {"items": _items(2)}, format="json")
    with patch("intake.tasks.intake_items_screen_task.apply_async") as publish:
        with django_capture_on_commit_callbacks(execute=True):
            assert intake_items_sweep() == {"post": 0, "report": 0}
        # a sweep republishes once per grace period, not on every beat
        later = timezone.now() + timedelta(hours=1)
        with django_capture_on_commit_callbacks(execute=True):
            assert intake_items_sweep(now=later)["post"] == 2
            assert intake_items_sweep(now=later)["post"] == 0
    assert publish.call_count == 1
