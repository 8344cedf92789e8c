"""The special functions the signals statistics need, in numpy and the standard library only.

Same names and meanings as ``scipy.special`` (gammaln, digamma, gammainc, gammaincinv, ndtri,
expit, logit) for positive real arguments, so the shared algorithms in ``signals.stats.mgps``,
``ebscores`` and ``measures`` run unchanged with ``special=signals.stats.lite.special``.
Accuracy (tests/signals/test_stats_lite.py checks against scipy): ~1e-15 relative for gammaln
and digamma, ~1e-13 relative for gammainc over the shapes and arguments the EB scores meet.

* gammaln: CPython's ``math.lgamma`` algorithm (Lanczos, g ~ 6.02) vectorised in numpy.
* digamma: the recurrence psi(x) = psi(x + 1) - 1/x to x >= 10, then the asymptotic series
  ln x - 1/(2x) - sum B_2k / (2k x^2k) to the x^-14 term (truncation < 1e-17 there).
* gammainc: P(a, x) by its power series for x < a + 1 and by Lentz's continued fraction for
  Q(a, x) otherwise (Numerical Recipes' gser / gcf, as Cephes igam / igamc), vectorised with
  an active set so each element stops when its own term is below 1e-16 relative.
* gammaincinv: the gamma quantile, by the same safeguarded Halley solver the EB05/EB95
  quantiles use (``signals.stats.ebscores.mixture_quantile`` with one component).
* ndtri: exact constants for the probabilities used here, else ``statistics.NormalDist``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # numpy.typing costs a few ms at start-up; annotations only
    from numpy.typing import ArrayLike

_EPS = 1e-16
_TEN = np.arange(10.0)
_TINY = 1e-300
_MAX_TERMS = 10_000

# psi(x) asymptotic series: - sum_k B_2k / (2k x^2k), coefficients of x^-2, x^-4, ...
_PSI_SERIES = (
    1.0 / 12.0,
    -1.0 / 120.0,
    1.0 / 252.0,
    -1.0 / 240.0,
    1.0 / 132.0,
    -691.0 / 32760.0,
    1.0 / 12.0,
)
# scipy.special.ndtri at the probabilities the measures and EB scores ask for (bit for bit).
_NDTRI = {
    0.025: -1.9599639845400545,
    0.05: -1.6448536269514729,
    0.95: 1.6448536269514722,
    0.975: 1.959963984540054,
}


# CPython's math.lgamma (Modules/mathmodule.c): a Lanczos rational approximation, g ~ 6.02.
_LANCZOS_G = 6.024680040776729583740234375
_LANCZOS_NUM = (
    23531376880.410759688572007674451636754734846804940,
    42919803642.649098768957899047001988850926355848959,
    35711959237.355668049440185451547166705960488635843,
    17921034426.037209699919755754458931112671403265390,
    6039542586.3520280050642916443072979210699388420708,
    1439720407.3117216736632230727949123939715485786772,
    248874557.86205415651146038641322942321632125127801,
    31426415.585400194380614231628318205362874684987640,
    2876370.6289353724412254090516208496135991145378768,
    186056.26539522349504029498971604569928220784236328,
    8071.6720023658162106380029022722506138218516325024,
    210.82427775157934587250973392071336271166969580291,
    2.5066282746310002701649081771338373386264310793408,
)
_LANCZOS_DEN = (0.0, 39916800.0, 120543840.0, 150917976.0, 105258076.0, 45995730.0,
                13339535.0, 2637558.0, 357423.0, 32670.0, 1925.0, 66.0, 1.0)  # fmt: skip


def gammaln(x: ArrayLike) -> np.ndarray | float:
    """log |Gamma(x)| for x > 0: math.lgamma for a scalar, its algorithm vectorised for arrays
    (the same operations in the same order; equal to math.lgamma within an ulp or two)."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        return math.lgamma(float(arr)) if np.isfinite(arr) else float("inf")
    if arr.size < 256:  # a Python loop beats 26 array passes on a few values
        values = arr.ravel().tolist()
        if all(map(math.isfinite, values)):  # the optimiser's case: no inf or nan to guard
            flat = list(map(math.lgamma, values))
        else:
            flat = [math.lgamma(v) if math.isfinite(v) else math.inf for v in values]
        return np.array(flat, dtype=np.float64).reshape(arr.shape)
    z = arr
    with np.errstate(all="ignore"):
        small = z < 5.0
        # rational function in x below 5 (Horner from the top), in 1/x above (no overflow);
        # each part evaluated on its own elements only (not both, then np.where)
        num = np.empty_like(z)
        den = np.empty_like(z)
        for part, var, order in ((small, z, -1), (~small, None, 1)):
            var = z[part] if var is not None else 1.0 / z[part]
            n_part = np.zeros_like(var)
            d_part = np.zeros_like(var)
            for num_c, den_c in zip(_LANCZOS_NUM[::order], _LANCZOS_DEN[::order], strict=True):
                n_part = n_part * var + num_c
                d_part = d_part * var + den_c
            num[part], den[part] = n_part, d_part
        out = np.log(num / den) - _LANCZOS_G
        out += (z - 0.5) * (np.log(z + _LANCZOS_G - 0.5) - 1.0)
        out = np.where((z == 1.0) | (z == 2.0), 0.0, out)
        out = np.where(z < 1e-20, -np.log(z), out)
        return np.where(np.isinf(z), np.inf, out)


