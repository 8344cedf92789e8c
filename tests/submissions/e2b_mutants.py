"""Single-fault mutants of FDA's example ICSRs, each breaking one ICH or FDA rule.

Two sources:
* `FDA_MUTANTS`: one hand-written edit per FDA rejection/warning rule pv encodes (rule id ->
  example, edit, the failure ids that count as catching it).
* `generated_mutants()`: families built from what the examples contain: every extracted element
  emptied, given a value outside its code list, made too long, given a nullFlavor its table
  forbids; every quantity without its unit or number; every MedDRA term without its version or
  code or with a malformed one; every country, language, unit and identifier broken.
All edits keep the message schema-valid, as a gateway's business-rule layer sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from copy import deepcopy
from functools import cache
from typing import NamedTuple

from lxml import etree

from submissions.e2b import constants as k
from submissions.e2b.extract import MESSAGE_FIELDS, extract
from submissions.e2b.rules import element_specs
from submissions.e2b.safexml import parse_xml, read_file

from .e2b_cases import fda_examples

NS = k.XP_NS
Edit = Callable[[etree._Element], None]


class Mutant(NamedTuple):
    example: str  # "Scenario1" ... "Scenario8"
    edit: Edit
    expect: frozenset[str]  # failure rule ids; any one of them catches the mutant
    severity: str = "error"


@cache
def _original(name: str) -> etree._Element:
    for path in fda_examples():
        if path.stem == f"FAERS2022{name}":
            root = parse_xml(read_file(str(path)))
            # Scenario 6's 2 MB are base64 attachments: a short valid base64 keeps every rule
            # and makes each copy cheap.
            for text in root.iter(f"{{{k.HL7_NS}}}text"):
                if text.get("representation") == "B64" and len(text.text or "") > 64:
                    text.text = "UERGIGF0dGFjaG1lbnQ="
            return root
    raise LookupError(name)


def mutate(mutant: Mutant) -> etree._Element:
    tree = deepcopy(_original(mutant.example))
    mutant.edit(tree)
    return tree


def _nodes(tree, path: str) -> list:
    found = tree.xpath(path, namespaces=NS)
    assert found, f"mutant path matches nothing: {path}"
    return found


def unset(path: str, *attrs: str, every: bool = False) -> Edit:
    def edit(tree):
        for node in _nodes(tree, path)[: None if every else 1]:
            for attr in attrs:
                node.attrib.pop(attr, None)
    return edit


def put(path: str, every: bool = False, **attrs: str) -> Edit:
    def edit(tree):
        for node in _nodes(tree, path)[: None if every else 1]:
            for attr, value in attrs.items():
                node.set(attr.replace("_", ":") if attr == "xsi_type" else attr, value)
            if "nullFlavor" not in attrs:
                node.attrib.pop("nullFlavor", None)
    return edit


def drop(path: str, every: bool = False) -> Edit:
    def edit(tree):
        for node in _nodes(tree, path)[: None if every else 1]:
            node.getparent().remove(node)
    return edit


def text(path: str, value: str) -> Edit:
    def edit(tree):
        node = _nodes(tree, path)[0]
        for child in list(node):
            node.remove(child)
        node.text = value
    return edit


def chain(*edits: Edit) -> Edit:
    def edit(tree):
        for step in edits:
            step(tree)
    return edit


# --- paths into FDA's examples ---------------------------------------------------------------
BATCH = "/h:MCCI_IN200100UV01"
MSG = f"{BATCH}/h:PORR_IN049016UV"
IE = f"{MSG}/h:controlActProcess/h:subject/h:investigationEvent"
AEA = f"{IE}/h:component/h:adverseEventAssessment"
PAT = f"{AEA}/h:subject1/h:primaryRole"
STUDY = f"{PAT}/h:subjectOf1/h:researchStudy"
C13 = f"{IE}/h:subjectOf2/h:investigationCharacteristic[h:code/@code='1']/h:value"
C17 = f"{IE}/h:component/h:observationEvent[h:code/@code='23']/h:value"
C161 = f"{IE}/h:component/h:observationEvent[h:code/@code='1']/h:value"
C191 = f"{IE}/h:subjectOf2/h:investigationCharacteristic[h:code/@code='2']/h:value"
LOCAL = f"{IE}/h:component/h:observationEvent[h:code/@code='C54588']/h:value"
COMBINATION = f"{IE}/h:component/h:observationEvent[h:code/@code='C156384']/h:value"
SOURCE1 = f"{IE}/h:outboundRelationship[h:priorityNumber/@value='1']"
REPORTER = (f"{SOURCE1}/h:relatedInvestigation/h:subjectOf2/h:controlActEvent/h:author"
            "/h:assignedEntity")
SENDER = f"{IE}/h:subjectOf1/h:controlActEvent/h:author/h:assignedEntity"
REACTION = f"{PAT}/h:subjectOf2/h:observation[h:code/@code='29']"
DRUG = (f"{PAT}/h:subjectOf2/h:organizer[h:code/@code='4']/h:component"
        "/h:substanceAdministration")
ROLE = f"{AEA}/h:component/h:causalityAssessment[h:code/@code='20']/h:value"
CAUSALITY = f"{AEA}/h:component/h:causalityAssessment[h:code/@code='39']"
HISTORY = f"{PAT}/h:subjectOf2/h:organizer[h:code/@code='1']"
PAST = (f"{PAT}/h:subjectOf2/h:organizer[h:code/@code='2']/h:component"
        "/h:substanceAdministration")
TEST = f"{PAT}/h:subjectOf2/h:organizer[h:code/@code='3']/h:component/h:observation"
PARENT = f"{PAT}/h:player1/h:role"
DEVICE = f"{DRUG}/h:consumable/h:instanceOfKind/h:kindOfProduct/h:part/h:partProduct"
MEDDRA = f"[@codeSystem='{k.MEDDRA_OID}']"


def obs_el(code: str, under: str = PAT) -> str:
    return f"{under}/h:subjectOf2/h:observation[h:code/@code='{code}']"


def obs(code: str, under: str = PAT) -> str:
    return f"{obs_el(code, under)}/h:value"


def rel(code: str, under: str) -> str:
    return f"{under}/h:outboundRelationship2/h:observation[h:code/@code='{code}']/h:value"


def _m(example: str, edit: Edit, *expect: str, severity: str = "error") -> Mutant:
    return Mutant(example, edit, frozenset(expect), severity)


S1, S2, S3, S4, S51 = "Scenario1", "Scenario2", "Scenario3", "Scenario4", "Scenario5-1"
S6, S7 = "Scenario6", "Scenario7"
PAIR = "ICH-PAIR"

FDA_MUTANTS: dict[str, Mutant] = {
    "R0004": _m(S1, put(f"{BATCH}/h:receiver/h:device/h:id", extension="FDA"), "R0004"),
    "R0005": _m(S3, put(f"{BATCH}/h:receiver/h:device/h:id", extension="ZZFDA"), "R0005"),
    "R0006": _m(S1, put(f"{MSG}/h:receiver/h:device/h:id", extension="CBER"), "R0006"),
    "R0007": _m(S3, put(f"{MSG}/h:receiver/h:device/h:id", extension="CDER"), "R0007"),
    "R0008": _m(S3, put(C13, code="1"), "R0008"),
    "R0009": _m(S1, put(C161, value="true"), "R0009"),
    "R0010": _m(S6, put(f"{IE}/h:reference/h:document/h:text[@representation='B64']",
                        compression="DF", representation="TXT"), "R0010"),
    "R0011": _m(S1, chain(unset(C17, "value"), put(C17, nullFlavor="NI")), "R0011"),
    "R0012": _m(S2, chain(put(COMBINATION, value="true"), put(C17, value="true"),
                          put(LOCAL, code="2")), "R0012"),
    "R0013": _m(S2, chain(put(COMBINATION, value="true"), put(C17, value="false"),
                          put(LOCAL, code="1")), "R0013"),
    "R0014": _m(S1, chain(put(COMBINATION, value="false"), put(C17, value="true"),
                          put(LOCAL, code="2")), "R0014"),
    "R0015": _m(S1, chain(put(COMBINATION, value="false"), put(C17, value="false"),
                          put(LOCAL, code="1")), "R0015"),
    "R0016": _m(S3, chain(put(C17, value="true"), put(LOCAL, code="2")), "R0016"),
    "R0017": _m(S1, chain(unset(C191, "nullFlavor"), put(C191, value="true")), "R0017"),
    "R0018": _m(S6, chain(put(C191, value="true"), unset(
        f"{IE}/h:subjectOf1/h:controlActEvent/h:id[@root='{k.OID_C_1_9_1_R}']", "extension")),
        "R0018"),
    "R0019": _m(S1, drop(f"{REPORTER}/h:assignedPerson/h:asLocatedEntity"), "R0019"),
    "R0020": _m(S1, drop(f"{REPORTER}/h:assignedPerson/h:asQualifiedEntity"), "R0020"),
    "R0021": _m(S1, put(f"{SOURCE1}/h:priorityNumber", value="2"), "R0021"),
    "R0022": _m(S1, text(f"{SENDER}/h:representedOrganization/h:assignedEntity"
                         "/h:representedOrganization/h:name", ""), "R0022"),
    "R0023": _m(S3, drop(f"{STUDY}/h:code"), "R0023"),
    "R0024": _m(S3, drop(f"{STUDY}/h:authorization[h:studyRegistration/h:id/@root="
                         "'2.16.840.1.113883.3.989.5.1.2.2.1.2.1']"), "R0024"),
    "R0025": _m(S51, drop(f"{STUDY}/h:authorization[h:studyRegistration/h:id/@root="
                          "'2.16.840.1.113883.3.989.5.1.2.2.1.2.2']"), "R0025"),
    "R0026": _m(S3, drop(f"{STUDY}/h:authorization[h:studyRegistration/h:id/@root="
                         "'2.16.840.1.113883.3.989.5.1.2.2.1.2.3']", every=True), "R0026"),
    "R0027": _m(S2, put(f"{REACTION}/h:value{MEDDRA}", code="10067482"), "R0027"),
    "R0029": _m(S1, unset(obs("3"), "value"), "R0029", PAIR),
    "R0030": _m(S1, unset(obs("3"), "unit"), "R0030", PAIR),
    "R0031": _m(S6, unset(obs("16"), "value"), PAIR),
    "R0032": _m(S6, unset(obs("16"), "unit"), PAIR),
    "R0033": _m(S6, unset(f"{HISTORY}/h:component/h:observation/h:code{MEDDRA}",
                          "codeSystemVersion"), PAIR),
    "R0034": _m(S6, unset(f"{HISTORY}/h:component/h:observation/h:code{MEDDRA}", "code"),
                PAIR, "ICH-EMPTY"),
    "R0035": _m(S1, drop(f"{PAT}/h:subjectOf2[h:organizer/h:code/@code='1']"), "R0035"),
    "R0036": _m(S6, text(f"{PAST}/h:consumable/h:instanceOfKind/h:kindOfProduct/h:name", ""),
                "R0036"),
    "R0037": _m(S6, unset(f"{rel('19', PAST)}{MEDDRA}", "codeSystemVersion"), PAIR),
    "R0038": _m(S6, unset(f"{rel('19', PAST)}{MEDDRA}", "code"), PAIR),
    "R0039": _m(S6, unset(f"{rel('29', PAST)}{MEDDRA}", "codeSystemVersion"), PAIR),
    "R0040": _m(S6, unset(f"{rel('29', PAST)}{MEDDRA}", "code"), PAIR),
    "R0041": _m(S3, put(rel("34", REACTION), value="true"), "R0041"),
    "R0042": _m(S6, unset(f"{obs('32')}{MEDDRA}", "codeSystemVersion"), PAIR),
    "R0043": _m(S6, unset(f"{obs('32')}{MEDDRA}", "code"), PAIR),
    "R0044": _m(S6, drop(f"{obs('32')}/h:originalText"), "R0044"),
    "R0045": _m(S6, drop(f"{PAT}/h:subjectOf2[h:observation/h:code/@code='5']"), "R0045"),
    "R0046": _m(S6, unset(f"{rel('8', obs_el('5'))}{MEDDRA}", "codeSystemVersion"), PAIR),
    "R0047": _m(S6, unset(f"{rel('8', obs_el('5'))}{MEDDRA}", "code"), PAIR),
    "R0048": _m(S6, drop(f"{rel('8', obs_el('5'))}/h:originalText"), "R0048"),
    "R0049": _m(S6, unset(obs("3", PARENT), "value"), PAIR),
    "R0050": _m(S6, unset(obs("3", PARENT), "unit"), PAIR),
    "R0051": _m(S6, drop(f"{PARENT}/h:associatedPerson/h:administrativeGenderCode"), "R0051"),
    "R0052": _m(S6, unset(f"{PARENT}/h:subjectOf2/h:organizer[h:code/@code='1']/h:component"
                          f"/h:observation/h:code{MEDDRA}", "codeSystemVersion"), PAIR),
    "R0053": _m(S6, unset(f"{PARENT}/h:subjectOf2/h:organizer[h:code/@code='1']/h:component"
                          f"/h:observation/h:code{MEDDRA}", "code"), PAIR),
    "R0054": _m(S6, unset(f"{PARENT}//h:substanceAdministration"
                          f"{rel('19', '')}{MEDDRA}", "codeSystemVersion"), PAIR),
    "R0055": _m(S6, unset(f"{PARENT}//h:substanceAdministration"
                          f"{rel('19', '')}{MEDDRA}", "code"), PAIR),
    "R0056": _m(S6, unset(f"{PARENT}//h:substanceAdministration"
                          f"{rel('29', '')}{MEDDRA}", "codeSystemVersion"), PAIR),
    "R0057": _m(S6, unset(f"{PARENT}//h:substanceAdministration"
                          f"{rel('29', '')}{MEDDRA}", "code"), PAIR),
    "R0058": _m(S6, unset(f"{REACTION}/h:value/h:originalText[@language]", "language"),
                "R0058"),
    "R0059": _m(S1, lambda tree: _reaction_duration(tree, unit="d"), PAIR),
    "R0060": _m(S1, lambda tree: _reaction_duration(tree, value="3"), PAIR),
    "R0061": _m(S6, drop(f"{TEST}/h:effectiveTime"), "R0061"),
    "R0062": _m(S6, chain(unset(f"{TEST}/h:code", "code", "codeSystem", "codeSystemVersion"),
                          drop(f"{TEST}/h:code/h:originalText", every=True)), "R0062"),
    "R0063": _m(S6, unset(f"{TEST}/h:code{MEDDRA}", "codeSystemVersion"), PAIR),
    "R0064": _m(S6, chain(unset(f"{TEST}/h:code", "code", "codeSystem", "codeSystemVersion"),
                          drop(f"{TEST}/h:code/h:originalText", every=True)), "R0064"),
    "R0065": _m(S6, chain(drop(f"{TEST}/h:value", every=True),
                          drop(f"{TEST}/h:interpretationCode", every=True)), "R0065"),
    "R0066": _m(S6, chain(drop(f"{TEST}/h:value", every=True),
                          drop(f"{TEST}/h:interpretationCode", every=True)), "R0066"),
    "R0067": _m(S6, unset(f"{TEST}/h:value[@xsi:type='IVL_PQ']/h:center", "unit"), PAIR),
    "R0068": _m(S6, chain(drop(f"{TEST}/h:value", every=True),
                          drop(f"{TEST}/h:interpretationCode", every=True)), "R0068"),
    "R0069": _m(S1, put(ROLE, every=True, code="2"), "R0069"),
    "R0070": _m(S3, put(ROLE, every=True, code="2"), "R0070"),
    "R0071": _m(S51, put(ROLE, every=True, code="2"), "R0071"),
    "R0072": _m(S7, drop(f"{AEA}/h:component[h:causalityAssessment/h:value/@codeSystem="
                         f"'{k.FDA_SIMILAR_DEVICE}']"), "R0072"),
    "R0073": _m(S2, unset(f"{DRUG}//h:ingredient/h:quantity/h:numerator", "unit"), PAIR),
    "R0074": _m(S1, drop(f"{DRUG}//h:approval/h:author"), "R0074"),
    "R0075": _m(S6, unset(f"{DRUG}//h:doseQuantity", "unit"), "R0075", PAIR),
    "R0076": _m(S6, unset(f"{DRUG}//h:effectiveTime//h:period", "unit"), PAIR),
    "R0077": _m(S6, unset(f"{DRUG}//h:effectiveTime//h:width", "value"), PAIR),
    "R0078": _m(S6, unset(f"{DRUG}//h:effectiveTime//h:width", "unit"), PAIR),
    "R0079": _m(S6, unset(rel("14", DRUG), "value"), PAIR),
    "R0080": _m(S6, unset(rel("14", DRUG), "unit"), PAIR),
    "R0081": _m(S6, unset(rel("16", DRUG), "value"), PAIR),
    "R0082": _m(S6, unset(rel("16", DRUG), "unit"), PAIR),
    "R0083": _m(S6, unset(f"{DRUG}/h:inboundRelationship/h:observation/h:value{MEDDRA}",
                          "codeSystemVersion"), PAIR),
    "R0084": _m(S6, unset(f"{DRUG}/h:inboundRelationship/h:observation/h:value{MEDDRA}",
                          "code"), PAIR),
    "R0085": _m(S3, drop(f"{CAUSALITY}/h:author"), "R0085"),
    "R0086": _m(S3, drop(f"{CAUSALITY}/h:methodCode"), "R0086"),
    "R0087": _m(S3, drop(f"{CAUSALITY}/h:value"), "R0087"),
    "R0088": _m(S6, unset(f"{DRUG}/h:outboundRelationship1[@typeCode='SAS']/h:pauseQuantity",
                          "value"), PAIR),
    "R0089": _m(S6, unset(f"{DRUG}/h:outboundRelationship1[@typeCode='SAS']/h:pauseQuantity",
                          "unit"), PAIR),
    "R0090": _m(S6, unset(f"{DRUG}/h:outboundRelationship1[@typeCode='SAE']/h:pauseQuantity",
                          "value"), PAIR),
    "R0091": _m(S6, unset(f"{DRUG}/h:outboundRelationship1[@typeCode='SAE']/h:pauseQuantity",
                          "unit"), PAIR),
    "R0092": _m(S2, chain(put(LOCAL, code="5"),
                          put(f"{DEVICE}//h:characteristic[h:code/@code='C54026']/h:value",
                              every=True, value="false")), "R0092"),
    "R0093": _m(S2, drop(f"{DEVICE}//h:subjectOf[h:characteristic/h:code/@code='C54451']",
                         every=True), "R0093"),
    "R0094": _m(S2, drop(f"{DEVICE}/h:name", every=True), "R0094"),
    "R0095": _m(S2, drop(f"{DEVICE}/h:name", every=True), "R0095"),
    "R0096": _m(S2, chain(drop(f"{DEVICE}/h:name", every=True),
                          unset(f"{DEVICE}/h:code", "code", every=True)), "R0096"),
    "R0097": _m(S6, unset(f"{AEA}/h:component1/h:observationEvent[h:code/@code='15']"
                          f"/h:value{MEDDRA}", "codeSystemVersion"), PAIR),
    "R0098": _m(S6, unset(f"{AEA}/h:component1/h:observationEvent[h:code/@code='15']"
                          f"/h:value{MEDDRA}", "code"), PAIR),
    "R0099": _m(S6, unset(f"{IE}/h:component/h:observationEvent[h:code/@code='36']/h:value",
                          "language"), "R0099"),
    "R0100": _m(S1, put(f"{MSG}/h:sender/h:device/h:id", extension="SOMEONE-ELSE"), "R0100"),
    "R0101": _m(S1, lambda tree: _add_nullification(tree), "R0101"),  # validated as initial
    "R0102": _m(S3, put(f"{STUDY}/h:code", code="9"), "R0102"),
    "R0103": _m(S1, lambda tree: _add_study_type(tree, "1"), "R0103"),
    "R0104": _m(S1, chain(put(C13, code="2"), lambda tree: _add_study_type(tree, "9")),
                "R0104"),
    "R0107": _m(S1, lambda tree: _add_registration(tree, "2.16.840.1.113883.3.989.5.1.2.2.1.2.1"),
                "R0107"),
    "R0108": _m(S1, lambda tree: _add_registration(tree, "2.16.840.1.113883.3.989.5.1.2.2.1.2.2"),
                "R0108"),
    "R0109": _m(S1, lambda tree: _add_registration(tree, "2.16.840.1.113883.3.989.5.1.2.2.1.2.3"),
                "R0109"),
    "R0110": _m(S3, chain(drop(f"{STUDY}/h:code"), put(C13, code="3")), "R0110"),
    "R0111": _m(S51, put(C13, code="1"), "R0111"),
    "R0112": _m(S3, put(C13, code="3"), "R0112"),
    "R0113": _m(S3, put(C13, code="1"), "R0113"),
    "R0114": _m(S1, chain(put(C13, code="2"), lambda tree: _add_study_type(tree, "2"),
                          put(f"{DRUG}//h:approval/h:id", extension="IND 123456")), "R0114"),
    "W0001": _m(S4, drop(f"{IE}/h:outboundRelationship[h:relatedInvestigation/h:code"
                         "/@nullFlavor='NA']", every=True), "W0001", severity="warning"),
    "W0002": _m(S4, put(f"{STUDY}/h:code", code="2"), "W0002", severity="warning"),
    "W0003": _m(S4, put(obs("C17049"), code="C41260", codeSystem=k.NCI_OID), "W0003",
                severity="warning"),
    "W0004": _m(S4, put(obs("C16564"), code="C41222", codeSystem=k.NCI_OID), "W0004",
                severity="warning"),
    "W0005": _m(S1, lambda tree: _first_drug_role(tree, "2"), "W0005", severity="warning"),
    "W0006": _m(S51, drop(f"{DRUG}/h:outboundRelationship2[h:observation/h:code/@code='9']",
                          every=True), "W0006", severity="warning"),
    "W0007": _m(S2, chain(put(LOCAL, code="4"), drop(
        f"{DEVICE}//h:subjectOf[h:characteristic/h:code/@code='C54594']", every=True)),
                "W0007", severity="warning"),
    "W0010": _m(S4, text(f"{PAT}/h:player1/h:name", "SM"), "W0010", severity="warning"),
}


def _first_drug_role(tree, code: str) -> None:
    product = _nodes(tree, f"{DRUG}/h:id")[0].get("root")
    for value in _nodes(tree, ROLE):
        refs = value.getparent().xpath("h:subject2/h:productUseReference/h:id/@root",
                                       namespaces=NS)
        if product in refs:
            value.set("code", code)


def _add_study(tree) -> etree._Element:
    role = _nodes(tree, PAT)[0]
    existing = role.find(f"{{{k.HL7_NS}}}subjectOf1")
    if existing is not None:
        return existing.find(f"{{{k.HL7_NS}}}researchStudy")
    subject = etree.Element(f"{{{k.HL7_NS}}}subjectOf1", typeCode="SBJ")
    # after player1 (and any earlier subjectOf1), before subjectOf2: the schema's order
    role.find(f"{{{k.HL7_NS}}}player1").addnext(subject)
    return etree.SubElement(subject, f"{{{k.HL7_NS}}}researchStudy", classCode="CLNTRL",
                            moodCode="EVN")


def _add_study_type(tree, code: str) -> None:
    study = _add_study(tree)
    etree.SubElement(study, f"{{{k.HL7_NS}}}code", code=code,
                     codeSystem=f"{k.ICH}.1.8")


def _add_registration(tree, root: str) -> None:
    study = _add_study(tree)
    authorization = etree.SubElement(study, f"{{{k.HL7_NS}}}authorization", typeCode="AUTH")
    registration = etree.SubElement(authorization, f"{{{k.HL7_NS}}}studyRegistration",
                                    classCode="ACT", moodCode="EVN")
    etree.SubElement(registration, f"{{{k.HL7_NS}}}id", extension="123456", root=root)


def _reaction_duration(tree, **attrs: str) -> None:
    """E.i.6 as half a pair: the reaction's interval becomes low + width."""
    interval = _nodes(tree, f"{REACTION}/h:effectiveTime")[0]
    for child in list(interval):
        if etree.QName(child).localname == "high":
            interval.remove(child)
    etree.SubElement(interval, f"{{{k.HL7_NS}}}width", **attrs)


