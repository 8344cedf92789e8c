"""Lossless cases, pure core: an FDA example parsed and built again changes only what pv must."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from submissions.e2b import build_batch, errors, parse_batch, validate
from submissions.e2b.compare import compare_messages
from submissions.e2b.retained import Kept, Node
from submissions.e2b.safexml import read_file

from .e2b_cases import fda_examples
from .lossless import unexpected_differences


def _examples():
    return [pytest.param(p, id=p.stem) for p in fda_examples()]


@pytest.mark.parametrize("path", _examples())
def test_parse_build_changes_nothing_but_sender_and_masked_elements(path):
    # given a received FDA example
    received = read_file(str(path))
    batch = parse_batch(received)
    # when pv builds it again with the same routing
    exported = build_batch(batch.header, batch.cases)
    # then every data element is as received, except pv's sender elements and masked identity
    assert unexpected_differences(received, exported) == []
    assert errors(validate(exported, "fda")) == []


def test_compare_names_the_data_element_that_changed():
    received = read_file(str(fda_examples()[0]))
    # the first seriousness flag set in Scenario 1 is E.i.3.2d (disabling)
    changed = received.replace(b'<value xsi:type="BL" value="true"/>',
                               b'<value xsi:type="BL" nullFlavor="NI"/>', 1)
    elements = {d.element for d in compare_messages(received, changed)}
    assert elements == {"E.i.3.2d"}


def test_kept_documents_are_plain_json_and_back():
    kept = Kept(("id", "code"), (Node("code", (("code", "1"),), "", (Node("x", (), "t"),)),),
                ("(drop)",))
    assert Kept.from_json(kept.to_json()) == kept


def test_policy_masks_record_numbers_and_parent_name():
    path = next(p for p in fda_examples() if p.name == "FAERS2022Scenario6.xml")
    exported = build_batch(*_header_cases(path))
    assert b"Mr. John Doe Jr." not in exported
    received = read_file(str(path))
    record = received.split(b'root="2.16.840.1.113883.3.989.2.1.3.7"')[0].rsplit(b'extension="', 1)
    number = record[1].split(b'"')[0]
    assert number and number not in exported


def _header_cases(path):
    batch = parse_batch(read_file(str(path)))
    return batch.header, batch.cases


def test_kept_free_text_is_scrubbed_and_contacts_masked():
    # given a received case whose kept parent data (D.10.8.r) names a Restricted value
    path = next(p for p in fda_examples() if p.name == "FAERS2022Scenario6.xml")
    header, (case,) = _header_cases(path)
    assert b"Penicillium notatum" in build_batch(header, [case])
    case.restricted_values = ("Penicillium notatum",)
    # and a kept contact that is a phone number
    person = case.patient.kept["person"]
    phone = Node("telecom", (("value", "tel:+44 7700 900123"),))
    case.patient.kept["person"] = Kept(person.order, (*person.nodes, phone), person.drop)
    # when pv builds it
    exported = build_batch(header, [case])
    # then neither leaves pv
    assert b"Penicillium notatum" not in exported
    assert b"7700 900123" not in exported
    assert b'<telecom value="tel:" nullFlavor="MSK"/>' in exported


def test_text_attachments_are_scrubbed_inside_their_base64():
    import base64

    # given a kept plain-text attachment that carries a phone number
    path = next(p for p in fda_examples() if p.name == "FAERS2022Scenario6.xml")
    header, (case,) = _header_cases(path)
    ie = case.kept["investigation"]
    body = base64.b64encode(b"call the reporter on +44 7700 900123").decode()
    text = Node("text", (("mediaType", "text/plain"), ("representation", "B64")), body)
    document = Node("document", (("classCode", "DOC"), ("moodCode", "EVN")), "", (text,))
    case.kept["investigation"] = Kept(ie.order, (*ie.nodes, Node(
        "reference", (("typeCode", "REFR"),), "", (document,))), ie.drop)
    # when pv builds it, the attachment is still base64, without the phone number
    exported = build_batch(header, [case])
    assert body.encode() not in exported
    scrubbed = base64.b64encode(b"call the reporter on [redacted]")
    assert scrubbed in exported


def test_study_is_typed_with_fda_numbers():
    from submissions.e2b.constants import FDA_CROSS_REPORTED_IND, FDA_IND

    path = next(p for p in fda_examples() if p.name == "FAERS2022Scenario3.xml")
    _header, (case,) = _header_cases(path)
    assert case.study.type == "1"
    assert case.study.sponsor_number == "CT-00-00"
    assert case.study.numbers(FDA_IND) == ["123456"]
    assert case.study.numbers(FDA_CROSS_REPORTED_IND) == ["222222", "333333"]
    assert "patient" not in case.patient.kept  # the typed study reproduces C.5 whole


def test_own_study_report_carries_c5():
    from submissions.e2b import Study, StudyRegistration

    from .e2b_cases import header, make_case

    case = make_case(report_type="2", study=Study(
        registrations=[StudyRegistration("EUCT-2025-0001", country="GB")], name="PV study",
        sponsor_number="PV-S-1", type="3"))
    problems = [str(f) for f in errors(validate(build_batch(header(), [case]), "ich"))]
    assert not [p for p in problems if "C.5" in p]
    assert parse_batch(build_batch(header(), [case])).cases[0].study == case.study


def _content_elements(root):
    """Elements of the ICSR content pv carries over (not the headers, primary sources or sender
    block, which pv rewrites as the new sender)."""
    ns = "{urn:hl7-org:v3}"
    ie = root.find(f"{ns}PORR_IN049016UV/{ns}controlActProcess/{ns}subject/{ns}investigationEvent")
    rewritten = {e for child in ie for e in child.iter()
                 if child.tag in (f"{ns}outboundRelationship", f"{ns}subjectOf1")
                 and child.find(f".//{ns}author") is not None}
    return [e for e in ie.iter() if isinstance(e.tag, str) and e is not ie
            and e not in rewritten]


@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_any_valid_variation_of_an_example_round_trips(data):
    from lxml import etree

    # given a valid variation of an example: one content element removed, one attribute
    # or one text changed
    path = data.draw(st.sampled_from([p for p in fda_examples() if p.stat().st_size < 1 << 20]))
    root = etree.fromstring(read_file(str(path)))
    elements = _content_elements(root)
    element = elements[data.draw(st.integers(0, len(elements) - 1))]
    change = data.draw(st.sampled_from(["remove", "attribute", "text"]))
    if change == "remove":
        element.getparent().remove(element)
    elif change == "attribute" and element.attrib:
        name = data.draw(st.sampled_from(sorted(element.attrib)))
        element.set(name, data.draw(st.sampled_from(["X", "NI", "2019", "7"])))
    else:
        element.text = data.draw(st.sampled_from(["x", "some words"]))
    received = etree.tostring(root)
    assume(not errors(validate(received, "ich")))  # a valid ICSR (pv fills in what is not)
    # when pv parses and builds it again
    batch = parse_batch(received)
    exported = build_batch(batch.header, batch.cases)
    # then nothing but pv's own elements and masked identity changed
    assert unexpected_differences(received, exported) == []


def test_death_is_typed():
    path = next(p for p in fda_examples() if p.name == "FAERS2022Scenario6.xml")
    _header, (case,) = _header_cases(path)
    death = case.patient.death
    assert death.date.isoformat() == "2009-01-01"
    assert [c.term.code for c in death.reported_causes] == ["10036807", "10036805"]
    assert death.autopsy is True
    assert [c.text for c in death.autopsy_causes] == ["What we learned during the autopsy",
                                                      "Metabolic Abnormality"]
    # the typed model reproduces D.9 whole: nothing of it is kept as received elements
    person = case.patient.kept["person"]
    assert "deceasedTime" not in [n.tag for n in person.nodes]
