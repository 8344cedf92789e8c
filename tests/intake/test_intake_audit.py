"""Intake's audit and query pattern: a batch costs the same queries and two audit events whatever
its size and however many members wrote it, and every post's creation stays attributable."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake.models import Post
from intake.services import post_batch_create
from pv.audit import audit_verify
from pv.models import AuditEvent
from pv.services.members import member_register

pytestmark = pytest.mark.django_db


def _members(n: int):
    return [
        member_register(actor="test", source_id=f"m-{i}", name=f"Quentin Ostrowski{i}",
                        email=f"q.ostrowski{i}@example.org")
        for i in range(n)
    ]  # fmt: skip


def _items(n: int, members: int, start: int = 0) -> list[dict]:
    return [
        {"source_id": f"p-{i}", "member_source_id": f"m-{i % members}",
         "text": f"post {i}: I am Quentin Ostrowski{i % members}, zoloft made me dizzy",
         "posted_at": "2026-10-01T10:00:00+00:00"}
        for i in range(start, start + n)
    ]  # fmt: skip


def test_a_batch_costs_the_same_queries_for_two_posts_or_sixty(admin_user):
    # given 30 members, and the all-members scrubber built once for the process (its build is
    # one read of every identity, not per batch)
    _members(30)
    from pv.services.privacy import known_members  # noqa: PLC0415

    known_members(actor=admin_user)
    # when batches of 2 and of 60 posts arrive, written by 2 and by 30 members
    with CaptureQueriesContext(connection) as small:
        post_batch_create(actor=admin_user, items=_items(2, 2, 0))
    with CaptureQueriesContext(connection) as large:
        result = post_batch_create(actor=admin_user, items=_items(60, 30, 2))
    # then the query count does not grow with posts or members (no query per member or post)
    assert len(large) == len(small) <= 12
    # and all are stored, each member's own name redacted
    assert len(result.created) == 60 and Post.objects.count() == 62
    assert not Post.objects.filter(text__contains="Ostrowski").exists()


def test_a_batch_writes_one_vault_read_and_one_creation_event(admin_user):
    # given three members (and the all-members scrubber already built, as in a running process)
    members = _members(3)
    from pv.services.privacy import known_members  # noqa: PLC0415

    known_members(actor=admin_user)
    before = AuditEvent.objects.count()
    # when one batch of 9 posts arrives
    result = post_batch_create(actor=admin_user, items=_items(9, 3))
    # then two events: the vault read naming all three members with its purpose ...
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [e.action for e in events] == ["vault.identity_read", "intake.posts_created"]
    read, created = events
    assert read.after == {
        "purpose": "scrubbing",
        "member_ids": sorted(str(m.pk) for m in members),
    }
    # ... and the creation event naming every post by source id and id, with its actor
    assert created.actor == admin_user
    assert created.after["source_ids"] == [c["source_id"] for c in result.created]
    assert created.after["ids"] == [c["id"] for c in result.created]
    # and the chain still verifies, appended in order
    assert read.seq + 1 == created.seq
    assert list(audit_verify()) == []


def test_a_resent_batch_writes_no_creation_event(admin_user):
    _members(2)
    post_batch_create(actor=admin_user, items=_items(4, 2))
    before = AuditEvent.objects.filter(action="intake.posts_created").count()
    again = post_batch_create(actor=admin_user, items=_items(4, 2))
    assert len(again.existing) == 4 and not again.created
    assert AuditEvent.objects.filter(action="intake.posts_created").count() == before
