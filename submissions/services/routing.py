"""Routing: which recipients get a case version, with which clock (first matching rule wins)."""

from __future__ import annotations

import logging
import uuid

from django.db import transaction
from django.utils import timezone

from pv.audit import audit_record
from pv.core.outbox import task_enqueue_on_commit
from pv.core.regions import region_of
from pv.models import Case, Partner
from submissions import clocks
from submissions.models import RoutingRule, Submission
from submissions.selectors import routing_rules_active
from submissions.services.holds import submission_supersede_held

logger = logging.getLogger(__name__)
S = Submission.Status


def submission_kind(case: Case) -> str:
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


def _earlier_recipients(case: Case) -> tuple[dict, dict]:
    """Recipients of earlier versions: ({id: rule} of those a version went to or is going to,
    {id: rule} of those whose only earlier submission is held, i.e. never sent)."""
    rows = Submission.objects.filter(
        case__worldwide_case_id=case.worldwide_case_id, case__version__lt=case.version
    ).exclude(status__in=(S.FAILED, S.SUPERSEDED))
    sent, held = {}, {}
    for s in rows.select_related("rule"):
        (held if s.status == S.HELD else sent)[s.recipient_id] = s.rule
    return sent, {rid: rule for rid, rule in held.items() if rid not in sent}


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
    earlier, held_earlier = _earlier_recipients(case)
    # A recipient an earlier version was held for still gets the case (its clock started at
    # day 0), as an initial report since nothing reached it; the held one is superseded below.
    for recipient_id, rule in (*earlier.items(), *held_earlier.items()):
        chosen.setdefault(recipient_id, rule)
    case_kind = submission_kind(case)
    created = []
    partners = Partner.objects.in_bulk(list(chosen))
    for recipient_id, rule in chosen.items():
        recipient = partners[recipient_id]
        # A recipient that never received this case gets it as an initial report, on the
        # clock that started at day 0; there is nothing to nullify for it.
        first_time = recipient_id not in earlier
        if first_time and case_kind == Submission.Kind.NULLIFICATION:
            continue
        kind = Submission.Kind.INITIAL if first_time else case_kind
        start = clocks.clock_start(
            version=1 if first_time else case.version,
            day_zero=case.day_zero,
            latest_info=case.latest_info_at.date(),
        )
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
    if case.version > 1:  # what was held for earlier versions was never sent: this one goes
        submission_supersede_held(case=case, actor=actor)
    from submissions.tasks import submission_prepare_task  # noqa: PLC0415

    # The outbox mark: this version is routed (its submissions carry on from `queued`).
    Case.objects.filter(id=case.id).update(routed_at=timezone.now())
    for submission in created:
        sid = str(submission.id)
        task_enqueue_on_commit(submission_prepare_task, sid)
    return created
