"""Where an event's words begin and end: the sentence around a position, and events widened
over the words annotated with them (`SPAN_LEFT_WORDS` / `SPAN_RIGHT_PHRASES`)."""

from __future__ import annotations

import bisect

# Where the patient's words for a reaction begin and end (docs/annotation.md). Widened over
# "initial" and "more" right before an event ("initial nausea", "more irritable"): chosen on
# 5-fold CV of the PsyTAR train split (2.4). Since 2.7 forms of "feel" before an event
# ("felt disoriented", a PsyTAR habit) and time-of-day phrases after it ("at night") are no
# longer taken in: the annotation conventions leave auxiliaries and frequency words out.
SPAN_LEFT_WORDS = frozenset({"initial", "more"})
SPAN_RIGHT_PHRASES: tuple[tuple[str, ...], ...] = ()
_RIGHT_PHRASES_BY_FIRST = {w: [p for p in SPAN_RIGHT_PHRASES if p[0] == w]
                           for w in {p[0] for p in SPAN_RIGHT_PHRASES}}


def sentence_around(sentences: list[tuple[int, int]], pos: int, n: int) -> tuple[int, int]:
    """[start, end) of the sentence holding norm position `pos` (of a text of `n` norms)."""
    si = bisect.bisect_right(sentences, (pos, n)) - 1
    return sentences[si] if si >= 0 else (0, n)


def annotated_extents(norms: list[str], sentences: list[tuple[int, int]], events: list[tuple],
                      taken: set[int]) -> list[tuple]:
    """Events widened over `SPAN_LEFT_WORDS` / `SPAN_RIGHT_PHRASES` next to them, within
    their sentence and never into another mention (`taken`: the positions of all mentions)."""
    n_norms = len(norms)
    out = []
    for e in events:
        a, b = e[0], e[1]
        left = a > 0 and norms[a - 1] in SPAN_LEFT_WORDS
        right = _RIGHT_PHRASES_BY_FIRST.get(norms[b]) if b < n_norms else None
        if not (left or right):  # most events: nothing to widen over
            out.append(e)
            continue
        lo, hi = sentence_around(sentences, a, n_norms)
        if left and a > lo and a - 1 not in taken:
            a -= 1
        for phrase in right or ():
            n = len(phrase)
            if (b + n <= hi and tuple(norms[b:b + n]) == phrase
                    and taken.isdisjoint(range(b, b + n))):
                b += n
                break
        out.append((a, b, *e[2:]) if (a, b) != (e[0], e[1]) else e)
    return out
