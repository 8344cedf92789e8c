"""End to end, as partners, a reviewer and a member would drive it: intake -> screening ->
case -> submissions -> follow-up request -> relay -> answer -> merge -> follow-up submission.

Canary Restricted values (name, email, phone) are in the member's vault record, in their post
and in their follow-up answers. Everything a partner can see is captured (API responses to
partner tokens, E2B XML, any email not addressed to the member, log lines at INFO and above)
and must hold no canary. The one email to the member must carry the link and no case details.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from intake.models import Post
from pv.models import AuditEvent, Case
from submissions.e2b import parse_batch
from tests.conftest import (
    CANARY_EMAIL,
    CANARY_NAME,
    CANARY_PHONE,
    assert_no_canary,
)
from tests.followup.conftest import INSOMNIA, client_for, link_token

pytestmark = pytest.mark.django_db

POST_TEXT = (
    "Started zoloft two weeks ago and now I cant sleep at all, up every night. "
    f"This is {CANARY_NAME}, email me at {CANARY_EMAIL} or call {CANARY_PHONE}."
)


class PartnerView:
    """Everything one partner receives, kept as text for the canary grep."""

    def __init__(self, user):
        self.client = client_for(user)
        self.seen: list[str] = []

    def call(self, method: str, url: str, data=None, expect: int = 200):
        response = getattr(self.client, method)(url, data, format="json")
        assert response.status_code == expect, (url, response.content)
        self.seen.append(response.content.decode())
        return response

    def download_xml(self) -> list[bytes]:
        listed = self.call("get", "/api/v1/submissions/").json()["results"]
        out = []
        for sub in listed:
            out.append(self.call("get", f"/api/v1/submissions/{sub['id']}/xml/").content)
        return out


def test_no_canary_reaches_any_partner_through_the_whole_flow(
    routing,
    canary_member,
    member_user,
    reviewer,
    regulator,
    sponsor_user,
    caplog,
    django_capture_on_commit_callbacks,
):
    caplog.set_level(logging.INFO)
    fda, sponsor = PartnerView(regulator), PartnerView(sponsor_user)
    staff, member = client_for(reviewer), client_for(member_user)

    # 1. intake: the member posts (their own contact details included); screening runs on commit
    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(
            "/api/v1/posts/",
            {
                "source_id": "post-e2e-1",
                "forum": "depression",
                "text": POST_TEXT,
                "posted_at": (timezone.now() - timedelta(days=2)).isoformat(),
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    post = Post.objects.get(source_id="post-e2e-1")
    assert post.screening_status == "screened"
    assert_no_canary(post.text)  # minimised at the door

    # 2. case: the reviewer builds it from the post, MedDRA-coded; routing runs on commit
    from pv.services.cases import case_create

    with django_capture_on_commit_callbacks(execute=True):
        v1 = case_create(
            actor=reviewer,
            member=canary_member,
            drugs=[{"name_reported": "Zoloft", "ingredients": [{"name": "sertraline"}]}],
            reactions=[{"reported_term": "cant sleep", **INSOMNIA, "outcome": "3"}],
            hospitalisation=True,
            # A careless narrative quoting the member verbatim: scrubbing must still hold.
            narrative=f"Member reports insomnia on Zoloft. Original: {POST_TEXT}",
            received_at=timezone.now() - timedelta(hours=1),
            source_posts=[post],
        )
    # 3. submissions: both partners pull their initial ICSR
    initial = {"fda": fda.download_xml(), "sponsor": sponsor.download_xml()}
    assert all(len(xmls) == 1 for xmls in initial.values())
    fda.call("get", f"/api/v1/cases/{v1.id}/")
    sponsor.call("get", f"/api/v1/cases/{v1.id}/")

    # 4. follow-up requests from both partners on the case they received
    fda_req = fda.call(
        "post",
        "/api/v1/followup/requests/",
        {
            "case": str(v1.id),
            "questions": ["onset_date", "outcome", "hospital_stay"],
            "wanted_by": (timezone.now().date() + timedelta(days=10)).isoformat(),
        },
        expect=201,
    ).json()
    sponsor_req = sponsor.call(
        "post",
        "/api/v1/followup/requests/",
        {
            "case": str(v1.id),
            "questions": ["outcome", "other_medicines"],
            "free_text_questions": ["Did the sleeplessness on Zoloft improve after stopping?"],
            "wanted_by": (timezone.now().date() + timedelta(days=10)).isoformat(),
        },
        expect=201,
    ).json()
    assert fda_req["member"] != sponsor_req["member"]  # unlinkable pseudonyms
    assert canary_member.public_id not in fda_req["member"] + sponsor_req["member"]

    # 5. the reviewer approves both: one merged message, one email, to the member only
    with django_capture_on_commit_callbacks(execute=True):
        for req in (fda_req, sponsor_req):
            response = staff.post(f"/api/v1/followup/requests/{req['id']}/approve/", {})
            assert response.status_code == 200, response.content
    to_member = [m for m in mail.outbox if m.to == [CANARY_EMAIL]]
    assert len(to_member) == 1 and len(mail.outbox) == 1
    email = to_member[0]
    token = link_token(email)
    case_details = (
        "zoloft",
        "sertraline",
        "insomnia",
        "sleeplessness",
        INSOMNIA["code"],
        v1.worldwide_case_id.lower(),
        "fda",
        "sponsor a",
        "hospital",
    )
    for detail in case_details:
        assert detail not in (email.subject + email.body).lower(), detail
    assert AuditEvent.objects.filter(
        action="vault.identity_read", after__purpose="follow-up"
    ).exists()
    assert fda.call("get", f"/api/v1/followup/requests/{fda_req['id']}/").json()["status"] == "sent"

    # 6. the member answers through the link, with their canaries in the answers
    browser = Client()
    page = browser.get(f"/followup/reply/{token}/")
    assert page.status_code == 200
    answers = {
        "q-onset_date": f"The day after the first tablet. {CANARY_NAME} here.",
        "q-outcome": f"Sleeping better since I stopped. Text me on {CANARY_PHONE}.",
        "q-hospital_stay": "One night in hospital for observation.",
        "q-other_medicines": f"Ibuprofen sometimes; details at {CANARY_EMAIL}",
    }
    done = browser.post(
        f"/followup/reply/{token}/", {"action": "answer", "consent": "yes", **answers}
    )
    assert done.status_code == 200, done.content
    assert browser.post(f"/followup/reply/{token}/", {"action": "decline"}).status_code == (
        410
    )
    statuses = {
        r["status"] for r in sponsor.call("get", "/api/v1/followup/requests/").json()["results"]
    }
    assert statuses == {"answered"}

    # 7. the reviewer merges the accepted answers: a follow-up version, routed on commit
    message_id = staff.get("/api/v1/followup/messages/?review=pending").json()["results"][0]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        merged = staff.post(
            f"/api/v1/followup/messages/{message_id}/merge/",
            {"accepted": ["onset_date", "outcome", "hospital_stay", "other_medicines"]},
            format="json",
        )
    assert merged.status_code == 201, merged.content
    v2 = Case.objects.get(id=merged.json()["id"])
    assert v2.version == 2 and v2.worldwide_case_id == v1.worldwide_case_id

    # 8. both partners pull the follow-up ICSR: same case ids, a later version
    for view in (fda, sponsor):
        xmls = view.download_xml()
        assert len(xmls) == 2
        icsrs = [parse_batch(x).cases[0] for x in xmls]
        assert {i.worldwide_case_id for i in icsrs} == {v1.worldwide_case_id}
        assert {i.safety_report_id for i in icsrs} == {v1.sender_report_id}
        listed = view.call("get", "/api/v1/submissions/").json()["results"]
        assert sorted((s["case_version"], s["kind"]) for s in listed) == [
            (1, "initial"),
            (2, "followup"),
        ]
        view.call("get", f"/api/v1/cases/{v2.id}/")
        view.call("get", "/api/v1/followup/requests/")
    assert "One night in hospital" in v2.narrative

    # 9. the canary grep over everything partners saw, every non-member email, and the logs
    partner_outputs = [*fda.seen, *sponsor.seen]
    partner_outputs += [f"{m.subject}\n{m.body}" for m in mail.outbox if m.to != [CANARY_EMAIL]]
    log_lines = [
        record.getMessage() + (record.exc_text or "")
        for record in caplog.records
        if record.levelno >= logging.INFO
    ]
    assert log_lines  # the flow did log
    for text in [*partner_outputs, *log_lines]:
        assert_no_canary(text)
    for text in partner_outputs:  # partners never see the internal member id either
        assert canary_member.public_id not in text
