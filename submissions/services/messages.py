"""Building and validating the E2B(R3) message of a submission; invalid XML is never sent."""

from __future__ import annotations

import dataclasses
import logging
import uuid

from django.db import transaction
from django.utils import timezone

from pv.audit import audit_record
from pv.core.outbox import task_enqueue_on_commit
from pv.models import Case, Partner
from submissions.e2b import build_icsr, check_successor, errors, validate
from submissions.e2b.parse import parse_batch
from submissions.models import Submission
from submissions.received import received_route
from submissions.services.holds import coding_hold_reasons, submission_hold
from submissions.services.routing import submission_kind
from submissions.snapshots import case_to_snapshot, header_for, regional_for

logger = logging.getLogger(__name__)
S = Submission.Status


def _previous_sent(submission: Submission) -> Submission | None:
    return (
        Submission.objects.filter(
            recipient=submission.recipient,
            case__worldwide_case_id=submission.case.worldwide_case_id,
            case__version__lt=submission.case.version,
            status__in=(S.VALIDATED, S.SENDING, S.SENT, S.ACKNOWLEDGED),
        )
        .order_by("-case__version")
        .first()
    )


def case_e2b_build(
    *,
    case: Case,
    recipient: Partner,
    batch_number: str,
    kind: str,
    message_id: str = "",
    actor="system",
):
    """Build one ICSR batch for `case` addressed to `recipient` and validate it with the
    recipient's profile. Returns (xml, snapshot, failures); every E2B output goes through here."""
    snapshot = regional_for(case_to_snapshot(case=case, kind=kind, actor=actor), recipient)
    snapshot.message_id = message_id
    route = received_route(case=case)
    xml = build_icsr(
        snapshot, header_for(recipient=recipient, batch_number=batch_number, route=route)
    )
    failures = validate(xml, recipient.e2b_profile, initial=kind == Submission.Kind.INITIAL)
    # Only when every reaction is coded: an uncoded reaction is an error for everyone.
    if recipient.accepts_open_terminology and all(r.term for r in snapshot.reactions):
        failures = [_open_terminology_ok(f) for f in failures]
    return xml, snapshot, failures


def _open_terminology_ok(failure):
    """Under an open-terminology agreement, E.i.2.1 coded outside MedDRA is a warning: the code
    still carries its own system OID and version, so it never passes for MedDRA."""
    if failure.element in OPEN_TERMINOLOGY_ELEMENTS and "MedDRA" in failure.message:
        return dataclasses.replace(failure, severity="warning")
    return failure


OPEN_TERMINOLOGY_ELEMENTS = {"E.i.2.1a", "E.i.2.1b"}


def case_e2b_preview(*, case: Case, profile: str, actor) -> dict:
    """What pv would send for this case version under `profile`, and whether it is valid."""
    receivers = {"fda": "ZZFDA", "ema": "EVHUMAN", "ich": "PREVIEW"}
    recipient = Partner(name="preview", e2b_profile=profile, e2b_receiver_id=receivers[profile])
    xml, _, failures = case_e2b_build(
        case=case,
        recipient=recipient,
        kind=submission_kind(case),
        batch_number=uuid.uuid4().hex,
        actor=actor,
    )
    errs = [str(f) for f in errors(failures)]
    return {
        "profile": profile,
        "valid": not errs,
        "errors": errs,
        "warnings": [str(f) for f in failures if f.severity != "error"],
        "xml": xml.decode(),
    }


def submission_build(*, submission: Submission, actor="system") -> tuple[bytes, list[str]]:
    """Build and validate the XML for a submission; returns (xml, error strings)."""
    xml, snapshot, failures = case_e2b_build(
        case=submission.case,
        recipient=submission.recipient,
        batch_number=submission.batch_number,
        kind=submission.kind,
        message_id=submission.message_id,
        actor=actor,
    )
    failures = errors(failures)
    previous = _previous_sent(submission)
    if previous is not None and bytes(previous.xml):
        earlier = parse_batch(bytes(previous.xml)).cases[0]
        failures += errors(check_successor(earlier, snapshot))
    return xml, [str(f) for f in failures]


def submission_prepare(*, submission: Submission, actor="system") -> Submission:
    """queued -> validated (XML stored) or failed (errors stored). Invalid XML is never sent.

    A case whose reactions are not all coded in a terminology the recipient accepts is not
    built at all: queued -> held with the reasons (released by the recode that fixes it)."""
    if submission.status != S.QUEUED:
        return submission
    reasons = coding_hold_reasons(case=submission.case, recipient=submission.recipient)
    if reasons:
        submission_hold(submission=submission, reasons=reasons, actor=actor)
        return Submission.objects.get(id=submission.id)
    xml, problems = submission_build(submission=submission, actor=actor)
    new_status = S.FAILED if problems else S.VALIDATED
    with transaction.atomic():
        claimed = Submission.objects.filter(id=submission.id, status=S.QUEUED).update(
            status=new_status,
            xml=xml,
            validation_errors=problems,
            updated_at=timezone.now(),
            last_error="invalid E2B: see validation_errors" if problems else "",
        )
        if claimed != 1:
            return Submission.objects.get(id=submission.id)
        audit_record(
            actor=actor,
            action=f"submission.{new_status}",
            obj=submission,
            after={"errors": problems[:50]},
        )
        submission.refresh_from_db()
        if new_status == S.VALIDATED and submission.recipient.endpoint_url:
            from submissions.tasks import submission_send_task  # noqa: PLC0415

            sid = str(submission.id)
            task_enqueue_on_commit(submission_send_task, sid)
    if problems:
        logger.warning(
            "submission %s failed validation with %d error(s)", submission.id, len(problems)
        )
    return submission
