"""The GVP IX signal workflow: new -> under evaluation -> validated -> confirmed | refuted ->
closed (a signal that fails validation may be closed from under evaluation). Every step
records its reviewer and rationale and writes an audit event in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pv.audit import audit_record
from pv.core.exceptions import Conflict, DomainError, NotFound
from pv.models import User
from pv.services.privacy import intake_scrubber
from signals.models import Signal, SignalTransition
from signals.services.reopening import DECIDED, decision_figures_for


@transaction.atomic
def signal_transition(*, signal_id, reviewer: User, to_status: str, rationale: str) -> Signal:
    if reviewer.role not in (User.Role.REVIEWER, User.Role.ADMIN):
        raise DomainError("Only safety reviewers move signals.", code="forbidden")
    rationale = (rationale or "").strip()
    if not rationale:
        raise DomainError("Give the rationale for this step.", code="rationale_required")
    # Minimised like everything stored (contact patterns: a signal has no one member).
    rationale = intake_scrubber(member=None, actor=reviewer)(rationale)
    if to_status not in Signal.Status.values:
        raise DomainError(f"Unknown status {to_status!r}.", code="invalid")
    signal = Signal.objects.filter(id=signal_id).first()
    if signal is None:
        raise NotFound("Signal not found.")
    allowed = Signal.TRANSITIONS[signal.status]
    if to_status not in allowed:
        raise Conflict(
            f"A {signal.get_status_display().lower()} signal cannot move to {to_status}.",
            code="invalid_transition",
            extra={"status": signal.status, "allowed": list(allowed)},
        )
    # Conditional update: of two reviewers moving the same signal, only the first wins.
    now = timezone.now()
    extra = {}
    if to_status in DECIDED:
        # The figures the decision was made on: a later run with more reports reopens it.
        extra["decision_figures"] = decision_figures_for(signal=signal)
    moved = Signal.objects.filter(id=signal.id, status=signal.status).update(
        status=to_status, status_changed_at=now, updated_at=now, **extra
    )
    if moved != 1:
        raise Conflict("The signal changed meanwhile; reload it.", code="stale_status")
    before = signal.status
    SignalTransition.objects.create(
        signal=signal,
        from_status=before,
        to_status=to_status,
        reviewer=reviewer,
        rationale=rationale,
    )
    audit_record(
        actor=reviewer,
        action=f"signal.{to_status}",
        obj=signal,
        before={"status": before},
        after={"status": to_status},
        reason=rationale,
    )
    signal.refresh_from_db()
    return signal
