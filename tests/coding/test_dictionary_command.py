"""`pv dictionaries list|load|activate`: output, and one-line errors without tracebacks."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from coding.models import Dictionary

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def dictionary_dir(settings, tmp_path):
    settings.PV_DICTIONARY_DIR = str(tmp_path / "dictionaries")


def _run(*args) -> str:
    out = StringIO()
    call_command("dictionaries", *args, stdout=out)
    return out.getvalue()


def test_list_registers_and_shows_the_open_defaults():
    out = _run("list")
    assert "pv open drugs" in out and "pv open events (HPO-derived)" in out
    active = [line for line in out.splitlines() if line.startswith("* ") and "builtin" in line]
    assert len(active) == 2


def test_load_meddra_then_list_marks_it_active():
    out = _run("load", "--kind", "event", "--format", "meddra", str(FIXTURES / "meddra"))
    assert "loaded event dictionary MedDRA 99.0" in out and "(active)" in out
    listing = _run("list")
    active = [line for line in listing.splitlines() if line.startswith("* ")]
    assert any("MedDRA" in line for line in active)
    assert not any("HPO" in line for line in active)


def test_load_whodrug_with_a_layout_file_and_activate_later(tmp_path):
    layout = tmp_path / "layout.json"
    layout.write_text(
        '{"delimiter": null, "columns": {"drug_record_number": [0, 6], '
        '"seq1": [6, 8], "seq2": [8, 11], "drug_name": [11, 30]}}'
    )
    out = _run(
        "load",
        "--kind",
        "drug",
        "--format",
        "whodrug",
        str(FIXTURES / "whodrug_fixed.txt"),
        "--version",
        "B3-test",
        "--layout",
        f"@{layout}",
        "--no-activate",
    )
    assert "(not active)" in out
    who = Dictionary.objects.get(terminology="WHODrug")
    assert "active drug dictionary" in _run("activate", str(who.id))
    who.refresh_from_db()
    assert who.is_active


def test_load_rxnorm_with_tab_preset_is_refused_and_rxnorm_loads():
    with pytest.raises(CommandError, match="--layout only applies"):
        _run(
            "load",
            "--kind",
            "drug",
            "--format",
            "rxnorm",
            str(FIXTURES / "rxnorm"),
            "--version",
            "x",
            "--layout",
            "tab",
        )
    out = _run(
        "load",
        "--kind",
        "drug",
        "--format",
        "rxnorm",
        str(FIXTURES / "rxnorm"),
        "--version",
        "2025-01",
    )
    assert "RxNorm 2025-01" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "event", "--format", "meddra", "/no/such/dir"], "does not exist"),
        (["--kind", "drug", "--format", "meddra", str(FIXTURES / "meddra")], "rxnorm or whodrug"),
        (["--kind", "drug", "--format", "rxnorm", str(FIXTURES / "rxnorm")], "needs --version"),
        (
            ["--kind", "drug", "--format", "rxnorm", str(FIXTURES / "meddra"), "--version", "1"],
            "missing RxNorm file: RXNCONSO.RRF",
        ),
        (
            [
                "--kind",
                "drug",
                "--format",
                "whodrug",
                str(FIXTURES / "whodrug_tab.txt"),
                "--version",
                "1",
                "--layout",
                "{not json",
            ],
            "not valid JSON",
        ),
        (
            [
                "--kind",
                "drug",
                "--format",
                "whodrug",
                str(FIXTURES / "whodrug_tab.txt"),
                "--version",
                "1",
                "--layout",
                "@/no/layout.json",
            ],
            "cannot read layout file",
        ),
    ],
)
def test_bad_input_is_a_command_error(args, message):
    with pytest.raises(CommandError, match=message):
        _run("load", *args)
    assert not Dictionary.objects.exclude(format="builtin").exists()


def test_broken_meddra_file_names_file_and_line(tmp_path):
    for f in (FIXTURES / "meddra").iterdir():
        (tmp_path / f.name).write_text(f.read_text())
    (tmp_path / "pt.asc").write_text("1$broken")
    with pytest.raises(CommandError, match=r"pt\.asc:1"):
        _run("load", "--kind", "event", "--format", "meddra", str(tmp_path))


def test_cli_prints_one_line_and_exits_1_without_traceback(capsys):
    from pv.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["dictionaries", "load", "--kind", "event", "--format", "meddra", "/no/such/dir"])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "CommandError: /no/such/dir does not exist." in err
    assert "Traceback" not in err


def test_activate_unknown_id_is_an_error():
    with pytest.raises(CommandError, match="no dictionary"):
        _run("activate", "not-a-uuid")
