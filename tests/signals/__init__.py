"""Tests of the pure signals core. Shared reference data is found via ``shared_path``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """``$PV_SHARED_DIR`` if set, else ``<repo>/../shared``."""
    return Path(os.environ.get("PV_SHARED_DIR", REPO.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A file under the shared folder, or skip the test with the reason."""
    path = shared_dir().joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared reference data not found: {path} (set PV_SHARED_DIR)")
    return path
