"""Benchmark: the partner-output path (allow-list walk + scrubbing), no database.

    taskset -c 1 .venv/bin/python benchmarks/partner_output.py [--n 2000] [--repeat 5]

Prints per-second figures for: a case as the API gives it (CaseOutput-shaped dict: 3 drugs,
2 reactions, a ~1,500-character narrative, history) walked with the case API's safe paths;
the ICSR snapshot of the E2B benchmark walked with E2B_SAFE; and, for scale, one scrub_text
call over the narrative alone. The member's own values are passed as the scrubber would get
them from the vault.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.e2b_build_validate import make_case  # noqa: E402
from pv.privacy.scrub import scrub_text  # noqa: E402
from pv.privacy.tree import scrub_tree  # noqa: E402

VALUES = ("Zebulon Quixotewright", "zebulon.quixotewright@example.org", "+1 555 0199 7731")
NARRATIVE = (
    "A 48-year-old female patient (online community member, consumer) reported insomnia, "
    "headache and nausea while taking Zoloft 50 mg once daily, started 2024-01-15 for "
    "depression. She wrote that she could not sleep for more than two hours a night and that "
    "the headache came back each time she restarted the tablets. "
) * 4


def api_case(number: int) -> dict:
    drug = {
        "role": "suspect",
        "name_reported": "Zoloft",
        "ingredients": [{"name": "sertraline", "code": "36437", "dictionary": "RxNorm"}],
        "dose_text": "50 mg once daily",
        "route": "oral",
        "start_date": "2024-01-15",
        "stop_date": None,
        "action_taken": "1",
        "indication_reported": "depression",
    }
    reaction = {
        "reported_term": "could not sleep",
        "code": "10022437",
        "term": "Insomnia",
        "pt_code": "10022437",
        "pt": "Insomnia",
        "soc": "Psychiatric disorders",
        "terminology": "MedDRA",
        "terminology_version": "27.0",
        "onset_date": "2024-01-20",
        "duration": "",
        "outcome": "3",
    }
    return {
        "id": f"00000000-0000-0000-0000-{number:012d}",
        "worldwide_case_id": f"US-PV-{number:08d}",
        "sender_report_id": f"US-PV-{number:08d}",
        "version": 1,
        "status": "open",
        "received_at": "2026-10-01T10:00:00Z",
        "member": "P0123456789ABCDEF",
        "patient_age": "48.0",
        "patient_sex": "F",
        "medical_history": ["asthma", "migraine"],
        "seriousness_criteria": ["hospitalisation"],
        "narrative": NARRATIVE,
        "drugs": [drug, {**drug, "name_reported": "ibuprofen"}, {**drug, "role": "concomitant"}],
        "reactions": [reaction, {**reaction, "reported_term": "headache"}],
    }


def rate(fn, items, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            fn(item)
        runs.append(len(items) / (time.perf_counter() - start))
    return statistics.median(runs), max(runs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from pv.apis.cases import CaseOutput  # noqa: PLC0415 (needs Django settings)
    from submissions.snapshots import E2B_SAFE  # noqa: PLC0415

    def scrub(text: str) -> str:
        return scrub_text(text, VALUES)

    cases = [api_case(i) for i in range(args.n)]
    snapshots = [make_case(i) for i in range(args.n)]
    figures = {
        "API case, allow-list walk": rate(
            lambda c: scrub_tree(c, scrub=scrub, safe=CaseOutput.partner_safe), cases, args.repeat
        ),
        "ICSR snapshot, allow-list walk": rate(
            lambda s: scrub_tree(s, scrub=scrub, safe=E2B_SAFE), snapshots, args.repeat
        ),
        "narrative alone, one scrub_text": rate(
            lambda c: scrub(c["narrative"]), cases, args.repeat
        ),
    }
    for label, (median, best) in figures.items():
        print(f"{label:34s} median {median:9,.0f}/s  best {best:9,.0f}/s")
    return 0


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pv.settings.test")
    django.setup()
    raise SystemExit(main())
