"""FAERS at full size: the DuckDB counting path gives exactly the pandas reader's counts on the
shipped quarters, de-duplicates versions across quarters, removes deleted cases, splits
combinations, maps names, reads zips, and its command answers bad input with one line."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from signals.cli_faers import main as faers_compute_main
from signals.faers import read_faers_quarters
from signals.faers_engine import faers_count
from signals.stats import OUTPUT_COLUMNS, count_pairs
from tests.signals import shared_path

CURRENT = shared_path("signals_data", "faers_ascii_sample", "2017q2")
LEGACY = shared_path("signals_data", "faers_ascii_sample", "2004q1_legacy_aers")
KEY = ["drug", "event"]


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(drug=frame["drug"].astype(str), event=frame["event"].astype(str))
    return frame.sort_values(KEY).reset_index(drop=True)[[*KEY, "n", "n_drug", "n_event",
                                                          "n_total"]].astype(
        {"n": "int64", "n_drug": "int64", "n_event": "int64", "n_total": "int64"}
    )  # fmt: skip


@pytest.mark.parametrize("quarters", [[CURRENT], [LEGACY], [LEGACY, CURRENT]])
def test_counts_equal_the_pandas_reader(quarters):
    reference = count_pairs(read_faers_quarters(quarters), drug_col="drug", event_col="event")
    counted = faers_count(quarters, split_combinations=False)
    pd.testing.assert_frame_equal(_sorted(counted.pairs), _sorted(reference), check_dtype=False)
    assert counted.reports == reference["n_total"].iloc[0]


def _write_quarter(folder: Path, yyq: str, demo: list[str], drug: list[str], reac: list[str],
                   dele: list[str] = ()) -> Path:  # fmt: skip
    folder.mkdir(parents=True)
    (folder / f"DEMO{yyq}.txt").write_text(
        "primaryid$caseid$caseversion$fda_dt$age$age_cod$sex\n" + "\n".join(demo) + "\n"
    )
    (folder / f"DRUG{yyq}.txt").write_text(
        "primaryid$caseid$drug_seq$role_cod$drugname$prod_ai\n" + "\n".join(drug) + "\n"
    )
    (folder / f"REAC{yyq}.txt").write_text("primaryid$caseid$pt\n" + "\n".join(reac) + "\n")
    if dele:
        (folder / f"DELE{yyq}.txt").write_text("\n".join(dele) + "\n")
    return folder


@pytest.fixture
def two_quarters(tmp_path) -> list[Path]:
    q1 = _write_quarter(
        tmp_path / "q1", "23Q1",
        ["11$1$1$20230110$40$YR$F", "21$2$1$20230111$50$YR$M", "31$3$1$20230112$60$YR$F"],
        ["11$1$1$PS$Zestril$LISINOPRIL", "21$2$1$PS$Tylenol$ACETAMINOPHEN",
         "21$2$2$C$Other$OTHERDRUG", "31$3$1$SS$Combo$HYDROCHLOROTHIAZIDE\\LISINOPRIL"],
        ["11$1$Cough", "21$2$Nausea", "31$3$cough "],
    )  # fmt: skip
    q2 = _write_quarter(
        tmp_path / "q2", "23Q2",
        ["12$1$2$20230420$40$YR$F"],  # case 1's follow-up: now angioedema, not cough
        ["12$1$1$PS$Zestril$LISINOPRIL"],
        ["12$1$Angioedema"],
        dele=["2"],  # case 2 was deleted by FDA
    )  # fmt: skip
    return [q1, q2]


def test_latest_version_across_quarters_deletions_and_combinations(two_quarters):
    counted = faers_count(two_quarters)
    pairs = {(r.drug, r.event): r.n for r in counted.pairs.itertuples()}
    # case 1 counts once, at its follow-up; case 2 is gone; case 3's combination splits;
    # "cough " and "Cough" are one PT; concomitant drugs are not counted
    assert pairs == {
        ("LISINOPRIL", "ANGIOEDEMA"): 1,
        ("LISINOPRIL", "COUGH"): 1,
        ("HYDROCHLOROTHIAZIDE", "COUGH"): 1,
    }
    assert counted.reports == 2 and counted.quarters == ["2023Q1", "2023Q2"]
    kept = faers_count(two_quarters, split_combinations=False)
    assert ("HYDROCHLOROTHIAZIDE\\LISINOPRIL", "COUGH") in {
        (r.drug, r.event) for r in kept.pairs.itertuples()
    }


def test_names_map_to_ingredients(two_quarters):
    counted = faers_count(two_quarters, name_map={"hydrochlorothiazide": "HCTZ"})
    assert "HCTZ" in set(counted.pairs["drug"])


def test_a_zip_reads_like_its_folder(tmp_path):
    archive = tmp_path / "faers_ascii_2017q2.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in CURRENT.iterdir():
            out.write(file, f"ASCII/{file.name}")
    pd.testing.assert_frame_equal(
        _sorted(faers_count([archive]).pairs), _sorted(faers_count([CURRENT]).pairs)
    )


def test_the_command_writes_the_contract_and_answers_bad_input_in_one_line(
    two_quarters, tmp_path, capsys
):
    out = tmp_path / "out.csv"
    code = faers_compute_main(
        [*map(str, two_quarters), "-o", str(out), "--hyper", "0.2,0.06,1.4,1.8,0.1"]
    )
    assert code == 0
    assert list(pd.read_csv(out).columns) == OUTPUT_COLUMNS
    assert "2 cases" in capsys.readouterr().err
    assert faers_compute_main([str(tmp_path / "missing"), "-o", str(out)]) == 2
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "DEMO23Q3.txt").write_text("nonsense$header\n1$2\n")
    assert faers_compute_main([str(tmp_path / "bad"), "-o", str(out)]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 2 and all(
        e.startswith("pv signals faers-compute: error:") for e in errors
    )


def test_the_same_quarter_named_twice_is_refused(tmp_path):
    # given: the 2017Q2 folder and a zip of the same quarter
    archive = tmp_path / "faers_ascii_2017Q2.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in Path(CURRENT).iterdir():
            zf.write(path, path.name)
    # when / then: the engine refuses, and the command says so in one line (exit 2)
    with pytest.raises(ValueError, match="2017Q2 given more than once"):
        faers_count([CURRENT, archive])
    assert faers_compute_main([str(CURRENT), str(archive), "-o", str(tmp_path / "o.csv")]) == 2


def test_the_dask_engine_is_a_clear_error_without_dask(tmp_path, capsys):
    out = str(tmp_path / "o.csv")
    assert faers_compute_main([str(CURRENT), "-o", out, "--scheduler", "tcp://x:1"]) == 2
    assert "--scheduler needs --engine dask" in capsys.readouterr().err
    try:
        import distributed  # noqa: F401, PLC0415
    except ImportError:
        assert faers_compute_main([str(CURRENT), "-o", out, "--engine", "dask"]) == 2
        assert "pip install 'pv[distributed]'" in capsys.readouterr().err
