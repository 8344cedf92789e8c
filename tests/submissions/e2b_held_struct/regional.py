"""Faults in FDA's regional rules, formats, lengths and dates across sections."""

# ruff: noqa: E501

from __future__ import annotations

from lxml import etree

from ._base import (
    AGE,
    CROSS_IND,
    IE,
    IND,
    PAT,
    PRE_ANDA,
    REAC,
    H,
    add_characteristic,
    at,
    authorization,
    characteristic,
    in_sources,
    negate,
    one,
    registration,
    remove,
    set_attr,
    set_text,
    summary,
    x,
)
from .header import f_c1111_no_reason


def f_batch_type(t):
    one(t, "/h:MCCI_IN200100UV01/h:name").set("code", "2")


def f_batch_type_upper(t):
    one(t, "/h:MCCI_IN200100UV01/h:name").set("code", "ICHICSR")


f_ind_number_format = at(registration(IND), set_attr("extension", "IND-12A"))
f_panda_format = at(registration(PRE_ANDA), set_attr("extension", "ANDA 5x"))
f_ind_drop = at(authorization(IND), remove)
f_panda_drop = at(authorization(PRE_ANDA), remove)


def f_cross_ind_drop(t):
    els = x(t, authorization(CROSS_IND))
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
    if one(t, characteristic("1")).get("code") != "2":
        return False
    return None


def f_report_type_study_to_spont(t):
    v = one(t, characteristic("1"))
    v.set("code", "1" if v.get("code") == "2" else "2")


def f_report_type_3(t):
    v = one(t, characteristic("1"))
    v.set("code", "3")
    if one(t, "/h:MCCI_IN200100UV01/h:receiver/h:device/h:id").get("extension") == "ZZFDA":
        return False
    return None


def f_c171_vs_c17(t):
    v = one(t, summary("23"))
    if v.get("value") is None:
        return False
    v.set("value", "false" if v.get("value") == "true" else "true")
    return c171_fault(t)


def c171_fault(t):
    """True when FDA.C.1.7.1 breaks R0012-R0016 for the mutated C.1.7 / FDA.C.1.12."""
    c171 = one(t, summary("C54588"))
    if c171 is None:
        return False
    c17 = one(t, summary("23")).get("value")
    c112 = one(t, summary("C156384"))
    c112 = c112.get("value") if c112 is not None else None
    recv = one(t, "/h:MCCI_IN200100UV01/h:receiver/h:device/h:id").get("extension")
    c13 = one(t, characteristic("1")).get("code")
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
    v = one(t, summary("C156384"))
    if v is None or v.get("value") is None:
        return False
    v.set("value", "false" if v.get("value") == "true" else "true")
    return c171_fault(t)


def f_c17_ni(t):
    v = one(t, summary("23"))
    v.attrib.pop("value", None)
    v.set("nullFlavor", "NI")


def f_malfunction_false(t):
    vs = x(t, "//h:characteristic[h:code/@code='C54026']/h:value")
    if not vs:
        return False
    for v in vs:
        v.set("value", "false")
    c171 = one(t, summary("C54588"))
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


EMAIL = ".//h:telecom[starts-with(@value,'mailto:')]"
f_email_drop = in_sources(EMAIL, remove)
f_email_bad = in_sources(EMAIL, set_attr("value", "mailto:"))
f_phone_bad_scheme = in_sources(".//h:telecom[starts-with(@value,'tel:')]", set_attr("value", "6102227777"))
f_email_no_at = in_sources(EMAIL, lambda el: el.set("value", el.get("value").replace("@", ".")))
f_race_ethnicity_swap = at("//h:observation[h:code/@code='C17049']/h:value", set_attr("code", "C17459"))  # an ethnicity code in the race list
f_ethnicity_race_swap = at("//h:observation[h:code/@code='C16564']/h:value", set_attr("code", "C41260"))


def _coded_sex(attr, value):
    def edit(el):
        if not el.get("code"):
            return False
        el.set(attr, value)
        return None

    return edit


f_sex_3 = at(PAT + "/h:player1/h:administrativeGenderCode", _coded_sex("code", "3"))
f_sex_oid = at(PAT + "/h:player1/h:administrativeGenderCode", _coded_sex("codeSystem", "2.16.840.1.113883.5.1"))
f_lot_too_long = at("//h:outboundRelationship2[@typeCode='COMP']/h:substanceAdministration//h:productInstanceInstance/h:lotNumberText", set_text("L" * 36))
f_drug_name_blank = at(PAT + "/h:subjectOf2/h:organizer[h:code/@code='4']//h:kindOfProduct/h:name", set_text("  "))
f_h2_too_long = at("//h:component1/h:observationEvent[h:code/@code='10']/h:value", set_text("w" * 20001))


def f_narrative_too_long(t):
    one(t, IE + "/h:text").text = "n" * 100001


f_reported_term_too_long = at(REAC + "/h:observation/h:value/h:originalText", set_text("r" * 251))
f_ndc_bad_format = at("//h:kindOfProduct/h:code[@codeSystem='2.16.840.1.113883.6.69']", set_attr("code", "NDC_NOT_HYPHENATED_1234"))
f_application_country_uk = at("//h:approval//h:territory/h:code", set_attr("code", "UK"))


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


f_reaction_outcome_wrong_list = at(REAC + "/h:observation/h:outboundRelationship2/h:observation[h:code/@code='27']/h:value", set_attr("code", "7"))


def _known_false(el):
    el.attrib.pop("nullFlavor", None)
    el.set("value", "false")


f_history_family_false = at("//h:observation[h:code/@code='38']/h:value", _known_false)
f_blinded_false = at("//h:observation[h:code/@code='6'][h:code/@codeSystem='2.16.840.1.113883.3.989.2.1.1.19']/h:value", set_attr("value", "false"))


def f_c1111_reason_blank(t):
    f_c1111_no_reason(t)
    etree.SubElement(add_characteristic(t, "4"), H + "originalText").text = "   "


def f_meddra_llt_7digits(t):
    el = one(t, REAC + "/h:observation/h:value[@codeSystem='2.16.840.1.113883.6.163']")
    el.set("code", el.get("code")[1:])


f_ind_five_digits = at(registration(IND), lambda el: el.set("extension", el.get("extension")[1:]))
f_panda_seven_digits = at(registration(PRE_ANDA), lambda el: el.set("extension", el.get("extension") + "1"))
f_dose_negative = at("//h:substanceAdministration/h:doseQuantity", negate("value"))
f_age_negative = at(AGE, negate("value"))
ATTACHMENT = IE + "/h:reference/h:document/h:text[@representation='B64']"
f_attachment_compressed = at(ATTACHMENT, set_attr("compression", "DF"))
f_attachment_not_b64 = at(ATTACHMENT, set_attr("representation", "TXT"))
