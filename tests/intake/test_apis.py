import json
from datetime import timedelta

import pytest
from django.utils import timezone

from intake.models import AEReport, Post, ScreeningStatus

pytestmark = pytest.mark.django_db


def _post(n: int, member="m-canary", **over):
    return {
        "source_id": f"p-{n}",
        "member_source_id": member,
        "text": f"post {n}: zoloft made me dizzy",
        "posted_at": "2026-10-01T10:00:00Z",
        **over,
    }


def _report(n: int, **over):
    return {
        "source_id": f"r-{n}",
        "member_source_id": "m-canary",
        "drugs": [{"name": "Zoloft", "dose": "50 mg", "start_date": "2026-09-01"}],
        "events": [{"text": "cant sleep", "onset_date": "2026-09-03", "outcome": "recovering"}],
        "hospitalisation": False,
        "submitted_at": "2026-10-01T10:00:00Z",
        **over,
    }


@pytest.fixture
def client(api_client, admin_user, canary_member):
    api_client.force_authenticate(admin_user)
    return api_client


def test_batch_is_idempotent_and_says_what_existed(client, django_capture_on_commit_callbacks):
    items = [_post(i) for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/api/v1/posts/batch/", {"items": items}, format="json")
    assert first.status_code == 201
    assert first.json()["counts"] == {"created": 5, "existing": 0}
    # the on-commit task ran (eager): no new post is left merely "received"
    assert Post.objects.filter(screening_status=ScreeningStatus.RECEIVED).count() == 0
    again = client.post("/api/v1/posts/batch/", {"items": items + [_post(99)]}, format="json")
    assert again.status_code == 201
    body = again.json()
    assert body["counts"] == {"created": 1, "existing": 5}
    assert {e["source_id"] for e in body["existing"]} == {f"p-{i}" for i in range(5)}
    assert Post.objects.count() == 6
    resend = client.post("/api/v1/posts/batch/", {"items": items}, format="json")
    assert resend.status_code == 200 and Post.objects.count() == 6


def test_single_create_then_resend_is_200_existing(client):
    assert client.post("/api/v1/posts/", _post(1), format="json").status_code == 201
    again = client.post("/api/v1/posts/", _post(1), format="json")
    assert again.status_code == 200 and again.json()["counts"]["existing"] == 1
    assert Post.objects.count() == 1


def test_reports_batch_create_and_retrieve(client):
    response = client.post(
        "/api/v1/reports/batch/", {"items": [_report(1), _report(2)]}, format="json"
    )
    assert response.status_code == 201
    rid = response.json()["created"][0]["id"]
    detail = client.get(f"/api/v1/reports/{rid}/")
    assert detail.status_code == 200
    assert detail.json()["drugs"][0]["start_date"] == "2026-09-01"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (
            {
                "source_id": "p-x",
                "member_source_id": "m-canary",
                "posted_at": "2026-10-01T10:00:00Z",
            },
            "text",
        ),
        (_post(1, text="x" * 100_001), "text"),
        (_post(1, posted_at="2026-02-30T10:00:00Z"), "posted_at"),
        (_post(1, posted_at=(timezone.now() + timedelta(days=3)).isoformat()), "posted_at"),
        (_post(1, text=["not", "a", "string"]), "text"),
        (_post(1, source_id={"a": 1}), "source_id"),
    ],
)
def test_bad_posts_get_400_with_field_errors(client, payload, field):
    response = client.post("/api/v1/posts/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["extra"]["fields"]
    assert Post.objects.count() == 0


def test_text_of_exactly_100k_characters_is_accepted(client):
    assert (
        client.post("/api/v1/posts/", _post(1, text="y" * 100_000), format="json").status_code
        == 201
    )


def test_unknown_member_is_400_naming_the_item(client):
    response = client.post(
        "/api/v1/posts/batch/", {"items": [_post(1), _post(2, member="m-nobody")]}, format="json"
    )
    assert response.status_code == 400
    assert "items[1].member_source_id" in response.json()["extra"]["fields"]
    assert Post.objects.count() == 0  # all or nothing


def test_malformed_json_is_400(client):
    response = client.generic(
        "POST", "/api/v1/posts/", '{"source_id": "p-1", "text": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_batch_limits(client):
    too_many = {"items": [_post(i) for i in range(1001)]}
    assert client.post("/api/v1/posts/batch/", too_many, format="json").status_code == 400
    assert client.post("/api/v1/posts/batch/", {"items": []}, format="json").status_code == 400
    assert client.post("/api/v1/posts/batch/", {"items": "nope"}, format="json").status_code == 400
    dup = client.post("/api/v1/posts/batch/", {"items": [_post(1), _post(1)]}, format="json")
    assert dup.status_code == 400 and "items[1].source_id" in dup.json()["extra"]["fields"]


def test_bad_item_in_batch_names_index_and_field(client):
    response = client.post(
        "/api/v1/posts/batch/", {"items": [_post(1), _post(2, text="")]}, format="json"
    )
    assert response.status_code == 400
    assert "text" in response.json()["extra"]["fields"]["items[1]"]


@pytest.mark.parametrize(
    "change",
    [
        {"drugs": []},
        {"events": [{"onset_date": "2026-09-03"}]},
        {"drugs": [{"name": "Zoloft", "start_date": "2026-09-10", "stop_date": "2026-09-01"}]},
        {"drugs": [{"name": "Zoloft", "start_date": "2026-13-01"}]},
        {"events": [{"text": "x", "outcome": "exploded"}]},
        {"hospitalisation": "maybe"},
        {"submitted_at": None},
    ],
)
def test_bad_reports_get_400(client, change):
    response = client.post("/api/v1/reports/", _report(1, **change), format="json")
    assert response.status_code == 400, response.content
    assert AEReport.objects.count() == 0


def test_member_posts_as_themselves(api_client, member_user):
    api_client.force_authenticate(member_user)
    response = api_client.post("/api/v1/posts/", _post(5, member="someone-else"), format="json")
    assert response.status_code == 201
    assert Post.objects.get().member == member_user.member
    listing = api_client.get("/api/v1/posts/").json()
    assert listing["count"] == 1


def test_member_registration_keeps_restricted_data_out_of_the_response(api_client, admin_user):
    api_client.force_authenticate(admin_user)
    response = api_client.post(
        "/api/v1/members/",
        {
            "source_id": "m-new",
            "name": "Ada Lovelace-Byron",
            "email": "ada@example.org",
            "birth_year": 1990,
            "sex": "F",
            "country": "gb",
            "conditions": ["migraine"],
        },
        format="json",
    )
    assert response.status_code == 201
    text = json.dumps(response.json())
    assert "Ada" not in text and "ada@example.org" not in text
    assert response.json()["country"] == "GB"
    dup = api_client.post(
        "/api/v1/members/",
        {"source_id": "m-new", "name": "X", "email": "x@example.org"},
        format="json",
    )
    assert dup.status_code == 400
    bad = api_client.post(
        "/api/v1/members/",
        {"source_id": "m-2", "name": "X", "email": "not-an-email", "birth_year": 2999},
        format="json",
    )
    assert bad.status_code == 400 and {"email", "birth_year"} <= set(bad.json()["extra"]["fields"])


def test_members_own_restricted_values_are_redacted_before_storage(client):
    from tests.conftest import CANARY_EMAIL, CANARY_NAME, assert_no_canary

    text = f"Hi, {CANARY_NAME} here ({CANARY_EMAIL}). lexapro gave me headaches"
    response = client.post("/api/v1/posts/", _post(7, text=text), format="json")
    assert response.status_code == 201
    stored = Post.objects.get().text
    assert_no_canary(stored)
    assert "lexapro gave me headaches" in stored
