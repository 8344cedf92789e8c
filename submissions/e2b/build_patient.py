"""Build the adverseEventAssessment part of an ICSR: patient (D), reactions (E), drugs (G),
drug roles and relatedness (G.k.1, G.k.9.i) and comments (H.2, H.4)."""

from __future__ import annotations

from collections.abc import Callable

from . import constants as k
from .death import build_death, build_deceased_time
from .retained import restore
from .snapshot import CaseSnapshot, Code, Dosage, Drug, Patient, Quantity, Reaction
from .study import build_study
from .xmlutil import bl_value, code_attrs, fragment, ivl_ts, obs_code, pq, sub, ts, typed

Scrub = Callable[[str], str]
_OBS = {"classCode": "OBS", "moodCode": "EVN"}
_SBADM = {"classCode": "SBADM", "moodCode": "EVN"}


def build_assessment(component, case: CaseSnapshot, clean: Scrub) -> None:
    aea = sub(component, "adverseEventAssessment", {"classCode": "INVSTG", "moodCode": "EVN"})
    role = sub(sub(aea, "subject1", {"typeCode": "SBJ"}), "primaryRole", {"classCode": "INVSBJ"})
    _patient(role, case, clean)
    for reaction in case.reactions:
        _reaction(role, reaction, case, clean)
    if case.drugs:
        organizer = _organizer(role, "4")
        for drug in case.drugs:
            _drug(sub(organizer, "component", {"typeCode": "COMP"}), drug, clean)
    restore(role, case.patient.kept.get("patient"), clean, "patient")
    for drug in case.drugs:  # G.k.1 drug role
        assessment = _causality(aea, k.OBS_CAUSALITY_ROLE)
        typed(assessment, "value", "CE", code=drug.role, codeSystem=k.CL_DRUG_ROLE)
        _product_reference(assessment, drug.id)
    for drug in case.drugs:  # G.k.9.i.2.r relatedness
        for item in drug.relatedness:
            assessment = _causality(aea, k.OBS_CAUSALITY)
            typed(assessment, "value", "ST").text = clean(item.result)
            if item.method:
                sub(sub(assessment, "methodCode"), "originalText", text=clean(item.method))
            if item.source:
                author = sub(sub(assessment, "author", {"typeCode": "AUT"}), "assignedEntity",
                             {"classCode": "ASSIGNED"})
                sub(sub(author, "code"), "originalText", text=clean(item.source))
            reference = sub(sub(assessment, "subject1", {"typeCode": "SUBJ"}),
                            "adverseEffectReference", _OBS)
            sub(reference, "id", {"root": item.reaction_id})
            _product_reference(assessment, drug.id)
    for text, author_code in ((case.reporter_comments, "3"), (case.sender_comments, "1")):
        if text:  # H.2 reporter's comments (3 = sourceReporter), H.4 sender's comments
            event = fragment(aea, ("comment", author_code),
                             lambda holder, code=author_code: _make_comment(holder, code))[0]
            value = typed(event, "value", "ED")
            value.text = clean(text)
            event.insert(1, value)  # between code and author
    restore(aea, case.kept.get("assessment"), clean, "assessment")


def _make_indication(holder) -> None:
    obs = sub(sub(holder, "inboundRelationship", {"typeCode": "RSON"}), "observation", _OBS)
    obs_code(obs, k.OBS_INDICATION)
    entity = sub(sub(obs, "performer", {"typeCode": "PRF"}), "assignedEntity",
                 {"classCode": "ASSIGNED"})
    sub(entity, "code", {"code": "3", "codeSystem": k.CL_ASSIGNED_ROLE})


def _make_comment(holder, author_code: str) -> None:
    event = sub(sub(holder, "component1", {"typeCode": "COMP"}), "observationEvent", _OBS)
    obs_code(event, k.OBS_COMMENT)
    entity = sub(sub(event, "author", {"typeCode": "AUT"}), "assignedEntity",
                 {"classCode": "ASSIGNED"})
    sub(entity, "code", {"code": author_code, "codeSystem": k.CL_ASSIGNED_ROLE})