def _add_nullification(tree) -> None:
    last = _nodes(tree, f"{IE}/h:subjectOf2")[-1]
    for code, value in (("4", None), ("3", "1")):
        subject = etree.Element(f"{{{k.HL7_NS}}}subjectOf2", typeCode="SUBJ")
        characteristic = etree.SubElement(subject, f"{{{k.HL7_NS}}}investigationCharacteristic",
                                          classCode="OBS", moodCode="EVN")
        etree.SubElement(characteristic, f"{{{k.HL7_NS}}}code", code=code,
                         codeSystem=k.CL_REPORT_CHARACTERISTIC)
        value_el = etree.SubElement(characteristic, f"{{{k.HL7_NS}}}value")
        value_el.set(f"{{{k.XSI_NS}}}type", "CE")
        if value:
            value_el.set("code", value)
            value_el.set("codeSystem", k.CL_NULLIFICATION)
        else:
            etree.SubElement(value_el, f"{{{k.HL7_NS}}}originalText").text = "duplicate"
        last.addnext(subject)


# --- generated families ----------------------------------------------------------------------
# Small examples first: each (element, fault) is generated once, from the first example that
# has the element; Scenario 6 (FDA's "all elements", 2 MB) only adds what the others lack.
EXAMPLES = ("Scenario1", "Scenario2", "Scenario3", "Scenario4", "Scenario5-1", "Scenario5-2",
            "Scenario5-3", "Scenario7", "Scenario8", "Scenario6")
