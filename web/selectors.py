"""Reads the pages need that no app offers as a selector. Reads only: writes go to services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from followup.catalogue import FREE_LABEL, member_questions
from followup.selectors import followup_message_list_for_staff, followup_request_list_visible_to
from intake.models import AEReport, Mention, Post, TriageItem
from pv.core.awareness import aware_at
from pv.core.exceptions import NotFound
from pv.models import AuditEvent, Case, CaseReaction, Member, User
from pv.privacy.pseudonyms import partner_pseudonym
from pv.selectors import case_snapshot, case_versions
from submissions import clocks
from submissions.models import Submission
from submissions.selectors import submission_list_visible_to

# Days to report a candidate once confirmed, if day 0 is the day the member wrote it (all four
# criteria present). The recipient's routing rule may differ; this is the queue's yardstick.


# --- queue -----------------------------------------------------------------------------------


def queue_counts(*, user: User) -> dict[str, int]:
    """Open items at a glance, in one aggregate query. It counts `status` (never null, like
    the id) so every column it reads is in the partial index `triage_open_counts`: PostgreSQL
    answers from the index alone instead of reading 100,000 wide rows."""
    return TriageItem.objects.filter(status__in=TriageItem.OPEN).aggregate(
        open=Count("status"),
        serious=Count("status", filter=Q(is_serious=True)),
        needs_info=Count("status", filter=Q(status=TriageItem.Status.NEEDS_INFO)),
        mine=Count("status", filter=Q(claimed_by=user)),
    )


def queue_page(
    *,
    queryset: QuerySet[TriageItem],
    number,
    per_page: int,
    count: int | None = None,
    count_cap: int | None = None,
) -> Page:
    """One page of the queue in two steps: the page's ids first (PostgreSQL sorts only narrow
    index columns, top-N, instead of wide joined rows), then those rows with their joins and
    prefetched mentions. Constant queries per page: count, ids, rows, mentions.

    `count`, when the caller already knows it (the unfiltered open queue), saves the count
    query. `count_cap` counts at most that many matches (a filtered count stops early instead of
    testing every queued item); `page.count_capped` says when there are more. On the first page
    of a filter, fewer ids than a page are the count: a rare word, or one matching nothing, is
    then one scan, not two.
    """
    paginator = Paginator(queryset, per_page)
    capped = False
    first_ids = None
    if count is None and count_cap is not None:
        if str(number or 1) == "1":
            first_ids = list(queryset.values_list("id", flat=True)[:per_page])
            if len(first_ids) < per_page:
                count = len(first_ids)
        if count is None:
            # Unordered: any cap+1 matches answer "more than cap?" without sorting; and without
            # the rows' joins (the screening is an inner join that never drops a row).
            count = queryset.select_related(None).order_by()[: count_cap + 1].count()
        capped = count > count_cap
        count = min(count, count_cap)
    if count is not None:
        paginator.count = count  # a cached_property: setting it skips COUNT(*)
    page = paginator.get_page(number)
    bottom = (page.number - 1) * per_page
    if first_ids is not None and page.number == 1:
        ids = first_ids
    else:
        ids = list(queryset.values_list("id", flat=True)[bottom : bottom + per_page])
    rows = {row.id: row for row in queryset.filter(id__in=ids)} if ids else {}
    page.object_list = [rows[i] for i in ids if i in rows]
    page.count_capped = capped  # type: ignore[attr-defined]
    return page


def candidate_due(*, item: TriageItem) -> date | None:
    """The reporting deadline if the item were confirmed as it stands (all criteria met)."""
    criteria = item.screening.criteria or {}
    if not criteria or not all(criteria.values()):
        return None
    # Day 0 is when the member wrote it (`clocks.awareness`), the same rule the case uses.
    source = source_of(item)
    written = source.posted_at if item.source == TriageItem.Source.POST else source.submitted_at
    return clocks.due_date(
        start=aware_at(written_at=written, received_at=source.created_at).date(),
        serious=item.is_serious,
        serious_days=clocks.SERIOUS_DAYS,
        non_serious_days=clocks.NON_SERIOUS_DAYS,
    )


def source_of(item: TriageItem) -> Post | AEReport:
    """The post or report behind a queue item (the model guarantees exactly one)."""
    source = item.post if item.source == TriageItem.Source.POST else item.report
    assert source is not None  # noqa: S101 - CheckConstraint triage_post_xor_report
    return source


def source_text(item: TriageItem) -> str:
    source = source_of(item)
    return source.text if isinstance(source, Post) else source.free_text


# --- review ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    text: str
    mention: Mention | None = None


def text_segments(*, text: str, mentions: list[Mention]) -> list[Segment]:
    """Split `text` into plain runs and mention runs (free-text mentions only, no overlaps:
    the earlier, then longer, mention wins)."""
    spans = sorted(
        (
            m
            for m in mentions
            if m.field == Mention.Field.TEXT and 0 <= m.start < m.end <= len(text)
        ),
        key=lambda m: (m.start, -(m.end - m.start)),
    )
    out: list[Segment] = []
    at = 0
    for m in spans:
        if m.start < at:
            continue
        if m.start > at:
            out.append(Segment(text[at : m.start]))
        out.append(Segment(text[m.start : m.end], m))
        at = m.end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


def mention_context(m: Mention) -> list[str]:
    """Context flags a reviewer must notice, in words."""
    flags = [
        name
        for name in ("negated", "hypothetical", "historical", "family", "withdrawal", "fuzzy")
        if getattr(m, name)
    ]
    if m.role:
        flags.insert(0, m.get_role_display().lower())
    return flags


def mention_coding_label(m: Mention) -> str:
    if not m.code:
        return "not coded"
    if m.kind == Mention.Kind.EVENT:
        parts = [
            f"LLT {m.llt or m.term} ({m.llt_code or m.code})",
            f"PT {m.pt} ({m.pt_code})" if m.pt else "",
            f"SOC {m.soc}" if m.soc else "",
        ]
    else:
        ingredients = ", ".join(i.get("term", "") for i in m.details.get("ingredients", []))
        parts = [f"{m.term} ({m.code})", f"ingredients: {ingredients}" if ingredients else ""]
    return " · ".join(p for p in parts if p) + f" — {m.terminology} {m.terminology_version}"


def default_selection(*, item: TriageItem, mentions: list[Mention], pairs: list) -> set[str]:
    """The mentions confirm uses when the reviewer changes nothing (as the triage service does):
    reportable reactions, and drugs that are suspects or paired with one."""
    paired = {d for d, e in pairs if any(str(m.id) == e and m.reportable for m in mentions)}
    return {
        str(m.id)
        for m in mentions
        if (m.kind == Mention.Kind.EVENT and m.reportable)
        or (m.kind == Mention.Kind.DRUG and (str(m.id) in paired or m.role == Mention.Role.SUSPECT))
    }


def member_history(*, member: Member, item: TriageItem, limit: int = 10) -> dict[str, Any]:
    """The member's other posts, reports and cases, to spot duplicates and follow-ups."""
    return {
        "posts": list(
            Post.objects.filter(member=member)
            .exclude(triage=item)
            .select_related("triage")
            .order_by("-posted_at")[:limit]
        ),
        "reports": list(
            AEReport.objects.filter(member=member)
            .exclude(triage=item)
            .select_related("triage")
            .order_by("-submitted_at")[:limit]
        ),
        "cases": list(
            Case.objects.filter(member=member, is_latest=True)
            .prefetch_related("reactions")
            .order_by("-received_at")[:limit]
        ),
    }


