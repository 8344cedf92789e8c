"""Held-out style mutants, part 2: hand-written faults across elements.

Each function breaks one ICH or FDA rule that ties elements together (routing ids, dates in
order, required blocks, pairs, references, identifiers, formats) in an FDA example, or returns
False when the example gives it nothing to break (then no mutant is made from it). Functions
named for rules FDA's own examples break (a duplicate drug id in 5-3, a death before birth
in 6) are left out: those are not faults a gateway rejects.
"""

# ruff: noqa: E501

from __future__ import annotations

import copy

from lxml import etree

from .e2b_held_table import NS

H = "{urn:hl7-org:v3}"


IE = "//h:investigationEvent"


def x(t, p):
    return t.xpath(p, namespaces=NS)


def one(t, p):
    r = x(t, p)
    return r[0] if r else None


def remove(el):
    el.getparent().remove(el)


def f_receiver_swap(t):
    el = one(t, "/h:MCCI_IN200100UV01/h:receiver/h:device/h:id")
    el.set("extension", "ZZFDA_PREMKT" if el.get("extension") == "ZZFDA" else "ZZFDA")


def f_msg_receiver(t):
    el = one(t, "//h:PORR_IN049016UV/h:receiver/h:device/h:id")
    el.set("extension", {"CDER": "CBER_IND", "CDER_IND": "CDER", "CBER_IND": "CDER",
                         "CDER_IND_EXEMPT_BA_BE": "CDER"}.get(el.get("extension"), "CDER_IND"))


def f_msg_receiver_lower(t):
    el = one(t, "//h:PORR_IN049016UV/h:receiver/h:device/h:id")
    el.set("extension", el.get("extension").lower())


def f_batch_receiver_unknown(t):
    one(t, "/h:MCCI_IN200100UV01/h:receiver/h:device/h:id").set("extension", "ZZFDA_TEST")


def f_msg_sender_mismatch(t):
    one(t, "//h:PORR_IN049016UV/h:sender/h:device/h:id").set("extension", "OTHERSENDER")


def f_batch_sender_mismatch(t):
    one(t, "/h:MCCI_IN200100UV01/h:sender/h:device/h:id").set("extension", "OTHERSENDER")


def f_dup_message(t):
    m = one(t, "//h:PORR_IN049016UV")
    m.addnext(copy.deepcopy(m))


def f_second_message_other_sender(t):
    m = one(t, "//h:PORR_IN049016UV")
    m2 = copy.deepcopy(m)
    one(m2, "h:id").set("extension", "another-message-id-0001")
    one(m2, "h:sender/h:device/h:id").set("extension", "SOMEONEELSE")
    m.addnext(m2)


def f_dup_case_in_batch(t):
    m = one(t, "//h:PORR_IN049016UV")
    m2 = copy.deepcopy(m)
    one(m2, "h:id").set("extension", "another-message-id-0002")
    m.addnext(m2)   # same C.1.1 twice in one batch


def f_c14_after_c15(t):
    low = one(t, IE + "/h:effectiveTime/h:low")
    av = one(t, IE + "/h:availabilityTime")
    low.set("value", "20230101")
    av.set("value", "20220101")


def f_c15_after_c12(t):
    one(t, IE + "/h:availabilityTime").set("value", "20300101")


def f_c12_ne_n2r4(t):
    el = one(t, "//h:controlActProcess/h:effectiveTime")
    v = el.get("value")
    el.set("value", str(int(v[:4]) - 1) + v[4:])


def f_c11_no_hyphen(t):
    el = one(t, IE + "/h:id[@root='2.16.840.1.113883.3.989.2.1.3.1']")
    el.set("extension", el.get("extension").replace("-", ""))


def f_c11_bad_country(t):
    el = one(t, IE + "/h:id[@root='2.16.840.1.113883.3.989.2.1.3.1']")
    e = el.get("extension")
    el.set("extension", "UK" + e[2:])


