"""Fixtures for the page tests: a screened queue, a confirmed case with a pull submission."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from intake.models import TriageItem
from intake.services.screening import items_screen
from pv.models import Product
from pv.services.cases import case_create
from submissions.models import RoutingRule
from submissions.services import submission_prepare, submission_route_case
from tests.conftest import CANARY_EMAIL, CANARY_NAME, CANARY_PHONE
from tests.factories import MemberFactory, PostFactory

TEXTS = {
    "serious": "zoloft gave me a seizure and I was admitted to hospital",
    "rich": "started lexapro 2 wks ago and cant sleep, hair falling out too, no nausea tho",
    "plain": "lipitor gave me muscle pain",
}
MEDDRA_INSOMNIA = {
    "code": "10022437",
    "term": "Insomnia",
    "pt_code": "10022437",
    "pt": "Insomnia",
    "terminology": "MedDRA",
    "terminology_version": "27.0",
}


def screen_posts(texts: dict[str, str], member=None) -> dict[str, TriageItem]:
    member = member or MemberFactory()
    now = timezone.now()
    posts = {
        key: PostFactory(member=member, text=text, posted_at=now - timedelta(hours=n))
        for n, (key, text) in enumerate(texts.items())
    }
    items_screen(kind="post", ids=[p.id for p in posts.values()])
    return {key: TriageItem.objects.get(post=post) for key, post in posts.items()}


@pytest.fixture
def queue(db):
    return screen_posts(TEXTS)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def received_case(fda, sponsor_a, canary_member, reviewer):
    """A case about the canary member, routed and prepared for FDA (pull) and Sponsor A."""
    Product.objects.create(sponsor=sponsor_a, name="Zoloft", ingredients=["sertraline"])
    RoutingRule.objects.create(position=1, name="FDA", recipient=fda, countries=["US"])
    RoutingRule.objects.create(
        position=2, name="Sponsor A products", recipient=sponsor_a, match_products=True
    )
    case = case_create(
        actor=reviewer,
        member=canary_member,
        drugs=[{"name_reported": "Zoloft", "ingredients": [{"name": "sertraline"}]}],
        reactions=[{"reported_term": f"insomnia, says {CANARY_NAME}", **MEDDRA_INSOMNIA}],
        hospitalisation=True,
        narrative=f"{CANARY_NAME} ({CANARY_EMAIL}, {CANARY_PHONE}) could not sleep on Zoloft.",
    )
    submissions = [submission_prepare(submission=s) for s in submission_route_case(case=case)]
    return case, {s.recipient_id: s for s in submissions}
