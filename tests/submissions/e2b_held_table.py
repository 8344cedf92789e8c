"""Held-out style mutants, part 1: single faults driven by FDA's element table.

Written as an adversary of the validator (issue #17): for every data element FDA's table
locates with an XPath (bundled in `submissions/e2b/data/rules/fda`), each place it occurs in
one of FDA's ten examples gets the faults its table row rules out: a required value emptied,
blanked or dropped, a nullFlavor where none or another kind is allowed, a string one character
too long, a code outside its list, a code from a code system one digit off, a country or
language that looks right but is not ISO, a malformed MedDRA code or version, impossible,
future or too coarse dates, a unit outside UCUM. The XPaths are FDA's own (turned into
namespaced lxml XPaths here), not the validator's, so the two do not share blind spots.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from lxml import etree

from submissions.e2b.rules import FDA_TABLE, ICH_TABLE

NS = {"h": "urn:hl7-org:v3", "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
_KEYWORDS = {"and", "or", "div", "mod", "not"}
_NAME = re.compile(r"(?<![@\w.:\-])([A-Za-z_][\w\-.]*)(?![\w\-.]*\s*\()")
NULL_FLAVORS = ("NI", "MSK", "UNK", "NA", "ASKU", "NASK", "NINF", "PINF", "OTH")
# PhPID versions share the MPID's element and attribute in FDA's XPaths: an 11-character value
# is a legal MPID version there, so no single fault can be made of their length.
_SHARED_LENGTH = frozenset({"G.k.2.1.2a", "D.8.r.3a", "D.10.8.r.3a"})
# MPID / PhPID / substance identifiers: the region picks their code system (no OID fault).
_FREE_SYSTEM = re.compile(r"^(G\.k\.2\.1\.|D\.8\.r\.[23]|D\.10\.8\.r\.[23])")


class Row(NamedTuple):
    element: str
    max_length: str
    data_type: str
    values: str
    conformance: tuple[str, ...]  # FDA table's ICH and post-market columns, ICH table
    null_flavors: frozenset[str]
    oid: str
    xpath: str


class Edit(NamedTuple):
    element: str  # "C.1.3#0": element id and which occurrence
    kind: str
    path: str  # lxml getpath() of the element to change
    apply: Callable[[etree._Element], bool | None]  # False: no fault could be made


def nsify(xpath: str) -> str:
    """FDA's XPath column (no namespace, `[r]` for repeats) as a namespaced lxml XPath."""
    xpath = xpath.strip()
    match = re.match(r"substring\((.*),\s*\d+\)\s*$", xpath, re.S)
    if match:
        xpath = match.group(1)
    xpath = re.sub(r"\[[a-z]\]", "", xpath)
    xpath = re.sub(r"\[@root='UUID[^']*'\]", "", xpath)
    xpath = re.sub(r"(\w)@", r"\1/@", xpath)  # FDA's "code@code"
    out = []
    for part in re.split(r"('[^']*')", xpath):
        if part.startswith("'"):
            out.append(part)
        else:
            part = re.sub(r"\s+", "", part)
            out.append(_NAME.sub(lambda m: m.group(1) if m.group(1) in _KEYWORDS
                                 else "h:" + m.group(1), part))
    return "".join(out)


def table_rows() -> list[Row]:
    with ICH_TABLE.open(encoding="utf-8-sig", newline="") as handle:
        ich = {r[2].strip(): r[7].strip() for r in csv.reader(handle) if len(r) > 8}
    with FDA_TABLE.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    out = []
    for r in rows[2:]:
        element = r[2].strip()
        if not element or element == "(Header)" or not r[32].strip():
            continue
        flavors = frozenset(name for name, i in zip(NULL_FLAVORS, range(20, 29), strict=True)
                            if r[i].strip() == "Yes")
        out.append(Row(element, r[4].strip(), r[5].strip(), r[6],
                       (r[7].strip(), r[9].strip(), ich.get(element, "")), flavors,
                       r[29].strip(), nsify(r[32])))
    return out


