from datetime import date

import pytest

from pv.core.exceptions import DomainError
from pv.models import AuditEvent, Case
from pv.services.cases import case_create, case_set_status, case_version_create

pytestmark = pytest.mark.django_db

DRUG = {"role": "suspect", "name_reported": "Zoloft", "dose_text": "50 mg"}
REACTION = {"reported_term": "cant sleep", "term": "Insomnia", "outcome": "2"}


def test_case_create_records_day_zero_and_audits(canary_member, reviewer):
    # given / when
    case = case_create(actor=reviewer, member=canary_member, drugs=[DRUG], reactions=[REACTION])
    # then
    assert case.version == 1 and case.is_latest
    assert case.day_zero == date.today()
    assert case.worldwide_case_id == case.sender_report_id and case.worldwide_case_id.startswith(
        "US-"
    )
    assert case.patient_sex == "F" and case.patient_age is not None
    event = AuditEvent.objects.get(action="case.created", object_id=str(case.id))
    assert event.after["drugs"][0]["name_reported"] == "Zoloft"


def test_case_without_suspect_drug_has_no_day_zero(canary_member, reviewer):
    case = case_create(
        actor=reviewer,
        member=canary_member,
        drugs=[{**DRUG, "role": "concomitant"}],
        reactions=[REACTION],
    )
    assert case.day_zero is None


def test_followup_version_keeps_ids_and_restarts_clock(canary_member, reviewer):
    v1 = case_create(actor=reviewer, member=canary_member, drugs=[DRUG], reactions=[REACTION])
    v2 = case_version_create(
        actor=reviewer,
        case=v1,
        reason="member answered follow-up",
        changes={"hospitalisation": True},
    )
    v1.refresh_from_db()
    assert (v2.version, v2.predecessor_id, v2.is_latest, v1.is_latest) == (2, v1.id, True, False)
    assert (
        v2.worldwide_case_id == v1.worldwide_case_id and v2.sender_report_id == v1.sender_report_id
    )
    assert v2.latest_info_at > v1.latest_info_at
    assert v2.is_serious and not v1.is_serious
    assert v2.drugs.count() == 1 and v2.reactions.get().reported_term == "cant sleep"
    event = AuditEvent.objects.get(action="case.followup")
    assert event.before["hospitalisation"] is False and event.after["hospitalisation"] is True


def test_amendment_keeps_the_clock(canary_member, reviewer):
    v1 = case_create(actor=reviewer, member=canary_member, drugs=[DRUG], reactions=[REACTION])
    v2 = case_version_create(
        actor=reviewer,
        case=v1,
        kind="amendment",
        reason="typo in narrative",
        changes={"narrative": "fixed"},
    )
    assert v2.latest_info_at == v1.latest_info_at and v2.amendment_reason == "typo in narrative"


def test_only_the_latest_version_can_be_extended(canary_member, reviewer):
    v1 = case_create(actor=reviewer, member=canary_member, drugs=[DRUG], reactions=[REACTION])
    case_version_create(actor=reviewer, case=v1, reason="fu 1")
    with pytest.raises(DomainError) as err:
        case_version_create(actor=reviewer, case=v1, reason="fu from a stale page")
    assert err.value.code == "stale_version"
    assert Case.objects.filter(worldwide_case_id=v1.worldwide_case_id).count() == 2


def test_nullification_is_a_new_version_with_a_reason(canary_member, reviewer):
    case = case_create(actor=reviewer, member=canary_member, drugs=[DRUG], reactions=[REACTION])
    with pytest.raises(DomainError):
        case_set_status(actor=reviewer, case=case, status="nullified")
    with pytest.raises(DomainError):
        case_version_create(actor=reviewer, case=case, kind="nullification", reason=" ")
    void = case_version_create(
        actor=reviewer, case=case, kind="nullification", reason="duplicate of another case"
    )
    assert (void.status, void.version, void.amendment_reason) == (
        "nullified",
        2,
        "duplicate of another case",
    )


def test_unknown_fields_are_refused(canary_member, reviewer):
    with pytest.raises(DomainError):
        case_create(
            actor=reviewer,
            member=canary_member,
            drugs=[{**DRUG, "colour": "red"}],
            reactions=[REACTION],
        )


def test_day_zero_is_the_date_the_report_was_first_received(canary_member, reviewer):
    from datetime import timedelta

    from django.utils import timezone

    received = timezone.now() - timedelta(days=3)
    case = case_create(
        actor=reviewer,
        member=canary_member,
        drugs=[DRUG],
        reactions=[REACTION],
        received_at=received,
    )
    assert case.day_zero == received.date()
