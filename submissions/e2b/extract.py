"""Pull E2B element values out of a PORR_IN049016UV message, keyed by element id.

The business-rule layer works on these flat lists instead of on XPath strings scattered over the
checks. Paths are ours (NOTES.md §2), checked against FDA's example instances; the XPath column
of FDA's CSV disagrees with FDA's own examples in places (FDA.C.1.7.1, FDA.C.1.12), so it is
used as documentation, not executed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from lxml import etree

from . import constants as k
from .fields_optional import (
    DRUG_OPTIONAL,
    MESSAGE_OPTIONAL,
    REACTION_OPTIONAL,
    SOURCE_OPTIONAL,
)
from .pathtrie import Keyed, _Level, _steps, _trie, _walk
from .xmlutil import q

IE = "h:controlActProcess/h:subject/h:investigationEvent"
PR = "h:component/h:adverseEventAssessment/h:subject1/h:primaryRole"
PRM = f"{IE}/{PR}"  # primaryRole, relative to the message


@dataclass(slots=True)
class Hit:
    value: str | None  # None when the element carries a nullFlavor instead (or is empty)
    null_flavor: str | None
    line: int | None
    node: etree._Element | None = None  # the element the value was read from

    @property
    def present(self) -> bool:
        """A value or a nullFlavor: an element that is there but empty counts as missing."""
        return self.value is not None or self.null_flavor is not None


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

    def has(self, element_id: str) -> bool:
        """The element carries a value or a nullFlavor (presence alone is not enough)."""
        for hit in self.fields.get(element_id, ()):
            if hit.value is not None or hit.null_flavor is not None:
                return True
        return False


@dataclass
class Extract:
    message: Group
    sources: list[Group]
    reactions: list[Group]
    drugs: list[Group]
    roles: dict[str, str]  # drug UUID -> G.k.1
    relatedness: list[tuple[str, str]]  # (reaction UUID, drug UUID) of every G.k.9.i assessment
    similar_devices: set[str] = field(default_factory=set)  # drug UUIDs with FDA.G.k.1.a = 1

    def groups(self):
        yield self.message
        yield from self.sources
        yield from self.reactions
        yield from self.drugs


def _obs(code: str, system: str = k.CL_OBSERVATION) -> str:
    return f"[h:code/@code='{code}'][h:code/@codeSystem='{system}']"


CONTAINERS = {
    "char": f"{IE}/h:subjectOf2/h:investigationCharacteristic",
    "event": f"{IE}/h:component/h:observationEvent",
    "pobs": f"{PRM}/h:subjectOf2/h:observation",
    "rel2": "h:outboundRelationship2/h:observation",
}


_CHAR = "h:subjectOf2/h:investigationCharacteristic"
_SENDER = f"{IE}/h:subjectOf1/h:controlActEvent/h:author/h:assignedEntity"
_DRUG_HISTORY = (f"{PRM}/h:subjectOf2/h:organizer[h:code/@code='2']/h:component"
                 "/h:substanceAdministration")
_HISTORY = f"{PRM}/h:subjectOf2/h:organizer[h:code/@code='1']/h:component/h:observation"
_MEDDRA = f"[@codeSystem='{k.MEDDRA_OID}']"

# element id -> (xpath to the element, attribute holding the value or "" for text)
MESSAGE_FIELDS: dict[str, tuple[str, str] | Keyed] = {
    "N.2.r.1": (f"h:id[@root='{k.OID_C_1_1}']", "extension"),
    "N.2.r.2": (f"h:sender/h:device/h:id[@root='{k.OID_MSG_SENDER}']", "extension"),
    "N.2.r.3": (f"h:receiver/h:device/h:id[@root='{k.OID_MSG_RECEIVER}']", "extension"),
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
            "[h:code/@code='10'][h:author/h:assignedEntity/h:code/@code='3']/h:value", ""),
    "H.4": ("h:controlActProcess/h:subject/h:investigationEvent/h:component/"
            "h:adverseEventAssessment/h:component1/h:observationEvent"
            "[h:code/@code='10'][h:author/h:assignedEntity/h:code/@code='1']/h:value", ""),
}

_ENTITY = "h:relatedInvestigation/h:subjectOf2/h:controlActEvent/h:author/h:assignedEntity"
SOURCE_FIELDS: dict[str, tuple[str, str] | Keyed] = {
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
DRUG_FIELDS: dict[str, tuple[str, str] | Keyed] = {
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


# The optional elements: checked for length, nullFlavor, code list and date like the rest.
MESSAGE_FIELDS.update(MESSAGE_OPTIONAL)
SOURCE_FIELDS.update(SOURCE_OPTIONAL)
REACTION_FIELDS.update(REACTION_OPTIONAL)
DRUG_FIELDS.update(DRUG_OPTIONAL)


class _Table(NamedTuple):
    trie: _Level
    # (element, Keyed or None, attribute, the value is a telecom URL "tel:..." to strip)
    fields: tuple[tuple[str, Keyed | None, str, bool], ...]


def _compile(table, extra: dict[str, str] | None = None) -> _Table:
    paths: dict[str, str] = dict(extra or {})
    fields = []
    for element, spec in table.items():
        if isinstance(spec, Keyed):
            paths.setdefault("@" + spec.container, CONTAINERS[spec.container])
            fields.append((element, spec, spec.attr, False))
        else:
            path, attr = spec
            paths[element] = path
            telecom = attr == "value" and _steps(path.split(" | ")[0])[-1][0] == q("telecom")
            fields.append((element, None, attr, telecom))
    return _Table(_trie(paths), tuple(fields))


_CAUSALITY = f"{IE}/h:component/h:adverseEventAssessment/h:component/h:causalityAssessment"
_MESSAGE = _compile(MESSAGE_FIELDS, {
    "#sources": f"{IE}/h:outboundRelationship[h:relatedInvestigation/h:code/@code='2']",
    "#reactions": f"{IE}/{PR}/h:subjectOf2/h:observation{_obs('29')}",
    "#drugs": f"{IE}/{PR}/h:subjectOf2/h:organizer[h:code/@code='4']/h:component"
              "/h:substanceAdministration",
    "#causality": _CAUSALITY,
})
_SOURCE = _compile(SOURCE_FIELDS)
_REACTION = _compile(REACTION_FIELDS)
_DRUG = _compile(DRUG_FIELDS)
_ID = q("id")
_CODE = q("code")
_VALUE = q("value")
_SUBJECT1 = q("subject1")
_SUBJECT2 = q("subject2")
_PRODUCT_REF = q("productUseReference")
_EFFECT_REF = q("adverseEffectReference")


def _index(observations) -> dict[tuple[str | None, str | None], list]:
    index: dict[tuple[str | None, str | None], list] = {}
    code_tag = _CODE
    for observation in observations:
        for code in observation.iterchildren(code_tag):
            index.setdefault((code.get("code"), code.get("codeSystem")), []).append(observation)
            break
    return index


def _keyed(spec: Keyed, found_paths: dict, indexes: dict) -> list:
    index = indexes.get(spec.container)
    if index is None:
        index = indexes[spec.container] = _index(found_paths.get("@" + spec.container, ()))
    found = index.get((spec.code, spec.system), ())
    for tag in _clark(spec.tail):
        if not found:
            break
        found = [child for el in found for child in el.iterchildren(tag)]
    return found


@lru_cache(maxsize=64)
def _clark(tags: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(q(tag) for tag in tags)


def _fields(node, table: _Table, found_paths: dict | None = None) -> dict[str, list[Hit]]:
    if found_paths is None:
        found_paths = {}
        _walk(node, table.trie, found_paths)
    out: dict[str, list[Hit]] = {}
    indexes: dict[str, dict] = {}
    for element, keyed, attr, telecom in table.fields:
        found = _keyed(keyed, found_paths, indexes) if keyed is not None else (
            found_paths.get(element))
        if not found:
            continue
        hits = []
        for el in found:
            null_flavor = el.get("nullFlavor")
            if attr:
                value = el.get(attr)
                if telecom and value and ":" in value:
                    value = value.split(":", 1)[1]
            else:  # plain text nodes are the norm; itertext() only for mixed content
                value = el.text if len(el) == 0 else "".join(el.itertext())
            if null_flavor or not value or value.isspace():
                value = None
            hits.append(Hit(value, null_flavor, el.sourceline, el))
        out[element] = hits
    return out


_BATCH = _trie({
    "N.1.1": f"h:name[@codeSystem='{k.CL_MESSAGE_TYPE}']",
    "N.1.2": f"h:id[@root='{k.OID_BATCH_NO}']",
    "N.1.3": f"h:sender/h:device/h:id[@root='{k.OID_BATCH_SENDER}']",
    "N.1.4": f"h:receiver/h:device/h:id[@root='{k.OID_BATCH_RECEIVER}']",
    "N.1.5": "h:creationTime",
})
_BATCH_ATTRS = {"N.1.1": "code", "N.1.2": "extension", "N.1.3": "extension",
                "N.1.4": "extension", "N.1.5": "value"}


def batch_values(root: etree._Element) -> dict[str, str | None]:
    """N.1.1-N.1.5 of a batch: the first such attribute, as XPath `(path/@attr)[1]` gives."""
    found: dict[str, list] = {}
    _walk(root, _BATCH, found)
    return {element: next((value for el in found.get(element, ())
                           if (value := el.get(attr)) is not None), None)
            for element, attr in _BATCH_ATTRS.items()}


def _attrs(el, tag: str, attr: str) -> list[str]:
    """`h:tag/@attr` from `el`: the attribute of every such child that has it."""
    return [value for child in el.iterchildren(tag)
            if (value := child.get(attr)) is not None]


def _attrs2(el, tag: str, tag2: str, attr: str) -> list[str]:
    """`h:tag/h:tag2/h:id/@attr`."""
    return [value for child in el.iterchildren(tag) for grandchild in child.iterchildren(tag2)
            for value in _attrs(grandchild, _ID, attr)]


def extract(message: etree._Element) -> Extract:
    found: dict[str, list] = {}
    _walk(message, _MESSAGE.trie, found)
    roles: dict[str, str] = {}
    similar: set[str] = set()
    relatedness: list[tuple[str, str]] = []
    for assessment in found.get("#causality", ()):
        code = _attrs(assessment, _CODE, "code")
        products = _attrs2(assessment, _SUBJECT2, _PRODUCT_REF, "root")
        if not code or not products:
            continue
        if code[0] == k.OBS_CAUSALITY_ROLE:
            value = next(assessment.iterchildren(_VALUE), None)
            system = value.get("codeSystem") if value is not None else None
            if system == k.FDA_SIMILAR_DEVICE:  # FDA.G.k.1.a rides on the same observation
                similar.add(products[0])
                continue
            roles[products[0]] = (value.get("code") or "") if value is not None else ""
        elif code[0] == k.OBS_CAUSALITY:
            effects = _attrs2(assessment, _SUBJECT1, _EFFECT_REF, "root")
            relatedness.append((effects[0] if effects else "", products[0]))
    return Extract(
        message=Group(message, _fields(message, _MESSAGE, found)),
        sources=[Group(s, _fields(s, _SOURCE)) for s in found.get("#sources", ())],
        reactions=[Group(r, _fields(r, _REACTION)) for r in found.get("#reactions", ())],
        drugs=[Group(d, _fields(d, _DRUG)) for d in found.get("#drugs", ())],
        roles=roles,
        relatedness=relatedness,
        similar_devices=similar,
    )


def group_id(group: Group) -> str:
    for child in group.element.iterchildren(_ID):
        root = child.get("root")
        if root is not None:
            return root
    return ""
