"""Demo content for the signals dashboard: the packaged FAERS sample plus runs over pv's own
cases and screened mentions. Called by the demo seed after its cases are confirmed."""

from __future__ import annotations

from pathlib import Path

from coding.nlp.dictionaries import default_events
from pv.core.exceptions import DomainError
from pv.models import Product
from pv.services.rsi import reference_term_add
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


# The demo products' reference safety information: a few very common / common reactions their
# public labels list (SmPC 4.8 / USPI), so the dashboard shows known pairs de-prioritised. Terms
# are resolved to the open terminology's preferred terms (and codes) when the demo seeds.
_SSRI_RSI = ("nausea", "insomnia", "headache", "dizziness", "somnolence", "diarrhea",
             "dry mouth", "hyperhidrosis", "fatigue", "tremor", "weight gain")
_STATIN_RSI = ("myalgia", "arthralgia", "muscle cramps", "headache", "nausea", "diarrhea")
_NSAID_RSI = ("abdominal pain", "dyspepsia", "nausea", "diarrhea", "dizziness", "rash", "edema",
              "heartburn")
DEMO_RSI = {
    "escitalopram": _SSRI_RSI, "sertraline": _SSRI_RSI, "duloxetine": _SSRI_RSI,
    "bupropion": ("insomnia", "headache", "dry mouth", "nausea", "dizziness", "tremor"),
    "atorvastatin": _STATIN_RSI, "simvastatin": _STATIN_RSI, "rosuvastatin": _STATIN_RSI,
    "metformin": ("nausea", "diarrhea", "abdominal pain", "vomiting", "dysgeusia"),
    "sitagliptin": ("headache", "nausea", "arthralgia"),
    "diclofenac": _NSAID_RSI, "ibuprofen": _NSAID_RSI, "celecoxib": _NSAID_RSI,
    "sumatriptan": ("dizziness", "somnolence", "fatigue", "nausea", "paresthesia"),
}  # fmt: skip


def demo_rsi_seed(*, actor: str = "demo-seed") -> int:
    """Each demo product's expected terms (idempotent, audited like a reviewer's entry)."""
    events = default_events()
    added = 0
    for product in Product.objects.order_by("name"):
        terms = []
        for ingredient in product.ingredients or []:
            terms.extend(DEMO_RSI.get(str(ingredient).lower(), ()))
        for text in dict.fromkeys(terms):
            hit = events.llts.get(text)
            if not hit:
                continue
            code = hit[0]
            reference_term_add(
                actor=actor, product=product, term=events.names.get(code, text), code=code,
                terminology="pv-open", source="Demo: product label, common reactions",
            )  # fmt: skip
            added += 1
    return added


def signals_demo_seed(*, actor: str = "demo-seed") -> dict[str, str]:
    """Import the FAERS sample once, give the demo products their RSI, and run each demo
    analysis in-process; returns "source/drug/event" -> run status (a source with no data yet
    gives "failed: ...")."""
    demo_rsi_seed(actor=actor)
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