def _causality(aea, code: str):
    return fragment(aea, ("causality", code), lambda holder: obs_code(
        sub(sub(holder, "component", {"typeCode": "COMP"}), "causalityAssessment", _OBS),
        code))[0]


def _product_reference(assessment, drug_id: str) -> None:
    wrapper = fragment(assessment, ("product-ref",), lambda holder: sub(
        sub(holder, "subject2", {"typeCode": "SUBJ"}), "productUseReference", _SBADM))
    sub(wrapper[0], "id", {"root": drug_id})


def _observation(role, code: str, system: str = k.CL_OBSERVATION):
    return fragment(role, ("observation", code, system), lambda holder: obs_code(
        sub(sub(holder, "subjectOf2", {"typeCode": "SBJ"}), "observation", _OBS),
        code, system))[0]


def _organizer(role, code: str):
    def make(holder) -> None:
        organizer = sub(sub(holder, "subjectOf2", {"typeCode": "SBJ"}), "organizer",
                        {"classCode": "CATEGORY", "moodCode": "EVN"})
        sub(organizer, "code", {"code": code, "codeSystem": k.CL_ORGANIZER})

    return fragment(role, ("organizer", code), make)[0]


def _coded_value(parent, code: Code | None, *, text: str = "", language: str = "",
                 tag: str = "value"):
    value = typed(parent, tag, "CE", **(code_attrs(code) if code else {}))
    if text:
        original = sub(value, "originalText", text=text)
        if language:
            original.set("language", language)
    return value


