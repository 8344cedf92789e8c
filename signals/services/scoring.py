"""Scoring one period of a run, behind the MGPS fit quality gate (`signals.stats.quality`)."""

from __future__ import annotations

import pandas as pd
from django.conf import settings

from pv.core.exceptions import DomainError
from signals.models import SignalRun
from signals.stats import Hyperparameters, score_table
from signals.stats.quality import FALLBACK_PRIOR, REASONS, fit_problems


def score_period(counts: pd.DataFrame, run: SignalRun) -> tuple[pd.DataFrame, dict]:
    """Score one period. A fitted prior must pass the quality gate (`signals.stats.quality`);
    one that does not is replaced by the documented fallback prior, or fails the run when
    `PV_SIGNALS_FIT_POLICY` is "refuse". Either way the period's fit record says why."""
    hyper = Hyperparameters.from_sequence(run.hyper_given) if run.hyper_given else None
    try:
        result = score_table(counts, hyper=hyper, yates=run.yates)
    except (ArithmeticError, ValueError):
        # Too few pairs to evaluate the likelihood from any start.
        result, problems = None, ["too_few_points"]
    else:
        problems = (
            []
            if hyper is not None
            else fit_problems(result.fit, min_points=settings.PV_SIGNALS_MIN_FIT_POINTS)
        )
    if result is not None and not problems:
        return result.table, {**result.fit.to_dict(), "fitted": hyper is None}
    if settings.PV_SIGNALS_FIT_POLICY == "refuse":
        raise DomainError(
            "The MGPS fit failed the quality gate: "
            + "; ".join(REASONS[p] for p in problems)
            + ".",
            code="fit_rejected",
            extra={"reasons": problems},
        )
    rejected = result.fit.to_dict() if result is not None else None
    result = score_table(counts, hyper=FALLBACK_PRIOR, yates=run.yates)
    fit = {
        **result.fit.to_dict(),
        "fitted": False,
        "fallback": True,
        "fallback_reasons": problems,
        "rejected_fit": rejected,
    }
    return result.table, fit