def f_c181_bad_country(t):
    el = one(t, IE + "/h:id[@root='2.16.840.1.113883.3.989.2.1.3.2']")
    e = el.get("extension")
    el.set("extension", "XX" + e[2:])


def f_no_c181(t):
    remove(one(t, IE + "/h:id[@root='2.16.840.1.113883.3.989.2.1.3.2']"))


def f_no_c11(t):
    remove(one(t, IE + "/h:id[@root='2.16.840.1.113883.3.989.2.1.3.1']"))


def f_c11_root_wrong(t):
    one(t, IE + "/h:id[@root='2.16.840.1.113883.3.989.2.1.3.1']").set("root", "2.16.840.1.113883.3.989.2.1.3.9")


def _source(t):
    return x(t, IE + "/h:outboundRelationship[h:relatedInvestigation/h:code/@code='2']")


def f_no_primary_source(t):
    for s in _source(t):
        remove(s)


def f_no_regulatory_source(t):
    for s in _source(t):
        p = one(s, "h:priorityNumber")
        if p is not None:
            remove(p)


def f_two_regulatory_sources(t):
    s = _source(t)[0]
    s2 = copy.deepcopy(s)
    s.addnext(s2)
    if one(s2, "h:priorityNumber") is None:
        return False
    for e in _source(t):
        p = one(e, "h:priorityNumber")
        if p is not None:
            p.set("value", "1")
    return None


def f_priority_2(t):
    for s in _source(t):
        p = one(s, "h:priorityNumber")
        if p is not None:
            p.set("value", "2")


def f_reporter_country_drop(t):
    for s in _source(t):
        if one(s, "h:priorityNumber[@value='1']") is not None:
            el = one(s, ".//h:asLocatedEntity")
            if el is None:
                return False
            remove(el)
            return None
    return False


def f_reporter_qual_drop(t):
    for s in _source(t):
        if one(s, "h:priorityNumber[@value='1']") is not None:
            el = one(s, ".//h:asQualifiedEntity")
            if el is None:
                return False
            remove(el)
            return None
    return False


def f_sender_org_drop(t):
    el = one(t, IE + "/h:subjectOf1/h:controlActEvent/h:author/h:assignedEntity/h:representedOrganization/h:assignedEntity/h:representedOrganization/h:name")
    if el is None:
        return False
    remove(el)
    return None


def f_sender_type_drop(t):
    el = one(t, IE + "/h:subjectOf1/h:controlActEvent/h:author/h:assignedEntity/h:code")
    remove(el)


def f_no_sender(t):
    el = one(t, IE + "/h:subjectOf1[h:controlActEvent/h:author/h:assignedEntity/h:code]")
    remove(el)


def f_first_sender_drop(t):
    el = one(t, IE + "/h:outboundRelationship[h:relatedInvestigation/h:code/@code='1']")
    remove(el)


def f_report_type_drop(t):
    remove(one(t, IE + "/h:subjectOf2[h:investigationCharacteristic/h:code/@code='1']"))


def f_c161_drop(t):
    remove(one(t, IE + "/h:component[h:observationEvent/h:code/@code='1']"))


def f_c17_drop(t):
    remove(one(t, IE + "/h:component[h:observationEvent/h:code/@code='23']"))


def f_c171_drop(t):
    el = one(t, IE + "/h:component[h:observationEvent/h:code/@code='C54588']")
    if el is None:
        return False
    remove(el)
    return None


def f_c112_drop(t):
    el = one(t, IE + "/h:component[h:observationEvent/h:code/@code='C156384']")
    if el is None:
        return False
    remove(el)
    return None


def f_c161_true_no_docs(t):
    v = one(t, IE + "/h:component/h:observationEvent[h:code/@code='1']/h:value")
    if x(t, IE + "/h:reference[h:document/h:code/@code='1']"):
        for r in x(t, IE + "/h:reference[h:document/h:code/@code='1']"):
            remove(r)
    v.set("value", "true")


