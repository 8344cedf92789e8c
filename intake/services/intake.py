"""Intake writes: posts and reports, idempotent on the community's source id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from intake.models import AEReport, Post, ScreeningStatus
from pv.audit import audit_batch, audit_record
from pv.core.awareness import aware_at
from pv.core.exceptions import DomainError
from pv.core.models import SERIOUSNESS_FIELDS as SERIOUSNESS
from pv.core.outbox import task_enqueue_on_commit
from pv.models import Member
from pv.services.privacy import intake_scrubbers, minimise

MAX_BATCH = 1000


@dataclass
class BatchResult:
    created: list[dict] = field(default_factory=list)
    existing: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "existing": self.existing,
            "counts": {"created": len(self.created), "existing": len(self.existing)},
        }


def _members_by_source_id(source_ids: set[str]) -> dict[str, Member]:
    members = Member.objects.filter(source_id__in=source_ids)
    return {m.source_id: m for m in members}


def _enqueue_screening(kind: str, ids: list[str]) -> None:
    """The items' `received` status is the outbox mark, committed with them; publishing is the
    fast path and never fails the request (the intake sweeper republishes what it misses)."""
    from intake.tasks import intake_items_received_task  # noqa: PLC0415 (tasks import services)

    if ids:
        task_enqueue_on_commit(intake_items_received_task, kind, ids)


def _batch_create(
    *,
    actor,
    model: type[Post] | type[AEReport],
    kind: str,
    items: list[dict],
    content_fields: tuple[str, ...],
) -> BatchResult:
    """Create the items whose source id is new; report the others as existing.

    All-or-nothing for validation (the caller validated every item first). Concurrent requests
    carrying the same source id are settled by the unique constraint: `ignore_conflicts` skips
    the loser's row, and rows are told apart by the ids generated here.
    """
    if len(items) > MAX_BATCH:
        raise DomainError(f"A batch holds at most {MAX_BATCH} items.", code="batch_too_large")
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item["source_id"] in seen:
            raise DomainError(
                "The same source_id appears twice in this batch.",
                code="invalid",
                extra={"fields": {f"items[{index}].source_id": ["duplicate in batch"]}},
            )
        seen.add(item["source_id"])
    members = _members_by_source_id({i["member_source_id"] for i in items})
    unknown = [
        (index, i["member_source_id"])
        for index, i in enumerate(items)
        if i["member_source_id"] not in members
    ]
    if unknown:
        raise DomainError(
            "Unknown member.",
            code="unknown_member",
            extra={
                "fields": {
                    f"items[{idx}].member_source_id": [f"no member {sid!r}"] for idx, sid in unknown
                }
            },
        )
    result = BatchResult()
    # audit_batch: the transaction's audit events (the batch's vault read, its creation event)
    # are appended together at the end, so the chain head is locked only for that append
    # and the commit, not for the whole batch; concurrent batches then overlap.
    with audit_batch():
        items = _minimise(actor=actor, items=items, members=members)
        existing = dict(model.objects.filter(source_id__in=seen).values_list("source_id", "id"))
        rows = []
        for item in items:
            if item["source_id"] in existing:
                continue
            rows.append(
                model(
                    id=uuid.uuid4(),
                    source_id=item["source_id"],
                    member=members[item["member_source_id"]],
                    **{f: item[f] for f in content_fields if f in item},
                )
            )
        model.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        ours = set(model.objects.filter(id__in=[r.id for r in rows]).values_list("id", flat=True))
        created = [r for r in rows if r.id in ours]
        if created:
            audit_record(
                actor=actor,
                action=f"intake.{kind}s_created",
                object_type=model._meta.label_lower,
                object_id=str(created[0].id) if len(created) == 1 else f"batch:{len(created)}",
                # Each post stays attributable: actor, time, and its source id and our id.
                after={
                    "source_ids": [r.source_id for r in created],
                    "ids": [str(r.id) for r in created],
                },
            )
        _enqueue_screening(kind, [str(r.id) for r in created])
    result.created = [{"source_id": r.source_id, "id": str(r.id)} for r in created]
    lost_race = [r for r in rows if r.id not in ours]
    late = dict(
        model.objects.filter(source_id__in=[r.source_id for r in lost_race]).values_list(
            "source_id", "id"
        )
    )
    existing.update(late)
    result.existing = [
        {"source_id": i["source_id"], "id": str(existing[i["source_id"]])}
        for i in items
        if i["source_id"] in existing
    ]
    return result


# What intake may store as given: ids, timestamps, dates and enums. Every other string a
# member sends (post text, forum and thread titles, free text, every drug and event field, and
# any field added later) is minimised before it is stored.
INTAKE_SAFE = frozenset(
    {
        "source_id",
        "member_source_id",
        "posted_at",
        "submitted_at",
        "drugs.start_date",
        "drugs.stop_date",
        "events.onset_date",
        "events.outcome",
    }
)


def _minimise(*, actor, items: list[dict], members: dict[str, Member]) -> list[dict]:
    """Data minimisation at the door: a member's own name, email and phone, and contact
    patterns, are redacted from what they wrote before it is stored. Nobody downstream needs
    them (follow-up goes through the vault), and a dump of the database then holds no
    Restricted Data in plaintext. One query and one audited vault read, naming every member,
    per batch."""
    scrubbers = intake_scrubbers(members=members, actor=actor)
    return [
        minimise(item, scrub=scrubbers[item["member_source_id"]], safe=INTAKE_SAFE)
        for item in items
    ]


POST_FIELDS = ("forum", "thread", "about_drug", "text", "posted_at")
REPORT_FIELDS = ("drugs", "events", *SERIOUSNESS, "free_text", "about_drug", "submitted_at")


def post_batch_create(*, actor, items: list[dict]) -> BatchResult:
    return _batch_create(
        actor=actor, model=Post, kind="post", items=items, content_fields=POST_FIELDS
    )


def report_batch_create(*, actor, items: list[dict]) -> BatchResult:
    return _batch_create(
        actor=actor, model=AEReport, kind="report", items=items, content_fields=REPORT_FIELDS
    )


def intake_items_mark_awaiting_screening(*, kind: str, ids: list[str]) -> int:
    """received -> awaiting_screening. Conditional update: running it twice changes nothing."""
    model: type[models.Model] = Post if kind == "post" else AEReport
    return model.objects.filter(id__in=ids, screening_status=ScreeningStatus.RECEIVED).update(
        screening_status=ScreeningStatus.AWAITING
    )


_OUTCOME_CODES = {
    "recovered": "1",
    "recovering": "2",
    "not_recovered": "3",
    "recovered_with_sequelae": "4",
    "fatal": "5",
    "unknown": "0",
}


def _report_narrative(report: AEReport, age: int | None, sex: str) -> str:
    who = f"A {age}-year-old" if age else "A"
    sex_word = {"M": "male", "F": "female"}.get(sex, "")
    drugs = ", ".join(d["name"] + (f" {d['dose']}" if d.get("dose") else "") for d in report.drugs)
    events = ", ".join(e["text"] for e in report.events)
    serious = [f.replace("_", " ") for f in SERIOUSNESS if getattr(report, f)]
    text = (
        f"{who} {sex_word} patient (online community member, consumer) reported {events} "
        f"while taking {drugs}."
    ).replace("  ", " ")
    if serious:
        text += f" Seriousness: {', '.join(serious)}."
    return text


def case_create_from_report(*, actor, report: AEReport, coded_drugs=None, coded_reactions=None):
    """A reviewer confirms a structured report: a case with its drugs and events, day 0 recorded.

    `coded_drugs` / `coded_reactions` (same order as the report's) carry coding when known.
    """
    from pv.services.cases import case_create  # noqa: PLC0415

    member = report.member
    age = report.submitted_at.year - member.birth_year if member.birth_year else None
    drugs = []
    for index, d in enumerate(report.drugs):
        drug = {
            "role": "suspect",
            "name_reported": d["name"],
            "dose_text": d.get("dose", ""),
            "route": d.get("route", ""),
            "start_date": d.get("start_date") or None,
            "stop_date": d.get("stop_date") or None,
            "indication_reported": d.get("indication", ""),
        }
        if coded_drugs and index < len(coded_drugs):
            drug.update(coded_drugs[index])
        drugs.append(drug)
    reactions = []
    for index, e in enumerate(report.events):
        reaction = {
            "reported_term": e["text"][:250],
            "onset_date": e.get("onset_date") or None,
            "outcome": _OUTCOME_CODES.get(e.get("outcome", "unknown"), "0"),
            **{f: getattr(report, f) for f in SERIOUSNESS},
        }
        if coded_reactions and index < len(coded_reactions):
            reaction.update(coded_reactions[index])
        reactions.append(reaction)
    return case_create(
        actor=actor,
        member=member,
        drugs=drugs,
        reactions=reactions,
        # C.1.4 and day 0: when the member submitted it (the platform knew then).
        received_at=aware_at(
            written_at=report.submitted_at, received_at=report.created_at
        ),
        source_reports=[report],
        narrative=_report_narrative(report, age, member.sex),
        reporter_comments=report.free_text,
        **{f: getattr(report, f) for f in SERIOUSNESS},
    )
