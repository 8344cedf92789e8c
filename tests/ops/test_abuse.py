"""Scraper detection: accounts paging through posts or cases are stopped at the read limit,
flagged with evidence for staff, and can be suspended by an admin (audited)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ops.models import ReadVolumeFlag
from pv.models import AuditEvent
from pv.services.cases import case_create
from submissions.models import RoutingRule
from submissions.services import submission_prepare, submission_route_case
from tests.factories import PostFactory
from tests.web.conftest import MEDDRA_INSOMNIA

pytestmark = pytest.mark.django_db

LIMIT = 30


@pytest.fixture(autouse=True)
def tight_limits(settings):
    cache.clear()
    settings.PV_READ_LIMITS = f"600:{LIMIT},86400:100000"
    yield
    cache.clear()


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")
    return client


def _scrape(client, first_url: str) -> tuple[list[str], object]:
    """Page through a list and open every item, like a scraping script; stop at the first 429."""
    served, url = [], first_url
    while url:
        page = client.get(url)
        if page.status_code == 429:
            return served, page
        assert page.status_code == 200, page.content
        body = page.json()
        for row in body["results"]:
            served.append(row["id"])
            detail = client.get(f"{first_url.split('?')[0]}{row['id']}/")
            if detail.status_code == 429:
                return served, detail
            assert detail.status_code == 200
            served.append(row["id"])
        url = body["next"]
    return served, None


def test_member_paging_through_posts_is_stopped_flagged_and_suspendable(
    member_user, canary_member, admin_user, reviewer
):
    # given a member with many posts, reading them all with a script
    PostFactory.create_batch(60, member=canary_member)
    client = _token_client(member_user)
    # when the script pages through the list and opens every post
    served, refused = _scrape(client, "/api/v1/posts/?page_size=5")
    # then it was stopped within the limit: 429, Retry-After, the JSON error shape
    assert refused is not None, "the scraper was never stopped"
    assert len(served) <= LIMIT
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 600
    error = refused.json()
    assert error["code"] == "throttled" and error["extra"]["limit"] == LIMIT
    assert set(error) == {"code", "message", "extra"}
    # and flagged once with the evidence
    flag = ReadVolumeFlag.objects.get(account=member_user)
    assert flag.window_seconds == 600 and flag.limit == LIMIT and flag.total > LIMIT
    assert flag.counts == {"post": len(served)}
    assert {s["id"] for s in flag.sample} <= set(served)
    assert client.get("/api/v1/posts/").status_code == 429
    assert ReadVolumeFlag.objects.filter(account=member_user).count() == 1

    # when staff look at the flags
    staff = _token_client(reviewer)
    listed = staff.get("/api/v1/abuse/read-flags/?status=open").json()["results"]
    assert [f["id"] for f in listed] == [str(flag.id)]
    assert listed[0]["counts"] == {"post": len(served)} and listed[0]["role"] == "member"
    # a reviewer may look but not suspend
    url = f"/api/v1/accounts/{member_user.pk}/suspend/"
    assert staff.post(url, {"reason": "scraping"}, format="json").status_code == 403

    # when an admin suspends the account
    admin = _token_client(admin_user)
    session = Client()
    session.force_login(member_user)
    assert session.get("/api/v1/me/").status_code == 200
    response = admin.post(url, {"reason": "paged through every post"}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    # then its token and its session stop working
    assert client.get("/api/v1/me/").status_code == 401
    assert session.get("/api/v1/me/").status_code in (401, 403)
    # the flag is closed as suspended and the suspension is audited with its reason
    flag.refresh_from_db()
    assert flag.status == ReadVolumeFlag.Status.SUSPENDED and flag.resolved_by == admin_user
    event = AuditEvent.objects.get(action="account.suspended", object_id=str(member_user.pk))
    assert event.reason == "paged through every post" and event.actor == admin_user
    # suspending twice is a clear conflict; reinstating brings the token back
    assert admin.post(url, {"reason": "again"}, format="json").status_code == 409
    reinstate = f"/api/v1/accounts/{member_user.pk}/reinstate/"
    assert admin.post(reinstate, {"reason": "explained"}, format="json").status_code == 200
    assert AuditEvent.objects.filter(action="account.reinstated").count() == 1


@pytest.fixture
def many_cases(fda, canary_member, reviewer):
    RoutingRule.objects.create(position=1, name="FDA", recipient=fda, countries=["US"])
    cases = []
    for n in range(25):
        case = case_create(
            actor=reviewer,
            member=canary_member,
            drugs=[{"name_reported": "Zoloft", "ingredients": [{"name": "sertraline"}]}],
            reactions=[{"reported_term": f"insomnia {n}", **MEDDRA_INSOMNIA}],
            hospitalisation=True,
        )
        for submission in submission_route_case(case=case):
            submission_prepare(submission=submission)
        cases.append(case)
    return cases


def test_partner_paging_through_cases_by_api_and_pages_is_stopped(regulator, many_cases):
    # given a regulator that received 25 cases
    client = _token_client(regulator)
    assert client.get("/api/v1/cases/").json()["count"] == 25
    cache.clear()
    # when it reads them all through the API, then keeps going on the pages
    served, refused = _scrape(client, "/api/v1/cases/?page_size=5")
    pages = Client()
    pages.force_login(regulator)
    page_status = [pages.get(f"/partner/cases/{c.id}/").status_code for c in many_cases[:5]]
    # then the API stopped it within the limit, and the pages share the same count
    assert refused is not None and refused.status_code == 429
    assert len(served) <= LIMIT
    assert set(page_status) == {429}
    flag = ReadVolumeFlag.objects.get(account=regulator)
    assert set(flag.counts) == {"case"}


def test_ordinary_reading_is_not_limited(reviewer, canary_member):
    # given a reviewer opening a few member profiles and posts
    posts = PostFactory.create_batch(5, member=canary_member)
    client = _token_client(reviewer)
    for post in posts:
        assert client.get(f"/api/v1/posts/{post.id}/").status_code == 200
    assert client.get(f"/api/v1/members/{canary_member.public_id}/").status_code == 200
    # then nothing is flagged
    assert not ReadVolumeFlag.objects.exists()


def test_exempt_roles_and_failed_reads_are_not_counted(settings, reviewer, canary_member):
    settings.PV_READ_LIMITS = "600:2"
    client = _token_client(reviewer)
    for _ in range(5):  # 404s read nothing
        missing = "/api/v1/posts/00000000-0000-0000-0000-000000000000/"
        assert client.get(missing).status_code == 404
    settings.PV_READ_LIMIT_EXEMPT_ROLES = ["reviewer"]
    for _ in range(5):
        assert client.get(f"/api/v1/members/{canary_member.public_id}/").status_code == 200


def test_flag_api_errors_are_clear(reviewer, admin_user):
    client = _token_client(admin_user)
    missing = "/api/v1/abuse/read-flags/00000000-0000-0000-0000-000000000000/"
    assert client.get(missing).json()["code"] == "not_found"
    assert client.get("/api/v1/abuse/read-flags/?status=bogus").status_code == 400
    url = f"/api/v1/accounts/{reviewer.pk}/suspend/"
    assert client.post(url, {}, format="json").status_code == 400
    own = f"/api/v1/accounts/{admin_user.pk}/suspend/"
    assert client.post(own, {"reason": "x"}, format="json").json()["code"] == "suspend_self"
    assert APIClient().get("/api/v1/abuse/read-flags/").status_code == 401


def test_flags_are_visible_in_admin_and_the_suspend_action_is_audited(admin_user, member_user):
    # given a flag raised for a member
    flag = ReadVolumeFlag.objects.create(
        account=member_user,
        window_seconds=600,
        limit=LIMIT,
        total=LIMIT + 5,
        counts={"post": LIMIT + 5},
        sample=[{"kind": "post", "id": "p-1"}],
    )
    admin = Client()
    admin.force_login(admin_user)
    # when an admin opens the list and the flag
    listing = admin.get("/admin/ops/readvolumeflag/")
    detail = admin.get(f"/admin/ops/readvolumeflag/{flag.pk}/change/")
    # then the account and the evidence are shown
    assert listing.status_code == 200 and member_user.username in listing.content.decode()
    assert detail.status_code == 200 and "p-1" in detail.content.decode()
    # when the admin suspends from the list
    response = admin.post(
        "/admin/ops/readvolumeflag/",
        {"action": "suspend_accounts", "_selected_action": [str(flag.pk)]},
    )
    # then the account is inactive, the flag closed and the suspension audited
    assert response.status_code == 302
    member_user.refresh_from_db()
    flag.refresh_from_db()
    assert not member_user.is_active and flag.status == ReadVolumeFlag.Status.SUSPENDED
    assert AuditEvent.objects.filter(
        action="account.suspended", object_id=str(member_user.pk), actor=admin_user
    ).exists()
