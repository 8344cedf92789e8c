"""Pure disproportionality statistics (numpy / scipy / pandas; no Django, DRF or Celery).

Entry points: ``compute_signals`` (rows -> every measure), or the steps ``count_pairs`` ->
``score_table``; ``roll_up`` maps drugs or events to another level before counting.
"""

from signals.stats.counts import PAIR_COLUMNS, count_pairs, pairs_from_cell_counts, roll_up
from signals.stats.ebscores import eb_quantile, eb_scores, ebgm, posterior_weight
from signals.stats.measures import chi_square, information_component, prr, ror
from signals.stats.mgps import (
    DEFAULT_STARTS,
    FitResult,
    Hyperparameters,
    Points,
    distinct_points,
    fit_hyperparameters,
    neg_log_likelihood,
    squash,
)
from signals.stats.pipeline import (
    OUTPUT_COLUMNS,
    SignalResult,
    add_measures,
    compute_signals,
    score_table,
)

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
