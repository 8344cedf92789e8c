"""Faults in the patient, reactions and drugs (D, E, G) and their references."""

# ruff: noqa: E501

from __future__ import annotations

from lxml import etree

from ._base import (
    AGE,
    DRUGS,
    IE,
    PAT,
    REAC,
    H,
    _drug_ids,
    at,
    drop_attr,
    one,
    remove,
    set_attr,
    x,
)


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


f_reaction_future = at(REAC + "/h:observation/h:effectiveTime/h:low", set_attr("value", "20990101"))


def _birth_future(bt):
    if not bt.get("value"):
        return False
    bt.set("value", "20990615")
    return None


f_birth_future = at(PAT + "/h:player1/h:birthTime", _birth_future)
f_outcome_drop = at(REAC + "/h:observation/h:outboundRelationship2[h:observation/h:code/@code='27']", remove)
f_seriousness_drop = at(REAC + "/h:observation/h:outboundRelationship2[h:observation/h:code/@code='34']", remove)


def _false(el):
    for k in ("nullFlavor", "value"):
        el.attrib.pop(k, None)
    el.set("value", "false")


f_seriousness_false = at(REAC + "/h:observation/h:outboundRelationship2/h:observation[h:code/@code='34']/h:value", _false)


def f_no_suspect(t):
    for v in x(t, DRUGS + "/h:causalityAssessment/h:value"):
        v.set("code", "2")


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


f_causality_dangling_reaction = at("//h:causalityAssessment[h:code/@code='39']/h:subject1/h:adverseEffectReference/h:id", set_attr("root", "00000000-0000-0000-0000-000000000001"))
f_drug_no_name = at(PAT + "/h:subjectOf2/h:organizer[h:code/@code='4']//h:kindOfProduct/h:name", remove)


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


f_medhist_none = at(PAT + "/h:subjectOf2[h:organizer/h:code/@code='1']", remove)
f_age_no_unit = at(AGE, drop_attr("unit"))
f_age_no_value = at(AGE, drop_attr("value"))
f_age_unit_wrong_list = at(AGE, set_attr("unit", "mg"))
