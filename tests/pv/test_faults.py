"""Database blips in a request: reads retried once, writes a JSON 503 with nothing written, and
every other fault the JSON error shape (never Django's HTML 500 page)."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from django.db import OperationalError
from django.test import Client

from intake.models import Post
from intake.selectors import post_list_visible_to

pytestmark = pytest.mark.django_db

LOST = OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def client(api_client, admin_user, canary_member):
    api_client.force_authenticate(admin_user)
    return api_client


def _post() -> dict:
    return {
        "source_id": "blip-1",
        "member_source_id": "m-canary",
        "text": "zoloft made me dizzy",
        "posted_at": "2026-10-01T10:00:00Z",
    }


def test_a_read_that_loses_its_connection_once_is_retried(client):
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise LOST
        return post_list_visible_to(**kwargs)

    with patch("intake.apis.intake.post_list_visible_to", side_effect=flaky):
        response = client.get("/api/v1/posts/")
    assert response.status_code == 200
    assert len(calls) == 2


def test_a_read_that_keeps_failing_is_a_json_503_with_retry_after(client, settings):
    with patch("intake.apis.intake.post_list_visible_to", side_effect=LOST):
        response = client.get("/api/v1/posts/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.PV_DB_RETRY_AFTER_SECONDS)
    assert response.json()["code"] == "database_unavailable"
    assert set(response.json()) == {"code", "message", "extra"}


def test_a_write_that_loses_its_connection_is_a_503_and_writes_nothing(client):
    # the batch's audit record is the last write in its transaction: fail there
    with patch("intake.services.intake.audit_record", side_effect=LOST):
        response = client.post("/api/v1/posts/", _post(), format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert not Post.objects.filter(source_id="blip-1").exists()  # rolled back, not half-written
    # the client's retry is then accepted
    assert client.post("/api/v1/posts/", _post(), format="json").status_code == 201


def test_any_other_fault_in_the_api_answers_the_json_error_shape(client):
    with patch("intake.apis.intake.post_list_visible_to", side_effect=RuntimeError("bug")):
        response = client.get("/api/v1/posts/")
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": "Internal server error.",
        "extra": {},
    }


def test_errors_outside_the_views_answer_json_too():
    # given a fault in the middleware, past every view's handler
    client = Client(raise_request_exception=False)
    with patch(
        "django.contrib.sessions.middleware.SessionMiddleware.process_request", side_effect=LOST
    ):
        response = client.get("/api/v1/me/")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    with patch(
        "django.contrib.sessions.middleware.SessionMiddleware.process_request",
        side_effect=KeyError("bug"),
    ):
        response = client.get("/api/v1/me/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    # pages keep their HTML error page
    with patch(
        "django.contrib.sessions.middleware.SessionMiddleware.process_request",
        side_effect=KeyError("bug"),
    ):
        page = client.get("/queue/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