def _patient(role, case: CaseSnapshot, clean: Scrub) -> None:
    patient: Patient = case.patient
    player = sub(role, "player1", {"classCode": "PSN", "determinerCode": "INSTANCE"})
    initials = patient.initials or "MSK"
    # A value the scrubber would touch is a Restricted value (e.g. the member's real initials
    # typed as their name): mask the whole element rather than send half of it.
    if initials.isupper() and initials.isalpha() and initials in k.NULL_FLAVORS:
        sub(player, "name", {"nullFlavor": initials})
    elif clean(initials) != initials:
        sub(player, "name", {"nullFlavor": "MSK"})
    else:
        sub(player, "name", text=initials)
    if patient.sex in ("1", "2"):
        sub(player, "administrativeGenderCode", {"code": patient.sex, "codeSystem": k.SEX_OID})
    elif patient.sex:
        sub(player, "administrativeGenderCode", {"nullFlavor": patient.sex})
    ts(player, "birthTime", patient.birth_date)
    build_deceased_time(player, patient.death)  # D.9.1
    restore(player, patient.kept.get("person"), clean, "person")
    build_study(role, case.study, clean)  # C.5

    if patient.age is not None:
        pq(_observation(role, k.OBS_AGE), "value", patient.age)
    if patient.age_group:
        typed(_observation(role, k.OBS_AGE_GROUP), "value", "CE", code=patient.age_group,
              codeSystem=k.CL_AGE_GROUP)
    if patient.weight_kg is not None:
        pq(_observation(role, k.OBS_WEIGHT), "value", _quantity(patient.weight_kg, "kg"))
    if patient.height_cm is not None:
        pq(_observation(role, k.OBS_HEIGHT), "value", _quantity(patient.height_cm, "cm"))
    if case.fda is not None:  # FDA.D.11.r race, FDA.D.12 ethnicity (NCI codes)
        for race in case.fda.race or ("",):
            _nci_observation(role, k.FDA_RACE_CODE, race, case.fda.race_null_flavor)
        _nci_observation(role, k.FDA_ETHNICITY_CODE, case.fda.ethnicity,
                         case.fda.ethnicity_null_flavor)
    build_death(role, patient.death, clean)  # D.9.2.r-D.9.4.r

    if patient.medical_history or patient.medical_history_text or patient.concomitant_therapies:
        organizer = _organizer(role, "1")
        for item in patient.medical_history:
            obs = sub(sub(organizer, "component", {"typeCode": "COMP"}), "observation", _OBS)
            sub(obs, "code", code_attrs(item.term))
            ivl_ts(obs, item.start, item.end)
            if item.comments:
                comment = sub(sub(obs, "outboundRelationship2", {"typeCode": "COMP"}),
                              "observation", _OBS)
                obs_code(comment, k.OBS_COMMENT)
                typed(comment, "value", "ED").text = clean(item.comments)
            if item.family_history:
                family = sub(sub(obs, "outboundRelationship2", {"typeCode": "EXPL"}),
                             "observation", _OBS)
                obs_code(family, k.OBS_FAMILY_HISTORY)
                bl_value(family, True)
            if item.continuing is not None:
                continuing = sub(sub(obs, "inboundRelationship", {"typeCode": "REFR"}),
                                 "observation", _OBS)
                obs_code(continuing, k.OBS_CONTINUING)
                bl_value(continuing, item.continuing)
            restore(obs, item.kept.get("history"), clean, "history")
        if patient.medical_history_text:
            obs = sub(sub(organizer, "component", {"typeCode": "COMP"}), "observation", _OBS)
            obs_code(obs, k.OBS_HISTORY_TEXT)
            typed(obs, "value", "ED").text = clean(patient.medical_history_text)
        elif not patient.medical_history:
            _history_unknown(organizer)
        if patient.concomitant_therapies:
            obs = sub(sub(organizer, "component", {"typeCode": "COMP"}), "observation", _OBS)
            obs_code(obs, "11")
            bl_value(obs, True)
    else:
        _history_unknown(_organizer(role, "1"))

    if patient.past_drugs:
        organizer = _organizer(role, "2")
        for past in patient.past_drugs:
            adm = sub(sub(organizer, "component", {"typeCode": "COMP"}), "substanceAdministration",
                      _SBADM)
            ivl_ts(adm, past.start, past.end)
            kind = _kind_of_product(adm)
            sub(kind, "name", text=clean(past.name))
            for code, obs_code_value in ((past.indication, k.OBS_INDICATION),
                                         (past.reaction, k.OBS_REACTION)):
                if code is not None:
                    rel_type = "RSON" if obs_code_value == k.OBS_INDICATION else "CAUS"
                    obs = sub(sub(adm, "outboundRelationship2", {"typeCode": rel_type}),
                              "observation", _OBS)
                    obs_code(obs, obs_code_value)
                    _coded_value(obs, code)
            restore(adm, past.kept.get("past_drug"), clean, "past_drug")


def _nci_observation(role, code: str, value: str, null_flavor: str) -> None:
    obs = _observation(role, code, k.NCI_OID)
    if value:
        typed(obs, "value", "CE", code=value, codeSystem=k.NCI_OID)
    else:
        typed(obs, "value", "CE", nullFlavor=null_flavor)


def _quantity(value, unit: str) -> Quantity:
    return Quantity(value, unit)


def _kind_of_product(adm):
    def make(holder) -> None:
        instance = sub(sub(holder, "consumable", {"typeCode": "CSM"}), "instanceOfKind",
                       {"classCode": "INST"})
        sub(instance, "kindOfProduct", {"classCode": "MMAT", "determinerCode": "KIND"})

    return fragment(adm, ("kind-of-product",), make)[0][0]


