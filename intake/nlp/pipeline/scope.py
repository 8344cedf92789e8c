"""Drugs in scope of a text: the sentences with a drug in scope, the drug a post is about,
and whether the post's drugs are taken for an event."""

from __future__ import annotations

import bisect
import functools

from coding.nlp.dictionaries import default_drugs, drug_indications
from coding.nlp.text import norm_phrase
from intake.nlp.pipeline.models import _matcher


def _sentences_of(starts: list[int], spans: list[tuple]) -> set[int]:
    """The sentences (given by their first norm positions) holding the spans' starts."""
    return {bisect.bisect_right(starts, span[0]) - 1 for span in spans}


def drug_scope(pv: dict, about: bool | str) -> set[int]:
    """The sentences with a drug in scope: from the first that names a drug on, or all of
    them when the post is known to be about a named drug (a drug-review thread)."""
    n = len(pv["sentences"])
    if _named(about):
        return set(range(n))
    if not pv["drugs"]:
        return set()
    first = min(_sentences_of(pv["sentence_starts"], pv["drugs"]))
    return set(range(max(first, 0), n))


def _named(about: bool | str) -> str:
    """The drug name of `about_drug` ("" for `true`, `false` or none: a post known to be about
    some drug, or not)."""
    return about if isinstance(about, str) else ""


@functools.lru_cache(maxsize=4096)
def about_codes(name: str) -> tuple[str, ...]:
    """Drug concept codes of an `about_drug` name ("atorvastatin", "Lipitor", "the pill")."""
    return tuple(c for c, _ in default_drugs().names.get(norm_phrase(name), ()))


def treated_flags(pv: dict, about: bool | str) -> list[str | None] | None:
    """Per event: "treats" when the drug the post is about (or, without one, a drug of the
    first sentence naming drugs), or a drug named before the event in its sentence, is taken
    for it; "not_for" / "before" when the known drugs are not for it and it follows /
    precedes them; None when no drug of the post is in the indication table. Other drugs do
    not make it the treated condition: they are often the remedy ("... hives, so they gave
    me prednisone", "then zyrtec; the rash cleared")."""
    table = drug_indications()
    events = pv["events"]
    if not events or not table:
        return None
    names = default_drugs().names
    starts = pv["sentence_starts"]
    known: list[tuple[int, int, frozenset[str]]] = []  # (position, sentence, what it treats)
    for a, _b, key, _fuzzy in pv["drugs"]:
        for code, _brand in names.get(key, ()):
            hit = table.get(code)
            if hit is not None:
                known.append((a, bisect.bisect_right(starts, a) - 1, hit))
    named = _named(about)
    primary: list[frozenset[str]] = []
    if named:
        primary = [hit for code in about_codes(named) if (hit := table.get(code)) is not None]
    if not known and not primary:
        return None
    if not primary and not named:
        # The drugs of the first sentence naming any drug: when that drug is not in the
        # table (a vaccine), a later remedy ("took advil which helped") is not what the
        # post is about, and must not make the reactions its indications.
        first_sentence = min(bisect.bisect_right(starts, a) - 1 for a, *_ in pv["drugs"])
        primary = [hit for _, s, hit in known if s == first_sentence]
    first = -1 if named else min(p for p, _, _ in known)
    event_table = _matcher().event_table
    out: list[str | None] = []
    for e in events:
        key = e[2]
        if key is None:
            out.append(None)
            continue
        code = event_table[key][0]
        si = bisect.bisect_right(starts, e[0]) - 1
        if any(code in hit for hit in primary) or any(
                p < e[0] and s == si and code in hit for p, s, hit in known):
            out.append("treats")
        else:
            out.append("not_for" if e[0] > first else "before")
    return out
