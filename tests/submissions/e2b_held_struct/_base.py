"""Shared paths and builders of the hand-written held-out faults.

Most faults are one edit of one element: `at(path, edit)` builds them (no such element in the
example: no mutant from it). The case's coded rows are found by their code through one path
builder each (`characteristic`, `summary`, `summary_row`, `registration`), and a new
characteristic row is made by `add_characteristic`. The OIDs are written out from FDA's
tables, not taken from the validator, so the two do not share blind spots.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ..e2b_held_table import NS

H = "{urn:hl7-org:v3}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


IE = "//h:investigationEvent"
IND, PRE_ANDA, CROSS_IND = (f"2.16.840.1.113883.3.989.5.1.2.2.1.2.{n}" for n in (1, 2, 3))


def x(t, p):
    return t.xpath(p, namespaces=NS)


def one(t, p):
    r = x(t, p)
    return r[0] if r else None


def remove(el):
    el.getparent().remove(el)


def at(path: str, edit: Callable[[etree._Element], object]) -> Callable:
    """The fault that applies `edit` to the first element at `path`: False (no mutant) when
    the example has none there or `edit` returns False (nothing to break), else None."""

    def fault(t):
        el = one(t, path)
        if el is None or edit(el) is False:
            return False
        return None

    return fault


def in_sources(path: str, edit: Callable[[etree._Element], object]) -> Callable:
    """The fault that applies `edit` to the first element at `path` in the first primary
    source (C.2.r) that has one; False when none has."""

    def fault(t):
        for s in _source(t):
            el = one(s, path)
            if el is not None:
                edit(el)
                return None
        return False

    return fault


def set_attr(name: str, value: str) -> Callable:
    return lambda el: el.set(name, value)


def drop_attr(name: str) -> Callable:
    def edit(el):
        del el.attrib[name]

    return edit


def negate(name: str) -> Callable:
    return lambda el: el.set(name, "-" + el.get(name))


def set_text(value: str) -> Callable:
    def edit(el):
        el.text = value

    return edit


def characteristic(code: str) -> str:
    """The value of the case's characteristic row `code` (C.1.3 '1', C.1.9.1 '2',
    C.1.11.1 '3', C.1.11.2 '4')."""
    return f"{IE}/h:subjectOf2/h:investigationCharacteristic[h:code/@code='{code}']/h:value"


def summary(code: str) -> str:
    """The value of the case's observation row `code` (C.1.6.1 '1', C.1.7 '23', FDA.C.1.7.1
    'C54588', FDA.C.1.12 'C156384')."""
    return f"{IE}/h:component/h:observationEvent[h:code/@code='{code}']/h:value"


def summary_row(code: str) -> str:
    """The whole observation row `code` (the component holding it)."""
    return f"{IE}/h:component[h:observationEvent/h:code/@code='{code}']"


def registration(root: str) -> str:
    """A study registration id (IND, pre-ANDA or cross-reported IND number)."""
    return f"//h:studyRegistration/h:id[@root='{root}']"


def authorization(root: str) -> str:
    """The authorization holding a study registration id."""
    return f"//h:authorization[h:studyRegistration/h:id[@root='{root}']]"


def add_characteristic(t, row: str, **value: str) -> etree._Element:
    """Append characteristic row `row` (its code) to the case, its value's attributes `value`;
    returns the (CE) value element."""
    sub = etree.SubElement(one(t, IE), H + "subjectOf2", typeCode="SUBJ")
    ic = etree.SubElement(sub, H + "investigationCharacteristic", classCode="OBS", moodCode="EVN")
    etree.SubElement(ic, H + "code", code=row, codeSystem="2.16.840.1.113883.3.989.2.1.1.23")
    v = etree.SubElement(ic, H + "value", **value)
    v.set(XSI_TYPE, "CE")
    return v


def _source(t):
    return x(t, IE + "/h:outboundRelationship[h:relatedInvestigation/h:code/@code='2']")


PAT = "//h:adverseEventAssessment/h:subject1/h:primaryRole"


REAC = PAT + "/h:subjectOf2[h:observation/h:code/@code='29']"


AGE = PAT + "/h:subjectOf2/h:observation[h:code/@code='3']/h:value"


DRUGS = "//h:adverseEventAssessment/h:component[h:causalityAssessment/h:code/@code='20']"


def _drug_ids(t):
    return set(x(t, PAT + "/h:subjectOf2/h:organizer[h:code/@code='4']/h:component"
                 "/h:substanceAdministration/h:id/@root"))
