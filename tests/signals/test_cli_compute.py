"""`pv signals compute`: output contract, theta in and out, and clear errors (exit code 2)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from signals.cli import compute_main
from signals.stats import OUTPUT_COLUMNS, Hyperparameters, compute_signals
from tests.signals import REPO, shared_path

THETA = "3.25596685,0.39998994,2.02376139,1.90614108,0.06530755"


@pytest.fixture(scope="module")
def caers_csv() -> Path:
    return shared_path("signals_data", "caers.csv")


@pytest.mark.parametrize("engine", ["pandas", "auto"])
def test_caers_with_given_theta_writes_the_contract(
    caers_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: str
) -> None:
    out, hyper_out = tmp_path / "out.csv", tmp_path / "theta.json"
    # openEBGM's reference keeps names that differ only in case apart: so does this run
    code = compute_main(
        [str(caers_csv), "-o", str(out), "--hyper", THETA, "--hyper-out", str(hyper_out),
         "--exact-names", "--engine", engine]
    )  # fmt: skip
    assert code == 0
    assert capsys.readouterr().err == ""  # stderr is not a terminal: no progress lines
    table = pd.read_csv(out, keep_default_na=False, na_values=["NaN"])
    assert list(table.columns) == OUTPUT_COLUMNS
    assert len(table) == 17189
    assert (table["eb05"] >= 2).sum() == 131
    # full precision: the pandas path's file round-trips to the in-memory result exactly; the
    # numpy-only path (auto on caers) computes its special functions itself: 1e-10 relative
    rows = pd.read_csv(caers_csv)
    ref = compute_signals(
        rows, hyper=Hyperparameters.from_sequence([float(v) for v in THETA.split(",")])
    ).table
    for col in OUTPUT_COLUMNS[2:]:
        got, want = table[col].to_numpy(), ref[col].to_numpy()
        if engine == "pandas":
            np.testing.assert_array_equal(got, want)
        else:
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=0)
    info = json.loads(hyper_out.read_text())
    assert info["fitted"] is False
    assert info["neg_log_lik"] == pytest.approx(4162.4557, abs=1e-3)
    assert info["alpha1"] == 3.25596685


def test_fit_and_strata_and_custom_columns(caers_csv: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.csv.gz"
    rows = pd.read_csv(caers_csv).rename(
        columns={"id": "report", "var1": "product", "var2": "pt", "strat1": "sex"}
    )
    with gzip.open(renamed, "wt") as handle:
        rows.to_csv(handle, index=False)
    out, hyper_out = tmp_path / "out.csv", tmp_path / "theta.json"
    code = compute_main(
        [
            str(renamed),
            "-o",
            str(out),
            "--id-col",
            "report",
            "--drug-col",
            "product",
            "--event-col",
            "pt",
            "--strata",
            "sex",
            "--hyper-out",
            str(hyper_out),
        ]
    )
    assert code == 0
    info = json.loads(hyper_out.read_text())
    assert info["fitted"] is True
    assert len(info["starts"]) == 5
    table = pd.read_csv(out)
    assert table["expected"].sum() > 0
    assert table[["drug", "event"]].iloc[0].tolist() == ["1-PHENYLALANINE", "HEART RATE INCREASED"]


def run_bad(tmp_path: Path, text: str | bytes, name: str = "in.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("id,var1\n1,a\n", [], "column 'var2' not in header"),
        ("id,var1,var2\n1,a,x\n2,,y\n", [], "data row 2 (line 3) has an empty 'var1' value"),
        ("id,var1,var2\n1,a,x\n2,b,y\n3,c,z,extra\n", [], "Expected 3 fields in line 4"),
        ("id,var1,var2\n1,a,x,extra\n2,b,y\n", [], "data row 1 (line 2) has more fields"),
        ("id,var1,var2\n", [], "no data rows"),
        ("", [], "not a readable CSV"),
        ("id,var1,var2\n1,a,x\n", ["--hyper", "1,2,3"], "--hyper '1,2,3'"),
        ("id,var1,var2\n1,a,x\n", ["--hyper", "1,1,1,1,2"], "0 < p < 1"),
        ("id,var1,var2\n1,a,x\n", ["--strata", "age"], "column 'age' not in header"),
    ],
)
@pytest.mark.parametrize("engine", ["numpy", "pandas"])
def test_malformed_input_gets_one_clear_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    args: list[str],
    message: str,
    engine: str,
) -> None:
    if engine == "numpy" and "--strata" in args:
        args = [*args, "--engine", "pandas"]  # the numpy path takes no strata
    path = run_bad(tmp_path, content)
    code = compute_main([str(path), "-o", str(tmp_path / "out.csv"), "--engine", engine, *args])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("engine", ["numpy", "pandas"])
def test_missing_file_and_corrupt_gzip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: str
) -> None:
    out = ["-o", str(tmp_path / "o.csv"), "--engine", engine]
    assert compute_main([str(tmp_path / "nope.csv"), *out]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = run_bad(tmp_path, b"\x1f\x8b\x08\x00garbage", name="x.csv.gz")
    assert compute_main([str(bad), *out]) == 2
    err = capsys.readouterr().err
    assert "cannot read" in err or "not a readable" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert compute_main([]) == 2
    assert "usage: pv signals compute" in capsys.readouterr().err


def test_pv_command_dispatch_has_no_traceback(tmp_path: Path) -> None:
    bad = run_bad(tmp_path, "id,var1\n1,a\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pv.cli",
            "signals",
            "compute",
            str(bad),
            "-o",
            str(tmp_path / "o.csv"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "column 'var2' not in header" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_progress_only_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    toy = shared_path("signals_data", "toy_openebgm_vignette02.csv")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert compute_main([str(toy), "-o", str(tmp_path / "o.csv"), "--hyper", THETA]) == 0
    err = capsys.readouterr().err
    assert "counting 17 rows" in err
    assert "writing 5 pairs" in err


def test_unstable_fit_is_flagged_even_when_piped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    toy = shared_path("signals_data", "toy_openebgm_vignette02.csv")  # 5 pairs: too few to fit
    assert compute_main([str(toy), "-o", str(tmp_path / "o.csv")]) == 0
    assert "warning: MGPS fit on 5 points" in capsys.readouterr().err


def test_parallel_csv_writer_matches_the_serial_one(caers_csv: Path, tmp_path: Path) -> None:
    from signals.csvio import write_csv

    table = compute_signals(
        pd.read_csv(caers_csv),
        hyper=Hyperparameters.from_sequence([float(v) for v in THETA.split(",")]),
    ).table
    write_csv(table, tmp_path / "serial.csv", OUTPUT_COLUMNS)
    write_csv(table, tmp_path / "parallel.csv", OUTPUT_COLUMNS, chunk_rows=2_000, workers=3)
    assert (tmp_path / "serial.csv").read_bytes() == (tmp_path / "parallel.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parallel.csv", "serial.csv"]


def test_names_differing_in_case_or_spacing_count_as_one_by_default(
    caers_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "merged.csv"
    assert compute_main([str(caers_csv), "-o", str(out), "--hyper", THETA]) == 0
    merged = pd.read_csv(out, keep_default_na=False, na_values=["NaN"])
    exact = compute_signals(pd.read_csv(caers_csv), hyper=Hyperparameters.from_sequence(
        [float(v) for v in THETA.split(",")])).table  # fmt: skip
    assert len(merged) < len(exact)
    folded = exact.assign(key=exact["drug"].str.split().str.join(" ").str.casefold())
    assert merged["drug"].str.casefold().nunique() == folded["key"].nunique()
    assert merged.groupby(["drug", "event"]).size().max() == 1
