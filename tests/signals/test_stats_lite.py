"""The numpy-only path (signals.stats.lite) against the pandas/scipy core it stands in for.

Bar: with the same theta every output column agrees to 1e-10 relative, on caers, openEBGM's toy
sets and PhViD's simulated counts. Fitted theta: compared by -loglik, to 1e-9 relative, not by
theta to 1e-6: the likelihood is flat to ~1e-10 over a theta region ~1e-5 wide, so SLSQP's own
five starts already spread by ~6e-6 relative on caers; what both optimisers must reach is the
same optimum value, the same basin (the fitted thetas within 1e-4) and the same quality-gate
verdict.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import special as scipy_special

from signals.cli import compute_main
from signals.csvio import write_csv as pandas_write_csv
from signals.stats import (
    OUTPUT_COLUMNS,
    Hyperparameters,
    count_pairs,
    distinct_points,
    fit_hyperparameters,
    pairs_from_cell_counts,
    score_table,
)
from signals.stats.counts import canonical_names
from signals.stats.lite import special as lite_special
from signals.stats.lite import table as lite
from signals.stats.lite.scoring import (
    MAX_POINTS,
    NeedsFullPath,
    _minimise,
    fit_lite,
    score_pairs,
)
from signals.stats.quality import fit_problems
from tests.signals import shared_path

THETA = Hyperparameters(3.25596685, 0.39998994, 2.02376139, 1.90614108, 0.06530755)
COLUMNS = ("id", "var1", "var2")
TOYS = ("toy_openebgm_roxygen.csv", "toy_openebgm_vignette02.csv")


# IC and its limits are base-2 logarithms that cross 0 (PhViD has an ic025 of -6e-5): there
# 1e-10 relative is asked of a difference of two logs, so those columns get 1e-13 absolute too.
LOG_COLUMNS = ("ic", "ic025", "ic975")


def _rel_close(got: np.ndarray, want: np.ndarray, rtol: float, col: str = "") -> None:
    np.testing.assert_allclose(
        np.asarray(got, np.float64),
        np.asarray(want, np.float64),
        rtol=rtol,
        atol=1e-13 if col in LOG_COLUMNS else 0,
        err_msg=col,
    )


def _both_counts(name: str, *, canonical: bool = False):
    path = shared_path("signals_data", name)
    mentions = lite.read_mentions(path, list(COLUMNS))
    rows = pd.read_csv(path)
    if canonical:
        mentions = lite.Mentions(
            mentions.ids,
            lite.canonical_names(mentions.drugs),
            lite.canonical_names(mentions.events),
        )
        rows["var1"], rows["var2"] = canonical_names(rows["var1"]), canonical_names(rows["var2"])
    return lite.count_pairs(mentions), count_pairs(rows)


def _lite_from_frame(frame: pd.DataFrame) -> lite.PairCounts:
    return lite.PairCounts(
        **{c: frame[c].to_numpy(object if c in ("drug", "event") else None) for c in frame}
    )


# -- special functions --------------------------------------------------------------------


def test_special_functions_match_scipy() -> None:
    # given arguments spanning what the fit and the scores meet (tiny alpha to large N + alpha)
    rng = np.random.default_rng(7)
    x = np.r_[rng.uniform(1e-8, 1, 500), rng.uniform(1, 50, 500), np.exp(rng.uniform(0, 9, 500))]
    # then
    # lgamma(x + 1) crosses 0 at x = 1: there both are accurate to an ulp of 1, not relatively
    want = scipy_special.gammaln(x + 1.0)
    np.testing.assert_allclose(lite_special.gammaln(x + 1.0), want, rtol=1e-13, atol=4e-15)
    _rel_close(lite_special.digamma(x), scipy_special.digamma(x), 1e-12)
    assert lite_special.digamma(0.5) == pytest.approx(scipy_special.digamma(0.5), rel=1e-14)
    shape = np.exp(rng.uniform(-3, 8, 5000))
    arg = shape * np.exp(rng.normal(0, 2, 5000) / np.sqrt(shape))
    want = scipy_special.gammainc(shape, arg)
    got = lite_special.gammainc(shape, arg)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)
    assert lite_special.gammainc(2.0, 0.0) == 0.0 and lite_special.gammainc(2.0, np.inf) == 1.0
    for prob in (0.025, 0.975, 0.3):
        shapes = np.arange(400) + 0.5
        _rel_close(
            lite_special.gammaincinv(shapes, prob), scipy_special.gammaincinv(shapes, prob), 1e-12
        )
        assert lite_special.ndtri(prob) == pytest.approx(scipy_special.ndtri(prob), rel=1e-15)
    _rel_close(
        lite_special.logit(np.array([1e-9, 0.3, 0.9])), scipy_special.logit([1e-9, 0.3, 0.9]), 1e-14
    )


# -- reading and counting -----------------------------------------------------------------


@pytest.mark.parametrize("canonical", [False, True])
@pytest.mark.parametrize("name", ["caers.csv", *TOYS])
def test_counting_matches_count_pairs_exactly(name: str, canonical: bool) -> None:
    # given one file counted both ways
    fast, full = _both_counts(name, canonical=canonical)
    # then every pair, its counts and E are the same, in the same order
    assert fast.drug.tolist() == full["drug"].astype(str).tolist()
    assert fast.event.tolist() == full["event"].astype(str).tolist()
    for col in ("n", "n_drug", "n_event", "n_total", "expected"):
        np.testing.assert_array_equal(getattr(fast, col), full[col].to_numpy())


def test_canonical_names_match_the_pandas_rule() -> None:
    # given spellings that differ in case and spacing, with ties on frequency
    values = ["Aspirin", "ASPIRIN ", "aspirin", "aspirin", "B  c", "b c", "Zed", "zed "]
    # then both pick the same spelling for every value
    assert lite.canonical_names(values) == canonical_names(pd.Series(values)).astype(str).tolist()


def test_integer_ids_compare_as_numbers_like_pandas(tmp_path: Path) -> None:
    # given a report written once as 7 and once as 007 (pandas reads both as the integer 7)
    path = tmp_path / "ids.csv"
    path.write_text("id,var1,var2\n7,a,x\n007,b,x\n8,a,y\n")
    counts = lite.count_pairs(lite.read_mentions(path, list(COLUMNS)))
    # then they are one report
    assert int(counts.n_total[0]) == count_pairs(pd.read_csv(path))["n_total"].iloc[0] == 2


# -- scoring with a given theta: every column to 1e-10 -------------------------------------


@pytest.mark.parametrize("name", ["caers.csv", *TOYS])
def test_scores_with_given_theta_match_score_table(name: str) -> None:
    fast, full = _both_counts(name)
    want = score_table(full, hyper=THETA).table
    got = score_pairs(fast, hyper=THETA)
    for col in [*OUTPUT_COLUMNS[2:], "qn"]:
        _rel_close(got.columns[col], want[col].to_numpy(), 1e-10, col)
    assert got.fit.neg_log_lik == pytest.approx(score_table(full, hyper=THETA).fit.neg_log_lik,
                                                rel=1e-12)  # fmt: skip


def test_scores_on_phvid_counts_match_score_table() -> None:
    # given PhViD's simulated table (102,483 pairs, cell-sum margins) and PhViD's theta
    cells = pd.read_csv(shared_path("signals_data", "phvid_simulated_counts.csv.gz"))
    frame = pairs_from_cell_counts(cells, drug_col="Drug lab", event_col="AE lab", count_col="n11")
    phvid = Hyperparameters(0.432, 0.182, 1.673, 2.145, 0.138)
    want = score_table(frame, hyper=phvid).table
    got = score_pairs(_lite_from_frame(frame), hyper=phvid)
    for col in [*OUTPUT_COLUMNS[2:], "qn"]:
        _rel_close(got.columns[col], want[col].to_numpy(), 1e-10, col)


def test_inconsistent_margins_are_refused_in_the_same_words() -> None:
    frame = pd.DataFrame({"drug": ["a"], "event": ["x"], "n": [5], "n_drug": [3], "n_event": [5],
                          "n_total": [10], "expected": [1.5]})  # fmt: skip
    with pytest.raises(ValueError, match="negative 2x2 cell") as full:
        score_table(frame, hyper=THETA)
    with pytest.raises(ValueError, match="negative 2x2 cell") as fast:
        score_pairs(_lite_from_frame(frame), hyper=THETA)
    assert str(fast.value) == str(full.value)


# -- the fit: same optimum, same basin, same gate ------------------------------------------


@pytest.mark.parametrize("canonical", [False, True])
def test_fit_on_caers_reaches_slsqps_optimum_from_every_start(canonical: bool) -> None:
    # given caers' bimodal likelihood (docs/signals.md), names as written or canonicalised
    fast, full = _both_counts("caers.csv", canonical=canonical)
    points = distinct_points(full["n"], full["expected"])
    want = fit_hyperparameters(points)
    got = fit_lite(points)
    # then the same -loglik (1e-9 relative), the same basin from each start, the same gate
    assert got.neg_log_lik == pytest.approx(want.neg_log_lik, rel=1e-9)
    for mine, theirs in zip(got.starts, want.starts, strict=True):
        assert mine["neg_log_lik"] == pytest.approx(theirs["neg_log_lik"], rel=1e-9)
    _rel_close(got.hyper.as_tuple(), want.hyper.as_tuple(), 1e-4)
    assert (got.agreed, got.within_bounds, got.n_points) == (True, True, want.n_points)
    assert fit_problems(got) == fit_problems(want) == []


@pytest.mark.parametrize("name", TOYS)
def test_fit_on_toys_fails_the_gate_the_same_way(name: str) -> None:
    # given openEBGM's toy sets (5-6 points: degenerate optima at the bounds)
    _, full = _both_counts(name)
    points = distinct_points(full["n"], full["expected"])
    want, got = fit_hyperparameters(points), fit_lite(points)
    # then both fits are refused for the same reasons, and reach the same -loglik closely
    assert fit_problems(got) == fit_problems(want)
    assert got.neg_log_lik == pytest.approx(want.neg_log_lik, rel=1e-6)


def test_fit_on_phvid_counts_matches() -> None:
    # given PhViD's table unsquashed from PhViD's own start (as test_stats_mgps does)
    cells = pd.read_csv(shared_path("signals_data", "phvid_simulated_counts.csv.gz"))
    frame = pairs_from_cell_counts(cells, drug_col="Drug lab", event_col="AE lab", count_col="n11")
    points = distinct_points(frame["n"], frame["expected"])
    start = [(0.2, 0.06, 1.4, 1.8, 0.1)]
    want = fit_hyperparameters(points, squash_data=False, starts=start)
    got = fit_hyperparameters(
        points, squash_data=False, starts=start, special=lite_special, minimise=_minimise
    )
    assert got.neg_log_lik == pytest.approx(want.neg_log_lik, rel=1e-9)
    _rel_close(got.hyper.as_tuple(), want.hyper.as_tuple(), 1e-4)


def test_a_fit_that_needs_squashing_is_left_to_the_full_path() -> None:
    n = np.ones(MAX_POINTS + 1, dtype=np.int64)
    points = distinct_points(n, np.linspace(0.01, 5, len(n)))
    with pytest.raises(NeedsFullPath):
        fit_lite(points)


# -- the command, both engines -------------------------------------------------------------


def _run(path: Path, out: Path, engine: str, *extra: str) -> tuple[pd.DataFrame, dict]:
    theta = out.with_suffix(".json")
    args = [str(path), "-o", str(out), "--hyper-out", str(theta), "--engine", engine, *extra]
    assert compute_main(args) == 0
    table = pd.read_csv(out, keep_default_na=False, na_values=["NaN"])
    return table, json.loads(theta.read_text())


@pytest.mark.parametrize("name", ["caers.csv", *TOYS])
def test_command_output_matches_between_engines(name: str, tmp_path: Path) -> None:
    # given a fitted run on each engine (toys: the gate falls back to the documented prior)
    path = shared_path("signals_data", name)
    fast, fast_info = _run(path, tmp_path / "fast.csv", "numpy")
    full, full_info = _run(path, tmp_path / "full.csv", "pandas")
    # then the same pairs and the same gate verdict
    assert fast[["drug", "event"]].equals(full[["drug", "event"]])
    for key in ("fitted", "agreed", "within_bounds", "n_points", "fallback_reasons"):
        assert fast_info.get(key) == full_info.get(key), key
    # theta-free columns to 1e-10; EB columns to 1e-10 when both scored with the same theta
    # (the fallback prior), else as close as the two fitted thetas (1e-4 relative) allow
    same_theta = bool(full_info.get("fallback"))
    for col in OUTPUT_COLUMNS[2:]:
        rtol = 1e-10 if same_theta or col not in ("ebgm", "eb05", "eb95") else 1e-4
        _rel_close(fast[col].to_numpy(), full[col].to_numpy(), rtol, col)
    assert fast_info["neg_log_lik"] == pytest.approx(full_info["neg_log_lik"], rel=1e-9)


def test_writer_matches_signals_csvio_byte_for_byte(tmp_path: Path) -> None:
    # given the lite result for caers (Inf and NaN cells included) written both ways
    fast, _ = _both_counts("caers.csv")
    result = score_pairs(fast, hyper=THETA)
    columns = result.columns
    lite.write_csv({c: columns[c] for c in OUTPUT_COLUMNS}, tmp_path / "lite.csv")
    # and as the command writes it: (N, E)-only columns per distinct point, with codes
    lite.write_csv(result.for_csv(OUTPUT_COLUMNS), tmp_path / "per_point.csv")
    frame = pd.DataFrame({c: columns[c] for c in OUTPUT_COLUMNS})
    frame["drug"], frame["event"] = frame["drug"].astype(str), frame["event"].astype(str)
    pandas_write_csv(frame, tmp_path / "csvio.csv", OUTPUT_COLUMNS)
    # then all three files are the same bytes, and each per-point value is its pairs' value
    assert (tmp_path / "lite.csv").read_bytes() == (tmp_path / "csvio.csv").read_bytes()
    assert (tmp_path / "per_point.csv").read_bytes() == (tmp_path / "csvio.csv").read_bytes()
    assert len(result.at_points["n"]) < len(columns["n"]) / 5  # caers: 1,723 of 17,189
    for key, values in result.at_points.items():
        np.testing.assert_array_equal(values[result.codes], columns[key], err_msg=key)


def test_quoting_matches_signals_csvio(tmp_path: Path) -> None:
    names = np.array(["plain", "with, comma", 'say "hi"', " padded", "multi\nline"], dtype=object)
    lite.write_csv({"drug": names, "n": np.arange(5)}, tmp_path / "lite.csv")
    pandas_write_csv(pd.DataFrame({"drug": names, "n": np.arange(5)}), tmp_path / "csvio.csv",
                     ["drug", "n"])  # fmt: skip
    assert (tmp_path / "lite.csv").read_bytes() == (tmp_path / "csvio.csv").read_bytes()


@pytest.mark.parametrize("option", [["--strata", "strat1"], ["--squash", "yes"]])
def test_options_the_numpy_path_lacks_are_refused_by_name(
    option: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = shared_path("signals_data", "caers.csv")
    args = [str(path), "-o", str(tmp_path / "o.csv"), "--engine", "numpy", *option]
    assert compute_main(args) == 2
    assert f"--engine numpy cannot take {option[0]}" in capsys.readouterr().err
