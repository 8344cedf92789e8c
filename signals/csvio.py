"""Fast, full-precision CSV writing for result tables (pure; no Django).

``DataFrame.to_csv`` formats ~15 float columns x 10^6 rows one value at a time through several
Python layers (tens of seconds here). Many values repeat across pairs (every pair with the same
(N, E) has the same EBGM, EB05, EB95, IC ...), so each column formats its *distinct* values once
with ``repr`` (shortest string that round-trips, i.e. full precision) and gathers by code.
Non-finite values are written as R spells them, ``Inf``, ``-Inf`` and ``NaN``, which pandas and R
both read back as numbers.
"""

from __future__ import annotations

import multiprocessing
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

_SPECIAL = {"inf": "Inf", "-inf": "-Inf", "nan": "NaN"}


def _quote(text: str) -> str:
    if any(ch in text for ch in ',"\n\r') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def _format_column(values: pd.Series) -> np.ndarray:
    """Text of every value as an object array, formatting each distinct value once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if pd.api.types.is_float_dtype(values.dtype):
        floats = np.asarray(uniques, dtype=np.float64)
        texts = np.asarray(list(map(float.__repr__, floats.tolist())), dtype=object)
        for index in np.flatnonzero(~np.isfinite(floats)):  # a handful: patch in R spelling
            texts[index] = _SPECIAL[texts[index]]
    elif pd.api.types.is_integer_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        texts = np.asarray([str(v) for v in np.asarray(uniques).tolist()], dtype=object)
    else:
        texts = np.asarray(["" if pd.isna(v) else _quote(str(v)) for v in uniques], dtype=object)
    return texts[codes]


def write_csv(
    table: pd.DataFrame,
    target: str | Path | IO[str],
    columns: Sequence[str],
    *,
    chunk_rows: int = 200_000,
    workers: int = 1,
) -> None:
    """Write ``columns`` of ``table`` with a header row, floats at full precision.

    Rows are formatted and written ``chunk_rows`` at a time, so the text of a 10^6-row table
    (several hundred MB as Python strings) never sits in memory whole. With ``workers`` > 1
    and a file target (POSIX only), contiguous row ranges are formatted by forked processes
    into part files that are then appended in order: formatting is CPU-bound and ``repr``
    holds the GIL, so processes are the only way to use a second core. Meant for the CLI; a
    Celery worker should keep the default of 1.
    """
    if isinstance(target, str | Path):
        parallel = (
            workers > 1
            and len(table) >= 2 * chunk_rows
            and "fork" in multiprocessing.get_all_start_methods()
        )
        if parallel:
            _write_parallel(table, Path(target), columns, chunk_rows, workers)
            return
        with open(target, "w", encoding="utf-8", newline="") as handle:
            handle.write(_header(columns))
            _write_rows(handle, table, columns, chunk_rows)
    else:
        target.write(_header(columns))
        _write_rows(target, table, columns, chunk_rows)


def _header(columns: Sequence[str]) -> str:
    return ",".join(_quote(c) for c in columns) + "\n"


def _write_rows(
    handle: IO[str], table: pd.DataFrame, columns: Sequence[str], chunk_rows: int
) -> None:
    for start in range(0, len(table), chunk_rows):
        part = table.iloc[start : start + chunk_rows]
        formatted = [_format_column(part[c]) for c in columns]
        handle.write("\n".join(map(",".join, zip(*formatted, strict=True))) + "\n")


def _write_part(table: pd.DataFrame, path: Path, columns: Sequence[str], chunk_rows: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        _write_rows(handle, table, columns, chunk_rows)


def _write_parallel(
    table: pd.DataFrame, target: Path, columns: Sequence[str], chunk_rows: int, workers: int
) -> None:
    bounds = np.linspace(0, len(table), workers + 1).astype(int)
    parts = [target.with_name(f".{target.name}.part{k}") for k in range(1, workers)]
    context = multiprocessing.get_context("fork")  # children inherit the table, no pickling
    children = [
        context.Process(
            target=_write_part,
            args=(table.iloc[bounds[k] : bounds[k + 1]], parts[k - 1], columns, chunk_rows),
        )
        for k in range(1, workers)
    ]
    try:
        for child in children:
            child.start()
        with open(target, "w", encoding="utf-8", newline="") as handle:
            handle.write(_header(columns))
            _write_rows(handle, table.iloc[bounds[0] : bounds[1]], columns, chunk_rows)
            for child in children:
                child.join()
            if any(child.exitcode != 0 for child in children):
                raise OSError(f"a CSV writer process failed while writing {target}")
            for part in parts:
                with open(part, encoding="utf-8", newline="") as source:
                    shutil.copyfileobj(source, handle, 1 << 22)
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()
                child.join()
        for part in parts:
            part.unlink(missing_ok=True)
