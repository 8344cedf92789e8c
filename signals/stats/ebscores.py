"""Posterior EB scores under the MGPS prior: Qn, EBGM, and EB05/EB95 by vectorised Halley.

Given theta and a pair's (N, E), lambda | N ~ Qn Gamma(a1 + N, b1 + E) + (1 - Qn)
Gamma(a2 + N, b2 + E), where Qn uses the *untruncated* NB densities with the fitted P (as openEBGM
and PhViD do). EBGM = 2^E[log2 lambda]. Quantiles solve Qn G1(x) + (1 - Qn) G2(x) = p for all
pairs at once: Halley steps (Newton with curvature) in log x, from a Qn-weighted start between
the components' approximate quantiles, safeguarded by a bracket that every step narrows
(bisection when a step would leave it). openEBGM bisects from x = 1 and rounds to 2 decimals by
default; these values are unrounded and accurate to ~1e-12 relative.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # numpy.typing costs a few ms at start-up; annotations only
    from numpy.typing import ArrayLike

from signals.stats.theta import Hyperparameters

# Every function takes ``special``: scipy.special by default (imported when first needed), or
# signals.stats.lite.special, the numpy-only functions of the same names the command line's
# fast path uses. The algorithms are shared; only the special functions differ.


def _special(special: ModuleType | None) -> ModuleType:
    if special is not None:
        return special
    from scipy import special as scipy_special  # noqa: PLC0415  (see above)

    return scipy_special


_LN2 = np.log(2.0)


def _log_nb(
    n: np.ndarray, e: np.ndarray, alpha: float, beta: float, special: ModuleType
) -> np.ndarray:
    """log NB(n; size alpha, prob beta / (beta + e)), untruncated."""
    log_be = np.log(beta + e)
    return (
        special.gammaln(alpha + n)
        - special.gammaln(alpha)
        - special.gammaln(n + 1.0)
        + alpha * (np.log(beta) - log_be)
        + n * (np.log(e) - log_be)
    )


def posterior_weight(
    n: ArrayLike, e: ArrayLike, hyper: Hyperparameters, *, special: ModuleType | None = None
) -> np.ndarray:
    """Qn: posterior probability that the pair's lambda comes from prior component 1."""
    special = _special(special)
    n_arr = np.asarray(n, dtype=np.float64)
    e_arr = np.asarray(e, dtype=np.float64)
    t1 = np.log(hyper.p) + _log_nb(n_arr, e_arr, hyper.alpha1, hyper.beta1, special)
    t2 = np.log1p(-hyper.p) + _log_nb(n_arr, e_arr, hyper.alpha2, hyper.beta2, special)
    return np.exp(t1 - np.logaddexp(t1, t2))


def ebgm(
    n: ArrayLike,
    e: ArrayLike,
    hyper: Hyperparameters,
    qn: ArrayLike | None = None,
    *,
    special: ModuleType | None = None,
) -> np.ndarray:
    """Empirical Bayes geometric mean 2^E[log2 lambda | N]."""
    special = _special(special)
    n_arr = np.asarray(n, dtype=np.float64)
    e_arr = np.asarray(e, dtype=np.float64)
    q = posterior_weight(n_arr, e_arr, hyper, special=special) if qn is None else np.asarray(qn)
    m1 = special.digamma(hyper.alpha1 + n_arr) - np.log(hyper.beta1 + e_arr)
    m2 = special.digamma(hyper.alpha2 + n_arr) - np.log(hyper.beta2 + e_arr)
    return np.exp(q * m1 + (1.0 - q) * m2)


def _wilson_hilferty(shape: np.ndarray, rate: np.ndarray, z: float) -> np.ndarray:
    """Cheap approximate gamma quantile: a starting point only, never the answer."""
    c = 1.0 / (9.0 * shape)
    cube = np.maximum(1.0 - c + z * np.sqrt(c), 0.05)
    return shape * cube**3 / rate


def eb_quantile(
    n: ArrayLike,
    e: ArrayLike,
    hyper: Hyperparameters,
    prob: float,
    qn: ArrayLike | None = None,
    *,
    rtol: float = 1e-13,
    final_step: float = 3e-6,
    max_iter: int = 100,
    special: ModuleType | None = None,
) -> np.ndarray:
    """The ``prob`` quantile of the posterior mixture for every pair (EB05: prob = 0.05)."""
    if not 0.0 < prob < 1.0:
        raise ValueError("prob must be in (0, 1)")
    special = _special(special)
    n_arr = np.asarray(n, dtype=np.float64)
    e_arr = np.asarray(e, dtype=np.float64)
    if qn is None:
        q = posterior_weight(n_arr, e_arr, hyper, special=special)
    else:
        q = np.asarray(qn, np.float64)
    return mixture_quantile(
        q,
        (hyper.alpha1 + n_arr, hyper.beta1 + e_arr),
        (hyper.alpha2 + n_arr, hyper.beta2 + e_arr),
        prob,
        rtol=rtol,
        final_step=final_step,
        max_iter=max_iter,
        special=special,
    )


