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

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special


@dataclass(frozen=True)
class Hyperparameters:
    """theta = (alpha1, beta1, alpha2, beta2, p); betas are rates, p weights component 1."""

    alpha1: float
    beta1: float
    alpha2: float
    beta2: float
    p: float

    def as_tuple(self) -> tuple[float, float, float, float, float]:
        return (self.alpha1, self.beta1, self.alpha2, self.beta2, self.p)

    @classmethod
    def from_sequence(cls, values: Sequence[float]) -> Hyperparameters:
        if len(values) != 5:
            raise ValueError("hyperparameters need 5 values: alpha1, beta1, alpha2, beta2, p")
        a1, b1, a2, b2, p = (float(v) for v in values)
        if min(a1, b1, a2, b2) <= 0 or not 0 < p < 1 or not np.all(np.isfinite([a1, b1, a2, b2])):
            raise ValueError("need alpha1, beta1, alpha2, beta2 > 0 and 0 < p < 1")
        return cls(a1, b1, a2, b2, p)


# openEBGM vignette starts (rows of autoHyper's theta_init); the first is DuMouchel's.
DEFAULT_STARTS: tuple[tuple[float, float, float, float, float], ...] = (
    (0.2, 0.1, 2.0, 4.0, 1 / 3),
    (0.1, 0.1, 10.0, 10.0, 0.2),
    (0.3, 0.5, 6.0, 6.0, 0.5),
    (0.5, 0.3, 12.0, 12.0, 0.8),
    (0.2, 0.2, 5.0, 5.0, 0.4),
)
# autoHyper's "another start agrees" tolerances on (a1, b1, a2, b2, P).
AGREE_TOL = np.array([0.05, 0.05, 0.2, 0.2, 0.025])


@dataclass(frozen=True)
class Points:
    """Weighted (N, E) points for the likelihood."""

    n: np.ndarray
    e: np.ndarray
    w: np.ndarray


@dataclass(frozen=True)
class FitResult:
    hyper: Hyperparameters
    neg_log_lik: float  # on the points the fit used (squashed or not)
    n_points: int
    squashed: bool
    agreed: bool  # at least two starts reached the same theta (autoHyper's acceptance rule)
    starts: list[dict[str, float]] = field(default_factory=list)
    within_bounds: bool = True  # 0 < alpha, beta < 100 and 0 < P < 1 (autoHyper's check)

    def to_dict(self) -> dict[str, object]:
        return {
            **asdict(self.hyper),
            "neg_log_lik": self.neg_log_lik,
            "n_points": self.n_points,
            "squashed": self.squashed,
            "agreed": self.agreed,
            "within_bounds": self.within_bounds,
        }


def distinct_points(n: ArrayLike, e: ArrayLike, weight: ArrayLike | None = None) -> Points:
    """Collapse pairs to distinct (N, E) points with summed weights (no information lost)."""
    frame = pd.DataFrame(
        {
            "n": np.asarray(n, dtype=np.int64),
            "e": np.asarray(e, dtype=np.float64),
            "w": np.ones(len(np.asarray(n))) if weight is None else np.asarray(weight, float),
        }
    )
    if (frame["n"] < 1).any() or not np.isfinite(frame["e"]).all() or (frame["e"] <= 0).any():
        raise ValueError("the MGPS fit needs N >= 1 and finite E > 0 for every pair")
    grouped = frame.groupby(["n", "e"], sort=True)["w"].sum().reset_index()
    return Points(grouped["n"].to_numpy(), grouped["e"].to_numpy(), grouped["w"].to_numpy())


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
    frame = pd.DataFrame({"n": n, "bin": bin_id, "we": w * e, "w": w})
    out = frame.groupby(["n", "bin"], sort=False).sum()
    return Points(
        out.index.get_level_values("n").to_numpy(np.int64),
        (out["we"] / out["w"]).to_numpy(),
        out["w"].to_numpy(),
    )


