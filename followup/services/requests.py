"""Partners' follow-up requests and the reviewer gate (open, edit, approve, decline).

Approval is where requests merge: every approved request about the same member and case
joins the one open message, so the member hears from the platform once, whoever asks.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from followup.catalogue import CATALOGUE_KEYS, FREE, member_questions, merge_questions, normalise
from followup.models import FollowupMessage, FollowupRequest
from followup.services.common import M, R
from pv.audit import audit_record
from pv.core.exceptions import Conflict, DomainError
from pv.core.outbox import task_enqueue_on_commit
from pv.models import Case, Member, User
from pv.selectors import case_get_visible
from pv.services.privacy import intake_scrubber

MAX_FREE_QUESTIONS = 5
MAX_FREE_LENGTH = 500
M_OPEN = FollowupMessage.OPEN


def _questions(
    keys: list[str], free_text: list[str], *, member: Member | None = None, actor=None
) -> list[dict]:
    unknown = sorted(set(keys) - set(CATALOGUE_KEYS))
    if unknown:
        raise DomainError(
            "Unknown question(s).",
            code="invalid",
            extra={"fields": {"questions": unknown}, "allowed": list(CATALOGUE_KEYS)},
        )
    if len(free_text) > MAX_FREE_QUESTIONS:
        raise DomainError(
            f"At most {MAX_FREE_QUESTIONS} free-text questions.",
            code="invalid",
            extra={"fields": {"free_text_questions": ["too many"]}},
        )
    # A partner's own wording reaches the member after review; contact details (an email to
    # write to, a phone number, a link) would route the member around the relay, so they go,
    # and like everything stored it loses the member's own values (an audited vault read).
    free = [normalise(t) for t in free_text if normalise(t)]
    if free:
        scrub = intake_scrubber(member=member, actor=actor)
        free = [scrub(t) for t in free]
    if any(len(t) > MAX_FREE_LENGTH for t in free):
        raise DomainError(
            f"Free-text questions are at most {MAX_FREE_LENGTH} characters.",
            code="invalid",
            extra={"fields": {"free_text_questions": ["too long"]}},
        )
    questions = [{"key": k} for k in CATALOGUE_KEYS if k in set(keys)]
    questions += [{"key": FREE, "text": t} for t in dict.fromkeys(free)]
    if not questions:
        raise DomainError(
            "Ask at least one question.",
            code="invalid",
            extra={"fields": {"questions": ["choose a question or write one"]}},
        )
    return questions


def _check_wanted_by(wanted_by: date, today: date) -> None:
    if wanted_by < today:
        raise DomainError(
            "The wanted-by date is in the past.",
            code="invalid",
            extra={"fields": {"wanted_by": ["must be today or later"]}},
        )


@transaction.atomic
def followup_request_create(
    *,
    actor: User,
    case: Case,
    questions: list[str],
    free_text_questions: list[str] | None = None,
    wanted_by: date,
    now: datetime | None = None,
) -> FollowupRequest:
    """A partner asks about a case it received (the caller checked visibility: 404 otherwise).

    A member who opted out or was deactivated, or a case without a member, is answered at once
    with "not contactable": nobody will contact them, so there is nothing to approve.
    """
    if not actor.is_partner:
        raise DomainError("Only partners open follow-up requests.", code="not_partner")
    # The API checked already; checked again here so no other caller can skip it (404).
    case = case_get_visible(user=actor, case_id=case.id)
    now = now or timezone.now()
    _check_wanted_by(wanted_by, now.date())
    member = Member.objects.filter(id=case.member_id).first() if case.member_id else None
    asked = _questions(questions, free_text_questions or [], member=member, actor=actor)
    contactable = member is not None and member.is_contactable
    request = FollowupRequest(
        case=case,
        worldwide_case_id=case.worldwide_case_id,
        partner_id=actor.partner_id,
        requested_by=actor,
        member=member,
        questions=asked,
        wanted_by=wanted_by,
        status=R.PENDING_APPROVAL if contactable else R.NOT_CONTACTABLE,
        status_changed_at=now,
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise Conflict(
            "You already have an open follow-up request on this case.", code="request_open"
        ) from exc
    audit_record(
        actor=actor,
        action="followup.request_created",
        obj=request,
        after={
            "case": str(case.id),
            "partner": str(actor.partner_id),
            "questions": [q["key"] for q in asked],
            "wanted_by": wanted_by,
            "status": request.status,
        },
    )
    return request


def _claim_pending(request: FollowupRequest, **fields) -> None:
    claimed = FollowupRequest.objects.filter(id=request.id, status=R.PENDING_APPROVAL).update(
        **fields
    )
    if claimed != 1:
        raise Conflict("This request is no longer pending approval.", code="not_pending")


@transaction.atomic
def followup_request_edit(
    *,
    actor: User,
    request: FollowupRequest,
    questions: list[str] | None = None,
    free_text_questions: list[str] | None = None,
    wanted_by: date | None = None,
    now: datetime | None = None,
) -> FollowupRequest:
    """A reviewer rewords or trims a pending request before a member sees it."""
    now = now or timezone.now()
    before = {"questions": request.questions, "wanted_by": request.wanted_by}
    fields: dict = {"updated_at": now}
    if questions is not None or free_text_questions is not None:
        keys = questions
        if keys is None:
            keys = [q["key"] for q in request.questions if q["key"] != FREE]
        free = free_text_questions
        if free is None:
            free = [q["text"] for q in request.questions if q["key"] == FREE]
        fields["questions"] = _questions(keys, free, member=request.member, actor=actor)
    if wanted_by is not None:
        _check_wanted_by(wanted_by, now.date())
        fields["wanted_by"] = wanted_by
    _claim_pending(request, **fields)
    request.refresh_from_db()
    audit_record(
        actor=actor,
        action="followup.request_edited",
        obj=request,
        before=before,
        after={"questions": request.questions, "wanted_by": request.wanted_by},
    )
    return request


@transaction.atomic
def followup_request_decline(
    *, actor: User, request: FollowupRequest, note: str = "", now: datetime | None = None
) -> FollowupRequest:
    now = now or timezone.now()
    _claim_pending(
        request,
        status=R.DECLINED,
        status_changed_at=now,
        decision=FollowupRequest.Decision.DECLINED,
        reviewed_by=actor,
        reviewed_at=now,
        review_note=note,
        updated_at=now,
    )
    request.refresh_from_db()
    audit_record(
        actor=actor,
        action="followup.request_declined",
        obj=request,
        after={"status": R.DECLINED},
        reason=note,
    )
    return request


def _open_message_for(member: Member, worldwide_case_id: str, case: Case, now: datetime):
    """The open message for this member and case, locked; created when there is none.
    Returns (message, created). The partial unique constraint settles concurrent creators."""
    for _ in range(2):
        message = (
            FollowupMessage.objects.select_for_update()
            .filter(member=member, worldwide_case_id=worldwide_case_id, status__in=M_OPEN)
            .first()
        )
        if message is not None:
            return message, False
        try:
            with transaction.atomic():
                message = FollowupMessage.objects.create(
                    member=member, worldwide_case_id=worldwide_case_id, case=case, status=M.QUEUED
                )
            return message, True
        except IntegrityError:
            continue  # another reviewer created it a moment ago: join that one
    raise Conflict("Could not open a follow-up message; try again.", code="busy")


@transaction.atomic
def followup_request_approve(
    *,
    actor: User,
    request: FollowupRequest,
    questions: list[str] | None = None,
    free_text_questions: list[str] | None = None,
    wanted_by: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> FollowupRequest:
    """Approve (optionally with edits). The request joins the member's open message for this
    case, or starts one that is sent after commit. Not-contactable members are never queued."""
    now = now or timezone.now()
    if questions is not None or free_text_questions is not None or wanted_by is not None:
        request = followup_request_edit(
            actor=actor,
            request=request,
            questions=questions,
            free_text_questions=free_text_questions,
            wanted_by=wanted_by,
            now=now,
        )
    _claim_pending(
        request,
        status=R.APPROVED,
        status_changed_at=now,
        decision=FollowupRequest.Decision.APPROVED,
        reviewed_by=actor,
        reviewed_at=now,
        review_note=note,
        updated_at=now,
    )
    request.refresh_from_db()
    member = Member.objects.filter(id=request.member_id).first() if request.member_id else None
    if member is None or not member.is_contactable:
        FollowupRequest.objects.filter(id=request.id).update(
            status=R.NOT_CONTACTABLE, status_changed_at=now
        )
        request.refresh_from_db()
        audit_record(
            actor=actor,
            action="followup.request_not_contactable",
            obj=request,
            after={"status": R.NOT_CONTACTABLE},
            reason=note,
        )
        return request
    latest = Case.objects.get(worldwide_case_id=request.worldwide_case_id, is_latest=True)
    message, created = _open_message_for(member, request.worldwide_case_id, latest, now)
    message.questions = merge_questions(message.questions, member_questions(request.questions))
    FollowupMessage.objects.filter(id=message.id).update(
        questions=message.questions, updated_at=now
    )
    # A message already with the member carries the new questions in the inbox from now on;
    # the request shows what its partner would otherwise wait to see.
    status = message.status if message.status in (M.SENT, M.REMINDED) else R.APPROVED
    FollowupRequest.objects.filter(id=request.id).update(
        message=message, status=status, status_changed_at=now
    )
    request.refresh_from_db()
    audit_record(
        actor=actor,
        action="followup.request_approved",
        obj=request,
        after={"message": str(message.id), "merged": not created, "status": status},
        reason=note,
    )
    if created:
        from followup.tasks import followup_message_send_task  # noqa: PLC0415 (tasks -> services)

        message_id = str(message.id)
        task_enqueue_on_commit(followup_message_send_task, message_id)
    return request
