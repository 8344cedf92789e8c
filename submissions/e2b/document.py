"""A received ICSR as a JSON document: the typed snapshot, its kept elements and its route.

This is what a case stores about what it received (`Case.e2b_document`), so a re-export can
send back every data element with its nullFlavor and date precision. The schema is the
snapshot's dataclasses (snapshot.py) plus `retained.Kept`; values are tagged so they load back
as the same types: dates and times as their HL7 TS text (`{"ts": "20220614101010-0500"}`,
`{"ts": "2019"}`: precision and zone as received), decimals as text, tuples and sets as lists.

    doc = snapshot_to_document(case, header)     # JSON-serialisable dict
    case, route = snapshot_from_document(doc)    # route: the received BatchHeader
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal

from . import snapshot as s
from .retained import Kept
from .timefmt import format_ts, parse_ts

VERSION = 1
_CLASSES = {cls.__name__: cls for cls in (
    s.BatchHeader, s.CaseSnapshot, s.Code, s.Dosage, s.Drug, s.FdaRegional, s.Indication,
    s.Ingredient, s.MedicalHistory, s.Nullification, s.PastDrug, s.Patient, s.PrimarySource,
    s.Quantity, s.Reaction, s.Relatedness, s.Sender, s.Study, s.StudyRegistration,
    s.CodedTerm, s.Death,
)}
_SKIPPED = {"restricted_values"}  # the member's Restricted values are never stored here


def _dump(value):
    if isinstance(value, Kept):
        return {"kept": value.to_json()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)
                  if f.name not in _SKIPPED}
        return {"obj": [type(value).__name__, fields]}
    if isinstance(value, datetime | date):
        return {"ts": format_ts(value)}
    if isinstance(value, Decimal):
        return {"dec": str(value)}
    if isinstance(value, float):
        return {"dec": repr(value)}
    if isinstance(value, tuple):
        return {"tuple": [_dump(v) for v in value]}
    if isinstance(value, frozenset):
        return {"set": sorted(_dump(v) for v in value)}
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {"map": {key: _dump(v) for key, v in value.items()}}
    return value  # str, int, bool, None


def _load(value):
    if isinstance(value, list):
        return [_load(v) for v in value]
    if not isinstance(value, dict):
        return value
    (tag, inner), = value.items()
    if tag == "obj":
        name, fields = inner
        return _CLASSES[name](**{key: _load(v) for key, v in fields.items()})
    if tag == "kept":
        return Kept.from_json(inner)
    if tag == "ts":
        return parse_ts(inner)
    if tag == "dec":
        return Decimal(inner)
    if tag == "tuple":
        return tuple(_load(v) for v in inner)
    if tag == "set":
        return frozenset(_load(v) for v in inner)
    if tag == "map":
        return {key: _load(v) for key, v in inner.items()}
    raise ValueError(f"unknown tag {tag!r} in an E2B document")


def snapshot_to_document(case: s.CaseSnapshot, route: s.BatchHeader | None = None) -> dict:
    return {"version": VERSION, "case": _dump(case),
            "route": _dump(route) if route is not None else None}


def snapshot_from_document(document: dict) -> tuple[s.CaseSnapshot, s.BatchHeader | None]:
    route = document.get("route")
    return _load(document["case"]), (_load(route) if route else None)


def route_from_document(document: dict) -> s.BatchHeader | None:
    """Only the route (cheaper than loading the whole case)."""
    route = document.get("route")
    return _load(route) if route else None


__all__ = ["route_from_document", "snapshot_from_document", "snapshot_to_document"]
