"""Building ICSRs: schema- and rule-valid output, privacy, terminologies, versions."""

from __future__ import annotations

from datetime import date

from lxml import etree

from submissions.e2b import (
    build_batch,
    build_batch_tree,
    build_icsr,
    errors,
    parse_icsr,
    validate,
)
from submissions.e2b.constants import MEDDRA_OID, XP_NS
from submissions.e2b.snapshot import Code, Reaction
from submissions.e2b.versions import amendment, follow_up, nullification

from .e2b_cases import CANARY_NEEDLES, header, make_case


def _xpath(xml: bytes, path: str) -> list:
    return etree.fromstring(xml).xpath(path, namespaces=XP_NS)


def test_built_message_passes_xsd_and_ich_and_fda_layers():
    # given a realistic case bound for FDA post-market
    xml = build_icsr(make_case(), header())
    # then the XSD and both business-rule layers accept it
    for profile in ("ich", "fda"):
        assert errors(validate(xml, profile)) == [], profile
    assert xml.startswith(b"<?xml")


def test_batch_of_several_messages_validates_and_keeps_order():
    cases = [make_case(safety_report_id=f"GB-PVPLATFORM-{n:06d}") for n in range(3)]
    xml = build_batch(header(), cases)
    assert errors(validate(xml, "fda")) == []
    ids = _xpath(xml, "h:PORR_IN049016UV/h:controlActProcess/h:subject/h:investigationEvent"
                      "/h:id[@root='2.16.840.1.113883.3.989.2.1.3.1']/@extension")
    assert ids == [c.safety_report_id for c in cases]


def test_canaries_never_appear_in_any_kind_of_message():
    # given canary name/e-mail/phone in every free-text field of every kind of message
    initial = make_case()
    versions = [
        initial,
        follow_up(initial, most_recent=date(2025, 1, 12),
                  narrative="Zebulon Quaxley called back on +44 7700 900123."),
        amendment(initial, reason="Corrected term, per zeb.quaxley@canary-mail.example"),
        nullification(initial, reason="Duplicate of a case reported by Zebulon QUAXLEY"),
    ]
    for case in versions:
        for profile_header in (header(), header("EVHUMAN", "EVHUMAN")):
            # when the XML is built
            xml = build_icsr(case, profile_header).lower()
            # then no canary survives, in any spelling
            for needle in CANARY_NEEDLES:
                assert needle.lower().encode() not in xml, needle
            assert b"[redacted]" in xml


def test_restricted_values_are_never_emitted_even_without_free_text_use():
    xml = build_icsr(make_case(free_text="nothing personal"), header())
    assert b"quaxley" not in xml.lower()


def test_reporter_identity_is_always_masked():
    xml = build_icsr(make_case(), header())
    source = ("//h:outboundRelationship[h:relatedInvestigation/h:code/@code='2']"
              "/h:relatedInvestigation/h:subjectOf2/h:controlActEvent/h:author/h:assignedEntity")
    for part in ("h:addr/h:streetAddressLine", "h:addr/h:city", "h:addr/h:postalCode",
                 "h:telecom", "h:assignedPerson/h:name/h:given",
                 "h:assignedPerson/h:name/h:family"):
        nodes = _xpath(xml, f"{source}/{part}")
        assert nodes, part
        assert all(n.get("nullFlavor") == "MSK" for n in nodes), part
    qualification = _xpath(xml, f"{source}/h:assignedPerson/h:asQualifiedEntity/h:code/@code")
    assert qualification == ["5"]  # consumer / non-health professional
    assert _xpath(xml, "//h:primaryRole/h:player1/h:name/@nullFlavor") == ["MSK"]


def test_real_initials_matching_a_restricted_value_are_masked():
    case = make_case()
    case.patient.initials = "ZQ"
    case.restricted_values = (*case.restricted_values, "ZQ")
    assert _xpath(build_icsr(case, header()), "//h:player1/h:name/@nullFlavor") == ["MSK"]


def test_non_meddra_term_carries_its_code_system_and_version():
    # given a reaction coded against an open terminology (not MedDRA)
    open_term = Code("HP:0000988", "2.16.840.1.113883.6.3.2", "2024-04-26", "Skin rash")
    case = make_case(reactions=[Reaction(reported_term="rash", reported_language="eng",
                                         term=open_term)])
    xml = build_icsr(case, header())
    value = _xpath(xml, "//h:primaryRole/h:subjectOf2/h:observation[h:code/@code='29']"
                        "/h:value")[0]
    assert (value.get("code"), value.get("codeSystem"), value.get("codeSystemVersion")) == (
        "HP:0000988", "2.16.840.1.113883.6.3.2", "2024-04-26")
    # then the ICH layer refuses to send it: E.i.2.1b must be MedDRA
    failures = errors(validate(xml, "ich"))
    assert any(f.rule == "ICH-REQ" and f.element == "E.i.2.1b" for f in failures)


def test_meddra_terms_use_the_meddra_oid():
    xml = build_icsr(make_case(), header())
    systems = _xpath(xml, "//h:primaryRole/h:subjectOf2/h:observation[h:code/@code='29']"
                          "/h:value/@codeSystem")
    assert systems == [MEDDRA_OID]


def test_narrative_is_generated_when_the_reviewer_wrote_none():
    xml = build_icsr(make_case(narrative=""), header())
    narrative = _xpath(xml, "//h:investigationEvent/h:text/text()")[0]
    assert "female patient aged 34 years" in narrative
    assert "serious (hospitalisation)" in narrative
    assert errors(validate(xml, "fda")) == []


def test_follow_up_keeps_ids_and_advances_c15():
    initial = make_case()
    later = follow_up(initial, most_recent=date(2025, 2, 1))
    first, second = parse_icsr(build_icsr(initial, header())), parse_icsr(
        build_icsr(later, header()))
    assert (second.safety_report_id, second.case_id) == (first.safety_report_id, first.case_id)
    assert second.most_recent == date(2025, 2, 1)
    assert second.nullification is None


def test_nullification_and_amendment_carry_c111_and_reason():
    case = make_case()
    for version, code in ((nullification(case, reason="duplicate"), "1"),
                          (amendment(case, reason="MedDRA recoding"), "2")):
        xml = build_icsr(version, header())
        assert errors(validate(xml, "fda")) == []
        parsed = parse_icsr(xml)
        assert parsed.nullification.code == code
        assert parsed.nullification.reason in {"duplicate", "MedDRA recoding"}


def test_build_uses_lxml_trees():
    tree = build_batch_tree(header(), [make_case()])
    assert etree.QName(tree).localname == "MCCI_IN200100UV01"
    assert tree.get("ITSVersion") == "XML_1.0"
