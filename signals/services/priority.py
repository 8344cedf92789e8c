"""The inputs of the priority score for a run's latest quarter, and the score itself.

The formula and weights are the pure core's (`signals.stats.priority`); this module gathers
what each component needs while the run's facts are still in the database:

* recency and spread from the facts (SQL: distinct reports of the pair in the last quarter,
  distinct countries), for every source;
* seriousness, completeness (vigiGrade) and positive dechallenge from pv's own cases, for the
  `cases` source (case-level attributes joined to the pair's reports in Python);
* the same three from the facts for FAERS, whose import stores them on each row (OUTC, the
  reader's vigiGrade completeness, DRUG ``dechal``; `signals.faers`). A FAERS component none of
  the run's facts records (no OUTC file, no ``dechal`` column, no country in legacy AERS) is
  unavailable; where some reports record it, one that does not counts as not serious / no
  dechallenge / no country;
* the designated-medical-event flag from the event name (PT level only).

The score before listedness is stored on the latest `SignalResult` rows; listedness comes from
the RSI when the rows are read (`signals.selectors`), so a term a reviewer adds to a label
de-prioritises its pairs at once, without a new run.
"""

from __future__ import annotations

import functools
from collections import defaultdict

import numpy as np
import pandas as pd
from django.db.models import Count, Q, QuerySet

from coding.nlp.dictionaries import default_events
from pv.core.models import SERIOUSNESS_FIELDS
from pv.models import Case, CaseDrug, CaseReaction, Product
from signals.models import EventLevel, SignalRun, Source
from signals.services.facts import event_path
from signals.services.grouping import Grouping
from signals.stats import roll_up
from signals.stats.priority import (
    COMPONENTS,
    WEIGHTS,
    WELL_DOCUMENTED,
    completeness,
    designated_event_index,
    name_key,
    priority_table,
)

# The lower bound each signal measure is judged on, on the ratio scale.
LOWER_BOUND = {"ebgm": "eb05", "prr": "prr_lower95", "ror": "ror_lower95", "ic": "ic025"}
_RECOVERED = {
    CaseReaction.Outcome.RECOVERED,
    CaseReaction.Outcome.RECOVERING,
    CaseReaction.Outcome.SEQUELAE,
}
_DECHALLENGE_ACTIONS = {CaseDrug.ActionTaken.WITHDRAWN, CaseDrug.ActionTaken.DOSE_REDUCED}


@functools.cache
def designated_events() -> dict[str, str]:
    """{event name key: designated-medical-event concept}, open names resolved through coding."""
    return designated_event_index(default_events().names)


def designated_concept(event: str) -> str:
    return designated_events().get(name_key(event), "")


def _lower_bound(table: pd.DataFrame, measure: str) -> np.ndarray:
    values = table[LOWER_BOUND[measure]].to_numpy(np.float64)
    return np.exp2(values) if measure == "ic" else values


# Report attributes FAERS facts carry (name -> the row condition counted per pair).
_FACT_ATTRIBUTES = {
    "n_serious": Q(serious=True),
    "n_complete": Q(completeness__gte=WELL_DOCUMENTED),
    "n_dechallenge": Q(dechallenge=True),
}


def _fact_counts(
    facts: QuerySet, drug_col: str, event_col: str, latest: str, attributes: bool = False
) -> pd.DataFrame:
    """Per pair: reports in the last quarter, countries, and with ``attributes`` the serious,
    well-documented and positive-dechallenge reports."""
    extra = (
        {k: Count("report_key", distinct=True, filter=q) for k, q in _FACT_ATTRIBUTES.items()}
        if attributes
        else {}
    )
    rows = (
        facts.exclude(**{drug_col: ""})
        .exclude(**{event_col: ""})
        .values_list(drug_col, event_col)
        .annotate(
            n_recent=Count("report_key", distinct=True, filter=Q(period=latest)),
            countries=Count("country", distinct=True, filter=~Q(country="")),
            **extra,
        )
        .order_by()
    )
    return pd.DataFrame.from_records(
        list(rows), columns=["drug", "event", "n_recent", "countries", *extra]
    )


def _faers_unrecorded(facts: QuerySet) -> list[str]:
    """The FAERS inputs none of the facts records (their components are unavailable)."""
    recorded = {
        "n_serious": facts.filter(serious__isnull=False).exists(),
        "n_complete": facts.filter(completeness__isnull=False).exists(),
        "n_dechallenge": facts.filter(dechallenge__isnull=False).exists(),
        "countries": facts.exclude(country="").exists(),
    }
    return [name for name, has in recorded.items() if not has]


