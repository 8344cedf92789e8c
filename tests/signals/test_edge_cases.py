"""The issue's edge cases through `pv signals compute` (the service's are in
test_fit_gate_and_publishing.py): a file of a few rows is scored with the documented fallback
prior (not EBGM 4e-6 at N = 1) and says so, or is refused on request; a drug on every report has
no comparator (empty PRR / ROR / chi2, never negative or infinite); names differing in case or
trailing spaces are one drug."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from signals.cli import compute_main
from signals.stats import Hyperparameters
from signals.stats.quality import FALLBACK_PRIOR


def _csv(tmp_path: Path, rows: list[tuple]) -> Path:
    path = tmp_path / "in.csv"
    path.write_text("id,var1,var2\n" + "".join(f"{i},{d},{e}\n" for i, d, e in rows))
    return path


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, na_values=["NaN"])


@pytest.mark.parametrize("n_rows", [1, 3, 5])
def test_a_file_of_a_few_rows_is_scored_with_the_fallback_prior(tmp_path, capsys, n_rows):
    # given
    rows = [(i, "AB" if i % 2 else "CD", "rash" if i % 3 else "nausea") for i in range(n_rows)]
    source, out, fit = _csv(tmp_path, rows), tmp_path / "out.csv", tmp_path / "fit.json"
    # when
    assert compute_main([str(source), "-o", str(out), "--hyper-out", str(fit)]) == 0
    # then: the figures are exactly those of a run pinned to the fallback prior
    pinned = tmp_path / "pinned.csv"
    prior = ",".join(map(repr, FALLBACK_PRIOR.as_tuple()))
    assert compute_main([str(source), "-o", str(pinned), "--hyper", prior]) == 0
    table = _read(out)
    pd.testing.assert_frame_equal(table, _read(pinned))
    assert (table.loc[table["n"] == 1, "ebgm"] > 0.1).all()  # not 4e-6
    record = json.loads(fit.read_text())
    assert record["fallback"] is True and "too_few_points" in record["fallback_reasons"]
    assert (
        Hyperparameters.from_sequence(
            [record[k] for k in ("alpha1", "beta1", "alpha2", "beta2", "p")]
        )
        == FALLBACK_PRIOR
    )
    assert "failed the quality gate" in capsys.readouterr().err


def test_the_fit_policy_refuses_or_keeps_on_request(tmp_path, capsys):
    source = _csv(tmp_path, [(1, "A", "x"), (2, "B", "y"), (3, "A", "y")])
    out = tmp_path / "out.csv"
    assert compute_main([str(source), "-o", str(out), "--fit-policy", "refuse"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("pv signals compute: error: MGPS fit on 2 points")
    assert not out.exists()
    assert compute_main([str(source), "-o", str(out), "--fit-policy", "keep"]) == 0
    assert "EBGM may be unstable" in capsys.readouterr().err


def test_a_drug_on_every_report_has_no_comparator(tmp_path):
    source = _csv(tmp_path, [(1, "A", "x"), (2, "A", "y"), (3, "A", "x"), (4, "A", "z")])
    out = tmp_path / "out.csv"
    assert compute_main([str(source), "-o", str(out)]) == 0
    table = _read(out)
    for measure in ("prr", "ror", "chi2", "ror_lower95"):
        assert table[measure].isna().all(), measure


def test_names_differing_in_case_or_trailing_spaces_are_one_drug(tmp_path):
    source = _csv(tmp_path, [(1, "Aspirin", "x"), (2, "ASPIRIN ", "x"), (3, "aspirin", "y"),
                             (4, "Other", "y")])  # fmt: skip
    out = tmp_path / "out.csv"
    assert compute_main([str(source), "-o", str(out)]) == 0
    table = _read(out)
    assert len(set(table["drug"])) == 2  # one aspirin (spelt as first seen), and Other
    aspirin = table[table["drug"].str.casefold() == "aspirin"]
    assert aspirin.set_index("event")["n"].to_dict() == {"x": 2, "y": 1}
