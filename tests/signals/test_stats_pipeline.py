"""compute_signals / score_table: the entry points the Django service calls."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signals.stats import (
    OUTPUT_COLUMNS,
    PAIR_COLUMNS,
    Hyperparameters,
    chi_square,
    compute_signals,
    count_pairs,
    eb_scores,
    score_table,
)
from tests.signals import shared_path

THETA = Hyperparameters(3.25596685, 0.39998994, 2.02376139, 1.90614108, 0.06530755)


@pytest.fixture(scope="module")
def caers() -> pd.DataFrame:
    return pd.read_csv(shared_path("signals_data", "caers.csv"))


def test_score_table_accepts_an_aggregate_built_elsewhere(caers: pd.DataFrame) -> None:
    # given counts aggregated the way a SQL GROUP BY would (distinct ids per group)
    n = caers.groupby(["var1", "var2"])["id"].nunique().rename("n").reset_index()
    n_drug = caers.groupby("var1")["id"].nunique().rename("n_drug")
    n_event = caers.groupby("var2")["id"].nunique().rename("n_event")
    agg = n.join(n_drug, on="var1").join(n_event, on="var2")
    agg = agg.rename(columns={"var1": "drug", "var2": "event"}).assign(
        n_total=caers["id"].nunique()
    )
    agg["expected"] = agg["n_drug"] * agg["n_event"] / agg["n_total"]
    # when scored
    result = score_table(agg, hyper=THETA).table
    # then it equals the one-call pipeline
    direct = compute_signals(caers, hyper=THETA).table
    for col in OUTPUT_COLUMNS[2:]:
        np.testing.assert_allclose(result[col], direct[col], rtol=1e-12)


def test_score_table_names_missing_columns() -> None:
    with pytest.raises(KeyError, match="n_total, expected"):
        score_table(pd.DataFrame({"drug": [], "event": [], "n": [], "n_drug": [], "n_event": []}))


def test_scores_broadcast_from_distinct_points_equal_per_pair_scores(
    caers: pd.DataFrame,
) -> None:
    table = compute_signals(caers, hyper=THETA).table
    per_pair = eb_scores(table["n"], table["expected"], THETA)
    for key in ("ebgm", "eb05", "eb95", "qn"):
        np.testing.assert_array_equal(table[key].to_numpy(), per_pair[key])


def test_pearson_option_and_table_extras(caers: pd.DataFrame) -> None:
    counts = count_pairs(caers)
    pearson = score_table(counts, hyper=THETA, yates=False).table
    expected = chi_square(
        counts["n"], counts["n_drug"], counts["n_event"], counts["n_total"], yates=False
    )
    np.testing.assert_array_equal(pearson["chi2"].to_numpy(), expected)
    assert {"n_drug", "n_event", "n_total", "qn"} <= set(pearson.columns)
    assert (pearson["rr"] == pearson["n"] / pearson["expected"]).all()


def test_progress_callback_reports_steps(caers: pd.DataFrame) -> None:
    messages: list[str] = []
    result = compute_signals(caers, progress=messages.append)
    assert any("fitting the MGPS prior on 1,723" in m for m in messages)
    assert result.fit.agreed
    assert result.fit.within_bounds


def test_empty_counts() -> None:
    empty = pd.DataFrame({c: pd.Series(dtype="int64") for c in PAIR_COLUMNS}).astype(
        {"drug": object, "event": object, "expected": float}
    )
    result = score_table(empty, hyper=THETA)
    assert list(result.table.columns[: len(PAIR_COLUMNS)]) == PAIR_COLUMNS
    assert set(OUTPUT_COLUMNS) <= set(result.table.columns)
    assert result.table.empty
    with pytest.raises(ValueError, match="nothing to fit"):
        score_table(empty)
