"""Paths of the optional and conditional E2B elements, for the table-driven value checks.

`extract.py` holds the elements the ICH/FDA rules test by name; these are the rest of the ICH
table: optional free text, dates, flags and codes whose length, allowed nullFlavors, code list
and date format the bundled tables define. Paths follow FDA's XPath column and FDA's example
instances (child steps only, see pathtrie.py). Repeating items give one hit each.
"""

from __future__ import annotations

from . import constants as k
from .pathtrie import Keyed

IE = "h:controlActProcess/h:subject/h:investigationEvent"
PRM = f"{IE}/h:component/h:adverseEventAssessment/h:subject1/h:primaryRole"
_PLAYER = f"{PRM}/h:player1"
_STUDY = f"{PRM}/h:subjectOf1/h:researchStudy"
_REG = f"{_STUDY}/h:authorization/h:studyRegistration"
_HISTORY = (f"{PRM}/h:subjectOf2/h:organizer[h:code/@code='1']/h:component"
            f"/h:observation[h:code/@codeSystem='{k.MEDDRA_OID}']")
_PAST = f"{PRM}/h:subjectOf2/h:organizer[h:code/@code='2']/h:component/h:substanceAdministration"
_DEATH = f"{PRM}/h:subjectOf2/h:observation[h:code/@code='32']/h:value"
_AUTOPSY = f"{PRM}/h:subjectOf2/h:observation[h:code/@code='5']"
_PARENT = f"{_PLAYER}/h:role"
_PARENT_OBS = f"{_PARENT}/h:subjectOf2/h:observation"
_PARENT_HISTORY = (f"{_PARENT}/h:subjectOf2/h:organizer[h:code/@code='1']/h:component"
                   "/h:observation")
_PARENT_PAST = (f"{_PARENT}/h:subjectOf2/h:organizer[h:code/@code='2']/h:component"
                "/h:substanceAdministration")
_TEST = f"{PRM}/h:subjectOf2/h:organizer[h:code/@code='3']/h:component/h:observation"
_CAUSALITY = (f"{IE}/h:component/h:adverseEventAssessment/h:component"
              "/h:causalityAssessment[h:code/@code='39']")
_SOURCE = "h:relatedInvestigation/h:subjectOf2/h:controlActEvent/h:author/h:assignedEntity"
_SENDER = f"{IE}/h:subjectOf1/h:controlActEvent/h:author/h:assignedEntity"


def _rel(code: str) -> str:
    return f"h:outboundRelationship2/h:observation[h:code/@code='{code}']/h:value"


