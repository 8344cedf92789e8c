"""Import side of the lossless case: keep what the typed snapshot does not reproduce.

`attach_kept(message, case)` rebuilds the received message from the parsed snapshot (without
scrubbing), walks both trees anchor by anchor from the innermost out (a dosage before its drug,
a drug before the patient), and stores on each snapshot item the received children the rebuild
lacks (`retained.keep`), restoring them into the rebuild as it goes so that an outer anchor
compares equal where an inner one has already been completed.

What pv re-creates as the new sender is never kept: C.1.1/C.1.8.1 ids, the narrative element,
C.1.4/C.1.5, the primary sources (C.2.r, whose identity pv masks) and the sender block (C.3).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import zip_longest

from lxml import etree

from . import constants as k
from .build import build_message
from .retained import keep, restore
from .snapshot import BatchHeader, CaseSnapshot

_H = f"{{{k.HL7_NS}}}"
Anchor = tuple[etree._Element | None, etree._Element | None, dict, str]


def _tag(el) -> str:
    return el.tag[len(_H):] if el.tag.startswith(_H) else el.tag


def _find(el, path: str):
    if el is None:
        return None
    return el.find("/".join(_H + step for step in path.split("/")))


def _all(el, path: str) -> list:
    if el is None:
        return []
    return el.findall("/".join(_H + step for step in path.split("/")))


def _code(el) -> str:
    code = el.find(_H + "code") if el is not None else None
    return (code.get("code") or "") if code is not None else ""


def _sender_ie(child) -> bool:
    tag = _tag(child)
    if tag in ("id", "code", "text", "statusCode", "effectiveTime", "availabilityTime"):
        return True
    if tag == "outboundRelationship":  # C.2.r primary sources: rebuilt masked
        return _code(_find(child, "relatedInvestigation")) == "2"
    if tag == "subjectOf1":  # C.3 sender
        return _find(child, "controlActEvent/author") is not None
    return tag == "component" and _find(child, "adverseEventAssessment") is not None


def _never(_child) -> bool:
    return False


def _only(*tags: str) -> Callable[[etree._Element], bool]:
    return lambda child: _tag(child) in tags


# anchor -> children that are pv's to write (typed fields, nested anchors): never kept
SENDER_ONLY: dict[str, Callable[[etree._Element], bool]] = {
    "investigation": _sender_ie,
    "assessment": _only("subject1"),
    "patient": _only("player1"),
    "person": _only("name"),  # D.1: pv masks it by policy
    "reaction": _never,
    "drug": _never,
    "product": _never,
    "kind": _never,
    "dosage": _never,
    "history": _never,
    "past_drug": _never,
}


def _reactions(role) -> list:
    return [obs for obs in _all(role, "subjectOf2/observation") if _code(obs) == k.OBS_REACTION]


def _organizer_items(role, code: str, item: str) -> list:
    for organizer in _all(role, "subjectOf2/organizer"):
        if _code(organizer) == code:
            return _all(organizer, f"component/{item}")
    return []


def _history(role) -> list:
    return [obs for obs in _organizer_items(role, "1", "observation")
            if (obs.find(_H + "code").get("codeSystem") if obs.find(_H + "code") is not None
                else None) != k.CL_OBSERVATION]


def _anchors(original, built, case: CaseSnapshot) -> list[Anchor]:
    """(received element, rebuilt element, where to store, anchor name), outermost first."""
    out: list[Anchor] = []
    ie = "controlActProcess/subject/investigationEvent"
    ie_a, ie_b = _find(original, ie), _find(built, ie)
    out.append((ie_a, ie_b, case.kept, "investigation"))
    aea_a, aea_b = _find(ie_a, "component/adverseEventAssessment"), _find(
        ie_b, "component/adverseEventAssessment")
    out.append((aea_a, aea_b, case.kept, "assessment"))
    role_a, role_b = _find(aea_a, "subject1/primaryRole"), _find(aea_b, "subject1/primaryRole")
    patient = case.patient
    out.append((role_a, role_b, patient.kept, "patient"))
    out.append((_find(role_a, "player1"), _find(role_b, "player1"), patient.kept, "person"))
    for a, b, item in zip(_history(role_a), _history(role_b), patient.medical_history,
                          strict=False):
        out.append((a, b, item.kept, "history"))
    for a, b, item in zip(_organizer_items(role_a, "2", "substanceAdministration"),
                          _organizer_items(role_b, "2", "substanceAdministration"),
                          patient.past_drugs, strict=False):
        out.append((a, b, item.kept, "past_drug"))
    for a, b, item in zip(_reactions(role_a), _reactions(role_b), case.reactions, strict=False):
        out.append((a, b, item.kept, "reaction"))
    for a, b, drug in zip(_organizer_items(role_a, "4", "substanceAdministration"),
                          _organizer_items(role_b, "4", "substanceAdministration"),
                          case.drugs, strict=False):
        out.append((a, b, drug.kept, "drug"))
        product_a, product_b = _find(a, "consumable/instanceOfKind"), _find(
            b, "consumable/instanceOfKind")
        out.append((product_a, product_b, drug.kept, "product"))
        out.append((_find(product_a, "kindOfProduct"), _find(product_b, "kindOfProduct"),
                    drug.kept, "kind"))
        doses = "outboundRelationship2/substanceAdministration"
        dose_a = [d for d in _all(a, doses) if d.getparent().get("typeCode") == "COMP"]
        dose_b = [d for d in _all(b, doses) if d.getparent().get("typeCode") == "COMP"]
        for da, db, dosage in zip_longest(dose_a, dose_b, drug.dosages):
            if dosage is not None:
                out.append((da, db, dosage.kept, "dosage"))
    return out


def attach_kept(message: etree._Element, case: CaseSnapshot) -> None:
    """Fill the `kept` documents of `case` (parsed from `message`) in place."""
    built = build_message(case, BatchHeader(), scrub=False)
    # Innermost anchors first: an anchor's subtree is final (restored) before any outer
    # anchor compares it, so canonical strings can be cached for the whole walk.
    cache: dict = {}
    for original, rebuilt, store, name in reversed(_anchors(message, built, case)):
        if original is None or rebuilt is None:
            continue
        kept = keep(original, rebuilt, SENDER_ONLY[name], cache)
        if kept is not None:
            store[name] = kept
            restore(rebuilt, kept, lambda text: text, name)