ANY_ERROR: frozenset[str] = frozenset()  # expect: rejected, whatever the rule
_FLAVORS = ("NI", "MSK", "UNK", "NA", "ASKU", "NASK")


def _attr_of(element: str) -> str:
    from submissions.e2b.extract import DRUG_FIELDS, REACTION_FIELDS, SOURCE_FIELDS, Keyed

    for table in (MESSAGE_FIELDS, SOURCE_FIELDS, REACTION_FIELDS, DRUG_FIELDS):
        spec = table.get(element)
        if spec is not None:
            return spec.attr if isinstance(spec, Keyed) else spec[1]
    raise KeyError(element)


def _at(path: str, change: Callable[[etree._Element], None]) -> Edit:
    """Apply `change` to the element at `path` (from getpath) in the copy."""
    def edit(tree):
        found = tree.getroottree().xpath(path)
        assert found, path
        change(found[0])
    return edit


def _set_value(attr: str, value: str | None, null_flavor: str | None = None):
    def change(node):
        node.attrib.pop("nullFlavor", None)
        if attr:
            if value is None:
                node.attrib.pop(attr, None)
            else:
                node.set(attr, value)
        else:
            for child in list(node):
                node.remove(child)
            node.text = value or ""
        if null_flavor:
            node.set("nullFlavor", null_flavor)
    return change


