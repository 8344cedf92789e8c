"""Partners open requests on cases they received; everything else is 404; rate limits."""

from __future__ import annotations

import uuid

import pytest

from followup.models import FollowupRequest
from followup.throttles import FollowupCreateThrottle
from pv.models import AuditEvent
from pv.services.members import member_set_contact_opt_out
from pv.services.users import user_create
from tests.followup.conftest import client_for, make_case, wanted_by

pytestmark = pytest.mark.django_db
URL = "/api/v1/followup/requests/"


def _body(case, **extra):
    return {"case": str(case.id), "questions": ["onset_date"], "wanted_by": wanted_by(), **extra}


def test_partner_opens_a_request_on_a_case_it_received(as_regulator, received_case, canary_member):
    # when
    response = as_regulator.post(
        URL,
        _body(
            received_case,
            questions=["onset_date", "dose_frequency", "hospital_stay"],
            free_text_questions=["Was the insomnia worse at night?"],
        ),
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending_approval"
    assert body["case"] == str(received_case.id)
    assert [q["key"] for q in body["questions"]] == [
        "onset_date",
        "dose_frequency",
        "hospital_stay",
        "free",
    ]
    # the partner sees its own pseudonym for the member, never the internal id
    assert body["member"].startswith("P") and body["member"] != canary_member.public_id
    assert "partner" not in body and "message" not in body and "review_note" not in body
    assert AuditEvent.objects.filter(action="followup.request_created").count() == 1


def test_each_partner_has_its_own_stable_pseudonym(as_regulator, as_sponsor, received_case):
    a = as_regulator.post(URL, _body(received_case), format="json").json()["member"]
    b = as_sponsor.post(URL, _body(received_case), format="json").json()["member"]
    again = as_regulator.get(URL).json()["results"][0]["member"]
    assert a != b and a == again


def test_case_not_received_is_404_like_a_case_that_does_not_exist(
    as_sponsor_b, as_regulator, received_case
):
    # Sponsor B received nothing: its answer is the same as for a random id.
    for client, case_id in [
        (as_sponsor_b, received_case.id),
        (as_regulator, uuid.uuid4()),
    ]:
        response = client.post(URL, {**_body(received_case), "case": str(case_id)}, format="json")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert FollowupRequest.objects.count() == 0


def test_only_partners_open_requests(as_reviewer, as_member, received_case):
    assert as_reviewer.post(URL, _body(received_case), format="json").status_code == 403
    assert as_member.post(URL, _body(received_case), format="json").status_code == 403
    assert as_member.get(URL).status_code == 403


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"questions": ["favourite_colour"]}, "questions"),
        ({"questions": [], "free_text_questions": []}, "questions"),
        ({"wanted_by": "2001-01-01"}, "wanted_by"),
        ({"wanted_by": "soon"}, "wanted_by"),
        ({"free_text_questions": ["x" * 501]}, "free_text_questions"),
        ({"case": "not-a-uuid"}, "case"),
    ],
)
def test_bad_input_is_a_clear_400(as_regulator, received_case, extra, field):
    response = as_regulator.post(URL, {**_body(received_case), **extra}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and field in body["extra"]["fields"]


def test_one_open_request_per_partner_and_case(as_regulator, as_sponsor, received_case):
    assert as_regulator.post(URL, _body(received_case), format="json").status_code == 201
    again = as_regulator.post(URL, _body(received_case), format="json")
    assert again.status_code == 409 and again.json()["code"] == "request_open"
    # another partner may still ask
    assert as_sponsor.post(URL, _body(received_case), format="json").status_code == 201


def test_partner_free_text_loses_contact_details(as_regulator, received_case):
    body = as_regulator.post(
        URL,
        _body(
            received_case,
            free_text_questions=["Please email safety@sponsor.example or call +1 202 555 0100"],
        ),
        format="json",
    ).json()
    text = body["questions"][-1]["text"]
    assert "safety@sponsor.example" not in text and "555 0100" not in text


def test_opted_out_member_is_not_contactable_at_once(as_regulator, received_case, canary_member):
    member_set_contact_opt_out(actor="test", member=canary_member, opted_out=True)
    body = as_regulator.post(URL, _body(received_case), format="json").json()
    assert body["status"] == "not_contactable"


def test_partners_see_only_their_own_requests(
    as_regulator, as_sponsor, as_sponsor_b, as_reviewer, received_case
):
    mine = as_regulator.post(URL, _body(received_case), format="json").json()
    as_sponsor.post(URL, _body(received_case), format="json")
    listed = as_regulator.get(URL).json()
    assert [r["id"] for r in listed["results"]] == [mine["id"]]
    assert as_sponsor.get(f"{URL}{mine['id']}/").status_code == 404
    assert as_sponsor_b.get(f"{URL}{mine['id']}/").status_code == 404
    assert as_sponsor_b.get(URL).json()["count"] == 0
    # reviewers see everything, with who asked
    staff = as_reviewer.get(URL).json()
    assert staff["count"] == 2
    assert {r["partner"] for r in staff["results"]} == {"FDA test", "Sponsor A"}


def test_partner_status_filter_uses_partner_statuses(as_regulator, received_case):
    as_regulator.post(URL, _body(received_case), format="json")
    assert as_regulator.get(f"{URL}?status=pending_approval").json()["count"] == 1
    assert as_regulator.get(f"{URL}?status=sent").json()["count"] == 0
    assert as_regulator.get(f"{URL}?status=bogus").status_code == 400


def test_request_list_is_constant_queries(
    regulator, routing, canary_member, reviewer, django_assert_max_num_queries
):
    from tests.followup.conftest import deliver, open_request

    for _ in range(6):
        case = make_case(canary_member, reviewer)
        deliver(case)
        open_request(regulator, case)
    client = client_for(regulator)
    # 4 queries for the page, one read of the vault version (the all-members scrubber), plus one
    # audited vault read per distinct member (here one): the partner-output path scrubs the
    # questions' wording with the member's own values.
    with django_assert_max_num_queries(11):
        body = client.get(URL).json()
    assert body["count"] == 6


def test_creation_is_rate_limited_per_partner_not_per_user(
    monkeypatch, fda, regulator, received_case
):
    # given a budget of 2 per hour and two users of the same partner
    monkeypatch.setattr(FollowupCreateThrottle, "THROTTLE_RATES", {"followup_create": "2/hour"})
    colleague, _, _ = user_create(actor="test", username="fda-2", role="regulator", partner=fda)
    first, second = client_for(regulator), client_for(colleague)
    # when: probing ids counts as much as real requests
    assert first.post(URL, _body(received_case), format="json").status_code == 201
    probe = {**_body(received_case), "case": str(uuid.uuid4())}
    assert second.post(URL, probe, format="json").status_code == 404
    # then
    third = second.post(URL, probe, format="json")
    assert third.status_code == 429
    assert first.get(URL).status_code == 200  # reading is not limited


def test_partners_read_the_question_catalogue(as_regulator, as_member):
    body = as_regulator.get("/api/v1/followup/questions/").json()
    assert [q["key"] for q in body][:2] == ["onset_date", "dose_frequency"]
    assert len(body) == 9 and all(q["title"] and q["text"] for q in body)
    assert as_member.get("/api/v1/followup/questions/").status_code == 403


def test_service_refuses_a_case_the_partner_did_not_receive(sponsor_b_user, received_case):
    from pv.core.exceptions import NotFound
    from tests.followup.conftest import open_request

    with pytest.raises(NotFound):
        open_request(sponsor_b_user, received_case)
