"""Writes for abuse detection: raise a read-volume flag, dismiss it, suspend or reinstate."""

from __future__ import annotations

import structlog
from django.db import transaction
from django.utils import timezone

from ops.models import ReadVolumeFlag
from pv.audit import audit_record
from pv.core.exceptions import Conflict, DomainError
from pv.models import User

logger = structlog.get_logger(__name__)


def read_flag_raise(
    *,
    account: User,
    window_seconds: int,
    limit: int,
    total: int,
    counts: dict,
    sample: list,
    path: str = "",
) -> ReadVolumeFlag:
    """Record that `account` hit a read limit, with the counters' evidence, for staff to review."""
    flag = ReadVolumeFlag.objects.create(
        account=account,
        window_seconds=window_seconds,
        limit=limit,
        total=total,
        counts=counts,
        sample=sample,
        path=path[:300],
    )
    logger.warning(
        "read limit exceeded",
        account=str(account.pk),
        role=account.role,
        window_seconds=window_seconds,
        limit=limit,
        total=total,
        flag=str(flag.pk),
    )
    return flag


@transaction.atomic
def read_flag_dismiss(*, actor: User, flag: ReadVolumeFlag, reason: str) -> ReadVolumeFlag:
    claimed = ReadVolumeFlag.objects.filter(pk=flag.pk, status=ReadVolumeFlag.Status.OPEN).update(
        status=ReadVolumeFlag.Status.DISMISSED,
        resolved_by=actor,
        resolved_at=timezone.now(),
        resolution_reason=reason,
        updated_at=timezone.now(),
    )
    if claimed != 1:
        raise Conflict("This flag is not open.", code="flag_not_open")
    audit_record(
        actor=actor,
        action="read_flag.dismissed",
        obj=flag,
        after={"account": str(flag.account_id)},
        reason=reason,
    )
    flag.refresh_from_db()
    return flag


@transaction.atomic
def account_suspend(*, actor: User, account: User, reason: str) -> User:
    """Stop an account: inactive users fail token and session authentication alike.

    Open read-volume flags of the account are closed as `suspended`. Audited.
    """
    if not reason.strip():
        raise DomainError("A reason is required.", code="reason_required")
    if account.pk == getattr(actor, "pk", None):
        raise DomainError("You cannot suspend your own account.", code="suspend_self")
    if not User.objects.filter(pk=account.pk, is_active=True).update(is_active=False):
        raise Conflict("This account is already suspended.", code="already_suspended")
    now = timezone.now()
    flags = list(
        ReadVolumeFlag.objects.filter(
            account=account, status=ReadVolumeFlag.Status.OPEN
        ).values_list("pk", flat=True)
    )
    ReadVolumeFlag.objects.filter(pk__in=flags).update(
        status=ReadVolumeFlag.Status.SUSPENDED,
        resolved_by=actor,
        resolved_at=now,
        resolution_reason=reason,
        updated_at=now,
    )
    audit_record(
        actor=actor,
        action="account.suspended",
        obj=account,
        before={"is_active": True},
        after={"is_active": False, "flags": [str(f) for f in flags]},
        reason=reason,
    )
    account.refresh_from_db()
    return account


@transaction.atomic
def account_reinstate(*, actor: User, account: User, reason: str) -> User:
    if not reason.strip():
        raise DomainError("A reason is required.", code="reason_required")
    if not User.objects.filter(pk=account.pk, is_active=False).update(is_active=True):
        raise Conflict("This account is not suspended.", code="not_suspended")
    audit_record(
        actor=actor,
        action="account.reinstated",
        obj=account,
        before={"is_active": False},
        after={"is_active": True},
        reason=reason,
    )
    account.refresh_from_db()
    return account
