"""ICH E2B(R3) business rules beyond the XSD (NOTES.md §7): presence of Mandatory elements per
block, conditional and paired elements, identifiers, dates and internal references.

Rule ids: ICH-REQ (mandatory element missing), ICH-COND (conditionally required element
missing), ICH-FORMAT, ICH-ORDER, ICH-REF, ICH-ONE (exactly one regulatory primary source),
ICH-ROLE (no suspect/interacting drug), ICH-MEDDRA (terminology). Each failure also carries the
element id, so "[ICH-REQ] C.1.1" and "[ICH-REQ] H.1" tell a reviewer what is missing.
"""

from __future__ import annotations

import re
from datetime import datetime

from .checks_format import check_formats, check_unique_ids, is_after
from .checks_values import check_values
from .codelists import country_codes
from .extract import Extract, Group, group_id
from .rules import element_specs
from .timefmt import ts_to_datetime

_C11 = re.compile(r"^[A-Za-z]{2}-[^-\s]+-\S+$")
_MESSAGE_REQUIRED = ("N.2.r.1", "N.2.r.2", "N.2.r.3", "N.2.r.4", "C.1.1", "C.1.2", "C.1.3",
                     "C.1.4", "C.1.5", "C.1.6.1", "C.1.7", "C.1.8.1", "C.1.8.2", "C.1.9.1",
                     "C.3.1", "D.1", "H.1")
_REACTION_REQUIRED = ("E.i.2.1a", "E.i.2.1b", "E.i.3.2a", "E.i.3.2b", "E.i.3.2c", "E.i.3.2d",
                      "E.i.3.2e", "E.i.3.2f", "E.i.7")
_DRUG_REQUIRED = ("G.k.2.2",)
# Pairs that must come together: (a, b) -> both present or both absent (NOTES.md §7 "Pairs").
_PAIRS = {
    "message": (("D.2.2a", "D.2.2b"), ("D.7.1.r.1a", "D.7.1.r.1b")),
    "reaction": (("E.i.6a", "E.i.6b"), ("E.i.2.1a", "E.i.2.1b")),
    "drug": (("G.k.4.r.1a", "G.k.4.r.1b"), ("G.k.7.r.2a", "G.k.7.r.2b")),
}


class Found(list):
    """Collects failures with the message index filled in."""

    def __init__(self, index: int):
        super().__init__()
        self.index = index

    def add(self, rule: str, element: str, message: str, severity: str = "error") -> None:
        from .validate import Failure

        self.append(Failure(rule, element, message, severity, self.index))


def check_message(data: Extract, index: int, now: datetime) -> list:
    found = Found(index)
    specs = element_specs()
    msg = data.message
    for element in _MESSAGE_REQUIRED:
        if not msg.has(element):
            found.add("ICH-REQ", element, f"{specs[element].name} is required")
    if not data.sources:
        found.add("ICH-REQ", "C.2.r", "at least one primary source is required")
    if not data.reactions:
        found.add("ICH-REQ", "E.i", "at least one reaction/event is required")
    if not data.drugs:
        found.add("ICH-REQ", "G.k", "at least one drug is required")
    for position, reaction in enumerate(data.reactions, start=1):
        _required(found, reaction, _REACTION_REQUIRED, f"reaction {position}")
    for position, drug in enumerate(data.drugs, start=1):
        _required(found, drug, _DRUG_REQUIRED, f"drug {position}")
    _empty(found, data)
    _fixed_units(found, msg)
    _roles(found, data)
    _conditionals(found, data)
    _identifiers(found, msg)
    _dates(found, data)
    _references(found, data)
    check_values(msg.element, found)
    check_formats(msg.element, found, now)
    check_unique_ids(data.reactions, "E.i", found)
    # FDA's example 5-3 gives two drugs one id: a warning for drugs, as gateways take it
    check_unique_ids(data.drugs, "G.k", found, "warning")
    for scope, pairs in _PAIRS.items():
        groups = {"message": [msg], "reaction": data.reactions, "drug": data.drugs}[scope]
        for group in groups:
            for first, second in pairs:
                has_a, has_b = group.has(first), group.has(second)
                if has_a != has_b:
                    missing = second if has_a else first
                    present = first if has_b else second
                    found.add("ICH-COND", missing,
                              f"{missing} must be provided together with {present}")
    return list(found)


