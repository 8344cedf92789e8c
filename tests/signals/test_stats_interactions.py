"""Drug-drug interaction screening (Omega shrinkage, Norén et al., Stat Med 2008;27:3057-3070).

References:
* a worked table by hand, in exact fractions (the additive-risk model of the paper, section 3);
* the peer implementation of the Omega025 computation published with the CRESCENDDI reference
  set (Kontsioti, Maskell, Dutta & Pirmohamed, "A reference set of clinically relevant adverse
  drug-drug interactions", Sci Data 2022;9:72, script "omega_calculation"): rates per stratum
  of exposure, g11 from the additive model, E111 = g11 * n11 and Omega025 =
  log2(gamma.ppf(0.025, n111 + 0.5, scale=1 / (E111 + 0.5))); re-done here row by row with
  scipy.stats, independently of the vectorised core;
* a brute-force count over report sets for n111 ... n001.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from signals.stats.interactions import count_interactions, omega


def test_a_worked_table_by_hand():
    # given: 20 reports with both drugs (10 with the event), 200 with D1 only (20), 100 with
    # D2 only (5) and 1,000 with neither (10)
    counts = dict(n111=10, n11=20, n101=20, n10=200, n011=5, n01=100, n001=10, n00=1000)
    # when
    got = {
        k: float(v[0]) for k, v in omega(**{k: np.array([v]) for k, v in counts.items()}).items()
    }
    # then: odds 1/99, 1/9, 1/19 -> g11 = 1 - 1/(1/9 + 1/19 - 1/99 + 1) = 289/2170
    g11 = 1 - 1 / (Fraction(1, 9) + Fraction(1, 19) - Fraction(1, 99) + 1)
    assert g11 == Fraction(289, 2170)
    expected = float(g11 * 20)
    assert got["expected"] == pytest.approx(expected, rel=1e-15)
    assert got["omega"] == pytest.approx(math.log2(10.5 / (expected + 0.5)), rel=1e-14)
    assert got["omega"] == pytest.approx(1.7307527450761393, rel=1e-12)
    assert got["omega025"] == pytest.approx(0.700610299163859, rel=1e-9)
    assert got["omega025"] < got["omega"] < got["omega975"]


def _peer_omega025(n111, n11, n101, n10, n011, n01, n001, n00) -> float:
    """The CRESCENDDI script's computation for one row (see the module docstring)."""
    f_00, f_01, f_10 = n001 / n00, n011 / n01, n101 / n10
    g_11 = 1 - (
        1
        / (
            max(f_00 / (1 - f_00), f_10 / (1 - f_10))
            + max(f_00 / (1 - f_00), f_01 / (1 - f_01))
            - f_00 / (1 - f_00)
            + 1
        )
    )
    e_111 = g_11 * n11
    return math.log2(stats.gamma.ppf(0.025, n111 + 0.5, scale=1 / (e_111 + 0.5)))