def f_c191_true_no_ids(t):
    v = one(t, IE + "/h:subjectOf2/h:investigationCharacteristic[h:code/@code='2']/h:value")
    if v is None:
        return False
    for k in list(v.attrib):
        if k != "{http://www.w3.org/2001/XMLSchema-instance}type":
            del v.attrib[k]
    v.set("value", "true")
    for s in x(t, IE + "/h:subjectOf1[h:controlActEvent/h:id]"):
        remove(s)
    return None


def f_c191_false(t):
    v = one(t, IE + "/h:subjectOf2/h:investigationCharacteristic[h:code/@code='2']/h:value")
    if v is None:
        return False
    for k in list(v.attrib):
        if k != "{http://www.w3.org/2001/XMLSchema-instance}type":
            del v.attrib[k]
    v.set("value", "false")
    return None


def f_c1111_no_reason(t):
    ie = one(t, IE)
    sub = etree.SubElement(ie, H + "subjectOf2", typeCode="SUBJ")
    ic = etree.SubElement(sub, H + "investigationCharacteristic", classCode="OBS", moodCode="EVN")
    etree.SubElement(ic, H + "code", code="3", codeSystem="2.16.840.1.113883.3.989.2.1.1.23")
    v = etree.SubElement(ic, H + "value", code="2", codeSystem="2.16.840.1.113883.3.989.2.1.1.5")
    v.set("{http://www.w3.org/2001/XMLSchema-instance}type", "CE")


PAT = "//h:adverseEventAssessment/h:subject1/h:primaryRole"


REAC = PAT + "/h:subjectOf2[h:observation/h:code/@code='29']"


def f_no_reactions(t):
    for r in x(t, REAC):
        remove(r)


def f_reaction_no_term(t):
    v = one(t, REAC + "/h:observation/h:value")
    remove(v)


def f_reaction_end_before_start(t):
    et = one(t, REAC + "/h:observation/h:effectiveTime")
    if et is None:
        return False
    low = one(et, "h:low")
    if low is None:
        return False
    hi = one(et, "h:high")
    if hi is None:
        hi = etree.SubElement(et, H + "high")
    v = low.get("value")
    hi.set("value", str(int(v[:4]) - 1) + v[4:8])
    return None


def f_reaction_future(t):
    low = one(t, REAC + "/h:observation/h:effectiveTime/h:low")
    if low is None:
        return False
    low.set("value", "20990101")
    return None


def f_birth_future(t):
    bt = one(t, PAT + "/h:player1/h:birthTime")
    if bt is None or not bt.get("value"):
        return False
    bt.set("value", "20990615")
    return None


def f_outcome_drop(t):
    el = one(t, REAC + "/h:observation/h:outboundRelationship2[h:observation/h:code/@code='27']")
    if el is None:
        return False
    remove(el)
    return None


def f_seriousness_drop(t):
    el = one(t, REAC + "/h:observation/h:outboundRelationship2[h:observation/h:code/@code='34']")
    if el is None:
        return False
    remove(el)
    return None


def f_seriousness_false(t):
    el = one(t, REAC + "/h:observation/h:outboundRelationship2/h:observation[h:code/@code='34']/h:value")
    if el is None:
        return False
    for k in ("nullFlavor", "value"):
        el.attrib.pop(k, None)
    el.set("value", "false")
    return None


DRUGS = "//h:adverseEventAssessment/h:component[h:causalityAssessment/h:code/@code='20']"


def f_no_suspect(t):
    for v in x(t, DRUGS + "/h:causalityAssessment/h:value"):
        v.set("code", "2")


def _drug_ids(t):
    return set(x(t, PAT + "/h:subjectOf2/h:organizer[h:code/@code='4']/h:component/h:substanceAdministration/h:id/@root"))


def f_drug_role_drop(t):
    el = x(t, DRUGS)
    if not el:
        return False
    ref = one(el[0], ".//h:productUseReference/h:id")
    if ref is None or ref.get("root") not in _drug_ids(t):
        return False
    remove(el[0])
    return None


