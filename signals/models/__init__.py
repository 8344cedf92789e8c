"""Signal runs, their stored per-pair results, imported background data and signal records.

The statistics are the pure core's (`signals.stats`, `signals.trends`); these models keep what a
run used (source, levels, thresholds, hyperparameters and -loglik per period, timings) and what
it found, so every figure a sponsor sees can be traced to its run (GVP IX: analyses kept).
"""

from .records import Signal, SignalTransition
from .results import InteractionResult, SignalFact, SignalResult
from .runs import DrugLevel, EventLevel, ExternalDataset, SignalRun, Source

__all__ = [
    "DrugLevel", "EventLevel", "ExternalDataset", "InteractionResult", "Signal", "SignalFact",
    "SignalResult", "SignalRun", "SignalTransition", "Source",
]  # fmt: skip