# Elements whose path selects on the value attribute itself (routeCode[@code], the language of
# originalText): without it they are a different, legitimate element (a free-text route).
_SELECTED_BY_VALUE = frozenset({"G.k.4.r.10.2b", "E.i.1.1b"})


def _element_faults(element: str, hit, attr: str) -> Iterator[tuple[str, Callable, frozenset]]:
    if element in _SELECTED_BY_VALUE:
        return
    spec = element_specs().get(element)
    yield "empty", _set_value(attr, None), ANY_ERROR
    if spec is None:
        return
    from submissions.e2b.validate import _plan

    plan = _plan(spec, "fda")
    codes = plan.codes  # the element's code list, or its unit list
    if codes:
        bad = "false" if codes <= {"true", "false"} else (
            "C99999" if any(c.startswith("C") for c in codes) else "8")
        if bad not in codes:
            yield "code", _set_value(attr, bad), frozenset({"ICH-CODE"})
    elif plan.max_length and attr != "value" and element not in {"E.i.1.1b"}:
        yield "length", _set_value(attr, "X" * (plan.max_length + 1)), frozenset({"ICH-LEN"})
    forbidden = [nf for nf in _FLAVORS if nf not in plan.null_flavors]
    if forbidden and not (attr == "value" and hit.node.get("value", "").startswith(
            ("tel:", "fax:", "mailto:"))):
        yield "nullflavor", _set_value(attr, None, forbidden[0]), frozenset({"ICH-NF"})
    if plan.date:
        yield "future", _set_value(attr, "29990101"), frozenset({"ICH-FUTURE"})
        yield "baddate", _set_value(attr, "20250231"), frozenset({"ICH-DATE"})


