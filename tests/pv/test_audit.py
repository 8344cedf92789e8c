import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from pv.audit import (
    GENESIS_HASH,
    SCHEME_KEYED,
    SCHEME_PLAIN,
    _event_hash,
    _hash_fields,
    audit_batch,
    audit_record,
    audit_verify,
)
from pv.audit_anchor import anchor_path, audit_anchor_write, audit_verify_anchored
from pv.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def _three_events():
    for i in range(3):
        audit_record(
            actor="t", action="test.event", object_type="x", object_id=str(i), after={"i": i}
        )


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _problems() -> list[str]:
    breaks, _ = audit_verify_anchored()
    return [b.problem for b in breaks]


def _rehash_plainly_from(seq: int) -> None:
    """What a database writer without the key can do: edit, then recompute every later hash
    with the only hash function they can compute (plain SHA-256) and move the head."""
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else GENESIS_HASH
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        new = _event_hash(seq=event.seq, prev_hash=prev, fields=_hash_fields(event),
                          scheme=SCHEME_PLAIN, key=None)  # fmt: skip
        _sql("UPDATE pv_auditevent SET prev_hash=%s, hash=%s WHERE seq=%s", (prev, new, event.seq))
        prev = new
    _sql("UPDATE pv_auditchainhead SET hash=%s WHERE id=1", (prev,))


def test_an_untouched_chain_verifies_and_verify_anchors_the_head(capsys):
    _three_events()
    assert list(audit_verify()) == []
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "audit chain OK: 3 events" in out
    anchor = json.loads(anchor_path().read_text().splitlines()[-1])
    assert anchor["seq"] == 3
    assert anchor["hash"] == AuditEvent.objects.get(seq=3).hash


def test_chain_links_each_event_to_the_previous_one_with_keyed_hashes():
    _three_events()
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert {e.scheme for e in events} == {SCHEME_KEYED}
    # Not the plain SHA-256 anyone could compute.
    plain = _event_hash(seq=1, prev_hash=GENESIS_HASH, fields=_hash_fields(events[0]),
                        scheme=SCHEME_PLAIN, key=None)  # fmt: skip
    assert events[0].hash != plain


def test_edited_row_without_recompute_is_detected_and_verify_exits_non_zero():
    _three_events()
    _sql("UPDATE pv_auditevent SET reason = 'edited' WHERE seq = 2")
    breaks = list(audit_verify())
    assert [b.seq for b in breaks] == [2]
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1


def test_edited_row_with_later_hashes_recomputed_is_detected():
    # given a verified, anchored chain
    _three_events()
    call_command("audit", "verify")
    # when a writer edits row 2 and recomputes the hashes of rows 2 and 3 and the head
    _sql("UPDATE pv_auditevent SET reason = 'edited' WHERE seq = 2")
    _rehash_plainly_from(2)
    # then the keyed hashes no longer match, nor does the anchor
    breaks = list(audit_verify())
    assert [b.seq for b in breaks] == [2, 3]
    assert any("no longer matches its anchor" in p for p in _problems())


def test_relabelling_rewritten_rows_as_plain_is_detected():
    _three_events()
    _sql("UPDATE pv_auditevent SET reason = 'edited' WHERE seq = 3")
    _sql("UPDATE pv_auditevent SET scheme = %s WHERE seq = 3", (SCHEME_PLAIN,))
    _rehash_plainly_from(3)
    problems = [b.problem for b in audit_verify()]
    assert problems == ["unkeyed event after keyed ones (forged row)"]


def test_deleted_row_in_the_middle_is_detected():
    _three_events()
    _sql("DELETE FROM pv_auditevent WHERE seq = 2")
    problems = [b.problem for b in audit_verify()]
    assert any("missing" in p for p in problems)


def test_deleted_last_row_is_detected_by_the_head():
    _three_events()
    _sql("DELETE FROM pv_auditevent WHERE seq = 3")
    assert AuditChainHead.objects.get().seq == 3
    assert any("chain head" in b.problem for b in audit_verify())


def test_deleted_last_row_with_the_head_moved_back_is_detected_by_the_anchor(capsys):
    # given an anchored chain of three
    _three_events()
    assert audit_anchor_write().seq == 3
    # when a writer deletes event 3 and moves the head back to event 2
    second = AuditEvent.objects.get(seq=2)
    _sql("DELETE FROM pv_auditevent WHERE seq = 3")
    _sql("UPDATE pv_auditchainhead SET seq = 2, hash = %s WHERE id = 1", (second.hash,))
    # then the chain alone looks whole, but the anchor says event 3 existed
    assert list(audit_verify()) == []
    assert any("event 3" in p and "gone" in p for p in _problems())
    with pytest.raises(SystemExit):
        call_command("audit", "verify")
    assert "gone" in capsys.readouterr().err


def test_reordered_rows_are_detected():
    _three_events()
    # swap the content of events 1 and 2 (seq stays in place)
    first, second = AuditEvent.objects.get(seq=1), AuditEvent.objects.get(seq=2)
    for src, dst in ((first, 2), (second, 1)):
        _sql("UPDATE pv_auditevent SET object_id=%s, after=%s, hash=%s, prev_hash=%s WHERE seq=%s",
             (src.object_id, json.dumps(src.after), src.hash, src.prev_hash, dst))  # fmt: skip
    assert {b.seq for b in audit_verify()} >= {1, 2}


