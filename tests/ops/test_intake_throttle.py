"""Intake rate limits per account: single posts are limited, batches have their own budget."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from intake.models import Post
from intake.throttles import IntakeBatchThrottle, IntakeSingleThrottle
from pv.services.users import user_create
from pv.settings.base import INTAKE_RATE_DEFAULTS

pytestmark = pytest.mark.django_db


def _post(n: int) -> dict:
    return {
        "source_id": f"p-{n}",
        "member_source_id": "m-canary",
        "text": f"post {n}: zoloft made me dizzy",
        "posted_at": "2026-10-01T10:00:00Z",
    }


@pytest.fixture
def rates(monkeypatch):
    def set_rates(single: str, batch: str) -> None:
        cache.clear()
        table = {"intake_single": single, "intake_batch": batch}
        monkeypatch.setattr(IntakeSingleThrottle, "THROTTLE_RATES", table)
        monkeypatch.setattr(IntakeBatchThrottle, "THROTTLE_RATES", table)

    yield set_rates
    cache.clear()


@pytest.fixture
def client(api_client, admin_user, canary_member):
    api_client.force_authenticate(admin_user)
    return api_client


def test_a_script_firing_single_posts_gets_429(client, rates, admin_user, canary_member):
    # given 10 single posts a minute
    rates("10/minute", "2/minute")
    # when a script sends 15
    codes = [client.post("/api/v1/posts/", _post(n), format="json").status_code for n in range(15)]
    # then the first 10 are stored and the rest refused with Retry-After and the error shape
    assert codes == [201] * 10 + [429] * 5
    refused = client.post("/api/v1/posts/", _post(99), format="json")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled" and set(refused.json()) == {
        "code",
        "message",
        "extra",
    }
    assert Post.objects.count() == 10
    # batches have their own budget, and reading is not an intake write
    batch = {"items": [_post(100 + n) for n in range(3)]}
    assert client.post("/api/v1/posts/batch/", batch, format="json").status_code == 201
    assert client.get("/api/v1/posts/").status_code == 200
    # another account has its own budget
    other, _, _ = user_create(actor="test", username="platform-2", role="admin")
    client.force_authenticate(other)
    assert client.post("/api/v1/posts/", _post(200), format="json").status_code == 201


def test_the_default_rates_let_a_bulk_importer_send_batches_of_500(client, rates):
    # given the shipped defaults
    rates(INTAKE_RATE_DEFAULTS["intake_single"], INTAKE_RATE_DEFAULTS["intake_batch"])
    # when an importer sends 1,500 posts in batches of 500
    for start in (0, 500, 1000):
        items = [_post(n) for n in range(start, start + 500)]
        response = client.post("/api/v1/posts/batch/", {"items": items}, format="json")
        # then none is throttled
        assert response.status_code == 201, response.json()
    assert Post.objects.count() == 1500
