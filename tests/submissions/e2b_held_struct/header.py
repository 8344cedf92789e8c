"""Faults in the batch and message headers, routing and report identification (N, C.1-C.3)."""

# ruff: noqa: E501

from __future__ import annotations

import copy

from ._base import (
    IE,
    XSI_TYPE,
    _source,
    add_characteristic,
    at,
    characteristic,
    one,
    remove,
    summary,
    summary_row,
    x,
)

C11 = IE + "/h:id[@root='2.16.840.1.113883.3.989.2.1.3.1']"
C181 = IE + "/h:id[@root='2.16.840.1.113883.3.989.2.1.3.2']"


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
    el = one(t, C11)
    el.set("extension", el.get("extension").replace("-", ""))


def f_c11_bad_country(t):
    el = one(t, C11)
    e = el.get("extension")
    el.set("extension", "UK" + e[2:])


def f_c181_bad_country(t):
    el = one(t, C181)
    e = el.get("extension")
    el.set("extension", "XX" + e[2:])


f_no_c181 = at(C181, remove)
f_no_c11 = at(C11, remove)


def f_c11_root_wrong(t):
    one(t, C11).set("root", "2.16.840.1.113883.3.989.2.1.3.9")


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


def _primary_reporter_drop(path):
    """Drop `path` of the reporter whose report is the regulatory one (priority 1)."""

    def fault(t):
        for s in _source(t):
            if one(s, "h:priorityNumber[@value='1']") is not None:
                return at(path, remove)(s)
        return False

    return fault


f_reporter_country_drop = _primary_reporter_drop(".//h:asLocatedEntity")
f_reporter_qual_drop = _primary_reporter_drop(".//h:asQualifiedEntity")
f_sender_org_drop = at(IE + "/h:subjectOf1/h:controlActEvent/h:author/h:assignedEntity/h:representedOrganization/h:assignedEntity/h:representedOrganization/h:name", remove)


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


f_c161_drop = at(summary_row("1"), remove)
f_c17_drop = at(summary_row("23"), remove)
f_c171_drop = at(summary_row("C54588"), remove)
f_c112_drop = at(summary_row("C156384"), remove)


def f_c161_true_no_docs(t):
    v = one(t, summary("1"))
    if x(t, IE + "/h:reference[h:document/h:code/@code='1']"):
        for r in x(t, IE + "/h:reference[h:document/h:code/@code='1']"):
            remove(r)
    v.set("value", "true")


def _only_value(value):
    """The value element keeps its type and says `value`, nothing else."""

    def edit(v):
        for k in list(v.attrib):
            if k != XSI_TYPE:
                del v.attrib[k]
        v.set("value", value)

    return edit


def f_c191_true_no_ids(t):
    v = one(t, characteristic("2"))
    if v is None:
        return False
    _only_value("true")(v)
    for s in x(t, IE + "/h:subjectOf1[h:controlActEvent/h:id]"):
        remove(s)
    return None


f_c191_false = at(characteristic("2"), _only_value("false"))


def f_c1111_no_reason(t):
    add_characteristic(t, "3", code="2", codeSystem="2.16.840.1.113883.3.989.2.1.1.5")
