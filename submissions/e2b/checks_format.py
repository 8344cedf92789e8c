"""Format checks on every element of a message that the element tables do not reach by name.

`checks_values.py` checks codes against their lists; this module checks what surrounds them and
what sits in blocks no rule names, so one fault is caught wherever it is placed:

* ICH-CODE (code system): a coded element must use a code system the ICH/FDA tables define
  (an OID one digit off is not "another list", it is no list at all; checked under the arcs the
  tables govern, so another region's lists pass), and an element the tables
  tie to a list must use that list's OID (C.1.3 coded in the sender-type list is wrong even if
  its code exists there). Product identifiers (MPID, PhPID, substance TermID) are exempt: the
  ICH IG leaves their code system to the region.
* ICH-FORMAT: telecoms carry their URL scheme (`tel:`, `fax:`, `mailto:`); NDC product codes
  are two or three hyphenated digit groups (FDA: "MPID: two or three segment NDC Code").
* ICH-NF: a telecom with only a nullFlavor is judged against the kinds the tables allow for
  telecoms (C.2.r.2.7, FDA.C.2.r.2.8, C.3.4.6-8), since its scheme cannot say which it is.
* ICH-COUNTRY: country names written as `addr/country` text (G.k.2.4, FDA.G.k.12.r.7.1e).
* ICH-DATE / ICH-FUTURE: every point in time in the message (parent, tests, devices ...), not
  only the elements the tables list: a valid calendar date, a real UTC offset, not in the future.
* ICH-PAIR / ICH-LEN: a product identifier (G.k.2.1.1a/b, D.8.r.2a/b, D.10.8.r.2a/b) comes with
  its version and the version fits its length; a code version without a code is a half pair.
* ICH-DUP: reaction and drug identifiers (the UUIDs G.k.1 and G.k.9.i refer to) are unique.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache

from lxml import etree

from . import constants as k
from .codelists import country_codes, list_elements
from .rules import element_specs, table_code_systems
from .timefmt import ts_to_datetime

_H = "{" + k.HL7_NS + "}"
_XSI_TYPE = "{" + k.XSI_NS + "}type"
_CODE_SYSTEMS = etree.XPath(".//@codeSystem", namespaces=k.XP_NS)
_TELECOM = _H + "telecom"
_COUNTRY = _H + "country"
_TS_TAGS = tuple(_H + tag for tag in ("low", "high", "center", "birthTime", "deceasedTime",
                                       "creationTime", "availabilityTime", "effectiveTime",
                                       "time"))
_FREE_SYSTEM_PARENTS = frozenset({_H + "kindOfProduct", _H + "ingredientSubstance"})
_PRODUCT = _H + "kindOfProduct"
_CODE = _H + "code"
_SCHEME = re.compile(r"^(tel|fax|mailto|http|https):", re.IGNORECASE)
_NDC = re.compile(r"^\d+-\d+(-\d+)?$")
NDC_OID = "2.16.840.1.113883.6.69"
# Elements whose code system the ICH IG leaves to the region (MPID, PhPID, substance TermID).
FREE_SYSTEM_ELEMENTS = frozenset({"G.k.2.1.1b", "G.k.2.1.2b", "G.k.2.3.r.2b", "D.8.r.2b",
                                  "D.8.r.3b", "D.10.8.r.2b", "D.10.8.r.3b"})
# Coded values the extractor does not read by element (device block, drug role, keyed
# observations with the code system in their path): the observation's code, or the element's
# tag, names the element whose table row gives the code systems.
_VALUE_BY_OBSERVATION = {
    "20": "G.k.1", "27": "E.i.7", "37": "E.i.3.1", "31": "G.k.9.i.4", "9": "G.k.10.r",
    "4": "D.2.3", "C54588": "FDA.C.1.7.1", "C17049": "FDA.D.11.r.1", "C16564": "FDA.D.12",
    "C54592": "FDA.G.k.12.r.2.r", "C54595": "FDA.G.k.12.r.8", "C54594": "FDA.G.k.12.r.11.r",
    "C54451": "FDA.G.k.12.r.3.r", "C94031": "FDA.G.k.10.1", "29": "E.i.2.1b",
    "19": "G.k.7.r.2b",
}
_BY_TAG = {_H + "interpretationCode": "F.r.3.1", _H + "formCode": "G.k.4.r.9.2b",
           _H + "routeCode": "G.k.4.r.10.2b", _H + "administrativeGenderCode": "D.5"}
_VALUE = _H + "value"
# OID arcs whose E2B members the tables enumerate: ICH's lists and ids, FDA's regional lists,
# ISO (3166, 639, 5218), NCI, EDQM and HL7's external systems (MedDRA, UCUM, NDC). A code
# system under another arc (another region's list, a sender's own terminology) is left to the
# element checks: an EU regional list is not wrong for being absent from FDA's table.
_GOVERNED_ROOTS = ("2.16.840.1.113883.3.989.2.", "2.16.840.1.113883.3.989.5.1.2.", "1.0.",
                   "2.16.840.1.113883.3.26.", "0.4.0.127.", "2.16.840.1.113883.6.")
_LOW = _H + "low"
_HIGH = _H + "high"
_LATEST_OFFSET = timedelta(hours=14)
_PQ_TYPES = frozenset({"PQ", "IVL_PQ"})


@lru_cache(maxsize=1)
def known_code_systems() -> frozenset[str]:
    """OIDs of the tables plus the external systems E2B(R3) uses."""
    return table_code_systems() | frozenset({
        k.MEDDRA_OID, k.COUNTRY_OID, k.LANGUAGE_OID, k.SEX_OID, k.UCUM_OID, k.EDQM_ROUTE_OID,
        k.EDQM_FORM_OID, k.HL7_ACT_CODE, k.HL7_INTERACTION, k.HL7_TRIGGER, k.NCI_OID,
        k.FDA_LOCAL_REPORT_TYPE, k.FDA_OBSERVATION, k.FDA_SIMILAR_DEVICE, NDC_OID,
    }) | frozenset(list_elements())


@lru_cache(maxsize=1)
def element_code_systems() -> dict[str, frozenset[str]]:
    """Element id -> the code systems its code may use (tables, and the list it defines)."""
    out = {element: spec.code_systems for element, spec in element_specs().items()
           if spec.code_systems and element not in FREE_SYSTEM_ELEMENTS}
    for oid, element in list_elements().items():
        out[element] = out.get(element, frozenset()) | {oid}
    specs = element_specs()
    # Elements sharing a carrier: FDA.G.k.1.a (similar device) rides on G.k.1's observation;
    # FDA.G.k.10a on G.k.10.r's (FDA's examples 5-2 and 6 code it in lists 1.1.7 and the FDA
    # list); an interpretationCode is F.r.3.1 or the HL7 normal-range flag of F.r.4/F.r.5.
    out["G.k.1"] = out.get("G.k.1", frozenset()) | specs["FDA.G.k.1.a"].code_systems
    out["G.k.10.r"] = (out.get("G.k.10.r", frozenset()) | specs["FDA.G.k.10a"].code_systems
                       | {k.CL_SENDER_TYPE})
    out["F.r.3.1"] = out.get("F.r.3.1", frozenset()) | specs["F.r.4"].code_systems
    return out


def _element_of(el) -> str | None:
    element = _BY_TAG.get(el.tag)
    if element is None and el.tag == _VALUE:
        parent = el.getparent()
        code = next(parent.iterchildren(_CODE), None) if parent is not None else None
        if code is not None:
            element = _VALUE_BY_OBSERVATION.get(code.get("code"))
    return element


@lru_cache(maxsize=1)
def _telecom_null_flavors() -> frozenset[str]:
    specs = element_specs()
    allowed: set[str] = set()
    for element in ("C.2.r.2.7", "FDA.C.2.r.2.8", "C.3.4.6", "C.3.4.7", "C.3.4.8"):
        spec = specs.get(element)
        if spec is not None:
            allowed |= spec.null_flavors | spec.fda_null_flavors
    return frozenset(allowed)


@lru_cache(maxsize=4)
def _version_limit(element: str) -> int:
    """The larger of the ICH and FDA limits: FDA's examples use 12-character MPID versions."""
    spec = element_specs()[element]
    return max(spec.max_length or 0, spec.fda_max_length or 0)


