"""Benchmark: build + validate (XSD and `ich` + `fda` business rules) of E2B(R3) ICSRs.

Run on one core:  .venv/bin/python benchmarks/e2b_build_validate.py [--n 2000] [--profile fda]
Prints ICSRs per second for build alone, validate alone and build + validate. Each ICSR is a
realistic pv case (2 reactions, 3 drugs with dosage, indication and relatedness, medical history,
FDA regional elements) in its own batch, which is how pv sends them.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from submissions.e2b.build import build_batch_tree  # noqa: E402
from submissions.e2b.constants import EDQM_ROUTE_OID, MEDDRA_OID  # noqa: E402
from submissions.e2b.snapshot import (  # noqa: E402
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
    Patient,
    PrimarySource,
    Quantity,
    Reaction,
    Relatedness,
    Sender,
)
from submissions.e2b.validate import errors, schema, validate  # noqa: E402


def make_case(number: int) -> CaseSnapshot:
    rash = Reaction(reported_term="itchy rash all over, Jane Doe here", reported_language="eng",
                    term=Code("10037844", MEDDRA_OID, "27.0"), onset=date(2025, 1, 2),
                    seriousness=frozenset({"hospitalisation"}), outcome=Outcome.RECOVERING)
    nausea = Reaction(reported_term="felt sick", reported_language="eng",
                      term=Code("10028813", MEDDRA_OID, "27.0"), outcome=Outcome.RECOVERED)
    suspect = Drug(
        name="Amoxil 500", role=DrugRole.SUSPECT, ingredients=[Ingredient("amoxicillin")],
        dosages=[Dosage(dose=Quantity(500, "mg"), interval=Quantity(8, "h"),
                        start=date(2024, 12, 30), end=date(2025, 1, 3),
                        route=Code("20053000", EDQM_ROUTE_OID, "2.2"), route_text="oral")],
        indications=[Indication("chest infection", Code("10008479", MEDDRA_OID, "27.0"))],
        action_taken="1",
        relatedness=[Relatedness(rash.id, "related", "primary source reporter", "global")],
    )
    concomitant = [Drug(name=name, role=DrugRole.CONCOMITANT)
                   for name in ("paracetamol", "salbutamol")]
    return CaseSnapshot(
        safety_report_id=f"GB-PVPLATFORM-{number:08d}",
        created_at=datetime(2025, 1, 10, 12, 0, 0, tzinfo=UTC),
        first_received=date(2025, 1, 9), most_recent=date(2025, 1, 9), expedited=True,
        primary_sources=[PrimarySource(country="GB")],
        sender=Sender(type="6", organisation="pv platform", department="Safety", title="Dr",
                      given_name="Sam", family_name="Safety", street="1 Platform Way",
                      city="London", state="London", postcode="N1 1AA", country="GB",
                      telephone="+442000000000", fax="+442000000001", email="safety@pv.example"),
        patient=Patient(age=Quantity(34, "a"), sex="2", weight_kg=Decimal("70.5"),
                        medical_history=[MedicalHistory(Code("10003553", MEDDRA_OID, "27.0"),
                                                        continuing=True)],
                        medical_history_text="Asthma since childhood."),
        reactions=[rash, nausea], drugs=[suspect, *concomitant],
        narrative="Member reported an itchy rash and nausea after starting Amoxil 500.",
        reporter_comments="I think it was the antibiotic.",
        fda=FdaRegional(local_report_type="1"),
        restricted_values=("Jane Doe", "jane.doe@example.org", "+44 20 7946 0958"),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--profile", default="fda", choices=("ich", "fda", "ema"))
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    header = BatchHeader(batch_number="BENCH", sender_id="PVPLATFORM", receiver_id="ZZFDA",
                         message_receiver_id="CDER",
                         created_at=datetime(2025, 1, 10, 12, 0, 1, tzinfo=UTC))
    cases = [make_case(i) for i in range(args.n)]
    schema("icsr")  # loaded once per process; not part of the per-ICSR cost
    assert not errors(validate(build_batch_tree(header, cases[:1]), args.profile))

    start = time.perf_counter()
    trees = [build_batch_tree(header, [case]) for case in cases]
    built = time.perf_counter()
    failures = sum(len(errors(validate(tree, args.profile))) for tree in trees)
    done = time.perf_counter()
    assert failures == 0, f"{failures} validation errors"

    build_s, validate_s = built - start, done - built
    print(f"python {platform.python_version()}, lxml, {platform.machine()}, one core, "
          f"n={args.n}, profile={args.profile}")
    print(f"build:            {args.n / build_s:8.0f} ICSRs/s")
    print(f"validate:         {args.n / validate_s:8.0f} ICSRs/s (XSD + ich + {args.profile})")
    print(f"build + validate: {args.n / (build_s + validate_s):8.0f} ICSRs/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