def f_role_dangling(t):
    el = one(t, DRUGS + "/h:causalityAssessment/h:subject2/h:productUseReference/h:id")
    if el.get("root") not in _drug_ids(t):
        return False
    el.set("root", "00000000-0000-0000-0000-000000000000")
    return None


def f_causality_dangling_reaction(t):
    el = one(t, "//h:causalityAssessment[h:code/@code='39']/h:subject1/h:adverseEffectReference/h:id")
    if el is None:
        return False
    el.set("root", "00000000-0000-0000-0000-000000000001")
    return None


def f_drug_no_name(t):
    el = one(t, PAT + "/h:subjectOf2/h:organizer[h:code/@code='4']//h:kindOfProduct/h:name")
    if el is None:
        return False
    remove(el)
    return None


def f_no_drugs(t):
    org = one(t, PAT + "/h:subjectOf2[h:organizer/h:code/@code='4']")
    if org is None:
        return False
    remove(org)
    for d in x(t, DRUGS):
        remove(d)
    for c in x(t, "//h:adverseEventAssessment/h:component[h:causalityAssessment/h:code/@code='39']"):
        remove(c)
    return None


def f_dup_reaction_id(t):
    ids = x(t, REAC + "/h:observation/h:id")
    if len(ids) < 2:
        return False
    ids[1].set("root", ids[0].get("root"))
    return None


def f_meddra_mixed_versions(t):
    vs = x(t, "//*[@codeSystem='2.16.840.1.113883.6.163'][@codeSystemVersion]")
    if len(vs) < 2:
        return False
    vs[-1].set("codeSystemVersion", str(float(vs[0].get("codeSystemVersion")) - 1))
    return None


def f_narrative_drop(t):
    el = one(t, IE + "/h:text")
    remove(el)


def f_narrative_whitespace(t):
    one(t, IE + "/h:text").text = "\n\t  \n"


def f_medhist_none(t):
    el = one(t, PAT + "/h:subjectOf2[h:organizer/h:code/@code='1']")
    if el is None:
        return False
    remove(el)
    return None


def f_age_no_unit(t):
    el = one(t, PAT + "/h:subjectOf2/h:observation[h:code/@code='3']/h:value")
    if el is None:
        return False
    del el.attrib["unit"]
    return None


def f_age_no_value(t):
    el = one(t, PAT + "/h:subjectOf2/h:observation[h:code/@code='3']/h:value")
    if el is None:
        return False
    del el.attrib["value"]
    return None


def f_age_unit_wrong_list(t):
    el = one(t, PAT + "/h:subjectOf2/h:observation[h:code/@code='3']/h:value")
    if el is None:
        return False
    el.set("unit", "mg")
    return None


def f_batch_type(t):
    one(t, "/h:MCCI_IN200100UV01/h:name").set("code", "2")


def f_batch_type_upper(t):
    one(t, "/h:MCCI_IN200100UV01/h:name").set("code", "ICHICSR")


def f_ind_number_format(t):
    el = one(t, "//h:studyRegistration/h:id[@root='2.16.840.1.113883.3.989.5.1.2.2.1.2.1']")
    if el is None:
        return False
    el.set("extension", "IND-12A")
    return None


def f_panda_format(t):
    el = one(t, "//h:studyRegistration/h:id[@root='2.16.840.1.113883.3.989.5.1.2.2.1.2.2']")
    if el is None:
        return False
    el.set("extension", "ANDA 5x")
    return None


def f_ind_drop(t):
    el = one(t, "//h:authorization[h:studyRegistration/h:id[@root='2.16.840.1.113883.3.989.5.1.2.2.1.2.1']]")
    if el is None:
        return False
    remove(el)
    return None


def f_panda_drop(t):
    el = one(t, "//h:authorization[h:studyRegistration/h:id[@root='2.16.840.1.113883.3.989.5.1.2.2.1.2.2']]")
    if el is None:
        return False
    remove(el)
    return None


