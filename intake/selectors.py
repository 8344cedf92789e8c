"""Intake reads, scoped: staff see everything, a member only what they wrote."""

from __future__ import annotations

from django.db.models import QuerySet

from intake.models import AEReport, Post
from pv.core.exceptions import NotFound
from pv.models import User


def _scope(qs: QuerySet, user: User) -> QuerySet:
    if user.role in (User.Role.REVIEWER, User.Role.ADMIN):
        return qs
    if user.role == User.Role.MEMBER:
        return qs.filter(member__user=user)
    return qs.none()


def post_list_visible_to(*, user: User) -> QuerySet[Post]:
    return _scope(Post.objects.select_related("member"), user)


def report_list_visible_to(*, user: User) -> QuerySet[AEReport]:
    return _scope(AEReport.objects.select_related("member"), user)


def post_get_visible(*, user: User, post_id) -> Post:
    post = post_list_visible_to(user=user).filter(id=post_id).first()
    if post is None:
        raise NotFound("Post not found.")
    return post


def report_get_visible(*, user: User, report_id) -> AEReport:
    report = report_list_visible_to(user=user).filter(id=report_id).first()
    if report is None:
        raise NotFound("Report not found.")
    return report
