"""Read a report-level CSV, count its pairs and write the result: csv module, dicts and numpy.

The conventions are ``signals.stats.counts.count_pairs``' and the CLI's pandas reader's, so
both paths give the same table (tests/signals/test_stats_lite.py):

* one row per mention; pairs count *distinct report ids*; margins are distinct reports per
  drug, per event and in total; E = n1. n.1 / N..; pairs sorted by drug then event;
* an empty id, drug or event is an error naming the data row; a row with more fields than the
  header is an error naming its line; blank lines are skipped; ``.gz`` is read through gzip;
* report ids are compared as integers when every id is an integer (as pandas reads such a
  column), otherwise as text;
* names are canonicalised as ``counts.canonical_names`` does (``canonical_names`` below).
"""

from __future__ import annotations

import csv
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


class CsvError(ValueError):
    """A problem with the file, worded for the user (the CLI prints it after the path)."""


@dataclass(frozen=True)
class Mentions:
    ids: list[str]
    drugs: list[str]
    events: list[str]


def _open(path: Path):
    if path.suffix == ".gz":
        import gzip  # noqa: PLC0415  (only for .gz input)

        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def read_mentions(path: Path, columns: Sequence[str]) -> Mentions:
    """The id, drug and event columns of every data row (blank lines skipped)."""
    try:
        with _open(path) as handle:
            reader = csv.reader(handle)
            try:
                header = next(reader)
                while not header:
                    header = next(reader)
            except StopIteration:
                raise CsvError("not a readable CSV (no columns to parse from file)") from None
            missing = [c for c in columns if c not in header]
            if missing:
                raise CsvError(
                    f"column {', '.join(map(repr, missing))} not in header "
                    f"(found: {', '.join(header)})"
                )
            width = len(header)
            where = [header.index(c) for c in columns]
            rows = [fields for fields in reader if fields]  # blank lines skipped
    except csv.Error as exc:
        raise CsvError(f"malformed CSV: {exc}") from None
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise CsvError(f"cannot read ({exc})") from None
    if not rows:
        raise CsvError("no data rows")
    widths = set(map(len, rows))
    if max(widths) > width:
        row = next(k for k, fields in enumerate(rows, 1) if len(fields) > width)
        if row == 1:
            raise CsvError("data row 1 (line 2) has more fields than the header")
        line_of = _physical_lines(path)
        raise CsvError(
            f"malformed CSV: Error tokenizing data. C error: Expected {width} fields"
            f" in line {line_of[row]}, saw {len(rows[row - 1])}"
        )
    if min(widths) < width:  # short rows: the missing fields are empty, as pandas reads them
        rows = [fields + [""] * (width - len(fields)) for fields in rows]
    out = []
    for col, index in zip(columns, where, strict=True):
        values = [fields[index] for fields in rows]
        if "" in set(values):
            row = values.index("") + 1
            raise CsvError(f"data row {row} (line {row + 1}) has an empty {col!r} value")
        out.append(values)
    return Mentions(*out)


def _physical_lines(path: Path) -> dict[int, int]:
    """Data row number -> the line it ends on (for an error message only)."""
    with _open(path) as handle:
        reader = csv.reader(handle)
        lines, row = {}, 0
        for fields in reader:
            if fields:
                lines[row] = reader.line_num  # row 0 is the header
                row += 1
        return lines


def canonical_names(values: list[str]) -> list[str]:
    """``counts.canonical_names`` without pandas: names equal after trimming, collapsing inner
    whitespace and case folding are one; each takes the tidied spelling seen most often, ties
    going to the spelling that sorts first (pandas' category order)."""
    frequency = Counter(values)
    best: dict[str, tuple[int, str, str]] = {}  # key -> (-freq, raw, tidy)
    for raw in sorted(frequency):
        tidy = " ".join(raw.split())
        key = tidy.casefold()
        candidate = (-frequency[raw], raw, tidy)
        if key not in best or candidate[0] < best[key][0]:
            best[key] = candidate
    mapping = {raw: best[" ".join(raw.split()).casefold()][2] for raw in frequency}
    return [mapping[v] for v in values]


def _codes(values: list[str]) -> tuple[np.ndarray, list[str]]:
    """Integer codes ranked by sorted label (so pairs sort like openEBGM's), and the labels."""
    labels = sorted(set(values))
    rank = {label: k for k, label in enumerate(labels)}
    return np.fromiter((rank[v] for v in values), np.int64, len(values)), labels


def _id_codes(ids: list[str]) -> tuple[np.ndarray, int]:
    try:
        keys: list[object] = [int(v) for v in ids]
    except ValueError:
        keys = ids
    seen: dict[object, int] = {}
    codes = np.fromiter((seen.setdefault(k, len(seen)) for k in keys), np.int64, len(keys))
    return codes, len(seen)