def mixture_quantile(
    q: np.ndarray,
    first: tuple[np.ndarray, np.ndarray],
    second: tuple[np.ndarray, np.ndarray],
    prob: float,
    *,
    rtol: float = 1e-13,
    final_step: float = 3e-6,
    max_iter: int = 100,
    special: ModuleType | None = None,
) -> np.ndarray:
    """x with q G(x; first) + (1 - q) G(x; second) = prob, G a gamma CDF of (shape, rate),
    vectorised (arrays aligned). With q = 1 it is one gamma's quantile (gammaincinv)."""
    special = _special(special)
    (a1, r1), (a2, r2) = first, second
    a1, r1, a2, r2 = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in (a1, r1, a2, r2)))
    q = np.broadcast_to(np.asarray(q, np.float64), a1.shape)
    lg1, lg2 = special.gammaln(a1), special.gammaln(a2)
    z = float(special.ndtri(prob))
    # Start between the two components' approximate quantiles, weighted by Qn (in log x,
    # where the CDF is far closer to linear): fewer iterations than the dominant one alone.
    y = q * np.log(_wilson_hilferty(a1, r1, z)) + (1.0 - q) * np.log(_wilson_hilferty(a2, r2, z))
    lo = np.full_like(y, -np.inf)
    hi = np.full_like(y, np.inf)
    active = np.arange(len(y))
    # Extreme theta (alpha1 -> 0 is a legitimate fitted limit) can push trial points to
    # under/overflow; those steps are rejected by the bracket, so the warnings are noise.
    with np.errstate(all="ignore"):
        for _ in range(max_iter):
            if active.size == 0:
                break
            ya = y[active]
            x = np.exp(ya)
            qa, s1, s2 = q[active], r1[active] * x, r2[active] * x
            sh1, sh2 = a1[active], a2[active]
            cdf = qa * special.gammainc(sh1, s1) + (1.0 - qa) * special.gammainc(sh2, s2)
            # d CDF / d log x = x * density (in logs so large shapes do not overflow), and
            # d2 CDF / d log x2 = sum_k w_k x g_k(x) (a_k - r_k x): Halley's step is then
            # nearly free and needs one evaluation fewer than Newton from the same start.
            t1 = qa * np.exp(sh1 * np.log(s1) - s1 - lg1[active])
            t2 = (1.0 - qa) * np.exp(sh2 * np.log(s2) - s2 - lg2[active])
            dens = t1 + t2
            curv = t1 * (sh1 - s1) + t2 * (sh2 - s2)
            resid = cdf - prob
            below = resid < 0
            lo_a = np.where(below, ya, lo[active])
            hi_a = np.where(below, hi[active], ya)
            lo[active], hi[active] = lo_a, hi_a
            newton = resid / dens
            corr = 0.5 * newton * curv / dens  # Halley's relative correction to Newton
            halley = np.abs(corr) < 0.5
            new = ya - np.where(halley, newton / (1.0 - corr), newton)
            outside = ~np.isfinite(new) | (new < lo_a) | (new > hi_a)
            # Leaving the bracket: bisect if it is closed, else jump by e^2 towards the root.
            fallback = np.where(
                np.isfinite(lo_a) & np.isfinite(hi_a),
                0.5 * (lo_a + hi_a),
                np.where(below, ya + 2.0, ya - 2.0),
            )
            new = np.clip(np.where(outside, fallback, new), -700.0, 700.0)
            y[active] = new
            tol = rtol * np.maximum(1.0, np.abs(ya))
            step = np.abs(new - ya)
            # Halley converges cubically: after a step of 3e-6 the error left is ~1e-16, so
            # such a step is taken as final, saving one CDF evaluation over all pairs.
            done = (step <= tol) | (resid == 0) | ((hi_a - lo_a) <= tol)
            done |= halley & ~outside & (step <= final_step)
            active = active[~done]
    return np.exp(y)


def eb_scores(
    n: ArrayLike, e: ArrayLike, hyper: Hyperparameters, *, special: ModuleType | None = None
) -> dict[str, np.ndarray]:
    """Qn, EBGM, EB05 and EB95 for every pair (arrays aligned with the inputs)."""
    special = _special(special)
    n_arr = np.asarray(n, dtype=np.float64)
    e_arr = np.asarray(e, dtype=np.float64)
    q = posterior_weight(n_arr, e_arr, hyper, special=special)
    return {
        "qn": q,
        "ebgm": ebgm(n_arr, e_arr, hyper, q, special=special),
        "eb05": eb_quantile(n_arr, e_arr, hyper, 0.05, q, special=special),
        "eb95": eb_quantile(n_arr, e_arr, hyper, 0.95, q, special=special),
    }
