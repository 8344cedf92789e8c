"""Time trends: cumulative measures per period and the first period a pair signals (pure).

A signal is raised when a pair *first* meets a threshold on the data accumulated up to a
period (GVP IX screening on cumulative data). Thresholds are configurable; the defaults are the
usual screens: PRR >= 2 with chi2 >= 4 and N >= 3 (Evans), ROR lower 95% > 1, IC025 > 0 and
EB05 >= 2 (FDA). Periods are any sortable labels; ``quarter_of`` makes "2017Q2"-style ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from signals.stats import Hyperparameters, compute_signals

MEASURES = ("prr", "ror", "ic", "ebgm")


@dataclass(frozen=True)
class Thresholds:
    """Signal criteria; ``>=`` unless the field name says ``above`` (strict)."""

    prr: float = 2.0
    prr_chi2: float = 4.0
    prr_min_n: int = 3
    ror_lower_above: float = 1.0
    ror_min_n: int = 3
    ic025_above: float = 0.0
    ic_min_n: int = 3
    eb05: float = 2.0
    eb_min_n: int = 3


def flag_signals(table: pd.DataFrame, thresholds: Thresholds = Thresholds()) -> pd.DataFrame:
    """Boolean columns ``signal_prr``, ``signal_ror``, ``signal_ic``, ``signal_ebgm``.

    NaN compares False, so an undefined limit (zero cells) never raises a signal by itself;
    an infinite PRR with N >= 3 and chi2 >= 4 does (the event is only seen with this drug).
    """
    t, n = thresholds, table["n"]
    return pd.DataFrame(
        {
            "signal_prr": (table["prr"] >= t.prr)
            & (table["chi2"] >= t.prr_chi2)
            & (n >= t.prr_min_n),
            "signal_ror": (table["ror_lower95"] > t.ror_lower_above) & (n >= t.ror_min_n),
            "signal_ic": (table["ic025"] > t.ic025_above) & (n >= t.ic_min_n),
            "signal_ebgm": (table["eb05"] >= t.eb05) & (n >= t.eb_min_n),
        },
        index=table.index,
    )


def quarter_of(dates: pd.Series) -> pd.Series:
    """Calendar quarter labels ("2017Q2") for dates or date strings; NaT stays missing."""
    parsed = pd.to_datetime(dates, errors="coerce")
    labels = parsed.dt.to_period("Q").astype(str)
    return labels.where(parsed.notna())


def cumulative_measures(
    rows: pd.DataFrame,
    *,
    period_col: str = "quarter",
    id_col: str = "id",
    drug_col: str = "var1",
    event_col: str = "var2",
    strata: Sequence[str] = (),
    hyper: Hyperparameters | None = None,
    yates: bool = True,
    periods: Sequence[object] | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Every measure for every pair on the rows up to and including each period.

    Returns one table per period stacked, with a ``period`` column first. The MGPS prior is
    refitted on each cumulative set unless ``hyper`` fixes it (then scores are comparable
    across periods by construction). The loop is over periods, never over pairs.
    """
    if period_col not in rows.columns:
        raise KeyError(f"missing column: {period_col}")
    if rows[period_col].isna().any():
        row = int(rows[period_col].isna().to_numpy().argmax()) + 1
        raise ValueError(f"missing {period_col} value in input row {row}")
    labels = sorted(rows[period_col].unique()) if periods is None else list(periods)
    frames = []
    for label in labels:
        upto = rows[rows[period_col] <= label]
        if upto.empty:
            continue
        if progress:
            progress(f"period {label}: {len(upto):,} rows")
        result = compute_signals(
            upto,
            id_col=id_col,
            drug_col=drug_col,
            event_col=event_col,
            strata=strata,
            hyper=hyper,
            yates=yates,
        )
        frames.append(result.table.assign(period=label))
    if not frames:
        return pd.DataFrame(columns=["period"])
    table = pd.concat(frames, ignore_index=True)
    return table[["period", *[c for c in table.columns if c != "period"]]]


def first_signals(
    trend: pd.DataFrame,
    thresholds: Thresholds = Thresholds(),
    *,
    measures: Sequence[str] = MEASURES,
) -> pd.DataFrame:
    """The first period in which each pair meets each measure's criterion.

    ``trend`` is ``cumulative_measures`` output. Returns columns drug, event, measure,
    first_period, n, value, lower (the measure and its lower limit in that period), one row
    per (pair, measure) that ever signalled, ordered by period then pair.
    """
    unknown = set(measures) - set(MEASURES)
    if unknown:
        raise ValueError(f"unknown measure(s): {', '.join(sorted(unknown))}")
    flags = flag_signals(trend, thresholds)
    value_lower = {
        "prr": ("prr", "prr_lower95"),
        "ror": ("ror", "ror_lower95"),
        "ic": ("ic", "ic025"),
        "ebgm": ("ebgm", "eb05"),
    }
    parts = []
    for measure in measures:  # four measures at most: vectorised within each
        hit = trend[flags[f"signal_{measure}"]]
        value, lower = value_lower[measure]
        parts.append(
            pd.DataFrame(
                {
                    "drug": hit["drug"],
                    "event": hit["event"],
                    "measure": measure,
                    "first_period": hit["period"],
                    "n": hit["n"],
                    "value": hit[value],
                    "lower": hit[lower],
                }
            )
        )
    hits = pd.concat(parts, ignore_index=True)
    hits = hits.sort_values(["first_period", "drug", "event", "measure"], kind="stable")
    return hits.drop_duplicates(["drug", "event", "measure"], keep="first").reset_index(drop=True)
