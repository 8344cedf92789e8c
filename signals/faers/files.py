"""FAERS / AERS quarter files: finding the tables (folder or zip), the two layouts, reading a
``$``-separated table, and small field conversions (pure pandas; no Django)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_ROLES = ("PS", "SS")
AGE_BINS = [-np.inf, 18, 45, 65, np.inf]
AGE_LABELS = ["0-17", "18-44", "45-64", "65+"]
# FAERS age units -> years
_AGE_UNIT_YEARS = {
    "DEC": 10.0,
    "YR": 1.0,
    "MON": 1 / 12,
    "WK": 7 / 365.25,
    "DY": 1 / 365.25,
    "HR": 1 / 8766.0,
}


class FaersFormatError(ValueError):
    """A quarter that cannot be parsed; the message names the file and, if known, the line."""


@dataclass(frozen=True)
class _Layout:
    version: str  # report-version id column
    case: str
    sex: str
    has_prod_ai: bool
    ther_seq: str  # THER's column naming the DRUG row's drug_seq
    indi_seq: str  # INDI's
    has_country: bool


_CURRENT = _Layout(
    version="primaryid", case="caseid", sex="sex", has_prod_ai=True,
    ther_seq="dsg_drug_seq", indi_seq="indi_drug_seq", has_country=True,
)  # fmt: skip
_LEGACY = _Layout(
    version="isr", case="case", sex="gndr_cod", has_prod_ai=False,
    ther_seq="drug_seq", indi_seq="drug_seq", has_country=False,
)  # fmt: skip


def _members(source: Path, extra: Iterable[str] = ()) -> dict[str, tuple[str, bytes | Path]]:
    """Table name (DEMO, DRUG, REAC, DELE and the ``extra`` tables, e.g. OUTC) -> (display
    name, path or bytes)."""
    found: dict[str, tuple[str, bytes | Path]] = {}
    # DEMO17Q2.txt, DRUG04Q1.TXT ...; the deletion list has been shipped as DELE19Q1.txt and
    # as ...DeletedCases.txt, so any .txt naming "DELE" counts as one.
    tables = "|".join(("DEMO", "DRUG", "REAC", *(t.upper() for t in extra)))
    pattern = re.compile(rf"({tables})\d\dQ\d.*\.TXT$|(DELE).*\.TXT$", re.IGNORECASE)
    if source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            for name in archive.namelist():
                match = pattern.search(Path(name).name)
                if match:
                    kind = (match.group(1) or match.group(2)).upper()
                    found.setdefault(kind, (name, archive.read(name)))
    elif source.is_dir():
        for path in sorted(source.rglob("*")):
            match = pattern.search(path.name)
            if match and path.is_file():
                kind = (match.group(1) or match.group(2)).upper()
                found.setdefault(kind, (str(path), path))
    else:
        raise FaersFormatError(f"{source}: not a folder or zip of FAERS ASCII files")
    missing = [t for t in ("DEMO", "DRUG", "REAC") if t not in found]
    if missing:
        raise FaersFormatError(f"{source}: no {'/'.join(missing)} file found")
    return found


def _read_table(
    member: tuple[str, bytes | Path], columns: Iterable[str], optional: Iterable[str] = ()
) -> pd.DataFrame:
    """The ``columns`` (a missing one is an error) and those of ``optional`` the file has."""
    name, data = member
    handle = io.BytesIO(data) if isinstance(data, bytes) else data
    wanted = set(columns)
    maybe = set(optional)
    try:
        table = pd.read_csv(
            handle,
            sep="$",
            dtype=str,
            encoding="latin-1",  # FDA's files are not valid UTF-8 in every quarter
            quoting=csv.QUOTE_NONE,
            keep_default_na=False,
            na_values=[""],
            # Legacy AERS lines end with a "$" the header lacks: without index_col=False pandas
            # would silently turn the first column into the index and shift every field.
            # Extra trailing fields are therefore tolerated; the needed columns come first.
            index_col=False,
            usecols=lambda c: c.strip().lower() in wanted | maybe,
        )
    except pd.errors.ParserError as exc:
        raise FaersFormatError(f"{name}: {exc}".strip()) from None
    except (pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        raise FaersFormatError(f"{name}: cannot read ({exc})") from None
    table.columns = [c.strip().lower() for c in table.columns]
    absent = wanted - set(table.columns)
    if absent:
        raise FaersFormatError(f"{name}: column(s) {', '.join(sorted(absent))} missing")
    return table


def _detect_layout(member: tuple[str, bytes | Path]) -> _Layout:
    name, data = member
    head = data[:200] if isinstance(data, bytes) else data.open("rb").read(200)
    first = head.split(b"\n", 1)[0].decode("latin-1").strip().lower().split("$")[0]
    if first == "primaryid":
        return _CURRENT
    if first == "isr":
        return _LEGACY
    raise FaersFormatError(f"{name}: header starts with {first!r}, expected primaryid or isr")


def _quarter(name: str) -> str:
    match = re.search(r"(\d\d)Q(\d)", Path(name).name, re.IGNORECASE)
    return f"20{match.group(1)}Q{match.group(2)}" if match else ""


def _age_group(age: pd.Series, unit: pd.Series) -> pd.Series:
    years = pd.to_numeric(age, errors="coerce") * unit.str.upper().map(_AGE_UNIT_YEARS)
    groups = pd.cut(years, AGE_BINS, right=False, labels=AGE_LABELS)
    return groups.cat.add_categories("UNK").fillna("UNK").astype(str)


def _deleted_ids(member: tuple[str, bytes | Path] | None) -> set[str]:
    if member is None:
        return set()
    _, data = member
    text = data.decode("latin-1") if isinstance(data, bytes) else data.read_text("latin-1")
    return {t.strip() for t in text.split() if t.strip().isdigit()}
