"""A box-bounded quasi-Newton minimiser in numpy: the fast path's stand-in for scipy's SLSQP.

The MGPS likelihood comes with its analytic gradient (``signals.stats.mgps._Likelihood``), so
BFGS with a projected backtracking (Armijo) line search is enough: five parameters, bounds that
only keep exp() finite (``mgps.X_BOUNDS``). No step moves a coordinate by more than
``max_step`` (1 in log alpha / log beta / logit P) and the first inverse Hessian is the identity
(no Shanno-Phua rescaling): the MGPS likelihood can have two modes (caers does; docs/signals.md),
and with longer first steps a start can jump into the other basin. With these settings every
openEBGM start ends in the basin SLSQP's does on caers (names as written and canonicalised), the
openEBGM toys and PhViD's table, so the winner and the starts-agree gate come out the same; on
other data two different optimisers *can* end in different modes from the same start (as
nlminb and L-BFGS-B do on caers), which is why the choice is tested, not assumed.

A coordinate resting on a bound with the gradient pushing outwards is frozen for the step (the
projected gradient), as L-BFGS-B does, so a degenerate optimum at a bound (alpha1 -> 0 on tiny
data) ends rather than zigzags.

It stops when a step lowers -loglik by less than 1e-13 relative twice running, or when the
projected gradient is below 1e-9: tighter than SLSQP's ftol = 1e-10, so on caers it lands where
SLSQP does, to ~1e-12 relative in -loglik (tests/signals/test_stats_lite.py).

Small vectors only: the 5 x 5 products are written as ufunc reductions, not ``@``, which would
wake OpenBLAS's thread pool (see mgps._Likelihood on why that matters on shared cores).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


def _matvec(h: np.ndarray, v: np.ndarray) -> np.ndarray:
    return (h * v).sum(axis=1)


def minimise_bfgs(
    objective: Objective,
    x0: np.ndarray,
    bounds: Sequence[tuple[float, float]],
    *,
    max_iter: int = 1000,
    ftol: float = 1e-12,
    gtol: float = 1e-9,
    max_step: float = 1.0,
) -> tuple[np.ndarray, float]:
    """Minimise ``objective`` (returning value and gradient) within ``bounds``; (x, value)."""
    lower = np.array([b[0] for b in bounds], dtype=np.float64)
    upper = np.array([b[1] for b in bounds], dtype=np.float64)
    x = np.clip(np.asarray(x0, dtype=np.float64), lower, upper)
    f, g = objective(x)
    if not np.isfinite(f):
        return x, float(f)
    size = len(x)
    h = np.eye(size)
    quiet = 0
    for _ in range(max_iter):
        # Coordinates held at a bound by the gradient stay there this step.
        held = ((x <= lower) & (g > 0)) | ((x >= upper) & (g < 0))
        free_g = np.where(held, 0.0, g)
        if np.max(np.abs(free_g)) <= gtol:
            break
        direction = -_matvec(h, free_g)
        direction[held] = 0.0
        slope = float((free_g * direction).sum())
        if slope >= 0:  # not a descent direction: restart from steepest descent
            h = np.eye(size)
            direction = -free_g
            slope = float((free_g * direction).sum())
        longest = float(np.max(np.abs(direction)))
        step = min(1.0, max_step / longest) if longest > 0 else 1.0
        while True:
            trial = np.clip(x + step * direction, lower, upper)
            f_new, g_new = objective(trial)
            if np.isfinite(f_new) and f_new <= f + 1e-4 * float((g * (trial - x)).sum()):
                break
            step *= 0.5
            if step < 1e-20:
                return x, float(f)
        s, y = trial - x, g_new - g
        sy = float((s * y).sum())
        yy = float((y * y).sum())
        if sy > 1e-12 * np.sqrt(float((s * s).sum()) * yy):
            rho = 1.0 / sy
            hy = _matvec(h, y)
            # H <- (I - rho s y') H (I - rho y s') + rho s s'
            h = (
                h
                - rho * (np.outer(s, hy) + np.outer(hy, s))
                + (rho * rho * float((y * hy).sum()) + rho) * np.outer(s, s)
            )
        decrease = f - f_new
        x, f, g = trial, f_new, g_new
        quiet = quiet + 1 if decrease <= ftol * max(1.0, abs(f)) else 0
        if quiet >= 2:
            break
    return x, float(f)
