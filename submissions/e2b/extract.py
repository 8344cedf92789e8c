"""Pull E2B element values out of a PORR_IN049016UV message, keyed by element id.

The business-rule layer works on these flat lists instead of on XPath strings scattered over the
checks. Paths are ours (NOTES.md §2), checked against FDA's example instances; the XPath column
of FDA's CSV disagrees with FDA's own examples in places (FDA.C.1.7.1, FDA.C.1.12), so it is
used as documentation, not executed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree

from . import constants as k
from .xmlutil import q

IE = "h:controlActProcess/h:subject/h:investigationEvent"
PR = "h:component/h:adverseEventAssessment/h:subject1/h:primaryRole"
PRM = f"{IE}/{PR}"  # primaryRole, relative to the message


@dataclass
class Hit:
    value: str | None  # None when the element carries a nullFlavor instead (or is empty)
    null_flavor: str | None
    line: int | None


@dataclass
class Group:
    """One repeating block (a reaction, a drug, a primary source) with its own fields."""

    element: etree._Element
    fields: dict[str, list[Hit]] = field(default_factory=dict)

    def first(self, element_id: str) -> Hit | None:
        hits = self.fields.get(element_id)
        return hits[0] if hits else None

    def value(self, element_id: str) -> str | None:
        hit = self.first(element_id)
        return hit.value if hit else None


@dataclass
class Extract:
    message: Group
    sources: list[Group]
    reactions: list[Group]
    drugs: list[Group]
    roles: dict[str, str]  # drug UUID -> G.k.1
    relatedness: list[tuple[str, str]]  # (reaction UUID, drug UUID) of every G.k.9.i assessment

    def groups(self):
        yield self.message
        yield from self.sources
        yield from self.reactions
        yield from self.drugs


def _obs(code: str, system: str = k.CL_OBSERVATION) -> str:
    return f"[h:code/@code='{code}'][h:code/@codeSystem='{system}']"


class Keyed(NamedTuple):
    """A field found through a per-group index of coded observations instead of an XPath.

    Most E2B values hang off sibling observations told apart only by their code
    (`outboundRelationship2/observation[code=27]/value` ...). Indexing those siblings once per
    group by (code, codeSystem) replaces a dozen predicate XPaths, the validator's hot spot.
    """

    container: str  # key into CONTAINERS
    code: str
    system: str
    tail: tuple[str, ...]  # child tags from the observation down to the value element
    attr: str  # attribute holding the value, "" for text


CONTAINERS = {
    "char": f"{IE}/h:subjectOf2/h:investigationCharacteristic",
    "event": f"{IE}/h:component/h:observationEvent",
    "pobs": f"{PRM}/h:subjectOf2/h:observation",
    "rel2": "h:outboundRelationship2/h:observation",
}
_X_CONTAINERS = {name: etree.XPath(path, namespaces=k.XP_NS) for name, path in CONTAINERS.items()}


_CHAR = "h:subjectOf2/h:investigationCharacteristic"
_SENDER = f"{IE}/h:subjectOf1/h:controlActEvent/h:author/h:assignedEntity"
_DRUG_HISTORY = (f"{PRM}/h:subjectOf2/h:organizer[h:code/@code='2']/h:component"
                 "/h:substanceAdministration")
_HISTORY = f"{PRM}/h:subjectOf2/h:organizer[h:code/@code='1']/h:component/h:observation"
_MEDDRA = f"[@codeSystem='{k.MEDDRA_OID}']"

# element id -> (xpath to the element, attribute holding the value or "" for text)
MESSAGE_FIELDS: dict[str, tuple[str, str] | Keyed] = {
    "N.2.r.1": (f"h:id[@root='{k.OID_C_1_1}']", "extension"),
    "N.2.r.2": ("h:sender/h:device/h:id", "extension"),
    "N.2.r.3": ("h:receiver/h:device/h:id", "extension"),
    "N.2.r.4": ("h:creationTime", "value"),
    "C.1.1": (f"{IE}/h:id[@root='{k.OID_C_1_1}']", "extension"),
    "C.1.2": ("h:controlActProcess/h:effectiveTime", "value"),
    "C.1.3": Keyed("char", "1", k.CL_REPORT_CHARACTERISTIC, ("value",), "code"),
    "C.1.4": (f"{IE}/h:effectiveTime/h:low", "value"),
    "C.1.5": (f"{IE}/h:availabilityTime", "value"),
    "C.1.6.1": Keyed("event", "1", k.CL_OBSERVATION, ("value",), "value"),
    "C.1.6.1.r.1": (f"{IE}/h:reference/h:document/h:title", ""),
    "C.1.7": Keyed("event", "23", k.CL_OBSERVATION, ("value",), "value"),
    "FDA.C.1.7.1": Keyed("event", "C54588", k.NCI_OID, ("value",), "code"),
    "FDA.C.1.12": Keyed("event", "C156384", k.NCI_OID, ("value",), "value"),
    "C.1.8.1": (f"{IE}/h:id[@root='{k.OID_C_1_8_1}']", "extension"),
    "C.1.8.2": (f"{IE}/h:outboundRelationship/h:relatedInvestigation[h:code/@code='1']"
                "/h:subjectOf2/h:controlActEvent/h:author/h:assignedEntity/h:code", "code"),
    "C.1.9.1": Keyed("char", "2", k.CL_REPORT_CHARACTERISTIC, ("value",), "value"),
    "C.1.9.1.r.1": (f"{IE}/h:subjectOf1/h:controlActEvent/h:id[@root='{k.OID_C_1_9_1_R}']",
                    "assigningAuthorityName"),
    "C.1.9.1.r.2": (f"{IE}/h:subjectOf1/h:controlActEvent/h:id[@root='{k.OID_C_1_9_1_R}']",
                    "extension"),
    "C.1.11.1": Keyed("char", "3", k.CL_REPORT_CHARACTERISTIC, ("value",), "code"),
    "C.1.11.2": Keyed("char", "4", k.CL_REPORT_CHARACTERISTIC, ("value", "originalText"), ""),
    "C.3.1": (f"{_SENDER}/h:code", "code"),
    "C.3.2": (f"{_SENDER}/h:representedOrganization/h:assignedEntity/h:representedOrganization"
              "/h:name", ""),
    "C.3.3.1": (f"{_SENDER}/h:representedOrganization/h:name", ""),
    "C.3.3.2": (f"{_SENDER}/h:assignedPerson/h:name/h:prefix", ""),
    "C.3.3.3": (f"{_SENDER}/h:assignedPerson/h:name/h:given[1]", ""),
    "C.3.3.5": (f"{_SENDER}/h:assignedPerson/h:name/h:family", ""),
    "C.3.4.1": (f"{_SENDER}/h:addr/h:streetAddressLine[1]", ""),
    "C.3.4.2": (f"{_SENDER}/h:addr/h:city", ""),
    "C.3.4.3": (f"{_SENDER}/h:addr/h:state", ""),
    "C.3.4.4": (f"{_SENDER}/h:addr/h:postalCode", ""),
    "C.3.4.5": (f"{_SENDER}/h:assignedPerson/h:asLocatedEntity/h:location/h:code", "code"),
    "C.3.4.6": (f"{_SENDER}/h:telecom[starts-with(@value,'tel:')]", "value"),
    "C.3.4.7": (f"{_SENDER}/h:telecom[starts-with(@value,'fax:')]", "value"),
    "C.3.4.8": (f"{_SENDER}/h:telecom[starts-with(@value,'mailto:')]", "value"),
    "C.5.4": (f"{PRM}/h:subjectOf1/h:researchStudy/h:code", "code"),
    "FDA.C.5.5a": (f"{PRM}/h:subjectOf1/h:researchStudy/h:authorization/h:studyRegistration"
                   "/h:id[@root='2.16.840.1.113883.3.989.5.1.2.2.1.2.1']", "extension"),
    "FDA.C.5.5b": (f"{PRM}/h:subjectOf1/h:researchStudy/h:authorization/h:studyRegistration"
                   "/h:id[@root='2.16.840.1.113883.3.989.5.1.2.2.1.2.2']", "extension"),
    "D.1": (f"{PRM}/h:player1/h:name", ""),
    "D.2.1": (f"{PRM}/h:player1/h:birthTime", "value"),
    "D.2.2a": Keyed("pobs", "3", k.CL_OBSERVATION, ("value",), "value"),
    "D.2.2b": Keyed("pobs", "3", k.CL_OBSERVATION, ("value",), "unit"),
    "D.2.3": Keyed("pobs", "4", k.CL_OBSERVATION, ("value",), "code"),
    "D.3": Keyed("pobs", "7", k.CL_OBSERVATION, ("value",), "value"),
    "D.4": Keyed("pobs", "17", k.CL_OBSERVATION, ("value",), "value"),
    "D.5": (f"{PRM}/h:player1/h:administrativeGenderCode", "code"),
    "D.7.1.r.1a": (f"{_HISTORY}/h:code{_MEDDRA}", "codeSystemVersion"),
    "D.7.1.r.1b": (f"{_HISTORY}/h:code[not(@codeSystem='{k.CL_OBSERVATION}')]", "code"),
    "D.7.2": (f"{_HISTORY}{_obs('18')}/h:value", ""),
    "D.8.r.1": (f"{_DRUG_HISTORY}/h:consumable/h:instanceOfKind/h:kindOfProduct/h:name", ""),
    "FDA.D.11.r.1": Keyed("pobs", "C17049", k.NCI_OID, ("value",), "code"),
    "FDA.D.12": Keyed("pobs", "C16564", k.NCI_OID, ("value",), "code"),
    "H.1": (f"{IE}/h:text", ""),
    "H.2": ("h:controlActProcess/h:subject/h:investigationEvent/h:component/"
            "h:adverseEventAssessment/h:component1/h:observationEvent"
            "[h:author/h:assignedEntity/h:code/@code='3']/h:value", ""),
    "H.4": ("h:controlActProcess/h:subject/h:investigationEvent/h:component/"
            "h:adverseEventAssessment/h:component1/h:observationEvent"
            "[h:author/h:assignedEntity/h:code/@code='1']/h:value", ""),
}

_ENTITY = "h:relatedInvestigation/h:subjectOf2/h:controlActEvent/h:author/h:assignedEntity"
SOURCE_FIELDS: dict[str, tuple[str, str]] = {
    "C.2.r.1.1": (f"{_ENTITY}/h:assignedPerson/h:name/h:prefix", ""),
    "C.2.r.1.2": (f"{_ENTITY}/h:assignedPerson/h:name/h:given[1]", ""),
    "C.2.r.1.4": (f"{_ENTITY}/h:assignedPerson/h:name/h:family", ""),
    "C.2.r.2.3": (f"{_ENTITY}/h:addr/h:streetAddressLine[1]", ""),
    "C.2.r.2.4": (f"{_ENTITY}/h:addr/h:city", ""),
    "C.2.r.2.5": (f"{_ENTITY}/h:addr/h:state", ""),
    "C.2.r.2.6": (f"{_ENTITY}/h:addr/h:postalCode", ""),
    "C.2.r.2.7": (f"{_ENTITY}/h:telecom[starts-with(@value,'tel:')]", "value"),
    "FDA.C.2.r.2.8": (f"{_ENTITY}/h:telecom[starts-with(@value,'mailto:')]", "value"),
    "C.2.r.3": (f"{_ENTITY}/h:assignedPerson/h:asLocatedEntity/h:location/h:code", "code"),
    "C.2.r.4": (f"{_ENTITY}/h:assignedPerson/h:asQualifiedEntity/h:code", "code"),
    "C.2.r.5": ("h:priorityNumber", "value"),
}

REACTION_FIELDS: dict[str, tuple[str, str] | Keyed] = {
    "E.i.1.1a": ("h:value/h:originalText", ""),
    "E.i.1.1b": ("h:value/h:originalText[@language]", "language"),
    "E.i.1.2": Keyed("rel2", "30", k.CL_OBSERVATION, ("value",), ""),
    "E.i.2.1a": (f"h:value{_MEDDRA}", "codeSystemVersion"),
    "E.i.2.1b": (f"h:value{_MEDDRA}", "code"),
    "E.i.4": ("h:effectiveTime/h:low", "value"),
    "E.i.5": ("h:effectiveTime/h:high", "value"),
    "E.i.6a": ("h:effectiveTime/h:width", "value"),
    "E.i.6b": ("h:effectiveTime/h:width", "unit"),
    "E.i.7": Keyed("rel2", "27", k.CL_OBSERVATION, ("value",), "code"),
    "E.i.9": ("h:location/h:locatedEntity/h:locatedPlace/h:code", "code"),
    "FDA.E.i.3.2h": Keyed("rel2", "7", k.FDA_OBSERVATION, ("value",), "value"),
    **{
        element: Keyed("rel2", code, k.CL_OBSERVATION, ("value",), "value")
        for code, element in k.SERIOUSNESS_ELEMENTS.items()
    },
}

_DOSE = "h:outboundRelationship2[@typeCode='COMP']/h:substanceAdministration"
_KIND = "h:consumable/h:instanceOfKind/h:kindOfProduct"
DRUG_FIELDS: dict[str, tuple[str, str]] = {
    "G.k.2.2": (f"{_KIND}/h:name", ""),
    "G.k.2.3.r.1": (f"{_KIND}/h:ingredient/h:ingredientSubstance/h:name", ""),
    "G.k.3.1": (f"{_KIND}/h:asManufacturedProduct/h:subjectOf/h:approval/h:id", "extension"),
    "G.k.3.2": (f"{_KIND}/h:asManufacturedProduct/h:subjectOf/h:approval/h:author"
                "/h:territorialAuthority/h:territory/h:code", "code"),
    "G.k.4.r.1a": (f"{_DOSE}/h:doseQuantity", "value"),
    "G.k.4.r.1b": (f"{_DOSE}/h:doseQuantity", "unit"),
    "G.k.4.r.8": (f"{_DOSE}/h:text", ""),
    "G.k.4.r.10.1": (f"{_DOSE}/h:routeCode/h:originalText", ""),
    "G.k.4.r.10.2b": (f"{_DOSE}/h:routeCode[@code]", "code"),
    "G.k.7.r.1": ("h:inboundRelationship[@typeCode='RSON']/h:observation/h:value/h:originalText",
                  ""),
    "G.k.7.r.2a": (f"h:inboundRelationship[@typeCode='RSON']/h:observation/h:value{_MEDDRA}",
                   "codeSystemVersion"),
    "G.k.7.r.2b": (f"h:inboundRelationship[@typeCode='RSON']/h:observation/h:value{_MEDDRA}",
                   "code"),
    "G.k.8": ("h:inboundRelationship[@typeCode='CAUS']/h:act/h:code", "code"),
    "G.k.11": (f"h:outboundRelationship2/h:observation{_obs('2')}/h:value", ""),
}


def _compile(table):
    """(element, XPath or Keyed, attribute, first child tag the path needs or None)."""
    compiled = []
    for element, spec in table.items():
        if isinstance(spec, Keyed):
            compiled.append((element, spec, spec.attr, None))
        else:
            path, attr = spec
            first = path.split("/", 1)[0].split("[", 1)[0]
            guard = q(first[2:]) if first.startswith("h:") else None
            compiled.append((element, etree.XPath(path, namespaces=k.XP_NS, smart_strings=False),
                             attr, guard))
    return compiled


_MESSAGE = _compile(MESSAGE_FIELDS)
_SOURCE = _compile(SOURCE_FIELDS)
_REACTION = _compile(REACTION_FIELDS)
_DRUG = _compile(DRUG_FIELDS)
_X_SOURCES = etree.XPath(
    f"{IE}/h:outboundRelationship[h:relatedInvestigation/h:code/@code='2']", namespaces=k.XP_NS)
_X_REACTIONS = etree.XPath(f"{IE}/{PR}/h:subjectOf2/h:observation{_obs('29')}",
                           namespaces=k.XP_NS)
_X_DRUGS = etree.XPath(f"{IE}/{PR}/h:subjectOf2/h:organizer[h:code/@code='4']/h:component"
                       "/h:substanceAdministration", namespaces=k.XP_NS)
_X_CAUSALITY = etree.XPath(f"{IE}/h:component/h:adverseEventAssessment/h:component"
                           "/h:causalityAssessment", namespaces=k.XP_NS)
_X_CODE = etree.XPath("h:code/@code", namespaces=k.XP_NS)
_X_VALUE_CODE = etree.XPath("h:value/@code", namespaces=k.XP_NS)
_X_PRODUCT = etree.XPath("h:subject2/h:productUseReference/h:id/@root", namespaces=k.XP_NS)
_X_EFFECT = etree.XPath("h:subject1/h:adverseEffectReference/h:id/@root", namespaces=k.XP_NS)
_X_ID = etree.XPath("h:id/@root", namespaces=k.XP_NS)


def _text(el) -> str | None:
    # Plain text nodes are the norm; itertext() only for mixed content.
    return el.text if len(el) == 0 else "".join(el.itertext())


def _index(node, container: str) -> dict[tuple[str | None, str | None], list]:
    index: dict[tuple[str | None, str | None], list] = {}
    code_tag = q("code")
    for observation in _X_CONTAINERS[container](node):
        for code in observation.iterchildren(code_tag):
            index.setdefault((code.get("code"), code.get("codeSystem")), []).append(observation)
            break
    return index


def _keyed(node, spec: Keyed, indexes: dict) -> list:
    index = indexes.get(spec.container)
    if index is None:
        index = indexes[spec.container] = _index(node, spec.container)
    found = index.get((spec.code, spec.system), ())
    for tag in spec.tail:
        found = [child for el in found for child in el.iterchildren(q(tag))]
    return found


def _fields(node, compiled) -> dict[str, list[Hit]]:
    out: dict[str, list[Hit]] = {}
    indexes: dict[str, dict] = {}
    # A bare concomitant drug has no dosage, indication or action blocks: skip every path whose
    # first step is missing instead of running its XPath for nothing.
    present = {child.tag for child in node}
    for element, xpath, attr, guard in compiled:
        if guard is not None and guard not in present:
            continue
        found = _keyed(node, xpath, indexes) if isinstance(xpath, Keyed) else xpath(node)
        if not found:
            continue
        hits = []
        for el in found:
            null_flavor = el.get("nullFlavor")
            value = el.get(attr) if attr else _text(el)
            if attr == "value" and el.tag.endswith("telecom") and value:
                value = value.split(":", 1)[1] if ":" in value else value
            if null_flavor or not value:
                value = None
            hits.append(Hit(value, null_flavor, el.sourceline))
        out[element] = hits
    return out


def extract(message: etree._Element) -> Extract:
    roles: dict[str, str] = {}
    relatedness: list[tuple[str, str]] = []
    for assessment in _X_CAUSALITY(message):
        code = _X_CODE(assessment)
        products = _X_PRODUCT(assessment)
        if not code or not products:
            continue
        if code[0] == k.OBS_CAUSALITY_ROLE:
            value = _X_VALUE_CODE(assessment)
            roles[products[0]] = value[0] if value else ""
        elif code[0] == k.OBS_CAUSALITY:
            effects = _X_EFFECT(assessment)
            relatedness.append((effects[0] if effects else "", products[0]))
    return Extract(
        message=Group(message, _fields(message, _MESSAGE)),
        sources=[Group(s, _fields(s, _SOURCE)) for s in _X_SOURCES(message)],
        reactions=[Group(r, _fields(r, _REACTION)) for r in _X_REACTIONS(message)],
        drugs=[Group(d, _fields(d, _DRUG)) for d in _X_DRUGS(message)],
        roles=roles,
        relatedness=relatedness,
    )


def group_id(group: Group) -> str:
    ids = _X_ID(group.element)
    return ids[0] if ids else ""
