"""Benchmark: build + validate (XSD and `ich` + `fda` business rules) of E2B(R3) ICSRs.

Run on one core:
    taskset -c 1 .venv/bin/python benchmarks/e2b_build_validate.py [--n 1000] [--repeat 5]
Prints ICSRs per second for build alone, validate alone and build + validate. Each ICSR is a
realistic pv case (2 reactions, 3 drugs with dosage, indication and relatedness, medical history,
FDA regional elements) in its own batch, which is how pv sends them.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lxml import etree  # noqa: E402

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


def make_minimal_case(number: int) -> CaseSnapshot:
    """The smallest case pv sends: one coded reaction, one suspect drug, masked identities."""
    case = make_case(number)
    case.reactions = case.reactions[:1]
    case.drugs = [Drug(name="Amoxil 500", role=DrugRole.SUSPECT,
                       relatedness=[Relatedness(case.reactions[0].id, "related")])]
    case.patient.medical_history = []
    return case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--minimal", action="store_true",
                        help="one reaction and one drug instead of the rich default case")
    parser.add_argument("--profile", default="fda", choices=("ich", "fda", "ema"))
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    header = BatchHeader(batch_number="BENCH", sender_id="PVPLATFORM", receiver_id="ZZFDA",
                         message_receiver_id="CDER",
                         created_at=datetime(2025, 1, 10, 12, 0, 1, tzinfo=UTC))
    factory = make_minimal_case if args.minimal else make_case
    cases = [factory(i) for i in range(args.n)]
    schema("icsr")  # loaded once per process; not part of the per-ICSR cost
    # The n prepared snapshots are benchmark scaffolding a worker would not hold: keep the
    # cyclic GC from rescanning them on every collection.
    gc.collect()
    gc.freeze()
    assert not errors(validate(build_batch_tree(header, cases[:1]), args.profile))

    # The machine is shared (2 cores, other jobs running): repeat and keep the best round,
    # as timeit does, and show the median so the noise is visible.
    # Wall time and this process's CPU time: on a busy machine the CPU figure is the one that
    # says what a core can do (wall time also counts waiting for the core).
    rounds = {"build": [], "validate": [], "pipeline": []}
    cpu = {"build": [], "validate": [], "pipeline": []}
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        trees = [build_batch_tree(header, [case]) for case in cases]
        rounds["build"].append(time.perf_counter() - start)
        cpu["build"].append(time.process_time() - start_cpu)
        start, start_cpu = time.perf_counter(), time.process_time()
        failures = sum(len(errors(validate(tree, args.profile))) for tree in trees)
        rounds["validate"].append(time.perf_counter() - start)
        cpu["validate"].append(time.process_time() - start_cpu)
        assert failures == 0, f"{failures} validation errors"
        del trees
        # What a Celery worker does per submission: build one ICSR, validate it, move on.
        start, start_cpu = time.perf_counter(), time.process_time()
        for case in cases:
            assert not errors(validate(build_batch_tree(header, [case]), args.profile))
        rounds["pipeline"].append(time.perf_counter() - start)
        cpu["pipeline"].append(time.process_time() - start_cpu)

    print(f"python {platform.python_version()}, lxml {etree.__version__}, "
          f"{platform.machine()}, one core, n={args.n} x {args.repeat} rounds, "
          f"profile={args.profile}, case={'minimal' if args.minimal else 'rich'}")
    layers = "XSD + ich" + ("" if args.profile == "ich" else f" + {args.profile}")
    for label, key in (("build", "build"), (f"validate ({layers})", "validate"),
                       ("build + validate, per ICSR", "pipeline")):
        best, median = min(rounds[key]), statistics.median(rounds[key])
        cpu_best, cpu_median = min(cpu[key]), statistics.median(cpu[key])
        print(f"{label:32s} best {args.n / best:7.0f} ICSRs/s   median {args.n / median:7.0f}"
              f"   | CPU time: best {args.n / cpu_best:7.0f}   median {args.n / cpu_median:7.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
