"""E2B(R3) acknowledgements (MCCI_IN200101UV01): parse the receiver's ACK, build our own.

Batch code (ACK.A.4): AA all accepted, AE partly accepted (look at the messages), AR batch
rejected. Message code (ACK.B.r.6): CA accepted, CR rejected, with the receiver's error text
(FDA joins its errors with ";"). Paths: NOTES.md §6.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree

from . import constants as k
from .safexml import E2BParseError, parse_xml
from .timefmt import DateLike, format_ts, parse_ts
from .validate import schema
from .xmlutil import sub, typed

BATCH_CODES = frozenset({"AA", "AE", "AR"})
MESSAGE_CODES = frozenset({"CA", "CR"})


@dataclass
class MessageAck:
    """ACK.B.r: the receiver's verdict on one of our ICSRs."""

    message_id: str  # ACK.B.r.1: our N.2.r.1 / C.1.1
    code: str  # ACK.B.r.6: CA or CR
    error_text: str = ""  # ACK.B.r.7
    local_report_number: str = ""  # ACK.B.r.2: receiver's own number for the case
    message_created: DateLike | None = None  # ACK.B.r.5: our N.2.r.4

    @property
    def accepted(self) -> bool:
        return self.code == "CA"

    @property
    def errors(self) -> list[str]:
        return [part.strip() for part in self.error_text.split(";") if part.strip()]


@dataclass
class Ack:
    """ACK.M / ACK.A: the batch-level acknowledgement and its per-message parts."""

    batch_number: str  # ACK.A.1: our N.1.2
    code: str  # ACK.A.4: AA, AE or AR
    ack_id: str = ""  # ACK.M.1
    sender_id: str = ""  # ACK.M.2 (the receiver of our batch)
    receiver_id: str = ""  # ACK.M.3 (us)
    created_at: DateLike | None = None  # ACK.M.4
    local_message_number: str = ""  # ACK.A.2
    batch_transmitted: DateLike | None = None  # ACK.A.3: our N.1.5
    text: str = ""  # ACK.A.5
    messages: list[MessageAck] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.code == "AA"


def _xp(path: str):
    return etree.XPath(path, namespaces=k.XP_NS, smart_strings=False)


_FIRST = {}


def _get(el, path: str, attr: str = "") -> str:
    xpath = _FIRST.get(path)
    if xpath is None:
        xpath = _FIRST[path] = _xp(path)
    found = xpath(el)
    if not found:
        return ""
    return (found[0].get(attr) or "") if attr else "".join(found[0].itertext()).strip()


def parse_ack(data: bytes, *, validate_schema: bool = True) -> Ack:
    """Parse an ACK safely; schema-invalid ACKs are refused (their codes cannot be trusted)."""
    root = parse_xml(data)
    if etree.QName(root).localname != "MCCI_IN200101UV01":
        raise E2BParseError(f"expected an acknowledgement MCCI_IN200101UV01, got "
                            f"{etree.QName(root).localname}")
    if validate_schema and not schema("ack").validate(root):
        first = schema("ack").error_log[0]
        raise E2BParseError(f"acknowledgement fails the ICH schema: line {first.line}: "
                            f"{first.message}")
    code = _get(root, "h:acknowledgement", "typeCode")
    if code not in BATCH_CODES:
        raise E2BParseError(f"unknown batch acknowledgement code {code!r}")
    messages = []
    for node in _xp("h:MCCI_IN000002UV01")(root):
        message_code = _get(node, "h:acknowledgement", "typeCode")
        if message_code not in MESSAGE_CODES:
            raise E2BParseError(f"unknown message acknowledgement code {message_code!r}")
        created = _get(node, "h:attentionLine[h:keyWordText/@code='1']/h:value", "value")
        messages.append(MessageAck(
            message_id=_get(node, "h:acknowledgement/h:targetMessage/h:id", "extension"),
            code=message_code,
            error_text=_get(node, "h:acknowledgement/h:acknowledgementDetail/h:text"),
            local_report_number=_get(node, f"h:id[@root='{k.OID_ACK_LOCAL_REPORT}']",
                                     "extension"),
            message_created=parse_ts(created) if created else None,
        ))
    created = _get(root, "h:creationTime", "value")
    transmitted = _get(root, "h:attentionLine[h:keyWordText/@code='3']/h:value", "value")
    return Ack(
        batch_number=_get(root, "h:acknowledgement/h:targetBatch/h:id", "extension"),
        code=code,
        ack_id=_get(root, f"h:id[@root='{k.OID_ACK_BATCH_NO}']", "extension"),
        sender_id=_get(root, "h:sender/h:device/h:id", "extension"),
        receiver_id=_get(root, "h:receiver/h:device/h:id", "extension"),
        created_at=parse_ts(created) if created else None,
        local_message_number=_get(root, "h:attentionLine[h:keyWordText/@code='2']/h:value",
                                  "extension"),
        batch_transmitted=parse_ts(transmitted) if transmitted else None,
        text=_get(root, "h:acknowledgement/h:acknowledgementDetail/h:text"),
        messages=messages,
    )


