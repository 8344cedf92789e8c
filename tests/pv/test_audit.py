import pytest
from django.core.management import call_command
from django.db import connection

from pv.audit import audit_record, audit_verify
from pv.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def _three_events():
    for i in range(3):
        audit_record(
            actor="t", action="test.event", object_type="x", object_id=str(i), after={"i": i}
        )


def test_an_untouched_chain_verifies(capsys):
    _three_events()
    assert list(audit_verify()) == []
    call_command("audit", "verify")
    assert "audit chain OK: 3 events" in capsys.readouterr().out


def test_chain_links_each_event_to_the_previous_one():
    _three_events()
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash


def test_edited_row_is_detected_and_verify_exits_non_zero():
    _three_events()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE pv_auditevent SET reason = 'edited' WHERE seq = 2")
    breaks = list(audit_verify())
    assert [b.seq for b in breaks] == [2]
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1


def test_deleted_row_in_the_middle_is_detected():
    _three_events()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM pv_auditevent WHERE seq = 2")
    problems = [b.problem for b in audit_verify()]
    assert any("missing" in p for p in problems)


def test_deleted_last_row_is_detected_by_the_head():
    _three_events()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM pv_auditevent WHERE seq = 3")
    assert AuditChainHead.objects.get().seq == 3
    assert any("chain head" in b.problem for b in audit_verify())


def test_audit_rows_refuse_orm_edits_and_deletes():
    _three_events()
    event = AuditEvent.objects.first()
    event.reason = "x"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
