"""Faults in the batch and message headers, routing and report identification (N, C.1-C.3)."""

# ruff: noqa: E501

from __future__ import annotations

import copy

from lxml import etree

from ._base import IE, H, _source, one, remove, x


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
