"""The signals outbox sweeper: a queued run whose execute task was lost runs once, later."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from signals.models import SignalRun
from signals.services import signal_run_create
from signals.services.sweep import signal_runs_sweep
from tests.signals.test_service_runs import world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_queued_run_whose_task_was_lost_is_run_once_by_the_sweeper(
    world,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
):
    # given a run requested while the broker was down (its task never published)
    run = signal_run_create(source="cases", enqueue=False)
    # when the sweeper runs within the grace period, nothing happens
    assert signal_runs_sweep() == 0
    # when it runs after the grace period and the longest retry wait
    later = timezone.now() + timedelta(
        seconds=settings.PV_OUTBOX_GRACE_SECONDS + settings.PV_TASK_RETRY_MAX_SECONDS + 1
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert signal_runs_sweep(now=later) == 1
        assert signal_runs_sweep(now=later) == 0
    # then the run executed (eagerly here), once
    run.refresh_from_db()
    assert run.status == SignalRun.Status.SUCCEEDED, run.error
