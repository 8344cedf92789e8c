"""Validate an E2B(R3) ICSR batch: the ICH XSD, then a business-rule layer per profile.

Profiles: "ich" (core rules), "fda" (ich + FDA regional elements, receiver ids and FDA rejection
rules R/Wxxxx), "ema" (ich + EU receiver ids and EU-specific checks). Each failure names its rule
and element, so a rejected message says exactly what to fix. Only `severity == "error"` makes a
message invalid; warnings mirror FDA's Wxxxx rules and soft ICH guidance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from lxml import etree

from . import constants as k
from .checks_format import element_code_systems
from .codelists import ELEMENT_UNITS
from .extract import Extract, Hit, batch_values, extract, group_id
from .rules import DATA_DIR, ElementSpec, element_specs
from .safexml import MAX_BYTES, E2BParseError, parse_xml
from .timefmt import ts_precision, ts_to_datetime

PROFILES = ("ich", "fda", "ema")
SCHEMA_DIR = DATA_DIR / "schema" / "multicacheschemas"
_NUMERIC = frozenset({"N"})
_XP_MESSAGES = etree.XPath("h:PORR_IN049016UV", namespaces=k.XP_NS)


@dataclass(frozen=True)
class Failure:
    rule: str  # "XSD", "ICH-REQ", "ICH-NF", ..., FDA "R0019", versions "VER-C.1.8.1"
    element: str  # E2B element id ("C.1.1"), or "line N" for schema errors
    message: str
    severity: str = "error"
    message_index: int | None = None  # 1-based position of the ICSR in the batch

    def __str__(self) -> str:
        where = f" (message {self.message_index})" if self.message_index else ""
        prefix = "warning " if self.severity == "warning" else ""
        return f"{prefix}[{self.rule}] {self.element}: {self.message}{where}"


def errors(failures: list[Failure]) -> list[Failure]:
    return [f for f in failures if f.severity == "error"]


@lru_cache(maxsize=2)
def schema(kind: str = "icsr") -> etree.XMLSchema:
    """The ICH schema, loaded once per process (about 30 ms)."""
    name = "MCCI_IN200100UV01.xsd" if kind == "icsr" else "MCCI_IN200101UV01.xsd"
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / name), parser))


def validate(document: bytes | etree._Element | etree._ElementTree, profile: str = "ich", *,
             initial: bool | None = None, now: datetime | None = None) -> list[Failure]:
    """XSD then business rules. `document` is XML bytes or an lxml tree (built or parsed).

    `initial` says whether this is the first transmission of the case (FDA R0011, R0101);
    None means unknown (R0011 is then applied, R0101 is not).
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
    if isinstance(document, bytes | bytearray):
        if len(document) > MAX_BYTES:
            return [Failure("PARSE", "document", f"larger than {MAX_BYTES} bytes")]
        try:
            root = parse_xml(bytes(document))
        except E2BParseError as exc:
            return [Failure("PARSE", "document", str(exc))]
    else:
        root = document.getroot() if isinstance(document, etree._ElementTree) else document
    xsd = schema("icsr")
    if not xsd.validate(root):
        return [Failure("XSD", f"line {e.line}", e.message) for e in xsd.error_log]
    return business_rules(root, profile, initial=initial, now=now)


def business_rules(root: etree._Element, profile: str = "ich", *, initial: bool | None = None,
                   now: datetime | None = None) -> list[Failure]:
    from .checks_ich import check_message
    from .checks_regional import check_ema, check_fda

    now = now or datetime.now(UTC)
    specs = element_specs()
    batch = batch_values(root)
    out: list[Failure] = []
    for element, value in batch.items():
        if not value or value.isspace():
            out.append(Failure("ICH-REQ", element, f"{specs[element].name} is required"))
    if batch["N.1.1"] and batch["N.1.1"] != "1":
        out.append(Failure("ICH-CODE", "N.1.1", f"value {batch['N.1.1']!r} is not allowed"))
    if batch["N.1.5"]:
        out.extend(check_date("N.1.5", batch["N.1.5"], now, None))
    for element in ("N.1.2", "N.1.3", "N.1.4"):
        limit = specs[element].max_length
        if batch[element] and limit and len(batch[element]) > limit:
            out.append(Failure("ICH-LEN", element, f"{len(batch[element])} characters, "
                               f"maximum {limit}"))
    messages = _XP_MESSAGES(root)
    if not messages:
        out.append(Failure("ICH-REQ", "N.2.r", "the batch holds no ICSR message"))
    message_ids: dict[str, int] = {}
    case_ids: dict[str, int] = {}
    for index, message in enumerate(messages, start=1):
        data = extract(message)
        case_id = data.message.value("C.1.1")
        if case_id is not None:
            if case_id in case_ids:
                out.append(Failure("ICH-DUP", "C.1.1", f"safety report {case_id!r} repeats "
                                   f"message {case_ids[case_id]} of the batch",
                                   message_index=index))
            case_ids.setdefault(case_id, index)
        message_id = data.message.value("N.2.r.1")
        if message_id is not None:
            if message_id in message_ids:
                out.append(Failure("ICH-DUP", "N.2.r.1", f"message identifier {message_id!r} "
                                   f"repeats message {message_ids[message_id]} of the batch",
                                   message_index=index))
            message_ids.setdefault(message_id, index)
        found = generic_checks(data, profile, now, index) + check_message(data, index, now)
        if profile == "fda":
            found += check_fda(data, batch, index, initial=initial)
        elif profile == "ema":
            found += check_ema(data, batch, index)
        out.extend(found)
    return out


