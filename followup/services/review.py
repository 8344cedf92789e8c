"""The reviewer takes what the member answered into the case: a new follow-up version, which
routes follow-up E2B submissions to every earlier recipient with their clocks restarted
(`pv.services.cases.case_version_create` -> `submissions.services.submission_route_case`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from followup.catalogue import FREE
from followup.models import FollowupMessage
from pv.audit import audit_record
from pv.core.exceptions import Conflict, DomainError
from pv.models import Case, User
from pv.services.cases import case_version_create
from pv.services.privacy import intake_scrubber

MAX_ANSWER_LENGTH = 4000
FURTHER_INFORMATION = "Further information"


def followup_narrative(*, message: FollowupMessage, answers: dict[str, str], on) -> str:
    """The accepted answers as a narrative paragraph, titled by question.

    A partner's own free-text question is never quoted: the merged case version goes to every
    recipient, and one partner's questions are its own business. Its answer enters in the
    reviewer's words (see `followup_answer_merge`) under a neutral title.
    """
    labels = {q["id"]: q for q in message.questions}
    lines = [f"Follow-up information from the reporter (received {on.isoformat()}):"]
    for qid in [q["id"] for q in message.questions]:
        if qid in answers:
            title = FURTHER_INFORMATION if _is_free(qid) else labels[qid]["label"]
            lines.append(f"- {title}: {answers[qid]}")
    return "\n".join(lines)


def _is_free(qid: str) -> bool:
    return qid.startswith(f"{FREE}-")


def _claim_review(message: FollowupMessage, actor: User, now: datetime, review: str, note: str):
    claimed = FollowupMessage.objects.filter(
        id=message.id, status=FollowupMessage.Status.ANSWERED, review_status="pending"
    ).update(review_status=review, reviewed_by=actor, reviewed_at=now, review_note=note)
    if claimed != 1:
        raise Conflict("This answer is not awaiting review.", code="not_pending_review")


@transaction.atomic
def followup_answer_merge(
    *,
    actor: User,
    message: FollowupMessage,
    accepted: list[str],
    edited: dict[str, str] | None = None,
    changes: dict[str, Any] | None = None,
    drugs: list[dict] | None = None,
    reactions: list[dict] | None = None,
    reason: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Case:
    """Accept some answers (optionally reworded by the reviewer) and structured changes into a
    new follow-up version of the latest case version."""
    now = now or timezone.now()
    edited = edited or {}
    unknown = sorted((set(accepted) | set(edited)) - set(message.answers))
    if unknown:
        raise DomainError(
            "Only answered questions can be accepted.",
            code="invalid",
            extra={"fields": {"accepted": unknown}},
        )
    verbatim = sorted(q for q in accepted if _is_free(q) and not (edited.get(q) or "").strip())
    if verbatim:
        # The answer to one partner's own question goes to every recipient of the case only as
        # case information the reviewer writes, never as that partner's question and answer.
        raise DomainError(
            "An answer to a partner's own question enters the case in your words: "
            "give it under `edited`.",
            code="invalid",
            extra={"fields": {"edited": verbatim}},
        )
    if not accepted and not changes and drugs is None and reactions is None:
        raise DomainError(
            "Nothing to merge: accept an answer or give changes, or reject the answer.",
            code="invalid",
        )
    _claim_review(message, actor, now, FollowupMessage.Review.MERGED, note)
    answers = {qid: message.answers[qid] for qid in accepted}
    if edited:
        # Reviewer edits are minimised like the member's own text: they are built from it.
        scrub = intake_scrubber(member=message.member, actor=actor)
        for qid in accepted:
            if qid in edited:
                answers[qid] = scrub(edited[qid].strip()[:MAX_ANSWER_LENGTH])
    case = Case.objects.get(worldwide_case_id=message.worldwide_case_id, is_latest=True)
    changes = dict(changes or {})
    if answers and "narrative" not in changes:
        paragraph = followup_narrative(message=message, answers=answers, on=now.date())
        changes["narrative"] = "\n\n".join(p for p in (case.narrative.strip(), paragraph) if p)
    new = case_version_create(
        actor=actor,
        case=case,
        kind="followup",
        reason=reason or "Follow-up information from the reporter",
        changes=changes,
        drugs=drugs,
        reactions=reactions,
    )
    FollowupMessage.objects.filter(id=message.id).update(merged_case=new, updated_at=now)
    audit_record(
        actor=actor,
        action="followup.answer_merged",
        obj=message,
        after={"case": str(new.id), "version": new.version, "accepted": sorted(answers)},
        reason=note,
    )
    message.refresh_from_db()
    return new


@transaction.atomic
def followup_answer_reject(
    *, actor: User, message: FollowupMessage, note: str = "", now: datetime | None = None
) -> FollowupMessage:
    """Nothing in the answer is usable: recorded, the case is left as it is."""
    now = now or timezone.now()
    _claim_review(message, actor, now, FollowupMessage.Review.REJECTED, note)
    audit_record(actor=actor, action="followup.answer_rejected", obj=message, after={}, reason=note)
    message.refresh_from_db()
    return message
