"""Prioritising drug-event pairs: a documented, vigiRank-style score (pure; no Django).

Disproportionality alone ranks noise high (a pair at N = 3 with a wide interval, a known
reaction, a poorly documented cluster). Following vigiRank (Caster, Juhlin, Watson, Norén,
Drug Saf 2014;37:617-628), the score combines several strength-of-evidence aspects, each scaled
to [0, 1], in a weighted sum rescaled to 0-10 over the aspects the source can provide:

==================  ======  ==========================================================
component           weight  value in [0, 1]
==================  ======  ==========================================================
disproportionality  3.0     log2(L) / 3 clipped to [0, 1]; L is the lower bound of the
                            run's signal measure (EB05, PRR or ROR 2.5 %, or 2^IC025):
                            L = 1 -> 0, L = 2 -> 1/3, L >= 8 -> 1
designated event    2.0     1 if the event is on pv's designated-medical-event list
seriousness         1.5     share of the pair's reports that are serious
recency             1.0     share of the pair's reports received in the run's last quarter
completeness        1.0     share of well-documented reports (vigiGrade >= 0.8)
dechallenge         1.0     share of reports with a positive dechallenge
spread              0.5     countries: 1 -> 0, 2 -> 0.5, 3 or more -> 1
==================  ======  ==========================================================

``score = 10 * sum(w * x) / sum(w over available components)``. A component the source cannot
give (social listening carries no seriousness, completeness or dechallenge; legacy AERS no
country) is ``None`` and leaves the denominator, so every source scores on 0-10 and pairs of
one run are always compared on the same components. A **known** (listed) pair, one the
reference safety information lists for the drug, keeps its components but is multiplied by
``KNOWN_FACTOR`` (0.5): shown and labelled, ranked below unknown pairs of similar evidence.

The weights are pv's judgement, not vigiRank's fitted coefficients: disproportionality is the
screening evidence itself; a designated medical event is serious and often drug-related whatever
its count; seriousness, recency, documentation and dechallenge each add case-level evidence;
geographic spread guards against one reporter or one cluster.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

WEIGHTS: dict[str, float] = {
    "disproportionality": 3.0,
    "designated_event": 2.0,
    "seriousness": 1.5,
    "recency": 1.0,
    "completeness": 1.0,
    "dechallenge": 1.0,
    "spread": 0.5,
}
COMPONENTS = tuple(WEIGHTS)
KNOWN_FACTOR = 0.5
WELL_DOCUMENTED = 0.8

# vigiGrade completeness (Bergvall, Norén, Lindquist, Drug Saf 2014;37:65-77): a report starts
# at 1 and each missing dimension multiplies it by its penalty factor.
VIGIGRADE_PENALTIES: dict[str, float] = {
    "time_to_onset": 0.5,
    "indication": 0.7,
    "outcome": 0.7,
    "sex": 0.7,
    "age": 0.7,
    "dose": 0.9,
    "country": 0.9,
    "reporter": 0.9,
    "report_type": 0.9,
    "free_text": 0.9,
}


def completeness(present: Mapping[str, bool]) -> float:
    """vigiGrade completeness of one report: the product of the penalties of what is missing."""
    unknown = set(present) - set(VIGIGRADE_PENALTIES)
    if unknown:
        raise ValueError(f"unknown completeness dimension(s): {', '.join(sorted(unknown))}")
    score = 1.0
    for name, factor in VIGIGRADE_PENALTIES.items():
        if not present.get(name, False):
            score *= factor
    return score


# --- designated medical events ------------------------------------------------------------
# pv's own short list of designated-medical-event *concepts*: rare, serious and often
# drug-related, so one report deserves attention. No MedDRA list ships with pv. Each concept
# names the codes it has in pv's open terminology (HPO-derived, coding/nlp/data/events.json.gz;
# checked by a test against the loader) and the preferred-term names a MedDRA-coded source uses
# (FAERS, imported ICSRs); events are matched by name with case and punctuation ignored, so the
# list works with the open terminology and with a loaded MedDRA release alike.
DESIGNATED_EVENTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Hepatic failure", ("HP:0001399", "HP:0006554", "HP:0004448", "HP:0002605", "HP:0004787"),
     ("Hepatic failure", "Acute hepatic failure", "Hepatic necrosis", "Hepatitis fulminant")),
    ("Stevens-Johnson syndrome / toxic epidermal necrolysis", (),
     ("Stevens-Johnson syndrome", "Toxic epidermal necrolysis")),
    ("Drug reaction with eosinophilia and systemic symptoms", (),
     ("Drug reaction with eosinophilia and systemic symptoms",)),
    ("Erythema multiforme", (), ("Erythema multiforme",)),
    ("Agranulocytosis", ("HP:0012234", "HP:0012235"), ("Agranulocytosis",)),
    ("Aplastic anaemia", ("HP:0001915",), ("Aplastic anaemia",)),
    ("Pure red cell aplasia", ("HP:0012410",), ("Aplasia pure red cell",)),
    ("Haemolytic anaemia", ("HP:0001878",), ("Haemolytic anaemia",)),
    ("Bone marrow failure", (), ("Bone marrow failure",)),
    ("Thrombotic thrombocytopenic purpura", (), ("Thrombotic thrombocytopenic purpura",)),
    ("Anaphylaxis", ("HP:0100845", "HP:0410149"),
     ("Anaphylactic reaction", "Anaphylactic shock")),
    ("Angioedema", ("HP:0100665",), ("Angioedema",)),
    ("Torsade de pointes", ("HP:0001664",), ("Torsade de pointes",)),
    ("Ventricular fibrillation", ("HP:0001663",), ("Ventricular fibrillation",)),
    ("Sudden death", ("HP:0001699",), ("Sudden death", "Sudden cardiac death")),
    ("Rhabdomyolysis", ("HP:0003201", "HP:0008942"), ("Rhabdomyolysis",)),
    ("Acute kidney injury", ("HP:0001919",), ("Acute kidney injury", "Renal failure acute")),
    ("Acute pancreatitis", ("HP:0001735",), ("Pancreatitis acute", "Pancreatitis necrotising")),
    ("Pulmonary fibrosis / interstitial lung disease", ("HP:0002206",),
     ("Pulmonary fibrosis", "Interstitial lung disease")),
    ("Neuroleptic malignant syndrome", (), ("Neuroleptic malignant syndrome",)),
    ("Progressive multifocal leukoencephalopathy", (),
     ("Progressive multifocal leukoencephalopathy",)),
    ("Optic neuritis", ("HP:0100653",), ("Optic neuritis",)),
)  # fmt: skip


def name_key(text: str) -> str:
    """Case, spacing and punctuation ignored (as the RSI's ``term_key``)."""
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def designated_event_index(code_names: Mapping[str, str]) -> dict[str, str]:
    """{name key: concept} for every name of every concept: the MedDRA-style names plus the
    open terminology's names of its codes (``code_names``: code -> name, from coding)."""
    index: dict[str, str] = {}
    for concept, codes, names in DESIGNATED_EVENTS:
        for name in (*names, *(code_names[c] for c in codes if c in code_names)):
            index[name_key(name)] = concept
    return index


# --- the score ------------------------------------------------------------------------------


def _share(part: pd.Series | None, n: pd.Series) -> pd.Series | None:
    if part is None:
        return None
    return (part.astype(float) / n.where(n > 0)).clip(0.0, 1.0)


def disproportionality(lower: Iterable[float]) -> np.ndarray:
    """log2(L) / 3 clipped to [0, 1]; a missing lower bound (NaN) scores 0, +Inf scores 1."""
    values = np.asarray(lower, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log2(values) / 3.0
    return np.clip(np.nan_to_num(out, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)


def priority_table(pairs: pd.DataFrame) -> pd.DataFrame:
    """Components and base score (before listedness) for each pair.

    ``pairs`` columns: ``n``, ``lower`` (the signal measure's lower bound on the ratio scale),
    ``designated`` (bool or None), and optional counts ``n_recent``, ``n_serious``,
    ``n_complete``, ``n_dechallenge`` and ``countries`` (a column that is absent, or all
    missing, makes its component unavailable). Returns the components (NaN = unavailable) and
    ``priority_base`` in 0-10, indexed like ``pairs``."""
    n = pairs["n"].astype(float)
    cols = {
        "disproportionality": pd.Series(disproportionality(pairs["lower"]), index=pairs.index),
        "designated_event": (
            pairs["designated"].astype(float) if "designated" in pairs else None
        ),
        "seriousness": _share(pairs.get("n_serious"), n),
        "recency": _share(pairs.get("n_recent"), n),
        "completeness": _share(pairs.get("n_complete"), n),
        "dechallenge": _share(pairs.get("n_dechallenge"), n),
        "spread": (
            ((pairs["countries"].astype(float) - 1.0).clip(0.0, 2.0) / 2.0)
            if "countries" in pairs
            else None
        ),
    }
    out = pd.DataFrame(index=pairs.index)
    weighted = pd.Series(0.0, index=pairs.index)
    available = pd.Series(0.0, index=pairs.index)
    for name in COMPONENTS:
        col = cols[name]
        if col is None or col.isna().all():
            out[name] = np.nan
            continue
        col = col.astype(float)
        out[name] = col
        has = col.notna()
        weighted += col.fillna(0.0) * WEIGHTS[name]
        available += has * WEIGHTS[name]
    out["priority_base"] = (10.0 * weighted / available.where(available > 0)).fillna(0.0)
    return out


def priority(base: float | None, *, known: bool) -> float | None:
    """The ranked score: the base, halved for a known (listed) pair."""
    if base is None or (isinstance(base, float) and math.isnan(base)):
        return None
    return base * KNOWN_FACTOR if known else base