def generic_checks(data: Extract, profile: str, now: datetime, index: int) -> list[Failure]:
    """Table-driven checks on every extracted value: nullFlavor, length, code list, dates."""
    plans = _plans(profile)
    out: list[Failure] = []
    for group in data.groups():
        for element, hits in group.fields.items():
            plan = plans.get(element)
            if plan is None:
                continue
            for hit in hits:
                if hit.null_flavor:
                    if hit.null_flavor not in plan.null_flavors:
                        out.append(Failure(
                            "ICH-NF", element, f"nullFlavor {hit.null_flavor} is not allowed for "
                            f"{plan.name} (allowed: {plan.null_flavors_shown})",
                            message_index=index))
                elif hit.value is not None:
                    if plan.checks_value:
                        out.extend(_check_value(plan, hit.value, now, index))
                    if plan.code_systems and hit.node is not None:
                        out.extend(_check_system(plan, hit, index))
    return out


def _check_system(plan: _Plan, hit: Hit, index: int) -> list[Failure]:
    """A code read from `@code` must come from the list its element is tied to."""
    node = hit.node
    system = node.get("codeSystem")
    if system is None or node.get("code") != hit.value or system in plan.code_systems:
        return []
    return [Failure("ICH-CODE", plan.spec.id, f"code system {system} is not the one "
                    f"{plan.spec.id} uses ({', '.join(sorted(plan.code_systems))})",
                    message_index=index)]


class _Plan(NamedTuple):
    """Per element and profile, what `_check_hit` needs, worked out once per process."""

    spec: ElementSpec
    name: str
    null_flavors: frozenset[str]
    null_flavors_shown: str
    max_length: int  # 0: no length check
    codes: frozenset[str] | None
    codes_shown: str
    numeric: bool
    date: bool
    checks_value: bool
    code_systems: frozenset[str]


@lru_cache(maxsize=8)
def _plans(profile: str) -> dict[str, _Plan]:
    return {element: _plan(spec, profile) for element, spec in element_specs().items()}


def _plan(spec: ElementSpec, profile: str) -> _Plan:
    allowed = spec.null_flavors | (spec.fda_null_flavors if profile == "fda" else frozenset())
    if spec.id.startswith("FDA."):
        allowed = spec.fda_null_flavors
    max_length = (spec.max_length or 0) if spec.data_type in {"AN", "N", "A"} else 0
    numeric = spec.data_type in _NUMERIC and spec.codes is None
    date = spec.data_type == "Date/Time"
    codes = ELEMENT_UNITS.get(spec.id, spec.codes)  # a unit element's list is its units
    return _Plan(spec, spec.name, allowed, ", ".join(sorted(allowed)) or "none", max_length,
                 codes, ", ".join(sorted(codes)) if codes is not None else "",
                 numeric, date, bool(max_length or codes is not None or numeric or date),
                 element_code_systems().get(spec.id, frozenset()))


def _check_value(plan: _Plan, value: str, now: datetime, index: int) -> list[Failure]:
    out: list[Failure] = []
    element = plan.spec.id
    if plan.max_length and len(value) > plan.max_length:
        out.append(Failure("ICH-LEN", element, f"{len(value)} characters, maximum "
                           f"{plan.max_length}", message_index=index))
    if plan.codes is not None and value not in plan.codes:
        out.append(Failure("ICH-CODE", element, f"value {value!r} is not in the allowed list "
                           f"({plan.codes_shown})", message_index=index))
    elif plan.numeric and not _is_number(value):
        out.append(Failure("ICH-CODE", element, f"value {value!r} is not numeric",
                           message_index=index))
    if plan.date:
        out.extend(check_date(element, value, now, index))
    return out


def _check_hit(spec: ElementSpec, hit: Hit, profile: str, now: datetime,
               index: int) -> list[Failure]:
    """One extracted value against its table row (what `generic_checks` does per hit)."""
    plan = _plan(spec, profile)
    if hit.null_flavor:
        if hit.null_flavor not in plan.null_flavors:
            return [Failure("ICH-NF", spec.id, f"nullFlavor {hit.null_flavor} is not allowed "
                            f"for {spec.name} (allowed: {plan.null_flavors_shown})",
                            message_index=index)]
        return []
    if hit.value is None:
        return []
    return _check_value(plan, hit.value, now, index)


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def check_date(element: str, value: str, now: datetime, index: int | None) -> list[Failure]:
    valid, digits, moment = _ts_facts(value if type(value) is str else str(value))
    if not valid:
        return [Failure("ICH-DATE", element, f"{value!r} is not a valid date/time "
                        "(CCYY[MM[DD[hh[mm[ss]]]]][+/-ZZzz])", message_index=index)]
    out = []
    spec = element_specs().get(element)
    required = spec.min_precision if spec is not None else 0
    if digits < required:
        unit = {14: "the second", 8: "the day"}.get(required, "the year")
        out.append(Failure("ICH-DATE", element, f"{value!r} must be precise to {unit}",
                           message_index=index))
    # A value without a zone may be local time anywhere: allow the largest UTC offset (+14h).
    if moment is not None and moment > now + _LATEST_OFFSET:
        out.append(Failure("ICH-FUTURE", element, f"{value!r} is in the future",
                           message_index=index))
    return out


_LATEST_OFFSET = timedelta(hours=14)


@lru_cache(maxsize=4096)
def _ts_facts(value: str) -> tuple[bool, int, datetime | None]:
    """(valid, precision digits, earliest instant): the same few dates recur in every ICSR."""
    moment = ts_to_datetime(value)
    return moment is not None, ts_precision(value), moment


__all__ = ["Failure", "PROFILES", "business_rules", "errors", "schema", "validate", "group_id"]
