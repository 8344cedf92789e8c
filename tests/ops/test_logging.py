"""Structured logs: JSON lines with request and task ids, and nothing a member typed."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import subprocess
import sys
import threading
import time
import uuid

import pytest
import structlog
from celery import Celery
from django.conf import settings

from pv.celery import app as celery_app
from pv.logs import formatter
from tests.conftest import CANARY_EMAIL, CANARY_PHONE


@pytest.fixture
def json_lines():
    """Every log line of the test rendered by the production formatter, parsed back."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    config = formatter(json=True)
    factory = config.pop("()")
    handler.setFormatter(factory(**config))
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line]
    root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.mark.django_db
def test_request_line_carries_the_request_id_and_no_query_or_body(
    json_lines, api_client, admin_user, canary_member
):
    api_client.force_authenticate(admin_user)
    # when a client sends its own request id, a token in the query string and Restricted Data
    response = api_client.post(
        f"/api/v1/posts/?token=abc123secret&email={CANARY_EMAIL}",
        {
            "source_id": "p-log",
            "member_source_id": canary_member.source_id,
            "text": f"mail me at {CANARY_EMAIL} or {CANARY_PHONE}",
            "posted_at": "2026-10-01T10:00:00Z",
        },
        format="json",
        HTTP_X_REQUEST_ID="req-0042.abc",
    )
    # then the id is echoed and the request line is JSON with it
    assert response.status_code == 201
    assert response["X-Request-ID"] == "req-0042.abc"
    lines = json_lines()
    request_line = next(line for line in lines if line.get("event") == "request")
    assert request_line["request_id"] == "req-0042.abc"
    assert request_line["path"] == "/api/v1/posts/"
    assert request_line["status"] == 201 and request_line["route"] == "post-list"
    assert request_line["account"] == str(admin_user.pk)
    # and no log line of the request holds the query string, the token or what the member typed
    everything = json.dumps(lines)
    for secret in ("abc123secret", CANARY_EMAIL, CANARY_PHONE, "mail me at"):
        assert secret not in everything


def test_a_bad_incoming_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="evil\nid with spaces" + "x" * 200)
    assert response["X-Request-ID"].isalnum() and len(response["X-Request-ID"]) == 32
    other = client.get("/healthz")
    assert other["X-Request-ID"] != response["X-Request-ID"]


@pytest.mark.django_db
def test_tokens_in_the_path_are_masked(json_lines, client):
    client.get("/followup/reply/SIGNED.member-link.token/")
    request_line = next(line for line in json_lines() if line.get("event") == "request")
    assert "SIGNED" not in json.dumps(request_line)
    assert request_line["path"] == "/followup/reply/[redacted]/"


def test_contact_details_in_a_message_are_masked(json_lines):
    logging.getLogger("some.library").warning("could not reach %s", CANARY_EMAIL)
    line = json_lines()[-1]
    assert CANARY_EMAIL not in line["event"] and line["level"] == "warning"


# Bound to pv's app, not the "current" one: a test that creates another Celery app (a producer
# for a real broker) makes that app current, and a shared task would follow it.
@celery_app.task(name="tests.ops.log_something")
def _log_something() -> None:
    logging.getLogger("tests.ops").info("inside the task")


def test_task_lines_carry_the_task_id_and_the_request_id(json_lines):
    # given a request context, when it runs a task (eagerly, as the demo and unit tests do)
    structlog.contextvars.bind_contextvars(request_id="req-for-task")
    try:
        result = _log_something.delay()
        logging.getLogger("tests.ops").info("after the task")
    finally:
        structlog.contextvars.clear_contextvars()
    # then the task's line has its task id and name, and the request id it ran under
    lines = {line["event"]: line for line in json_lines()}
    inside = lines["inside the task"]
    assert inside["task_id"] == result.id and inside["task_name"] == "tests.ops.log_something"
    assert inside["request_id"] == "req-for-task"
    # and the request's own later lines keep its id but not the task's
    assert lines["after the task"]["request_id"] == "req-for-task"
    assert "task_id" not in lines["after the task"]


@pytest.mark.integration
def test_a_real_worker_logs_json_with_the_task_id_and_the_enqueuing_request_id():
    broker = settings.PV_TEST_BROKER_URL
    if not broker:
        pytest.skip("no broker configured (set CELERY_BROKER_URL)")
    queue = f"pv-test-logs-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "PV_CELERY_WORKER": "1",
        "DJANGO_SETTINGS_MODULE": "pv.settings.test",
        "CELERY_BROKER_URL": broker,
    }
    argv = [sys.executable, "-m", "celery", "-A", "pv", "worker", "--pool=solo", "-Q", queue]
    argv += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
    proc = subprocess.Popen(  # noqa: S603 (fixed argv)
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    producer = Celery("pv-test-producer", broker=broker, set_as_current=False)
    try:
        # when a request enqueues a task through the real broker
        structlog.contextvars.bind_contextvars(request_id="req-through-broker")
        try:
            task_id = producer.send_task("celery.accumulate", args=(1,), queue=queue).id
        finally:
            structlog.contextvars.clear_contextvars()
        # then the worker's line for it is JSON with the task id and the request id
        deadline, found = time.monotonic() + 120, None
        while time.monotonic() < deadline and found is None:
            for line in list(lines):
                if line.startswith("{") and task_id in line and "succeeded" in line:
                    found = json.loads(line)
            time.sleep(0.2)
        assert found is not None, "no JSON line for the task:\n" + "".join(lines)[-3000:]
        assert found["task_id"] == task_id and found["task_name"] == "celery.accumulate"
        assert found["request_id"] == "req-through-broker"
        assert "data" not in found  # Celery's args/return payload stays out
    finally:
        producer.close()
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_the_message_scrubber_keeps_ids_and_server_addresses():
    from pv.logs import scrub_message

    task = "Task t[3f2a1234-5678-4abc-9def-123456789012] succeeded"
    assert scrub_message(task) == task
    assert scrub_message("Listening at: http://127.0.0.1:8000 (42)").endswith("8000 (42)")
    masked = scrub_message(f"write to {CANARY_EMAIL} or call {CANARY_PHONE}")
    assert CANARY_EMAIL not in masked and "0199" not in masked


@pytest.mark.django_db
def test_django_error_lines_carry_the_request_id_and_the_id_is_gone_afterwards(json_lines, client):
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-404")
    logging.getLogger("tests.ops").info("between requests")
    lines = json_lines()
    not_found = next(line for line in lines if line["event"].startswith("Not Found"))
    assert not_found["request_id"] == "req-404"
    between = next(line for line in lines if line["event"] == "between requests")
    assert "request_id" not in between