class _Likelihood:
    """-loglik and gradient in x = (log a1, log b1, log a2, log b2, logit P)."""

    def __init__(self, points: Points) -> None:
        self.un, self.inv = np.unique(points.n, return_inverse=True)
        self.n = points.n.astype(np.float64)
        self.e = points.e
        self.log_e = np.log(points.e)
        self.w = points.w
        self.lfact = special.gammaln(self.un + 1.0)

    def _component(self, alpha: float, beta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """log truncated NB density and its derivatives w.r.t. log alpha and log beta."""
        inv, n, e = self.inv, self.n, self.e
        log_be = np.log(beta + e)
        r = np.log(beta) - log_be  # log(b / (b + E)) < 0
        lg = special.gammaln(alpha + self.un) - special.gammaln(alpha) - self.lfact
        one_minus_p0 = -np.expm1(alpha * r)  # 1 - P(N = 0), accurate when E << beta
        log_g = lg[inv] + alpha * r + n * (self.log_e - log_be) - np.log(one_minus_p0)
        dig = special.digamma(alpha + self.un) - special.digamma(alpha)
        d_alpha = dig[inv] + r / one_minus_p0
        odds0 = 1.0 / np.expm1(-alpha * r)  # p0 / (1 - p0)
        d_beta = alpha / beta - (alpha + n) / (beta + e) + odds0 * alpha * e / (beta * (beta + e))
        return log_g, d_alpha * alpha, d_beta * beta

    def __call__(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        a1, b1, a2, b2 = np.exp(np.clip(x[:4], -30.0, 30.0))
        p = special.expit(x[4])
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


def _to_x(theta: Sequence[float]) -> np.ndarray:
    a1, b1, a2, b2, p = theta
    return np.array([np.log(a1), np.log(b1), np.log(a2), np.log(b2), special.logit(p)])


def _from_x(x: np.ndarray) -> np.ndarray:
    return np.r_[np.exp(x[:4]), special.expit(x[4])]


def neg_log_likelihood(hyper: Hyperparameters, points: Points) -> float:
    """-loglik of the component-truncated mixture (openEBGM ``negLLsquash``)."""
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        return _Likelihood(points)(_to_x(hyper.as_tuple()))[0]


def _minimise(objective: _Likelihood, x0: np.ndarray) -> tuple[np.ndarray, float]:
    # SLSQP rather than L-BFGS-B: scipy's L-BFGS-B spends most of its time in OpenBLAS thread
    # wake-ups on small vectors (10x slower on a shared 2-core box), and from openEBGM's five
    # starts SLSQP lands where nlminb does on caers (see docs/signals.md on the second mode).
    # Bounds (log scale) only keep exp() finite; alpha1 -> 0 is a legitimate limit.
    # Imported here: scipy.optimize costs ~0.2 s to import and scoring with a given theta
    # never needs it.
    from scipy import optimize  # noqa: PLC0415

    res = optimize.minimize(
        objective,
        x0,
        jac=True,
        method="SLSQP",
        bounds=[(-25.0, 12.0)] * 4 + [(-25.0, 25.0)],
        options={"maxiter": 500, "ftol": 1e-10},
    )
    return res.x, float(res.fun)


def fit_hyperparameters(
    points: Points,
    *,
    starts: Sequence[Sequence[float]] = DEFAULT_STARTS,
    squash_data: bool | None = None,
    max_points: int = 20_000,
) -> FitResult:
    """Maximum-likelihood theta from several starts; the lowest -loglik wins.

    ``squash_data``: True always squashes, False never, None (default) squashes only above
    ``max_points`` distinct points (openEBGM's recommended optimiser size). The winner is
    preferred among in-bounds solutions (0 < alpha, beta < 100, as autoHyper checks);
    ``agreed`` reports whether another start reached it within autoHyper's tolerances.
    """
    do_squash = len(points.n) > max_points if squash_data is None else squash_data
    used = squash(points) if do_squash else points
    objective = _Likelihood(used)
    runs: list[tuple[np.ndarray, float]] = []  # (theta, -loglik) per start
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        for start in starts:
            x, nll = _minimise(objective, _to_x(start))
            runs.append((_from_x(x), nll))
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
