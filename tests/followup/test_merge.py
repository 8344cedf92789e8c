"""Reviewers merge accepted answers into the case: a follow-up version, routed to every
earlier recipient with the clock restarted, carrying the same case ids."""

from __future__ import annotations

import pytest
from django.utils import timezone

from followup.services import followup_message_answer
from pv.models import Case
from submissions.e2b import parse_batch
from submissions.models import Submission
from tests.conftest import CANARY_NAME, assert_no_canary
from tests.followup.conftest import deliver

pytestmark = pytest.mark.django_db
MSG = "/api/v1/followup/messages/"


@pytest.fixture
def answered(sent_message, member_user):
    followup_message_answer(
        actor=member_user,
        message=sent_message,
        answers={"onset_date": "2 days after the first dose", "outcome": f"better, {CANARY_NAME}"},
        consent=True,
    )
    sent_message.refresh_from_db()
    return sent_message


def test_reviewer_sees_messages_attempts_and_scrubbed_answers(as_reviewer, answered):
    body = as_reviewer.get(f"{MSG}?review=pending").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["member"] == answered.member.public_id  # reviewers see the internal id
    assert item["requests"][0]["partner"] == "FDA test"
    assert [t["kind"] for t in item["tries"]] == ["initial"]
    assert item["answers"]["onset_date"] == "2 days after the first dose"
    assert_no_canary(str(item))


def test_partners_and_members_cannot_see_messages(as_regulator, as_member, answered):
    assert as_regulator.get(MSG).status_code == 403
    assert as_regulator.get(f"{MSG}{answered.id}/").status_code == 403
    assert as_member.get(MSG).status_code == 403


def test_merge_creates_a_followup_version_sent_to_every_earlier_recipient(
    as_reviewer, answered, received_case
):
    # given v1 was acknowledged by both recipients
    Submission.objects.filter(case=received_case).update(status="acknowledged")
    # when
    response = as_reviewer.post(
        f"{MSG}{answered.id}/merge/",
        {"accepted": ["onset_date", "outcome"], "patient_weight_kg": "71.5"},
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    v2 = Case.objects.get(id=response.json()["id"])
    assert v2.version == 2 and v2.is_latest
    assert v2.worldwide_case_id == received_case.worldwide_case_id
    assert "Onset date: 2 days after the first dose" in v2.narrative
    assert "Patient reported insomnia" in v2.narrative  # v1's narrative kept
    answered.refresh_from_db()
    assert answered.review_status == "merged" and answered.merged_case_id == v2.id
    # follow-up submissions to both earlier recipients, clocks restarted today
    subs = deliver(v2)
    assert set(subs) == {"FDA test", "Sponsor A"}
    for submission in subs.values():
        assert submission.kind == "followup" and submission.status == "validated", (
            submission.validation_errors
        )
        assert submission.clock_start == timezone.now().date()
        icsr = parse_batch(bytes(submission.xml)).cases[0]
        assert icsr.worldwide_case_id == received_case.worldwide_case_id
        assert icsr.safety_report_id == received_case.sender_report_id
        assert_no_canary(bytes(submission.xml).decode())
    # merging twice is refused
    again = as_reviewer.post(f"{MSG}{answered.id}/merge/", {"accepted": ["outcome"]}, format="json")
    assert again.status_code == 409


def test_reviewer_edits_are_scrubbed_too(as_reviewer, answered):
    response = as_reviewer.post(
        f"{MSG}{answered.id}/merge/",
        {"accepted": ["outcome"], "edited": {"outcome": f"Recovered ({CANARY_NAME})"}},
        format="json",
    )
    assert response.status_code == 201
    narrative = Case.objects.get(id=response.json()["id"]).narrative
    assert "Outcome: Recovered" in narrative
    assert_no_canary(narrative)


def test_merge_needs_something_and_only_answered_questions(as_reviewer, answered):
    nothing = as_reviewer.post(f"{MSG}{answered.id}/merge/", {}, format="json")
    assert nothing.status_code == 400
    unknown = as_reviewer.post(f"{MSG}{answered.id}/merge/", {"accepted": ["pregnancy"]})
    assert unknown.status_code == 400
    answered.refresh_from_db()
    assert answered.review_status == "pending"


def test_reject_keeps_the_case_as_it_is(as_reviewer, answered, received_case):
    response = as_reviewer.post(f"{MSG}{answered.id}/reject/", {"note": "vague"}, format="json")
    assert response.status_code == 200 and response.json()["review_status"] == "rejected"
    assert Case.objects.filter(worldwide_case_id=received_case.worldwide_case_id).count() == 1
