"""2x2 measures against the worked anchors of NOTES.md section 2 and the zero-cell choices.

The anchors are printed there to 6 significant digits, so they are compared to half a unit of
the last printed digit (5e-6 relative, or the stated absolute precision): that is the closest
the printed table allows. The closed forms themselves are exact to machine precision.
"""

from __future__ import annotations

import numpy as np
import pytest

from signals.stats import chi_square, information_component, prr, ror

# (a, n1., n.1, N..) -> E, PRR [lo, hi], ROR [lo, hi], chi2, chi2 Yates, IC, IC025
ANCHORS = [
    (
        (25, 1126, 87, 572573),
        0.171091,
        (204.638, 129.100, 324.372),
        (209.262, 131.038, 334.180),
        3610.85,
        3466.88,
        5.24785,
        4.62687,
    ),
    (
        (203, 30068, 508, 155209),
        98.4127,
        (2.77007, 2.32051, 3.30673),
        (2.78211, 2.32850, 3.32407),
        138.308,
        136.989,
        1.04080,
        0.835434,
    ),
    (
        (1614, 85304, 71209, 4640498),
        1309.00,
        (1.23841, 1.17933, 1.30044),
        (1.24300, 1.18259, 1.30650),
        73.5247,
        73.2838,
        0.302071,
        0.230818,
    ),
    (
        (328, 85304, 3001, 4640498),
        55.1659,
        (6.55258, 5.84385, 7.34726),
        (6.57401, 5.86062, 7.37425),
        1375.51,
        1370.48,
        2.56103,
        2.40062,
    ),
    (
        (122, 1442, 503, 33164),
        21.8709,
        (7.04418, 5.78497, 8.57748),
        (7.60280, 6.15536, 9.39061),
        486.629,
        481.781,
        2.45309,
        2.18561,
    ),
    (
        (3, 10, 50, 10000),
        0.05,
        (63.7660, 23.7228, 171.400),
        (90.6657, 22.7519, 361.300),
        175.100,
        120.774,
        2.66985,
        0.619408,
    ),
]


def close(got: float, want: float) -> bool:
    # half a unit in the 6th significant digit of the printed value
    return abs(got - want) <= 0.5 * 10 ** (np.floor(np.log10(abs(want))) - 5) * 1.0001


@pytest.mark.parametrize("case", ANCHORS, ids=lambda c: str(c[0]) if isinstance(c, tuple) else "")
def test_two_by_two_anchors(case: tuple) -> None:
    (a, n1, m1, total), e, prr_ref, ror_ref, chi2, chi2_yates, ic, ic025 = case
    expected = n1 * m1 / total
    assert close(expected, e)
    for got, want in zip(np.ravel(prr(a, n1, m1, total)), prr_ref, strict=True):
        assert close(got, want), (got, want)
    for got, want in zip(np.ravel(ror(a, n1, m1, total)), ror_ref, strict=True):
        assert close(got, want), (got, want)
    assert close(chi_square(a, n1, m1, total, yates=False), chi2)
    assert close(chi_square(a, n1, m1, total), chi2_yates)
    got_ic, got_lo, _ = information_component(a, expected)
    assert close(got_ic, ic)
    assert close(got_lo, ic025)


def test_noren_stratum_4_zero_count() -> None:
    # a = 0: PRR = ROR = 0 with undefined (NaN) upper limits; Yates chi2 clamps at 0
    a, n1, m1, total = 0, 5232, 3, 80140
    value, _, upper = prr(a, n1, m1, total)
    assert value == 0
    assert np.isnan(upper)
    assert ror(a, n1, m1, total)[0] == 0
    assert chi_square(a, n1, m1, total) == 0
    assert close(chi_square(a, n1, m1, total, yates=False), 0.209545)
    ic, lo, _ = information_component(a, n1 * m1 / total)
    assert close(ic, -0.476863)
    assert close(lo, -10.4688)


def test_information_component_closed_form_and_exact_gamma_limits() -> None:
    from scipy import stats

    n = np.array([0, 1, 3, 25, 1000])
    e = np.array([0.2, 0.05, 0.05, 0.17, 900.0])
    ic, lo, hi = information_component(n, e)
    np.testing.assert_allclose(ic, np.log2((n + 0.5) / (e + 0.5)), rtol=1e-13)
    ref_lo = np.log2(stats.gamma.ppf(0.025, n + 0.5, scale=1 / (e + 0.5)))
    ref_hi = np.log2(stats.gamma.ppf(0.975, n + 0.5, scale=1 / (e + 0.5)))
    np.testing.assert_allclose(lo, ref_lo, rtol=1e-10)
    np.testing.assert_allclose(hi, ref_hi, rtol=1e-10)


def test_zero_cells_are_inf_or_nan_as_documented() -> None:
    # c = 0: the event only ever appears with this drug
    value, lo, hi = prr(2, 5, 2, 100)
    assert np.isposinf(value)
    assert np.isnan(lo)
    assert np.isposinf(hi)
    assert np.isinf(ror(2, 5, 2, 100)[0])
    assert np.isfinite(chi_square(2, 5, 2, 100))
    # b = 0: the drug only ever appears with this event -> PRR finite, ROR infinite
    assert np.isfinite(prr(2, 2, 5, 100)[0])
    value, lo, hi = ror(2, 2, 5, 100)
    assert np.isposinf(value)
    assert np.isnan(lo)
    assert np.isposinf(hi)


def test_vectorised_matches_scalar() -> None:
    cells = np.array([c[0] for c in ANCHORS], dtype=float).T
    values = prr(*cells)[0]
    for i, case in enumerate(ANCHORS):
        assert values[i] == prr(*case[0])[0]