# Elements FDA's XPath column does not locate in its own examples ("See X-Path Reference", or
# a path that disagrees with the instances): our paths, with the table's data.
EXTRA = (
    Row("FDA.C.1.7.1", "", "N", "1,2,4,5,6", ("Required",), frozenset(), "",
        "//h:observationEvent[h:code/@code='C54588']/h:value/@code"),
    Row("FDA.C.1.12", "", "Boolean", "", ("Required",), frozenset({"NI"}), "",
        "//h:observationEvent[h:code/@code='C156384']/h:value/@value"),
    Row("FDA.D.11.r.1", "", "AN", "C16352,C41259,C41260,C41261,C41219", ("Required",),
        frozenset({"MSK", "UNK", "NA", "OTH"}), "",
        "//h:observation[h:code/@code='C17049']/h:value/@code"),
    Row("G.k.4.r.1a", "8", "N", "", (), frozenset(), "",
        "//h:substanceAdministration/h:doseQuantity/@value"),
    Row("G.k.4.r.1b", "", "UNIT", "", (), frozenset(), "",
        "//h:substanceAdministration/h:doseQuantity/@unit"),
    Row("G.k.4.r.2", "4", "N", "", (), frozenset(), "",
        "//h:comp[@xsi:type='PIVL_TS']/h:period/@value"),
    Row("G.k.4.r.3", "", "UNIT", "", (), frozenset(), "",
        "//h:comp[@xsi:type='PIVL_TS']/h:period/@unit"),
    Row("G.k.4.r.4", "", "Date/Time", "", (), frozenset({"MSK", "ASKU", "NASK"}), "",
        "//h:comp[@xsi:type='IVL_TS']/h:low/@value"),
    Row("G.k.4.r.5", "", "Date/Time", "", (), frozenset({"MSK", "ASKU", "NASK"}), "",
        "//h:comp[@xsi:type='IVL_TS']/h:high/@value"),
    Row("G.k.4.r.6a", "5", "N", "", (), frozenset(), "",
        "//h:comp[@xsi:type='IVL_TS']/h:width/@value"),
    Row("G.k.4.r.6b", "", "UNIT", "", (), frozenset(), "",
        "//h:comp[@xsi:type='IVL_TS']/h:width/@unit"),
    Row("G.k.4.r.10.2b", "15", "AN", "", (), frozenset(), "",
        "//h:substanceAdministration/h:routeCode/@code"),
    Row("G.k.4.r.9.2b", "15", "AN", "", (), frozenset(), "",
        "//h:kindOfProduct/h:formCode/@code"),
    Row("FDA.G.k.12.r.1", "", "Boolean", "", (), frozenset(), "",
        "//h:characteristic[h:code/@code='C54026']/h:value/@value"),
    Row("FDA.G.k.12.r.3.r", "7", "AN", "", (), frozenset(), "",
        "//h:characteristic[h:code/@code='C54451']/h:value/@code"),
    Row("FDA.G.k.12.r.8", "", "N", "1,2,3", (), frozenset(), "",
        "//h:characteristic[h:code/@code='C54595']/h:value/@code"),
    Row("FDA.G.k.12.r.2.r", "", "N", "1,2,3,4", (), frozenset(), "",
        "//h:characteristic[h:code/@code='C54592']/h:value/@code"),
    Row("FDA.G.k.12.r.11.r", "", "N", "1,2,3,4,5,6,7,8,9", (), frozenset(), "",
        "//h:characteristic[h:code/@code='C54594']/h:value/@code"),
    Row("E.i.5", "", "Date/Time", "", (), frozenset({"MSK", "ASKU", "NASK"}), "",
        "//h:observation[h:code/@code='29']/h:effectiveTime/h:high/@value"),
    Row("E.i.6a", "5", "N", "", (), frozenset(), "",
        "//h:observation[h:code/@code='29']/h:effectiveTime/h:width/@value"),
    Row("E.i.6b", "", "UNIT", "", (), frozenset(), "",
        "//h:observation[h:code/@code='29']/h:effectiveTime/h:width/@unit"),
    Row("C.1.11.1", "", "N", "1,2", (), frozenset(), "",
        "//h:investigationCharacteristic[h:code/@code='3']/h:value/@code"),
    Row("E.i.3.2b", "", "Boolean", "", ("Required",), frozenset({"NI"}), "",
        "//h:observation[h:code/@code='21']/h:value/@value"),
    Row("E.i.3.2e", "", "Boolean", "", ("Required",), frozenset({"NI"}), "",
        "//h:observation[h:code/@code='12']/h:value/@value"),
    Row("F.r.3.3", "", "UNIT", "", (), frozenset(), "",
        "//h:observation/h:value[@xsi:type='IVL_PQ']/h:center/@unit"),
)


def _codes(values: str) -> list[str]:
    if "," in values and "=" not in values:
        return values.split(",")
    return re.findall(r"(?m)(?:^|\s)([A-Z]?\d+)\s*[=\-]", values)


def _set(attr: str | None, value: str):
    def apply(el):
        if attr:
            el.set(attr, value)
        else:
            for child in list(el):
                el.remove(child)
            el.text = value
    return apply


def _drop(attr: str | None):
    def apply(el):
        if attr:
            del el.attrib[attr]
        else:
            el.text = None
    return apply


def _null(kind: str):
    def apply(el):
        for attr in ("value", "code", "extension", "unit", "codeSystemVersion"):
            el.attrib.pop(attr, None)
        el.text = None
        for child in list(el):
            el.remove(child)
        el.set("nullFlavor", kind)
    return apply


