"""Role permissions for the API. Object scoping (404 for what is not yours) is in selectors."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from pv.models import User


class _HasRole(BasePermission):
    roles: tuple[str, ...] = ()

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "role", None) in self.roles)


class IsReviewer(_HasRole):
    """Platform staff: safety reviewers and admins."""

    roles = (User.Role.REVIEWER, User.Role.ADMIN)


class IsAdmin(_HasRole):
    """The community platform's integration account and platform admins."""

    roles = (User.Role.ADMIN,)


class IsIntakeWriter(_HasRole):
    roles = (User.Role.ADMIN, User.Role.MEMBER)


class IsIntakeReader(_HasRole):
    roles = (User.Role.REVIEWER, User.Role.ADMIN, User.Role.MEMBER)


class IsPartner(_HasRole):
    roles = (User.Role.REGULATOR, User.Role.SPONSOR)


class IsStaffOrPartner(_HasRole):
    roles = (User.Role.REVIEWER, User.Role.ADMIN, User.Role.REGULATOR, User.Role.SPONSOR)
