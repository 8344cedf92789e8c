"""Read incoming E2B(R3) ICSR batches into case snapshots (the inverse of build.py).

Only the elements pv models are read (see snapshot.py); anything else in the file is ignored,
so import -> export round-trips what pv supports and drops the rest. Parsing goes through
`safexml.parse_xml`: DTDs, entities, network access and oversize documents are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from lxml import etree

from . import constants as k
from .death import parse_death
from .extract import IE, PR
from .lossless import attach_kept
from .safexml import E2BParseError, parse_xml
from .snapshot import (
    BatchHeader,
    CaseSnapshot,
    Code,
    Dosage,
    Drug,
    FdaRegional,
    Indication,
    Ingredient,
    MedicalHistory,
    Nullification,
    PastDrug,
    Patient,
    PrimarySource,
    Quantity,
    Reaction,
    Relatedness,
    Sender,
)
from .study import parse_study
from .timefmt import parse_ts


@dataclass
class ParsedBatch:
    header: BatchHeader
    cases: list[CaseSnapshot]


@lru_cache(maxsize=512)
def _xp(path: str) -> etree.XPath:
    return etree.XPath(path, namespaces=k.XP_NS, smart_strings=False)


def _all(el, path: str) -> list:
    return _xp(path)(el) if el is not None else []


def _one(el, path: str):
    found = _all(el, path)
    return found[0] if found else None


def _attr(el, path: str, name: str) -> str:
    node = _one(el, path)
    return (node.get(name) or "") if node is not None else ""


def _text(el, path: str) -> str:
    node = _one(el, path)
    return "".join(node.itertext()) if node is not None else ""


def _value_or_null(el, path: str, name: str) -> str:
    """The attribute value, or the nullFlavor the element carries instead."""
    node = _one(el, path)
    if node is None:
        return ""
    return node.get(name) or node.get("nullFlavor") or ""


def _date(el, path: str):
    node = _one(el, path)
    if node is None:
        return None
    if node.get("value"):
        return parse_ts(node.get("value"))
    return node.get("nullFlavor")


def _code(node) -> Code | None:
    if node is None or not node.get("code"):
        return None
    return Code(node.get("code"), node.get("codeSystem") or "", node.get("codeSystemVersion") or "",
                node.get("displayName") or "")


def _quantity(node) -> Quantity | None:
    if node is None or node.get("value") is None:
        return None
    return Quantity(_number(node.get("value")), node.get("unit") or "1")


def _number(text: str):
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    return int(value) if value == value.to_integral() and "." not in text else value


def _obs(code: str, system: str = k.CL_OBSERVATION) -> str:
    return f"[h:code/@code='{code}'][h:code/@codeSystem='{system}']"


def parse_batch(data: bytes) -> ParsedBatch:
    root = parse_xml(data)
    if etree.QName(root).localname != "MCCI_IN200100UV01":
        raise E2BParseError(f"expected an ICSR batch MCCI_IN200100UV01, got "
                            f"{etree.QName(root).localname}")
    messages = _all(root, "h:PORR_IN049016UV")
    first = messages[0] if messages else None
    header = BatchHeader(
        batch_number=_attr(root, f"h:id[@root='{k.OID_BATCH_NO}']", "extension"),
        sender_id=_attr(root, "h:sender/h:device/h:id", "extension"),
        receiver_id=_attr(root, "h:receiver/h:device/h:id", "extension"),
        created_at=parse_ts(_attr(root, "h:creationTime", "value")),
        message_receiver_id=_attr(first, "h:receiver/h:device/h:id", "extension"),
        message_sender_id=_attr(first, "h:sender/h:device/h:id", "extension"),
    )
    return ParsedBatch(header, [parse_message(m) for m in messages])


def parse_icsr(data: bytes) -> CaseSnapshot:
    """The single ICSR of a one-message batch (the usual unit)."""
    batch = parse_batch(data)
    if not batch.cases:
        raise E2BParseError("the batch holds no ICSR message")
    return batch.cases[0]


def parse_message(msg) -> CaseSnapshot:
    """The typed snapshot plus, in its `kept` documents, whatever it does not model."""
    case = _typed_message(msg)
    attach_kept(msg, case)
    return case


def _typed_message(msg) -> CaseSnapshot:
    ie = _one(msg, IE)
    if ie is None:
        raise E2BParseError("message has no investigationEvent")
    role = _one(ie, PR)
    c11 = _attr(ie, f"h:id[@root='{k.OID_C_1_1}']", "extension")
    message_id = _attr(msg, f"h:id[@root='{k.OID_C_1_1}']", "extension")
    expedited = _attr(ie, f"h:component/h:observationEvent{_obs('23')}/h:value", "value")
    nullification = None
    null_code = _attr(ie, f"h:subjectOf2/h:investigationCharacteristic"
                          f"{_obs('3', k.CL_REPORT_CHARACTERISTIC)}/h:value", "code")
    if null_code:
        nullification = Nullification(null_code, _text(
            ie, f"h:subjectOf2/h:investigationCharacteristic"
                f"{_obs('4', k.CL_REPORT_CHARACTERISTIC)}/h:value/h:originalText"))
    comments = "h:component/h:adverseEventAssessment/h:component1/h:observationEvent"
    reactions = [_reaction(r) for r in _all(role, f"h:subjectOf2/h:observation{_obs('29')}")]
    drugs = [_drug(d) for d in _all(role, "h:subjectOf2/h:organizer[h:code/@code='4']"
                                          "/h:component/h:substanceAdministration")]
    _drug_assessments(ie, drugs)
    return CaseSnapshot(
        safety_report_id=c11,
        worldwide_case_id=_attr(ie, f"h:id[@root='{k.OID_C_1_8_1}']", "extension"),
        first_sender=_attr(ie, "h:outboundRelationship/h:relatedInvestigation[h:code/@code='1']"
                               "/h:subjectOf2/h:controlActEvent/h:author/h:assignedEntity/h:code",
                           "code"),
        created_at=parse_ts(_attr(msg, "h:controlActProcess/h:effectiveTime", "value")),
        report_type=_attr(ie, f"h:subjectOf2/h:investigationCharacteristic"
                              f"{_obs('1', k.CL_REPORT_CHARACTERISTIC)}/h:value", "code"),
        first_received=_date(ie, "h:effectiveTime/h:low"),
        most_recent=_date(ie, "h:availabilityTime"),
        additional_documents=tuple(
            "".join(t.itertext()) for t in _all(ie, "h:reference/h:document/h:title")),
        expedited={"true": True, "false": False}.get(expedited),
        other_case_ids=tuple(
            (node.get("assigningAuthorityName") or "", node.get("extension") or "")
            for node in _all(ie, f"h:subjectOf1/h:controlActEvent/h:id[@root='{k.OID_C_1_9_1_R}']")
        ),
        nullification=nullification,
        study=parse_study(role),
        primary_sources=[_source(s) for s in _all(
            ie, "h:outboundRelationship[h:relatedInvestigation/h:code/@code='2']")],
        sender=_sender(_one(ie, "h:subjectOf1/h:controlActEvent/h:author/h:assignedEntity")),
        patient=_patient(role),
        reactions=reactions,
        drugs=drugs,
        narrative=_text(ie, "h:text"),
        reporter_comments=_text(ie, f"{comments}[h:author/h:assignedEntity/h:code/@code='3']"
                                    "/h:value"),
        sender_comments=_text(ie, f"{comments}[h:author/h:assignedEntity/h:code/@code='1']"
                                  "/h:value"),
        fda=_fda(ie, role),
        message_id="" if message_id == c11 else message_id,
    )


def _source(rel) -> PrimarySource:
    entity = _one(rel, "h:relatedInvestigation/h:subjectOf2/h:controlActEvent/h:author"
                       "/h:assignedEntity/h:assignedPerson")
    return PrimarySource(
        qualification=_value_or_null(entity, "h:asQualifiedEntity/h:code", "code"),
        country=_attr(entity, "h:asLocatedEntity/h:location/h:code", "code"),
        regulatory=_attr(rel, "h:priorityNumber", "value") == "1",
    )


def _sender(entity) -> Sender:
    def telecom(scheme: str) -> str:
        value = _attr(entity, f"h:telecom[starts-with(@value,'{scheme}:')]", "value")
        return value.split(":", 1)[1] if value else ""

    return Sender(
        type=_attr(entity, "h:code", "code"),
        organisation=_text(entity, "h:representedOrganization/h:assignedEntity"
                                   "/h:representedOrganization/h:name"),
        department=_text(entity, "h:representedOrganization/h:name"),
        title=_text(entity, "h:assignedPerson/h:name/h:prefix"),
        given_name=_text(entity, "h:assignedPerson/h:name/h:given[1]"),
        family_name=_text(entity, "h:assignedPerson/h:name/h:family"),
        street=_text(entity, "h:addr/h:streetAddressLine[1]"),
        city=_text(entity, "h:addr/h:city"),
        state=_text(entity, "h:addr/h:state"),
        postcode=_text(entity, "h:addr/h:postalCode"),
        country=_attr(entity, "h:assignedPerson/h:asLocatedEntity/h:location/h:code", "code"),
        telephone=telecom("tel"), fax=telecom("fax"), email=telecom("mailto"),
    )


def _patient(role) -> Patient:
    name = _one(role, "h:player1/h:name")
    initials = ""
    if name is not None:
        initials = name.get("nullFlavor") or "".join(name.itertext()).strip()
    history = "h:subjectOf2/h:organizer[h:code/@code='1']/h:component/h:observation"
    return Patient(
        initials=initials,
        birth_date=_date(role, "h:player1/h:birthTime"),
        age=_quantity(_one(role, f"h:subjectOf2/h:observation{_obs('3')}/h:value")),
        age_group=_attr(role, f"h:subjectOf2/h:observation{_obs('4')}/h:value", "code"),
        weight_kg=_number_or_none(_attr(role, f"h:subjectOf2/h:observation{_obs('7')}/h:value",
                                        "value")),
        height_cm=_number_or_none(_attr(role, f"h:subjectOf2/h:observation{_obs('17')}/h:value",
                                        "value")),
        sex=_value_or_null(role, "h:player1/h:administrativeGenderCode", "code"),
        medical_history=[
            MedicalHistory(
                term=_code(_one(obs, "h:code")),
                start=_date(obs, "h:effectiveTime/h:low"),
                end=_date(obs, "h:effectiveTime/h:high"),
                continuing=_bool(_attr(obs, f"h:inboundRelationship/h:observation{_obs('13')}"
                                            "/h:value", "value")),
                comments=_text(obs, f"h:outboundRelationship2/h:observation{_obs('10')}/h:value"),
                family_history=_attr(obs, f"h:outboundRelationship2/h:observation{_obs('38')}"
                                          "/h:value", "value") == "true",
            )
            for obs in _all(role, f"{history}[not(h:code/@codeSystem='{k.CL_OBSERVATION}')]")
            if _code(_one(obs, "h:code")) is not None
        ],
        medical_history_text=_text(role, f"{history}{_obs('18')}/h:value"),
        concomitant_therapies=_attr(role, f"{history}{_obs('11')}/h:value", "value") == "true",
        death=parse_death(role),
        past_drugs=[
            PastDrug(
                name=_text(adm, "h:consumable/h:instanceOfKind/h:kindOfProduct/h:name"),
                start=_date(adm, "h:effectiveTime/h:low"),
                end=_date(adm, "h:effectiveTime/h:high"),
                indication=_code(_one(adm, f"h:outboundRelationship2/h:observation{_obs('19')}"
                                           "/h:value")),
                reaction=_code(_one(adm, f"h:outboundRelationship2/h:observation{_obs('29')}"
                                         "/h:value")),
            )
            for adm in _all(role, "h:subjectOf2/h:organizer[h:code/@code='2']/h:component"
                                  "/h:substanceAdministration")
        ],
    )


def _number_or_none(text: str):
    return _number(text) if text else None


def _bool(text: str) -> bool | None:
    return {"true": True, "false": False}.get(text)


def _reaction(obs) -> Reaction:
    value = _one(obs, "h:value")
    original = _one(value, "h:originalText")
    width = _one(obs, "h:effectiveTime/h:width")
    seriousness = frozenset(
        name for name, code in k.SERIOUSNESS_CODES.items()
        if _attr(obs, f"h:outboundRelationship2/h:observation{_obs(code)}/h:value", "value")
        == "true"
    )
    intervention = _attr(obs, f"h:outboundRelationship2/h:observation"
                              f"{_obs('7', k.FDA_OBSERVATION)}/h:value", "value")
    return Reaction(
        id=_attr(obs, "h:id", "root"),
        reported_term="".join(original.itertext()) if original is not None else "",
        reported_language=(original.get("language") or "") if original is not None else "",
        term=_code(value),
        translation=_text(obs, f"h:outboundRelationship2/h:observation{_obs('30')}/h:value"),
        onset=_date(obs, "h:effectiveTime/h:low"),
        end=_date(obs, "h:effectiveTime/h:high"),
        duration=_quantity(width),
        seriousness=seriousness,
        outcome=_attr(obs, f"h:outboundRelationship2/h:observation{_obs('27')}/h:value", "code"),
        country=_attr(obs, "h:location/h:locatedEntity/h:locatedPlace/h:code", "code"),
        required_intervention=intervention == "true",
    )


def _drug(adm) -> Drug:
    kind = _one(adm, "h:consumable/h:instanceOfKind/h:kindOfProduct")
    approval = _one(kind, "h:asManufacturedProduct/h:subjectOf/h:approval")
    return Drug(
        id=_attr(adm, "h:id", "root"),
        name=_text(kind, "h:name"),
        product_code=_code(_one(kind, "h:code")),
        ingredients=[
            Ingredient(
                name=_text(ing, "h:ingredientSubstance/h:name"),
                code=_code(_one(ing, "h:ingredientSubstance/h:code")),
                strength=_quantity(_one(ing, "h:quantity/h:numerator")),
            )
            for ing in _all(kind, "h:ingredient")
        ],
        authorisation_number=_attr(approval, "h:id", "extension"),
        authorisation_country=_attr(approval, "h:author/h:territorialAuthority/h:territory/h:code",
                                    "code"),
        holder=_text(approval, "h:holder/h:role/h:playingOrganization/h:name"),
        dosages=[_dosage(d) for d in _all(adm, "h:outboundRelationship2[@typeCode='COMP']"
                                               "/h:substanceAdministration")],
        indications=[
            Indication(text=_text(obs, "h:value/h:originalText"), term=_code(_one(obs, "h:value")))
            for obs in _all(adm, f"h:inboundRelationship[@typeCode='RSON']/h:observation"
                                 f"{_obs('19')}")
        ],
        action_taken=_attr(adm, "h:inboundRelationship[@typeCode='CAUS']/h:act/h:code", "code"),
        additional_info=_text(adm, f"h:outboundRelationship2/h:observation{_obs('2')}/h:value"),
    )


def _dosage(adm) -> Dosage:
    time = _one(adm, "h:effectiveTime")
    interval, window = None, time
    if time is not None and (time.get(k.XSI_TYPE) or "").endswith("SXPR_TS"):
        interval = _quantity(_one(time, "h:comp/h:period"))
        window = _one(time, "h:comp[h:low or h:high or h:width]")
    route = _one(adm, "h:routeCode")
    form = _one(adm, "h:consumable/h:instanceOfKind/h:kindOfProduct/h:formCode")
    return Dosage(
        dose=_quantity(_one(adm, "h:doseQuantity")),
        interval=interval,
        start=_date(window, "h:low"),
        end=_date(window, "h:high"),
        duration=_quantity(_one(window, "h:width")),
        batch_lot=_text(adm, "h:consumable/h:instanceOfKind/h:productInstanceInstance"
                             "/h:lotNumberText"),
        text=_text(adm, "h:text"),
        dose_form_text=_text(form, "h:originalText"),
        dose_form=_code(form),
        route_text=_text(route, "h:originalText"),
        route=_code(route),
    )


def _drug_assessments(ie, drugs: list[Drug]) -> None:
    by_id = {drug.id: drug for drug in drugs}
    for assessment in _all(ie, "h:component/h:adverseEventAssessment/h:component"
                               "/h:causalityAssessment"):
        drug = by_id.get(_attr(assessment, "h:subject2/h:productUseReference/h:id", "root"))
        if drug is None:
            continue
        code = _attr(assessment, "h:code", "code")
        if code == k.OBS_CAUSALITY_ROLE:
            drug.role = _attr(assessment, "h:value", "code")
        elif code == k.OBS_CAUSALITY:
            drug.relatedness.append(Relatedness(
                reaction_id=_attr(assessment, "h:subject1/h:adverseEffectReference/h:id", "root"),
                result=_text(assessment, "h:value"),
                source=_text(assessment, "h:author/h:assignedEntity/h:code/h:originalText"),
                method=_text(assessment, "h:methodCode/h:originalText"),
            ))


def _fda(ie, role) -> FdaRegional | None:
    local = _attr(ie, f"h:component/h:observationEvent{_obs('C54588', k.NCI_OID)}/h:value",
                  "code")
    combination = _attr(ie, f"h:component/h:observationEvent{_obs('C156384', k.NCI_OID)}"
                            "/h:value", "value")
    races = _all(role, f"h:subjectOf2/h:observation{_obs('C17049', k.NCI_OID)}/h:value")
    ethnicity = _one(role, f"h:subjectOf2/h:observation{_obs('C16564', k.NCI_OID)}/h:value")
    if not (local or combination or races or ethnicity is not None):
        return None
    race_codes = tuple(r.get("code") for r in races if r.get("code"))
    race_null = next((r.get("nullFlavor") for r in races if r.get("nullFlavor")), "UNK")
    return FdaRegional(
        local_report_type=local,
        combination_product=combination == "true",
        race=race_codes,
        race_null_flavor=race_null,
        ethnicity=(ethnicity.get("code") or "") if ethnicity is not None else "",
        ethnicity_null_flavor=((ethnicity.get("nullFlavor") if ethnicity is not None else None)
                               or "UNK"),
    )
