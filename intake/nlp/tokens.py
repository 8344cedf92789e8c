"""The hot token path: spaCy's tokenizer output -> normalised tokens, offsets and sentences.

One pass over `doc.to_array([ORTH, IDX])` with a per-process cache keyed by the token's ORTH id
(normalised form, length, whether it is skipped, whether it ends a sentence), so a token type
is normalised once per process, not once per occurrence. Sentence boundaries follow the rule of
spaCy's `sentencizer` (a sentence starts at the first token after a run of sentence-final
punctuation; newlines also end a sentence), computed here instead of by a separate component
because that component alone cost about a fifth of the pipeline.
"""

from __future__ import annotations

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
    cache = _CACHE
    norms: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    firsts: list[int] = [0]
    after_punct = False
    arr = doc.to_array([ORTH, IDX])
    # Column by column: tolist() of the 2-D uint64 array is ten times slower.
    for orth, idx in zip(arr[:, 0].tolist(), arr[:, 1].tolist()):  # noqa: B905
        info = cache.get(orth)
        if info is None:
            info = _info(orth, strings)
        norm, length, punct, newline = info
        if newline:
            after_punct = True
        if norm is None:
            continue
        if after_punct and not punct:
            if norms and firsts[-1] != len(norms):
                firsts.append(len(norms))
            after_punct = False
        elif punct:
            after_punct = True
        norms.append(norm)
        starts.append(idx)
        ends.append(idx + length)
    if not norms:
        return [], [], [], []
    sentences = list(zip(firsts, [*firsts[1:], len(norms)], strict=True))
    return norms, starts, ends, sentences
