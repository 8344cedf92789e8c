"""DuMouchel's MGPS prior: a two-gamma mixture fitted by maximum likelihood, openEBGM-style.

Model: N ~ Poisson(lambda E), lambda ~ P Gamma(a1, b1) + (1 - P) Gamma(a2, b2) (b = rate), so N
is a mixture of NB(size = a, prob = b / (b + E)). The likelihood runs over observed pairs
(N >= 1) and, like openEBGM's ``negLL`` / ``negLLsquash`` and PhViD's TRONC, truncates **each
component** at zero: P f1 / (1 - f1(0)) + (1 - P) f2 / (1 - f2(0)). (vigipy truncates the mixture
instead and lands on a different optimum; see NOTES.md section 3.)

The fit works on distinct (N, E) points with weights, which is lossless (caers: 17,189 pairs
-> 1,723 points). Above ``max_points`` the points are squashed (DuMouchel & Pregibon 2001).
It minimises -loglik with an analytic gradient in (log a, log b, logit P) from openEBGM's five
starts and keeps the best; special functions of N are evaluated once per distinct N.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # numpy.typing costs a few ms at start-up; annotations only
    from numpy.typing import ArrayLike

# theta and FitResult live in a numpy-only module (the CLI's fast path and the quality gate use
# them); re-exported here. pandas (squashing) and scipy (special functions, the optimiser) are
# imported where used, so that `signals.stats.lite` can run this likelihood with numpy alone.
from signals.stats.theta import (
    AGREE_TOL,
    DEFAULT_STARTS,
    FitResult,
    Hyperparameters,
)


@dataclass(frozen=True)
class Points:
    """Weighted (N, E) points for the likelihood."""

    n: np.ndarray
    e: np.ndarray
    w: np.ndarray


def distinct_points(n: ArrayLike, e: ArrayLike, weight: ArrayLike | None = None) -> Points:
    """Collapse pairs to distinct (N, E) points with summed weights (no information lost)."""
    n_arr = np.asarray(n, dtype=np.int64)
    e_arr = np.asarray(e, dtype=np.float64)
    w_arr = np.ones(len(n_arr)) if weight is None else np.asarray(weight, np.float64)
    if (n_arr < 1).any() or not np.isfinite(e_arr).all() or (e_arr <= 0).any():
        raise ValueError("the MGPS fit needs N >= 1 and finite E > 0 for every pair")
    # Sorted by (N, E) with the weights of equal points summed (a numpy group-by, no pandas).
    order = np.lexsort((e_arr, n_arr))
    n_arr, e_arr, w_arr = n_arr[order], e_arr[order], w_arr[order]
    first = np.r_[True, (n_arr[1:] != n_arr[:-1]) | (e_arr[1:] != e_arr[:-1])]
    starts = np.flatnonzero(first)
    return Points(n_arr[starts], e_arr[starts], np.add.reduceat(w_arr, starts))


# autoSquash's table: a count with this many points (cut-offs) gets about this many bins.
_SQUASH_CUTS = np.array([500, 1_000, 10_000, 100_000, 500_000, 1_000_000, 5_000_000])
_SQUASH_BINS = np.array([50, 75, 150, 500, 750, 1_000, 2_000, 5_000])


def squash(
    points: Points, *, keep: int = 100, min_points: int = 500, bin_scale: float = 1.0
) -> Points:
    """Data squashing: per N, bin consecutive E (sorted) into weighted super-points.

    As openEBGM's ``autoSquash``: the ``keep`` largest E per N stay unsquashed (they carry the
    most information); counts with fewer than ``min_points`` points are left alone; the number
    of bins grows with the number of points per N (times ``bin_scale``). Bin E is the
    weighted mean, so already-weighted points squash correctly.
    """
    order = np.lexsort((points.e, points.n))
    n, e, w = points.n[order], points.e[order], points.w[order]
    starts = np.flatnonzero(np.r_[True, n[1:] != n[:-1]])
    sizes = np.diff(np.r_[starts, len(n)])
    group_size = np.repeat(sizes, sizes)
    rank = np.arange(len(n)) - np.repeat(starts, sizes)  # rank by E within its N, from 0
    squashable = group_size - keep
    n_bins = np.maximum(
        np.round(_SQUASH_BINS[np.searchsorted(_SQUASH_CUTS, group_size, side="right")] * bin_scale),
        1,
    )
    bin_width = np.maximum(np.ceil(squashable / n_bins), 1)
    squashed = (group_size >= min_points) & (rank < squashable)
    # Unsquashed points get their own bin id past every squashed bin of their N.
    bin_id = np.where(squashed, rank // bin_width, n_bins + rank)
    import pandas as pd  # noqa: PLC0415  (see the imports above)

    frame = pd.DataFrame({"n": n, "bin": bin_id, "we": w * e, "w": w})
    out = frame.groupby(["n", "bin"], sort=False).sum()
    return Points(
        out.index.get_level_values("n").to_numpy(np.int64),
        (out["we"] / out["w"]).to_numpy(),
        out["w"].to_numpy(),
    )


class _Likelihood:
    """-loglik and gradient in x = (log a1, log b1, log a2, log b2, logit P)."""

    def __init__(self, points: Points, special: ModuleType | None = None) -> None:
        # ``special``: scipy.special (default) or signals.stats.lite.special, the numpy-only
        # functions of the same names the command line's fast path uses.
        self.special = special = special or _scipy_special()
        self.un, self.inv = np.unique(points.n, return_inverse=True)
        self.n = points.n.astype(np.float64)
        self.e = points.e
        self.log_e = np.log(points.e)
        self.w = points.w
        self.lfact = special.gammaln(self.un + 1.0)

    def _component(self, alpha: float, beta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """log truncated NB density and its derivatives w.r.t. log alpha and log beta."""
        inv, n, e, special = self.inv, self.n, self.e, self.special
        # beta + E and alpha r are each computed once (the optimiser calls this ~400 times).
        be = beta + e
        log_be = np.log(be)
        r = np.log(beta) - log_be  # log(b / (b + E)) < 0
        lg = special.gammaln(alpha + self.un) - special.gammaln(alpha) - self.lfact
        ar = alpha * r
        one_minus_p0 = -np.expm1(ar)  # 1 - P(N = 0), accurate when E << beta
        log_g = lg[inv] + ar + n * (self.log_e - log_be) - np.log(one_minus_p0)
        dig = special.digamma(alpha + self.un) - special.digamma(alpha)
        d_alpha = dig[inv] + r / one_minus_p0
        odds0 = 1.0 / np.expm1(-ar)  # p0 / (1 - p0); -(alpha r) is exactly (-alpha) r
        d_beta = alpha / beta - (alpha + n) / be + odds0 * alpha * e / (beta * be)
        return log_g, d_alpha * alpha, d_beta * beta

    def __call__(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        a1, b1, a2, b2 = np.exp(np.clip(x[:4], -30.0, 30.0))
        p = self.special.expit(x[4])
        g1, da1, db1 = self._component(a1, b1)
        g2, da2, db2 = self._component(a2, b2)
        t1 = np.log(p) + g1
        t2 = np.log1p(-p) + g2
        ll = np.logaddexp(t1, t2)
        pi1 = np.exp(t1 - ll)
        pi2 = 1.0 - pi1
        # Weighted sums as ufunc reductions, not `w @ x`: a BLAS dot wakes OpenBLAS's thread
        # pool, whose spinning threads made each optimiser step ~10x slower on 2 shared cores.
        terms = np.stack([pi1 * da1, pi1 * db1, pi2 * da2, pi2 * db2, pi1 - p, ll])
        sums = (terms * self.w).sum(axis=1)
        grad = sums[:5]
        value = -float(sums[5])
        if not np.isfinite(value):
            return np.inf, np.zeros(5)
        return value, -grad


def _scipy_special() -> ModuleType:
    from scipy import special  # noqa: PLC0415  (see the imports above)

    return special


def _to_x(theta: Sequence[float], special: ModuleType) -> np.ndarray:
    a1, b1, a2, b2, p = theta
    return np.array([np.log(a1), np.log(b1), np.log(a2), np.log(b2), special.logit(p)])


def _from_x(x: np.ndarray, special: ModuleType) -> np.ndarray:
    return np.r_[np.exp(x[:4]), special.expit(x[4])]


def neg_log_likelihood(
    hyper: Hyperparameters, points: Points, *, special: ModuleType | None = None
) -> float:
    """-loglik of the component-truncated mixture (openEBGM ``negLLsquash``)."""
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        objective = _Likelihood(points, special)
        return objective(_to_x(hyper.as_tuple(), objective.special))[0]


# Bounds on x (log scale) for every optimiser: they only keep exp() finite; alpha1 -> 0 is a
# legitimate limit.
X_BOUNDS = [(-25.0, 12.0)] * 4 + [(-25.0, 25.0)]

Minimiser = Callable[[Callable, np.ndarray], tuple[np.ndarray, float]]


def _minimise(objective: _Likelihood, x0: np.ndarray) -> tuple[np.ndarray, float]:
    # SLSQP rather than L-BFGS-B: scipy's L-BFGS-B spends most of its time in OpenBLAS thread
    # wake-ups on small vectors (10x slower on a shared 2-core box), and from openEBGM's five
    # starts SLSQP lands where nlminb does on caers (see docs/signals.md on the second mode).
    # Imported here: scipy.optimize costs ~0.2 s to import and scoring with a given theta
    # never needs it.
    from scipy import optimize  # noqa: PLC0415

    res = optimize.minimize(
        objective,
        x0,
        jac=True,
        method="SLSQP",
        bounds=X_BOUNDS,
        options={"maxiter": 500, "ftol": 1e-10},
    )
    return res.x, float(res.fun)


def fit_hyperparameters(
    points: Points,
    *,
    starts: Sequence[Sequence[float]] = DEFAULT_STARTS,
    squash_data: bool | None = None,
    max_points: int = 20_000,
    special: ModuleType | None = None,
    minimise: Minimiser | None = None,
) -> FitResult:
    """Maximum-likelihood theta from several starts; the lowest -loglik wins.

    ``squash_data``: True always squashes, False never, None (default) squashes only above
    ``max_points`` distinct points (openEBGM's recommended optimiser size). The winner is
    preferred among in-bounds solutions (0 < alpha, beta < 100, as autoHyper checks);
    ``agreed`` reports whether another start reached it within autoHyper's tolerances.
    ``special`` and ``minimise`` default to scipy's; the command line's numpy-only path passes
    its own (``signals.stats.lite``), everything else here is shared.
    """
    do_squash = len(points.n) > max_points if squash_data is None else squash_data
    used = squash(points) if do_squash else points
    objective = _Likelihood(used, special)
    minimise = minimise or _minimise
    runs: list[tuple[np.ndarray, float]] = []  # (theta, -loglik) per start
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        for start in starts:
            x, nll = minimise(objective, _to_x(start, objective.special))
            runs.append((_from_x(x, objective.special), nll))
    finite = [r for r in runs if np.isfinite(r[1])]
    if not finite:
        raise ArithmeticError("the MGPS likelihood could not be evaluated from any start")
    in_bounds = [r for r in finite if np.all(r[0][:4] < 100) and 0 < r[0][4] < 1]
    theta, nll = min(in_bounds or finite, key=lambda r: r[1])
    agreed = sum(bool(np.all(np.abs(t - theta) <= AGREE_TOL)) for t, _ in runs) >= 2
    names = ("alpha1", "beta1", "alpha2", "beta2", "p")
    return FitResult(
        hyper=Hyperparameters(*(float(v) for v in theta)),
        neg_log_lik=nll,
        n_points=len(used.n),
        squashed=do_squash,
        agreed=agreed,
        starts=[
            {**dict(zip(names, t.tolist(), strict=True)), "neg_log_lik": value} for t, value in runs
        ],
        within_bounds=bool(in_bounds),
    )
