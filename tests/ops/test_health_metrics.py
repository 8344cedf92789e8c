"""/healthz, /readyz and /metrics."""

from __future__ import annotations

import pytest
from django.test import Client

from ops import health
from submissions.models import Submission
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _celery_conf_loaded():
    """Celery reads Django settings once, on first use: load them before a test overrides
    CELERY_* settings, so the override cannot leak into the app for later tests."""
    from pv.celery import app

    assert app.conf.task_always_eager


def test_liveness_answers_without_touching_anything(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["X-Request-ID"]


def test_readiness_checks_database_cache_broker_migrations_and_pipeline():
    response = Client().get("/readyz", HTTP_ACCEPT="application/xml")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"] == {
        "Database": "ok",
        "Cache": "ok",
        "Broker": "ok",
        "Migrations": "ok",
        "ScreeningPipeline": "ok",
    }


def test_readiness_fails_with_503_when_a_migration_is_missing(monkeypatch):
    # given a code base that knows a migration the database has not applied
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [("ops", "0099_future")]
    )
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["Migrations"].endswith("1 migration(s) not applied")


def test_readiness_fails_when_the_broker_is_unreachable(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    result = health.Broker()
    with pytest.raises(health.ServiceUnavailable, match="broker unreachable"):
        result.run()


def test_metrics_are_served_to_loopback_only_without_a_token(settings):
    # given some state to report
    PostFactory.create_batch(3)
    # when scraped from the machine itself
    response = Client().get("/metrics")
    # then request latency and pv's gauges are there
    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert 'pv_screening_backlog{kind="post",status="received"} 3.0' in text
    for status in Submission.Status.values:
        assert f'pv_submissions{{status="{status}"}} 0.0' in text
    assert "pv_submissions_overdue 0.0" in text
    assert "pv_read_flags_open 0.0" in text
    # but not through a proxy, nor from elsewhere
    assert Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 403


def test_metrics_need_the_token_when_one_is_set(settings):
    settings.PV_METRICS_TOKEN = "s3cret-metrics-token"  # noqa: S105
    assert Client().get("/metrics").status_code == 403
    wrong = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403 and wrong.json()["code"] == "forbidden"
    ok = Client(REMOTE_ADDR="203.0.113.9").get(
        "/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token"
    )
    assert ok.status_code == 200


@pytest.mark.integration
def test_queue_depth_is_read_from_the_real_broker(settings):
    url = settings.PV_TEST_BROKER_URL
    if not url.startswith("redis://"):
        pytest.skip("no Redis broker configured (CELERY_BROKER_URL=redis://...)")
    import redis

    from ops.metrics import _queue_depths
    from pv.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url = url
    client = redis.Redis.from_url(url)
    queue = app.conf.task_default_queue
    try:
        client.delete(queue)
        client.lpush(queue, b"{}", b"{}")
        assert _queue_depths()[queue] == 2
    finally:
        client.delete(queue)
        app.conf.broker_url = "memory://localhost/"
