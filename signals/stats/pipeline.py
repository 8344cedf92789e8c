"""One call from report-level rows to every measure for every observed pair."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from signals.stats.columns import OUTPUT_COLUMNS
from signals.stats.counts import PAIR_COLUMNS, count_pairs
from signals.stats.ebscores import eb_scores
from signals.stats.measures import chi_square, information_component, prr, ror
from signals.stats.mgps import (
    DEFAULT_STARTS,
    FitResult,
    Hyperparameters,
    distinct_points,
    fit_hyperparameters,
    neg_log_likelihood,
)

__all__ = ["OUTPUT_COLUMNS", "SignalResult", "add_measures", "compute_signals", "score_table"]


@dataclass(frozen=True)
class SignalResult:
    """``table``: OUTPUT_COLUMNS plus n_drug, n_event, n_total, qn. ``fit``: theta and -loglik
    (when theta was given, ``fit.neg_log_lik`` scores that theta on the exact points)."""

    table: pd.DataFrame
    fit: FitResult


def add_measures(counts: pd.DataFrame, *, yates: bool = True) -> pd.DataFrame:
    """RR, PRR (+CI), chi2, ROR (+CI) and IC (+limits) for a ``count_pairs`` table."""
    n, n_drug, n_event, n_total = (
        counts[c].to_numpy() for c in ("n", "n_drug", "n_event", "n_total")
    )
    expected = counts["expected"].to_numpy()
    # Margins that cannot come from one set of reports (a pair seen more often than its drug,
    # or drug and event together covering more reports than the total) give negative 2x2
    # cells and meaningless measures: refuse them with the first offending pair.
    b, c = n_drug - n, n_event - n
    d = n_total - n_drug - n_event + n
    bad = (b < 0) | (c < 0) | (d < 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"inconsistent counts for {counts['drug'].iloc[i]!r} / {counts['event'].iloc[i]!r}:"
            f" N={n[i]}, drug={n_drug[i]}, event={n_event[i]}, total={n_total[i]} give a"
            " negative 2x2 cell (counts must come from one set of distinct reports)"
        )
    out = counts.copy()
    out["rr"] = n / expected
    out["prr"], out["prr_lower95"], out["prr_upper95"] = prr(n, n_drug, n_event, n_total)
    out["chi2"] = chi_square(n, n_drug, n_event, n_total, yates=yates)
    out["ror"], out["ror_lower95"], out["ror_upper95"] = ror(n, n_drug, n_event, n_total)
    out["ic"], out["ic025"], out["ic975"] = information_component(n, expected)
    return out


def _distinct_n_e(n: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes of distinct (N, E) per pair, with the distinct N and E (two hash passes)."""
    e_codes, e_values = pd.factorize(e)
    n64 = n.astype(np.int64)
    codes, keys = pd.factorize(e_codes.astype(np.int64) * (int(n64.max()) + 1) + n64)
    return codes, keys % (int(n64.max()) + 1), np.asarray(e_values)[keys // (int(n64.max()) + 1)]


def score_table(
    counts: pd.DataFrame,
    *,
    hyper: Hyperparameters | None = None,
    yates: bool = True,
    squash_data: bool | None = None,
    starts: Sequence[Sequence[float]] = DEFAULT_STARTS,
    progress: Callable[[str], None] | None = None,
) -> SignalResult:
    """All measures for a table of counted pairs; fits theta unless ``hyper`` is given.

    ``counts`` needs the ``PAIR_COLUMNS``: drug, event, n, n_drug, n_event, n_total, expected,
    with the distinct-report conventions of ``count_pairs`` and n >= 1. It may come from
    ``count_pairs`` or from a database GROUP BY (the service pushes counting into PostgreSQL
    for large data and hands the aggregate here). EB scores are computed once per distinct
    (N, E) and broadcast back: many pairs share a point (caers 17,189 pairs, 1,723 points), so
    this is exact and much cheaper.
    """
    missing = [c for c in PAIR_COLUMNS if c not in counts.columns]
    if missing:
        raise KeyError(f"counts lack column(s): {', '.join(missing)}")
    if counts.empty:
        if hyper is None:
            raise ValueError("no observed pairs: nothing to fit the MGPS prior on")
        return SignalResult(
            table=add_measures(counts, yates=yates).assign(ebgm=[], eb05=[], eb95=[], qn=[]),
            fit=FitResult(hyper, 0.0, 0, False, False),
        )
    say = progress or (lambda _msg: None)
    codes, point_n, point_e = _distinct_n_e(counts["n"].to_numpy(), counts["expected"].to_numpy())
    points = distinct_points(point_n, point_e, np.bincount(codes, minlength=len(point_n)))
    if hyper is None:
        say(f"fitting the MGPS prior on {len(points.n):,} distinct (N, E) points")
        fit = fit_hyperparameters(points, squash_data=squash_data, starts=starts)
    else:
        # theta given: no starts ran, so nothing "agreed"; -loglik is on the exact points
        fit = FitResult(hyper, neg_log_likelihood(hyper, points), len(points.n), False, False)
    say(f"scoring {len(counts):,} pairs")
    table = add_measures(counts, yates=yates)
    scores = eb_scores(point_n, point_e, fit.hyper)
    for key in ("ebgm", "eb05", "eb95", "qn"):
        table[key] = scores[key][codes]
    return SignalResult(table=table, fit=fit)


def compute_signals(
    rows: pd.DataFrame,
    *,
    id_col: str = "id",
    drug_col: str = "var1",
    event_col: str = "var2",
    strata: Sequence[str] = (),
    hyper: Hyperparameters | None = None,
    yates: bool = True,
    squash_data: bool | None = None,
    progress: Callable[[str], None] | None = None,
) -> SignalResult:
    """Count, fit (unless ``hyper``) and score every observed pair of report-level rows."""
    say = progress or (lambda _msg: None)
    say(f"counting {len(rows):,} rows")
    counts = count_pairs(rows, id_col=id_col, drug_col=drug_col, event_col=event_col, strata=strata)
    return score_table(counts, hyper=hyper, yates=yates, squash_data=squash_data, progress=progress)
