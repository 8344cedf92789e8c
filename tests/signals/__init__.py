"""Tests of the pure signals core. Reference data ships in ``tests/data/`` (``shared_path``)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
# Folders the package itself ships: tests read that copy rather than a duplicate.
PACKAGED = {
    ("signals_data", "faers_ascii_sample"): REPO / "signals" / "data" / "faers_ascii_sample",
}


def shared_dir() -> Path:
    """The folder holding the tests' reference data (laid out like the team's shared folder)."""
    return DATA


def shared_path(*parts: str) -> Path:
    """A shipped reference file or folder; a missing one fails the test, it never skips it."""
    packaged = PACKAGED.get(parts[:2])
    path = packaged.joinpath(*parts[2:]) if packaged else DATA.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"reference data missing from the repository: {path}")
    return path
