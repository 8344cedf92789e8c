"""Format checks that hold anywhere in a message (submissions/e2b/checks_format.py)."""

from __future__ import annotations

from lxml import etree

from submissions.e2b.validate import errors, validate

from .e2b_held_out import EXAMPLES
from .e2b_held_table import NS

SCENARIO1 = EXAMPLES / "FAERS2022Scenario1.xml"
REACTION = "//h:observation[h:code/@code='29']"


def _validate(path: str, **attrs: str) -> list[str]:
    tree = etree.parse(str(SCENARIO1))
    node = tree.xpath(path, namespaces=NS)[0]
    for attr, value in attrs.items():
        node.set(attr, value)
    return [str(f) for f in errors(validate(etree.tostring(tree), "fda"))]


def test_a_code_from_another_ich_list_is_rejected_even_if_the_code_exists_there():
    # given C.1.3 = 1 coded in the sender-type list (1.1.7), where "1" also exists
    found = _validate("//h:investigationCharacteristic[h:code/@code='1']/h:value",
                      codeSystem="2.16.840.1.113883.3.989.2.1.1.7")
    # then the code system is named as the fault
    assert any("C.1.3" in f and "code system" in f for f in found), found


def test_a_code_system_outside_the_arcs_the_tables_govern_is_left_to_the_element_checks():
    # given the reaction country coded under an arc no ICH/FDA table governs
    found = _validate(f"{REACTION}/h:location//h:code", codeSystem="1.2.3.4.5")
    # then no "not one the tables define" error, but E.i.9 still wants ISO 3166
    assert not any("tables define" in f for f in found), found
    assert any("code system 1.2.3.4.5" in f for f in found), found


def test_a_non_meddra_reaction_is_named_by_element_so_an_open_terminology_agreement_applies():
    # given a reaction coded in a sender's own terminology
    found = _validate(f"{REACTION}/h:value", codeSystem="2.25.1234")
    # then every failure about it is E.i.2.1a/b and says MedDRA
    about = [f for f in found if "2.25.1234" in f or "E.i.2.1" in f]
    assert about and all("E.i.2.1" in f and "MedDRA" in f for f in about), found


def test_telecom_needs_a_scheme_an_at_sign_and_an_allowed_nullflavor():
    mail = "//h:outboundRelationship//h:telecom[starts-with(@value,'mailto:')]"
    assert any("URL scheme" in f for f in _validate(mail, value="someone@example.org"))
    assert any("'@'" in f for f in _validate(mail, value="mailto:someone.example.org"))
    assert any("nullFlavor NA" in f for f in _validate(mail, value="mailto:", nullFlavor="NA"))
    assert _validate(mail, value="mailto:", nullFlavor="MSK") == []


def test_dates_are_checked_everywhere_at_the_precision_the_table_asks():
    low = f"{REACTION}/h:effectiveTime/h:low"
    # a UTC offset beyond +14:00 is no date
    assert any("not a valid date" in f for f in _validate(low, value="20141010120000+2500"))
    # E.i.4 may be a year (ICH: minimum precision the year); D.2.1 needs the day
    assert _validate(low, value="2014") == []
    birth = "//h:primaryRole/h:player1/h:birthTime"
    assert any("precise to the day" in f for f in _validate(birth, value="2001"))


def test_an_interval_may_not_end_before_it_starts():
    tree = etree.parse(str(SCENARIO1))
    period = tree.xpath(f"{REACTION}/h:effectiveTime", namespaces=NS)[0]
    etree.SubElement(period, "{urn:hl7-org:v3}high", value="20131010")  # low is 20141010
    found = [str(f) for f in errors(validate(etree.tostring(tree), "fda"))]
    assert any("ends" in f and "before it starts" in f for f in found), found
