"""Is an MGPS fit fit to use? The quality gate a run applies before it scores with a fitted prior.

A maximum-likelihood theta is only as good as the data under it. A quarter with a handful of
distinct (N, E) points, or one whose optimum runs off to the bounds (alpha or beta in the
thousands, P at 0 or 1), gives a prior that makes every EBGM the same number, or squeezes the
EB interval at N = 1 tighter than at N = 3. openEBGM's ``autoHyper`` accepts a fit only when
two starts agree and the estimates stay within bounds; we apply the same rules, and add a
minimum number of points (DuMouchel fitted on thousands; below a few dozen the likelihood is too
flat to pick a theta).
"""

from __future__ import annotations

from signals.stats.theta import FitResult, Hyperparameters

# DuMouchel's FDA SRS estimates (DuMouchel 1999, Table 2; NOTES.md section 3): the documented
# prior used when a fit fails the gate.
FALLBACK_PRIOR = Hyperparameters(0.2, 0.06, 1.4, 1.8, 0.1)
MIN_POINTS = 30
MAX_PARAMETER = 100.0  # autoHyper's bound on alpha and beta

REASONS = {
    "too_few_points": "too few distinct (N, E) points for the likelihood to choose a prior",
    "out_of_bounds": "an alpha or beta left (0, 100) or P reached 0 or 1",
    "starts_disagree": "no two optimiser starts reached the same prior",
}


def fit_problems(fit: FitResult, *, min_points: int = MIN_POINTS) -> list[str]:
    """Why `fit` should not be used (keys of REASONS), or [] when it passes the gate."""
    problems = []
    if fit.n_points < min_points:
        problems.append("too_few_points")
    a1, b1, a2, b2, p = fit.hyper.as_tuple()
    within = all(0 < v < MAX_PARAMETER for v in (a1, b1, a2, b2)) and 1e-6 < p < 1 - 1e-6
    if not (within and fit.within_bounds):
        problems.append("out_of_bounds")
    if not fit.agreed:
        problems.append("starts_disagree")
    return problems
