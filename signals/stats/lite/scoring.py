"""Every measure for counted pairs, without pandas or scipy: ``pipeline.score_table``'s twin.

The statistics are the shared ones (``measures``, ``ebscores``, ``mgps``) run with the numpy
special functions of ``signals.stats.lite.special`` and the numpy minimiser of
``signals.stats.lite.optim``; only the table handling (arrays instead of a DataFrame) is this
module's own. EB scores are computed once per distinct (N, E) point and broadcast back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from signals.stats.ebscores import eb_scores
from signals.stats.lite import special
from signals.stats.lite.optim import minimise_bfgs
from signals.stats.lite.table import PairCounts
from signals.stats.measures import chi_square, information_component, prr, ror
from signals.stats.mgps import (
    X_BOUNDS,
    Points,
    distinct_points,
    fit_hyperparameters,
    neg_log_likelihood,
)
from signals.stats.theta import DEFAULT_STARTS, FitResult, Hyperparameters

# Above this many distinct (N, E) points the fit squashes the data (mgps.fit_hyperparameters'
# default), which needs pandas: such inputs take the pandas path.
MAX_POINTS = 20_000


class NeedsFullPath(Exception):
    """This input needs something only the pandas/scipy path has (squashing)."""


def _minimise(objective, x0: np.ndarray) -> tuple[np.ndarray, float]:
    return minimise_bfgs(objective, x0, X_BOUNDS)


def fit_lite(points: Points, starts: Sequence[Sequence[float]] = DEFAULT_STARTS) -> FitResult:
    """``mgps.fit_hyperparameters`` on unsquashed points with numpy special functions and
    minimiser (same likelihood, same starts, same choice of winner and agreement rule)."""
    if len(points.n) > MAX_POINTS:
        raise NeedsFullPath(f"{len(points.n):,} distinct (N, E) points need squashing")
    return fit_hyperparameters(
        points, starts=starts, squash_data=False, special=special, minimise=_minimise
    )


@dataclass(frozen=True)
class LiteResult:
    columns: dict[str, np.ndarray]  # pipeline.OUTPUT_COLUMNS, in order, plus qn
    fit: FitResult
    # The columns that depend on (N, E) only, per distinct point, and each pair's point:
    # ``columns[key] == at_points[key][codes]``. The writer formats them per point.
    at_points: dict[str, np.ndarray]
    codes: np.ndarray

    def for_csv(self, names: Sequence[str]) -> dict[str, np.ndarray | tuple[np.ndarray, ...]]:
        """``names`` as ``table.write_csv`` takes them: (values per point, codes) where a
        column depends on (N, E) only (its text is made once per point), else the array."""
        return {
            k: (self.at_points[k], self.codes) if k in self.at_points else self.columns[k]
            for k in names
        }


def score_pairs(
    counts: PairCounts, *, hyper: Hyperparameters | None = None, yates: bool = True
) -> LiteResult:
    """All measures for counted pairs; fits theta unless ``hyper`` is given."""
    n, n_drug, n_event, n_total = counts.n, counts.n_drug, counts.n_event, counts.n_total
    expected = counts.expected
    b, c = n_drug - n, n_event - n
    d = n_total - n_drug - n_event + n
    bad = (b < 0) | (c < 0) | (d < 0)
    if bad.any():  # pipeline.add_measures' check, same words
        i = int(np.argmax(bad))
        raise ValueError(
            f"inconsistent counts for {counts.drug[i]!r} / {counts.event[i]!r}:"
            f" N={n[i]}, drug={n_drug[i]}, event={n_event[i]}, total={n_total[i]} give a"
            " negative 2x2 cell (counts must come from one set of distinct reports)"
        )
    order = np.lexsort((expected, n))
    sorted_n, sorted_e = n[order], expected[order]
    first = np.r_[True, (sorted_n[1:] != sorted_n[:-1]) | (sorted_e[1:] != sorted_e[:-1])]
    codes = np.empty(len(n), dtype=np.int64)
    codes[order] = np.cumsum(first) - 1
    point_n, point_e = sorted_n[first], sorted_e[first]
    points = distinct_points(point_n, point_e, np.bincount(codes, minlength=len(point_n)))
    if hyper is None:
        fit = fit_lite(points)
    else:
        nll = neg_log_likelihood(hyper, points, special=special)
        fit = FitResult(hyper, nll, len(points.n), False, False)
    at_points = _at_points(points, fit.hyper)
    columns = _columns(counts, at_points, codes, yates)
    return LiteResult(columns=columns, fit=fit, at_points=at_points, codes=codes)


def _at_points(points: Points, hyper: Hyperparameters) -> dict[str, np.ndarray]:
    """The measures of (N, E) alone, once per distinct point (caers: 1,723 for 17,189 pairs):
    elementwise, so broadcasting them back gives each pair exactly its own value."""
    out = {"n": points.n, "expected": points.e, "rr": points.n / points.e}
    out["ic"], out["ic025"], out["ic975"] = information_component(
        points.n, points.e, special=special
    )
    out.update(eb_scores(points.n, points.e, hyper, special=special))
    return out


def _columns(
    counts: PairCounts, at_points: dict[str, np.ndarray], codes: np.ndarray, yates: bool
) -> dict[str, np.ndarray]:
    n, n_drug, n_event, n_total = counts.n, counts.n_drug, counts.n_event, counts.n_total
    out: dict[str, np.ndarray] = {
        "drug": counts.drug,
        "event": counts.event,
        "n": n,
        "expected": counts.expected,
        "rr": at_points["rr"][codes],
    }
    out["prr"], out["prr_lower95"], out["prr_upper95"] = prr(n, n_drug, n_event, n_total)
    out["chi2"] = chi_square(n, n_drug, n_event, n_total, yates=yates)
    out["ror"], out["ror_lower95"], out["ror_upper95"] = ror(n, n_drug, n_event, n_total)
    for key in ("ic", "ic025", "ic975", "ebgm", "eb05", "eb95", "qn"):
        out[key] = at_points[key][codes]
    return out
