"""Routing, clocks, prepare/validate, push to a real local receiver, pull, ACK reconciliation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pv.models import AuditEvent, Case, Partner
from pv.services.cases import case_create, case_version_create
from submissions.e2b import parse_batch
from submissions.models import RoutingRule, Submission
from submissions.services import (
    case_e2b_preview,
    submission_ack_receive,
    submission_download,
    submission_prepare,
    submission_route_case,
    submission_send,
)
from submissions.transport import GatewayUnavailable
from tests.conftest import assert_no_canary
from tests.submissions.receiver import Receiver

pytestmark = pytest.mark.django_db

INSOMNIA = {
    "code": "10022437",
    "term": "Insomnia",
    "terminology": "MedDRA",
    "terminology_version": "27.0",
}


@pytest.fixture
def partners(fda, sponsor_a):
    ema = Partner.objects.create(
        name="EMA test",
        kind="regulator",
        country="NL",
        region="EU",
        e2b_receiver_id="EVHUMAN",
        e2b_profile="ema",
    )
    sponsor_a.products.create(name="Zoloft", ingredients=["sertraline"])
    RoutingRule.objects.create(
        position=1, name="FDA: serious US", recipient=fda, countries=["US"], seriousness="serious"
    )
    RoutingRule.objects.create(position=2, name="EMA: EU", recipient=ema, regions=["EU"])
    RoutingRule.objects.create(
        position=3, name="Sponsor A products", recipient=sponsor_a, match_products=True
    )
    return {"fda": fda, "ema": ema, "sponsor": sponsor_a}


def _case(member, reviewer, *, serious=True, drug="Zoloft", country=None, narrative_extra=""):
    extra = {"reporter_country": country} if country else {}
    return case_create(
        actor=reviewer,
        member=member,
        drugs=[
            {
                "name_reported": drug,
                "ingredients": [{"name": "sertraline"}] if drug == "Zoloft" else [],
            }
        ],
        reactions=[
            {"reported_term": "cant sleep", **INSOMNIA, "outcome": "2", "hospitalisation": serious}
        ],
        hospitalisation=serious,
        narrative=f"Patient reported insomnia on Zoloft. {narrative_extra}",
        **extra,
    )


def _route(case):
    # Routing runs on commit in production; the tests call the service directly.
    Submission.objects.filter(case=case).delete()
    return {s.recipient.name: s for s in submission_route_case(case=case)}


def test_first_matching_rule_per_recipient_and_due_dates(partners, canary_member, reviewer):
    case = _case(canary_member, reviewer, serious=True)
    subs = _route(case)
    assert set(subs) == {"FDA test", "Sponsor A"}  # US member: not EMA
    assert subs["FDA test"].due_date == case.day_zero + timedelta(days=15)
    assert subs["FDA test"].status == "queued" and subs["FDA test"].kind == "initial"


def test_non_serious_us_case_goes_only_to_the_sponsor_with_90_days(
    partners, canary_member, reviewer
):
    case = _case(canary_member, reviewer, serious=False)
    subs = _route(case)
    assert set(subs) == {"Sponsor A"}
    assert subs["Sponsor A"].due_date == case.day_zero + timedelta(days=90)


def test_eu_member_goes_to_ema_and_other_products_not_to_the_sponsor(
    partners, canary_member, reviewer
):
    case = _case(canary_member, reviewer, serious=False, drug="Lipitor", country="DE")
    assert set(_route(case)) == {"EMA test"}


def test_exclude_rule_wins_when_it_comes_first(partners, canary_member, reviewer):
    RoutingRule.objects.filter(position=1).update(position=10)
    RoutingRule.objects.create(
        position=1, name="hold FDA", recipient=partners["fda"], action="exclude"
    )
    assert set(_route(_case(canary_member, reviewer))) == {"Sponsor A"}


def test_routing_twice_creates_no_duplicates(partners, canary_member, reviewer):
    case = _case(canary_member, reviewer)
    first = _route(case)
    again = submission_route_case(case=case)
    assert again == [] and Submission.objects.filter(case=case).count() == len(first)


def test_prepare_validates_and_never_leaks_restricted_data(partners, canary_member, reviewer):
    from tests.conftest import CANARY_EMAIL, CANARY_NAME

    case = _case(
        canary_member, reviewer, narrative_extra=f"Reporter {CANARY_NAME} ({CANARY_EMAIL})."
    )
    for submission in _route(case).values():
        submission = submission_prepare(submission=submission)
        assert submission.status == "validated", submission.validation_errors
        xml = bytes(submission.xml).decode()
        assert_no_canary(xml)
        assert case.worldwide_case_id in xml


def test_open_terminology_reaction_is_held_for_a_meddra_only_regulator_and_not_built(
    partners, canary_member, reviewer
):
    case = case_create(
        actor=reviewer,
        member=canary_member,
        drugs=[{"name_reported": "Zoloft"}],
        reactions=[
            {
                "reported_term": "cant sleep",
                "code": "HP:0100785",
                "term": "Insomnia",
                "terminology": "pv open events (HPO-derived)",
                "terminology_version": "x",
            }
        ],
        hospitalisation=True,
    )
    submission = submission_prepare(submission=_route(case)["FDA test"])
    # held before building: nothing to send, and the reason names the reaction and terminology
    assert submission.status == "held" and bytes(submission.xml) == b""
    assert [r["message"] for r in submission.held_reasons] == [
        "needs coding: reaction 1 'cant sleep' is coded in pv open events (HPO-derived) x, "
        "not MedDRA"
    ]
    # the validator itself still rejects the open coding for the FDA profile (E.i.2.1b)
    preview = case_e2b_preview(case=case, profile="fda", actor=reviewer)
    assert any("E.i.2.1b" in e for e in preview["errors"])


def test_push_retries_transient_errors_then_reconciles_the_ack(partners, canary_member, reviewer):
    with Receiver([503, "accept"]) as receiver:
        partners["fda"].endpoint_url = receiver.url
        partners["fda"].save()
        submission = submission_prepare(
            submission=_route(_case(canary_member, reviewer))["FDA test"]
        )
        with pytest.raises(GatewayUnavailable):
            submission_send(submission=submission)
        submission.refresh_from_db()
        assert submission.status == "validated"  # claim released for the retry
        submission = submission_send(submission=submission)
    assert submission.status == "acknowledged" and submission.ack_result == "accepted"
    assert len(receiver.received) == 2
    assert parse_batch(receiver.received[-1]).header.batch_number == submission.batch_number
    actions = set(
        AuditEvent.objects.filter(object_id=str(submission.id)).values_list("action", flat=True)
    )
    assert {
        "submission.queued",
        "submission.validated",
        "submission.sent",
        "submission.acknowledged",
    } <= actions


def test_rejection_surfaces_the_receivers_error_text(partners, canary_member, reviewer):
    with Receiver(["reject"]) as receiver:
        partners["fda"].endpoint_url = receiver.url
        partners["fda"].save()
        submission = submission_prepare(
            submission=_route(_case(canary_member, reviewer))["FDA test"]
        )
        submission = submission_send(submission=submission)
    assert (submission.status, submission.ack_result) == ("acknowledged", "rejected")
    assert "R0019" in submission.ack_text


def test_receiver_4xx_is_a_permanent_failure(partners, canary_member, reviewer):
    with Receiver([400]) as receiver:
        partners["fda"].endpoint_url = receiver.url
        partners["fda"].save()
        submission = submission_prepare(
            submission=_route(_case(canary_member, reviewer))["FDA test"]
        )
        submission = submission_send(submission=submission)
    assert submission.status == "failed" and "HTTP 400" in submission.last_error


def test_a_submission_is_sent_once_even_if_two_workers_try(partners, canary_member, reviewer):
    with Receiver(["accept", "accept"]) as receiver:
        partners["fda"].endpoint_url = receiver.url
        partners["fda"].save()
        submission = submission_prepare(
            submission=_route(_case(canary_member, reviewer))["FDA test"]
        )
        stale_copy = Submission.objects.get(id=submission.id)
        submission_send(submission=submission)
        submission_send(submission=stale_copy)  # the second worker finds the claim taken
    assert len(receiver.received) == 1


def test_followup_version_goes_to_every_earlier_recipient_with_a_new_clock(
    partners, canary_member, reviewer
):
    v1 = _case(canary_member, reviewer, serious=True)
    # v1 was received an hour ago (C.1.5 must move forward at second precision).
    Case.objects.filter(pk=v1.pk).update(latest_info_at=timezone.now() - timedelta(hours=1))
    v1.refresh_from_db()
    for s in _route(v1).values():
        submission_prepare(submission=s)
    Submission.objects.filter(case=v1).update(status="acknowledged")
    # the rules no longer pick the sponsor, but it received v1, so it gets v2
    RoutingRule.objects.filter(recipient=partners["sponsor"]).update(active=False)
    v2 = case_version_create(
        actor=reviewer, case=v1, reason="member answered", changes={"patient_weight_kg": 70}
    )
    subs = {s.recipient.name: s for s in submission_route_case(case=v2)}
    assert set(subs) == {"FDA test", "Sponsor A"}
    assert all(s.kind == "followup" for s in subs.values())
    for submission in subs.values():
        submission = submission_prepare(submission=submission)
        assert submission.status == "validated", submission.validation_errors
        snapshot = parse_batch(bytes(submission.xml)).cases[0]
        assert snapshot.worldwide_case_id == v1.worldwide_case_id
        assert snapshot.safety_report_id == v1.sender_report_id
    assert subs["FDA test"].clock_start == timezone.now().date()


def test_ack_from_another_partner_is_refused(partners, canary_member, reviewer):
    from pv.core.exceptions import DomainError
    from submissions.e2b import Ack, MessageAck, build_ack

    submission = submission_prepare(submission=_route(_case(canary_member, reviewer))["FDA test"])
    ack = build_ack(
        Ack(
            batch_number=submission.batch_number,
            code="AA",
            sender_id="ZZFDA",
            receiver_id="PV",
            messages=[MessageAck(message_id=submission.message_id, code="CA")],
        )
    )
    with pytest.raises(DomainError):
        submission_ack_receive(xml=ack, partner=partners["sponsor"])
    with pytest.raises(DomainError) as unsent:  # validated but never pulled: not sent
        submission_ack_receive(xml=ack, partner=partners["fda"])
    assert unsent.value.code == "not_sent"
    submission_download(submission=submission, actor=reviewer)
    updated = submission_ack_receive(xml=ack, partner=partners["fda"])
    assert [s.ack_result for s in updated] == ["accepted"]
    assert submission_ack_receive(xml=ack, partner=partners["fda"]) == []  # idempotent


def test_open_terminology_is_accepted_only_under_a_partner_agreement(
    partners, canary_member, reviewer
):
    Partner.objects.filter(pk=partners["sponsor"].pk).update(accepts_open_terminology=True)
    case = case_create(
        actor=reviewer,
        member=canary_member,
        drugs=[{"name_reported": "Zoloft", "ingredients": [{"name": "sertraline"}]}],
        reactions=[
            {
                "reported_term": "cant sleep",
                "code": "HP:0100785",
                "term": "Insomnia",
                "terminology": "pv open events (HPO-derived)",
                "terminology_version": "x",
            }
        ],
        hospitalisation=True,
    )
    subs = _route(case)
    sponsor = submission_prepare(submission=subs["Sponsor A"])
    regulator = submission_prepare(submission=subs["FDA test"])
    assert sponsor.status == "validated" and regulator.status == "held"
    xml = bytes(sponsor.xml).decode()
    assert (
        "HP:0100785" in xml and "2.16.840.1.113883.6.163" not in xml.split("HP:0100785")[0][-300:]
    )


def test_a_recipient_new_to_the_case_gets_an_initial_report(partners, canary_member, reviewer):
    # given v1 went only to the sponsor (non-serious), then follow-up makes it serious
    v1 = _case(canary_member, reviewer, serious=False)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Case.objects.filter(pk=v1.pk).update(received_at=an_hour_ago, latest_info_at=an_hour_ago)
    v1.refresh_from_db()
    for s in _route(v1).values():
        assert submission_prepare(submission=s).status == "validated", s.validation_errors
    v2 = case_version_create(
        actor=reviewer, case=v1, reason="hospitalised", changes={"hospitalisation": True}
    )
    # when
    subs = {s.recipient.name: s for s in submission_route_case(case=v2)}
    # then FDA (serious US) sees the case for the first time: an initial report due from day 0
    assert subs["FDA test"].kind == "initial" and subs["Sponsor A"].kind == "followup"
    assert subs["FDA test"].clock_start == v1.day_zero
