"""Frequentist and shrinkage disproportionality measures on the 2x2 table of each pair.

Cells from distinct-report margins: a = n, b = n_drug - n, c = n_event - n,
d = n_total - n_drug - n_event + n. All functions are vectorised over pairs.

Zero cells (documented choice, same as openEBGM / PhViD / pvda, no Haldane correction):
* c = 0 (event only ever reported with this drug): PRR = ROR = +inf with lower limit NaN and
  upper limit +inf (infinite standard error; PhViD also gives Inf with a NaN bound); chi2 is
  finite.
* b = 0 (drug only ever reported with this event): PRR is finite, ROR = +inf with the same
  NaN / +inf limits.
* d = 0 (every report names the drug or the event): ROR = 0, lower limit 0, upper NaN.
* a = 0 (never produced for observed pairs, accepted for 2x2 use): PRR = ROR = 0, lower
  limit 0, upper limit NaN.
* IC is always finite: the +1/2 in Norén's shrinkage keeps O = 0 or E = 0 well defined.
Division warnings are silenced; the inf/NaN values above are the result, not an error.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # numpy.typing costs a few ms at start-up; annotations only
    from numpy.typing import ArrayLike

# Two-sided 95% normal quantile qnorm(0.975), not the rounded 1.96: the 2x2 anchors in
# NOTES.md (PhViD, pharmsignal) use R's qnorm, which moves the 6th significant digit.
Z95 = 1.959963984540054


def _cells(
    n: ArrayLike, n_drug: ArrayLike, n_event: ArrayLike, n_total: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    a = np.asarray(n, dtype=np.float64)
    b = np.asarray(n_drug, dtype=np.float64) - a
    c = np.asarray(n_event, dtype=np.float64) - a
    d = np.asarray(n_total, dtype=np.float64) - a - b - c
    return a, b, c, d


def prr(
    n: ArrayLike, n_drug: ArrayLike, n_event: ArrayLike, n_total: ArrayLike, z: float = Z95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """PRR = [a/(a+b)] / [c/(c+d)] with the log-normal CI of Evans et al. (PhViD >= 1.02).

    Always on the unstratified margins, as in openEBGM, even when E is stratified.
    """
    a, b, c, d = _cells(n, n_drug, n_event, n_total)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (a / (a + b)) / (c / (c + d))
        se = np.sqrt(1.0 / a - 1.0 / (a + b) + 1.0 / c - 1.0 / (c + d))
        log_value = np.log(value)
        return value, np.exp(log_value - z * se), np.exp(log_value + z * se)


def ror(
    n: ArrayLike, n_drug: ArrayLike, n_event: ArrayLike, n_total: ArrayLike, z: float = Z95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ROR = ad / (bc) with Woolf's CI exp(ln ROR +- z sqrt(1/a + 1/b + 1/c + 1/d))."""
    a, b, c, d = _cells(n, n_drug, n_event, n_total)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (a * d) / (b * c)
        se = np.sqrt(1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d)
        log_value = np.log(value)
        return value, np.exp(log_value - z * se), np.exp(log_value + z * se)


def chi_square(
    n: ArrayLike,
    n_drug: ArrayLike,
    n_event: ArrayLike,
    n_total: ArrayLike,
    *,
    yates: bool = True,
) -> np.ndarray:
    """1-df chi-square on the 2x2 table; Yates-corrected by default (the MHRA/Evans screen).

    The Yates term max(|ad - bc| - N../2, 0) is clamped at 0, so a table closer to
    independence than the correction gives 0 rather than a spurious positive value.
    """
    a, b, c, d = _cells(n, n_drug, n_event, n_total)
    total = a + b + c + d
    diff = np.abs(a * d - b * c)
    if yates:
        diff = np.maximum(diff - total / 2.0, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return total * diff**2 / ((a + b) * (c + d) * (a + c) * (b + d))


def information_component(
    n: ArrayLike, expected: ArrayLike, *, special: ModuleType | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """IC = log2((O + 1/2) / (E + 1/2)) with exact Gamma(O + 1/2, rate E + 1/2) limits.

    This is the Norén, Hopstadius & Bate (2013) shrinkage form used for VigiBase and by pvda,
    not the older Gould/Bate BCPNN expectation. Returns (ic, ic025, ic975). ``special``:
    scipy.special by default, or the numpy-only signals.stats.lite.special (same names).
    """
    if special is None:
        from scipy import special  # noqa: PLC0415  (the other measures need numpy only)

    counts = np.asarray(n, dtype=np.float64)
    log2_rate = np.log2(np.asarray(expected, dtype=np.float64) + 0.5)
    # The gamma quantile depends on O only, so invert it once per distinct O (gammaincinv is
    # the slowest call here) and shift by log2(E + 1/2) per pair.
    distinct, inverse = np.unique(counts, return_inverse=True)
    shape = distinct + 0.5
    ic = np.log2(shape)[inverse] - log2_rate
    lower = np.log2(special.gammaincinv(shape, 0.025))[inverse] - log2_rate
    upper = np.log2(special.gammaincinv(shape, 0.975))[inverse] - log2_rate
    return ic, lower, upper
