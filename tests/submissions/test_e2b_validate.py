"""Validation: FDA's examples pass, deliberately broken messages fail with the right rule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from lxml import etree

from submissions.e2b import build_batch_tree, build_icsr, errors, validate
from submissions.e2b.constants import XP_NS
from submissions.e2b.rules import element_specs, fda_rules
from submissions.e2b.safexml import read_file
from submissions.e2b.versions import check_initial, check_successor, follow_up, nullification

from .e2b_cases import fda_examples, header, make_case

IE = "//h:investigationEvent"


def _rules(failures) -> set[tuple[str, str]]:
    return {(f.rule, f.element) for f in errors(failures)}


def _built() -> etree._Element:
    return build_batch_tree(header(), [make_case()])


def _remove(tree: etree._Element, path: str) -> etree._Element:
    nodes = tree.xpath(path, namespaces=XP_NS)
    assert nodes, path
    for node in nodes:
        node.getparent().remove(node)
    return tree


def test_all_ten_fda_examples_validate_with_the_fda_profile():
    files = fda_examples()
    assert len(files) == 10
    for path in files:
        assert errors(validate(read_file(str(path)), "fda")) == [], path.name


def test_bundled_tables_drive_the_rules():
    specs = element_specs()
    assert specs["H.1"].mandatory
    assert specs["C.1.1"].mandatory
    assert specs["D.5"].null_flavors == {"MSK", "UNK", "ASKU", "NASK"}
    assert specs["E.i.3.2a"].codes == {"true"}  # never "false", only true or NI
    assert specs["FDA.C.1.7.1"].fda_postmarket == "Required"
    assert {"R0004", "R0011", "R0019", "R0101"} <= set(fda_rules())


def test_removed_c11_fails_ich_required():
    tree = _remove(_built(), f"{IE}/h:id[@root='2.16.840.1.113883.3.989.2.1.3.1']")
    # the XSD alone accepts this (NOTES.md §2); the rule layer must not
    assert ("ICH-REQ", "C.1.1") in _rules(validate(tree, "ich"))


def test_missing_narrative_fails_ich_required():
    tree = _remove(_built(), f"{IE}/h:text")
    assert ("ICH-REQ", "H.1") in _rules(validate(tree, "ich"))
    assert ("ICH-REQ", "H.1") in _rules(validate(tree, "fda"))


def test_msk_where_not_allowed_fails_nullflavor_rule():
    tree = _built()
    # C.2.r.4 qualification allows only UNK; E.i.7 outcome allows no nullFlavor at all
    qualification = tree.xpath("//h:asQualifiedEntity/h:code", namespaces=XP_NS)[0]
    qualification.attrib.clear()
    qualification.set("nullFlavor", "MSK")
    outcome = tree.xpath("//h:observation[h:code/@code='27']/h:value", namespaces=XP_NS)[0]
    del outcome.attrib["code"]
    outcome.set("nullFlavor", "MSK")
    found = _rules(validate(tree, "ich"))
    assert ("ICH-NF", "C.2.r.4") in found
    assert ("ICH-NF", "E.i.7") in found


def test_msk_where_allowed_passes():
    tree = _built()
    sex = tree.xpath("//h:player1/h:administrativeGenderCode", namespaces=XP_NS)[0]
    sex.attrib.clear()
    sex.set("nullFlavor", "MSK")
    assert errors(validate(tree, "fda")) == []


def test_follow_up_with_changed_worldwide_case_id_fails():
    initial = make_case()
    changed = follow_up(initial, most_recent=date(2025, 2, 1), worldwide_case_id="GB-OTHER-9")
    failures = check_successor(initial, changed)
    assert ("VER-C.1.8.1", "C.1.8.1") in _rules(failures)
    assert errors(check_successor(initial, follow_up(initial, most_recent=date(2025, 2, 1)))) == []


def test_follow_up_needs_later_c15_and_nullified_case_cannot_be_revived():
    initial = make_case()
    stale = follow_up(initial, most_recent=date(2025, 1, 9))
    assert ("VER-C.1.5", "C.1.5") in _rules(check_successor(initial, stale))
    voided = nullification(initial, reason="duplicate")
    revived = follow_up(voided, most_recent=date(2025, 3, 1))
    assert ("VER-NULLIFIED", "C.1.11.1") in _rules(check_successor(voided, revived))
    assert ("VER-INITIAL", "C.1.11.1") in _rules(check_initial(voided))


def test_initial_report_with_c111_fails_fda_r0101():
    xml = build_icsr(nullification(make_case(), reason="duplicate"), header())
    assert ("R0101", "C.1.11.1") in _rules(validate(xml, "fda", initial=True))
    assert errors(validate(xml, "fda", initial=False)) == []


def test_nullification_without_reason_fails():
    tree = build_batch_tree(header(), [nullification(make_case(), reason="x")])
    _remove(tree, f"{IE}/h:subjectOf2[h:investigationCharacteristic/h:code/@code='4']")
    assert ("ICH-COND", "C.1.11.2") in _rules(validate(tree, "ich"))


def test_fda_receiver_ids_and_regional_elements():
    xml = build_icsr(make_case(), header(receiver="FDA", centre="CDER"))
    assert ("R0004", "N.1.4") in _rules(validate(xml, "fda"))
    xml = build_icsr(make_case(), header(centre="CBER"))
    assert ("R0006", "N.2.r.3") in _rules(validate(xml, "fda"))
    # without FDA regional data the fda layer asks for FDA.C.1.7.1, FDA.D.12 ... (FDA-REQ)
    xml = build_icsr(make_case(fda=None), header())
    found = _rules(validate(xml, "fda"))
    for element in ("FDA.C.1.7.1", "FDA.C.1.12", "FDA.D.11.r.1", "FDA.D.12", "FDA.E.i.3.2h"):
        assert ("FDA-REQ", element) in found
    assert errors(validate(xml, "ich")) == []


def test_fda_rejects_ni_on_c17_and_inconsistent_local_report_type():
    xml = build_icsr(make_case(expedited=None), header())
    found = _rules(validate(xml, "fda"))
    assert ("R0011", "C.1.7") in found
    xml = build_icsr(make_case(expedited=False), header())
    assert ("R0015", "FDA.C.1.7.1") in _rules(validate(xml, "fda"))


def test_dates_precision_future_and_order():
    late = datetime(2999, 1, 1, tzinfo=UTC)
    case = make_case(first_received=date(2025, 1, 9), most_recent=date(2025, 1, 1),
                     created_at=late)
    found = _rules(validate(build_icsr(case, header()), "ich"))
    assert ("ICH-ORDER", "C.1.5") in found
    assert ("ICH-FUTURE", "C.1.2") in found
    tree = _built()
    tree.xpath("//h:controlActProcess/h:effectiveTime", namespaces=XP_NS)[0].set("value",
                                                                               "20250110")
    assert ("ICH-DATE", "C.1.2") in _rules(validate(tree, "ich"))


def test_c11_format_and_length_and_code_lists():
    case = make_case(safety_report_id="not-a-valid-id-format x")
    assert ("ICH-FORMAT", "C.1.1") in _rules(validate(build_icsr(case, header()), "ich"))
    case = make_case(report_type="9")
    assert ("ICH-CODE", "C.1.3") in _rules(validate(build_icsr(case, header()), "ich"))
    case = make_case(safety_report_id="GB-PV-" + "9" * 200)
    assert ("ICH-LEN", "C.1.1") in _rules(validate(build_icsr(case, header()), "ich"))


def test_suspect_drug_required():
    case = make_case()
    for drug in case.drugs:
        drug.role = "2"
    assert ("ICH-ROLE", "G.k.1") in _rules(validate(build_icsr(case, header()), "ich"))


def test_schema_failures_are_reported_as_xsd():
    tree = _built()
    del tree.attrib["ITSVersion"]
    failures = validate(tree, "ich")
    assert failures
    assert all(f.rule == "XSD" for f in failures)


def test_ema_profile_checks_eudravigilance_receiver():
    assert ("EMA-RECEIVER", "N.1.4") in _rules(validate(build_icsr(make_case(), header()), "ema"))
    xml = build_icsr(make_case(fda=None), header("EVHUMAN", "EVHUMAN"))
    assert errors(validate(xml, "ema")) == []


def test_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="unknown profile"):
        validate(build_icsr(make_case(), header()), "mhra")


def test_batch_number_length_and_duplicate_message_ids():
    # given a batch of two messages with one message id and a 101-character batch number
    tree = build_batch_tree(header(), [make_case(), make_case()])
    ids = tree.xpath("h:PORR_IN049016UV/h:id", namespaces=XP_NS)
    ids[1].set("extension", ids[0].get("extension"))
    tree.xpath("h:id", namespaces=XP_NS)[0].set("extension", "B" * 101)
    # when validated, then both are errors
    found = _rules(validate(tree, "ich"))
    assert ("ICH-DUP", "N.2.r.1") in found
    assert ("ICH-LEN", "N.1.2") in found


PRESENT_BUT_EMPTY = {
    "C.1.1 id without extension": (f"{IE}/h:id[@root='2.16.840.1.113883.3.989.2.1.3.1']",
                                   "extension"),
    "C.1.3 value without code": (f"{IE}/h:subjectOf2/h:investigationCharacteristic"
                                 "[h:code/@code='1']/h:value", "code"),
    "E.i.7 value without code": ("//h:observation[h:code/@code='27']/h:value", "code"),
    "G.k.1 value without code": ("//h:causalityAssessment[h:code/@code='20']/h:value", "code"),
    "D.5 without code": ("//h:player1/h:administrativeGenderCode", "code"),
    "C.2.r.4 without code": ("//h:asQualifiedEntity/h:code", "code"),
    "FDA.C.1.7.1 without code": ("//h:observationEvent[h:code/@code='C54588']/h:value", "code"),
    "E.i.2.1b MedDRA value without code": ("//h:observation[h:code/@code='29']/h:value", "code"),
}


@pytest.mark.parametrize("fault", sorted(PRESENT_BUT_EMPTY))
def test_an_element_present_without_its_value_is_rejected(fault):
    # given pv's own valid case with one element stripped of its value attribute
    path, attr = PRESENT_BUT_EMPTY[fault]
    tree = _built()
    assert errors(validate(tree, "fda")) == []
    node = tree.xpath(path, namespaces=XP_NS)[0]
    del node.attrib[attr]
    # when validated with the FDA profile, then it is rejected
    assert errors(validate(tree, "fda")), fault


def test_empty_narrative_and_product_name_are_rejected():
    tree = _built()
    tree.xpath(f"{IE}/h:text", namespaces=XP_NS)[0].text = ""
    tree.xpath("//h:organizer[h:code/@code='4']//h:kindOfProduct/h:name",
               namespaces=XP_NS)[0].text = " "
    found = _rules(validate(tree, "fda"))
    assert ("ICH-REQ", "H.1") in found
    assert ("ICH-REQ", "G.k.2.2") in found


def test_weight_in_pounds_and_age_in_kilograms_are_rejected():
    tree = _built()
    tree.xpath("//h:observation[h:code/@code='7']/h:value", namespaces=XP_NS)[0].set("unit",
                                                                                   "[lb_av]")
    tree.xpath("//h:observation[h:code/@code='3']/h:value", namespaces=XP_NS)[0].set("unit", "kg")
    found = _rules(validate(tree, "fda"))
    assert ("ICH-UCUM", "D.3") in found
    assert ("ICH-CODE", "D.2.2b") in found
