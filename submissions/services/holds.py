"""Holding a submission whose case cannot go to its recipient as coded, and releasing it.

What Argus and Vault Safety do with an uncoded event: the report is not sent. A case reaches a
recipient only when every reaction is coded in a terminology that recipient accepts: MedDRA for
everyone, or pv's open terminology where the recipient agreed to it
(`Partner.accepts_open_terminology`). Otherwise the submission is created and kept `held` with
its reasons; its clock runs on (it is on the due / overdue lists like any unsent submission),
and it is never visible to the partner. A recode that makes the case codable releases it:
`held -> queued`, then the usual prepare (build, validate) and send.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from pv.audit import audit_record
from pv.core.outbox import task_enqueue_on_commit
from pv.models import Case, CaseReaction, Partner
from submissions.models import Submission

logger = logging.getLogger(__name__)
S = Submission.Status
MEDDRA = "MedDRA"


def coding_hold_reasons(*, case: Case, recipient: Partner) -> list[dict]:
    """Why `case` cannot be sent to `recipient` as coded: one entry per reaction that is not
    coded in a terminology the recipient accepts (empty: it can be sent)."""
    reasons = []
    wanted = MEDDRA if not recipient.accepts_open_terminology else f"{MEDDRA} or pv open"
    # .all(), not order_by: the model orders by position, and a prefetch is used when present.
    for reaction in case.reactions.all():
        label = f"reaction {reaction.position} '{reaction.reported_term}'"
        if not reaction.code:
            message = f"needs coding: {label} has no {wanted} code"
        elif reaction.terminology != MEDDRA and not recipient.accepts_open_terminology:
            coded_in = f"{reaction.terminology} {reaction.terminology_version}".strip()
            message = f"needs coding: {label} is coded in {coded_in}, not MedDRA"
        else:
            continue
        reasons.append(
            {
                "reaction": reaction.position,
                "reported_term": reaction.reported_term,
                "message": message,
            }
        )
    return reasons


def submission_hold(*, submission: Submission, reasons: list[dict], actor="system") -> bool:
    """queued -> held with `reasons` (a claim: False when another worker moved it first)."""
    with transaction.atomic():
        claimed = Submission.objects.filter(id=submission.id, status=S.QUEUED).update(
            status=S.HELD, held_reasons=reasons, updated_at=timezone.now()
        )
        if claimed != 1:
            return False
        audit_record(
            actor=actor,
            action="submission.held",
            obj=submission,
            after={"reasons": [r["message"] for r in reasons]},
        )
    logger.info("submission %s held: %d reaction(s) need coding", submission.id, len(reasons))
    return True


def submission_release_held(
    *, case: Case | None = None, actor="system", stale_before=None, limit: int = 5000
) -> dict:
    """Re-evaluate held submissions (of `case`, or all): release those whose case can now be
    sent to their recipient (`held -> queued`, audited, prepared after commit); refresh the
    reasons of the others. Called by every recode (pv.services.recoding hook) and by the
    submissions sweeper as the safety net. Returns {"released": n, "still_held": n}."""
    from submissions.tasks import submission_prepare_task  # noqa: PLC0415

    held = (
        Submission.objects.filter(status=S.HELD)
        .select_related("case", "recipient")
        .prefetch_related("case__reactions")
    )
    if case is not None:
        held = held.filter(case_id=case.id)
    if stale_before is not None:
        # The sweeper: only rows untouched for the grace period whose case now looks codable
        # for their recipient (so rows still waiting for a reviewer cost one query in all).
        reactions = CaseReaction.objects.filter(case_id=OuterRef("case_id"))
        held = (
            held.filter(updated_at__lt=stale_before)
            .exclude(Exists(reactions.filter(code="")))
            .exclude(
                Exists(reactions.exclude(terminology=MEDDRA)),
                recipient__accepts_open_terminology=False,
            )
        )
    counts = {"released": 0, "still_held": 0}
    for submission in held.order_by("due_date")[:limit]:
        reasons = coding_hold_reasons(case=submission.case, recipient=submission.recipient)
        with transaction.atomic():
            if reasons:
                counts["still_held"] += 1
                if reasons != submission.held_reasons:
                    Submission.objects.filter(id=submission.id, status=S.HELD).update(
                        held_reasons=reasons, updated_at=timezone.now()
                    )
                continue
            claimed = Submission.objects.filter(id=submission.id, status=S.HELD).update(
                status=S.QUEUED, held_reasons=[], updated_at=timezone.now()
            )
            if claimed != 1:
                continue
            audit_record(
                actor=actor,
                action="submission.released",
                obj=submission,
                before={"reasons": [r["message"] for r in submission.held_reasons]},
                after={"status": S.QUEUED},
            )
            task_enqueue_on_commit(submission_prepare_task, str(submission.id))
            counts["released"] += 1
    return counts


def submission_supersede_held(*, case: Case, actor="system") -> int:
    """A newer version of the case was routed: held submissions of its earlier versions were
    never sent, so they close as `superseded` (audited) and the newer version carries on."""
    older = list(
        Submission.objects.filter(
            status=S.HELD,
            case__worldwide_case_id=case.worldwide_case_id,
            case__version__lt=case.version,
        )
    )
    for submission in older:
        moved = Submission.objects.filter(id=submission.id, status=S.HELD).update(
            status=S.SUPERSEDED, updated_at=timezone.now()
        )
        if moved:
            audit_record(
                actor=actor,
                action="submission.superseded",
                obj=submission,
                after={"by_version": case.version},
            )
    return len(older)
