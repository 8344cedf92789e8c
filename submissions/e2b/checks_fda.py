"""FDA rejection rules on blocks the element tables do not extract: study routing (R0005,
R0008, R0016, R0026, R0041, R0070/71, R0085-87, R0102-R0104, R0109/10, R0113/14), attachments
(R0010), past drugs, death and parent details (R0035/36, R0044/45, R0048, R0051), tests
(R0061-R0068), devices (R0027, R0092-R0096) and the case summary language (R0099).

Rule ids and texts are FDA's (`rules/fda/FDA_E2B_R3_rejection_warning_rules.csv`). Paths follow
FDA's example instances; they are child steps only, so each lookup stays cheap.
"""

from __future__ import annotations

import re

from lxml import etree

from . import constants as k
from .extract import Extract, group_id

_NS = k.XP_NS
_IE = "h:controlActProcess/h:subject/h:investigationEvent"
_PAT = f"{_IE}/h:component/h:adverseEventAssessment/h:subject1/h:primaryRole"


def _xp(path: str) -> etree.XPath:
    return etree.XPath(path, namespaces=_NS)


_FDA_NUMBER = re.compile(r"[0-9]{6}")


def is_fda_number(number: str) -> bool:
    """Whether `number` has the form FDA gives IND and pre-ANDA numbers: six digits ("The
    format must be "123456""). One rule for R0105/R0106 (FDA.C.5.5a/b) and W0012 (a
    cross-reported IND)."""
    return _FDA_NUMBER.fullmatch(number) is not None


_DOC_TEXTS = _xp(f"{_IE}/h:reference/h:document/h:text")
_CROSS_INDS = _xp(f"{_PAT}/h:subjectOf1/h:researchStudy/h:authorization/h:studyRegistration"
                  "/h:id[@root='2.16.840.1.113883.3.989.5.1.2.2.1.2.3']")
_PAST_DRUG_NAME = _xp("h:consumable/h:instanceOfKind/h:kindOfProduct/h:name")
_AUTOPSY_CAUSES = _xp("h:outboundRelationship2/h:observation[h:code/@code='8']/h:value")
_PARENT_SEX = _xp("h:associatedPerson/h:administrativeGenderCode")
_CAUSALITY = _xp(f"{_IE}/h:component/h:adverseEventAssessment/h:component"
                 "/h:causalityAssessment[h:code/@code='39']")
_DEVICES = _xp("h:consumable/h:instanceOfKind/h:kindOfProduct/h:part/h:partProduct")
_CHARACTERISTICS = _xp("h:asManufacturedProduct/h:subjectOf/h:characteristic")
_LINKED = _xp(f"{_IE}/h:outboundRelationship/h:relatedInvestigation[h:code/@nullFlavor='NA']"
              "/h:subjectOf2/h:controlActEvent/h:id")
# FDA.G.k.10a shares observation code 9 with ICH's G.k.10.r (list 1.1.17); FDA's examples give
# it two different code systems (5.1.2.1.1.7 in Scenario 6, 2.1.1.7 in Scenario 5).
_FDA_ADDITIONAL = _xp("h:outboundRelationship2/h:observation[h:code/@code='9']"
                      "/h:value[not(@codeSystem='2.16.840.1.113883.3.989.2.1.1.17')]")
_SUMMARIES = _xp(f"{_IE}/h:component/h:observationEvent[h:code/@code='36']/h:value")
_H = "{" + k.HL7_NS + "}"
_ROLE_PATH = ("controlActProcess", "subject", "investigationEvent", "component",
              "adverseEventAssessment", "subject1", "primaryRole")
IND_CENTRES = frozenset({"CDER_IND", "CBER_IND"})
PREMARKET_CENTRES = IND_CENTRES | {"CDER_IND_EXEMPT_BA_BE"}
DEVICE_MALFUNCTION = "C54026"
DEVICE_PROBLEM = "C54451"
REMEDIAL_ACTION = "C54594"
NO_ADVERSE_EVENT = "10067482"  # MedDRA LLT "No adverse event" (device malfunction only)