def _case_attributes() -> dict[str, dict]:
    """Per worldwide case id (latest, not nullified): serious, well documented, and the drug
    keys withdrawn or reduced with the event names (PT, HLT, SOC) that recovered."""
    cases = Case.objects.filter(is_latest=True).exclude(status=Case.Status.NULLIFIED)
    wwid: dict = {}
    out: dict[str, dict] = {}
    for row in cases.values(
        "id", "worldwide_case_id", "patient_sex", "patient_age", "patient_age_group",
        "reporter_country", "reporter_qualification", "report_type", "narrative",
        *SERIOUSNESS_FIELDS,
    ).order_by():  # fmt: skip
        wwid[row["id"]] = row["worldwide_case_id"]
        out[row["worldwide_case_id"]] = {
            "serious": any(row[f] for f in SERIOUSNESS_FIELDS),
            "present": {
                "sex": row["patient_sex"] in ("M", "F"),
                "age": row["patient_age"] is not None or bool(row["patient_age_group"]),
                "country": bool(row["reporter_country"]),
                "reporter": bool(row["reporter_qualification"]),
                "report_type": row["report_type"] not in ("", Case.ReportType.NOT_AVAILABLE),
                "free_text": bool((row["narrative"] or "").strip()),
            },
            "started": False,
            "withdrawn": set(),
            "recovered": set(),
        }
    product_ings = {
        str(pid): [str(i).strip().lower() for i in ings or []]
        for pid, ings in Product.objects.values_list("id", "ingredients")
    }
    for case_id, ings, product_id, start, action, indication, dose_text, dose_value in (
        CaseDrug.objects.filter(case_id__in=list(wwid), role__in=["suspect", "interacting"])
        .values_list(
            "case_id", "ingredients", "product_id", "start_date", "action_taken",
            "indication_reported", "dose_text", "dose_value",
        )
        .order_by()
    ):  # fmt: skip
        info = out[wwid[case_id]]
        present = info["present"]
        present["indication"] = present.get("indication", False) or bool(indication)
        present["dose"] = present.get("dose", False) or bool(dose_text) or dose_value is not None
        info["started"] = info["started"] or start is not None
        if action in _DECHALLENGE_ACTIONS:
            names = [
                str(i.get("name", "")).strip().lower() for i in ings or [] if isinstance(i, dict)
            ]
            keys = {n for n in names if n}
            if product_id:
                keys.add(str(product_id))
                if not names:
                    keys.update(product_ings.get(str(product_id), []))
            info["withdrawn"] |= keys
    onset: set = set()
    for case_id, pt, soc, outcome, onset_date in (
        CaseReaction.objects.filter(case_id__in=list(wwid))
        .values_list("case_id", "pt", "soc", "outcome", "onset_date")
        .order_by()
    ):
        info = out[wwid[case_id]]
        if outcome != CaseReaction.Outcome.UNKNOWN:
            info["present"]["outcome"] = True
        if onset_date is not None:
            onset.add(wwid[case_id])
        if outcome in _RECOVERED and pt:
            hlt, path_soc = event_path(pt)
            info["recovered"] |= {e for e in (pt, hlt, soc or path_soc) if e}
    for key, info in out.items():
        info["present"]["time_to_onset"] = info.pop("started") and key in onset
        info["complete"] = completeness(info["present"]) >= WELL_DOCUMENTED
    return out


def _grouped_rows(
    facts: QuerySet, drug_col: str, grouping: Grouping, attributes: bool = False
) -> pd.DataFrame:
    """Fact rows with the PT replaced by its groups (HLGT, SMQ): drug, event, report_key,
    period, country (and with ``attributes`` serious, completeness, dechallenge) — so a report
    counts once per group, as in the run's own counts."""
    columns = [drug_col, "event_pt", "report_key", "period", "country"]
    if attributes:
        columns += ["serious", "completeness", "dechallenge"]
    qs = facts.exclude(**{drug_col: ""}).exclude(event_pt="").order_by().values_list(*columns)
    rows = pd.DataFrame.from_records(list(qs), columns=columns)
    rows["event_pt"] = rows["event_pt"].str.strip().str.lower()
    rolled = roll_up(rows, "event_pt", grouping.groups)
    return rolled.rename(columns={drug_col: "drug", "event_pt": "event"})


