"""Cumulative measures per period and first-signal detection."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signals.stats import Hyperparameters, compute_signals
from signals.trends import (
    Thresholds,
    cumulative_measures,
    first_signals,
    flag_signals,
    quarter_of,
)
from tests.signals import shared_path

THETA = Hyperparameters(0.2, 0.06, 1.4, 1.8, 0.1)


def background(n_reports: int, quarter: str, start_id: int, seed: int) -> pd.DataFrame:
    """Reports with random drugs/events that carry no association."""
    rng = np.random.default_rng(seed)
    ids = np.repeat(np.arange(start_id, start_id + n_reports), 2)
    return pd.DataFrame(
        {
            "id": ids,
            "var1": rng.choice([f"D{i}" for i in range(20)], len(ids)),
            "var2": rng.choice([f"E{i}" for i in range(30)], len(ids)),
            "quarter": quarter,
        }
    )


def spike(n_reports: int, quarter: str, start_id: int) -> pd.DataFrame:
    """Reports naming DX with EX (and an unrelated drug and event, so no 2x2 cell is 0)."""
    ids = np.repeat(np.arange(start_id, start_id + n_reports), 2)
    return pd.DataFrame(
        {
            "id": ids,
            "var1": np.tile(["DX", "D1"], n_reports),
            "var2": np.tile(["EX", "E1"], n_reports),
            "quarter": quarter,
        }
    )


def unrelated(quarter: str, start_id: int) -> pd.DataFrame:
    """DX without EX, and EX without DX: the b and c cells."""
    return pd.DataFrame(
        {
            "id": [start_id, start_id + 1, start_id + 2],
            "var1": ["DX", "D2", "D3"],
            "var2": ["E5", "EX", "EX"],
            "quarter": quarter,
        }
    )


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    # given background in Q1-Q3 and a DX/EX cluster arriving only in 2020Q3
    return pd.concat(
        [
            background(300, "2020Q1", 0, 1),
            unrelated("2020Q1", 900),
            background(300, "2020Q2", 1000, 2),
            spike(1, "2020Q2", 5000),
            background(300, "2020Q3", 2000, 3),
            spike(8, "2020Q3", 6000),
        ],
        ignore_index=True,
    )


def test_cumulative_measures_grow_with_each_period(rows: pd.DataFrame) -> None:
    trend = cumulative_measures(rows, hyper=THETA)
    assert list(trend.columns[:3]) == ["period", "drug", "event"]
    assert trend["period"].unique().tolist() == ["2020Q1", "2020Q2", "2020Q3"]
    totals = trend.groupby("period")["n_total"].first()
    assert totals.tolist() == [303, 604, 912]
    # the last period equals a one-shot computation over everything
    last = trend[trend["period"] == "2020Q3"].drop(columns="period").reset_index(drop=True)
    full = compute_signals(rows, hyper=THETA).table
    pd.testing.assert_frame_equal(last, full)


def test_first_signal_is_the_quarter_the_cluster_arrives(rows: pd.DataFrame) -> None:
    trend = cumulative_measures(rows, hyper=THETA)
    first = first_signals(trend)
    dx = first[(first["drug"] == "DX") & (first["event"] == "EX")].set_index("measure")
    # one report in Q2 is not enough for PRR (N >= 3) but the Q3 cluster is
    assert dx.loc["prr", "first_period"] == "2020Q3"
    assert dx.loc["prr", "n"] == 9
    assert set(dx.index) == {"prr", "ror", "ic", "ebgm"}
    assert (dx["first_period"] >= "2020Q2").all()
    # one row per (pair, measure)
    assert not first.duplicated(["drug", "event", "measure"]).any()


def test_thresholds_are_configurable(rows: pd.DataFrame) -> None:
    trend = cumulative_measures(rows, hyper=THETA)
    strict = Thresholds(prr=1e9, eb05=1e9, ror_lower_above=1e9, ic025_above=1e9)
    assert first_signals(trend, strict).empty
    only_eb = first_signals(trend, measures=["ebgm"])
    assert set(only_eb["measure"]) == {"ebgm"}
    with pytest.raises(ValueError, match="unknown measure"):
        first_signals(trend, measures=["bogus"])


def test_flag_defaults_on_caers_match_published_counts() -> None:
    caers = pd.read_csv(shared_path("signals_data", "caers.csv"))
    theta = Hyperparameters(3.25596685, 0.39998994, 2.02376139, 1.90614108, 0.06530755)
    table = compute_signals(caers, hyper=theta).table
    flags = flag_signals(table)
    assert flags["signal_ebgm"].sum() == 131
    relaxed = Thresholds(prr_chi2=0.0)  # PRR >= 2 & N >= 3 alone
    assert flag_signals(table, relaxed)["signal_prr"].sum() == 378


def test_quarter_of() -> None:
    got = quarter_of(pd.Series(["2017-04-02", "2017-12-31", None, "20040105"]))
    assert got.tolist()[:2] == ["2017Q2", "2017Q4"]
    assert pd.isna(got.iloc[2])


def test_missing_period_is_an_error(rows: pd.DataFrame) -> None:
    broken = rows.copy()
    broken.loc[5, "quarter"] = None
    with pytest.raises(ValueError, match="quarter value in input row 6"):
        cumulative_measures(broken, hyper=THETA)