class _Patient:
    """The patient's blocks, found in one pass over primaryRole's children (instead of an XPath
    each): organizers and observations by code, the player's deceasedTime and parent role."""

    def __init__(self, message) -> None:
        self.organizers: dict[str | None, list] = {}
        self.observations: dict[str | None, list] = {}
        self.player = None
        role = message
        for tag in _ROLE_PATH:
            role = role.find(_H + tag) if role is not None else None
        if role is None:
            return
        for child in role:
            if child.tag == _H + "subjectOf2":
                for inner in child:
                    code = inner.find(_H + "code")
                    value = code.get("code") if code is not None else None
                    if inner.tag == _H + "organizer":
                        self.organizers.setdefault(value, []).append(inner)
                    elif inner.tag == _H + "observation":
                        self.observations.setdefault(value, []).append(inner)
            elif child.tag == _H + "player1" and self.player is None:
                self.player = child

    def members(self, organizer_code: str, tag: str) -> list:
        return [member for organizer in self.organizers.get(organizer_code, ())
                for component in organizer.iterchildren(_H + "component")
                for member in component.iterchildren(_H + tag)]

    def values(self, *codes: str) -> list:
        return [value for code in codes for obs in self.observations.get(code, ())
                for value in obs.iterchildren(_H + "value")]

    def player_children(self, tag: str) -> list:
        return list(self.player.iterchildren(_H + tag)) if self.player is not None else []


def _provided(el) -> bool:
    """A value, a code, text or a nullFlavor."""
    if el is None:
        return False
    if el.get("nullFlavor") or el.get("value") or el.get("code") or el.get("extension"):
        return True
    return bool("".join(el.itertext()).strip())


def _text(el) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _child(el, *tags: str):
    for tag in tags:
        if el is None:
            return None
        el = el.find(_H + tag)
    return el


def check_fda_blocks(message: etree._Element, data: Extract, ctx: dict, fail) -> None:
    """`ctx`: receiver, centre, report_type; `fail(rule, element[, severity])` records."""
    msg = data.message
    patient = _Patient(message)
    receiver, centre = ctx["receiver"], ctx["centre"]
    report_type, study_type = ctx["report_type"], msg.value("C.5.4")
    premarket = receiver == "ZZFDA_PREMKT"
    ind_a, ind_b = msg.has("FDA.C.5.5a"), msg.has("FDA.C.5.5b")
    if centre in PREMARKET_CENTRES and not premarket:
        fail("R0005", "N.1.4")
    if premarket and centre in PREMARKET_CENTRES:
        if (ind_a or ind_b) and study_type in {"1", "2", "3"} and report_type != "2":
            fail("R0008", "C.1.3")
        if report_type == "2" and study_type not in {"1", "2", "3"}:
            fail("R0102", "C.5.4")
        if msg.value("C.1.7") == "true" and report_type in {"1", "2"} and (
                msg.value("FDA.C.1.7.1") not in {"1", "6"}):
            fail("R0016", "FDA.C.1.7.1")
    if premarket and centre in IND_CENTRES:
        if ind_a and not msg.has("C.5.4") and report_type != "1":
            fail("R0110", "C.1.3")
        if report_type == "1" and msg.has("C.5.4"):
            fail("R0113", "C.5.4")
        died = any(r.value("E.i.3.2a") == "true" for r in data.reactions)
        if report_type == "2" and died and not any(
                map(_provided, patient.player_children("deceasedTime"))):
            fail("R0041", "D.9.1")
    if receiver == "ZZFDA" and centre == "CDER" and report_type == "2":
        if study_type not in {"1", "2", "3"}:
            fail("R0104", "C.5.4")
        if study_type in {"2", "3"}:
            for drug in data.drugs:
                for hit in drug.fields.get("G.k.3.1", ()):
                    if hit.value and ("IND" in hit.value.upper() or "PANDA" in hit.value.upper()):
                        fail("R0114", "G.k.3.1")
    _roles(data, ctx, fail)
    _cross_reported(message, ind_a, receiver, centre, fail)
    if report_type == "2" and ind_a:
        _causality(message, fail)
    _documents(message, fail)
    _patient(patient, fail)
    _tests(patient, fail)
    _devices(data, ctx, fail)
    for value in _SUMMARIES(message):
        if _text(value) and not value.get("language"):
            fail("R0099", "H.5.r.1b")
    _warnings(message, patient, data, ctx, fail)


AGGREGATE = frozenset({"AGGREGATE", "AGGREGRATE"})  # FDA's table and examples spell both