# --- case ------------------------------------------------------------------------------------


def case_version_list(*, case: Case) -> list[Case]:
    return list(case_versions(case=case).select_related("created_by"))


_DIFF_SKIP = {"is_latest", "version", "drugs", "reactions"}
_CHILD_DIFF_SKIP = {"case_id", "position"}


def _child_label(row: dict) -> str:
    return row.get("name_reported") or row.get("reported_term") or "?"


def _children_diff(before: list[dict], after: list[dict]) -> list[dict]:
    rows: list[dict] = []
    for index in range(max(len(before), len(after))):
        old = before[index] if index < len(before) else None
        new = after[index] if index < len(after) else None
        if old is None or new is None:
            row = old or new or {}
            rows.append({"label": _child_label(row), "old": old, "new": new, "fields": []})
            continue
        fields = [
            (k, old.get(k), new.get(k))
            for k in sorted(set(old) | set(new))
            if k not in _CHILD_DIFF_SKIP and old.get(k) != new.get(k)
        ]
        if fields:
            rows.append({"label": _child_label(new), "old": old, "new": new, "fields": fields})
    return rows


def case_version_diff(*, older: Case, newer: Case) -> dict[str, Any]:
    """Field-by-field difference of two versions' snapshots (`pv.selectors.case_snapshot`)."""
    a, b = case_snapshot(case=older), case_snapshot(case=newer)
    fields = [(k, a.get(k), b.get(k)) for k in b if k not in _DIFF_SKIP and a.get(k) != b.get(k)]
    return {
        "fields": fields,
        "drugs": _children_diff(a["drugs"], b["drugs"]),
        "reactions": _children_diff(a["reactions"], b["reactions"]),
    }


