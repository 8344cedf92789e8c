"""Screening service: results, mentions and pairs stored idempotently; rescreen; the queue fills."""

from __future__ import annotations

from io import StringIO
from unittest.mock import patch

import pytest
from django.core.management import call_command

from intake.models import (
    AEReport,
    Mention,
    MentionPair,
    Post,
    ScreeningResult,
    ScreeningStatus,
    TriageItem,
)
from intake.services import post_batch_create, report_batch_create
from intake.services.screening import items_outdated, items_screen
from pv.models import AuditEvent
from tests.factories import AEReportFactory, MemberFactory, PostFactory

pytestmark = pytest.mark.django_db

SERIOUS_POST = "started lexapro 2 wks ago and cant sleep, ended up in hospital. no nausea tho"


def test_screening_stores_mentions_with_context_coding_and_pairs():
    # given a post about a drug, two reactions and a negated event
    post = PostFactory(text=SERIOUS_POST)
    # when
    summary = items_screen(kind="post", ids=[post.id])
    # then
    assert summary.screened == 1 and summary.candidates == 1
    result = ScreeningResult.objects.get(post=post)
    assert result.is_current and result.candidate
    assert result.serious == ["hospitalisation"]
    assert result.criteria == {"patient": True, "reporter": True, "product": True, "event": True}
    assert result.pipeline_version.startswith("pv-screen/")
    assert result.dictionaries["events"]["name"].startswith("pv open events")
    mentions = {m.text.lower(): m for m in result.mentions.all()}
    drug = mentions["lexapro"]
    assert drug.kind == "drug" and drug.term.lower() == "escitalopram"
    assert drug.details["ingredients"] and drug.terminology == "pv open drugs"
    sleep = mentions["cant sleep"]
    assert sleep.reportable and sleep.role == "reaction" and sleep.pt_code and sleep.soc
    assert mentions["nausea"].negated and not mentions["nausea"].reportable
    assert MentionPair.objects.filter(result=result, drug=drug, event=sleep).exists()
    assert Post.objects.get(id=post.id).screening_status == ScreeningStatus.SCREENED
    # and the candidate is queued, serious first
    item = TriageItem.objects.get(post=post)
    assert item.is_serious and item.priority == result.priority and item.status == "pending"


