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
