"""What the queue's drug and event filters search, copied onto each triage item (pure).

The filters match a drug when one of the item's drug mentions has the code (whole, any case) or
contains the words in its text or term; an event when one of its reportable event mentions has
the code or PT code, or contains the words in its text, term, PT or LLT. Reading those through
an EXISTS over every mention made a filtered page of a 100,000-item queue take 300-400 ms in
PostgreSQL; the same values copied onto the item are one row's columns instead.

Each column joins the values with `SEP` (ASCII unit separator), with `SEP` at both ends:

- `*_words`: a search for X is "the column contains X", which is true exactly when one value
  contains X, because X never contains `SEP` (the selector falls back to the mentions for the
  one query that does) so a match cannot span two values;
- `*_codes`: a search for X is "the column contains SEP X SEP", true exactly when one code
  equals X. A code that itself contains `SEP` cannot equal such an X and is left out.

The database compares case-insensitively as it did for the mentions (the same `icontains` /
`iexact` lookups, character by character), so a filter returns what it returned before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

SEP = "\x1f"

DRUG_WORDS = ("text", "term")
DRUG_CODES = ("code",)
EVENT_WORDS = ("text", "term", "pt", "llt")
EVENT_CODES = ("code", "pt_code")
COLUMNS = ("drug_words", "drug_codes", "event_words", "event_codes")


def _join(values: Iterable[str]) -> str:
    kept = [v for v in values if v]
    return f"{SEP}{SEP.join(kept)}{SEP}" if kept else ""


def queue_terms(mentions: Iterable[Any]) -> dict[str, str]:
    """The four filter columns of a triage item, from its screening's mentions (objects or
    anything with `kind`, `reportable` and the coding attributes)."""
    drugs, events = [], []
    for m in mentions:
        if m.kind == "drug":
            drugs.append(m)
        elif m.kind == "event" and m.reportable:
            events.append(m)
    return {
        "drug_words": _join(getattr(m, f) for m in drugs for f in DRUG_WORDS),
        "drug_codes": _join(
            c for m in drugs for f in DRUG_CODES if SEP not in (c := getattr(m, f))
        ),
        "event_words": _join(getattr(m, f) for m in events for f in EVENT_WORDS),
        "event_codes": _join(
            c for m in events for f in EVENT_CODES if SEP not in (c := getattr(m, f))
        ),
    }
