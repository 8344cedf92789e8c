"""Reopening: a refuted or closed signal whose pair has new data is re-raised for review.

When a reviewer refutes or closes a signal, `signal_transition` keeps the pair's figures at that
moment (`Signal.decision_figures`: N, whether it met the run's criterion in the latest quarter,
the run). A later run over the whole source that finds **more reports** for the pair (N above
the N at the decision) or finds it **meeting the criterion again** after it had stopped re-raises
the record: its status goes back to `new` so it is in the reviewers' queue again, with the prior
decision kept in view (`reopen_reason`: prior status, N then and now, the run and quarter; the
transitions keep every earlier step and rationale), a `SignalTransition` made by pv itself
(no reviewer) and an audit event `signal.reopened`. This is what Empirica Signal and VigiLyze
users expect of a closed topic whose evidence grows: not silently closed, not a second record.

A record closed before pv kept decision figures has no baseline: the first run after it only
records one (the pair's current figures), so it reopens on data that arrive after that.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from pv.audit import audit_record
from signals.models import Signal, SignalResult, SignalRun, SignalTransition

DECIDED = (Signal.Status.REFUTED, Signal.Status.CLOSED)


def decision_figures_for(*, signal: Signal) -> dict:
    """The pair's figures in the latest succeeded run of its source and levels (what staff
    see): kept on the record when a reviewer refutes or closes it."""
    row = (
        SignalResult.objects.filter(
            run__source=signal.source,
            run__drug_level=signal.drug_level,
            run__event_level=signal.event_level,
            run__status=SignalRun.Status.SUCCEEDED,
            run__subgroup={},
            is_latest=True,
            drug_key=signal.drug_key,
            event=signal.event,
        )
        .select_related("run")
        .order_by("-run__finished_at", "-run__created_at")
        .first()
    )
    if row is None:
        return {}
    return _figures(row, row.run)


def _figures(row: SignalResult, run: SignalRun) -> dict:
    return {
        "n": row.n,
        "signalling": bool(getattr(row, f"signal_{run.signal_measure}")),
        "measure": run.signal_measure,
        "run": str(run.id),
        "period": row.period,
    }


def signals_reopen_on_new_data(*, run: SignalRun) -> int:
    """Re-raise the refuted or closed records of `run`'s source and levels whose pair has more
    reports, or meets the run's criterion again; returns how many were reopened."""
    if run.subgroup:
        return 0
    decided = list(
        Signal.objects.filter(
            source=run.source,
            drug_level=run.drug_level,
            event_level=run.event_level,
            status__in=DECIDED,
        ).order_by()
    )
    if not decided:
        return 0
    q = Q()
    for s in decided:
        q |= Q(drug_key=s.drug_key, event=s.event)
    rows = {
        (r.drug_key, r.event): r
        for r in SignalResult.objects.filter(q, run=run, is_latest=True).order_by()
    }
    reopened = 0
    for signal in decided:
        row = rows.get((signal.drug_key, signal.event))
        if row is None:
            continue
        then = signal.decision_figures or {}
        now = _figures(row, run)
        if not then:  # closed before pv kept figures: record a baseline only
            Signal.objects.filter(id=signal.id, decision_figures={}).update(decision_figures=now)
            continue
        more = then.get("n") is not None and row.n > int(then["n"])
        again = now["signalling"] and not then.get("signalling", False)
        if not (more or again):
            continue
        reopened += _reopen(signal=signal, run=run, then=then, now=now, more=more, again=again)
    return reopened


def _reopen(*, signal: Signal, run: SignalRun, then: dict, now: dict, more: bool, again: bool):
    why = []
    if more:
        why.append(f"N {then['n']} → {now['n']}")
    if again:
        why.append(f"meets the {run.signal_measure.upper()} criterion again")
    reason = {
        "prior_status": signal.status,
        "prior_status_label": signal.get_status_display(),
        "decided_at": signal.status_changed_at.isoformat() if signal.status_changed_at else None,
        "n_then": then.get("n"),
        "n_now": now["n"],
        "signalling_then": then.get("signalling"),
        "signalling_now": now["signalling"],
        "why": "; ".join(why),
        "run": str(run.id),
        "period": now["period"],
    }
    at = timezone.now()
    moved = Signal.objects.filter(id=signal.id, status=signal.status).update(
        status=Signal.Status.NEW,
        status_changed_at=at,
        reopened_at=at,
        reopen_count=signal.reopen_count + 1,
        reopen_reason=reason,
        updated_at=at,
    )
    if moved != 1:  # a reviewer moved it meanwhile: their decision stands
        return 0
    rationale = (
        f"Re-raised on new data since it was {signal.get_status_display().lower()}: "
        f"{reason['why']} (run {run.id}, data up to {now['period']})."
    )
    SignalTransition.objects.create(
        signal=signal,
        from_status=signal.status,
        to_status=Signal.Status.NEW,
        reviewer=None,
        rationale=rationale,
    )
    audit_record(
        actor=run.requested_by or "system",
        action="signal.reopened",
        obj=signal,
        before={"status": signal.status, "decision_figures": then},
        after={"status": Signal.Status.NEW, "figures": now},
        reason=rationale,
    )
    return 1
