"""Drug-drug interaction screening with the Omega shrinkage measure (pure; numpy / scipy).

Norén, Sundberg, Bate & Edwards, "A statistical methodology for drug-drug interaction
surveillance", Stat Med 2008;27:3057-3070. For drugs D1, D2 and an event, with report counts

    n11 reports with both drugs, n111 of them with the event
    n10 reports with D1 and not D2, n101 of them with the event
    n01 reports with D2 and not D1, n011 of them with the event
    n00 reports with neither,       n001 of them with the event

the event rates f00 = n001/n00, f10 = n101/n10, f01 = n011/n01 are combined on the odds scale by
the additive risk model (no interaction = the two drugs' excess odds add):

    g11  = 1 - 1 / (max(o00, o10) + max(o00, o01) - o00 + 1),  o = f / (1 - f)
    E111 = g11 * n11
    Omega   = log2((n111 + 0.5) / (E111 + 0.5))
    Omega025, Omega975 = log2 of the 2.5% / 97.5% quantiles of Gamma(n111 + 0.5, rate E111 + 0.5)

(the paper's gamma approximation to the credibility interval, as the IC's). A pair is highlighted
when Omega025 > 0. Undefined rates (no report with D1 and not D2, D2 and not D1, or neither)
leave Omega undefined (NaN): there is no comparator for the combination. A rate of 1 makes its
odds infinite and g11 = 1 (every exposed report is expected to carry the event).

**Bounding the pairs.** Pairs of drugs per report grow as k(k-1)/2 and triples as that times the
report's events. Only triples that can reach ``min_n`` reports are built: drugs on fewer than
``min_n`` reports, drug pairs co-reported on fewer than ``min_n`` reports and events on fewer
than ``min_n`` reports are dropped first; then at most ``max_pairs`` drug pairs (the most
co-reported) are screened, and triples are counted a chunk of reports at a time
(``chunk_rows``), so memory stays bounded by the chunk, not by the polypharmacy of the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

INTERACTION_COLUMNS = (
    "drug1",
    "drug2",
    "event",
    "n111",
    "n11",
    "n10",
    "n01",
    "n00",
    "n101",
    "n011",
    "n001",
    "n_total",
    "expected",
    "omega",
    "omega025",
    "omega975",
)


@dataclass(frozen=True)
class InteractionScreen:
    """The screened triples (INTERACTION_COLUMNS) and what bounded them."""

    table: pd.DataFrame
    pairs_eligible: int  # drug pairs co-reported on >= min_n reports
    pairs_screened: int  # after the max_pairs cap


def omega(
    n111: np.ndarray,
    n11: np.ndarray,
    n101: np.ndarray,
    n10: np.ndarray,
    n011: np.ndarray,
    n01: np.ndarray,
    n001: np.ndarray,
    n00: np.ndarray,
    *,
    alpha: float = 0.5,
) -> dict[str, np.ndarray]:
    """E111, Omega, Omega025 and Omega975 for aligned count arrays (Norén et al. 2008)."""

    def f(events: np.ndarray, reports: np.ndarray) -> np.ndarray:
        return np.asarray(events, np.float64) / np.asarray(reports, np.float64)

    with np.errstate(divide="ignore", invalid="ignore"):
        f00, f10, f01 = f(n001, n00), f(n101, n10), f(n011, n01)
        o00, o10, o01 = f00 / (1 - f00), f10 / (1 - f10), f01 / (1 - f01)
        g11 = 1.0 - 1.0 / (np.maximum(o00, o10) + np.maximum(o00, o01) - o00 + 1.0)
    defined = np.isfinite(f00) & np.isfinite(f10) & np.isfinite(f01)
    g11 = np.where(defined & (np.isinf(o00) | np.isinf(o10) | np.isinf(o01)), 1.0, g11)
    g11 = np.where(defined, g11, np.nan)
    expected = g11 * np.asarray(n11, np.float64)
    shape, rate = np.asarray(n111, np.float64) + alpha, expected + alpha
    with np.errstate(invalid="ignore"):
        return {
            "expected": expected,
            "omega": np.log2(shape / rate),
            "omega025": np.log2(special.gammaincinv(shape, 0.025) / rate),
            "omega975": np.log2(special.gammaincinv(shape, 0.975) / rate),
        }


def _codes(values: pd.Series, what: str) -> tuple[np.ndarray, np.ndarray]:
    if values.isna().any():
        row = int(values.isna().to_numpy().argmax()) + 1
        raise ValueError(f"row {row} has no {what}")
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _distinct(report: np.ndarray, *codes: tuple[np.ndarray, int]) -> tuple[np.ndarray, ...]:
    """Distinct (report, code...) rows, sorted, through one int64 key per row (a 1-D sort is an
    order of magnitude faster than ``np.unique(axis=0)``); ``codes`` are (values, cardinality)."""
    key = report.astype(np.int64)
    for values, size in codes:
        key = key * size + values
    # Sort, then keep the first of each run: numpy's hash-based np.unique is ~20x slower here.
    key.sort()
    key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
    out = []
    for _values, size in reversed(codes):
        out.append(key % size)
        key = key // size
    return (key, *reversed(out))


def _within_report_pairs(report: np.ndarray, drug: np.ndarray):
    """Every (report, d1 < d2) from (report, drug) rows sorted by report then drug."""
    starts = np.flatnonzero(np.r_[True, report[1:] != report[:-1]])
    ends = np.r_[starts[1:], len(report)]
    end = np.repeat(ends, ends - starts)
    partners = end - np.arange(len(report)) - 1  # drugs after this one in its report
    first = np.repeat(np.arange(len(report)), partners)
    block = np.repeat(np.cumsum(partners) - partners, partners)
    second = first + 1 + (np.arange(len(first)) - block)
    return report[first], drug[first], drug[second]


class _ReportEvents:
    """Each report's (frequent) events, to cross with per-report items a chunk at a time."""

    def __init__(self, report, event, n_reports: int, n_events: int, chunk_rows: int) -> None:
        self.event, self.n_events, self.chunk_rows = event, n_events, chunk_rows
        self.start = np.searchsorted(report, np.arange(n_reports))  # report is sorted
        self.size = np.searchsorted(report, np.arange(n_reports), side="right") - self.start

    def count(self, report: np.ndarray, item: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distinct keys item * n_events + event over (report, item) x the report's events,
        and how many rows (reports, when (report, item) rows are distinct) each has."""
        per_row = self.size[report]
        cuts = np.arange(self.chunk_rows, per_row.sum(), self.chunk_rows)
        bounds = np.searchsorted(np.cumsum(per_row), cuts)
        keys, counts = [], []
        for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(report)], strict=True):
            times = per_row[lo:hi]
            idx = np.repeat(np.arange(lo, hi), times)
            offset = np.arange(len(idx)) - np.repeat(np.cumsum(times) - times, times)
            events = self.event[self.start[report[idx]] + offset]
            k, c = np.unique(item[idx] * self.n_events + events, return_counts=True)
            keys.append(k)
            counts.append(c)
        key = np.concatenate(keys)
        uniq, inverse = np.unique(key, return_inverse=True)
        return uniq, np.bincount(inverse, weights=np.concatenate(counts)).astype(np.int64)


def count_interactions(
    rows: pd.DataFrame,
    *,
    id_col: str = "id",
    drug_col: str = "var1",
    event_col: str = "var2",
    min_n: int = 3,
    max_pairs: int = 5_000,
    chunk_rows: int = 2_000_000,
) -> InteractionScreen:
    """Counts and Omega for every (drug pair, event) with at least ``min_n`` reports.

    Reports are the distinct ``id_col`` values of ``rows`` (openEBGM's layout: report, drug,
    event); N.. is the number of reports in ``rows``. A report counts in a cell by its *sets* of
    drugs and events (the paper's exposure x outcome table), so rows that link drugs to events
    (a screened mention's pairs) and rows that cross them give the same table.
    """
    if min_n < 1 or max_pairs < 1:
        raise ValueError("min_n and max_pairs must be at least 1")
    report, _ = _codes(rows[id_col], "report id")
    drug, drug_names = _codes(rows[drug_col], "drug")
    event, event_names = _codes(rows[event_col], "event")
    n_total = int(report.max()) + 1 if len(report) else 0
    n_drugs, n_events = len(drug_names), len(event_names)
    if float(n_total) * n_drugs * n_events >= 2.0**62:
        raise ValueError("too many distinct reports x drugs x events to encode in 64 bits")
    rd_r, rd_d = _distinct(report, (drug, n_drugs))
    re_r, re_e = _distinct(report, (event, n_events))
    n_drug = np.bincount(rd_d, minlength=n_drugs)
    n_event = np.bincount(re_e, minlength=n_events)

    # Drug pairs co-reported on >= min_n reports, among drugs on >= min_n reports.
    keep = n_drug[rd_d] >= min_n
    pr, p1, p2 = _within_report_pairs(rd_r[keep], rd_d[keep])
    pair_key, n11 = np.unique(p1 * n_drugs + p2, return_counts=True)
    eligible = n11 >= min_n
    pair_key, n11 = pair_key[eligible], n11[eligible]
    pairs_eligible = len(pair_key)
    if len(pair_key) > max_pairs:
        top = np.lexsort((pair_key, -n11))[:max_pairs]
        top.sort()
        pair_key, n11 = pair_key[top], n11[top]
    empty = pd.DataFrame({c: [] for c in INTERACTION_COLUMNS})
    if not len(pair_key):
        return InteractionScreen(empty, pairs_eligible, 0)

    # Reports x frequent events, crossed a chunk at a time with (report, screened pair) for
    # n111 and with (report, drug of a screened pair) for n1e / n2e: every cell is counted on
    # the report's sets of drugs and events, so the eight cells always add up (even when the
    # rows link drugs to events, as screened mentions do, rather than crossing them).
    frequent = n_event[re_e] >= min_n
    events = _ReportEvents(re_r[frequent], re_e[frequent], n_total, n_events, chunk_rows)
    where = np.searchsorted(pair_key, p1 * n_drugs + p2)
    hit = (where < len(pair_key)) & (pair_key[np.minimum(where, len(pair_key) - 1)]
                                     == p1 * n_drugs + p2)  # fmt: skip
    uniq, n111 = events.count(pr[hit], where[hit])
    strong = n111 >= min_n
    uniq, n111 = uniq[strong], n111[strong]
    if not len(uniq):
        return InteractionScreen(empty, pairs_eligible, len(pair_key))
    pair_idx, ev = uniq // n_events, uniq % n_events
    d1, d2 = pair_key[pair_idx] // n_drugs, pair_key[pair_idx] % n_drugs
    used = np.isin(rd_d, np.union1d(d1, d2))
    de_key, n_de = events.count(rd_r[used], rd_d[used])

    def de(d: np.ndarray) -> np.ndarray:
        return n_de[np.searchsorted(de_key, d * n_events + ev)]  # present: n111 >= 1

    n1e, n2e = de(d1), de(d2)
    c11 = n11[pair_idx]
    counts_ = {
        "n111": n111,
        "n11": c11,
        "n10": n_drug[d1] - c11,
        "n01": n_drug[d2] - c11,
        "n00": n_total - n_drug[d1] - n_drug[d2] + c11,
        "n101": n1e - n111,
        "n011": n2e - n111,
        "n001": n_event[ev] - n1e - n2e + n111,
    }
    scores = omega(**counts_)
    table = pd.DataFrame(
        {
            "drug1": drug_names[d1],
            "drug2": drug_names[d2],
            "event": event_names[ev],
            **{k: v.astype(np.int64) for k, v in counts_.items()},
            "n_total": np.int64(n_total),
            **scores,
        }
    )[list(INTERACTION_COLUMNS)]
    table = table.sort_values(["drug1", "drug2", "event"], kind="stable").reset_index(drop=True)
    return InteractionScreen(table, pairs_eligible, len(pair_key))
