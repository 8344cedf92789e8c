"""Distinct-report counting of drug-event pairs (openEBGM's convention) and level roll-up.

Input is one row per (report, drug, event) mention, with optional stratum columns. Counts are
*distinct report ids*, exactly as openEBGM's ``processRaw`` does:

* ``n``       distinct reports mentioning both the drug and the event (N, n11);
* ``n_drug``  distinct reports mentioning the drug (n1.);
* ``n_event`` distinct reports mentioning the event (n.1);
* ``n_total`` distinct reports in the whole input (N..);
* ``expected`` E = n1. * n.1 / N.., or with strata E = sum_s n1.(s) * n.1(s) / N..(s), where a
  stratum is one combination of all stratum columns and a report counts in every stratum it
  appears in (openEBGM counts (id, stratum) units the same way).

Because a report can name several drugs and events, the 2x2 cells do not sum to the margins as
they would in a drug x event count matrix (PhViD's convention); callers who want that convention
must aggregate differently. Only observed pairs (n >= 1) are returned.

Everything is integer-coded and counted with hashing and ``np.bincount``: no Python loop runs
per row or per pair (the stratified E loops over strata, of which there are a handful).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

PAIR_COLUMNS = ["drug", "event", "n", "n_drug", "n_event", "n_total", "expected"]


def _codes(values: pd.Series, what: str) -> tuple[np.ndarray, pd.Index]:
    """Integer codes whose order follows the sorted labels, so output sorts like openEBGM's."""
    codes, labels = pd.factorize(values)
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        raise ValueError(f"missing {what} value in input row {row + 1}")
    labels = pd.Index(labels)
    if isinstance(labels.dtype, pd.CategoricalDtype):
        # sort by value, not by the categories' declared order
        labels = labels.astype(labels.dtype.categories.dtype)
    order = labels.argsort()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], labels[order]


def _distinct(key: np.ndarray) -> np.ndarray:
    # Hash-based unique: faster than np.unique's sort for millions of int64 keys.
    return pd.unique(key)


