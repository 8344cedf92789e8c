"""Code lists the validator checks values against, loaded once per process.

* ISO 3166-1 alpha-2 countries and ISO 639 languages come from `pycountry` (the iso-codes
  databases, kept current by that project); E2B adds the reserved country code `EU`.
* ICH code lists (OIDs 2.16.840.1.113883.3.989.2.1.1.N) and FDA's regional lists are read from
  the bundled ICH and FDA element tables: the "values allowed" of the element each list serves.
* UCUM: E2B's constrained unit list, shipped as `data/codelists/ucum_e2b.txt`.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

from . import constants as k
from .rules import DATA_DIR, element_specs

UCUM_FILE = DATA_DIR / "codelists" / "ucum_e2b.txt"
_ICH_LIST = re.compile(r"^2\.16\.840\.1\.113883\.3\.989\.2\.1\.1\.(\d+)$")
# Which element's "values allowed" defines each code list (ICH IG Appendix I; FDA regional).
_LIST_ELEMENTS = {
    k.CL_REPORT_TYPE: "C.1.3",
    k.CL_FIRST_SENDER: "C.1.8.2",
    k.CL_NULLIFICATION: "C.1.11.1",
    k.CL_QUALIFICATION: "C.2.r.4",
    k.CL_SENDER_TYPE: "C.3.1",
    f"{k.ICH}.1.8": "C.5.4",
    k.CL_AGE_GROUP: "D.2.3",
    f"{k.ICH}.1.10": "E.i.3.1",
    k.CL_OUTCOME: "E.i.7",
    f"{k.ICH}.1.12": "F.r.3.1",
    k.CL_DRUG_ROLE: "G.k.1",
    k.CL_ACTION_TAKEN: "G.k.8",
    f"{k.ICH}.1.16": "G.k.9.i.4",
    f"{k.ICH}.1.17": "G.k.10.r",
    k.SEX_OID: "D.5",
    k.FDA_LOCAL_REPORT_TYPE: "FDA.C.1.7.1",
}


# FDA device lists (FDA table, rows FDA.G.k.12.r.11.r "1-Recall ... 9-Other", FDA.G.k.12.r.8,
# FDA.G.k.12.r.2.r, FDA.G.k.12.r.10, FDA.G.k.10a, FDA.G.k.1.a), written with hyphens or bare.
_FDA_LISTS = {
    "2.16.840.1.113883.3.989.5.1.2.1.1.3": frozenset(str(n) for n in range(1, 10)),
    "2.16.840.1.113883.3.989.5.1.2.1.1.4": frozenset({"1", "2", "3"}),
    "2.16.840.1.113883.3.989.5.1.2.1.1.5": frozenset({"1", "2", "3", "4"}),
    "2.16.840.1.113883.3.989.5.1.2.1.1.6": frozenset({"1", "2", "3"}),
    "2.16.840.1.113883.3.989.5.1.2.1.1.7": frozenset({"1", "2", "3", "4", "5"}),  # FDA.G.k.10a
    k.FDA_SIMILAR_DEVICE: frozenset({"1"}),
}


def list_elements() -> dict[str, str]:
    """Code list OID -> the element whose "values allowed" defines it."""
    return dict(_LIST_ELEMENTS)


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | {"EU"}


@lru_cache(maxsize=1)
def language_codes() -> frozenset[str]:
    """ISO 639-2 codes: terminology (= 639-3 ids of 639-2 languages) and bibliographic forms.

    pycountry carries ISO 639-3 (a superset of 639-2's individual languages) with the 639-2/B
    variants, and ISO 639-5 for 639-2's collective codes; 639-2's special codes are added.
    """
    codes = {lang.alpha_3 for lang in pycountry.languages}
    codes |= {lang.bibliographic for lang in pycountry.languages if hasattr(lang, "bibliographic")}
    codes |= {family.alpha_3 for family in pycountry.language_families}
    codes |= {"mis", "mul", "und", "zxx"}
    return frozenset(codes)


@lru_cache(maxsize=1)
def oid_code_lists() -> dict[str, frozenset[str]]:
    specs = element_specs()
    lists = dict(_FDA_LISTS)
    for oid, element in _LIST_ELEMENTS.items():
        codes = specs[element].codes
        if codes:
            lists[oid] = frozenset(codes)
    return lists


@lru_cache(maxsize=1)
def ucum_units() -> frozenset[str]:
    units = set()
    for line in UCUM_FILE.read_text(encoding="utf-8").splitlines():
        unit = line.split("#", 1)[0].strip()
        if unit:
            units.add(unit)
    return frozenset(units)


@lru_cache(maxsize=1)
def ucum_units_folded() -> frozenset[str]:
    return frozenset(unit.lower() for unit in ucum_units())


# Units FDA's table allows for time-like quantities ("UCUM code: a (Year), mo (Month) ...").
_TIME = frozenset({"s", "min", "h", "d", "wk", "mo", "a"})
ELEMENT_UNITS: dict[str, frozenset[str]] = {
    "D.2.2b": frozenset({"a", "mo", "wk", "d", "h", "10.a"}),
    "D.10.2.2b": frozenset({"a", "mo", "wk", "d", "h", "10.a"}),
    "D.2.2.1b": frozenset({"wk", "d", "mo", "{trimester}", "{Trimester}"}),
    "G.k.6b": frozenset({"wk", "d", "mo", "{trimester}", "{Trimester}"}),
    "E.i.6b": _TIME,
    "G.k.4.r.6b": _TIME,
    "G.k.9.i.3.1b": _TIME,
    "G.k.9.i.3.2b": _TIME,
    "G.k.4.r.3": _TIME | {"{cyclical}", "{asnecessary}", "{total}"},
}
