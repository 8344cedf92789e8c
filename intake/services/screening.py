"""Screening orchestration: feed posts and reports to the pure pipeline, store what it found.

Idempotent: an item already screened by the current pipeline version is skipped, and the
unique constraint (item, pipeline version) settles two workers racing on the same batch.
Candidates enter the triage queue (`intake.services.triage`).

AE reports are screened on their free text, and each structured drug name and event text on its
own: structured drugs are suspect products and structured events are reactions by definition
(the member reported them as such), whatever the context rules would say about the bare words.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from coding.nlp import default_events, dictionary_versions
from coding.nlp.mapping import map_event
from coding.selectors import event_mapping_target
from intake.models import AEReport, Mention, MentionPair, Post, ScreeningResult, ScreeningStatus
from intake.nlp import pipeline_version, screen_texts
from intake.services.triage import triage_items_sync
from pv.audit import audit_record
from pv.core.exceptions import DomainError

logger = logging.getLogger(__name__)

CHUNK = 500  # items per transaction
SCREEN_BATCH = 256  # texts per spaCy batch
SERIOUSNESS = (
    "death",
    "life_threatening",
    "congenital_anomaly",
    "disability",
    "hospitalisation",
    "other_medically_important",
)
# Same weights as the pipeline's own priority (docs/screening.md): seriousness first.
SERIOUS_WEIGHT = dict(zip(SERIOUSNESS, (100.0, 90.0, 80.0, 70.0, 60.0, 50.0), strict=True))

_MENTION_FIELDS = {
    f.name: f.max_length
    for f in Mention._meta.concrete_fields
    if isinstance(f, models.CharField) and f.name not in ("kind", "field", "role")
}
_CODING_KEYS = (
    "code", "term", "llt", "llt_code", "pt", "pt_code", "hlt", "hlt_code", "hlgt", "hlgt_code",
    "soc", "soc_code", "terminology", "terminology_version",
)  # fmt: skip
_DRUG_DETAILS = ("drug_kind", "brand", "drugbank_id", "ingredients")


@dataclass
class ScreenSummary:
    screened: int = 0
    skipped: int = 0
    candidates: int = 0
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "screened": self.screened,
            "skipped": self.skipped,
            "candidates": self.candidates,
            "failed": self.failed,
        }


def current_pipeline_version() -> str:
    return pipeline_version()["pipeline"]


def _model(kind: str) -> type[Post] | type[AEReport]:
    if kind == "post":
        return Post
    if kind == "report":
        return AEReport
    raise DomainError("kind must be 'post' or 'report'.", code="invalid")


def _profile(member) -> dict:
    profile: dict[str, Any] = {}
    if member.birth_year:
        profile["birth_year"] = member.birth_year
    if member.sex in ("M", "F"):
        profile["sex"] = member.sex
    return profile


def _inputs(kind: str, item) -> list[dict]:
    """Pipeline inputs for one item; ids are (item id, field, index)."""
    profile = _profile(item.member)
    if kind == "post":
        return [{"id": (item.id, "text", None), "text": item.text, "profile": profile,
                 "about_drug": item.about_drug or None}]
    out = [
        {
            "id": (item.id, "text", None),
            "text": item.free_text,
            "profile": profile,
            # a report is about its drugs: the one named for it, else some drug
            "about_drug": item.about_drug or True,
        }
    ]
    out += [
        {"id": (item.id, "drugs", i), "text": d.get("name", "")} for i, d in enumerate(item.drugs)
    ]
    out += [
        {"id": (item.id, "events", i), "text": e.get("text", ""), "about_drug": True}
        for i, e in enumerate(item.events)
    ]
    return out


def _run_pipeline(inputs: list[dict]) -> dict[tuple, dict]:
    return {r["id"]: r for r in screen_texts(inputs, batch_size=SCREEN_BATCH)}


def _screen(kind: str, items: list) -> tuple[dict, list[str]]:
    """Pipeline output per item id; an item the pipeline chokes on is isolated and failed."""
    inputs = [x for item in items for x in _inputs(kind, item)]
    try:
        return _run_pipeline(inputs), []
    except Exception:  # a bug on one odd text must not block the whole batch
        logger.exception("screening batch of %d %ss failed; retrying one by one", len(items), kind)
    out: dict[tuple, dict] = {}
    failed = []
    for item in items:
        try:
            out.update(_run_pipeline(_inputs(kind, item)))
        except Exception:
            logger.exception("screening %s %s failed", kind, item.id)
            failed.append(str(item.id))
    return out, failed


def _mention_row(m: dict, **extra) -> dict:
    row: dict[str, Any] = {k: m.get(k) or "" for k in _CODING_KEYS}
    row.update(
        kind=m["kind"], start=m["start"], end=m["end"], text=m["text"], fuzzy=bool(m.get("fuzzy"))
    )
    if m["kind"] == "event":
        row.update(
            role=m.get("role") or "",
            **{
                k: bool(m.get(k))
                for k in ("negated", "hypothetical", "historical", "family", "withdrawal")
            },
        )
        row["reportable"] = row["role"] == "reaction" and not any(
            row[k] for k in ("negated", "hypothetical", "historical", "family")
        )
    else:
        row["details"] = {k: m.get(k) for k in _DRUG_DETAILS if k in m}
    row.update(extra)
    if not row["code"]:
        row["coding_status"] = Mention.CodingStatus.UNCODED
    for name, max_length in _MENTION_FIELDS.items():
        if isinstance(row.get(name), str) and max_length:
            row[name] = row[name][:max_length]
    return row


def _uncoded(kind: str, text: str, **extra) -> dict:
    return _mention_row({"kind": kind, "start": 0, "end": len(text), "text": text}, **extra)


def _best(mentions: list[dict], kind: str) -> list[dict]:
    """Coded mentions of `kind` in a structured field, best first (not negated, longest).

    Empty when nothing is coded: the member's whole wording is then kept as one uncoded
    mention for the reviewer, rather than a fragment such as "hair" of "hair shedding".
    """
    coded = [m for m in mentions if m["kind"] == kind and m.get("code")]
    return sorted(coded, key=lambda m: (bool(m.get("negated")), m["start"] - m["end"]))


def _assemble_report(report: AEReport, out: dict) -> tuple[dict, list[dict], list[list[int]]]:
    main = out[(report.id, "text", None)]
    mentions = [_mention_row(m, field="text") for m in main["mentions"]]
    pairs = [list(p) for p in main["pairs"]]
    drug_positions, event_positions = [], []
    for i, d in enumerate(report.drugs):
        found = _best(out[(report.id, "drugs", i)]["mentions"], "drug")
        extra = {"field": "drugs", "field_index": i, "role": Mention.Role.SUSPECT}
        drug_positions.append(len(mentions))
        mentions.append(
            _mention_row(found[0], **extra)
            if found
            else _uncoded("drug", d.get("name", ""), **extra)
        )
    for i, e in enumerate(report.events):
        found = _best(out[(report.id, "events", i)]["mentions"], "event")
        extra = {
            "field": "events",
            "field_index": i,
            "role": Mention.Role.REACTION,
            "reportable": True,
            "negated": False,
            "hypothetical": False,
            "historical": False,
            "family": False,
        }
        event_positions.append(len(mentions))
        mentions.append(
            _mention_row(found[0], **extra)
            if found
            else _uncoded("event", e.get("text", ""), **extra)
        )
    # Every structured drug is a suspect for every structured event.
    pairs += [[d, e] for d in drug_positions for e in event_positions]
    text_serious = set(main["serious"])
    serious = [s for s in SERIOUSNESS if getattr(report, s) or s in text_serious]
    criteria = {
        "patient": bool(main["criteria"].get("patient")),
        "reporter": True,
        "product": bool(drug_positions),
        "event": bool(event_positions),
    }
    candidate = criteria["product"] and criteria["event"]
    reactions = sum(1 for m in mentions if m.get("reportable"))
    priority = max((SERIOUS_WEIGHT[s] for s in serious), default=0.0)
    priority += 5.0 * sum(criteria.values()) + min(reactions, 5)
    if not candidate:
        priority /= 10.0
    verdict = {
        "candidate": candidate,
        "priority": round(priority, 2),
        "serious": serious,
        "criteria": criteria,
    }
    return verdict, mentions, pairs


def _assemble_post(post: Post, out: dict) -> tuple[dict, list[dict], list[list[int]]]:
    r = out[(post.id, "text", None)]
    verdict = {k: r[k] for k in ("candidate", "priority", "serious", "criteria")}
    return verdict, [_mention_row(m, field="text") for m in r["mentions"]], r["pairs"]


def _save(kind: str, items: list, out: dict, version: str) -> list[ScreeningResult]:
    """Store results, mentions and pairs for `items`; returns the results this call created."""
    now = timezone.now()
    versions = dictionary_versions()
    target = event_mapping_target()
    if target is not None:
        versions = {**versions, "events_coded_to": target.terminology}
    fk = "post" if kind == "post" else "report"
    assemble = _assemble_post if kind == "post" else _assemble_report
    results, children = [], {}
    for item in items:
        verdict, mentions, pairs = assemble(item, out)
        if target is not None:
            mentions = [_to_licensed(m, target) for m in mentions]
        result = ScreeningResult(
            id=uuid.uuid4(),
            pipeline_version=version,
            dictionaries=versions,
            is_current=True,
            screened_at=now,
            **verdict,
            **{fk: item},
        )
        results.append(result)
        children[result.id] = (mentions, pairs)
    item_ids = [i.id for i in items]
    # Older versions' results stop being current; the new row (if we win any race) takes over.
    ScreeningResult.objects.filter(**{f"{fk}_id__in": item_ids}, is_current=True).exclude(
        pipeline_version=version
    ).update(is_current=False)
    ScreeningResult.objects.bulk_create(results, ignore_conflicts=True, batch_size=500)
    ours = set(
        ScreeningResult.objects.filter(id__in=[r.id for r in results]).values_list("id", flat=True)
    )
    created = [r for r in results if r.id in ours]
    mention_rows, pair_rows = [], []
    for result in created:
        mentions, pairs = children[result.id]
        rows = [
            Mention(id=uuid.uuid4(), result=result, position=i, **m) for i, m in enumerate(mentions)
        ]
        mention_rows += rows
        pair_rows += [
            MentionPair(result=result, drug=rows[d], event=rows[e])
            for d, e in pairs
            if d < len(rows) and e < len(rows)
        ]
    Mention.objects.bulk_create(mention_rows, batch_size=500)
    MentionPair.objects.bulk_create(pair_rows, batch_size=500, ignore_conflicts=True)
    return created


def _to_licensed(row: dict, target) -> dict:
    """An event mention coded in the open terminology, carried over to the active licensed one
    (MedDRA); how it was mapped is kept in `details.mapped_from` for the reviewer. An event the
    mapping cannot place keeps no code (a reviewer codes it), never an open code labelled as
    the licensed terminology."""
    if row["kind"] != "event" or not row.get("code"):
        return row
    mapped = map_event(row, row["text"], source=default_events(), target=target)
    if mapped is None:
        return {
            **row,
            **dict.fromkeys(_CODING_KEYS, ""),
            "coding_status": Mention.CodingStatus.UNCODED,
            "details": {"mapped_from": {"method": "unmapped", "from_code": row["code"],
                                        "from_term": row.get("term", "")}},
        }  # fmt: skip
    coded = {k: str(mapped.get(k) or "")[: _MENTION_FIELDS.get(k) or 250] for k in _CODING_KEYS}
    return {**row, **coded, "details": {"mapped_from": mapped["mapping"]}}


def _item_ref(results: list[ScreeningResult]) -> str:
    if len(results) == 1:
        return str(results[0].post_id or results[0].report_id)
    return f"batch:{len(results)}"


def items_screen(*, kind: str, ids: Iterable[str], chunk_size: int = CHUNK) -> ScreenSummary:
    """Screen posts or reports by id with the current pipeline; safe to run twice."""
    model = _model(kind)
    version = current_pipeline_version()
    ids = list(dict.fromkeys(str(i) for i in ids))
    summary = ScreenSummary()
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        items = list(
            model.objects.filter(id__in=chunk)
            .exclude(screenings__pipeline_version=version)
            .select_related("member")
        )
        summary.skipped += len(chunk) - len(items)
        if not items:
            continue
        out, failed = _screen(kind, items)
        failed_ids = set(failed)
        ok = [i for i in items if str(i.id) not in failed_ids]
        with transaction.atomic():
            created = _save(kind, ok, out, version)
            model.objects.filter(id__in=[i.id for i in ok]).update(
                screening_status=ScreeningStatus.SCREENED
            )
            if failed:
                model.objects.filter(id__in=failed).update(screening_status=ScreeningStatus.FAILED)
            triage_items_sync(kind=kind, results=created)
            if created or failed:
                audit_record(
                    actor="screening",
                    action=f"intake.{kind}s_screened",
                    object_type=model._meta.label_lower,
                    object_id=_item_ref(created),
                    after={
                        "pipeline_version": version,
                        "screened": len(created),
                        "candidates": sum(r.candidate for r in created),
                        "failed": failed,
                    },
                )
        summary.screened += len(created)
        summary.skipped += len(ok) - len(created)
        summary.candidates += sum(r.candidate for r in created)
        summary.failed += failed
    return summary


def items_outdated(*, kind: str, include_failed: bool = True) -> list[str]:
    """Ids of items never screened, or whose current result is from another pipeline version."""
    model = _model(kind)
    version = current_pipeline_version()
    statuses = [ScreeningStatus.RECEIVED, ScreeningStatus.AWAITING]
    if include_failed:
        statuses.append(ScreeningStatus.FAILED)
    stale = models.Q(screenings__is_current=True) & ~models.Q(screenings__pipeline_version=version)
    unscreened = models.Q(screening_status__in=statuses) & ~models.Q(
        screenings__pipeline_version=version
    )
    qs = model.objects.filter(stale | unscreened).order_by("id").values_list("id", flat=True)
    return [str(i) for i in qs.distinct()]
