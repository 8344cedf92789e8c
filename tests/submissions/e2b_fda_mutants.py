"""One hand-written single-fault mutant of an FDA example per FDA rule pv encodes."""

from __future__ import annotations

from lxml import etree

from submissions.e2b import constants as k

from .e2b_mutants import NS, Edit, Mutant, _nodes, chain, drop, put, text, unset

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


def _registration(root: str) -> str:
    return f"{STUDY}/h:authorization/h:studyRegistration/h:id[@root='{root}']"


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
    # FDA's format "123456": a number of another shape is not one FDA registered
    "R0105": _m(S3, put(_registration(k.FDA_IND), extension="12345"), "R0105"),
    "R0106": _m(S51, put(_registration(k.FDA_PRE_ANDA), extension="2345678"), "R0106"),
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
    "W0012": _m(S3, put(_registration(k.FDA_CROSS_REPORTED_IND), extension="22-222"), "W0012",
                severity="warning"),
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
