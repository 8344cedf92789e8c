"""Follow-up questions stay with their asker: partner A's free-text question, and the member's
answer to it as the member wrote it, never reach partner B, although both partners' requests
are relayed as one message and merged into the one case both receive."""

from __future__ import annotations

import pytest

from followup.catalogue import free_question_id
from followup.services import followup_message_answer
from pv.models import Case
from submissions.models import Submission
from tests.followup.conftest import approve_and_send, client_for, open_request

pytestmark = pytest.mark.django_db
MSG = "/api/v1/followup/messages/"
QUESTION = "Did the patient operate the Vexmoor forklift while on it?"
ANSWER = "yes at the quarry, the zanthic shift"


@pytest.fixture
def answered_both(
    regulator,
    sponsor_user,
    reviewer,
    member_user,
    received_case,
    django_capture_on_commit_callbacks,
):
    fda = open_request(regulator, received_case, questions=["onset_date"])
    sponsor = open_request(sponsor_user, received_case, questions=["outcome"], free=[QUESTION])
    message = approve_and_send(fda, reviewer, django_capture_on_commit_callbacks)
    approve_and_send(sponsor, reviewer, django_capture_on_commit_callbacks)
    message.refresh_from_db()
    qid = free_question_id(QUESTION)
    assert {q["id"] for q in message.questions} == {"onset_date", "outcome", qid}
    followup_message_answer(
        actor=member_user,
        message=message,
        answers={"onset_date": "two days in", "outcome": "better now", qid: ANSWER},
        consent=True,
    )
    message.refresh_from_db()
    return message, qid


def _everything_fda_receives(regulator, case_ids) -> str:
    client = client_for(regulator)
    seen = [client.get("/api/v1/followup/requests/").content.decode()]
    for case_id in case_ids:
        seen.append(client.get(f"/api/v1/cases/{case_id}/").content.decode())
    for sub in Submission.objects.filter(recipient__name="FDA test"):
        seen.append(client.get(f"/api/v1/submissions/{sub.id}/").content.decode())
        seen.append(client.get(f"/api/v1/submissions/{sub.id}/xml/").content.decode())
    return "\n".join(seen).lower()


def test_an_answer_to_another_partners_question_needs_the_reviewers_words(
    as_reviewer, answered_both
):
    message, qid = answered_both
    # when the reviewer accepts the answer as the member wrote it
    response = as_reviewer.post(f"{MSG}{message.id}/merge/", {"accepted": [qid]}, format="json")
    # then it is refused: it would carry one partner's question to every recipient
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["edited"] == [qid]


def test_partner_b_never_sees_partner_as_question_or_the_verbatim_answer(
    as_reviewer, answered_both, regulator, django_capture_on_commit_callbacks
):
    message, qid = answered_both
    # when the reviewer merges, writing the free answer as case information
    with django_capture_on_commit_callbacks(execute=True):
        response = as_reviewer.post(
            f"{MSG}{message.id}/merge/",
            {
                "accepted": ["onset_date", "outcome", qid],
                "edited": {qid: "Reporter operated machinery while taking the drug."},
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    merged = Case.objects.get(id=response.json()["id"])
    # then the case holds the information as data, titled neutrally
    assert "Further information: Reporter operated machinery" in merged.narrative
    assert "Onset date: two days in" in merged.narrative
    for fragment in ("vexmoor", "forklift", "quarry", "zanthic"):
        assert fragment not in merged.narrative.lower()
    # and nothing the FDA receives (API, statuses, XML of both versions) holds either
    seen = _everything_fda_receives(regulator, [merged.id, merged.predecessor_id])
    assert "reporter operated machinery" in seen  # the merged version did reach the FDA
    for fragment in ("vexmoor", "forklift", "quarry", "zanthic"):
        assert fragment not in seen, fragment


def test_a_partners_question_is_minimised_before_it_is_stored(sponsor_user, received_case):
    # given a partner who somehow writes the member's name and a phone into its question
    from tests.conftest import CANARY_NAME, assert_no_canary  # noqa: PLC0415

    request = open_request(
        sponsor_user, received_case, questions=[], free=[f"Is {CANARY_NAME} on 555 0199 7731?"]
    )
    # then neither reaches the database, nor the member
    stored = [q["text"] for q in request.questions if q["key"] == "free"]
    assert stored and stored[0].startswith("Is ")
    assert_no_canary(stored[0])
