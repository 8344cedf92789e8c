"""Submission writes: route a case version, prepare (build + validate) its XML, send it, and
reconcile acknowledgements. Status moves only here, each move audited.

Claims follow Healthchecks: a conditional UPDATE that must touch exactly one row, so two
workers never prepare or send the same submission twice.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pv.audit import audit_record
from pv.core.exceptions import DomainError
from pv.core.regions import region_of
from pv.models import Case, Partner
from submissions import clocks
from submissions.e2b import E2BParseError, build_icsr, check_successor, errors, parse_ack, validate
from submissions.e2b.parse import parse_batch
from submissions.models import RoutingRule, Submission
from submissions.selectors import routing_rules_active
from submissions.snapshots import case_to_snapshot, header_for, regional_for
from submissions.transport import GatewayRefused, GatewayUnavailable, push_xml

logger = logging.getLogger(__name__)
S = Submission.Status


def _kind(case: Case) -> str:
    if case.status == Case.Status.NULLIFIED:
        return Submission.Kind.NULLIFICATION
    if case.version == 1:
        return Submission.Kind.INITIAL
    return Submission.Kind.AMENDMENT if case.amendment_reason else Submission.Kind.FOLLOWUP


def _case_ingredients(case: Case) -> set[str]:
    names: set[str] = set()
    for drug in case.drugs.all():
        if drug.role not in ("suspect", "interacting"):
            continue
        names.add(drug.name_reported.strip().lower())
        names.update(i.get("name", "").strip().lower() for i in drug.ingredients)
    names.discard("")
    return names


def rule_matches(*, rule: RoutingRule, case: Case, ingredients: set[str]) -> bool:
    if rule.countries or rule.regions:
        country = case.reporter_country.upper()
        if country not in rule.countries and region_of(country) not in rule.regions:
            return False
    if rule.seriousness == RoutingRule.Seriousness.SERIOUS and not case.is_serious:
        return False
    if rule.seriousness == RoutingRule.Seriousness.NON_SERIOUS and case.is_serious:
        return False
    if rule.match_products:
        products = rule.recipient.products.all()
        wanted = {p.name.lower() for p in products} | {
            i.lower() for p in products for i in p.ingredients
        }
        if not ingredients & wanted:
            return False
    return True


def _earlier_recipients(case: Case) -> dict:
    rows = Submission.objects.filter(
        case__worldwide_case_id=case.worldwide_case_id, case__version__lt=case.version
    ).exclude(status=S.FAILED)
    return {s.recipient_id: s.rule for s in rows.select_related("rule")}


@transaction.atomic
def submission_route_case(*, case: Case, actor="system") -> list[Submission]:
    """Create one queued submission per recipient of this case version.

    First matching rule wins per recipient. A version after the first also goes to every
    recipient of earlier versions (follow-up, amendment, nullification), whatever the rules say
    now. Cases without day 0 (minimum criteria incomplete) are not routed yet.
    """
    if case.day_zero is None or not case.is_latest:
        return []
    ingredients = _case_ingredients(case)
    decided: dict = {}
    for rule in routing_rules_active():
        if rule.recipient_id not in decided and rule_matches(
            rule=rule, case=case, ingredients=ingredients
        ):
            decided[rule.recipient_id] = rule
    chosen = {
        rid: rule for rid, rule in decided.items() if rule.action == RoutingRule.Action.SUBMIT
    }
    for recipient_id, rule in _earlier_recipients(case).items():
        chosen.setdefault(recipient_id, rule)
    start = clocks.clock_start(
        version=case.version, day_zero=case.day_zero, latest_info=case.latest_info_at.date()
    )
    kind = _kind(case)
    created = []
    partners = Partner.objects.in_bulk(list(chosen))
    for recipient_id, rule in chosen.items():
        recipient = partners[recipient_id]
        batch = uuid.uuid4().hex
        submission, was_created = Submission.objects.get_or_create(
            case=case,
            recipient=recipient,
            defaults={
                "rule": rule,
                "kind": kind,
                "profile": recipient.e2b_profile,
                "clock_start": start,
                "due_date": clocks.due_date(
                    start=start,
                    serious=case.is_serious,
                    serious_days=rule.serious_days if rule else 15,
                    non_serious_days=rule.non_serious_days if rule else 90,
                ),
                "batch_number": batch,
                "message_id": f"{case.sender_report_id}-V{case.version}-{batch[:8].upper()}",
            },
        )
        if not was_created:
            continue
        audit_record(
            actor=actor,
            action="submission.queued",
            obj=submission,
            after={
                "case": str(case.id),
                "recipient": recipient.name,
                "kind": kind,
                "due_date": submission.due_date,
                "rule": rule.name if rule else None,
            },
        )
        created.append(submission)
    from submissions.tasks import submission_prepare_task  # noqa: PLC0415

    for submission in created:
        sid = str(submission.id)
        transaction.on_commit(lambda sid=sid: submission_prepare_task.delay(sid))
    return created


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
    xml = build_icsr(snapshot, header_for(recipient=recipient, batch_number=batch_number))
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
        case=case, recipient=recipient, kind=_kind(case), batch_number=uuid.uuid4().hex, actor=actor
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
    """queued -> validated (XML stored) or failed (errors stored). Invalid XML is never sent."""
    if submission.status != S.QUEUED:
        return submission
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
            transaction.on_commit(lambda: submission_send_task.delay(sid))
    if problems:
        logger.warning(
            "submission %s failed validation with %d error(s)", submission.id, len(problems)
        )
    return submission


def submission_send(*, submission: Submission, actor="system") -> Submission:
    """validated -> sending -> sent (or acknowledged, when the receiver answers with an ACK)."""
    claimed = Submission.objects.filter(id=submission.id, status=S.VALIDATED).update(
        status=S.SENDING, updated_at=timezone.now()
    )
    if claimed != 1:
        return Submission.objects.get(id=submission.id)  # another worker took it
    Submission.objects.filter(id=submission.id).update(attempts=submission.attempts + 1)
    try:
        result = push_xml(
            url=submission.recipient.endpoint_url,
            xml=bytes(submission.xml),
            timeout=settings.PV_SUBMISSION_TIMEOUT,
        )
    except GatewayUnavailable as exc:
        # Release the claim so the retry can take it again; receivers de-duplicate on N.2.r.1.
        Submission.objects.filter(id=submission.id, status=S.SENDING).update(
            status=S.VALIDATED, last_error=str(exc)[:2000]
        )
        raise
    except GatewayRefused as exc:
        return _mark_failed(submission, str(exc), actor=actor)
    with transaction.atomic():
        Submission.objects.filter(id=submission.id, status=S.SENDING).update(
            status=S.SENT, sent_at=timezone.now(), last_error=""
        )
        audit_record(
            actor=actor,
            action="submission.sent",
            obj=submission,
            after={"http_status": result.status},
        )
    if result.body.strip().startswith(b"<"):
        try:
            submission_ack_receive(xml=result.body, partner=submission.recipient, actor=actor)
        except DomainError as exc:
            logger.warning(
                "synchronous ACK for %s could not be read: %s", submission.id, exc.message
            )
    return Submission.objects.get(id=submission.id)


def _mark_failed(submission: Submission, error: str, *, actor) -> Submission:
    with transaction.atomic():
        Submission.objects.filter(id=submission.id).exclude(status=S.ACKNOWLEDGED).update(
            status=S.FAILED, last_error=error[:4000]
        )
        audit_record(
            actor=actor, action="submission.failed", obj=submission, after={"error": error[:500]}
        )
    return Submission.objects.get(id=submission.id)


def submission_mark_failed(*, submission: Submission, error: str, actor="system") -> Submission:
    """Retries exhausted: the reviewer sees the failure on the due list."""
    return _mark_failed(submission, error, actor=actor)


def submission_download(*, submission: Submission, actor) -> bytes:
    """A pull partner downloads its XML: validated -> sent (the first download counts)."""
    with transaction.atomic():
        moved = Submission.objects.filter(id=submission.id, status=S.VALIDATED).update(
            status=S.SENT, sent_at=timezone.now()
        )
        if moved:
            audit_record(actor=actor, action="submission.pulled", obj=submission)
    return bytes(submission.xml)


_RESULTS = {
    ("AA", "CA"): Submission.AckResult.ACCEPTED,
    ("AE", "CA"): Submission.AckResult.ACCEPTED_WITH_ERRORS,
}


@transaction.atomic
def submission_ack_receive(
    *, xml: bytes, partner: Partner | None, actor="system"
) -> list[Submission]:
    """Parse an ACK (MCCI_IN200101UV01) and reconcile it with the submissions it answers.

    A partner can only acknowledge its own submissions; an ACK for anything else is a 404-like
    refusal that names no other partner's traffic. Re-posting the same ACK changes nothing.
    """
    try:
        ack = parse_ack(xml)
    except E2BParseError as exc:
        raise DomainError(f"Not a readable E2B acknowledgement: {exc}", code="invalid_ack") from exc
    batch = Submission.objects.select_for_update().filter(batch_number=ack.batch_number)
    if partner is not None:
        batch = batch.filter(recipient=partner)
    rows = list(batch)
    if not rows:
        raise DomainError(
            "No submission of yours has this batch number.",
            code="unknown_batch",
            extra={"batch_number": ack.batch_number},
        )
    by_message = {r.message_id: r for r in rows}
    updated = []
    for message in ack.messages or []:
        row = by_message.get(message.message_id) or (rows[0] if len(rows) == 1 else None)
        if row is None or row.status == S.ACKNOWLEDGED:
            continue
        if ack.code == "AR":
            result = Submission.AckResult.REJECTED
        else:
            result = _RESULTS.get((ack.code, message.code), Submission.AckResult.REJECTED)
        Submission.objects.filter(id=row.id).update(
            status=S.ACKNOWLEDGED,
            acked_at=timezone.now(),
            ack_result=result,
            ack_code=message.code,
            ack_text=(message.error_text or ack.text)[:10000],
            ack_xml=xml,
        )
        audit_record(
            actor=actor,
            action="submission.acknowledged",
            obj=row,
            after={"result": result, "code": message.code, "text": message.error_text[:500]},
        )
        updated.append(row.id)
    if not ack.messages and ack.code == "AR":
        for row in rows:
            if row.status != S.ACKNOWLEDGED:
                Submission.objects.filter(id=row.id).update(
                    status=S.ACKNOWLEDGED,
                    acked_at=timezone.now(),
                    ack_result=Submission.AckResult.REJECTED,
                    ack_code="AR",
                    ack_text=ack.text[:10000],
                    ack_xml=xml,
                )
                audit_record(
                    actor=actor,
                    action="submission.acknowledged",
                    obj=row,
                    after={"result": "rejected", "code": "AR", "text": ack.text[:500]},
                )
                updated.append(row.id)
    return list(Submission.objects.filter(id__in=updated))


def submission_requeue_stuck(*, older_than_minutes: int = 15) -> int:
    """Rows left in SENDING by a killed worker go back to VALIDATED and are sent again."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    stuck = list(
        Submission.objects.filter(status=S.SENDING, updated_at__lt=cutoff).values_list(
            "id", flat=True
        )
    )
    if not stuck:
        return 0
    Submission.objects.filter(id__in=stuck, status=S.SENDING).update(status=S.VALIDATED)
    from submissions.tasks import submission_send_task  # noqa: PLC0415

    for sid in stuck:
        transaction.on_commit(lambda sid=str(sid): submission_send_task.delay(sid))
    return len(stuck)