def test_a_wrong_key_fails_every_keyed_row_and_every_anchor(settings):
    _three_events()
    audit_anchor_write()
    settings.PV_AUDIT_KEY = "another-key-another-key-another-key-0000"
    assert [b.seq for b in audit_verify()] == [1, 2, 3]
    assert any("another audit key" in p for p in _problems())


def test_a_forged_anchor_line_is_detected():
    _three_events()
    audit_anchor_write()
    line = json.loads(anchor_path().read_text())
    line["hash"] = hashlib.sha256(b"forged").hexdigest()
    anchor_path().write_text(json.dumps(line) + "\n")
    assert any("does not verify" in p for p in _problems())


def test_plain_rows_from_before_the_key_verify_and_are_sealed_by_the_first_keyed_row():
    # given two rows written with the old plain scheme (as the migration marks them)
    _three_events()
    _sql("DELETE FROM pv_auditevent")
    _sql("UPDATE pv_auditchainhead SET seq = 0, hash = %s", (GENESIS_HASH,))
    prev = GENESIS_HASH
    for seq in (1, 2):
        _sql("INSERT INTO pv_auditevent (id, created_at, updated_at, seq, actor_label, action, "
             "object_type, object_id, reason, prev_hash, hash, scheme) VALUES "
             "(%s, %s, %s, %s, 't', 'old.event', 'x', %s, '', %s, 'pending', %s)",
             (f"{seq:032x}", "2026-01-01T00:00:00+00:00",
              "2026-01-01T00:00:00+00:00", seq, str(seq), prev, SCHEME_PLAIN))  # fmt: skip
        event = AuditEvent.objects.get(seq=seq)
        prev = _event_hash(seq=seq, prev_hash=event.prev_hash, fields=_hash_fields(event),
                           scheme=SCHEME_PLAIN, key=None)  # fmt: skip
        _sql("UPDATE pv_auditevent SET hash = %s WHERE seq = %s", (prev, seq))
    _sql("UPDATE pv_auditchainhead SET seq = 2, hash = %s", (prev,))
    # when new events are appended
    audit_record(actor="t", action="new.event", object_type="x", object_id="3")
    # then the mixed chain verifies
    breaks, state = audit_verify_anchored()
    assert breaks == [] and state.plain == 2
    # and a rewrite of a plain row, even recomputed, breaks the keyed row after it
    _sql("UPDATE pv_auditevent SET object_id = 'edited' WHERE seq = 1")
    _rehash_plainly_from(1)
    _sql("UPDATE pv_auditevent SET hash = %s WHERE seq = 3",
         (AuditEvent.objects.get(seq=3).hash,))  # fmt: skip
    assert [b.seq for b in audit_verify()] == [3]


def test_a_batch_appends_its_events_together_when_it_ends():
    audit_record(actor="t", action="before", object_type="x", object_id="0")
    with audit_batch():
        first = audit_record(actor="t", action="in.batch", object_type="x", object_id="1")
        with audit_batch():  # nested blocks join the outer one
            audit_record(actor="t", action="in.batch", object_type="x", object_id="2")
        assert first.pk is not None and AuditEvent.objects.count() == 1
    assert first.seq == 2
    appended = list(AuditEvent.objects.values_list("seq", "object_id"))
    assert appended == [(1, "0"), (2, "1"), (3, "2")]
    assert list(audit_verify()) == []


def _record_then_fail(block) -> None:
    with block():
        audit_record(actor="t", action="lost", object_type="x", object_id="1")
        raise LookupError("the transaction fails after its event")


def test_a_failed_batch_leaves_no_events_and_no_gap():
    with pytest.raises(LookupError, match="fails after"):
        _record_then_fail(audit_batch)
    audit_record(actor="t", action="kept", object_type="x", object_id="2")
    assert list(AuditEvent.objects.values_list("seq", "action")) == [(1, "kept")]
    assert list(audit_verify()) == []


def test_anchor_command_skips_an_unchanged_head(capsys):
    _three_events()
    call_command("audit", "anchor")
    call_command("audit", "anchor")
    out = capsys.readouterr().out
    assert "anchored audit head seq 3" in out and "unchanged" in out
    assert len(anchor_path().read_text().splitlines()) == 1


def test_anchor_task_signs_the_head():
    from pv.tasks import audit_anchor_task

    _three_events()
    assert audit_anchor_task.delay().get() == 3


def test_audit_rows_refuse_orm_edits_and_deletes():
    _three_events()
    event = AuditEvent.objects.first()
    event.reason = "x"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_outer_rollback_discards_appended_events():
    with pytest.raises(LookupError, match="fails after"):
        _record_then_fail(transaction.atomic)
    assert AuditEvent.objects.count() == 0
    assert AuditChainHead.objects.filter(seq__gt=0).count() == 0


def test_anchoring_is_scheduled_on_beat(settings):
    from pv.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["audit-anchor"]
    assert entry["task"] == "pv.tasks.audit_anchor_task"
    assert entry["task"] in app.tasks


def test_missing_key_or_unwritable_anchor_file_is_a_clear_command_error(settings, tmp_path):
    _three_events()
    settings.PV_AUDIT_ANCHOR_PATH = str(tmp_path)  # a directory, not a file
    with pytest.raises(CommandError, match="audit anchor file"):
        call_command("audit", "anchor")
    settings.PV_AUDIT_KEY = ""
    with pytest.raises(CommandError, match="PV_AUDIT_KEY"):
        call_command("audit", "verify")
