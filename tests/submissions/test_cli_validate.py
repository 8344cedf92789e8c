"""`pv e2b validate`: no database, OK or failed rules per file, exit codes, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lxml import etree

from submissions.cli import validate_main
from submissions.e2b import build_batch_tree, build_icsr
from submissions.e2b.constants import XP_NS

from .e2b_cases import fda_examples, header, make_case

REPO = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_fda_examples_print_ok(capsys):
    files = [str(p) for p in fda_examples()]
    assert validate_main([*files, "--profile", "fda"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{f}: OK" for f in files]


def test_invalid_file_prints_each_failed_rule_and_exits_1(tmp_path, capsys):
    good = _write(tmp_path, "good.xml", build_icsr(make_case(), header()))
    tree = build_batch_tree(header(), [make_case()])
    text = tree.xpath("//h:investigationEvent/h:text", namespaces=XP_NS)[0]
    text.getparent().remove(text)
    bad = _write(tmp_path, "bad.xml", etree.tostring(tree))
    assert validate_main(["--profile", "fda", good, bad]) == 1
    out = capsys.readouterr().out
    assert f"{good}: OK" in out
    assert f"{bad}: [ICH-REQ] H.1:" in out


def test_unreadable_and_malformed_files_give_clear_errors(tmp_path, capsys):
    missing = str(tmp_path / "missing.xml")
    malformed = _write(tmp_path, "broken.xml", b"<MCCI_IN200100UV01><oops>")
    assert validate_main([missing, malformed]) == 1
    captured = capsys.readouterr()
    assert f"{missing}: ERROR cannot read file" in captured.err
    assert f"{malformed}: [PARSE] document: malformed XML" in captured.out
    assert "Traceback" not in captured.out + captured.err


def test_pv_command_dispatches_without_django(tmp_path):
    good = _write(tmp_path, "good.xml", build_icsr(make_case(), header()))
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from pv.cli import main; "
         "sys.exit(main(sys.argv[1:]))", "e2b", "validate", "--profile", "ich", good],
        capture_output=True, text=True, cwd=REPO, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{good}: OK"


def test_initial_flag_applies_r0101_and_follow_up_lifts_r0011(tmp_path, capsys):
    from submissions.e2b.versions import nullification

    voided = _write(tmp_path, "voided.xml", build_icsr(nullification(make_case(), reason="dup"),
                                                       header()))
    assert validate_main(["--profile", "fda", voided]) == 0
    assert validate_main(["--profile", "fda", "--initial", voided]) == 1
    assert "[R0101] C.1.11.1" in capsys.readouterr().out
    capsys.readouterr()
    migrated = _write(tmp_path, "r2.xml", build_icsr(make_case(expedited=None), header()))
    validate_main(["--profile", "fda", migrated])
    assert "[R0011] C.1.7" in capsys.readouterr().out
    validate_main(["--profile", "fda", "--follow-up", migrated])
    assert "[R0011]" not in capsys.readouterr().out
