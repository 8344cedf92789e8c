"""Every role against every endpoint: allowed, 401/403, or 404 for objects that are not yours.

Also greps every response a partner gets for the canary Restricted Data.
"""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from intake.services import post_batch_create, report_batch_create
from pv.models import Product
from pv.services.cases import case_create
from tests.conftest import CANARY_EMAIL, CANARY_NAME, assert_no_canary

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reviewer", "admin", "regulator", "sponsor", "member"]
STAFF = {"reviewer", "admin"}
PARTNERS = {"regulator", "sponsor"}


@pytest.fixture
def world(users_by_role, canary_member, sponsor_a, sponsor_b, fda):
    own = Product.objects.create(sponsor=sponsor_a, name="Zoloft", ingredients=["sertraline"])
    other = Product.objects.create(sponsor=sponsor_b, name="Lipitor", ingredients=["atorvastatin"])
    # The member writes their own Restricted values into a post and a report (it happens).
    text = f"hi im {CANARY_NAME}, email me {CANARY_EMAIL}. zoloft gave me headaches"
    post = post_batch_create(
        actor="t",
        items=[
            {
                "source_id": "p-1",
                "member_source_id": "m-canary",
                "text": text,
                "posted_at": "2026-10-01T10:00:00Z",
            }
        ],
    ).created[0]["id"]
    report = report_batch_create(
        actor="t",
        items=[
            {
                "source_id": "r-1",
                "member_source_id": "m-canary",
                "drugs": [{"name": "Zoloft"}],
                "events": [{"text": "headache"}],
                "free_text": text,
                "submitted_at": "2026-10-01T10:00:00Z",
            }
        ],
    ).created[0]["id"]
    case = case_create(
        actor=users_by_role["reviewer"],
        member=canary_member,
        drugs=[{"name_reported": "Zoloft"}],
        reactions=[{"reported_term": "headache"}],
        narrative="patient reported headache",
    )
    return {
        "users": users_by_role,
        "own_product": own.id,
        "other_product": other.id,
        "post": post,
        "report": report,
        "case": case.id,
        "member": canary_member.public_id,
        "own_partner": sponsor_a.id,
        "fda": fda.id,
    }


def _expect(
    allowed: set[str], ok: int = 200, *, scoped: dict[str, int] | None = None
) -> dict[str, int]:
    out = {role: (ok if role in allowed else 403) for role in ROLES}
    out["anonymous"] = 401
    out.update(scoped or {})
    return out


CASE_INPUT = {
    "member_public_id": "{member}",
    "drugs": [{"name_reported": "Zoloft"}],
    "reactions": [{"reported_term": "rash"}],
}
POST_INPUT = {
    "source_id": "p-new-{role}",
    "member_source_id": "m-canary",
    "text": "hello",
    "posted_at": "2026-10-01T10:00:00Z",
}

MATRIX = [
    ("get", "/api/v1/me/", None, _expect(set(ROLES))),
    ("get", "/api/v1/members/{member}/", None, _expect(STAFF)),
    (
        "post",
        "/api/v1/members/",
        {"source_id": "m-{role}", "name": "N", "email": "{role}@example.net"},
        _expect({"admin"}, 201),
    ),
    ("get", "/api/v1/partners/", None, _expect(STAFF | PARTNERS)),
    (
        "get",
        "/api/v1/partners/{own_partner}/",
        None,
        _expect(STAFF | PARTNERS, scoped={"regulator": 404}),
    ),
    ("get", "/api/v1/partners/{fda}/", None, _expect(STAFF | PARTNERS, scoped={"sponsor": 404})),
    ("get", "/api/v1/products/", None, _expect(STAFF | PARTNERS)),
    ("get", "/api/v1/products/{own_product}/", None, _expect(STAFF | PARTNERS)),
    (
        "get",
        "/api/v1/products/{other_product}/",
        None,
        _expect(STAFF | PARTNERS, scoped={"sponsor": 404}),
    ),
    ("get", "/api/v1/cases/", None, _expect(STAFF | PARTNERS)),
    ("post", "/api/v1/cases/", CASE_INPUT, _expect(STAFF, 201)),
    # A partner sees only cases sent to it: none were sent here.
    (
        "get",
        "/api/v1/cases/{case}/",
        None,
        _expect(STAFF | PARTNERS, scoped={"regulator": 404, "sponsor": 404}),
    ),
    ("post", "/api/v1/cases/{case}/versions/", {"reason": "fu"}, _expect(STAFF, 201)),
    ("get", "/api/v1/cases/{case}/audit/", None, _expect(STAFF)),
    ("get", "/api/v1/posts/", None, _expect(STAFF | {"member"})),
    ("post", "/api/v1/posts/", POST_INPUT, _expect({"admin", "member"}, 201)),
    ("post", "/api/v1/posts/batch/", {"items": [POST_INPUT]}, _expect({"admin", "member"}, 201)),
    ("get", "/api/v1/posts/{post}/", None, _expect(STAFF | {"member"})),
    ("get", "/api/v1/reports/", None, _expect(STAFF | {"member"})),
    ("get", "/api/v1/reports/{report}/", None, _expect(STAFF | {"member"})),
    ("get", "/api/v1/submissions/", None, _expect(STAFF | PARTNERS)),
    ("get", "/api/v1/submissions/due/", None, _expect(STAFF)),
    ("get", "/api/v1/cases/{case}/e2b/", None, _expect(STAFF)),
    # partners may post ACKs; a body that is not one is their 400, for others it is 403
    ("post", "/api/v1/submissions/acks/", {"x": 1}, _expect(PARTNERS, 415)),
    (
        "post",
        "/api/v1/reports/batch/",
        {
            "items": [
                {
                    "source_id": "r-{role}",
                    "member_source_id": "m-canary",
                    "drugs": [{"name": "x"}],
                    "events": [{"text": "y"}],
                    "submitted_at": "2026-10-01T10:00:00Z",
                }
            ]
        },
        _expect({"admin", "member"}, 201),
    ),
]


def _fill(value, world, role):
    text = json.dumps(value) if not isinstance(value, str) else value
    for key, val in world.items():
        if key != "users":
            text = text.replace("{" + key + "}", str(val))
    text = text.replace("{role}", role)
    return json.loads(text) if not isinstance(value, str) else text


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "body", "expected"), MATRIX, ids=[f"{m} {u}" for m, u, _, _ in MATRIX]
)
def test_permission_matrix(world, role, method, url, body, expected):
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world["users"][role])
    path = _fill(url, world, role)
    if body is None:
        response = getattr(client, method)(path)
    else:
        response = getattr(client, method)(path, _fill(body, world, role), format="json")
    assert response.status_code == expected[role], (role, method, path, response.content[:300])
    if role in PARTNERS:
        assert_no_canary(response.content.decode())


def test_sponsor_list_shows_only_its_own_products(world, api_client):
    api_client.force_authenticate(world["users"]["sponsor"])
    names = [p["name"] for p in api_client.get("/api/v1/products/").json()["results"]]
    assert names == ["Zoloft"]


def test_token_auth_works_and_bad_token_is_401(world, api_client):
    from rest_framework.authtoken.models import Token

    token = Token.objects.get(user=world["users"]["sponsor"]).key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/me/").json()["role"] == "sponsor"
    api_client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert api_client.get("/api/v1/me/").status_code == 401


def test_schema_and_docs_are_served(api_client, db):
    assert api_client.get("/api/schema/").status_code == 200
    assert api_client.get("/api/docs/").status_code == 200
