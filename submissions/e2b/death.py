"""D.9 death: deceasedTime on the patient, reported causes and autopsy as patient observations."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from . import constants as k
from .snapshot import Code, CodedTerm, Death
from .timefmt import parse_ts
from .xmlutil import bl_value, code_attrs, obs_code, sub, ts, typed

_H = f"{{{k.HL7_NS}}}"
_OBS = {"classCode": "OBS", "moodCode": "EVN"}


def _code_of(el) -> str:
    code = el.find(f"{_H}code") if el is not None else None
    return (code.get("code") or "") if code is not None else ""


def _term(obs) -> CodedTerm:
    value = obs.find(f"{_H}value")
    if value is None:
        return CodedTerm()
    code = None
    if value.get("code"):
        code = Code(value.get("code"), value.get("codeSystem") or "",
                    value.get("codeSystemVersion") or "")
    original = value.find(f"{_H}originalText")
    return CodedTerm(code, "".join(original.itertext()) if original is not None else "")


def parse_death(role: etree._Element | None) -> Death | None:
    if role is None:
        return None
    player = role.find(f"{_H}player1")
    deceased = player.find(f"{_H}deceasedTime") if player is not None else None
    causes, autopsy, autopsy_causes = [], None, []
    for obs in role.findall(f"{_H}subjectOf2/{_H}observation"):
        code = _code_of(obs)
        if code == k.OBS_REPORTED_CAUSE_OF_DEATH:
            causes.append(_term(obs))
        elif code == k.OBS_AUTOPSY:
            value = obs.find(f"{_H}value")
            if value is not None:
                flag = value.get("value")
                autopsy = {"true": True, "false": False}.get(flag or "", value.get("nullFlavor"))
            autopsy_causes.extend(
                _term(inner) for inner in obs.findall(f"{_H}outboundRelationship2/{_H}observation")
                if _code_of(inner) == k.OBS_AUTOPSY_CAUSE)
    if deceased is None and not causes and autopsy is None and not autopsy_causes:
        return None
    date = None
    if deceased is not None:
        date = parse_ts(deceased.get("value")) if deceased.get("value") else deceased.get(
            "nullFlavor")
    return Death(date, causes, autopsy, autopsy_causes)


def build_deceased_time(player: etree._Element, death: Death | None) -> None:
    """D.9.1, right after birthTime in player1."""
    if death is not None:
        ts(player, "deceasedTime", death.date)


def build_death(role: etree._Element, death: Death | None, clean: Callable[[str], str]) -> None:
    """D.9.2.r and D.9.3/D.9.4.r as patient observations."""
    if death is None:
        return
    for cause in death.reported_causes:
        obs = sub(sub(role, "subjectOf2", {"typeCode": "SBJ"}), "observation", _OBS)
        obs_code(obs, k.OBS_REPORTED_CAUSE_OF_DEATH)
        _value(obs, cause, clean)
    if death.autopsy is None and not death.autopsy_causes:
        return
    obs = sub(sub(role, "subjectOf2", {"typeCode": "SBJ"}), "observation", _OBS)
    obs_code(obs, k.OBS_AUTOPSY)
    if isinstance(death.autopsy, bool):
        bl_value(obs, death.autopsy)
    elif death.autopsy:
        typed(obs, "value", "BL", nullFlavor=death.autopsy)
    for cause in death.autopsy_causes:
        inner = sub(sub(obs, "outboundRelationship2", {"typeCode": "DRIV"}), "observation", _OBS)
        obs_code(inner, k.OBS_AUTOPSY_CAUSE)
        _value(inner, cause, clean)


def _value(obs, term: CodedTerm, clean: Callable[[str], str]) -> None:
    value = typed(obs, "value", "CE", **(code_attrs(term.term) if term.term else {}))
    if term.text:
        sub(value, "originalText", text=clean(term.text))