def _reports(seed: int = 7, n_reports: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(n_reports):
        drugs = rng.choice(list("ABCDEFGH"), size=rng.integers(1, 5), replace=False)
        events = set(
            rng.choice(["rash", "nausea", "qt prolonged", "bleeding"], size=rng.integers(1, 3))
        )
        if {"A", "B"} <= set(drugs) and rng.random() < 0.6:  # a planted interaction
            events.add("bleeding")
        rows += [(f"r{r}", d, e) for d in drugs for e in sorted(events)]
    return pd.DataFrame(rows, columns=["id", "var1", "var2"])


def test_counts_equal_brute_force_and_omega025_equals_the_peer_script():
    # given
    rows = _reports()
    drugs = rows.groupby("id")["var1"].agg(set).to_dict()
    events = rows.groupby("id")["var2"].agg(set).to_dict()
    # when
    screen = count_interactions(rows, min_n=3)
    table = screen.table
    # then: every triple with >= 3 reports is there, with the right cells
    expected_triples = {
        (a, b, e)
        for a, b in itertools.combinations(sorted(rows["var1"].unique()), 2)
        for e in rows["var2"].unique()
        if sum(a in drugs[r] and b in drugs[r] and e in events[r] for r in drugs) >= 3
    }
    assert set(zip(table["drug1"], table["drug2"], table["event"], strict=True)) == expected_triples
    for row in table.itertuples():
        a, b, e = row.drug1, row.drug2, row.event

        def n(with_a, with_b, event=None, a=a, b=b, e=e):
            return sum(
                ((a in drugs[r]) == with_a) and ((b in drugs[r]) == with_b)
                and (event is None or e in events[r])
                for r in drugs
            )  # fmt: skip

        cells = (n(1, 1, e), n(1, 1), n(1, 0), n(0, 1), n(0, 0), n(1, 0, e), n(0, 1, e), n(0, 0, e))
        assert (row.n111, row.n11, row.n10, row.n01, row.n00, row.n101, row.n011, row.n001) == cells
        assert row.omega025 == pytest.approx(
            _peer_omega025(row.n111, row.n11, row.n101, row.n10, row.n011, row.n01, row.n001,
                           row.n00), rel=1e-9, abs=1e-12)  # fmt: skip
    # and: the planted interaction is highlighted (Omega025 > 0), and is the top one
    top = table.sort_values("omega025", ascending=False).iloc[0]
    assert (top.drug1, top.drug2, top.event) == ("A", "B", "bleeding") and top.omega025 > 0


def test_the_pair_cap_and_the_chunking_bound_the_work_without_changing_the_figures():
    rows = _reports(seed=3)
    whole = count_interactions(rows, min_n=3).table
    # when: triples counted 7 rows at a time
    chunked = count_interactions(rows, min_n=3, chunk_rows=7).table
    pd.testing.assert_frame_equal(whole, chunked)
    # when: only the 3 most co-reported drug pairs are screened
    capped = count_interactions(rows, min_n=3, max_pairs=3)
    assert capped.pairs_screened == 3 and capped.pairs_eligible == 28
    kept = capped.table[["drug1", "drug2"]].drop_duplicates()
    assert len(kept) == 3
    merged = capped.table.merge(whole, on=["drug1", "drug2", "event"], suffixes=("", "_all"))
    assert len(merged) == len(capped.table)
    assert (merged["omega"] == merged["omega_all"]).all()


def test_undefined_rates_give_no_omega_and_a_rate_of_one_gives_g11_of_one():
    got = omega(
        n111=np.array([3, 3, 3]),
        n11=np.array([5, 5, 5]),
        n101=np.array([0, 1, 4]),
        n10=np.array([0, 10, 4]),  # D1 never without D2 | a rate | D1 alone always has it
        n011=np.array([1, 1, 1]),
        n01=np.array([10, 10, 10]),
        n001=np.array([1, 1, 1]),
        n00=np.array([100, 100, 100]),
    )
    assert np.isnan(got["omega"][0]) and np.isnan(got["omega025"][0])
    assert np.isfinite(got["omega"][1])
    assert got["expected"][2] == 5.0  # g11 = 1


def test_bad_input_is_named():
    rows = pd.DataFrame({"id": [1, 2], "var1": ["A", None], "var2": ["x", "y"]})
    with pytest.raises(ValueError, match="row 2 has no drug"):
        count_interactions(rows)
    assert count_interactions(rows.dropna()).table.empty


def test_rows_that_link_drugs_to_events_give_a_consistent_table():
    # given: rows pair each drug with some of the report's events only (as screened mentions
    # link them), so a report may carry D1, D2 and the event without a (D1, event) row
    rng = np.random.default_rng(11)
    rows = []
    for r in range(500):
        drugs = list(rng.choice(list("ABCDE"), size=rng.integers(1, 4), replace=False))
        events = list(rng.choice(["x", "y", "z"], size=rng.integers(1, 3), replace=False))
        rows += [(r, drugs[k % len(drugs)], e) for k, e in enumerate(events)]
        rows += [(r, d, events[0]) for d in drugs]
    frame = pd.DataFrame(rows, columns=["id", "var1", "var2"]).drop_duplicates()
    drugs = frame.groupby("id")["var1"].agg(set).to_dict()
    events = frame.groupby("id")["var2"].agg(set).to_dict()
    # when
    table = count_interactions(frame, min_n=3).table
    # then: every cell is a count of reports by their sets, so none is negative and they add up
    assert len(table) > 10
    for row in table.itertuples():
        a, b, e = row.drug1, row.drug2, row.event
        both = [r for r in drugs if a in drugs[r] and b in drugs[r]]
        only_a = [r for r in drugs if a in drugs[r] and b not in drugs[r]]
        assert row.n11 == len(both) and row.n111 == sum(e in events[r] for r in both)
        assert row.n101 == sum(e in events[r] for r in only_a)
        assert 0 <= row.n001 <= row.n00 and row.n10 + row.n01 + row.n11 + row.n00 == 500
