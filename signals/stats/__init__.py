"""Pure disproportionality statistics (numpy / scipy / pandas; no Django, DRF or Celery).

Entry points: ``compute_signals`` (rows -> every measure), or the steps ``count_pairs`` ->
``score_table``; ``roll_up`` maps drugs or events to another level before counting.

The names below are loaded when first used (PEP 562), not with the package: importing a
numpy-only submodule (``theta``, ``lite``) must not pull in pandas and scipy, which the
command line's fast path avoids (docs/signals.md, "Start-up").
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_HOMES = {
    "counts": ("PAIR_COLUMNS", "count_pairs", "pairs_from_cell_counts", "roll_up"),
    "ebscores": ("eb_quantile", "eb_scores", "ebgm", "posterior_weight"),
    "measures": ("chi_square", "information_component", "prr", "ror"),
    "mgps": ("Points", "distinct_points", "fit_hyperparameters", "neg_log_likelihood", "squash"),
    "theta": ("DEFAULT_STARTS", "FitResult", "Hyperparameters"),
    "pipeline": ("SignalResult", "add_measures", "compute_signals", "score_table"),
    "columns": ("OUTPUT_COLUMNS",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

if TYPE_CHECKING:
    from signals.stats.columns import OUTPUT_COLUMNS
    from signals.stats.counts import PAIR_COLUMNS, count_pairs, pairs_from_cell_counts, roll_up
    from signals.stats.ebscores import eb_quantile, eb_scores, ebgm, posterior_weight
    from signals.stats.measures import chi_square, information_component, prr, ror
    from signals.stats.mgps import (
        Points,
        distinct_points,
        fit_hyperparameters,
        neg_log_likelihood,
        squash,
    )
    from signals.stats.pipeline import (
        SignalResult,
        add_measures,
        compute_signals,
        score_table,
    )
    from signals.stats.theta import DEFAULT_STARTS, FitResult, Hyperparameters


def __getattr__(name: str) -> object:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'signals.stats' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"signals.stats.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_STARTS",
    "OUTPUT_COLUMNS",
    "PAIR_COLUMNS",
    "FitResult",
    "Hyperparameters",
    "Points",
    "SignalResult",
    "add_measures",
    "chi_square",
    "compute_signals",
    "count_pairs",
    "distinct_points",
    "eb_quantile",
    "eb_scores",
    "ebgm",
    "fit_hyperparameters",
    "information_component",
    "neg_log_likelihood",
    "pairs_from_cell_counts",
    "posterior_weight",
    "prr",
    "roll_up",
    "ror",
    "score_table",
    "squash",
]