def _grouped_fact_counts(rows: pd.DataFrame, latest: str, attributes: bool = False) -> pd.DataFrame:
    extra = list(_FACT_ATTRIBUTES) if attributes else []
    if rows.empty:
        return pd.DataFrame(columns=["drug", "event", "n_recent", "countries", *extra])
    recent = rows[rows["period"] == latest].groupby(["drug", "event"])["report_key"].nunique()
    spread = rows[rows["country"] != ""].groupby(["drug", "event"])["country"].nunique()
    pairs = rows[["drug", "event"]].drop_duplicates().set_index(["drug", "event"])
    pairs["n_recent"] = recent.reindex(pairs.index).fillna(0).astype(int)
    pairs["countries"] = spread.reindex(pairs.index).fillna(0).astype(int)
    if attributes:
        chosen = {
            "n_serious": rows["serious"].eq(True),
            "n_complete": rows["completeness"].astype(float).ge(WELL_DOCUMENTED),
            "n_dechallenge": rows["dechallenge"].eq(True),
        }
        for name, mask in chosen.items():
            count = rows[mask.fillna(False)].groupby(["drug", "event"])["report_key"].nunique()
            pairs[name] = count.reindex(pairs.index).fillna(0).astype(int)
    return pairs.reset_index()


def _case_counts(triples) -> pd.DataFrame:
    """Serious, well-documented and positive-dechallenge reports per pair, from distinct
    (drug, event, report key) triples."""
    attrs = _case_attributes()
    serious, complete, dechallenge = defaultdict(int), defaultdict(int), defaultdict(int)
    for drug, event, report in triples:
        info = attrs.get(report)
        if info is None:
            continue
        pair = (drug, event)
        serious[pair] += info["serious"]
        complete[pair] += info["complete"]
        dechallenge[pair] += drug in info["withdrawn"] and event in info["recovered"]
    pairs = set(serious)
    return pd.DataFrame.from_records(
        [(d, e, serious[(d, e)], complete[(d, e)], dechallenge[(d, e)]) for d, e in pairs],
        columns=["drug", "event", "n_serious", "n_complete", "n_dechallenge"],
    )


def priority_for_run(
    *, run: SignalRun, facts: QuerySet, table: pd.DataFrame, drug_col: str, event_col: str,
    latest: str, grouping: Grouping | None = None,
) -> dict[tuple[str, str], dict]:  # fmt: skip
    """{(drug key, event): {"priority_base", "priority_parts"}} for the latest quarter's pairs
    (``table``: the scored latest period). ``facts``: the run's analysed facts up to it;
    ``grouping``: the run's MedDRA grouping at HLGT / SMQ levels (events are its groups)."""
    if table.empty:
        return {}
    pairs = table[["drug", "event", "n"]].copy()
    pairs["lower"] = _lower_bound(table, run.signal_measure)
    if run.event_level == EventLevel.PT:
        concepts = pairs["event"].map(designated_concept)
        pairs["designated"] = concepts != ""
    else:
        concepts = pd.Series("", index=pairs.index)
    faers = run.source == Source.FAERS
    if grouping is None:
        counts = _fact_counts(facts, drug_col, event_col, latest, attributes=faers)
        triples = (
            facts.exclude(**{drug_col: ""}).exclude(**{event_col: ""})
            .values_list(drug_col, event_col, "report_key").distinct().order_by()
            .iterator(chunk_size=5000)
        )  # fmt: skip
    else:
        rows = _grouped_rows(facts, drug_col, grouping, attributes=faers)
        counts = _grouped_fact_counts(rows, latest, attributes=faers)
        triples = rows[["drug", "event", "report_key"]].drop_duplicates().itertuples(
            index=False, name=None
        )  # fmt: skip
    if faers:
        counts = counts.drop(columns=_faers_unrecorded(facts))
    pairs = pairs.merge(counts, on=["drug", "event"], how="left")
    if run.source == Source.CASES:
        pairs = pairs.merge(_case_counts(triples), on=["drug", "event"], how="left")
        for col in ("n_serious", "n_complete", "n_dechallenge"):
            pairs[col] = pairs[col].fillna(0)
    scored = priority_table(pairs)
    inputs = [c for c in ("n_recent", "n_serious", "n_complete", "n_dechallenge", "countries")
              if c in pairs]  # fmt: skip
    out = {}
    records = pairs.assign(concept=concepts.to_numpy()).to_dict("records")
    parts = scored[list(COMPONENTS)].to_numpy(np.float64)
    bases = scored["priority_base"].to_numpy(np.float64)
    for i, row in enumerate(records):
        out[(row["drug"], row["event"])] = {
            "priority_base": round(float(bases[i]), 6),
            "priority_parts": {
                "components": {
                    name: None if np.isnan(parts[i, j]) else round(float(parts[i, j]), 6)
                    for j, name in enumerate(COMPONENTS)
                },
                "inputs": {
                    "measure": run.signal_measure,
                    "lower": _finite_or_none(row["lower"]),
                    "designated_event": row["concept"] or None,
                    **{c: int(row[c]) for c in inputs if not pd.isna(row[c])},
                },
            },
        }
    return out


def _finite_or_none(value) -> float | str | None:
    value = float(value)
    if np.isnan(value):
        return None
    if np.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    return value


__all__ = ["WEIGHTS", "designated_concept", "priority_for_run"]
