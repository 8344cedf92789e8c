"""Pure E2B(R3) core: build, validate and parse ICSRs and ACKs (lxml only, no Django).

The Django service maps a Case version onto `CaseSnapshot` (snapshot.py) and calls:

    xml = build_icsr(snapshot, BatchHeader(sender_id=..., receiver_id="ZZFDA",
                                           message_receiver_id="CDER"))
    failures = errors(validate(xml, "fda"))          # [] means it may be sent
    ack = parse_ack(response_body)                   # AA/AE/AR, per-message CA/CR + text
    batch = parse_batch(incoming_xml)                # import: ParsedBatch(header, cases)
    check_successor(previous_snapshot, snapshot)     # version rules (C.1.8.1, C.1.5, C.1.11)
"""

from .ack import Ack, MessageAck, build_ack, parse_ack
from .build import build_batch, build_batch_tree, build_icsr, build_message
from .narrative import generate_narrative
from .parse import ParsedBatch, parse_batch, parse_icsr
from .safexml import MAX_BYTES, E2BParseError, parse_xml
from .snapshot import (
    SERIOUSNESS_CRITERIA,
    ActionTaken,
    BatchHeader,
    CaseSnapshot,
    Code,
    CodedTerm,
    Death,
    Dosage,
    Drug,
    DrugRole,
    FdaRegional,
    Indication,
    Ingredient,
    MedicalHistory,
    Nullification,
    Outcome,
    PastDrug,
    Patient,
    PrimarySource,
    Qualification,
    Quantity,
    Reaction,
    Relatedness,
    Sender,
    Study,
    StudyRegistration,
)
from .validate import PROFILES, Failure, errors, validate
from .versions import amendment, check_initial, check_successor, follow_up, nullification

__all__ = [
    "MAX_BYTES", "PROFILES", "SERIOUSNESS_CRITERIA", "Ack", "ActionTaken", "BatchHeader",
    "CaseSnapshot", "Code", "CodedTerm", "Death", "Dosage", "Drug", "DrugRole", "E2BParseError",
    "Failure",
    "FdaRegional", "Indication", "Ingredient", "MedicalHistory", "MessageAck", "Nullification",
    "Outcome", "ParsedBatch", "PastDrug", "Patient", "PrimarySource", "Qualification",
    "Quantity", "Reaction", "Relatedness", "Sender", "Study", "StudyRegistration", "amendment",
    "build_ack", "build_batch",
    "build_batch_tree", "build_icsr", "build_message", "check_initial", "check_successor",
    "errors", "follow_up", "generate_narrative", "nullification", "parse_ack", "parse_batch",
    "parse_icsr", "parse_xml", "validate",
]