def _sorted_distinct(key: np.ndarray) -> np.ndarray:
    """Distinct values, sorted; a single scan when ``key`` is already sorted."""
    ordered = key if bool(np.all(key[1:] >= key[:-1])) else np.sort(key)
    keep = np.empty(len(ordered), dtype=bool)
    keep[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _stratum_codes(rows: pd.DataFrame, strata: Sequence[str]) -> tuple[np.ndarray, int]:
    """One code per combination of the stratum columns; a missing value is its own level."""
    combined = np.zeros(len(rows), dtype=np.int64)
    for col in strata:
        codes, labels = pd.factorize(rows[col], use_na_sentinel=False)
        combined = combined * (len(labels) + 1) + codes
    codes, uniques = pd.factorize(combined)
    return codes.astype(np.int64), len(uniques)


def count_pairs(
    rows: pd.DataFrame,
    *,
    id_col: str = "id",
    drug_col: str = "var1",
    event_col: str = "var2",
    strata: Sequence[str] = (),
) -> pd.DataFrame:
    """Count every observed (drug, event) pair over distinct report ids.

    Returns a DataFrame with columns ``PAIR_COLUMNS``, sorted by drug then event. Raises
    ``ValueError`` naming the first row with a missing id, drug or event.
    """
    missing = [c for c in (id_col, drug_col, event_col, *strata) if c not in rows.columns]
    if missing:
        raise KeyError(f"missing column(s): {', '.join(missing)}")
    if len(rows) == 0:
        raise ValueError("no rows to count")
    ids, id_labels = pd.factorize(rows[id_col])
    if (ids < 0).any():
        row = int(np.flatnonzero(ids < 0)[0])
        raise ValueError(f"missing {id_col} value in input row {row + 1}")
    ids = ids.astype(np.int64)
    drugs, drug_labels = _codes(rows[drug_col], drug_col)
    events, event_labels = _codes(rows[event_col], event_col)
    n_ids, n_drugs, n_events = len(id_labels), len(drug_labels), len(event_labels)
    if float(n_ids) * n_drugs * n_events >= 2.0**62:
        raise ValueError("too many distinct ids x drugs x events to encode pairs in 64 bits")

    # Distinct (report, drug, event) triples, then N per pair = triples per pair key. Sorting
    # beats hashing for these wide keys, and sorted triples give the distinct (report, drug)
    # keys below by a linear scan.
    triples = _sorted_distinct((ids * n_drugs + drugs) * n_events + events)
    pair_keys = triples % (n_drugs * n_events)
    pair_codes, pairs = pd.factorize(pair_keys)
    n = np.bincount(pair_codes)
    order = np.argsort(pairs, kind="stable")
    pairs, n = pairs[order], n[order]
    pair_drug, pair_event = pairs // n_events, pairs % n_events

    # Margins: distinct reports per drug and per event.
    drug_reports = _sorted_distinct(triples // n_events)  # (report, drug) keys, already sorted
    event_reports = _distinct(ids * n_events + events)
    n_drug = np.bincount(drug_reports % n_drugs, minlength=n_drugs)
    n_event = np.bincount(event_reports % n_events, minlength=n_events)

    if strata:
        expected = _stratified_expected(
            _stratum_codes(rows, strata),
            ids,
            (drugs, drug_reports, pair_drug, n_drugs),
            (events, event_reports, pair_event, n_events),
        )
    else:
        expected = n_drug[pair_drug].astype(np.float64) * n_event[pair_event] / n_ids

    return pd.DataFrame(
        {
            "drug": drug_labels.take(pair_drug),
            "event": event_labels.take(pair_event),
            "n": n.astype(np.int64),
            "n_drug": n_drug[pair_drug].astype(np.int64),
            "n_event": n_event[pair_event].astype(np.int64),
            "n_total": np.full(len(n), n_ids, dtype=np.int64),
            "expected": expected,
        }
    )


def _per_stratum(
    unit: np.ndarray, codes: np.ndarray, n_codes: int, n_ids: int, n_strata: int
) -> np.ndarray:
    """(stratum x code) matrix of distinct reports; ``unit`` = stratum * n_ids + id."""
    keys = _distinct(unit * n_codes + codes)
    flat = keys // (n_ids * n_codes) * n_codes + keys % n_codes
    return np.bincount(flat, minlength=n_strata * n_codes).reshape(n_strata, n_codes)


def _stratified_expected(
    strata: tuple[np.ndarray, int],
    ids: np.ndarray,
    drug_side: tuple[np.ndarray, np.ndarray, np.ndarray, int],
    event_side: tuple[np.ndarray, np.ndarray, np.ndarray, int],
) -> np.ndarray:
    """E = sum over strata of n1.(s) n.1(s) / N..(s) for every pair.

    Each side is (row codes, distinct (report, code) keys, the pairs' codes, number of codes).
    """
    strat, n_strata = strata
    drugs, drug_reports, pair_drug, n_drugs = drug_side
    events, event_reports, pair_event, n_events = event_side
    n_ids = int(ids.max()) + 1
    stratum_of_id = np.full(n_ids, -1, dtype=np.int64)
    stratum_of_id[ids] = strat
    if (stratum_of_id[ids] == strat).all():
        # Usual case: each report sits in one stratum, so the per-stratum margins are the
        # (report, drug) / (report, event) keys already made, split by their report's stratum.
        by_drug = _split_by_stratum(drug_reports, n_drugs, stratum_of_id, n_strata)
        by_event = _split_by_stratum(event_reports, n_events, stratum_of_id, n_strata)
        totals = np.bincount(stratum_of_id, minlength=n_strata).astype(np.float64)
    else:
        by_drug, by_event, totals = _stratum_margins(
            strat, n_strata, ids, drugs, events, (n_ids, n_drugs, n_events)
        )
    expected = np.zeros(len(pair_drug), dtype=np.float64)
    # One vector pass per stratum (a handful), never per pair; a stratum lacking the drug
    # or the event adds 0.
    for s in range(n_strata):
        if totals[s] > 0:
            expected += by_drug[s][pair_drug] * (by_event[s][pair_event] / totals[s])
    return expected


def pairs_from_cell_counts(
    cells: pd.DataFrame,
    *,
    drug_col: str = "drug",
    event_col: str = "event",
    count_col: str = "n",
) -> pd.DataFrame:
    """``PAIR_COLUMNS`` from already-aggregated (drug, event, count) cells: PhViD's convention.

    For data without report ids (a drug x event count matrix, e.g. PhViD's simulated table or
    FAERS contingency tables) the margins can only be *sums of cell counts*: n1. = sum_j n_ij,
    n.1 = sum_i n_ij, N.. = sum n_ij. This is not openEBGM's distinct-report convention (on
    caers it moves N.. from 3,356 reports to 19,917 pair counts); name it when reporting.
    Cells with a zero count are dropped (only observed pairs are scored).
    """
    missing = [c for c in (drug_col, event_col, count_col) if c not in cells.columns]
    if missing:
        raise KeyError(f"missing column(s): {', '.join(missing)}")
    n = pd.to_numeric(cells[count_col], errors="raise").to_numpy()
    if (n < 0).any() or (n != np.round(n)).any():
        raise ValueError(f"{count_col} must hold non-negative whole counts")
    table = pd.DataFrame(
        {
            "drug": cells[drug_col].to_numpy(),
            "event": cells[event_col].to_numpy(),
            "n": n.astype(np.int64),
        }
    )
    table = table.groupby(["drug", "event"], sort=True, observed=True)["n"].sum().reset_index()
    table["n_drug"] = table.groupby("drug")["n"].transform("sum").astype(np.int64)
    table["n_event"] = table.groupby("event")["n"].transform("sum").astype(np.int64)
    table["n_total"] = np.int64(table["n"].sum())
    table = table[table["n"] > 0].reset_index(drop=True)
    table["expected"] = table["n_drug"].to_numpy(np.float64) * table["n_event"] / table["n_total"]
    return table[PAIR_COLUMNS]


def _split_by_stratum(
    keys: np.ndarray, n_codes: int, stratum_of_id: np.ndarray, n_strata: int
) -> np.ndarray:
    """(stratum x code) distinct-report counts from distinct (report, code) keys."""
    flat = stratum_of_id[keys // n_codes] * n_codes + keys % n_codes
    return np.bincount(flat, minlength=n_strata * n_codes).reshape(n_strata, n_codes)


def _stratum_margins(
    strat: np.ndarray,
    n_strata: int,
    ids: np.ndarray,
    drugs: np.ndarray,
    events: np.ndarray,
    sizes: tuple[int, int, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Margins when a report spans strata: count distinct (report, stratum) units, as
    openEBGM's per-stratum ``uniqueN(id)`` does."""
    n_ids, n_drugs, n_events = sizes
    if float(n_strata) * n_ids * max(n_drugs, n_events) >= 2.0**62:
        raise ValueError("too many strata x ids x codes to encode in 64 bits")
    unit = strat * n_ids + ids  # a report inside one stratum
    totals = np.bincount(_distinct(unit) // n_ids, minlength=n_strata).astype(np.float64)
    by_drug = _per_stratum(unit, drugs, n_drugs, n_ids, n_strata)
    by_event = _per_stratum(unit, events, n_events, n_ids, n_strata)
    return by_drug, by_event, totals


def roll_up(
    rows: pd.DataFrame,
    column: str,
    mapping: Mapping[object, object] | pd.DataFrame,
    *,
    keep_unmapped: bool = False,
) -> pd.DataFrame:
    """Replace ``column`` by its parent level (PT -> HLT or SOC, product -> ingredient).

    ``mapping`` is a dict (one parent per value) or a two-column DataFrame (source, parent) that
    may be many-to-many: a PT under two HLTs, a combination product with two ingredients. A row
    is repeated once per parent; counting afterwards deduplicates (report, drug, event), so two
    PTs of one report under the same HLT count that report once, as the level demands.
    Rows whose value has no parent are dropped, or kept unchanged with ``keep_unmapped``.
    """
    if isinstance(mapping, pd.DataFrame):
        if mapping.shape[1] != 2:
            raise ValueError("a mapping DataFrame needs exactly two columns: source, parent")
        pairs = mapping.set_axis(["__source", "__parent"], axis=1).drop_duplicates()
    else:
        pairs = pd.DataFrame({"__source": list(mapping.keys()), "__parent": list(mapping.values())})
    merged = rows.merge(pairs, how="left", left_on=column, right_on="__source", sort=False)
    unmapped = merged["__parent"].isna()
    if keep_unmapped:
        merged.loc[unmapped, "__parent"] = merged.loc[unmapped, column]
    else:
        merged = merged[~unmapped]
    merged[column] = merged["__parent"]
    return merged.drop(columns=["__source", "__parent"]).reset_index(drop=True)


def canonical_names(values: pd.Series) -> pd.Series:
    """One name per drug (or event) whatever its case and spacing.

    "Aspirin", "ASPIRIN " and "aspirin" are one drug: names are compared after trimming,
    collapsing inner whitespace and case folding, and each group takes the spelling seen most
    often (ties: the first seen), so the output still reads like the input. Returns a
    categorical Series aligned with ``values``.
    """
    as_text = values.astype("category")
    categories = pd.Series(as_text.cat.categories.astype(str))
    tidy = categories.str.split().str.join(" ")
    key = tidy.str.casefold()
    frequency = as_text.value_counts(sort=False).reindex(as_text.cat.categories).to_numpy()
    order = pd.DataFrame({"key": key, "tidy": tidy, "freq": frequency, "pos": range(len(tidy))})
    best = (
        order.sort_values(["key", "freq", "pos"], ascending=[True, False, True])
        .drop_duplicates("key")
        .set_index("key")["tidy"]
    )
    mapping = dict(zip(as_text.cat.categories, key.map(best), strict=True))
    return as_text.map(mapping).astype("category")
