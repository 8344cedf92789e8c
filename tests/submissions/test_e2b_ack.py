"""ACKs: FDA's positive and negative samples parse; ours are schema-valid and round-trip."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree

from submissions.e2b import Ack, E2BParseError, MessageAck, build_ack, parse_ack
from submissions.e2b.safexml import read_file
from submissions.e2b.validate import schema

from .e2b_cases import fda_acks


def test_fda_positive_ack_parses():
    ack = parse_ack(read_file(str(fda_acks()["R3ack-positive"])))
    assert ack.code == "AA"
    assert ack.accepted
    assert ack.batch_number == "FAERS2022Scenario1-4069-a2dd-08002b30309d"
    assert [m.code for m in ack.messages] == ["CA"]
    assert ack.messages[0].accepted


def test_fda_negative_ack_parses_with_error_text():
    ack = parse_ack(read_file(str(fda_acks()["R3ack-negative"])))
    assert ack.code == "AE"
    assert not ack.accepted
    assert ack.batch_number == "FAERS2022Scenario2-4069-a2dd-08002b30309d"
    message = ack.messages[0]
    assert message.code == "CR"
    assert not message.accepted
    assert message.message_id == "US-APHARMA-7644554"
    assert any("FDA.C.1.7.1" in error for error in message.errors)
    assert ack.text == "some ICSR message(s) need further action"


def test_built_ack_is_schema_valid_and_round_trips():
    ack = Ack(
        batch_number="PV-BATCH-1", code="AE", ack_id="ACK-7", sender_id="PARTNER",
        receiver_id="PVPLATFORM", created_at=datetime(2025, 1, 11, 9, 0, 0, tzinfo=UTC),
        batch_transmitted=datetime(2025, 1, 10, 12, 0, 1, tzinfo=UTC),
        text="some ICSR message(s) need further action",
        messages=[
            MessageAck("GB-PVPLATFORM-000001", "CA", local_report_number="L-1"),
            MessageAck("GB-PVPLATFORM-000002", "CR", "C.1.1 missing;H.1 missing",
                       local_report_number="L-2",
                       message_created=datetime(2025, 1, 10, 12, 0, 0, tzinfo=UTC)),
        ],
    )
    xml = build_ack(ack)
    assert schema("ack").validate(etree.fromstring(xml))
    parsed = parse_ack(xml)
    assert parsed.local_message_number == "ACK-7"
    parsed.local_message_number = ""
    assert parsed == ack
    assert parsed.messages[1].errors == ["C.1.1 missing", "H.1 missing"]


def test_fda_acks_round_trip_through_our_builder():
    for path in fda_acks().values():
        ack = parse_ack(read_file(str(path)))
        assert parse_ack(build_ack(ack)) == ack


def test_unknown_codes_and_non_acks_are_refused():
    xml = build_ack(Ack(batch_number="B", code="AA")).replace(b'typeCode="AA"', b'typeCode="ZZ"')
    with pytest.raises(E2BParseError):
        parse_ack(xml)
    with pytest.raises(E2BParseError, match="expected an acknowledgement"):
        parse_ack(b'<MCCI_IN200100UV01 xmlns="urn:hl7-org:v3"/>')