def _reaction(role, reaction: Reaction, case: CaseSnapshot, clean: Scrub) -> None:
    obs = sub(sub(role, "subjectOf2", {"typeCode": "SBJ"}), "observation", _OBS)
    sub(obs, "id", {"root": reaction.id})
    obs_code(obs, k.OBS_REACTION)
    ivl_ts(obs, reaction.onset, reaction.end, reaction.duration)
    _coded_value(obs, reaction.term, text=clean(reaction.reported_term),
                 language=reaction.reported_language)
    if reaction.country:
        entity = sub(sub(obs, "location", {"typeCode": "LOC"}), "locatedEntity",
                     {"classCode": "LOCE"})
        place = sub(entity, "locatedPlace", {"classCode": "COUNTRY", "determinerCode": "INSTANCE"})
        sub(place, "code", {"code": reaction.country, "codeSystem": k.COUNTRY_OID})
    if reaction.translation:
        translation = _pertinent_copy(obs, k.OBS_TRANSLATION)
        typed(translation, "value", "ED").text = clean(reaction.translation)
    for name, code in k.SERIOUSNESS_CODES.items():
        # E.i.3.2a-f: true when met, nullFlavor NI otherwise (false is never sent).
        _flag(obs, code, k.CL_OBSERVATION, name in reaction.seriousness)
    if case.fda is not None:
        _flag(obs, k.FDA_REQUIRED_INTERVENTION_CODE, k.FDA_OBSERVATION,
              reaction.required_intervention)
    outcome = _pertinent_copy(obs, k.OBS_OUTCOME)
    typed(outcome, "value", "CE", code=reaction.outcome or "0", codeSystem=k.CL_OUTCOME)
    restore(obs, reaction.kept.get("reaction"), clean, "reaction")


def _flag(obs, code: str, system: str, value: bool) -> None:
    fragment(obs, ("flag", code, system, value),
             lambda holder: bl_value(_pertinent(holder, code, system), True if value else None))


def _pertinent(obs, code: str, system: str = k.CL_OBSERVATION):
    inner = sub(sub(obs, "outboundRelationship2", {"typeCode": "PERT"}), "observation", _OBS)
    obs_code(inner, code, system)
    return inner


def _pertinent_copy(obs, code: str, system: str = k.CL_OBSERVATION):
    return fragment(obs, ("pertinent", code, system),
                    lambda holder: _pertinent(holder, code, system))[0]


def _drug(component, drug: Drug, clean: Scrub) -> None:
    adm = sub(component, "substanceAdministration", _SBADM)
    sub(adm, "id", {"root": drug.id})
    kind = _kind_of_product(adm)
    if drug.product_code is not None:
        sub(kind, "code", code_attrs(drug.product_code))
    sub(kind, "name", text=clean(drug.name))
    if drug.authorisation_number or drug.holder or drug.authorisation_country:
        manufactured = sub(kind, "asManufacturedProduct", {"classCode": "MANU"})
        approval = sub(sub(manufactured, "subjectOf", {"typeCode": "SBJ"}), "approval",
                       {"classCode": "CNTRCT", "moodCode": "EVN"})
        if drug.authorisation_number:
            sub(approval, "id", {"root": k.OID_AUTH_NO, "extension": drug.authorisation_number})
        if drug.holder:
            role = sub(sub(approval, "holder", {"typeCode": "HLD"}), "role", {"classCode": "HLD"})
            org = sub(role, "playingOrganization", {"classCode": "ORG",
                                                    "determinerCode": "INSTANCE"})
            sub(org, "name", text=drug.holder)
        if drug.authorisation_country:
            authority = sub(sub(approval, "author", {"typeCode": "AUT"}), "territorialAuthority",
                            {"classCode": "TERR"})
            territory = sub(authority, "territory", {"classCode": "NAT",
                                                     "determinerCode": "INSTANCE"})
            sub(territory, "code", {"code": drug.authorisation_country,
                                    "codeSystem": k.COUNTRY_OID})
    for ingredient in drug.ingredients:
        element = sub(kind, "ingredient", {"classCode": "ACTI"})
        if ingredient.strength is not None:
            quantity = sub(element, "quantity")
            pq(quantity, "numerator", ingredient.strength, xsi_type=None)
            sub(quantity, "denominator", {"value": "1", "unit": "1"})
        substance = sub(element, "ingredientSubstance", {"classCode": "MMAT",
                                                          "determinerCode": "KIND"})
        if ingredient.code is not None:
            sub(substance, "code", code_attrs(ingredient.code))
        sub(substance, "name", text=clean(ingredient.name))
    for dosage in drug.dosages:
        _dosage(sub(adm, "outboundRelationship2", {"typeCode": "COMP"}), dosage, clean)
    if drug.additional_info:  # G.k.11
        obs = sub(sub(adm, "outboundRelationship2", {"typeCode": "REFR"}), "observation", _OBS)
        obs_code(obs, k.OBS_ADDITIONAL_INFO)
        typed(obs, "value", "ST").text = clean(drug.additional_info)
    for indication in drug.indications:  # G.k.7.r
        obs = fragment(adm, ("indication",), _make_indication)[0]
        value = _coded_value(obs, indication.term, text=clean(indication.text))
        obs.insert(1, value)  # the value goes between code and performer
    if drug.action_taken:  # G.k.8
        act = sub(sub(adm, "inboundRelationship", {"typeCode": "CAUS"}), "act",
                  {"classCode": "ACT", "moodCode": "EVN"})
        sub(act, "code", {"code": drug.action_taken, "codeSystem": k.CL_ACTION_TAKEN})
    restore(kind, drug.kept.get("kind"), clean, "kind")
    restore(kind.getparent(), drug.kept.get("product"), clean, "product")
    restore(adm, drug.kept.get("drug"), clean, "drug")


