"""Pieces the follow-up API modules share."""

from __future__ import annotations

from django.conf import settings
from rest_framework.permissions import BasePermission

from pv.core.api import DefaultPagination
from pv.models import User
from pv.privacy.pseudonyms import partner_pseudonym


class IsMember(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role == User.Role.MEMBER)


def paginate(view, request, queryset, serializer_cls, context=None):
    paginator = DefaultPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_cls(page, many=True, context=context or {}).data
    return paginator.get_paginated_response(data)


def member_label(*, user: User, member) -> str | None:
    """Each partner its own stable pseudonym for the member; reviewers the internal id."""
    if member is None:
        return None
    if user.is_partner:
        return partner_pseudonym(
            key=settings.SECRET_KEY, partner_id=str(user.partner_id), member_id=str(member.id)
        )
    return member.public_id