def _warnings(message, patient: _Patient, data: Extract, ctx: dict, fail) -> None:
    """FDA's W rules: reported as warnings, they do not reject the message."""
    msg = data.message
    d1 = msg.first("D.1")
    name = (d1.value or "").strip().upper() if d1 else ""
    linked = any(_provided(el) for el in _LINKED(message))
    if name in AGGREGATE:
        if not linked:
            fail("W0001", "C.1.10.r", "warning")
        if msg.value("C.5.4") != "1":
            fail("W0002", "C.5.4", "warning")
    if name in AGGREGATE | {"SUMMARY"} or (d1 is not None and d1.null_flavor == "NA"):
        values = patient.values("C17049", "C16564")
        codes = {_child(v.getparent(), "code").get("code"): v for v in values}
        for code, rule, element in (("C17049", "W0003", "FDA.D.11.r"),
                                    ("C16564", "W0004", "FDA.D.12")):
            value = codes.get(code)
            if value is None or value.get("nullFlavor") != "NA":
                fail(rule, element, "warning")
    if data.drugs and data.roles.get(group_id(data.drugs[0])) not in {"1", "3", "4"}:
        fail("W0005", "G.k.1", "warning")
    if msg.has("FDA.C.5.5b") and not any(
            _FDA_ADDITIONAL(drug.element) for drug in data.drugs):
        fail("W0006", "FDA.G.k.10a", "warning")
    if (ctx["report_type"] == "2" and linked and msg.has("FDA.C.5.5a")
            and name not in AGGREGATE):
        fail("W0010", "D.1", "warning")


def _roles(data: Extract, ctx: dict, fail) -> None:
    if ctx["report_type"] != "2":
        return
    roles = {data.roles.get(group_id(drug)) for drug in data.drugs}
    if ctx["centre"] in IND_CENTRES and not roles & {"1", "3"}:
        fail("R0070", "G.k.1")
    if ctx["centre"] == "CDER_IND_EXEMPT_BA_BE" and not roles & {"1", "3", "4"}:
        fail("R0071", "G.k.1")


def _cross_reported(message, ind_a: bool, receiver: str, centre: str, fail) -> None:
    ids = _CROSS_INDS(message)
    if receiver == "ZZFDA" and centre in {"CDER", "CBER"} and ids:
        fail("R0109", "FDA.C.5.6.r")
    for el in ids:  # FDA W0012: a cross-reported IND number has FDA's 6-digit form
        number = el.get("extension")
        if number and not is_fda_number(number):
            fail("W0012", "FDA.C.5.6.r", "warning")
    # each cross-reported IND carries a number, or the one entry is nullFlavor NA
    bad = not ids or any(el.get("nullFlavor") not in {None, "NA"}
                         or not (el.get("extension") or el.get("nullFlavor")) for el in ids)
    if ind_a and receiver == "ZZFDA_PREMKT" and bad:
        fail("R0026", "FDA.C.5.6.r")


def _causality(message, fail) -> None:
    assessments = _CAUSALITY(message)
    if not assessments:
        fail("R0085", "G.k.9.i.2.r.1")
    for assessment in assessments:
        if not _text(_child(assessment, "author", "assignedEntity", "code", "originalText")):
            fail("R0085", "G.k.9.i.2.r.1")
        if not _text(_child(assessment, "methodCode", "originalText")):
            fail("R0086", "G.k.9.i.2.r.2")
        if not _provided(_child(assessment, "value")):
            fail("R0087", "G.k.9.i.2.r.3")


def _documents(message, fail) -> None:
    for text in _DOC_TEXTS(message):
        # "Compression is not used for US reporting and encoding is limited to B64": either
        # one breaks R0010 (HL7's default representation is TXT)
        if text.get("compression") or text.get("representation", "TXT") != "B64":
            fail("R0010", "C.1.6.1.r.2")


