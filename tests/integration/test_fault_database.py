"""Database faults seen by the API on gunicorn (2 workers, kept connections).

- Every backend of the test database is terminated (`pg_terminate_backend`, this test
  database's backends only): the next requests on each gunicorn worker still succeed, because
  a cut connection is checked and replaced before it is used (`CONN_HEALTH_CHECKS`).
- The database is unreachable: reads and writes answer 503 in the JSON error shape with
  `Retry-After`, never a 500 or an HTML page.
"""

from __future__ import annotations

import pytest
import requests
from django.db import connection

from pv.models import User
from pv.services.users import user_create
from tests.integration.procs import database_url, dead_broker_url, free_port, start_gunicorn

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _post(n: int) -> dict:
    return {
        "source_id": f"db-{n}",
        "member_source_id": "m-canary",
        "text": "zoloft made me dizzy",
        "posted_at": "2026-10-01T10:00:00Z",
    }


@pytest.fixture
def api(tmp_path, canary_member):
    db = database_url()
    _, _, token = user_create(actor="test", username="db-bot", role=User.Role.ADMIN)
    # The broker is irrelevant here; a dead one also shows intake does not need it.
    proc, url = start_gunicorn(tmp_path, database=db, broker=dead_broker_url())
    yield url, {"Authorization": f"Token {token}"}, proc
    proc.stop()


def _terminate_our_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_terminated_connections_do_not_fail_the_next_requests(api):
    url, auth, proc = api
    # given both gunicorn workers holding a database connection
    for _ in range(8):
        assert requests.get(f"{url}/api/v1/posts/", headers=auth, timeout=30).status_code == 200
    # when the database cuts every connection to this test database
    assert _terminate_our_backends() >= 1
    # then the next requests on every worker, reads and writes, succeed
    statuses = [
        requests.get(f"{url}/api/v1/posts/", headers=auth, timeout=30).status_code for _ in range(6)
    ]
    statuses += [
        requests.post(f"{url}/api/v1/posts/", json=_post(n), headers=auth, timeout=60).status_code
        for n in range(4)
    ]
    assert statuses == [200] * 6 + [201] * 4, proc.output()[-3000:]


def test_an_unreachable_database_is_a_json_503_with_retry_after(tmp_path):
    # given the API pointed at a database that does not answer
    dead_db = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"
    proc, url = start_gunicorn(tmp_path, database=dead_db, broker=dead_broker_url(), workers=1)
    try:
        auth = {"Authorization": "Token 0123456789abcdef0123456789abcdef01234567"}
        read = requests.get(f"{url}/api/v1/posts/", headers=auth, timeout=30)
        write = requests.post(f"{url}/api/v1/posts/", json=_post(0), headers=auth, timeout=30)
    finally:
        proc.stop()
    for response in (read, write):
        assert response.status_code == 503, response.text[:500]
        assert response.headers["Retry-After"].isdigit()
        assert response.headers["Content-Type"].startswith("application/json")
        body = response.json()
        assert set(body) == {"code", "message", "extra"}
        assert body["code"] == "database_unavailable"
