"""Distinct-report counting, stratified E and level roll-up."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.stats import count_pairs, pairs_from_cell_counts, roll_up
from tests.signals import shared_path


@cache
def caers() -> pd.DataFrame:
    return pd.read_csv(shared_path("signals_data", "caers.csv"))


def brute_force(rows: pd.DataFrame, strata: list[str] | None = None) -> pd.DataFrame:
    """openEBGM's processRaw written the slow, obvious way with set semantics."""
    rows = rows.assign(stratum=rows[strata].astype(str).agg("|".join, axis=1) if strata else "")
    records = []
    for (drug, event), group in rows.groupby(["var1", "var2"]):
        n = group["id"].nunique()
        expected = 0.0
        for _, s in rows.groupby("stratum"):
            n_drug = s.loc[s["var1"] == drug, "id"].nunique()
            n_event = s.loc[s["var2"] == event, "id"].nunique()
            expected += n_drug * n_event / s["id"].nunique()
        records.append((drug, event, n, expected))
    return pd.DataFrame(records, columns=["drug", "event", "n", "expected"])


def test_caers_counts_match_notes() -> None:
    # given openEBGM's caers data / when counted unstratified
    counts = count_pairs(caers())
    # then the totals in NOTES.md section 5 hold exactly
    assert int(counts["n_total"].iloc[0]) == 3356
    assert len(counts) == 17189
    assert counts["n"].sum() == 19917
    assert (counts["n"] == 1).sum() == 16040
    assert counts["expected"].sum() == pytest.approx(2086.5045, abs=5e-5)
    expected = counts["n_drug"] * counts["n_event"] / 3356
    np.testing.assert_allclose(counts["expected"], expected, rtol=1e-12)


def test_caers_pair_counts_are_distinct_reports() -> None:
    rows = caers()
    counts = count_pairs(rows).set_index(["drug", "event"])
    # an independent group-by over distinct ids
    n = rows.groupby(["var1", "var2"])["id"].nunique()
    n_drug = rows.groupby("var1")["id"].nunique()
    assert (counts["n"].to_numpy() == n.loc[counts.index].to_numpy()).all()
    drugs = counts.index.get_level_values(0)
    assert (counts["n_drug"].to_numpy() == n_drug.loc[drugs].to_numpy()).all()


def test_output_sorted_by_drug_then_event() -> None:
    counts = count_pairs(caers())
    keys = list(zip(counts["drug"], counts["event"], strict=True))
    assert keys == sorted(keys)


def test_caers_stratified_expected_matches_sum_over_strata() -> None:
    rows = caers()
    counts = count_pairs(rows, strata=["strat1"])
    # E_ij = sum_s n_i.(s) n_.j(s) / N..(s), vectorised here with an independent merge
    units = rows.drop_duplicates(["id", "strat1"])
    total = units.groupby("strat1")["id"].nunique().rename("tot")
    by_drug = rows.groupby(["var1", "strat1"])["id"].nunique().rename("nd").reset_index()
    by_event = rows.groupby(["var2", "strat1"])["id"].nunique().rename("ne").reset_index()
    pairs = counts[["drug", "event"]].rename(columns={"drug": "var1", "event": "var2"})
    merged = pairs.merge(by_drug, on="var1").merge(by_event, on=["var2", "strat1"])
    merged = merged.merge(total, left_on="strat1", right_index=True)
    ref = (
        (merged["nd"] * merged["ne"] / merged["tot"])
        .groupby([merged["var1"], merged["var2"]])
        .sum()
    )
    got = counts.set_index(["drug", "event"])["expected"]
    np.testing.assert_allclose(got.to_numpy(), ref.loc[got.index].to_numpy(), rtol=1e-12)
    # PRR margins stay unstratified, as in openEBGM
    plain = count_pairs(rows)
    assert (plain["n_drug"].to_numpy() == counts["n_drug"].to_numpy()).all()


@pytest.mark.parametrize("variant", ["rox_ids_unique", "rox_ids_shared"])
@pytest.mark.parametrize("strata", [None, ["strat1", "strat2"]])
def test_toy_tables_match_brute_force(variant: str, strata: list[str] | None) -> None:
    toy = pd.read_csv(shared_path("signals_data", "toy_openebgm_roxygen.csv"))
    rows = toy[toy["input"] == variant].drop(columns="input")
    counts = count_pairs(rows, strata=strata or ())
    ref = brute_force(rows, strata)
    assert counts["n"].tolist() == ref["n"].tolist()
    np.testing.assert_allclose(counts["expected"], ref["expected"], rtol=1e-12)


def test_vignette_toy_with_duplicate_rows_counts_reports_once() -> None:
    toy = pd.read_csv(shared_path("signals_data", "toy_openebgm_vignette02.csv"))
    doubled = pd.concat([toy, toy])  # every row twice: counts must not change
    a = count_pairs(toy, strata=["strat1", "strat2"])
    b = count_pairs(doubled, strata=["strat1", "strat2"])
    pd.testing.assert_frame_equal(a, b)
    np.testing.assert_allclose(
        a["expected"], brute_force(toy, ["strat1", "strat2"])["expected"], rtol=1e-12
    )