def _required(found: Found, group: Group, elements: tuple[str, ...], where: str) -> None:
    specs = element_specs()
    for element in elements:
        if group.has(element):
            continue
        detail = ""
        if element == "E.i.2.1b":
            # pv can code against an open terminology; receivers still require MedDRA here.
            detail = " (the reaction is not coded in MedDRA, OID 2.16.840.1.113883.6.163)"
        found.add("ICH-REQ", element, f"{specs[element].name} is required for {where}{detail}")


# MedDRA version/code halves share one element with free-text designations (an indication given
# as originalText only): their emptiness is judged by the MedDRA pair check in checks_values.
_EMPTY_EXEMPT = frozenset({"E.i.2.1a", "E.i.2.1b", "D.7.1.r.1a", "D.7.1.r.1b", "G.k.7.r.2a",
                           "G.k.7.r.2b"})


def _empty(found: Found, data: Extract) -> None:
    """An element that is there must carry a value or a nullFlavor (HL7: no empty values).

    Gateways read the value attribute or text: `<value xsi:type="CE" codeSystem=".."/>` without
    `code`, `<id root=".."/>` without `extension` or an empty `<text/>` is no value at all.
    """
    study = data.message.value("C.1.3") == "2"
    for group in data.groups():
        for element, hits in group.fields.items():
            if element in _EMPTY_EXEMPT:
                continue
            for hit in hits:
                if hit.present:
                    continue
                # C.5.4 outside a study report must not be sent at all (FDA R0103); FDA's own
                # all-elements example carries it as a bare designation there: nothing to use.
                severity = "warning" if element == "C.5.4" and not study else "error"
                found.add("ICH-EMPTY", element, "element present without a value or a "
                          f"nullFlavor (line {hit.line})", severity)


# "Body Weight (kg)", "Height (cm)": the ICH element is the number in that unit.
_FIXED_UNITS = {"D.3": "kg", "D.4": "cm", "D.10.4": "kg", "D.10.5": "cm"}


def _fixed_units(found: Found, msg: Group) -> None:
    for element, unit in _FIXED_UNITS.items():
        for hit in msg.fields.get(element, ()):
            if hit.value is not None and hit.node is not None and hit.node.get("unit") != unit:
                found.add("ICH-UCUM", element, f"unit {hit.node.get('unit')!r}: {element} is "
                          f"given in {unit}")


_DRUG_ROLES = frozenset({"1", "2", "3", "4"})


def _roles(found: Found, data: Extract) -> None:
    for product, role in data.roles.items():
        if role not in _DRUG_ROLES:
            shown = repr(role) if role else "no code"
            found.add("ICH-CODE", "G.k.1", f"drug role of {product} is {shown}; allowed: "
                      "1, 2, 3, 4")


def _conditionals(found: Found, data: Extract) -> None:
    msg = data.message
    if msg.value("C.1.6.1") == "true" and not msg.has("C.1.6.1.r.1"):
        found.add("ICH-COND", "C.1.6.1.r.1", "documents held by sender are required when "
                  "C.1.6.1 is true")
    if msg.value("C.1.9.1") == "true":
        for element in ("C.1.9.1.r.1", "C.1.9.1.r.2"):
            if not msg.has(element):
                found.add("ICH-COND", element, f"{element} is required when C.1.9.1 is true")
    if msg.has("C.1.11.1") and not msg.value("C.1.11.2"):
        found.add("ICH-COND", "C.1.11.2", "a reason is required for a nullification/amendment")
    if msg.has("C.1.11.2") and not msg.has("C.1.11.1"):
        found.add("ICH-COND", "C.1.11.1", "C.1.11.2 reason given without C.1.11.1")
    if msg.value("C.1.3") == "2" and not msg.has("C.5.4"):
        found.add("ICH-COND", "C.5.4", "study type is required when C.1.3 = 2 (report from study)")
    sender_type = msg.value("C.3.1")
    if sender_type and sender_type != "7" and not msg.value("C.3.2"):
        found.add("ICH-COND", "C.3.2", "sender's organisation is required unless C.3.1 = 7")
    regulatory = [s for s in data.sources if s.value("C.2.r.5") == "1"]
    if data.sources and len(regulatory) != 1:
        found.add("ICH-ONE", "C.2.r.5", f"exactly one primary source must be flagged for "
                  f"regulatory purposes, found {len(regulatory)}")
    for source in regulatory:
        for element in ("C.2.r.3", "C.2.r.4"):
            if not source.has(element):
                found.add("ICH-COND", element, f"{element_specs()[element].name} is required "
                          "for the primary source for regulatory purposes (C.2.r.5 = 1)")
    for reaction in data.reactions:
        if reaction.value("E.i.1.1a") and not reaction.has("E.i.1.1b"):
            found.add("ICH-COND", "E.i.1.1b", "the language of the reported term is required "
                      "when E.i.1.1a is given")
    for drug in data.drugs:
        if drug.has("G.k.3.1") and not drug.has("G.k.3.2"):
            found.add("ICH-COND", "G.k.3.2", "country of authorisation is required with G.k.3.1")


