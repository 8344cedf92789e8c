"""Fast, full-precision CSV writing for result tables (pure; no Django).

``DataFrame.to_csv`` formats ~15 float columns x 10^6 rows one value at a time through several
Python layers (tens of seconds here). Many values repeat across pairs (every pair with the same
(N, E) has the same EBGM, EB05, EB95, IC ...), so each column formats its *distinct* values once
with ``repr`` (shortest string that round-trips, i.e. full precision) and gathers by code.
Non-finite values are written as R spells them, ``Inf``, ``-Inf`` and ``NaN``, which pandas and R
both read back as numbers.
"""

from __future__ import annotations

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
) -> None:
    """Write ``columns`` of ``table`` with a header row, floats at full precision.

    Rows are formatted and written ``chunk_rows`` at a time, so the text of a 10^6-row table
    (several hundred MB as Python strings) never sits in memory whole.
    """
    if isinstance(target, str | Path):
        with open(target, "w", encoding="utf-8", newline="") as handle:
            _write_chunks(handle, table, columns, chunk_rows)
    else:
        _write_chunks(target, table, columns, chunk_rows)


def _write_chunks(
    handle: IO[str], table: pd.DataFrame, columns: Sequence[str], chunk_rows: int
) -> None:
    handle.write(",".join(_quote(c) for c in columns) + "\n")
    for start in range(0, len(table), chunk_rows):
        part = table.iloc[start : start + chunk_rows]
        formatted = [_format_column(part[c]) for c in columns]
        handle.write("\n".join(map(",".join, zip(*formatted, strict=True))) + "\n")