def f_cross_ind_drop(t):
    els = x(t, "//h:authorization[h:studyRegistration/h:id[@root='2.16.840.1.113883.3.989.5.1.2.2.1.2.3']]")
    if not els:
        return False
    for e in els:
        remove(e)
    return None


def f_study_type_drop(t):
    el = one(t, "//h:researchStudy/h:code")
    if el is None:
        return False
    remove(el)
    if one(t, IE + "/h:subjectOf2/h:investigationCharacteristic[h:code/@code='1']/h:value").get("code") != "2":
        return False
    return None


def f_report_type_study_to_spont(t):
    v = one(t, IE + "/h:subjectOf2/h:investigationCharacteristic[h:code/@code='1']/h:value")
    v.set("code", "1" if v.get("code") == "2" else "2")


def f_report_type_3(t):
    v = one(t, IE + "/h:subjectOf2/h:investigationCharacteristic[h:code/@code='1']/h:value")
    v.set("code", "3")
    if one(t, "/h:MCCI_IN200100UV01/h:receiver/h:device/h:id").get("extension") == "ZZFDA":
        return False
    return None


def f_c171_vs_c17(t):
    v = one(t, IE + "/h:component/h:observationEvent[h:code/@code='23']/h:value")
    if v.get("value") is None:
        return False
    v.set("value", "false" if v.get("value") == "true" else "true")
    return c171_fault(t)


def c171_fault(t):
    """True when FDA.C.1.7.1 breaks R0012-R0016 for the mutated C.1.7 / FDA.C.1.12."""
    c171 = one(t, IE + "/h:component/h:observationEvent[h:code/@code='C54588']/h:value")
    if c171 is None:
        return False
    c17 = one(t, IE + "/h:component/h:observationEvent[h:code/@code='23']/h:value").get("value")
    c112 = one(t, IE + "/h:component/h:observationEvent[h:code/@code='C156384']/h:value")
    c112 = c112.get("value") if c112 is not None else None
    recv = one(t, "/h:MCCI_IN200100UV01/h:receiver/h:device/h:id").get("extension")
    c13 = one(t, IE + "/h:subjectOf2/h:investigationCharacteristic[h:code/@code='1']/h:value").get("code")
    code = c171.get("code")
    if recv == "ZZFDA":
        if c112 == "true":
            allowed = {"1", "4"} if c17 == "true" else {"2", "5"}
        else:
            allowed = {"1"} if c17 == "true" else {"2"}
        return None if code not in allowed else False
    if c17 == "true" and c13 in ("1", "2"):
        return None if code not in {"1", "6"} else False
    return False


def f_c112_flip(t):
    v = one(t, IE + "/h:component/h:observationEvent[h:code/@code='C156384']/h:value")
    if v is None or v.get("value") is None:
        return False
    v.set("value", "false" if v.get("value") == "true" else "true")
    return c171_fault(t)


def f_c17_ni(t):
    v = one(t, IE + "/h:component/h:observationEvent[h:code/@code='23']/h:value")
    v.attrib.pop("value", None)
    v.set("nullFlavor", "NI")


def f_malfunction_false(t):
    vs = x(t, "//h:characteristic[h:code/@code='C54026']/h:value")
    if not vs:
        return False
    for v in vs:
        v.set("value", "false")
    c171 = one(t, IE + "/h:component/h:observationEvent[h:code/@code='C54588']/h:value")
    if c171 is None or c171.get("code") != "5":
        return False
    return None


def f_device_problem_drop(t):
    els = x(t, "//h:subjectOf[h:characteristic/h:code/@code='C54451']")
    if not els:
        return False
    for e in els:
        remove(e)
    return None


def f_device_names_drop(t):
    prods = x(t, "//h:partProduct")
    if not prods:
        return False
    done = False
    for p in prods:
        for n in x(p, "h:name | h:asManufacturedProduct/h:subjectOf/h:approval/h:id | h:code"):
            remove(n)
            done = True
    return done or False