def _wrong_oid(el):
    system = el.get("codeSystem")
    if not system:
        return False
    el.set("codeSystem", system[:-1] + ("7" if system[-1] != "7" else "8"))
    return None


def edits(doc: etree._ElementTree, row: Row, per_row: int = 2) -> Iterator[Edit]:
    """The faults `row` rules out, at its first `per_row` places in `doc`."""
    try:
        found = doc.xpath(row.xpath, namespaces=NS)
    except etree.XPathError:
        return
    if not isinstance(found, list):
        return
    required = any(c.startswith(("Required", "Mandatory")) for c in row.conformance[:2])
    conditional = any("Conditional" in c for c in row.conformance)
    for n, result in enumerate(found[:per_row]):
        if not hasattr(result, "getparent"):
            continue
        el = result.getparent()
        path = doc.getpath(el)
        attr = result.attrname if result.is_attribute else None
        current = str(result)
        tag = f"{row.element}#{n}"

        def edit(kind, apply, tag=tag, path=path):
            return Edit(tag, kind, path, apply)

        is_code, is_date = attr == "code", row.data_type.startswith("Date")
        if required:
            yield edit("empty", _set(attr, ""))
            yield edit("blank", _set(attr, "   "))
            yield edit("absent", _drop(attr))
        elif conditional and attr in ("value", "code", "extension", "unit",
                                      "codeSystemVersion"):
            yield edit("absent-half", _drop(attr))  # a conditional pair's half
        if row.null_flavors:
            bad = [kind for kind in ("NA", "UNK", "MSK", "NI", "ASKU")
                   if kind not in row.null_flavors]
            if bad:
                yield edit(f"nf-{bad[0]}-wrong-kind", _null(bad[0]))
        elif required:
            yield edit("nf-UNK-not-allowed", _null("UNK"))
        limit = int(row.max_length) if row.max_length.isdigit() else 0
        if limit and not is_code and row.data_type in ("AN", "A") and limit <= 20000 \
                and row.element not in _SHARED_LENGTH:
            yield edit("too-long", _set(attr, "Q" * (limit + 1)))
        if limit and row.data_type == "N" and not is_code:
            yield edit("number-too-long", _set(attr, "1" * (limit + 1)))
        codes = _codes(row.values)
        if is_code and codes:
            if all(code.isdigit() for code in codes):
                yield edit("code-out-of-list", _set(attr, str(max(map(int, codes)) + 1)))
                if "0" not in codes:
                    yield edit("code-zero", _set(attr, "0"))
            else:
                yield edit("code-out-of-list", _set(attr, "C99999"))
            yield edit("code-blank", _set(attr, " "))
        if is_code and not _FREE_SYSTEM.match(row.element):
            yield edit("wrong-oid", _wrong_oid)
        if row.oid.startswith("1.0.3166") or (limit == 2 and "ISO 3166" in row.values):
            for bad in ("UK", "XX", "EL"):
                yield edit(f"country-{bad}", _set(attr, bad))
        if row.oid.startswith("1.0.639"):
            for bad in ("EN", "en", "xxq", "english"):
                yield edit(f"language-{bad}", _set(attr, bad))
        if row.values.strip() == "N.N" and attr == "codeSystemVersion":
            for bad in ("25", "25.0.1", "v25.0", "2.50"):
                yield edit(f"meddra-version-{bad}", _set(attr, bad))
        if row.values.strip() == "Numeric" and limit == 8 and is_code:
            for bad in ("1002794", "ABCDEFGH", "100279401"):
                yield edit(f"meddra-code-{bad}", _set(attr, bad))
        if is_date and attr == "value":
            yield from _date_edits(edit, row.element, attr, current)
        if row.data_type == "UNIT" or attr == "unit":
            for bad in ("mcg", "kilogram", "tab", "years"):
                yield edit(f"unit-{bad}", _set(attr, bad))


def _date_edits(edit, element: str, attr: str, current: str):
    day = current[:8] if len(current) >= 8 else current[:4] + "0101"
    yield edit("date-bad-month", _set(attr, current[:4] + "13" + current[6:]))
    yield edit("date-bad-day", _set(attr, current[:4] + "0230" + current[8:]))
    yield edit("date-future", _set(attr, "2099" + current[4:]))
    yield edit("date-bad-hour", _set(attr, day + "25" + current[10:]))
    yield edit("date-year-zero", _set(attr, "0000" + current[4:]))
    if element in ("N.1.5", "N.2.r.4", "C.1.2") and len(current) >= 14:
        yield edit("date-day-only", _set(attr, current[:8]))  # needs the second
    if element in ("C.1.4", "C.1.5", "D.2.1"):
        yield edit("date-year-only", _set(attr, current[:4]))  # needs the day
