"""theta, the MGPS prior's five numbers, and a fit's result: numpy only, so that the
command line's numpy-only path (``signals.stats.lite``) and the quality gate can use them
without importing pandas or scipy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np


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
