"""Faults in the patient, reactions and drugs (D, E, G) and their references."""

# ruff: noqa: E501

from __future__ import annotations

from lxml import etree

from ._base import DRUGS, IE, PAT, REAC, H, _drug_ids, one, remove, x


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
