"""The hot token path: spaCy's tokenizer output -> normalised tokens, offsets and sentences.

One pass over `doc.to_array([ORTH, IDX])` with a per-process cache keyed by the token's ORTH id
(normalised form, length, whether it is skipped, whether it ends a sentence), so a token type
is normalised once per process, not once per occurrence. Sentence boundaries follow the rule of
spaCy's `sentencizer` (a sentence starts at the first token after a run of sentence-final
punctuation; newlines also end a sentence), computed here instead of by a separate component
because that component alone cost about a fifth of the pipeline.

`TextAnalyser` gives the same result straight from the text, without building a spaCy Doc:
spaCy tokenizes each whitespace-delimited chunk on its own, so the analysis of a chunk (its
tokens' norms, offsets and punctuation flags) is cached per chunk string and a text is the
concatenation of its chunks'. That is about three times faster than tokenizer + `analyse`.
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate, chain, compress, count, pairwise
from operator import add, itemgetter

from spacy.attrs import IDX, ORTH
from spacy.pipeline.sentencizer import Sentencizer
from spacy.tokenizer import Tokenizer

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
    return norms, starts, ends, _sentences(len(norms), punct, breaks)


def _sentences(n: int, punct: list[int], breaks: list[int]) -> list[tuple[int, int]]:
    firsts = {0}
    if breaks:
        punct_set = set(punct)
        for k in breaks:
            while k in punct_set:
                k += 1
            if k < n:
                firsts.add(k)
    order = sorted(firsts)
    return list(zip(order, [*order[1:], n], strict=True))


_WHITESPACE = re.compile(r"(\s+)")  # \s is str.isspace(), the test spaCy splits chunks on
# A chunk's entry: its kept tokens' norms, offsets in the chunk, lengths and punctuation flags,
# and (4) and (5) for `_straddles`.
_NORMS, _LENGTHS, _FLAGS, _HEAD = (itemgetter(i) for i in (0, 2, 3, 4))
_NO_TOKENS = ((), (), (), (), frozenset(), frozenset())


class TextAnalyser:
    """`analyse(tokenizer(text))` without the Doc, from a per-chunk cache (bounded).

    Exact because spaCy's tokenizer handles each whitespace-delimited chunk on its own, with
    one exception: its special-case pass runs over the whole Doc, so a special case written
    with affixes ("’s", "s.", ":)") can match tokens of two neighbouring chunks, and such a
    match can block one inside a chunk ("’ s." keeps "s" "." apart). Texts where two
    neighbouring chunks could hold such a match (one ends with a token of one of those special
    cases and the next starts with the token after it) go through spaCy and `analyse`.
    """

    def __init__(self, tokenizer: Tokenizer, max_chunks: int = 500_000) -> None:
        self.tokenizer = tokenizer
        self.max_chunks = max_chunks
        self._chunks: dict[str, tuple] = {"": _NO_TOKENS}
        # The token sequences spaCy's special-case pass looks for: the affix tokenization of
        # the special cases with affixes or a space (spaCy's `_special_matcher`).
        bare = Tokenizer(tokenizer.vocab, rules={}, prefix_search=tokenizer.prefix_search,
                         suffix_search=tokenizer.suffix_search,
                         infix_finditer=tokenizer.infix_finditer,
                         token_match=tokenizer.token_match, url_match=tokenizer.url_match)
        pairs: set[tuple[str, str]] = set()
        # (special case, its first and last token before the special-case pass)
        self._edges: list[tuple[str, str, str]] = []
        for string in tokenizer.rules or {}:
            if not tokenizer.faster_heuristics or tokenizer.find_prefix(string) or \
                    tokenizer.find_infix(string) or tokenizer.find_suffix(string) or \
                    " " in string:
                orths = [t.text for t in bare(string)]
                pairs.update(pairwise(orths))
                if orths:
                    self._edges.append((string, orths[0], orths[-1]))
        # Chunks are told apart by whitespace: a token with whitespace could join them.
        self._exact = not any(a.isspace() or b.isspace() for a, b in pairs)
        # Second token -> the first tokens it follows in some special case.
        self._after: dict[str, frozenset[str]] = {}
        for a, b in pairs:
            self._after[b] = self._after.get(b, frozenset()) | {a}
        self._lasts = frozenset(a for a, _ in pairs)

    def __call__(self, text: str) -> tuple[list[str], list[int], list[int],
                                            list[tuple[int, int]]]:
        chunks = text.split()
        if text.count(" ") == len(chunks) - 1 and sum(map(len, chunks)) + len(chunks) - 1 == \
                len(text):
            # The common case: chunks apart by one space each (str.split is 5x faster than re).
            parts = None
            offsets = list(map(add, accumulate(map(len, chunks[:-1]), initial=0), count()))
        else:
            parts = _WHITESPACE.split(text)  # chunk, whitespace, chunk, ..., chunk
            chunks = parts[::2]
            offsets = list(accumulate(map(len, parts), initial=0))[::2]
        entries = list(map(self._chunks.get, chunks))
        if not all(entries):  # some chunk not seen yet
            entries = [self._entry(c) if e is None else e
                       for e, c in zip(entries, chunks, strict=True)]
        if not self._exact or self._straddles(entries):
            return analyse(self.tokenizer(text))
        # Flattened with C-level iterators where no arithmetic is needed.
        norms = list(chain.from_iterable(map(_NORMS, entries)))
        if not norms:
            return [], [], [], []
        starts = [o + r for o, e in zip(offsets, entries, strict=True) for r in e[1]]
        ends = list(map(add, starts, chain.from_iterable(map(_LENGTHS, entries))))
        punct = list(compress(count(), chain.from_iterable(map(_FLAGS, entries))))
        breaks = [k + 1 for k in punct]
        if parts is not None and "\n" in text:
            # A whitespace run holding a newline ends the sentence before the next token.
            before = list(accumulate((len(e[0]) for e in entries), initial=0))
            breaks += [before[j + 1] for j, ws in enumerate(parts[1::2]) if "\n" in ws]
        return norms, starts, ends, _sentences(len(norms), punct, breaks)

    @staticmethod
    def _straddles(entries: list[tuple]) -> bool:
        # Only the few chunks that start like the second token of a special case are looked at.
        return any(i and not entries[i][4].isdisjoint(entries[i - 1][5])
                   for i in compress(count(), map(_HEAD, entries)))

    def _entry(self, chunk: str) -> tuple:
        doc = self.tokenizer(chunk)
        strings = doc.vocab.strings
        get = _CACHE.get
        norms, starts, lengths, punct = [], [], [], []
        orths = doc.to_array([ORTH, IDX]).tolist() if len(doc) else []
        for orth, idx in orths:
            norm, length, is_punct, _ = get(orth) or _info(orth, strings)
            if norm is not None:
                norms.append(norm)
                starts.append(idx)
                lengths.append(length)
                punct.append(is_punct)
        # What spaCy's special-case pass sees at the chunk's edges are its tokens before that
        # pass: the first / last token now, or, when a special case was put in there, that
        # special case's first / last token before the pass. (4) the tokens a previous chunk
        # would have to end with to form a special case with this one's start, (5) the
        # special-case tokens this chunk ends with.
        texts = [strings[orth] for orth, _ in orths]
        heads = {texts[0]} if texts else set()
        tails = {texts[-1]} if texts else set()
        for string, first, last in self._edges:
            if chunk.startswith(string):
                heads.add(first)
            if chunk.endswith(string):
                tails.add(last)
        follows = frozenset().union(*(self._after.get(h, ()) for h in heads))
        ends_with = frozenset(tails & self._lasts)
        entry = (tuple(norms), tuple(starts), tuple(lengths), tuple(punct), follows, ends_with)
        if len(self._chunks) < self.max_chunks:
            self._chunks[chunk] = entry
        return entry