def _context(node) -> str:
    """What kind of node it is, for de-duplication: its tag and code system."""
    return f"{etree.QName(node).localname}@{node.get('codeSystem') or node.get('unit') or ''}"


def _datatype_faults(message) -> Iterator[tuple[str, etree._Element, Callable, frozenset]]:
    from submissions.e2b.codelists import oid_code_lists

    lists = oid_code_lists()
    pair, meddra = frozenset({"ICH-PAIR"}), frozenset({"ICH-MEDDRA"})
    for node in message.iter():
        if not isinstance(node.tag, str) or node.get("nullFlavor"):
            continue
        system = node.get("codeSystem")
        # a ratio's denominator "1" is dimensionless: HL7's default unit, not a missing one
        tag = etree.QName(node).localname
        if (node.get("value") is not None and node.get("unit") is not None
                and tag != "denominator"):
            yield "pq-unit", node, _set_value("unit", None), pair
            yield "pq-value", node, _set_value("value", None), pair
            yield "pq-ucum", node, _set_value("unit", "mgg"), frozenset({"ICH-UCUM"})
        if system == k.MEDDRA_OID and node.get("code") and node.get("codeSystemVersion"):
            yield "meddra-version", node, _set_value("codeSystemVersion", None), pair
            yield "meddra-code", node, _set_value("code", None), ANY_ERROR
            yield "meddra-version-format", node, _set_value("codeSystemVersion", "25"), meddra
            yield "meddra-code-format", node, _set_value("code", "1002"), meddra
        if system == k.COUNTRY_OID and node.get("code"):
            yield "country", node, _set_value("code", "XX"), frozenset({"ICH-COUNTRY"})
        if system in lists and node.get("code"):
            yield "codelist", node, _set_value("code", "77"), frozenset({"ICH-CODE"})
            yield "nf-beside-value", node, lambda el: el.set("nullFlavor", "UNK"), \
                frozenset({"ICH-NF"})
        if node.get("language"):
            yield "language", node, _set_value("language", "english"), frozenset({"ICH-LANG"})
        if (tag == "id" and node.get("extension")
                and node.get("root", "").startswith("2.16.840.1.113883.3.989.")):
            yield "id-extension", node, _set_value("extension", None), ANY_ERROR


def generated_mutants() -> dict[str, Mutant]:
    out: dict[str, Mutant] = {}
    seen: set[tuple[str, str]] = set()
    for name in EXAMPLES:
        root = _original(name)
        tree = root.getroottree()
        message = root.find(f"{{{k.HL7_NS}}}PORR_IN049016UV")
        data = extract(message)
        for group in data.groups():
            for element, hits in group.fields.items():
                hit = next((h for h in hits if h.value is not None), None)
                if hit is None or hit.node is None:
                    continue
                for fault, change, expect in _element_faults(element, hit, _attr_of(element)):
                    if (element, fault) not in seen:
                        seen.add((element, fault))
                        out[f"{element}:{fault}:{name}"] = Mutant(
                            name, _at(tree.getpath(hit.node), change), expect)
        for fault, node, change, expect in _datatype_faults(message):
            key = (_context(node), fault)
            if key not in seen:
                seen.add(key)
                out[f"{key[0]}:{fault}:{name}"] = Mutant(name, _at(tree.getpath(node), change),
                                                         expect)
    return out