MESSAGE_OPTIONAL: dict[str, tuple[str, str] | Keyed] = {
    "C.1.10.r": (f"{IE}/h:outboundRelationship/h:relatedInvestigation[h:code/@nullFlavor='NA']"
                 f"/h:subjectOf2/h:controlActEvent/h:id[@root='{k.OID_C_1_8_1}']", "extension"),
    "C.3.3.4": (f"{_SENDER}/h:assignedPerson/h:name/h:given[2]", ""),
    "C.4.r.1": (f"{IE}/h:reference/h:document[h:code/@code='2']/h:bibliographicDesignationText",
                ""),
    "C.5.1.r.1": (f"{_REG}/h:id[@root='{k.ICH}.3.6']", "extension"),
    "C.5.1.r.2": (f"{_REG}/h:author/h:territorialAuthority/h:governingPlace/h:code", "code"),
    "C.5.2": (f"{_STUDY}/h:title", ""),
    "C.5.3": (f"{_STUDY}/h:id[@root='{k.ICH}.3.5']", "extension"),
    **{f"D.1.1.{n}": (f"{_PLAYER}/h:asIdentifiedEntity/h:id[@root='{k.ICH}.3.{6 + n}']",
                      "extension") for n in range(1, 5)},
    "D.2.2.1a": Keyed("pobs", "16", k.CL_OBSERVATION, ("value",), "value"),
    "D.2.2.1b": Keyed("pobs", "16", k.CL_OBSERVATION, ("value",), "unit"),
    "D.6": Keyed("pobs", "22", k.CL_OBSERVATION, ("value",), "value"),
    "D.7.1.r.2": (f"{_HISTORY}/h:effectiveTime/h:low", "value"),
    "D.7.1.r.3": (f"{_HISTORY}/h:inboundRelationship/h:observation[h:code/@code='13']/h:value",
                  "value"),
    "D.7.1.r.4": (f"{_HISTORY}/h:effectiveTime/h:high", "value"),
    "D.7.1.r.5": (f"{_HISTORY}/{_rel('10')}", ""),
    "D.7.1.r.6": (f"{_HISTORY}/{_rel('38')}", "value"),
    "D.7.3": (f"{PRM}/h:subjectOf2/h:organizer[h:code/@code='1']/h:component"
              "/h:observation[h:code/@code='11']/h:value", "value"),
    "D.8.r.4": (f"{_PAST}/h:effectiveTime/h:low", "value"),
    "D.8.r.5": (f"{_PAST}/h:effectiveTime/h:high", "value"),
    "D.9.1": (f"{_PLAYER}/h:deceasedTime", "value"),
    "D.9.2.r.2": (f"{_DEATH}/h:originalText", ""),
    "D.9.3": Keyed("pobs", "5", k.CL_OBSERVATION, ("value",), "value"),
    "D.9.4.r.2": (f"{_AUTOPSY}/{_rel('8')}/h:originalText", ""),
    "D.10.1": (f"{_PARENT}/h:associatedPerson/h:name", ""),
    "D.10.2.1": (f"{_PARENT}/h:associatedPerson/h:birthTime", "value"),
    "D.10.2.2a": (f"{_PARENT_OBS}[h:code/@code='3']/h:value", "value"),
    "D.10.2.2b": (f"{_PARENT_OBS}[h:code/@code='3']/h:value", "unit"),
    "D.10.3": (f"{_PARENT_OBS}[h:code/@code='22']/h:value", "value"),
    "D.10.4": (f"{_PARENT_OBS}[h:code/@code='7']/h:value", "value"),
    "D.10.5": (f"{_PARENT_OBS}[h:code/@code='17']/h:value", "value"),
    "D.10.6": (f"{_PARENT}/h:associatedPerson/h:administrativeGenderCode", "code"),
    "D.10.7.1.r.2": (f"{_PARENT_HISTORY}/h:effectiveTime/h:low", "value"),
    "D.10.7.1.r.3": (f"{_PARENT_HISTORY}/h:inboundRelationship/h:observation"
                     "[h:code/@code='13']/h:value", "value"),
    "D.10.7.1.r.4": (f"{_PARENT_HISTORY}/h:effectiveTime/h:high", "value"),
    "D.10.7.1.r.5": (f"{_PARENT_HISTORY}/{_rel('10')}", ""),
    "D.10.7.2": (f"{_PARENT_HISTORY}[h:code/@code='18']/h:value", ""),
    "D.10.8.r.1": (f"{_PARENT_PAST}/h:consumable/h:instanceOfKind/h:kindOfProduct/h:name", ""),
    "D.10.8.r.4": (f"{_PARENT_PAST}/h:effectiveTime/h:low", "value"),
    "D.10.8.r.5": (f"{_PARENT_PAST}/h:effectiveTime/h:high", "value"),
    "F.r.1": (f"{_TEST}/h:effectiveTime", "value"),
    "F.r.2.1": (f"{_TEST}/h:code/h:originalText", ""),
    "F.r.3.1": (f"{_TEST}/h:interpretationCode[@codeSystem='{k.ICH}.1.12']", "code"),
    "F.r.3.4": (f"{_TEST}/h:value[@xsi:type='ED']", ""),
    "F.r.6": (f"{_TEST}/{_rel('10')}", ""),
    "F.r.7": (f"{_TEST}/{_rel('25')}", "value"),
    "G.k.9.i.2.r.1": (f"{_CAUSALITY}/h:author/h:assignedEntity/h:code/h:originalText", ""),
    "G.k.9.i.2.r.2": (f"{_CAUSALITY}/h:methodCode/h:originalText", ""),
    "G.k.9.i.2.r.3": (f"{_CAUSALITY}/h:value", ""),
    "H.5.r.1a": (f"{IE}/h:component/h:observationEvent[h:code/@code='36']/h:value", ""),
    "H.5.r.1b": (f"{IE}/h:component/h:observationEvent[h:code/@code='36']/h:value", "language"),
}