def f_email_drop(t):
    for s in _source(t):
        el = one(s, ".//h:telecom[starts-with(@value,'mailto:')]")
        if el is not None:
            remove(el)
            return None
    return False


def f_email_bad(t):
    for s in _source(t):
        el = one(s, ".//h:telecom[starts-with(@value,'mailto:')]")
        if el is not None:
            el.set("value", "mailto:")
            return None
    return False


def f_phone_bad_scheme(t):
    for s in _source(t):
        el = one(s, ".//h:telecom[starts-with(@value,'tel:')]")
        if el is not None:
            el.set("value", "6102227777")
            return None
    return False


def f_race_ethnicity_swap(t):
    el = one(t, "//h:observation[h:code/@code='C17049']/h:value")
    if el is None:
        return False
    el.set("code", "C17459")   # an ethnicity code in the race list
    return None


def f_ethnicity_race_swap(t):
    el = one(t, "//h:observation[h:code/@code='C16564']/h:value")
    if el is None:
        return False
    el.set("code", "C41260")
    return None


def f_sex_3(t):
    el = one(t, PAT + "/h:player1/h:administrativeGenderCode")
    if el is None or not el.get("code"):
        return False
    el.set("code", "3")
    return None


def f_sex_oid(t):
    el = one(t, PAT + "/h:player1/h:administrativeGenderCode")
    if el is None or not el.get("code"):
        return False
    el.set("codeSystem", "2.16.840.1.113883.5.1")
    return None


def f_lot_too_long(t):
    el = one(t, "//h:outboundRelationship2[@typeCode='COMP']/h:substanceAdministration//h:productInstanceInstance/h:lotNumberText")
    if el is None:
        return False
    el.text = "L" * 36
    return None


def f_drug_name_blank(t):
    el = one(t, PAT + "/h:subjectOf2/h:organizer[h:code/@code='4']//h:kindOfProduct/h:name")
    if el is None:
        return False
    el.text = "  "
    return None


def f_h2_too_long(t):
    el = one(t, "//h:component1/h:observationEvent[h:code/@code='10']/h:value")
    if el is None:
        return False
    el.text = "w" * 20001
    return None


def f_narrative_too_long(t):
    one(t, IE + "/h:text").text = "n" * 100001


def f_reported_term_too_long(t):
    el = one(t, REAC + "/h:observation/h:value/h:originalText")
    if el is None:
        return False
    el.text = "r" * 251
    return None


def f_ndc_bad_format(t):
    el = one(t, "//h:kindOfProduct/h:code[@codeSystem='2.16.840.1.113883.6.69']")
    if el is None:
        return False
    el.set("code", "NDC_NOT_HYPHENATED_1234")
    return None


def f_application_country_uk(t):
    el = one(t, "//h:approval//h:territory/h:code")
    if el is None:
        return False
    el.set("code", "UK")
    return None


def f_message_receiver_drop_root(t):
    el = one(t, "//h:PORR_IN049016UV/h:receiver/h:device/h:id")
    el.set("root", "2.16.840.1.113883.3.989.2.1.3.14")


def f_batch_no_too_long(t):
    one(t, "/h:MCCI_IN200100UV01/h:id").set("extension", "B" * 101)


def f_message_time_future(t):
    one(t, "//h:PORR_IN049016UV/h:creationTime").set("value", "20990101101010-0500")
    one(t, "//h:controlActProcess/h:effectiveTime").set("value", "20990101101010-0500")


def f_tz_bad(t):
    el = one(t, "/h:MCCI_IN200100UV01/h:creationTime")
    el.set("value", el.get("value")[:14] + "+2500")


def f_c14_future(t):
    one(t, IE + "/h:effectiveTime/h:low").set("value", "20991231")


def _interval_swap(t, path):
    for et in x(t, path):
        low, high = one(et, "h:low"), one(et, "h:high")
        if low is None or high is None or not low.get("value") or not high.get("value"):
            continue
        lv, hv = low.get("value"), high.get("value")
        if lv[:8] == hv[:8]:
            continue
        low.set("value", hv)
        high.set("value", lv)
        return None
    return False


