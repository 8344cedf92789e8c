"""The hot token path: spaCy's tokenizer output -> normalised tokens, offsets and sentences.

One pass over `doc.to_array([ORTH, IDX])` with a per-process cache keyed by the token's ORTH id
(normalised form, length, whether it is skipped, whether it ends a sentence), so a token type
is normalised once per process, not once per occurrence. Sentence boundaries follow the rule of
spaCy's `sentencizer` (a sentence starts at the first token after a run of sentence-final
punctuation; newlines also end a sentence), computed here instead of by a separate component
because that component alone cost about a fifth of the pipeline.
"""

from __future__ import annotations

import bisect

from spacy.attrs import IDX, ORTH
from spacy.pipeline.sentencizer import Sentencizer

from coding.nlp.text import _SKIP, norm_token

_PUNCT = frozenset(Sentencizer.default_punct_chars)
# orth id -> (norm or None when skipped, length, is sentence-final punctuation, is newline)
_CACHE: dict[int, tuple[str | None, int, bool, bool]] = {}
_CACHE_MAX = 500_000


def _info(orth: int, strings) -> tuple[str | None, int, bool, bool]:
    text = strings[orth]
    low = text.lower()
    skip = low in _SKIP or text.isspace()
    info = (None if skip else norm_token(low), len(text), text in _PUNCT or (
        len(text) > 1 and not text.isspace() and all(c in _PUNCT for c in text)),
        "\n" in text and text.isspace())
    if len(_CACHE) < _CACHE_MAX:
        _CACHE[orth] = info
    return info


def analyse(doc) -> tuple[list[str], list[int], list[int], list[tuple[int, int]]]:
    """(norms, char starts, char ends, sentences as [first, last+1) over norm positions)."""
    if len(doc) == 0:
        return [], [], [], []
    strings = doc.vocab.strings
    get = _CACHE.get
    arr = doc.to_array([ORTH, IDX])
    # Column by column: tolist() of the 2-D uint64 array is ten times slower.
    infos = [get(o) or _info(o, strings) for o in arr[:, 0].tolist()]
    idxs = arr[:, 1].tolist()
    kept = [i for i, info in enumerate(infos) if info[0] is not None]
    if not kept:
        return [], [], [], []
    norms = [infos[i][0] for i in kept]
    starts = [idxs[i] for i in kept]
    ends = [idxs[i] + infos[i][1] for i in kept]
    # A sentence starts at the first non-punctuation token after sentence-final punctuation
    # (or a newline); only those few tokens are looked at.
    punct = [k for k, i in enumerate(kept) if infos[i][2]]
    breaks = [k + 1 for k in punct]
    newlines = [i for i, info in enumerate(infos) if info[3]]
    if newlines:
        breaks += [bisect.bisect_left(kept, i) for i in newlines]
    firsts = {0}
    if breaks:
        punct_set = set(punct)
        n = len(norms)
        for k in breaks:
            while k in punct_set:
                k += 1
            if k < n:
                firsts.add(k)
    order = sorted(firsts)
    sentences = list(zip(order, [*order[1:], len(norms)], strict=True))
    return norms, starts, ends, sentences
