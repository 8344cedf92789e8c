"""Counting in the database: N, n1., n.1, N.. (and per-stratum margins) by SQL GROUP BY.

The same conventions as the pure `signals.stats.count_pairs` (distinct report ids, openEBGM's
"transaction" counting), but the group-bys run in PostgreSQL / SQLite through the ORM
(`COUNT(DISTINCT report_key) ... GROUP BY drug, event`), so only aggregates come back to
Python: one row per pair, per drug, per event (per stratum). The result has the columns
`score_table` expects, sorted by drug then event like `count_pairs`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from django.db.models import Count, QuerySet

from signals.stats import PAIR_COLUMNS

DRUG_COLUMNS = {"ingredient": "drug_ingredient", "product": "drug_product"}
EVENT_COLUMNS = {"pt": "event_pt", "hlt": "event_hlt", "soc": "event_soc"}
STRATA = ("sex", "age_group")


def _frame(qs: QuerySet, columns: Sequence[str], name: str) -> pd.DataFrame:
    rows = qs.values_list(*columns).annotate(_n=Count("report_key", distinct=True)).order_by()
    frame = pd.DataFrame.from_records(list(rows), columns=[*columns, name])
    frame[name] = frame[name].astype(np.int64)
    return frame


def count_pairs_sql(
    facts: QuerySet, *, drug_col: str, event_col: str, strata: Sequence[str] = ()
) -> pd.DataFrame:
    """PAIR_COLUMNS for every observed pair of ``facts``; rows lacking the drug or the event at
    this level are left out before counting (they are not part of the analysed set)."""
    unknown = set(strata) - set(STRATA)
    if unknown:
        raise ValueError(f"unknown stratum column(s): {', '.join(sorted(unknown))}")
    qs = facts.exclude(**{drug_col: ""}).exclude(**{event_col: ""})
    pairs = _frame(qs, [drug_col, event_col], "n")
    if pairs.empty:
        return pd.DataFrame({c: [] for c in PAIR_COLUMNS})
    drugs = _frame(qs, [drug_col], "n_drug")
    events = _frame(qs, [event_col], "n_event")
    n_total = int(qs.order_by().aggregate(n=Count("report_key", distinct=True))["n"])
    table = pairs.merge(drugs, on=drug_col).merge(events, on=event_col)
    table = table.rename(columns={drug_col: "drug", event_col: "event"})
    table["n_total"] = np.int64(n_total)
    if strata:
        table["expected"] = _stratified_expected(qs, table, drug_col, event_col, list(strata))
    else:
        table["expected"] = table["n_drug"].to_numpy(np.float64) * table["n_event"] / n_total
    table = table.sort_values(["drug", "event"], kind="stable").reset_index(drop=True)
    return table[list(PAIR_COLUMNS)]


def _stratified_expected(
    qs: QuerySet, table: pd.DataFrame, drug_col: str, event_col: str, strata: list[str]
) -> np.ndarray:
    """E = sum over strata of n1.(s) * n.1(s) / N..(s); a stratum lacking either adds 0."""
    by_drug = _frame(qs, [*strata, drug_col], "nd").rename(columns={drug_col: "drug"})
    by_event = _frame(qs, [*strata, event_col], "ne").rename(columns={event_col: "event"})
    totals = _frame(qs, strata, "nt")
    keyed = table[["drug", "event"]].reset_index()
    parts = keyed.merge(by_drug, on="drug").merge(by_event, on=[*strata, "event"])
    parts = parts.merge(totals, on=strata)
    parts["e"] = parts["nd"].to_numpy(np.float64) * (parts["ne"] / parts["nt"])
    summed = parts.groupby("index")["e"].sum()
    return summed.reindex(keyed["index"], fill_value=0.0).to_numpy()
