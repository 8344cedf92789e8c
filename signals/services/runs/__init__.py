"""Signal runs: create (validated, audited, enqueued on commit), execute (claimed once), store.

A run counts its facts in SQL for every quarter cumulatively (or only the last), feeds each
aggregate to the pure `score_table`, flags thresholds with `flag_signals`, stores every pair's
measures in bulk and raises a signal record the first quarter a pair meets a threshold
(`first_signals`), idempotently: a pair already on record is updated, never duplicated.

* `create`: `signal_run_create` (validation, the run row, audit, enqueue on commit);
* `execute`: `signal_run_execute` (claim, count, score, prioritise, then store);
* `store`: the run's `SignalResult` rows and its signal records.
"""

from signals.services.runs.create import signal_run_create
from signals.services.runs.execute import signal_run_execute

__all__ = ["signal_run_create", "signal_run_execute"]
