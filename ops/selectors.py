"""Reads for operations: read-volume flags for staff."""

from __future__ import annotations

from django.db.models import QuerySet

from ops.models import ReadVolumeFlag
from pv.core.exceptions import NotFound
from pv.models import User


def read_flag_list(*, status: str | None = None) -> QuerySet[ReadVolumeFlag]:
    qs = ReadVolumeFlag.objects.select_related("account", "resolved_by").order_by("-created_at")
    return qs.filter(status=status) if status else qs


def read_flag_get(*, flag_id) -> ReadVolumeFlag:
    flag = read_flag_list().filter(pk=flag_id).first()
    if flag is None:
        raise NotFound("Flag not found.")
    return flag


def account_get(*, user_id) -> User:
    account = User.objects.filter(pk=user_id).first()
    if account is None:
        raise NotFound("Account not found.")
    return account