def _identifiers(found: Found, msg: Group) -> None:
    countries = country_codes()
    for element in ("C.1.1", "C.1.8.1"):  # C.1.8.1 follows C.1.1's format (ICH table)
        value = msg.value(element)
        if value and not _C11.match(value):
            found.add("ICH-FORMAT", element, f"{value!r} does not follow 'CC-ORGNAME-number' "
                      "(two-letter country, organisation without hyphen, number)")
        elif value and value[:2].upper() not in countries:
            found.add("ICH-COUNTRY", element, f"{value[:2]!r} in {value!r} is not an ISO 3166 "
                      "country code (or EU)")
    c11 = msg.value("C.1.1")
    if c11 and msg.value("N.2.r.1") and msg.value("N.2.r.1") != c11:
        # ICH wants N.2.r.1 = C.1.1; FDA's own examples send a UUID: a warning.
        found.add("ICH-FORMAT", "N.2.r.1", "message identifier differs from C.1.1", "warning")
    if msg.value("C.1.2") and msg.value("N.2.r.4") and msg.value("C.1.2") != msg.value("N.2.r.4"):
        found.add("ICH-FORMAT", "N.2.r.4", "date of message creation must equal C.1.2 (ICH)")


def _dates(found: Found, data: Extract) -> None:
    msg = data.message
    birth, death = msg.value("D.2.1"), msg.value("D.9.1")
    if birth and death and is_after(birth, death):
        # FDA's all-elements example (Scenario 6) has exactly this: a warning, not a rejection
        found.add("ICH-ORDER", "D.9.1", f"date of death ({death}) is before the date of birth "
                  f"({birth})", "warning")
    first, latest = msg.value("C.1.4"), msg.value("C.1.5")
    if first and latest:
        start, end = ts_to_datetime(first), ts_to_datetime(latest)
        if start and end and end < start:
            found.add("ICH-ORDER", "C.1.5", f"most recent information ({latest}) is before the "
                      f"report was first received ({first})")
    for position, reaction in enumerate(data.reactions, start=1):
        onset, end = reaction.value("E.i.4"), reaction.value("E.i.5")
        if onset and end:
            start_at, end_at = ts_to_datetime(onset), ts_to_datetime(end)
            if start_at and end_at and end_at < start_at:
                found.add("ICH-ORDER", "E.i.5", f"reaction {position} ends before it starts")


def _references(found: Found, data: Extract) -> None:
    drug_ids = {group_id(d) for d in data.drugs}
    reaction_ids = {group_id(r) for r in data.reactions}
    for position, drug in enumerate(data.drugs, start=1):
        if not data.roles.get(group_id(drug)):
            found.add("ICH-REQ", "G.k.1", f"drug {position} has no characterisation of drug role")
    if data.drugs and not any(data.roles.get(group_id(d)) in {"1", "3", "4"}
                              for d in data.drugs):
        found.add("ICH-ROLE", "G.k.1", "at least one drug must be suspect, interacting or "
                  "not administered (G.k.1 = 1, 3 or 4)")
    for product in data.roles:
        # A warning, not an error: FDA's own accepted example (Scenario 5-3, "no drug exposure")
        # characterises a drug that has no G.k block. pv's builder never produces this.
        if product not in drug_ids:
            found.add("ICH-REF", "G.k.1", f"drug role refers to unknown drug {product}",
                      "warning")
    for effect, product in data.relatedness:
        if product not in drug_ids:
            found.add("ICH-REF", "G.k.9.i", f"assessment refers to unknown drug {product}")
        if effect not in reaction_ids:
            found.add("ICH-REF", "G.k.9.i.1", f"assessment refers to unknown reaction {effect}")