_ROLE = _H + "role"
_ORGANIZER = _H + "organizer"


def _product_element(el) -> str:
    """G.k.2.1.1a (drug), D.8.r.2a (past drug) or D.10.8.r.2a (parent's past drug)."""
    if next(el.iterancestors(_ROLE), None) is not None:
        return "D.10.8.r.2a"
    if next(el.iterancestors(_ORGANIZER), None) is not None:
        return "D.8.r.2a"
    return "G.k.2.1.1a"


def _where(el) -> str:
    return f"{etree.QName(el).localname} (line {el.sourceline})"


def check_formats(message: etree._Element, found, now: datetime) -> None:
    _code_systems(message, found)
    telecom_flavors = _telecom_null_flavors()
    for el in message.iter(_TELECOM, _COUNTRY, *_TS_TAGS):
        tag = el.tag
        if tag == _TELECOM:
            _telecom(el, found, telecom_flavors)
        elif tag == _COUNTRY:
            text = (el.text or "").strip()
            if text and text.upper() not in country_codes():
                found.add("ICH-COUNTRY", _where(el), f"{text!r} is not an ISO 3166-1 alpha-2 "
                          "country code (or EU)")
        else:
            _point_in_time(el, found, now)


def _code_systems(message, found) -> None:
    known = known_code_systems()
    for system in _CODE_SYSTEMS(message):
        el = system.getparent()
        parent = el.getparent()
        parent_tag = parent.tag if parent is not None else None
        if parent_tag == _PRODUCT and el.tag == _CODE:
            _product_identifier(el, found)
            continue
        if parent_tag in _FREE_SYSTEM_PARENTS and el.tag == _CODE:
            _version_length(el, found, "G.k.2.3.r.2a")
            continue
        if el.get("code") is None:
            if (el.get("codeSystemVersion") is not None and el.get("nullFlavor") is None
                    and len(el) == 0 and system != k.MEDDRA_OID):
                found.add("ICH-PAIR", _where(el), "a code version without a code")
            continue
        element = _element_of(el)
        expected = element_code_systems().get(element) if element else None
        if expected and k.MEDDRA_OID in expected and system not in expected:
            # named by element, as the MedDRA checks do: an open-terminology agreement with a
            # partner (submissions.services) waives exactly these for E.i.2.1
            found.add("ICH-CODE", element, f"code system {system} at {_where(el)} is not MedDRA "
                      f"({k.MEDDRA_OID})")
        elif system not in known and system.startswith(_GOVERNED_ROOTS):
            found.add("ICH-CODE", _where(el), f"code system {system} is not one the ICH or FDA "
                      "tables define")
        elif expected and system not in expected:
            found.add("ICH-CODE", _where(el), f"code system {system} is not the list {element} "
                      f"uses ({', '.join(sorted(expected))})")


