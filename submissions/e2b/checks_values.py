"""Datatype and code-list checks on every element of a message, wherever it sits.

The element tables in `extract.py` name the elements the ICH/FDA rules talk about; this module
checks the HL7 datatypes underneath all of them, so a rule holds for every repetition (each
medical-history entry, each dose, each test result) and for blocks the tables do not list:

* ICH-PAIR: halves that sit on one element go together: a MedDRA `code` and its
  `codeSystemVersion` (E.i.2.1a/b, D.7.1.r.1a/b, D.8.r.6a/b, D.9.2.r.1a/b, G.k.7.r.2a/b,
  H.3.r.1a/b ...), a quantity's `value` and `unit` (D.2.2a/b, D.2.2.1a/b, E.i.6a/b,
  G.k.4.r.1a/b, G.k.4.r.2/3, G.k.5a/b, G.k.9.i.3.1a/b, F.r.3.2/3 ...).
* ICH-MEDDRA: MedDRA codes are 8 digits, versions `NN.N`, one version per ICSR.
* ICH-COUNTRY (ISO 3166-1 alpha-2 or EU), ICH-LANG (ISO 639-2), ICH-UCUM (E2B's constrained
  UCUM list), ICH-CODE (ICH and FDA OID code lists: a code must come from its list).
* ICH-EMPTY: an identifier without extension, a BL without value, an empty text element, a
  coded element without code: "present" is not "provided". ICH-NF: a nullFlavor stands instead
  of a value, never beside one.

Candidates are selected in C (attribute XPaths, tag-filtered iteration), so the Python work is
proportional to the coded and quantity elements, not to the whole message.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from . import constants as k
from .codelists import country_codes, language_codes, oid_code_lists, ucum_units, ucum_units_folded

_NS = k.XP_NS
# Attribute-axis XPaths (`.//@unit`) run in C and return only the hits; element tests such as
# `.//*[self::h:text or ...]` cost ~20x more on a 300-element message, so candidates are taken
# from attributes and from tag-filtered iteration, and judged in Python.
_CODE_SYSTEMS = etree.XPath(".//@codeSystem", namespaces=_NS)
_VERSIONS = etree.XPath(".//@codeSystemVersion[not(../@codeSystem)]", namespaces=_NS)
_UNITS = etree.XPath(".//@unit", namespaces=_NS)
_TYPES = etree.XPath(".//@xsi:type", namespaces=_NS)
_LANGUAGES = etree.XPath(".//@language", namespaces=_NS)
_NULL_FLAVORS = etree.XPath(".//@nullFlavor", namespaces=_NS)
_H = "{" + k.HL7_NS + "}"
_ID = _H + "id"
_QUANTITY_TAGS = tuple(_H + tag for tag in ("doseQuantity", "period", "width", "numerator",
                                              "pauseQuantity"))
_TEXT_TAGS = tuple(_H + tag for tag in (
    "text", "originalText", "title", "given", "family", "prefix", "streetAddressLine", "city",
    "state", "postalCode", "bibliographicDesignationText"))
_NAME = _H + "name"
_TELECOM = _H + "telecom"
_ROOTS = ("2.16.840.1.113883.3.989.",)
_PASS_TAGS = (_ID, _TELECOM, _NAME, *_TEXT_TAGS, *_QUANTITY_TAGS)
_MEDDRA_CODE = re.compile(r"^\d{8}$")
_MEDDRA_VERSION = re.compile(r"^\d{1,2}\.\d$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _tag(el) -> str:
    return etree.QName(el).localname


def _where(el) -> str:
    return f"{_tag(el)} (line {el.sourceline})"


def check_values(message: etree._Element, found) -> None:
    """Add ICH-PAIR/MEDDRA/COUNTRY/LANG/UCUM/CODE/EMPTY failures for one PORR message."""
    _coded(message, found)
    quantities, booleans, texts = [], [], []
    for xsi_type in _TYPES(message):
        if xsi_type == "PQ":
            quantities.append(xsi_type.getparent())
        elif xsi_type == "IVL_PQ":  # F.r.3.2: its low / high / center are the quantities
            quantities.extend(xsi_type.getparent())
        elif xsi_type == "BL":
            booleans.append(xsi_type.getparent())
        elif xsi_type in ("ST", "ED"):
            texts.append(xsi_type.getparent())
    quantities.extend(unit.getparent() for unit in _UNITS(message))
    # one tag-filtered traversal (in C) for identifiers, text, names, telecoms, quantities
    for el in message.iter(*_PASS_TAGS):
        tag = el.tag
        if tag == _ID:
            root = el.get("root")
            if (root and root.startswith(_ROOTS) and not (el.get("extension") or "").strip()
                    and el.get("nullFlavor") is None):
                found.add("ICH-EMPTY", _where(el), f"identifier {root} without extension")
        elif tag == _TELECOM:
            if not el.get("value") and el.get("nullFlavor") is None:
                found.add("ICH-EMPTY", _where(el), "telecom without value or nullFlavor")
        elif tag in _QUANTITY_TAGS:
            quantities.append(el)
        elif tag != _NAME or el.get("codeSystem") is None:
            texts.append(el)
    _quantities(quantities, found)
    _languages(message, found)
    for el in texts:
        if len(el) == 0 and not (el.text or "").strip() and el.get("nullFlavor") is None:
            found.add("ICH-EMPTY", _where(el), "text element without text or nullFlavor")
    for flavor in _NULL_FLAVORS(message):
        el = flavor.getparent()
        value = el.get("value")
        if value is not None and value.endswith(":"):
            value = None  # a masked telecom keeps its scheme ("tel:"): no value
        if el.get("code") or value or el.get("extension") or (el.text or "").strip():
            found.add("ICH-NF", _where(el), f"nullFlavor {flavor} given together with a value")
    for el in booleans:
        if el.get("value") is None and el.get("nullFlavor") is None:
            found.add("ICH-EMPTY", _where(el), "boolean without value or nullFlavor")


@lru_cache(maxsize=1)
def _checked_systems() -> frozenset[str]:
    return frozenset({k.MEDDRA_OID, k.COUNTRY_OID, *oid_code_lists()})


def _coded(message, found) -> None:
    lists = oid_code_lists()
    countries = country_codes()
    versions: set[str] = set()
    checked = _checked_systems()
    for system in _CODE_SYSTEMS(message):
        if system not in checked:  # most are observation codes (list 1.1.19): nothing to check
            continue
        el = system.getparent()
        code = el.get("code")
        if el.get("nullFlavor"):
            continue
        if system == k.MEDDRA_OID:
            _meddra(el, code, versions, found)
        elif code is None:
            continue  # a designation without a code (originalText, displayName): not coded
        elif system == k.COUNTRY_OID:
            # FDA's all-elements example sends "eu": gateways compare without case.
            if code not in countries and code.upper() not in countries:
                found.add("ICH-COUNTRY", _where(el), f"{code!r} is not an ISO 3166-1 alpha-2 "
                          "country code (or EU)")
        else:
            allowed = lists.get(system)
            if allowed is not None and code not in allowed:
                found.add("ICH-CODE", _where(el), f"{code!r} is not in code list {system} "
                          f"({', '.join(sorted(allowed, key=_numeric_first))})")
    for version in _VERSIONS(message):
        el = version.getparent()
        if el.get("code") is not None:
            found.add("ICH-PAIR", _where(el), "coded value with a version but no code system")
    if len(versions) > 1:
        found.add("ICH-MEDDRA", "E.i.2.1a", "more than one MedDRA version in one ICSR: "
                  + ", ".join(sorted(versions)))


def _numeric_first(code: str):
    return (0, int(code), "") if code.isdigit() else (1, 0, code)


def _meddra(el, code, versions: set[str], found) -> None:
    version = el.get("codeSystemVersion")
    if (code is None) != (version is None):
        missing = "version (codeSystemVersion)" if version is None else "code"
        found.add("ICH-PAIR", _where(el), f"MedDRA {missing} missing: a MedDRA term needs "
                  "both its code and its version")
    if code is not None and not _MEDDRA_CODE.match(code):
        found.add("ICH-MEDDRA", _where(el), f"{code!r} is not a MedDRA code (8 digits)")
    if version is not None:
        if not _MEDDRA_VERSION.match(version):
            found.add("ICH-MEDDRA", _where(el), f"{version!r} is not a MedDRA version (NN.N)")
        versions.add(version)


def _quantities(elements, found) -> None:
    units = ucum_units()
    seen = set()
    for el in elements:
        if el in seen or el.get("nullFlavor"):
            continue
        seen.add(el)
        if el.get("nullFlavor"):
            continue
        value, unit = el.get("value"), el.get("unit")
        if value is None and unit is None:
            if len(el):
                continue  # an IVL_PQ / ratio container: its low/high/center are checked
            found.add("ICH-EMPTY", _where(el), "quantity without value or nullFlavor")
            continue
        if value is None:
            found.add("ICH-PAIR", _where(el), f"unit {unit!r} given without a number")
        elif not _NUMBER.match(value.strip()):
            found.add("ICH-PAIR", _where(el), f"{value!r} is not a number")
        elif value.strip().startswith("-") and not _may_be_negative(el):
            found.add("ICH-CODE", _where(el), f"{value!r}: a dose, age, weight, height, "
                      "duration or interval is not negative")
        if unit is None:
            if value is not None:
                found.add("ICH-PAIR", _where(el), f"number {value!r} given without a unit")
        elif not _known_unit(unit, units):
            found.add("ICH-UCUM", _where(el), f"{unit!r} is not an E2B (constrained UCUM) unit")


_TESTS = frozenset({"3"})  # organizer code of F.r (test results may be below zero)


def _may_be_negative(el) -> bool:
    for ancestor in el.iterancestors(_H + "organizer"):
        code = next(ancestor.iterchildren(_H + "code"), None)
        return code is not None and code.get("code") in _TESTS
    return False


def _known_unit(unit: str, units: frozenset[str]) -> bool:
    return unit in units or unit.lower() in ucum_units_folded()


def _languages(message, found) -> None:
    languages = language_codes()
    for code in _LANGUAGES(message):
        el = code.getparent()
        if code not in languages:
            found.add("ICH-LANG", _where(el), f"{code!r} is not an ISO 639-2 language code")
