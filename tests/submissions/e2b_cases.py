"""Shared builders for the E2B tests: a realistic pv case with privacy canaries everywhere."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from submissions.e2b.constants import EDQM_ROUTE_OID, MEDDRA_OID
from submissions.e2b.snapshot import (
    ActionTaken,
    BatchHeader,
    CaseSnapshot,
    Code,
    Dosage,
    Drug,
    DrugRole,
    FdaRegional,
    Indication,
    Ingredient,
    MedicalHistory,
    Outcome,
    PastDrug,
    Patient,
    PrimarySource,
    Quantity,
    Reaction,
    Relatedness,
    Sender,
)

CANARY_NAME = "Zebulon Quaxley"
CANARY_EMAIL = "zeb.quaxley@canary-mail.example"
CANARY_PHONE = "+44 7700 900123"
CANARIES = (CANARY_NAME, CANARY_EMAIL, CANARY_PHONE)
# What must never appear in any XML, in any spelling the member might use.
CANARY_NEEDLES = ("zebulon", "quaxley", "canary-mail", "7700900123", "7700 900123")
CONTACT = f"{CANARY_NAME} ({CANARY_EMAIL}, {CANARY_PHONE}) or zebulon.quaxley at 07700-900-123"


def shared_dir() -> Path:
    """The tests' shipped reference data, ``tests/data`` (laid out like the shared folder)."""
    return Path(__file__).resolve().parents[1] / "data"


def fda_examples() -> list[Path]:
    """FDA's ten example ICSRs (tests/data/e2b/SOURCE.md); missing files fail, never skip."""
    folder = shared_dir() / "e2b" / "examples" / "fda" / "icsr"
    files = sorted(folder.glob("*.xml"))
    if len(files) != 10:
        raise FileNotFoundError(f"expected FDA's 10 example ICSRs in {folder}: {len(files)}")
    return files


def fda_acks() -> dict[str, Path]:
    """FDA's positive and negative example ACKs, by file stem."""
    folder = shared_dir() / "e2b" / "examples" / "fda" / "ack"
    files = {p.stem: p for p in folder.glob("*.ack")}
    if len(files) != 2:
        raise FileNotFoundError(f"expected FDA's 2 example ACKs under {folder}, found {len(files)}")
    return files


def header(receiver: str = "ZZFDA", centre: str = "CDER") -> BatchHeader:
    return BatchHeader(batch_number="PV-BATCH-1", sender_id="PVPLATFORM", receiver_id=receiver,
                       message_receiver_id=centre,
                       created_at=datetime(2025, 1, 10, 12, 0, 1, tzinfo=UTC))


def make_case(*, free_text: str = CONTACT, **changes) -> CaseSnapshot:
    """A case where every free-text field a member can influence carries the canaries."""
    rash = Reaction(
        reported_term=f"rash, ask {free_text}", reported_language="eng",
        term=Code("10037844", MEDDRA_OID, "27.0", "Rash"), translation=f"rash {free_text}",
        onset=date(2025, 1, 2), end=date(2025, 1, 9),
        seriousness=frozenset({"hospitalisation"}), outcome=Outcome.RECOVERED, country="GB",
    )
    suspect = Drug(
        name=f"Amoxil from {free_text}", role=DrugRole.SUSPECT,
        ingredients=[Ingredient("amoxicillin", strength=Quantity(500, "mg"))],
        dosages=[Dosage(dose=Quantity(500, "mg"), interval=Quantity(8, "h"),
                        start=date(2024, 12, 30), end=date(2025, 1, 3),
                        route=Code("20053000", EDQM_ROUTE_OID, "2.2"), route_text="oral",
                        text=f"three a day {free_text}", batch_lot="LOT42")],
        indications=[Indication(f"chest infection {free_text}",
                                Code("10008479", MEDDRA_OID, "27.0"))],
        action_taken=ActionTaken.WITHDRAWN,
        # G.k.9.i.2.r.3 holds at most 60 characters (ICH); the validator rejects longer results
        relatedness=[Relatedness(rash.id, f"related {free_text}"[:60], "reporter",
                                 "introspection")],
        additional_info=f"bought online {free_text}",
    )
    base = {
        "safety_report_id": "GB-PVPLATFORM-000123",
        "created_at": datetime(2025, 1, 10, 12, 0, 0, tzinfo=UTC),
        "first_received": date(2025, 1, 9), "most_recent": date(2025, 1, 9), "expedited": True,
        "primary_sources": [PrimarySource(country="GB")],
        "sender": Sender(type="6", organisation="pv platform", department="Safety",
                         title="Dr", given_name="Sam", family_name="Safety",
                         street="1 Platform Way", city="London", state="London",
                         postcode="N1 1AA", country="GB", telephone="+442000000000",
                         fax="+442000000001", email="safety@pv.example"),
        "patient": Patient(
            age=Quantity(34, "a"), age_group="5", sex="2", weight_kg=Decimal("70.5"),
            medical_history=[MedicalHistory(Code("10003553", MEDDRA_OID, "27.0"),
                                            continuing=True, comments=f"asthma {free_text}")],
            medical_history_text=f"Asthma. {free_text}",
            past_drugs=[PastDrug(f"ibuprofen {free_text}",
                                 reaction=Code("10020751", MEDDRA_OID, "27.0"))],
        ),
        "reactions": [rash],
        "drugs": [suspect, Drug(name="paracetamol", role=DrugRole.CONCOMITANT)],
        "narrative": f"{free_text} developed a rash after amoxicillin.",
        "reporter_comments": f"I am {free_text}",
        "sender_comments": "Consistent with the label.",
        "fda": FdaRegional(local_report_type="1"),
        "restricted_values": CANARIES,
    }
    base.update(changes)
    return CaseSnapshot(**base)