def _product_identifier(el, found) -> None:
    """MPID / PhPID on the product's code: G.k.2.1.1a/b, D.8.r.2a/b (Conditional-Mandatory)."""
    code, version = el.get("code"), el.get("codeSystemVersion")
    if el.get("nullFlavor") is not None:
        return
    if (code is None) != (version is None):
        missing = "version" if version is None else "identifier"
        found.add("ICH-PAIR", _where(el), f"product identifier without its {missing} "
                  "(G.k.2.1.1a/b, D.8.r.2a/b go together)")
    element = _product_element(el) if version is not None else ""
    if version is not None and _version_limit(element) and len(version) > _version_limit(element):
        found.add("ICH-LEN", _where(el), f"{element}: identifier version of {len(version)} "
                  f"characters, maximum {_version_limit(element)}")
    if code is not None and el.get("codeSystem") == NDC_OID and not _NDC.match(code):
        found.add("ICH-FORMAT", _where(el), f"{code!r} is not an NDC (two or three groups of "
                  "digits joined by hyphens)")


def _version_length(el, found, element: str) -> None:
    version = el.get("codeSystemVersion")
    limit = element_specs()[element].max_length
    if version is not None and limit and len(version) > limit:
        found.add("ICH-LEN", _where(el), f"{element}: version of {len(version)} characters, "
                  f"maximum {limit}")


