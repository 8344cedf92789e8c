"""Faults in FDA's regional rules, formats, lengths and dates across sections."""

# ruff: noqa: E501

from __future__ import annotations

from lxml import etree

from ._base import IE, PAT, REAC, H, _source, one, remove, x
from .header import f_c1111_no_reason


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
