"""Shared paths and helpers of the hand-written held-out faults."""

from __future__ import annotations

from ..e2b_held_table import NS

H = "{urn:hl7-org:v3}"


IE = "//h:investigationEvent"


def x(t, p):
    return t.xpath(p, namespaces=NS)


def one(t, p):
    r = x(t, p)
    return r[0] if r else None


def remove(el):
    el.getparent().remove(el)


def _source(t):
    return x(t, IE + "/h:outboundRelationship[h:relatedInvestigation/h:code/@code='2']")


PAT = "//h:adverseEventAssessment/h:subject1/h:primaryRole"


REAC = PAT + "/h:subjectOf2[h:observation/h:code/@code='29']"


DRUGS = "//h:adverseEventAssessment/h:component[h:causalityAssessment/h:code/@code='20']"


def _drug_ids(t):
    return set(x(t, PAT + "/h:subjectOf2/h:organizer[h:code/@code='4']/h:component"
                 "/h:substanceAdministration/h:id/@root"))