def _digamma_scalar(x: float) -> float:
    shift = 0.0
    while x < 10.0:
        shift -= 1.0 / x
        x += 1.0
    inv2 = 1.0 / (x * x)
    series = 0.0
    for coef in reversed(_PSI_SERIES):
        series = (series + coef) * inv2
    return math.log(x) - 0.5 / x - series + shift


def digamma(x: ArrayLike) -> np.ndarray | float:
    """psi(x) = d/dx log Gamma(x), for x > 0."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        return _digamma_scalar(float(arr))
    z = arr.astype(np.float64, copy=True)
    shift = np.zeros_like(z)
    # psi(z) = psi(z + 10) - sum_{j<10} 1/(z + j) for the elements below 10 (one 2-D pass).
    small = np.flatnonzero(z < 10.0)
    if small.size:
        zs = z[small]
        shift[small] = -(1.0 / (zs[:, None] + _TEN)).sum(axis=1)
        z[small] = zs + 10.0
    inv2 = 1.0 / (z * z)
    series = np.zeros_like(z)
    for coef in reversed(_PSI_SERIES):
        series = (series + coef) * inv2
    return np.log(z) - 0.5 / z - series + shift


def gammainc(a: ArrayLike, x: ArrayLike) -> np.ndarray | float:
    """Regularised lower incomplete gamma P(a, x) for a > 0, x >= 0."""
    a_arr, x_arr = np.broadcast_arrays(
        np.asarray(a, dtype=np.float64), np.asarray(x, dtype=np.float64)
    )
    scalar = a_arr.ndim == 0
    a_flat = np.atleast_1d(a_arr).ravel()
    x_flat = np.atleast_1d(x_arr).ravel()
    out = np.zeros(a_flat.shape, dtype=np.float64)
    with np.errstate(all="ignore"):
        positive = x_flat > 0
        inf = np.isinf(x_flat)
        out[inf] = 1.0
        ok = positive & ~inf & np.isfinite(a_flat)
        out[np.isnan(x_flat) | np.isnan(a_flat)] = np.nan
        idx = np.flatnonzero(ok)
        if idx.size:
            aa, xx = a_flat[idx], x_flat[idx]
            log_front = aa * np.log(xx) - xx - gammaln(aa)
            series = xx < aa + 1.0
            res = np.empty(idx.size)
            if series.any():
                res[series] = _series(aa[series], xx[series], log_front[series])
            if (~series).any():
                cf = ~series
                res[cf] = 1.0 - _continued_fraction(aa[cf], xx[cf], log_front[cf])
            out[idx] = res
    out = out.reshape(np.atleast_1d(a_arr).shape)
    return float(out[0]) if scalar else out


# Both evaluations below iterate on compacted working arrays: the elements not yet converged,
# dropped (their result stored) as they converge. Each element sees the same operations in the
# same order as in a masked loop over the full arrays, so the results are the same bits; what
# goes is the gather and scatter of every array on every iteration (~2x faster on caers).


def _series(a: np.ndarray, x: np.ndarray, log_front: np.ndarray) -> np.ndarray:
    """P(a, x) = e^-x x^a / Gamma(a) * sum_k x^k / (a (a+1) ... (a+k))."""
    term = 1.0 / a
    total = term.copy()
    where = np.arange(a.size)  # positions of the working elements
    ap, tm, tot, xx = a.copy(), term, total.copy(), x
    for _ in range(_MAX_TERMS):
        ap += 1.0
        tm = tm * (xx / ap)
        tot += tm
        going = np.abs(tm) > np.abs(tot) * _EPS
        if not going.all():
            total[where[~going]] = tot[~going]
            where, ap, tm, tot, xx = where[going], ap[going], tm[going], tot[going], xx[going]
            if where.size == 0:
                break
    total[where] = tot
    return total * np.exp(log_front)


def _continued_fraction(a: np.ndarray, x: np.ndarray, log_front: np.ndarray) -> np.ndarray:
    """Q(a, x) by the modified Lentz evaluation of the Legendre continued fraction."""
    b = x + 1.0 - a
    c = np.full_like(a, 1.0 / _TINY)
    d = 1.0 / b
    h = d.copy()
    where = np.arange(a.size)  # positions of the working elements
    aa, bb, cw, dw, hw = a, b, c, d, h.copy()
    for i in range(1, _MAX_TERMS):
        bb = bb + 2.0
        an = -i * (i - aa)
        dd = an * dw + bb
        dd = np.where(np.abs(dd) < _TINY, _TINY, dd)
        cc = bb + an / cw
        cc = np.where(np.abs(cc) < _TINY, _TINY, cc)
        dd = 1.0 / dd
        delta = dd * cc
        dw, cw = dd, cc
        hw = hw * delta
        going = np.abs(delta - 1.0) > _EPS
        if not going.all():
            h[where[~going]] = hw[~going]
            where, aa, bb, cw, dw, hw = (v[going] for v in (where, aa, bb, cw, dw, hw))
            if where.size == 0:
                break
    h[where] = hw
    return np.exp(log_front) * h


def gammaincinv(a: ArrayLike, p: float) -> np.ndarray:
    """x with P(a, x) = p (the quantile of Gamma(a, rate 1)), for a scalar p in (0, 1)."""
    import signals.stats.lite.special as this  # noqa: PLC0415
    from signals.stats.ebscores import mixture_quantile  # noqa: PLC0415  (it imports us back)

    shape = np.asarray(a, dtype=np.float64)
    one = np.ones_like(shape)
    return mixture_quantile(one, (shape, one), (shape, one), float(p), special=this)


def ndtri(p: float) -> float:
    """The standard normal quantile."""
    value = _NDTRI.get(float(p))
    if value is not None:
        return value
    from statistics import NormalDist  # noqa: PLC0415  (rarely needed)

    return NormalDist().inv_cdf(float(p))


def expit(x: ArrayLike) -> np.ndarray | float:
    arr = np.asarray(x, dtype=np.float64)
    out = 1.0 / (1.0 + np.exp(-arr))
    return float(out) if out.ndim == 0 else out


def logit(p: ArrayLike) -> np.ndarray | float:
    arr = np.asarray(p, dtype=np.float64)
    out = np.log(arr) - np.log1p(-arr)
    return float(out) if out.ndim == 0 else out