SOURCE_OPTIONAL: dict[str, tuple[str, str] | Keyed] = {
    "C.2.r.1.3": (f"{_SOURCE}/h:assignedPerson/h:name/h:given[2]", ""),
    "C.2.r.2.1": (f"{_SOURCE}/h:representedOrganization/h:assignedEntity"
                  "/h:representedOrganization/h:name", ""),
    "C.2.r.2.2": (f"{_SOURCE}/h:representedOrganization/h:name", ""),
}

REACTION_OPTIONAL: dict[str, tuple[str, str] | Keyed] = {
    "E.i.3.1": Keyed("rel2", "37", k.CL_OBSERVATION, ("value",), "code"),
    "E.i.8": Keyed("rel2", "24", k.CL_OBSERVATION, ("value",), "value"),
}

_KIND = "h:consumable/h:instanceOfKind/h:kindOfProduct"
_DOSE = "h:outboundRelationship2[@typeCode='COMP']/h:substanceAdministration"
DRUG_OPTIONAL: dict[str, tuple[str, str] | Keyed] = {
    "G.k.2.3.r.3a": (f"{_KIND}/h:ingredient/h:quantity/h:numerator", "value"),
    "G.k.2.3.r.3b": (f"{_KIND}/h:ingredient/h:quantity/h:numerator", "unit"),
    "G.k.2.5": Keyed("rel2", "6", k.CL_OBSERVATION, ("value",), "value"),
    "G.k.3.3": (f"{_KIND}/h:asManufacturedProduct/h:subjectOf/h:approval/h:holder/h:role"
                "/h:playingOrganization/h:name", ""),
    # dose dates: an IVL_TS, or inside the SXPR_TS that also carries the frequency
    "G.k.4.r.4": (f"{_DOSE}/h:effectiveTime/h:low | {_DOSE}/h:effectiveTime/h:comp/h:low",
                  "value"),
    "G.k.4.r.5": (f"{_DOSE}/h:effectiveTime/h:high | {_DOSE}/h:effectiveTime/h:comp/h:high",
                  "value"),
    "G.k.4.r.2": (f"{_DOSE}/h:effectiveTime/h:period | {_DOSE}/h:effectiveTime/h:comp/h:period",
                  "value"),
    "G.k.4.r.3": (f"{_DOSE}/h:effectiveTime/h:period | {_DOSE}/h:effectiveTime/h:comp/h:period",
                  "unit"),
    "G.k.4.r.6a": (f"{_DOSE}/h:effectiveTime/h:width | {_DOSE}/h:effectiveTime/h:comp/h:width",
                   "value"),
    "G.k.4.r.6b": (f"{_DOSE}/h:effectiveTime/h:width | {_DOSE}/h:effectiveTime/h:comp/h:width",
                   "unit"),
    "G.k.9.i.3.1a": ("h:outboundRelationship1[@typeCode='SAS']/h:pauseQuantity", "value"),
    "G.k.9.i.3.1b": ("h:outboundRelationship1[@typeCode='SAS']/h:pauseQuantity", "unit"),
    "G.k.9.i.3.2a": ("h:outboundRelationship1[@typeCode='SAE']/h:pauseQuantity", "value"),
    "G.k.9.i.3.2b": ("h:outboundRelationship1[@typeCode='SAE']/h:pauseQuantity", "unit"),
    "G.k.4.r.7": (f"{_DOSE}/h:consumable/h:instanceOfKind/h:productInstanceInstance"
                  "/h:lotNumberText", ""),
    "G.k.4.r.9.1": (f"{_DOSE}/h:consumable/h:instanceOfKind/h:kindOfProduct/h:formCode"
                    "/h:originalText", ""),
    "G.k.4.r.11.1": (f"{_DOSE}/h:inboundRelationship/h:observation[h:code/@code='28']/h:value"
                     "/h:originalText", ""),
    "G.k.5a": Keyed("rel2", "14", k.CL_OBSERVATION, ("value",), "value"),
    "G.k.5b": Keyed("rel2", "14", k.CL_OBSERVATION, ("value",), "unit"),
    "G.k.6a": Keyed("rel2", "16", k.CL_OBSERVATION, ("value",), "value"),
    "G.k.6b": Keyed("rel2", "16", k.CL_OBSERVATION, ("value",), "unit"),
    "G.k.9.i.4": Keyed("rel2", "31", k.CL_OBSERVATION, ("value",), "code"),
    "G.k.10.r": (f"h:outboundRelationship2/h:observation[h:code/@code='9']"
                 f"/h:value[@codeSystem='{k.ICH}.1.17']", "code"),
}
