"""Minimise at the door: every text field a member or a reviewer gives is stored without the
member's Restricted values or contact details, and audit snapshots hold only what was stored."""

from __future__ import annotations

import json

import pytest

from intake.models import AEReport, Post
from pv.models import AuditEvent, Case
from pv.services.cases import case_create, case_version_create
from tests.conftest import CANARY_EMAIL, CANARY_NAME, CANARY_PHONE, assert_no_canary

pytestmark = pytest.mark.django_db

PHONE = CANARY_PHONE
NAME = CANARY_NAME


@pytest.fixture
def client(api_client, admin_user, canary_member):
    api_client.force_authenticate(admin_user)
    return api_client


def test_every_post_field_is_minimised(client):
    # given a post whose forum and thread titles carry the member's name and email
    body = {
        "source_id": "p-min-1",
        "member_source_id": "m-canary",
        "forum": f"{NAME}'s corner",
        "thread": f"write to {CANARY_EMAIL} about zoloft",
        "about_drug": f"zoloft {PHONE}",
        "text": f"zoloft made me dizzy, call {PHONE}",
        "posted_at": "2026-10-01T10:00:00Z",
    }
    # when
    assert client.post("/api/v1/posts/", body, format="json").status_code == 201
    # then nothing of it is stored in plaintext, and the clinical words stay
    post = Post.objects.get(source_id="p-min-1")
    for value in (post.forum, post.thread, post.about_drug, post.text):
        assert_no_canary(value)
    assert "zoloft made me dizzy" in post.text and "about zoloft" in post.thread
    assert post.about_drug.startswith("zoloft")


def test_every_report_field_is_minimised(client):
    # given a report with Restricted values in every drug and event text field
    body = {
        "source_id": "r-min-1",
        "member_source_id": "m-canary",
        "drugs": [
            {
                "name": f"Zoloft ({NAME})",
                "dose": f"50 mg, ask {CANARY_EMAIL}",
                "route": f"oral {PHONE}",
                "frequency": f"daily, {NAME}",
                "indication": f"depression - {PHONE}",
                "start_date": "2026-09-01",
            }
        ],
        "events": [{"text": f"cant sleep, {NAME}", "onset_date": "2026-09-03"}],
        "free_text": f"Reach me at {PHONE}",
        "about_drug": f"Zoloft, {CANARY_EMAIL}",
        "submitted_at": "2026-10-01T10:00:00Z",
    }
    # when
    assert client.post("/api/v1/reports/", body, format="json").status_code == 201
    # then
    report = AEReport.objects.get(source_id="r-min-1")
    stored = json.dumps([report.drugs, report.events, report.free_text, report.about_drug])
    assert_no_canary(stored)
    drug = report.drugs[0]
    assert drug["route"].startswith("oral") and drug["start_date"] == "2026-09-01"
    assert report.events[0]["outcome"] == "unknown"


def test_text_a_reviewer_types_into_a_case_is_minimised(canary_member, reviewer):
    # given a reviewer who types the member's phone into a route and their name in a narrative
    case = case_create(
        actor=reviewer,
        member=canary_member,
        drugs=[{"name_reported": "Zoloft", "route": f"oral {PHONE}", "dose_text": NAME}],
        reactions=[{"reported_term": f"insomnia ({CANARY_EMAIL})", "code": "10022437"}],
        narrative=f"{NAME} called from {PHONE}.",
        medical_history=[f"asthma, {NAME}"],
    )
    # when a later version is typed the same way
    new = case_version_create(
        actor=reviewer,
        case=case,
        reason=f"{NAME} phoned in",
        changes={"narrative": f"Follow-up from {CANARY_EMAIL}"},
        drugs=[{"name_reported": "Zoloft", "route": f"oral {PHONE}"}],
    )
    # then neither version, nor their children, nor the audit snapshots hold a canary
    for version in Case.objects.filter(worldwide_case_id=case.worldwide_case_id):
        assert_no_canary(version.narrative + version.amendment_reason)
        assert_no_canary(json.dumps(version.medical_history))
        for drug in version.drugs.all():
            assert_no_canary(drug.route + drug.dose_text + drug.name_reported)
            assert drug.route.startswith("oral")
        for reaction in version.reactions.all():
            assert_no_canary(reaction.reported_term)
    assert new.reactions.get().code == "10022437"  # codes are kept as given
    for event in AuditEvent.objects.filter(object_type="pv.case"):
        assert_no_canary(json.dumps([event.before, event.after, event.reason], default=str))


def test_a_members_profile_is_minimised_at_registration(client):
    # given a registration whose conditions and treatments repeat the member's contact details
    body = {
        "source_id": "m-min-2",
        "name": "Ottoline Brackenbury",
        "email": "ottoline@example.net",
        "phone": "+44 20 7946 0321",
        "conditions": ["asthma (Ottoline Brackenbury)"],
        "treatments": ["salbutamol, call +44 20 7946 0321"],
    }
    # when
    response = client.post("/api/v1/members/", body, format="json")
    # then
    assert response.status_code == 201, response.content
    from pv.models import Member

    member = Member.objects.get(source_id="m-min-2")
    stored = json.dumps([member.conditions, member.treatments]).lower()
    for value in ("ottoline", "brackenbury", "7946", "example.net"):
        assert value not in stored
    assert "asthma" in stored and "salbutamol" in stored


def test_a_reviewers_triage_reason_is_minimised(canary_member, reviewer):
    # given a screened post of the canary member in the queue
    from intake.models import TriageItem  # noqa: PLC0415
    from intake.services.screening import items_screen  # noqa: PLC0415
    from intake.services.triage import triage_item_reject  # noqa: PLC0415
    from tests.factories import PostFactory  # noqa: PLC0415

    post = PostFactory(member=canary_member, text="zoloft gave me awful headaches for weeks")
    items_screen(kind="post", ids=[post.id])
    item = TriageItem.objects.get(post=post)
    # when the reviewer rejects it quoting the member's contact details
    triage_item_reject(actor=reviewer, item=item, reason=f"duplicate of {NAME}'s call, {PHONE}")
    # then the stored reason and its audit record lose them
    item.refresh_from_db()
    assert item.reason.startswith("duplicate of")
    assert_no_canary(item.reason)
    assert_no_canary(AuditEvent.objects.get(action="triage.rejected").reason)