def test_screening_twice_with_the_same_version_creates_nothing_new():
    # given a screened post
    post = PostFactory(text=SERIOUS_POST)
    items_screen(kind="post", ids=[post.id])
    counts = (
        ScreeningResult.objects.count(),
        Mention.objects.count(),
        TriageItem.objects.count(),
        AuditEvent.objects.count(),
    )
    # when the same batch is screened again (a redelivered task)
    summary = items_screen(kind="post", ids=[post.id, post.id])
    # then
    assert summary.screened == 0 and summary.skipped == 1
    assert (
        ScreeningResult.objects.count(),
        Mention.objects.count(),
        TriageItem.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_intake_task_screens_new_items_after_commit(
    canary_member, django_capture_on_commit_callbacks
):
    # when posts arrive through the intake service (tasks eager)
    items = [
        {
            "source_id": "p-a",
            "member_source_id": "m-canary",
            "text": SERIOUS_POST,
            "posted_at": "2026-10-01T10:00:00Z",
        },
        {
            "source_id": "p-b",
            "member_source_id": "m-canary",
            "text": "lovely weather today",
            "posted_at": "2026-10-01T11:00:00Z",
        },
    ]
    with django_capture_on_commit_callbacks(execute=True):
        post_batch_create(actor="t", items=items)
    # then both are screened, only the candidate is queued
    assert set(Post.objects.values_list("screening_status", flat=True)) == {"screened"}
    assert ScreeningResult.objects.count() == 2
    assert list(TriageItem.objects.values_list("post__source_id", flat=True)) == ["p-a"]
    # and running the task again changes nothing
    from intake.tasks import intake_items_received_task

    ids = [str(i) for i in Post.objects.values_list("id", flat=True)]
    intake_items_received_task("post", ids)
    assert ScreeningResult.objects.count() == 2 and TriageItem.objects.count() == 1


def test_report_structured_drugs_are_suspects_and_events_reactions(
    canary_member, django_capture_on_commit_callbacks
):
    # given a report whose structured event would be unattributed on its own words
    item = {
        "source_id": "r-a",
        "member_source_id": "m-canary",
        "drugs": [{"name": "Zoloft", "dose": "50 mg"}, {"name": "my blue pill"}],
        "events": [{"text": "terrible headaches"}],
        "hospitalisation": True,
        "free_text": "i think it was the zoloft",
        "submitted_at": "2026-10-01T10:00:00Z",
    }
    with django_capture_on_commit_callbacks(execute=True):
        report_batch_create(actor="t", items=[item])
    # then
    result = ScreeningResult.objects.get(report__source_id="r-a")
    assert result.candidate and result.serious == ["hospitalisation"]
    structured = {(m.field, m.field_index): m for m in result.mentions.exclude(field="text")}
    zoloft = structured[("drugs", 0)]
    assert zoloft.role == "suspect" and zoloft.term.lower() == "sertraline"
    unknown = structured[("drugs", 1)]
    assert unknown.code == "" and unknown.coding_status == "uncoded"
    headache = structured[("events", 0)]
    assert headache.reportable and headache.role == "reaction" and headache.pt_code
    assert MentionPair.objects.filter(result=result, drug=zoloft, event=headache).exists()
    assert TriageItem.objects.get(report__source_id="r-a").is_serious


def test_report_already_confirmed_into_a_case_is_not_queued(reviewer):
    from intake.services import case_create_from_report

    report = AEReportFactory()
    case_create_from_report(actor=reviewer, report=report)
    items_screen(kind="report", ids=[report.id])
    assert ScreeningResult.objects.filter(report=report).exists()
    assert not TriageItem.objects.exists()


def test_rescreen_reruns_only_items_from_an_older_pipeline_version():
    # given two posts screened by "version 1" of the pipeline
    posts = [PostFactory(text=SERIOUS_POST), PostFactory(text="zoloft gave me a rash")]
    with patch("intake.services.screening.current_pipeline_version", return_value="pv-screen/0"):
        items_screen(kind="post", ids=[p.id for p in posts])
    old = set(ScreeningResult.objects.values_list("id", flat=True))
    unscreened = PostFactory(text="nothing to see", screening_status=ScreeningStatus.AWAITING)
    assert set(items_outdated(kind="post")) == {str(p.id) for p in [*posts, unscreened]}
    # when
    out = StringIO()
    call_command("rescreen", "--kind", "post", stdout=out)
    # then each got one new current result; the old ones are kept, not current
    assert "rescreening 3" in out.getvalue()
    assert ScreeningResult.objects.filter(is_current=True).exclude(id__in=old).count() == 3
    assert not ScreeningResult.objects.filter(id__in=old, is_current=True).exists()
    # the queued item now points at the new screening
    item = TriageItem.objects.get(post=posts[0])
    assert item.screening.is_current and item.screening_id not in old
    assert items_outdated(kind="post") == []
    # and a second run finds nothing
    out = StringIO()
    call_command("rescreen", stdout=out)
    assert "rescreening 0" in out.getvalue()


def test_a_text_that_breaks_the_pipeline_fails_alone():
    good, bad = PostFactory(text=SERIOUS_POST), PostFactory(text="BOOM")
    from intake.services import screening

    real = screening._run_pipeline

    def flaky(inputs):
        if any(i["text"] == "BOOM" for i in inputs):
            raise RuntimeError("pipeline bug")
        return real(inputs)

    with patch.object(screening, "_run_pipeline", side_effect=flaky):
        summary = items_screen(kind="post", ids=[good.id, bad.id])
    assert summary.screened == 1 and summary.failed == [str(bad.id)]
    assert Post.objects.get(id=bad.id).screening_status == ScreeningStatus.FAILED
    assert str(bad.id) in items_outdated(kind="post")


def test_screening_a_batch_uses_a_bounded_number_of_queries(django_assert_max_num_queries):
    member = MemberFactory()
    posts = [PostFactory(member=member, text=SERIOUS_POST) for _ in range(30)]
    # (one query per chunk finds the active event terminology, for MedDRA coding)
    with django_assert_max_num_queries(26):
        items_screen(kind="post", ids=[p.id for p in posts])
    assert TriageItem.objects.count() == 30


def test_unknown_kind_is_a_domain_error():
    from pv.core.exceptions import DomainError

    with pytest.raises(DomainError):
        items_screen(kind="tweet", ids=[])
    assert AEReport.objects.count() == 0


def test_deleting_a_screened_queued_post_takes_its_screening_and_queue_item_along():
    post = PostFactory(text=SERIOUS_POST)
    items_screen(kind="post", ids=[post.id])
    assert TriageItem.objects.filter(post=post).exists()
    post.delete()
    assert not ScreeningResult.objects.exists() and not TriageItem.objects.exists()
    assert not Mention.objects.exists()


def _fake_result(item_id, mentions):
    return {
        "id": item_id,
        "candidate": False,
        "priority": 0.0,
        "serious": [],
        "criteria": {"patient": True, "reporter": True, "product": False, "event": False},
        "mentions": mentions,
        "pairs": [],
    }


def _event(text, start, code=""):
    return {
        "kind": "event",
        "start": start,
        "end": start + len(text),
        "text": text,
        "code": code,
        "pt_code": code,
        "pt": text.title() if code else "",
        "role": "reaction",
        "negated": False,
    }


def test_structured_fields_keep_the_best_coded_span_or_the_whole_wording():
    # given a report whose event texts the pipeline splits into fragments
    report = AEReportFactory(events=[{"text": "crushing chest pain"}, {"text": "hair shedding"}])
    from intake.services import screening

    def fake(inputs):
        out = {}
        for i in inputs:
            _, field, index = i["id"]
            mentions = []
            if field == "events" and index == 0:
                mentions = [_event("crushing", 0), _event("chest pain", 9, "HP:0100749")]
            elif field == "events":
                mentions = [_event("hair", 0)]
            out[i["id"]] = _fake_result(i["id"], mentions)
        return out

    # when
    with patch.object(screening, "_run_pipeline", side_effect=fake):
        items_screen(kind="report", ids=[report.id])
    # then
    events = {m.field_index: m for m in Mention.objects.filter(field="events")}
    assert (events[0].text, events[0].code) == ("chest pain", "HP:0100749")
    assert (events[1].text, events[1].coding_status) == ("hair shedding", "uncoded")
    assert events[1].reportable and events[1].role == "reaction"
    # the structured drug the pipeline did not code is kept whole, as a suspect
    drug = Mention.objects.get(field="drugs")
    assert (drug.text, drug.role, drug.code) == ("Zoloft", "suspect", "")


def test_confirm_by_default_takes_coded_reactions_and_their_paired_drugs(reviewer):
    # given a post where the pipeline also flagged an uncoded fragment as a reaction
    post = PostFactory(text="zoloft and now a rash, i feel")
    from intake.services import screening
    from intake.services.triage import triage_item_confirm

    drug = {
        "kind": "drug",
        "start": 0,
        "end": 6,
        "text": "zoloft",
        "code": "DB01104",
        "term": "Sertraline",
        "ingredients": [{"code": "DB01104", "term": "Sertraline"}],
        "terminology": "pv open drugs",
        "terminology_version": "t",
    }
    result = _fake_result(None, [drug, _event("rash", 15, "HP:0000988"), _event("feel", 26)])
    result.update(candidate=True, priority=20.0, pairs=[[0, 1], [0, 2]])
    with patch.object(
        screening,
        "_run_pipeline",
        side_effect=lambda inputs: {i["id"]: {**result, "id": i["id"]} for i in inputs},
    ):
        items_screen(kind="post", ids=[post.id])
    # when
    item = triage_item_confirm(actor=reviewer, item=TriageItem.objects.get(post=post))
    # then
    assert [r.reported_term for r in item.case.reactions.all()] == ["rash"]
    assert item.case.drugs.get().ingredients == [
        {"name": "Sertraline", "code": "DB01104", "dictionary": "pv open drugs", "version": "t"}
    ]


def test_a_post_about_a_named_drug_is_screened_with_what_that_drug_is_for():
    # given two posts without a drug name in the text, one from a statin review thread
    text = "Three weeks in. Pain in my legs every evening and my arms feel weak."
    review = PostFactory(text=text, about_drug="atorvastatin")
    # when
    items_screen(kind="post", ids=[review.id])
    # then the review's pain is a reaction (a statin is not for pain) with its location
    result = ScreeningResult.objects.get(post=review)
    roles = {m.text.lower(): m.role for m in result.mentions.filter(kind="event")}
    assert roles.get("pain in my legs") == "reaction"
    assert Post.objects.get(id=review.id).about_drug == "atorvastatin"