def test_missing_value_names_the_row() -> None:
    rows = pd.DataFrame({"id": [1, 2, 3], "var1": ["a", None, "b"], "var2": ["x", "y", "z"]})
    with pytest.raises(ValueError, match="var1 value in input row 2"):
        count_pairs(rows)
    with pytest.raises(KeyError, match="strat"):
        count_pairs(rows.dropna(), strata=["strat"])


def test_roll_up_many_to_many_counts_each_report_once_per_parent() -> None:
    # given a report with two PTs under the same HLT, and one PT under two HLTs
    rows = pd.DataFrame(
        {
            "id": [1, 1, 2, 3],
            "var1": ["d", "d", "d", "e"],
            "var2": ["pt_a", "pt_b", "pt_c", "pt_x"],
        }
    )
    hierarchy = pd.DataFrame(
        {"pt": ["pt_a", "pt_b", "pt_c", "pt_c"], "hlt": ["H1", "H1", "H1", "H2"]}
    )
    # when rolled up to HLT (pt_x unmapped: dropped by default)
    up = roll_up(rows, "var2", hierarchy)
    counts = count_pairs(up).set_index(["drug", "event"])
    # then report 1 counts once for H1, and report 2 counts under both parents
    assert counts.loc[("d", "H1"), "n"] == 2
    assert counts.loc[("d", "H2"), "n"] == 1
    assert "e" not in counts.index.get_level_values(0)
    kept = roll_up(rows, "var2", {"pt_a": "H1"}, keep_unmapped=True)
    assert sorted(kept["var2"]) == ["H1", "pt_b", "pt_c", "pt_x"]


def test_roll_up_products_to_ingredients() -> None:
    rows = pd.DataFrame({"id": [1, 2], "var1": ["Brand A", "Brand B"], "var2": ["x", "x"]})
    up = roll_up(rows, "var1", {"Brand A": "ingredient", "Brand B": "ingredient"})
    counts = count_pairs(up)
    assert counts[["drug", "event", "n", "n_total"]].values.tolist() == [["ingredient", "x", 2, 2]]


def test_report_spanning_strata_counts_in_each_stratum() -> None:
    # given report 1 with rows in two strata (inconsistent data openEBGM still accepts)
    rows = pd.DataFrame(
        {
            "id": [1, 1, 2, 3, 3, 4],
            "var1": ["a", "b", "a", "b", "c", "c"],
            "var2": ["x", "y", "y", "x", "x", "y"],
            "sex": ["F", "M", "F", "M", "M", "F"],
        }
    )
    counts = count_pairs(rows, strata=["sex"])
    ref = brute_force(rows, ["sex"])
    np.testing.assert_allclose(counts["expected"], ref["expected"], rtol=1e-12)
    consistent = rows.assign(sex=rows.groupby("id")["sex"].transform("first"))
    np.testing.assert_allclose(
        count_pairs(consistent, strata=["sex"])["expected"],
        brute_force(consistent, ["sex"])["expected"],
        rtol=1e-12,
    )


def test_categorical_input_sorts_by_value_and_ignores_unused_categories() -> None:
    rows = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "var1": pd.Categorical(["b", "a", "b"], categories=["z", "b", "a"]),
            "var2": pd.Categorical(["x", "x", "y"]),
        }
    )
    counts = count_pairs(rows)
    assert counts[["drug", "event"]].values.tolist() == [["a", "x"], ["b", "x"], ["b", "y"]]
    plain = count_pairs(rows.astype({"var1": str, "var2": str}))
    pd.testing.assert_frame_equal(counts.astype({"drug": str, "event": str}), plain)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 12),  # report id
            st.sampled_from(["a", "b", "c", "d"]),
            st.sampled_from(["x", "y", "z"]),
            st.sampled_from(["F", "M"]),
        ),
        min_size=1,
        max_size=40,
    ),
    st.booleans(),
)
def test_counts_match_brute_force_on_random_tables(
    records: list[tuple[int, str, str, str]], stratified: bool
) -> None:
    rows = pd.DataFrame(records, columns=["id", "var1", "var2", "sex"])
    strata = ["sex"] if stratified else None
    counts = count_pairs(rows, strata=strata or ())
    ref = brute_force(rows, strata)
    assert counts["n"].tolist() == ref["n"].tolist()
    np.testing.assert_allclose(counts["expected"], ref["expected"], rtol=1e-12)
    assert (counts["n"] <= counts[["n_drug", "n_event"]].min(axis=1)).all()
    assert (counts["n_total"] == rows["id"].nunique()).all()


def test_cell_count_margins_are_sums_of_cells() -> None:
    cells = pd.DataFrame(
        {
            "drug": ["a", "a", "b", "b", "b"],
            "event": ["x", "y", "x", "x", "z"],
            "n": [2, 1, 3, 1, 0],
        }
    )
    table = pairs_from_cell_counts(cells)
    assert table[["drug", "event", "n", "n_drug", "n_event", "n_total"]].values.tolist() == [
        ["a", "x", 2, 3, 6, 7],
        ["a", "y", 1, 3, 1, 7],
        ["b", "x", 4, 4, 6, 7],
    ]
    np.testing.assert_allclose(table["expected"], [3 * 6 / 7, 3 * 1 / 7, 4 * 6 / 7])
    with pytest.raises(ValueError, match="whole counts"):
        pairs_from_cell_counts(cells.assign(n=[1, 2, 3, -1, 0]))
