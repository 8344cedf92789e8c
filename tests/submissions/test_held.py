"""Uncoded reactions never reach a regulator: the submission is created but held with its reason,
stays on its clock and off partners' lists, and is released (built, validated, queued to send)
by the recode that makes its case codable, audited all the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coding.models import Dictionary
from coding.nlp import default_events
from coding.services import case_reaction_code, dictionary_load
from pv.core.exceptions import DomainError, NotFound
from pv.models import AuditEvent, Case, CaseReaction, Partner, Product
from pv.services.cases import case_create, case_version_create
from submissions.models import RoutingRule, Submission
from submissions.selectors import submission_list_due, submission_list_overdue
from submissions.services import submission_prepare, submission_route_case, submission_sweep
from tests.coding.meddra_release import open_pt, write_release

pytestmark = pytest.mark.django_db
S = Submission.Status

# A test release (fake codes, not MedDRA): "Liver function test increased" with a lay LLT.
TERMS = [
    {"pt": ("70010011", "Liver function test increased"),
     "llts": [("70020011", "Liver numbers up", True)]},
    {"pt": ("70010012", "Insomnia"), "soc": "nervous",
     "llts": [("70020012", "Sleeplessness", True)]},
]  # fmt: skip
INSOMNIA = {
    "code": "70020012",
    "term": "Sleeplessness",
    "pt_code": "70010012",
    "pt": "Insomnia",
    "terminology": "MedDRA",
    "terminology_version": "98.0",
}


@pytest.fixture
def meddra(settings, tmp_path) -> Dictionary:
    settings.PV_DICTIONARY_DIR = str(tmp_path / "dictionaries")
    return dictionary_load(
        actor="test",
        kind="event",
        fmt="meddra",
        path=write_release(tmp_path / "release", version="98.0", terms=TERMS),
    )


@pytest.fixture
def routes(fda, sponsor_a):
    """FDA (MedDRA only) takes every US case; Sponsor A its products, open terminology agreed."""
    Product.objects.create(sponsor=sponsor_a, name="Zoloft", ingredients=["sertraline"])
    Partner.objects.filter(pk=sponsor_a.pk).update(accepts_open_terminology=True)
    RoutingRule.objects.create(position=1, name="FDA", recipient=fda, countries=["US"])
    RoutingRule.objects.create(
        position=2, name="Sponsor A", recipient=sponsor_a, match_products=True
    )
    return {"fda": fda, "sponsor": sponsor_a}


def _case(member, reviewer, *reactions: dict) -> Case:
    return case_create(
        actor=reviewer,
        member=member,
        drugs=[{"name_reported": "Zoloft", "ingredients": [{"name": "sertraline"}]}],
        reactions=list(reactions),
        hospitalisation=True,
        narrative="Patient reported these reactions on Zoloft.",
    )


def _prepared(case: Case) -> dict[str, Submission]:
    return {
        s.recipient.name: submission_prepare(submission=s) for s in submission_route_case(case=case)
    }


UNCODED = {"reported_term": "my liver numbers went up"}


def test_an_uncoded_reaction_holds_the_submission_with_its_reason_for_every_recipient(
    routes, canary_member, reviewer
):
    # given a case with one coded and one uncoded reaction
    case = _case(canary_member, reviewer, {"reported_term": "cant sleep", **INSOMNIA}, UNCODED)
    # when it is routed and prepared
    subs = _prepared(case)
    # then both recipients' submissions are held, not built, and say which reaction and why
    for name, submission in subs.items():
        assert submission.status == S.HELD, name
        assert bytes(submission.xml) == b"" and submission.validation_errors == []
        assert submission.held_reasons == [
            {
                "reaction": 2,
                "reported_term": "my liver numbers went up",
                "message": "needs coding: reaction 2 'my liver numbers went up' has no "
                + ("MedDRA" if name == "FDA test" else "MedDRA or pv open")
                + " code",
            }
        ]
    held = AuditEvent.objects.get(action="submission.held", object_id=str(subs["FDA test"].id))
    assert "my liver numbers went up" in held.after["reasons"][0]


def test_a_held_submission_keeps_its_clock_and_is_never_shown_to_the_partner(
    routes, canary_member, reviewer, regulator, api_client
):
    case = _case(canary_member, reviewer, UNCODED)
    held = _prepared(case)["FDA test"]
    assert held.due_date == case.day_zero + timedelta(days=15)
    # on the due list, and on the overdue list once its day passes
    today = timezone.now().date()
    assert held in submission_list_due(as_of=today, within_days=15)
    Submission.objects.filter(id=held.id).update(due_date=today - timedelta(days=1))
    assert held in submission_list_overdue(as_of=today)
    # staff see it with its reason
    api_client.force_authenticate(reviewer)
    due = api_client.get("/api/v1/submissions/due/?overdue=true").json()["results"]
    assert due[0]["status"] == "held" and due[0]["overdue"] is True
    assert "my liver numbers went up" in due[0]["held_reasons"][0]
    # the regulator sees neither the submission, nor its reason, nor the case
    api_client.force_authenticate(regulator)
    listed = api_client.get("/api/v1/submissions/").json()
    assert listed["count"] == 0
    assert api_client.get("/api/v1/submissions/?status=held").json()["count"] == 0
    assert api_client.get(f"/api/v1/submissions/{held.id}/").status_code == 404
    assert api_client.get(f"/api/v1/cases/{case.id}/").status_code == 404
    assert api_client.get("/api/v1/submissions/?pending=true").json()["count"] == 0


def test_coding_the_reaction_releases_builds_and_validates_the_held_submission(
    routes, canary_member, reviewer, meddra, django_capture_on_commit_callbacks
):
    # given a submission held for an uncoded reaction
    case = _case(canary_member, reviewer, UNCODED)
    held = _prepared(case)["FDA test"]
    due = held.due_date
    reaction = case.reactions.get()
    # when the reviewer codes it to an LLT of the active MedDRA release
    with django_capture_on_commit_callbacks(execute=True):
        recoded = case_reaction_code(actor=reviewer, reaction=reaction, code="70020011")
    # then the reaction carries the LLT and its PT, in place on the same version
    assert recoded.changed == 1
    assert (recoded.held, recoded.released) == ({"released": 2, "still_held": 0}, 2)  # FDA, sponsor
    reaction.refresh_from_db()
    assert (reaction.code, reaction.term, reaction.pt_code, reaction.terminology) == (
        "70020011",
        "Liver numbers up",
        "70010011",
        "MedDRA",
    )
    assert Case.objects.get(id=case.id).version == 1
    # and the held submission is released and prepared: valid for the FDA profile, same clock
    held.refresh_from_db()
    assert held.status == S.VALIDATED, held.validation_errors
    assert held.held_reasons == [] and held.due_date == due
    assert b"70020011" in bytes(held.xml)
    actions = list(
        AuditEvent.objects.filter(object_id__in=[str(held.id), str(case.id)])
        .order_by("seq")
        .values_list("action", flat=True)
    )
    path = ["submission.held", "case.recoded", "submission.released", "submission.validated"]
    assert [a for a in actions if a in path] == path
    recoded = AuditEvent.objects.get(action="case.recoded", object_id=str(case.id))
    assert recoded.actor_id == reviewer.id and "coded by a reviewer" in recoded.reason
    assert recoded.after["reactions"][0]["mapping"]["method"] == "reviewer"


def test_coding_one_of_two_uncoded_reactions_keeps_it_held_for_the_other(
    routes, canary_member, reviewer, meddra
):
    case = _case(canary_member, reviewer, UNCODED, {"reported_term": "a gallbladder attack"})
    held = _prepared(case)["FDA test"]
    assert [r["reaction"] for r in held.held_reasons] == [1, 2]
    recoded = case_reaction_code(
        actor=reviewer, reaction=case.reactions.get(position=1), code="70020011"
    )
    assert recoded.held == {"released": 0, "still_held": 2}  # FDA and the sponsor
    held.refresh_from_db()
    assert held.status == S.HELD
    assert [r["reaction"] for r in held.held_reasons] == [2]
    assert not AuditEvent.objects.filter(action="submission.released").exists()


def test_open_terminology_coding_releases_only_the_partner_that_accepts_it(
    routes, canary_member, reviewer, django_capture_on_commit_callbacks
):
    # given no MedDRA release loaded: the active event dictionary is pv's open terminology
    case = _case(canary_member, reviewer, {"reported_term": "cant sleep"})
    subs = _prepared(case)
    reaction = case.reactions.get()
    code = open_pt("insomnia")[0]
    with django_capture_on_commit_callbacks(execute=True):
        case_reaction_code(actor=reviewer, reaction=reaction, code=code)
    fda, sponsor = (Submission.objects.get(id=subs[n].id) for n in ("FDA test", "Sponsor A"))
    assert sponsor.status == S.VALIDATED, sponsor.validation_errors
    assert fda.status == S.HELD
    assert "is coded in pv open" in fda.held_reasons[0]["message"]
    assert fda.held_reasons[0]["message"].endswith("not MedDRA")


def test_a_meddra_release_made_active_releases_what_its_recode_makes_codable(
    routes, canary_member, reviewer, settings, tmp_path, django_capture_on_commit_callbacks
):
    # given a case coded in the open terminology, held for FDA
    pt_code, pt_name = open_pt("insomnia")
    meta = default_events().meta
    coded = {"code": pt_code, "term": pt_name, "pt_code": pt_code, "pt": pt_name,
             "terminology": meta["name"], "terminology_version": meta["version"]}  # fmt: skip
    case = _case(canary_member, reviewer, {"reported_term": "cant sleep", **coded})
    held = _prepared(case)["FDA test"]
    assert held.status == S.HELD
    # when a MedDRA release holding the term is loaded (and so made active: the upgrade recode)
    settings.PV_DICTIONARY_DIR = str(tmp_path / "dictionaries")
    with django_capture_on_commit_callbacks(execute=True):
        dictionary_load(
            actor="cli", kind="event", fmt="meddra",
            path=write_release(tmp_path / "r", version="98.0", terms=TERMS),
        )  # fmt: skip
    # then the recode released it and it validated
    held.refresh_from_db()
    assert held.status == S.VALIDATED, held.validation_errors
    released = AuditEvent.objects.get(action="submission.released", object_id=str(held.id))
    assert released.actor_label == "cli"


def test_the_sweeper_releases_a_held_submission_whose_release_was_missed(
    routes, canary_member, reviewer, settings, django_capture_on_commit_callbacks
):
    case = _case(canary_member, reviewer, UNCODED)
    held = _prepared(case)["FDA test"]
    # a recode that bypassed the hook (e.g. a crash between commit and release)
    CaseReaction.objects.filter(case=case).update(**INSOMNIA)
    later = timezone.now() + timedelta(seconds=settings.PV_OUTBOX_GRACE_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert submission_sweep()["held_released"] == 0  # inside the grace period
        assert submission_sweep(now=later)["held_released"] == 2  # FDA and the sponsor
    held.refresh_from_db()
    assert held.status == S.VALIDATED, held.validation_errors
    with django_capture_on_commit_callbacks(execute=True):
        assert submission_sweep(now=later)["held_released"] == 0


def test_a_newer_version_supersedes_the_held_one_and_goes_as_an_initial_report(
    routes, canary_member, reviewer
):
    # given v1 held for FDA and for the sponsor
    v1 = _case(canary_member, reviewer, UNCODED)
    held = _prepared(v1)
    # when follow-up information makes a v2 (its reaction now coded)
    v2 = case_version_create(
        actor=reviewer,
        case=v1,
        reason="follow-up",
        reactions=[{"reported_term": "cant sleep", **INSOMNIA}],
    )
    subs = {s.recipient.name: s for s in submission_route_case(case=v2)}
    # then v1's held submissions close as superseded (never sent) and v2 goes as initial,
    # on the clock that started at day 0
    for name, old in held.items():
        old.refresh_from_db()
        assert old.status == S.SUPERSEDED, name
        assert subs[name].kind == "initial" and subs[name].due_date == old.due_date
        assert submission_prepare(submission=subs[name]).status == S.VALIDATED
    assert AuditEvent.objects.filter(action="submission.superseded").count() == 2
    assert not submission_list_due(as_of=timezone.now().date(), within_days=30).filter(
        status=S.SUPERSEDED
    )


def test_reviewer_coding_refuses_old_versions_and_unknown_codes(
    routes, canary_member, reviewer, meddra
):
    v1 = _case(canary_member, reviewer, UNCODED)
    with pytest.raises(NotFound):
        case_reaction_code(actor=reviewer, reaction=v1.reactions.get(), code="99999999")
    v2 = case_version_create(actor=reviewer, case=v1, reason="more", changes={"narrative": "x"})
    with pytest.raises(DomainError) as stale:
        case_reaction_code(actor=reviewer, reaction=v1.reactions.get(), code="70020011")
    assert stale.value.code == "stale_version"
    recoded = case_reaction_code(actor=reviewer, reaction=v2.reactions.get(), code="70020011")
    assert recoded.changed == 1


def test_the_api_codes_a_reaction_and_reports_what_is_still_held(
    routes,
    canary_member,
    reviewer,
    regulator,
    meddra,
    api_client,
    django_capture_on_commit_callbacks,
):
    case = _case(canary_member, reviewer, UNCODED, {"reported_term": "a gallbladder attack"})
    _prepared(case)
    first, second = case.reactions.order_by("position")
    url = f"/api/v1/cases/{case.id}/reactions/{{}}/coding/"
    # partners cannot code
    api_client.force_authenticate(regulator)
    assert api_client.post(url.format(first.id), {"code": "70020011"}).status_code == 403
    api_client.force_authenticate(reviewer)
    # bad input is a clear 4xx naming the problem
    missing = api_client.post(url.format(first.id), {}, format="json")
    assert missing.status_code == 400 and "code" in missing.json()["extra"]["fields"]
    unknown = api_client.post(url.format(first.id), {"code": "99999999"}, format="json")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_code"
    assert api_client.post(url.format(case.id), {"code": "70020011"}).status_code == 404
    # coding one leaves both submissions held for the other; coding the other releases them
    one = api_client.post(url.format(first.id), {"code": "70020011"}, format="json").json()
    assert (one["code"], one["pt_code"], one["changed"], one["submissions_held"]) == (
        "70020011",
        "70010011",
        True,
        2,
    )
    # the same code again changes nothing and releases nothing: both still held
    again = api_client.post(url.format(first.id), {"code": "70020011"}, format="json").json()
    assert (again["changed"], again["submissions_held"]) == (False, 2)
    with django_capture_on_commit_callbacks(execute=True):
        two = api_client.post(url.format(second.id), {"code": "70010012"}, format="json").json()
    assert (two["term"], two["submissions_held"]) == ("Insomnia", 0)
    statuses = set(Submission.objects.filter(case=case).values_list("status", flat=True))
    assert statuses == {S.VALIDATED}