def case_submissions(*, user: User, case: Case) -> QuerySet[Submission]:
    """Every version's submissions, per recipient, newest version first."""
    return (
        submission_list_visible_to(user=user)
        .filter(case__worldwide_case_id=case.worldwide_case_id)
        .order_by("recipient__name", "-case__version")
    )


def case_reaction_get(*, case: Case, reaction_id) -> CaseReaction:
    """One reaction of a case the reviewer can see (404 when it belongs to another case)."""
    reaction = case.reactions.filter(id=reaction_id).select_related("case").first()
    if reaction is None:
        raise NotFound("Reaction not found.")
    return reaction


def case_audit_events(*, case: Case, versions: list[Case], limit: int = 200) -> list[AuditEvent]:
    """Audit history of all versions of the case, their submissions and the queue decisions
    that made them."""
    case_ids = [str(v.id) for v in versions]
    triage_ids = [
        str(pk)
        for pk in TriageItem.objects.filter(case_id__in=case_ids).values_list("id", flat=True)
    ]
    submission_ids = [
        str(pk)
        for pk in Submission.objects.filter(
            case__worldwide_case_id=case.worldwide_case_id
        ).values_list("id", flat=True)
    ]
    return list(
        AuditEvent.objects.filter(
            Q(object_type="pv.case", object_id__in=case_ids)
            | Q(object_type="submissions.submission", object_id__in=submission_ids)
            | Q(object_type="intake.triageitem", object_id__in=triage_ids)
        ).order_by("-seq")[:limit]
    )


def question_labels(asked: list[dict]) -> list[str]:
    return [q["text"] if q["label"] == FREE_LABEL else q["label"] for q in member_questions(asked)]


def case_followups(*, user: User, case: Case) -> dict[str, list]:
    """Partners' follow-up requests on any version of the case, and the relay messages with the
    member's (scrubbed) answers."""
    requests = list(
        followup_request_list_visible_to(user=user)
        .filter(worldwide_case_id=case.worldwide_case_id)
        .select_related("requested_by", "reviewed_by")
        .order_by("-created_at")
    )
    for r in requests:
        r.question_labels = question_labels(r.questions)  # type: ignore[attr-defined]
    relay = list(
        followup_message_list_for_staff()
        .filter(worldwide_case_id=case.worldwide_case_id)
        .order_by("-created_at")
    )
    for m in relay:
        m.answer_rows = [  # type: ignore[attr-defined]
            (q["id"], q["label"], q["text"], m.answers[q["id"]])
            for q in m.questions
            if q["id"] in (m.answers or {})
        ]
    return {"requests": requests, "messages": relay}


def partner_followups(*, user: User, limit: int = 100) -> list:
    """The partner's own follow-up requests: statuses only (review notes are internal)."""
    rows = list(followup_request_list_visible_to(user=user).order_by("-created_at")[:limit])
    for r in rows:
        r.question_labels = question_labels(r.questions)  # type: ignore[attr-defined]
    return rows


# --- partners --------------------------------------------------------------------------------


def partner_member_pseudonym(*, user: User, case: Case) -> str:
    """Each partner sees its own stable, unlinkable pseudonym for the member."""
    if case.member_id is None:
        return ""
    return partner_pseudonym(
        key=settings.SECRET_KEY, partner_id=str(user.partner_id), member_id=str(case.member_id)
    )