def _telecom(el, found, allowed: frozenset[str]) -> None:
    value = el.get("value")
    flavor = el.get("nullFlavor")
    if value is not None and not _SCHEME.match(value.strip()):
        found.add("ICH-FORMAT", _where(el), f"telecom {value!r} has no URL scheme "
                  "(tel:, fax:, mailto:)")
    elif value is not None and flavor is None and not value.split(":", 1)[1].strip():
        found.add("ICH-EMPTY", _where(el), f"telecom {value!r} without an address or nullFlavor")
    elif value is not None and flavor is None and value.lower().startswith("mailto:") \
            and "@" not in value:
        found.add("ICH-FORMAT", _where(el), f"e-mail address {value!r} has no '@'")
    if flavor is not None and flavor not in allowed:
        found.add("ICH-NF", _where(el), f"nullFlavor {flavor} is not allowed for a telecom "
                  f"(allowed: {', '.join(sorted(allowed))})")


def _point_in_time(el, found, now: datetime) -> None:
    value = el.get("value")
    if value is None or el.get("unit") is not None:
        return
    parent_type = el.getparent().get(_XSI_TYPE) if el.getparent() is not None else None
    if el.get(_XSI_TYPE) in _PQ_TYPES or parent_type in _PQ_TYPES:
        return
    moment = ts_to_datetime(value)
    if moment is None:
        found.add("ICH-DATE", _where(el), f"{value!r} is not a valid date/time "
                  "(CCYY[MM[DD[hh[mm[ss]]]]][+/-ZZzz])")
    elif moment > now + _LATEST_OFFSET:
        found.add("ICH-FUTURE", _where(el), f"{value!r} is in the future")
    elif el.tag == _HIGH:
        low = next(el.itersiblings(_LOW, preceding=True), None)
        if low is not None and is_after(low.get("value"), value):
            found.add("ICH-ORDER", _where(el), f"interval ends ({value}) before it starts "
                      f"({low.get('value')})")


def is_after(start: str | None, end: str) -> bool:
    """`start` later than `end`, compared at the precision both have (a TS "2019" is a year)."""
    if start is None or ts_to_datetime(start) is None:
        return False
    a, b = _digits(start), _digits(end)
    if len(a) >= 10 and len(b) >= 10 and _zone(start) and _zone(end):
        return ts_to_datetime(start) > ts_to_datetime(end)
    common = min(len(a), len(b), 8)
    return a[:common] > b[:common]


def _digits(value: str) -> str:
    return re.split(r"[.+-]", value, maxsplit=1)[0]


def _zone(value: str) -> bool:
    return "+" in value or "-" in value


def check_unique_ids(groups, what: str, found, severity: str = "error") -> None:
    seen: set[str] = set()
    for group in groups:
        for child in group.element.iterchildren(_H + "id"):
            root = child.get("root")
            if root is None:
                continue
            if root in seen:
                found.add("ICH-DUP", what, f"identifier {root} is used twice", severity)
            seen.add(root)