@dataclass(frozen=True)
class PairCounts:
    """``counts.PAIR_COLUMNS`` as arrays: drug / event labels per pair and the counts."""

    drug: np.ndarray  # object arrays of labels
    event: np.ndarray
    n: np.ndarray
    n_drug: np.ndarray
    n_event: np.ndarray
    n_total: np.ndarray
    expected: np.ndarray

    def __len__(self) -> int:
        return len(self.n)


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The sorted distinct values of an integer array: ``np.unique(keys)`` without its
    ``np.ma.is_masked`` check, which imports numpy.ma (~7 ms of a ~0.3 s command)."""
    keys = np.sort(keys)
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


def count_pairs(mentions: Mentions) -> PairCounts:
    """Distinct-report counts of every observed pair, sorted by drug then event."""
    ids, n_ids = _id_codes(mentions.ids)
    drugs, drug_labels = _codes(mentions.drugs)
    events, event_labels = _codes(mentions.events)
    n_drugs, n_events = len(drug_labels), len(event_labels)
    if float(n_ids) * n_drugs * n_events >= 2.0**62:
        raise ValueError("too many distinct ids x drugs x events to encode pairs in 64 bits")
    triples = _distinct((ids * n_drugs + drugs) * n_events + events)
    pairs, n = np.unique(triples % (n_drugs * n_events), return_counts=True)
    pair_drug, pair_event = pairs // n_events, pairs % n_events
    drug_reports = _distinct(triples // n_events)
    event_reports = _distinct(ids * n_events + events)
    n_drug = np.bincount(drug_reports % n_drugs, minlength=n_drugs)
    n_event = np.bincount(event_reports % n_events, minlength=n_events)
    expected = n_drug[pair_drug].astype(np.float64) * n_event[pair_event] / n_ids
    return PairCounts(
        drug=np.array(drug_labels, dtype=object)[pair_drug],
        event=np.array(event_labels, dtype=object)[pair_event],
        n=n.astype(np.int64),
        n_drug=n_drug[pair_drug].astype(np.int64),
        n_event=n_event[pair_event].astype(np.int64),
        n_total=np.full(len(n), n_ids, dtype=np.int64),
        expected=expected,
    )


# As signals.csvio writes (R's spelling of non-finite values, repr for full precision).
_SPECIAL = {"inf": "Inf", "-inf": "-Inf", "nan": "NaN"}


def _quote(text: str) -> str:
    if any(ch in text for ch in ',"\n\r') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def _format(values: np.ndarray, sep: str) -> list[str]:
    """Text of every value followed by ``sep``, formatting each distinct value once (many
    repeat: pairs sharing their counts share PRR, ROR, chi2; pairs sharing (N, E) share IC and
    the EB scores). The separator is added per distinct value, not per field."""
    if values.dtype == object:  # names: a dict, not a sort of Python strings
        seen: dict[object, str] = {}
        return [seen[v] if v in seen else seen.setdefault(v, _quote(str(v)) + sep) for v in values]
    uniques, codes = np.unique(values, return_inverse=True)  # float NaNs fold into one
    if np.issubdtype(values.dtype, np.floating):
        texts = [_SPECIAL.get(t, t) + sep for t in map(float.__repr__, uniques.tolist())]
    else:
        texts = [str(v) + sep for v in uniques.tolist()]
    return np.array(texts, dtype=object)[codes.ravel()].tolist()


def write_csv(
    columns: dict[str, np.ndarray | tuple[np.ndarray, np.ndarray]], path: str | Path
) -> None:
    """A header and one line per row, in the order of ``columns``; as signals.csvio does.
    A column given as (distinct values, codes) is ``distinct[codes]``, formatted per distinct
    value (``scoring.LiteResult.for_csv``).

    Every field carries its separator (``,`` or the line's ``\\n``), so the body is one
    ``"".join`` of the fields laid out row by row with slice assignments: no tuple and no
    joined string per row (a third of the writer's time on caers)."""
    width = len(columns)
    fields: list[str] = []
    for k, values in enumerate(columns.values()):
        sep = "\n" if k == width - 1 else ","
        if isinstance(values, tuple):  # (distinct values, each row's index into them)
            distinct, codes = values
            texts = np.array(_format(np.asarray(distinct), sep), dtype=object)[codes].tolist()
        else:
            texts = _format(np.asarray(values), sep)
        if k == 0:
            fields = [""] * (len(texts) * width)
        elif len(texts) * width != len(fields):
            raise ValueError("columns of different lengths")
        fields[k::width] = texts
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(_quote(c) for c in columns) + "\n")
        handle.write("".join(fields))
