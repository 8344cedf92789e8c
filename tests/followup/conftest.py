"""Follow-up fixtures: a case the FDA and Sponsor A have received, clients per role."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from followup.models import FollowupMessage, FollowupRequest
from followup.services import followup_request_approve, followup_request_create
from pv.models import User
from pv.services.cases import case_create
from pv.services.users import user_create
from submissions.models import RoutingRule
from submissions.services import submission_prepare, submission_route_case

INSOMNIA = {
    "code": "10022437",
    "term": "Insomnia",
    "terminology": "MedDRA",
    "terminology_version": "27.0",
}
LINK = re.compile(r"https?://\S+/followup/reply/(?P<token>[^/\s]+)/")


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters live in the cache; each test starts with a full budget.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def routing(fda, sponsor_a):
    sponsor_a.products.create(name="Zoloft", ingredients=["sertraline"])
    RoutingRule.objects.create(position=1, name="FDA: US", recipient=fda, countries=["US"])
    RoutingRule.objects.create(
        position=2, name="Sponsor A products", recipient=sponsor_a, match_products=True
    )
    return {"fda": fda, "sponsor": sponsor_a}


def make_case(member, reviewer, *, narrative="Patient reported insomnia on Zoloft."):
    # Received an hour ago: a follow-up version's C.1.5 must be later at second precision.
    return case_create(
        actor=reviewer,
        member=member,
        received_at=timezone.now() - timedelta(hours=1),
        drugs=[{"name_reported": "Zoloft", "ingredients": [{"name": "sertraline"}]}],
        reactions=[{"reported_term": "cant sleep", **INSOMNIA, "outcome": "2"}],
        hospitalisation=True,
        narrative=narrative,
    )


def deliver(case) -> dict:
    """Route and prepare the case version now (production does it on commit)."""
    subs = {s.recipient.name: s for s in submission_route_case(case=case)}
    return {name: submission_prepare(submission=s) for name, s in subs.items()}


@pytest.fixture
def received_case(routing, canary_member, reviewer):
    case = make_case(canary_member, reviewer)
    subs = deliver(case)
    assert {s.status for s in subs.values()} == {"validated"}
    return case


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def as_regulator(regulator):
    return client_for(regulator)


@pytest.fixture
def as_sponsor(sponsor_user):
    return client_for(sponsor_user)


@pytest.fixture
def as_sponsor_b(sponsor_b_user):
    return client_for(sponsor_b_user)


@pytest.fixture
def as_reviewer(reviewer):
    return client_for(reviewer)


@pytest.fixture
def as_member(member_user):
    return client_for(member_user)


def wanted_by(days: int = 14) -> str:
    return (timezone.now().date() + timedelta(days=days)).isoformat()


def open_request(user, case, questions=("onset_date", "outcome"), free=()) -> FollowupRequest:
    return followup_request_create(
        actor=user,
        case=case,
        questions=list(questions),
        free_text_questions=list(free),
        wanted_by=timezone.now().date() + timedelta(days=14),
    )


def approve_and_send(request, reviewer, capture) -> FollowupMessage:
    with capture(execute=True):
        followup_request_approve(actor=reviewer, request=request)
    request.refresh_from_db()
    return FollowupMessage.objects.get(id=request.message_id)


def link_token(email) -> str:
    match = LINK.search(email.body)
    assert match, email.body
    return match.group("token")


@pytest.fixture
def sent_message(received_case, regulator, reviewer, django_capture_on_commit_callbacks):
    request = open_request(regulator, received_case)
    message = approve_and_send(request, reviewer, django_capture_on_commit_callbacks)
    assert message.status == "sent" and len(mail.outbox) == 1
    return message


@pytest.fixture
def other_member_user(db):
    from tests.factories import MemberFactory

    member = MemberFactory()
    user, _, _ = user_create(actor="test", username="member-other", role="member", member=member)
    return user