def build_ack(ack: Ack) -> bytes:
    """Build an ACK (pv acknowledging a partner's batch, or a test receiver answering pv)."""
    created = format_ts(ack.created_at or datetime.now(UTC).replace(microsecond=0))
    root = etree.Element(f"{{{k.HL7_NS}}}MCCI_IN200101UV01", nsmap=k.NSMAP)
    root.set("ITSVersion", "XML_1.0")
    sub(root, "id", {"root": k.OID_ACK_BATCH_NO, "extension": ack.ack_id or ack.batch_number})
    sub(root, "creationTime", {"value": created})
    sub(root, "responseModeCode", {"code": "D"})
    sub(root, "interactionId", {"root": k.HL7_INTERACTION, "extension": "MCCI_IN200101UV01"})
    for message in ack.messages:
        _message_ack(root, message, ack, created)
    _device(root, "receiver", "RCV", k.OID_ACK_BATCH_RECEIVER, ack.receiver_id)
    _device(root, "sender", "SND", k.OID_ACK_BATCH_SENDER, ack.sender_id)
    line = _attention(root, "2", "acknowledgementLocalMessageNumber")
    typed(line, "value", "II", root=k.OID_ACK_LOCAL_MESSAGE,
          extension=ack.local_message_number or ack.ack_id or ack.batch_number)
    if ack.batch_transmitted is not None:
        line = _attention(root, "3", "dateOfIcsrBatchTransmission")
        typed(line, "value", "TS", value=format_ts(ack.batch_transmitted))
    element = sub(root, "acknowledgement", {"typeCode": ack.code})
    target = sub(element, "targetBatch")
    sub(target, "id", {"root": k.OID_BATCH_NO, "extension": ack.batch_number})
    if ack.text:
        sub(sub(element, "acknowledgementDetail"), "text", text=ack.text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _message_ack(root, message: MessageAck, ack: Ack, created: str) -> None:
    node = sub(root, "MCCI_IN000002UV01")
    sub(node, "id", {"root": k.OID_ACK_LOCAL_REPORT,
                     "extension": message.local_report_number or message.message_id})
    sub(node, "creationTime", {"value": created})
    sub(node, "interactionId", {"root": k.HL7_INTERACTION, "extension": "MCCI_IN000002UV01"})
    sub(node, "processingCode", {"code": "P"})
    sub(node, "processingModeCode", {"code": "T"})
    sub(node, "acceptAckCode", {"code": "NE"})
    _device(node, "receiver", "RCV", k.OID_ACK_MSG_RECEIVER, ack.receiver_id)
    _device(node, "sender", "SND", k.OID_ACK_MSG_SENDER, ack.sender_id)
    if message.message_created is not None:
        line = _attention(node, "1", "dateOfIcsrMessageCreation")
        typed(line, "value", "TS", value=format_ts(message.message_created))
    element = sub(node, "acknowledgement", {"typeCode": message.code})
    sub(sub(element, "targetMessage"), "id", {"root": k.OID_C_1_1,
                                              "extension": message.message_id})
    if message.error_text:
        sub(sub(element, "acknowledgementDetail"), "text", text=message.error_text)


def _device(parent, tag: str, type_code: str, root: str, extension: str) -> None:
    device = sub(sub(parent, tag, {"typeCode": type_code}), "device",
                 {"classCode": "DEV", "determinerCode": "INSTANCE"})
    sub(device, "id", {"root": root, "extension": extension})


def _attention(parent, code: str, display: str):
    line = sub(parent, "attentionLine")
    sub(line, "keyWordText", {"code": code, "codeSystem": k.CL_ACK_KEYWORD,
                              "codeSystemVersion": "1.0", "displayName": display})
    return line
