"""Django's `{# … #}` comments end at the line's end: a comment spread over lines is rendered
as text on the page. Every template of every app keeps them on one line."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_template_has_a_multi_line_hash_comment():
    offenders = []
    for path in ROOT.glob("*/templates/**/*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "{#" in line and "#}" not in line[line.index("{#"):]:
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert not offenders, offenders
