"""Writes for signals (HackSoft style: keyword-only, `<entity>_<verb>`)."""

from signals.services.demo import signals_demo_seed
from signals.services.faers_import import faers_dataset_import
from signals.services.publishing import signal_run_publish, signal_run_unpublish
from signals.services.run_options import thresholds_from
from signals.services.runs import signal_run_create, signal_run_execute
from signals.services.workflow import signal_transition

__all__ = [
    "faers_dataset_import",
    "signal_run_create",
    "signal_run_execute",
    "signal_run_publish",
    "signal_run_unpublish",
    "signal_transition",
    "signals_demo_seed",
    "thresholds_from",
]
