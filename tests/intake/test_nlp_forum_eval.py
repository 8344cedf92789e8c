"""`pv screen-eval --set`: evaluation sets in docs/annotation.md's format, frozen by SHA-256."""

import shutil
from pathlib import Path

import pytest

from intake.cli import eval_main
from intake.nlp.forum import EvalSetError, check_frozen, load, score

MINI = Path(__file__).parents[1] / "data" / "forum" / "mini.jsonl"


def test_a_frozen_set_is_scored_with_the_output_contract():
    # given three posts written for this test (an about_drug thread, a class mention)
    rows = load(MINI)
    # when
    report = score(rows)
    # then ADR, drug (classes left out: "Statins" is not a gold drug) and roles are scored
    assert report["posts"] == 3
    assert report["adr"]["strict"]["gold"] == 4 and report["adr"]["strict"]["f1"] == 1.0
    assert report["drugs"]["strict"]["gold"] == 2 and report["drugs"]["strict"]["f1"] == 1.0
    assert report["roles"]["accuracy"] == 1.0 and report["roles"]["checked"] == 5


def test_a_set_that_changed_after_freezing_is_refused(tmp_path, capsys):
    # given a copy of the set with one character changed and the old hash beside it
    path = tmp_path / "mini.jsonl"
    shutil.copy(MINI.with_name("mini.jsonl.sha256"), tmp_path / "mini.jsonl.sha256")
    path.write_text(MINI.read_text(encoding="utf-8").replace("Lipitor 20mg", "Lipitor 40mg"),
                    encoding="utf-8")
    # when / then
    with pytest.raises(EvalSetError, match="does not match"):
        check_frozen(path)
    assert eval_main(["--set", str(path)]) == 2
    assert "changed after it was frozen" in capsys.readouterr().err


def test_a_set_without_its_hash_is_refused(tmp_path):
    path = tmp_path / "x.jsonl"
    shutil.copy(MINI, path)
    with pytest.raises(EvalSetError, match="no x.jsonl.sha256"):
        check_frozen(path)


def test_a_span_whose_text_does_not_match_names_its_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "dizzy on it", "spans": [[0, 5, "ADR", "dizzy"]]}\n'
                    '{"id": "b", "text": "dizzy on it", "spans": [[0, 4, "ADR", "dizzy"]]}\n',
                    encoding="utf-8")
    with pytest.raises(EvalSetError, match="line 2"):
        load(path)


def test_the_cli_prints_the_scores(capsys):
    assert eval_main(["--set", str(MINI)]) == 0
    out = capsys.readouterr().out
    assert "mini.jsonl (3 posts" in out and "drugs strict" in out and "roles:" in out
