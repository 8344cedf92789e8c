"""Shared pieces of the signals API: who may see signals, how measures serialise."""

from __future__ import annotations

import math

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import BasePermission

from pv.models import User
from signals.selectors import (
    STAFF,
)


class CanSeeSignals(BasePermission):
    """Safety reviewers and admins (everything) and sponsors (their own products). Regulators
    get signals through pv's signal communication, not this API; members never."""

    roles = (User.Role.REVIEWER, User.Role.ADMIN, User.Role.SPONSOR)

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "role", None) in self.roles)


@extend_schema_field(
    {"oneOf": [{"type": "number"}, {"type": "string", "enum": ["Inf", "-Inf"]}], "nullable": True}
)
class MeasureField(serializers.Field):
    """A float that may be infinite or NaN: JSON numbers, "Inf"/"-Inf", NaN as null."""

    def to_representation(self, value):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if math.isinf(value):
            return "Inf" if value > 0 else "-Inf"
        return value


def _is_staff(request) -> bool:
    return request.user.role in STAFF
