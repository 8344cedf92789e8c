"""`pv screen`, `pv screen-eval` entry points (no database)."""

import io
import json

from intake import cli


def _run(monkeypatch, capsys, stdin: str, argv: list[str]):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.screen_main(argv)
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_screen_reads_jsonl_and_writes_one_line_per_input(monkeypatch, capsys):
    lines = [{"id": 1, "text": "started lexapro and cant sleep"}, {"id": "b", "text": ""}]
    code, out, err = _run(monkeypatch, capsys, "\n".join(map(json.dumps, lines)) + "\n", ["-"])
    assert code == 0
    assert err == ""
    assert [r["id"] for r in out] == [1, "b"]
    first = out[0]
    assert set(first) >= {"id", "candidate", "priority", "serious", "criteria", "mentions",
                          "pairs", "adr", "adr_score"}
    assert {m["kind"] for m in first["mentions"]} == {"drug", "event"}


def test_malformed_lines_are_reported_skipped_and_fail_the_exit_code(monkeypatch, capsys):
    stdin = '{"id": 1, "text": "zoloft gave me headaches"}\nnot json\n[1]\n{"id": 4}\n' \
            '{"id": 5, "text": 7}\n{"id": 6, "text": "ok"}\n'
    code, out, err = _run(monkeypatch, capsys, stdin, [])
    assert code == 1
    assert [r["id"] for r in out] == [1, 6]
    for lineno in (2, 3, 4, 5):
        assert f"line {lineno}:" in err


def test_files_in_and_out(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": 1, "text": "paxil made me gain 30 pounds"}) + "\n")
    assert cli.screen_main([str(src), "-o", str(dst)]) == 0
    (result,) = [json.loads(line) for line in dst.read_text().splitlines()]
    assert result["candidate"] is True


def test_no_progress_bar_when_stderr_is_not_a_tty(monkeypatch, capsys):
    stdin = "".join(json.dumps({"id": i, "text": "zoloft"}) + "\n" for i in range(600))
    code, out, err = _run(monkeypatch, capsys, stdin, [])
    assert code == 0
    assert len(out) == 600
    assert err == ""


def test_about_drug_names_the_drug_a_review_is_about(monkeypatch, capsys):
    # given a statin review that never names the drug, and a line with a bad about_drug
    lines = [{"id": 1, "text": "Three weeks in and my legs ache.", "about_drug": "Lipitor"},
             {"id": 2, "text": "dizzy", "about_drug": 7}]
    code, out, err = _run(monkeypatch, capsys, "\n".join(map(json.dumps, lines)) + "\n", [])
    # then the ache is a reaction to it, and the bad line is named
    assert code == 1 and "line 2: \"about_drug\"" in err
    (result,) = out
    (ache,) = [m for m in result["mentions"] if m["kind"] == "event"]
    assert ache["role"] == "reaction"