def f_dose_end_before_start(t):
    return _interval_swap(t, "//h:substanceAdministration/h:effectiveTime | //h:substanceAdministration/h:effectiveTime/h:comp")


def f_history_end_before_start(t):
    return _interval_swap(t, PAT + "/h:subjectOf2/h:organizer[h:code/@code='1']/h:component/h:observation/h:effectiveTime")


def f_past_drug_end_before_start(t):
    return _interval_swap(t, PAT + "/h:subjectOf2/h:organizer[h:code/@code='2']/h:component/h:substanceAdministration/h:effectiveTime")


def f_reaction_outcome_wrong_list(t):
    el = one(t, REAC + "/h:observation/h:outboundRelationship2/h:observation[h:code/@code='27']/h:value")
    if el is None:
        return False
    el.set("code", "7")
    return None


def f_history_family_false(t):
    el = one(t, "//h:observation[h:code/@code='38']/h:value")
    if el is None:
        return False
    el.attrib.pop("nullFlavor", None)
    el.set("value", "false")
    return None


def f_blinded_false(t):
    el = one(t, "//h:observation[h:code/@code='6'][h:code/@codeSystem='2.16.840.1.113883.3.989.2.1.1.19']/h:value")
    if el is None:
        return False
    el.set("value", "false")
    return None


def f_c1111_reason_blank(t):
    f_c1111_no_reason(t)
    ie = one(t, IE)
    sub = etree.SubElement(ie, H + "subjectOf2", typeCode="SUBJ")
    ic = etree.SubElement(sub, H + "investigationCharacteristic", classCode="OBS", moodCode="EVN")
    etree.SubElement(ic, H + "code", code="4", codeSystem="2.16.840.1.113883.3.989.2.1.1.23")
    v = etree.SubElement(ic, H + "value")
    v.set("{http://www.w3.org/2001/XMLSchema-instance}type", "CE")
    etree.SubElement(v, H + "originalText").text = "   "


def f_meddra_llt_7digits(t):
    el = one(t, REAC + "/h:observation/h:value[@codeSystem='2.16.840.1.113883.6.163']")
    el.set("code", el.get("code")[1:])


def f_email_no_at(t):
    for s in _source(t):
        el = one(s, ".//h:telecom[starts-with(@value,'mailto:')]")
        if el is not None:
            el.set("value", el.get("value").replace("@", "."))
            return None
    return False


def f_ind_five_digits(t):
    el = one(t, "//h:studyRegistration/h:id[@root='2.16.840.1.113883.3.989.5.1.2.2.1.2.1']")
    if el is None:
        return False
    el.set("extension", el.get("extension")[1:])
    return None


def f_panda_seven_digits(t):
    el = one(t, "//h:studyRegistration/h:id[@root='2.16.840.1.113883.3.989.5.1.2.2.1.2.2']")
    if el is None:
        return False
    el.set("extension", el.get("extension") + "1")
    return None


def f_dose_negative(t):
    el = one(t, "//h:substanceAdministration/h:doseQuantity")
    if el is None:
        return False
    el.set("value", "-" + el.get("value"))
    return None


def f_age_negative(t):
    el = one(t, PAT + "/h:subjectOf2/h:observation[h:code/@code='3']/h:value")
    if el is None:
        return False
    el.set("value", "-" + el.get("value"))
    return None


def f_attachment_compressed(t):
    el = one(t, IE + "/h:reference/h:document/h:text[@representation='B64']")
    if el is None:
        return False
    el.set("compression", "DF")
    return None


def f_attachment_not_b64(t):
    el = one(t, IE + "/h:reference/h:document/h:text[@representation='B64']")
    if el is None:
        return False
    el.set("representation", "TXT")
    return None


FAULTS = {name[2:]: fn for name, fn in sorted(globals().items()) if name.startswith("f_")}