def _patient(patient: _Patient, fail) -> None:
    history = patient.members("1", "observation")
    coded = [obs for obs in history if _child(obs, "code") is not None
             and _child(obs, "code").get("codeSystem") == k.MEDDRA_OID]
    texts = [obs for obs in history if _child(obs, "code") is not None
             and _child(obs, "code").get("code") == k.OBS_HISTORY_TEXT]
    if not coded and not any(_provided(_child(obs, "value")) for obs in texts):
        fail("R0035", "D.7.2")
    for past in patient.members("2", "substanceAdministration"):
        if not any(_provided(name) for name in _PAST_DRUG_NAME(past)):
            fail("R0036", "D.8.r.1")
    for cause in patient.values("32"):
        if cause.get("code") and not _text(_child(cause, "originalText")):
            fail("R0044", "D.9.2.r.2")
    autopsies = patient.observations.get("5", [])
    if any(_provided(el) for el in patient.player_children("deceasedTime")) and not any(
            _provided(_child(obs, "value")) for obs in autopsies):
        fail("R0045", "D.9.3")
    for autopsy in autopsies:
        for cause in _AUTOPSY_CAUSES(autopsy):
            if cause.get("code") and not _text(_child(cause, "originalText")):
                fail("R0048", "D.9.4.r.2")
    for parent in patient.player_children("role"):
        if not any(_provided(sex) for sex in _PARENT_SEX(parent)):
            fail("R0051", "D.10.6")


def _tests(patient: _Patient, fail) -> None:
    for test in patient.members("3", "observation"):
        code = _child(test, "code")
        meddra = code is not None and code.get("codeSystem") == k.MEDDRA_OID and code.get("code")
        name_text = _text(_child(test, "code", "originalText"))
        date = _child(test, "effectiveTime")
        if not _provided(date):
            fail("R0061", "F.r.1")
        if not meddra and not name_text:
            fail("R0062", "F.r.2.1")
            fail("R0064", "F.r.2.2b")
        if meddra:
            value = _child(test, "value")
            interpretation = _child(test, "interpretationCode")
            results = [_provided(value), _provided(interpretation)]
            if value is not None and len(value):
                results.append(any(_provided(part) for part in value))
            if not any(results):  # one FDA rule under three ids
                fail("R0065", "F.r.3.1")
                fail("R0066", "F.r.3.2")
                fail("R0068", "F.r.3.4")


def _devices(data: Extract, ctx: dict, fail) -> None:
    msg = data.message
    combination = msg.value("FDA.C.1.12") == "true"
    malfunction_any = named_any = False
    suspects_malfunction = False
    for drug in data.drugs:
        role = data.roles.get(group_id(drug))
        for device in _DEVICES(drug.element):
            names = [_text(name) for name in device.iterchildren(_H + "name")]
            characteristics = {}
            for characteristic in _CHARACTERISTICS(device):
                code = _child(characteristic, "code")
                if code is not None:
                    characteristics.setdefault(code.get("code"), []).append(
                        _child(characteristic, "value"))
            malfunction = any(v is not None and v.get("value") == "true"
                              for v in characteristics.get(DEVICE_MALFUNCTION, ()))
            malfunction_any |= malfunction
            suspects_malfunction |= malfunction and role in {"1", "3"}
            if malfunction and not any(_provided(v) for v in
                                       characteristics.get(DEVICE_PROBLEM, ())):
                fail("R0093", "FDA.G.k.12.r.3.r")
            if malfunction and msg.value("FDA.C.1.7.1") == "4" and not any(
                    _provided(v) for v in characteristics.get(REMEDIAL_ACTION, ())):
                fail("W0007", "FDA.G.k.12.r.11.r", "warning")
            named = any(names)
            named_any |= named
            product_code = _child(device, "code")
            if not named and not (product_code is not None and product_code.get("code")):
                fail("R0096", "FDA.G.k.12.r.6")
    if combination and not named_any:  # R0094 and R0095 are one rule: brand and/or common name
        fail("R0094", "FDA.G.k.12.r.4")
        fail("R0095", "FDA.G.k.12.r.5")
    if ctx["receiver"] == "ZZFDA" and msg.value("FDA.C.1.7.1") == "5" and not suspects_malfunction:
        fail("R0092", "FDA.G.k.12.r.1")
    if combination and malfunction_any:
        for drug in data.drugs:
            product = group_id(drug)
            if data.roles.get(product) == "4" and product not in data.similar_devices:
                fail("R0072", "FDA.G.k.1.a")
    if combination and malfunction_any and any(
            r.value("E.i.2.1b") == NO_ADVERSE_EVENT for r in data.reactions):
        d1 = msg.first("D.1")
        if d1 is None or d1.null_flavor != "NA":
            fail("R0027", "D.1")