def _dosage(relationship, dosage: Dosage, clean: Scrub) -> None:
    adm = sub(relationship, "substanceAdministration", _SBADM)
    if dosage.text:
        sub(adm, "text", text=clean(dosage.text))
    if dosage.interval is not None:
        # G.k.4.r.2/3 frequency as a PIVL_TS period, intersected with the dates (SXPR_TS).
        time = typed(adm, "effectiveTime", "SXPR_TS")
        period = typed(time, "comp", "PIVL_TS")
        pq(period, "period", dosage.interval, xsi_type=None)
        if dosage.start is not None or dosage.end is not None or dosage.duration is not None:
            ivl = ivl_ts(time, dosage.start, dosage.end, dosage.duration, tag="comp")
            ivl.set("operator", "A")
    else:
        ivl_ts(adm, dosage.start, dosage.end, dosage.duration)
    if dosage.route is not None or dosage.route_text:
        route = sub(adm, "routeCode", code_attrs(dosage.route) if dosage.route else {})
        if dosage.route_text:
            sub(route, "originalText", text=clean(dosage.route_text))
    if dosage.dose is not None:
        pq(adm, "doseQuantity", dosage.dose, xsi_type=None)
    if dosage.batch_lot or dosage.dose_form is not None or dosage.dose_form_text:
        instance = sub(sub(adm, "consumable", {"typeCode": "CSM"}), "instanceOfKind",
                       {"classCode": "INST"})
        if dosage.batch_lot:
            product = sub(instance, "productInstanceInstance",
                          {"classCode": "MMAT", "determinerCode": "INSTANCE"})
            sub(product, "lotNumberText", text=clean(dosage.batch_lot))
        kind = sub(instance, "kindOfProduct", {"classCode": "MMAT", "determinerCode": "KIND"})
        form = sub(kind, "formCode", code_attrs(dosage.dose_form) if dosage.dose_form else {})
        if dosage.dose_form_text:
            sub(form, "originalText", text=clean(dosage.dose_form_text))
    restore(adm, dosage.kept.get("dosage"), clean, "dosage")


def _history_unknown(organizer) -> None:
    """D.7.2 is required when D.7.1 is empty (ICH; FDA R0035): no history known is UNK."""
    obs = sub(sub(organizer, "component", {"typeCode": "COMP"}), "observation", _OBS)
    obs_code(obs, k.OBS_HISTORY_TEXT)
    typed(obs, "value", "ED").set("nullFlavor", "UNK")
