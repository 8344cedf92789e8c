"""Build an E2B(R3) batch (MCCI_IN200100UV01) of ICSR messages (PORR_IN049016UV) with lxml.

Element order follows the ICH schema (the XSD is order-sensitive); paths follow NOTES.md §1-2.
Every free-text value goes through `pv.privacy.scrub.scrub_text` with the case's Restricted
values before it is placed in the tree, and reporter identity is always nullFlavor MSK.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields

from lxml import etree

from pv.privacy.scrub import scrub_text

from . import constants as k
from .build_patient import build_assessment
from .narrative import generate_narrative
from .retained import restore
from .snapshot import BatchHeader, CaseSnapshot, PrimarySource, Sender
from .timefmt import format_ts
from .xmlutil import bl_value, copy_of, fragment, obs_code, sub, ts, typed

Scrub = Callable[[str], str]


def build_batch(header: BatchHeader, cases: Iterable[CaseSnapshot]) -> bytes:
    """Serialise a batch to UTF-8 bytes with an XML declaration (what gets sent or stored)."""
    return etree.tostring(build_batch_tree(header, cases), xml_declaration=True, encoding="UTF-8")


def build_icsr(case: CaseSnapshot, header: BatchHeader) -> bytes:
    """One case in its own batch: the usual unit pv sends to one recipient."""
    return build_batch(header, [case])


def build_batch_tree(header: BatchHeader, cases: Iterable[CaseSnapshot]) -> etree._Element:
    # The constant head of the batch is copied from a cached tree (one C call), then filled in.
    root = copy_of(("batch",), _batch_head)
    root[0].set("extension", header.batch_number)
    root[1].set("value", format_ts(header.created_at))
    for case in cases:
        root.append(build_message(case, header))
    # N.1.4 / N.1.3 come after the messages in the batch content model.
    _device(root, "receiver", "RCV", k.OID_BATCH_RECEIVER, header.receiver_id)
    _device(root, "sender", "SND", k.OID_BATCH_SENDER, header.sender_id)
    return root


def _batch_head() -> etree._Element:
    root = etree.Element(f"{{{k.HL7_NS}}}MCCI_IN200100UV01", nsmap=k.NSMAP)
    root.set("ITSVersion", "XML_1.0")
    sub(root, "id", {"root": k.OID_BATCH_NO})  # extension: N.1.2
    sub(root, "creationTime")  # value: N.1.5
    sub(root, "responseModeCode", {"code": "D"})
    sub(root, "interactionId", {"root": k.HL7_INTERACTION, "extension": "MCCI_IN200100UV01"})
    sub(root, "name", {"code": "1", "codeSystem": k.CL_MESSAGE_TYPE, "displayName": "ichicsr"})
    return root


def _message_head() -> etree._Element:
    """PORR_IN049016UV down to investigationEvent/statusCode; the blanks are filled per case."""
    msg = etree.Element(f"{{{k.HL7_NS}}}PORR_IN049016UV", nsmap=k.NSMAP)
    sub(msg, "id", {"root": k.OID_C_1_1})  # extension: N.2.r.1
    sub(msg, "creationTime")  # value: N.2.r.4
    sub(msg, "interactionId", {"root": k.HL7_INTERACTION, "extension": "PORR_IN049016UV"})
    sub(msg, "processingCode", {"code": "P"})
    sub(msg, "processingModeCode", {"code": "T"})
    sub(msg, "acceptAckCode", {"code": "AL"})
    for tag, type_code, root in (("receiver", "RCV", k.OID_MSG_RECEIVER),
                                 ("sender", "SND", k.OID_MSG_SENDER)):
        device = sub(sub(msg, tag, {"typeCode": type_code}), "device",
                     {"classCode": "DEV", "determinerCode": "INSTANCE"})
        sub(device, "id", {"root": root})  # extension: N.2.r.3 / N.2.r.2
    cap = sub(msg, "controlActProcess", {"classCode": "CACT", "moodCode": "EVN"})
    sub(cap, "code", {"code": "PORR_TE049016UV", "codeSystem": k.HL7_TRIGGER})
    sub(cap, "effectiveTime")  # value: C.1.2
    subject = sub(cap, "subject", {"typeCode": "SUBJ"})
    ie = sub(subject, "investigationEvent", {"classCode": "INVSTG", "moodCode": "EVN"})
    sub(ie, "id", {"root": k.OID_C_1_1})  # extension: C.1.1
    sub(ie, "id", {"root": k.OID_C_1_8_1})  # extension: C.1.8.1
    sub(ie, "code", {"code": "PAT_ADV_EVNT", "codeSystem": k.HL7_ACT_CODE})
    sub(ie, "text")  # H.1
    sub(ie, "statusCode", {"code": "active"})
    return msg


def build_message(case: CaseSnapshot, header: BatchHeader, *, scrub: bool = True,
                  ) -> etree._Element:
    """One PORR_IN049016UV. `scrub=False` only for the import-time rebuild that `lossless`
    compares with what was received (it never leaves the process)."""
    restricted = tuple(case.restricted_values)

    def clean(text: str) -> str:
        if not scrub:
            return text
        return scrub_text(text, restricted) if text else ""

    created = format_ts(case.created_at)
    msg = copy_of(("message",), _message_head)
    msg[0].set("extension", case.message_id or case.safety_report_id)
    msg[1].set("value", created)
    msg[6][0][0].set("extension", header.message_receiver_id or header.receiver_id)
    msg[7][0][0].set("extension", header.message_sender_id or header.sender_id)
    cap = msg[8]
    cap[1].set("value", created)
    ie = cap[2][0]
    ie[0].set("extension", case.safety_report_id)
    ie[1].set("extension", case.case_id)
    text = clean(case.narrative or generate_narrative(case))
    if text:
        ie[3].text = text
    _investigation(ie, case, clean)
    return msg


def _device(parent, tag: str, type_code: str, root: str, extension: str) -> None:
    def make(holder) -> None:
        wrapper = sub(holder, tag, {"typeCode": type_code})
        device = sub(wrapper, "device", {"classCode": "DEV", "determinerCode": "INSTANCE"})
        sub(device, "id", {"root": root})

    fragment(parent, ("device", tag, root), make)[0][0].set("extension", extension)


def _investigation(ie, case: CaseSnapshot, clean: Scrub) -> None:
    """investigationEvent after statusCode (the head comes from `_message_head`)."""
    if case.first_received is not None:
        ts(sub(ie, "effectiveTime"), "low", case.first_received)
    ts(ie, "availabilityTime", case.most_recent)
    for title in case.additional_documents:  # C.1.6.1.r.1
        document = sub(sub(ie, "reference", {"typeCode": "REFR"}), "document",
                       {"classCode": "DOC", "moodCode": "EVN"})
        sub(document, "code", {"code": "1", "codeSystem": k.CL_DOCUMENT_TYPE})
        sub(document, "title", text=clean(title))

    build_assessment(sub(ie, "component", {"typeCode": "COMP"}), case, clean)

    _case_observation(ie, k.OBS_ADDITIONAL_DOCS, bool(case.additional_documents))  # C.1.6.1
    _case_observation(ie, k.OBS_EXPEDITED, case.expedited)  # C.1.7
    if case.fda is not None:
        event = _observation_event(ie, k.FDA_LOCAL_REPORT_TYPE_CODE, k.NCI_OID)
        typed(event, "value", "CE", code=case.fda.local_report_type,
              codeSystem=k.FDA_LOCAL_REPORT_TYPE)
        event = _observation_event(ie, k.FDA_COMBINATION_PRODUCT_CODE, k.NCI_OID)
        bl_value(event, case.fda.combination_product)

    # C.1.8.2 first sender
    entity = _related_author(ie, "1", None)
    sub(entity, "code", {"code": case.first_sender, "codeSystem": k.CL_FIRST_SENDER})
    for source in case.primary_sources:
        _primary_source(ie, source)

    _sender(ie, case.sender)
    for source_name, other_id in case.other_case_ids:  # C.1.9.1.r
        event = sub(sub(ie, "subjectOf1", {"typeCode": "SUBJ"}), "controlActEvent",
                    {"classCode": "CACT", "moodCode": "EVN"})
        sub(event, "id", {"root": k.OID_C_1_9_1_R, "extension": other_id,
                          "assigningAuthorityName": source_name})

    characteristic = _characteristic(ie, "1")  # C.1.3
    typed(characteristic, "value", "CE", code=case.report_type, codeSystem=k.CL_REPORT_TYPE)
    characteristic = _characteristic(ie, "2")  # C.1.9.1: true or NI, never false
    bl_value(characteristic, True if case.other_case_ids else None)
    if case.nullification is not None:  # C.1.11.1 / C.1.11.2
        characteristic = _characteristic(ie, "3")
        typed(characteristic, "value", "CE", code=case.nullification.code,
              codeSystem=k.CL_NULLIFICATION)
        characteristic = _characteristic(ie, "4")
        value = typed(characteristic, "value", "CE")
        sub(value, "originalText", text=clean(case.nullification.reason))
    restore(ie, case.kept.get("investigation"), clean, "investigation")


def _observation_event(ie, code: str, system: str = k.CL_OBSERVATION):
    return fragment(ie, ("observation-event", code, system), lambda holder: obs_code(
        sub(sub(holder, "component", {"typeCode": "COMP"}), "observationEvent",
            {"classCode": "OBS", "moodCode": "EVN"}), code, system))[0]


def _case_observation(ie, code: str, value: bool | None) -> None:
    bl_value(_observation_event(ie, code), value)


def _characteristic(ie, code: str):
    def make(holder) -> None:
        characteristic = sub(sub(holder, "subjectOf2", {"typeCode": "SUBJ"}),
                             "investigationCharacteristic", {"classCode": "OBS", "moodCode": "EVN"})
        sub(characteristic, "code", {"code": code, "codeSystem": k.CL_REPORT_CHARACTERISTIC})

    return fragment(ie, ("characteristic", code), make)[0]


def _related_author(ie, relation: str, priority: str | None):
    rel = fragment(ie, ("related-author", relation, priority),
                   lambda holder: _make_related_author(holder, relation, priority))
    # outboundRelationship/[priorityNumber]/relatedInvestigation/subjectOf2/controlActEvent/
    # author/assignedEntity: the last element at each level is the one to descend into.
    return rel[-1][-1][0][0][0]


def _make_related_author(ie, relation: str, priority: str | None):
    rel = sub(ie, "outboundRelationship", {"typeCode": "SPRT"})
    if priority:
        sub(rel, "priorityNumber", {"value": priority})
    investigation = sub(rel, "relatedInvestigation", {"classCode": "INVSTG", "moodCode": "EVN"})
    sub(investigation, "code", {"code": relation, "codeSystem": k.CL_REPORT_RELATION})
    event = sub(sub(investigation, "subjectOf2", {"typeCode": "SUBJ"}), "controlActEvent",
                {"classCode": "CACT", "moodCode": "EVN"})
    return sub(sub(event, "author", {"typeCode": "AUT"}), "assignedEntity",
               {"classCode": "ASSIGNED"})


def _primary_source(ie, source: PrimarySource) -> None:
    """C.2.r. The reporter is a member: name, address, phone and e-mail are always masked."""
    key = ("primary-source", source.qualification, source.country, bool(source.regulatory))
    if isinstance(source.qualification, str) and isinstance(source.country, str):
        # Everything in the block follows from these three values: copy it whole.
        fragment(ie, key, lambda holder: _make_primary_source(holder, source))
    else:
        _make_primary_source(ie, source)


def _make_primary_source(ie, source: PrimarySource) -> None:
    entity = _related_author(ie, "2", "1" if source.regulatory else None)
    fragment(entity, ("msk-addr",), _masked_address)
    # The scheme prefix tells a receiver which masked contact is which (FDA.C.2.r.2.8 = mailto).
    sub(entity, "telecom", {"value": "tel:", "nullFlavor": "MSK"})
    sub(entity, "telecom", {"value": "mailto:", "nullFlavor": "MSK"})
    person = sub(entity, "assignedPerson", {"classCode": "PSN", "determinerCode": "INSTANCE"})
    fragment(person, ("msk-name",), _masked_name)
    qualified = sub(person, "asQualifiedEntity", {"classCode": "QUAL"})
    if source.qualification.isdigit():
        sub(qualified, "code", {"code": source.qualification, "codeSystem": k.CL_QUALIFICATION})
    else:
        sub(qualified, "code", {"nullFlavor": source.qualification or "UNK"})
    if source.country:
        located = sub(person, "asLocatedEntity", {"classCode": "LOCE"})
        location = sub(located, "location", {"classCode": "COUNTRY", "determinerCode": "INSTANCE"})
        sub(location, "code", {"code": source.country, "codeSystem": k.COUNTRY_OID})


def _masked_address(parent) -> None:
    addr = sub(parent, "addr")
    for part in ("streetAddressLine", "city", "state", "postalCode"):
        sub(addr, part, {"nullFlavor": "MSK"})


def _masked_name(parent) -> None:
    name = sub(parent, "name")
    for part in ("prefix", "given", "family"):
        sub(name, part, {"nullFlavor": "MSK"})


_SENDER_FIELDS = tuple(f.name for f in fields(Sender))


def _sender(ie, sender: Sender) -> None:
    """C.3: the platform's own safety function (organisational data, not a member's)."""
    key = ("sender", *(getattr(sender, name) for name in _SENDER_FIELDS))
    if all(isinstance(value, str) for value in key):
        # The same sender on every ICSR: build its block once, then copy it.
        fragment(ie, key, lambda holder: _make_sender(holder, sender))
    else:
        _make_sender(ie, sender)


def _make_sender(ie, sender: Sender) -> None:
    event = sub(sub(ie, "subjectOf1", {"typeCode": "SUBJ"}), "controlActEvent",
                {"classCode": "CACT", "moodCode": "EVN"})
    entity = sub(sub(event, "author", {"typeCode": "AUT"}), "assignedEntity",
                 {"classCode": "ASSIGNED"})
    sub(entity, "code", {"code": sender.type, "codeSystem": k.CL_SENDER_TYPE})
    if sender.street or sender.city or sender.state or sender.postcode:
        addr = sub(entity, "addr")
        for tag, value in (("streetAddressLine", sender.street), ("city", sender.city),
                           ("state", sender.state), ("postalCode", sender.postcode)):
            if value:
                sub(addr, tag, text=value)
    for scheme, value in (("tel", sender.telephone), ("fax", sender.fax),
                          ("mailto", sender.email)):
        if value:
            sub(entity, "telecom", {"value": f"{scheme}:{value}"})
    if sender.title or sender.given_name or sender.family_name or sender.country:
        person = sub(entity, "assignedPerson", {"classCode": "PSN", "determinerCode": "INSTANCE"})
        if sender.title or sender.given_name or sender.family_name:
            name = sub(person, "name")
            for tag, value in (("prefix", sender.title), ("given", sender.given_name),
                               ("family", sender.family_name)):
                if value:
                    sub(name, tag, text=value)
        if sender.country:
            located = sub(person, "asLocatedEntity", {"classCode": "LOCE"})
            location = sub(located, "location",
                           {"classCode": "COUNTRY", "determinerCode": "INSTANCE"})
            sub(location, "code", {"code": sender.country, "codeSystem": k.COUNTRY_OID})
    if sender.organisation or sender.department:
        outer = sub(entity, "representedOrganization",
                    {"classCode": "ORG", "determinerCode": "INSTANCE"})
        if sender.department:
            sub(outer, "name", text=sender.department)
        if sender.organisation:
            inner = sub(outer, "assignedEntity", {"classCode": "ASSIGNED"})
            org = sub(inner, "representedOrganization",
                      {"classCode": "ORG", "determinerCode": "INSTANCE"})
            sub(org, "name", text=sender.organisation)
