"""Element metadata and FDA rule ids read from the bundled ICH and FDA CSV tables.

The business-rule layer is driven by these tables: conformance (Mandatory / Required), allowed
nullFlavors, maximum lengths, data types and code lists come from here, not from constants in
code. The tables are spreadsheet conversions (see data/SOURCE.md), so parsing is forgiving:
element ids are stripped, multi-line cells kept, unknown columns ignored.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
ICH_TABLE = DATA_DIR / "rules" / "ich" / "ICH_E2B_R3_core_data_elements_business_rules.csv"
FDA_TABLE = DATA_DIR / "rules" / "fda" / "FDA_E2B_R3_core_regional_data_elements.csv"
FDA_RULES = DATA_DIR / "rules" / "fda" / "FDA_E2B_R3_rejection_warning_rules.csv"

_NULL_FLAVOR_COLUMNS = ("NI", "MSK", "UNK", "NA", "ASKU", "NASK", "NINF", "PINF", "OTH")
_CODE_RE = re.compile(r"(?:^|\s)(\d{1,2}|C\d{4,6})\s*=")  # ICH "1=..."; FDA's NCI "C16352=..."
_RULE_ID_RE = re.compile(r"^[RW]\d{4}$")
_OID_RE = re.compile(r"\b[0-2](?:\.\d+){3,}\b")
# "Minimum precision required is the day", "... down to the second", "CCYY (Minimum)".
_PRECISION = (("second", 14), ("day", 8), ("year", 4))
_PRECISION_RE = re.compile(r"(?:minimum precision|full precision|precision of date)[^.]*?"
                           r"\b(second|day|year)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ElementSpec:
    id: str
    name: str
    max_length: int | None
    data_type: str  # "AN", "N", "A", "Date/Time", "Boolean", "B64" ...
    conformance: str  # ICH: "Mandatory", "Required", "Optional", "Conditional-Mandatory"
    null_flavors: frozenset[str]
    codes: frozenset[str] | None  # allowed code values, None when free / numeric
    fda_postmarket: str = ""  # FDA post-market conformance ("Required", "Optional", "-")
    fda_premarket: str = ""
    fda_null_flavors: frozenset[str] = frozenset()
    fda_max_length: int | None = None  # FDA's own limit where its table differs
    code_systems: frozenset[str] = frozenset()  # OIDs the tables name for the element
    min_precision: int = 0  # date digits required: 4 year, 8 day, 14 second (0: any)

    @property
    def mandatory(self) -> bool:
        return self.conformance.startswith(("Mandatory", "Required"))


@lru_cache(maxsize=1)
def element_specs() -> dict[str, ElementSpec]:
    """ICH elements from the ICH table, FDA.* elements and FDA conformance from the FDA table."""
    specs: dict[str, ElementSpec] = {}
    rows = _read(ICH_TABLE)
    header = rows[1]
    nf_cols = {name: header.index(name) for name in _NULL_FLAVOR_COLUMNS if name in header}
    for row in rows[2:]:
        spec = _spec(row, id_col=2, name_col=3, len_col=4, type_col=5, values_col=6,
                     conf_col=7, nf_cols=nf_cols, oid_col=19, rule_col=8)
        if spec is not None:
            specs[spec.id] = spec

    rows = _read(FDA_TABLE)
    header = rows[1]
    # The FDA header repeats CONFORMANCE per route: ICH (7), post-market (9), pre-market (11).
    nf_cols = {name: header.index(name) for name in _NULL_FLAVOR_COLUMNS if name in header}
    for row in rows[2:]:
        spec = _spec(row, id_col=2, name_col=3, len_col=4, type_col=5, values_col=6,
                     conf_col=7, nf_cols=nf_cols, oid_col=29, rule_col=8)
        if spec is None:
            continue
        post, pre = _cell(row, 9), _cell(row, 11)
        base = specs.get(spec.id)
        if base is None:  # FDA regional element: take everything from the FDA table
            base = spec
        specs[spec.id] = ElementSpec(**{**base.__dict__, "fda_postmarket": post,
                                        "fda_premarket": pre,
                                        "fda_null_flavors": spec.null_flavors,
                                        "fda_max_length": spec.max_length,
                                        "code_systems": base.code_systems | spec.code_systems,
                                        "min_precision": max(base.min_precision,
                                                             spec.min_precision)})
    return specs


@lru_cache(maxsize=1)
def ich_element_ids() -> tuple[str, ...]:
    """Every data element numbered in the ICH table, in table order."""
    rows = _read(ICH_TABLE)
    ids = []
    for row in rows[2:]:
        element = _cell(row, 2)
        if element and element[0].isalpha() and element not in ids:
            ids.append(element)
    return tuple(ids)


@lru_cache(maxsize=1)
def fda_rules() -> dict[str, str]:
    """FDA rejection (Rxxxx) and warning (Wxxxx) ids -> error description."""
    rules: dict[str, str] = {}
    for row in _read(FDA_RULES):
        if len(row) > 6 and _RULE_ID_RE.match(row[5].strip()):
            rules[row[5].strip()] = " ".join(row[6].split())
    return rules


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


@lru_cache(maxsize=1)
def table_code_systems() -> frozenset[str]:
    """Every OID the bundled tables name (OID columns, XPaths, rule text)."""
    found: set[str] = set()
    for path in (ICH_TABLE, FDA_TABLE, FDA_RULES):
        found.update(_OID_RE.findall(path.read_text(encoding="utf-8-sig")))
    return frozenset(found)


def _precision(text: str) -> int:
    match = _PRECISION_RE.search(text)
    if match is None:
        return 4 if "CCYY (Minimum)" in text else 0
    return dict(_PRECISION)[match.group(1).lower()]


def _spec(row, *, id_col, name_col, len_col, type_col, values_col, conf_col, nf_cols,
          oid_col, rule_col):
    element = _cell(row, id_col)
    if not element or element in {"-", "(Header)"} or not element[0].isalpha():
        return None
    length = _cell(row, len_col)
    data_type = " ".join(_cell(row, type_col).split())
    values = _cell(row, values_col)
    codes = frozenset(_CODE_RE.findall(values)) or None
    if data_type == "Boolean":
        lowered = values.lower()
        codes = frozenset(word for word in ("true", "false") if word in lowered)
    null_flavors = frozenset(
        name for name, col in nf_cols.items() if _cell(row, col).lower() == "yes"
    )
    return ElementSpec(
        id=element,
        name=" ".join(_cell(row, name_col).split()),
        max_length=int(length) if length.isdigit() else None,
        data_type=data_type,
        conformance=_cell(row, conf_col),
        null_flavors=null_flavors,
        codes=codes,
        code_systems=frozenset(_OID_RE.findall(_cell(row, oid_col))),
        min_precision=_precision(" ".join((values + " " + _cell(row, rule_col)).split()))
        if data_type == "Date/Time" else 0,
    )
