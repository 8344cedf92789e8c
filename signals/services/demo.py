"""Demo content for the signals dashboard: the packaged FAERS sample plus runs over pv's own
cases and screened mentions. Called by the demo seed after its cases are confirmed."""

from __future__ import annotations

from pathlib import Path

from pv.core.exceptions import DomainError
from signals.models import ExternalDataset, SignalRun, Source
from signals.services.faers_import import faers_dataset_import
from signals.services.runs import signal_run_create, signal_run_execute

DATA = Path(__file__).resolve().parent.parent / "data" / "faers_ascii_sample"
DEMO_DATASET = "FAERS sample (2004Q1 legacy AERS + 2017Q2, 200 reports)"
DEMO_RUNS = (
    (Source.CASES, "ingredient", "pt"),
    (Source.CASES, "product", "pt"),
    (Source.CASES, "ingredient", "soc"),
    (Source.SOCIAL, "ingredient", "pt"),
    (Source.SOCIAL, "product", "pt"),
    (Source.FAERS, "ingredient", "pt"),
)


def signals_demo_seed(*, actor: str = "demo-seed") -> dict[str, str]:
    """Import the FAERS sample once and run each demo analysis in-process (the demo products'
    RSI, seeded by the demo from demo/data/rsi/, marks known pairs); returns
    "source/drug/event" -> run status (a source with no data yet gives "failed: ...")."""
    dataset = ExternalDataset.objects.filter(name=DEMO_DATASET).first()
    if dataset is None:
        dataset = faers_dataset_import(
            sources=[DATA / "2004q1_legacy_aers", DATA / "2017q2"], name=DEMO_DATASET, actor=actor
        )
    out = {}
    for source, drug_level, event_level in DEMO_RUNS:
        try:
            run = signal_run_create(
                source=source,
                drug_level=drug_level,
                event_level=event_level,
                trigger=SignalRun.Trigger.DEMO,
                dataset_ids=[dataset.id] if source == Source.FAERS else (),
                # The ingredient x PT runs also screen drug pairs (Omega), so the dashboard's
                # interaction section has something to show.
                interactions=drug_level == "ingredient" and event_level == "pt",
                enqueue=False,
            )
        except DomainError as exc:
            out[f"{source}/{drug_level}/{event_level}"] = f"failed: {exc.message}"
            continue
        done = signal_run_execute(run_id=run.id)
        status = done.status if done else "skipped"
        if done and done.error:
            status = f"{status}: {done.error}"
        out[f"{source}/{drug_level}/{event_level}"] = status
    return out
