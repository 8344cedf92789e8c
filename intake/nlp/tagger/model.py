"""The span tagger: features and scores of a batch of texts, decoding to spans, and the
model's save and load."""

from __future__ import annotations

import bisect
from pathlib import Path

import numpy as np

from intake.nlp.tagger.crf import (
    _FORBIDDEN,
    ALLOWED,
    _packed,
    _path_spans,
    _row_max,
    _row_sum,
    _unpacked,
    decode_runs,
)
from intake.nlp.tagger.features import (
    _MAX_TYPES,
    _PAD_ROWS,
    _PAD_WORD,
    BIGRAM_BUCKETS,
    LEX_EVENT_B,
    LEX_EVENT_I,
    N_CLASS,
    N_LEX,
    TAGS,
    WORD_OFFSETS,
    stable_hash,
    word_class,
)


class Tagger:
    """Scores tokens; `spans()` turns a text's tags into (start, end, label, p_adr) spans."""

    def __init__(self, vocab: list[str], suffixes: list[str], weights: np.ndarray,
                 english: frozenset[str], event_words: frozenset[str], meta: dict,
                 transitions: np.ndarray | None = None) -> None:
        self.vocab = {w: i for i, w in enumerate(vocab)}
        self.suffixes = {s: i for i, s in enumerate(suffixes)}
        self.n_words, self.n_suf = len(vocab), len(suffixes)
        # One row per feature, padded from the 7 tags to 8 floats (32 bytes) for `scores`:
        # np.take copies rows of a power-of-two size up to 32 bytes inline, other sizes by one
        # memmove call per row.
        self.weights = np.zeros((len(weights), 8), dtype=np.float32)
        self.weights[:, :len(TAGS)] = weights
        self.english, self.event_words = english, event_words
        self.meta = meta
        self.o_bias = float(meta.get("o_bias", 0.0))
        trans = np.zeros((len(TAGS), len(TAGS))) if transitions is None else transitions
        self.transitions = np.where(ALLOWED, np.asarray(trans, dtype=np.float64), _FORBIDDEN)
        sizes = [self.n_words] * len(WORD_OFFSETS) + [self.n_suf, N_CLASS, N_CLASS, N_CLASS,
                                                      N_LEX, N_LEX, N_LEX, N_LEX ** 3, N_LEX ** 2,
                                                      BIGRAM_BUCKETS, BIGRAM_BUCKETS, 1]
        self.offsets = np.cumsum([0, *sizes[:-1]]).astype(np.int64)
        self.n_features = int(sum(sizes))
        # Per-process type table: normalised token -> row of (word id, suffix id, class).
        self._reset_types()

    def _reset_types(self) -> None:
        self._types: dict[str, int] = {}
        self._rows: list[tuple[int, int, int]] = []
        self._capacity = np.zeros((1024, 4), dtype=np.int64)
        self._table = self._capacity[:0]
        self._type("<pad>")
        self._rows[0] = (_PAD_WORD, 0, 1, 0)

    # -- features ----------------------------------------------------------------------------
    def _type(self, norm: str) -> int:
        t = self._types.get(norm)
        if t is None:
            t = self._types[norm] = len(self._rows)
            self._rows.append((self.vocab.get(norm, 0), self.suffixes.get(norm[-3:], 0),
                               word_class(norm, self.english, self.event_words),
                               stable_hash(norm)))
        return t

    def features(self, texts: list[tuple[list[str], list[int]]]) -> tuple[np.ndarray, list[int]]:
        """Feature indices (templates x tokens) for the tokens of several texts ((norms, lex)
        each), and each text's first token column. Texts are separated by padding columns so
        windows never cross."""
        if len(self._rows) > _MAX_TYPES:  # a long-running process: start the cache afresh
            self._reset_types()
        get, new = self._types.get, self._type
        pad = [0] * _PAD_ROWS
        type_ids: list[int] = list(pad)
        lex: list[int] = list(pad)
        firsts = []
        for norms, verdicts in texts:
            firsts.append(len(type_ids))
            type_ids.extend([get(t) or new(t) for t in norms])
            type_ids.extend(pad)
            lex.extend(verdicts)
            lex.extend(pad)
        if len(self._rows) > len(self._table):  # new types: grow the table by doubling
            have = len(self._table)
            if len(self._rows) > self._capacity.shape[0]:
                grown = np.zeros((max(2 * len(self._rows), 1024), 4), dtype=np.int64)
                grown[:have] = self._capacity[:have]
                self._capacity = grown
            self._capacity[have:len(self._rows)] = self._rows[have:]
            self._table = self._capacity[:len(self._rows)]
        rows = self._table[np.asarray(type_ids, dtype=np.int64)]
        # CRC-32 of each token (0 in padding), for the sentence classifier (`last_hashes`).
        self.last_hashes = rows[:, 3]
        n, p = len(type_ids), _PAD_ROWS
        # Word, class and lex columns with _PAD_ROWS of their padding value at both ends: the
        # column at offset k is then the view [p + k:p + k + n], no shifted copy is built.
        padded = np.empty((3, n + 2 * p), dtype=np.int64)
        padded[:, :p] = padded[:, n + p:] = np.array([[_PAD_WORD], [1], [0]])
        padded[0, p:n + p] = rows[:, 0]
        padded[1, p:n + p] = rows[:, 2]
        padded[2, p:n + p] = lex

        def word(k: int) -> np.ndarray:
            return padded[0, p + k:p + k + n]

        def cls(k: int) -> np.ndarray:
            return padded[1, p + k:p + k + n]

        def lx(k: int) -> np.ndarray:
            return padded[2, p + k:p + k + n]

        # One row per template (contiguous int32): np.take on such rows is several times
        # faster than fancy indexing with an (n, templates) int64 matrix. Each row is
        # written once, with its template's offset added on the way.
        feats = np.empty((len(self.offsets), n), dtype=np.int32)
        offsets = self.offsets.tolist()
        cols = [word(k) for k in WORD_OFFSETS]
        cols += [rows[:, 1], cls(0), cls(-1), cls(1), lx(0), lx(-1), lx(1),
                 (lx(-1) * N_LEX + lx(0)) * N_LEX + lx(1), lx(-2) * N_LEX + lx(2)]
        # Both bigram templates from one pass over the padded words: (w[i-1], w[i]) at i.
        # (The ids are >= 0, so & takes the same remainder as %, without a division.)
        words = padded[0]
        pairs = (words[:-1] * 1_000_003 + words[1:]) & (BIGRAM_BUCKETS - 1)
        cols += [pairs[p - 1:p - 1 + n], pairs[p:p + n]]
        for row, col, offset in zip(feats[:-1], cols, offsets[:-1], strict=True):
            np.add(col, offset, out=row, casting="unsafe")
        feats[-1] = offsets[-1]  # the bias
        return feats, firsts

    # -- scoring -----------------------------------------------------------------------------
    def scores(self, feats: np.ndarray) -> np.ndarray:
        # One gather per template: far less memory traffic than W[feats].sum(1).
        weights = self.weights
        out = np.take(weights, feats[0], axis=0)
        for row in feats[1:]:
            out += np.take(weights, row, axis=0)
        return np.ascontiguousarray(out[:, :len(TAGS)])

    def emissions(self, feats: np.ndarray) -> np.ndarray:
        """Per token and tag: the CRF's emission score (the O tag gets the decoding bias)."""
        scores = self.scores(feats)
        scores[:, 0] += self.o_bias
        return scores

    @staticmethod
    def proba(scores: np.ndarray) -> np.ndarray:
        """Per-token softmax of emission scores (transitions left out): P(ADR) for the rest
        of the pipeline and the test of which tokens need decoding."""
        scores = scores - _row_max(scores)[:, None]
        np.exp(scores, out=scores)
        scores /= _row_sum(scores)[:, None]
        return scores

    def tag(self, texts: list[tuple[list[str], list[int]]]) -> list[tuple[list[tuple], list]]:
        """Per text: (spans as (start, end over norm positions, label ADR|WD|IND, mean P(ADR)),
        P(ADR) per token)."""
        if not texts:
            return []
        feats, firsts = self.features(texts)
        emissions = self.emissions(feats)
        probs = self.proba(emissions)
        # Only runs of tokens where some entity tag is plausible need decoding (with one token
        # of margin each side, where a transition may carry a span on); the rest are O.
        live = probs[:, 0] < LIVE_O
        live[1:] |= live[:-1].copy()
        live[:-1] |= live[1:].copy()
        real = np.zeros(len(live), dtype=bool)
        for (norms, _), first in zip(texts, firsts, strict=True):
            real[first:first + len(norms)] = True
        live &= real
        edges = np.diff(live.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
        seg_starts = np.flatnonzero(edges == 1)
        seg_ends = np.flatnonzero(edges == -1)
        p_arr = probs[:, 1] + probs[:, 2]
        spans: list[list[tuple]] = [[] for _ in texts]
        paths = None
        if len(seg_starts):
            # All runs are decoded at once, packed (`_packed`).
            order, going, cols = _packed(seg_starts, seg_ends - seg_starts)
            emit = np.take(emissions, cols, axis=0).astype(np.float64)  # = emissions[cols]
            packed_paths, p_run = decode_runs(emit, going, self.transitions)
            # In the decoded runs, P(ADR) is the CRF's marginal (transitions included).
            p_arr[cols] = p_run
            paths = _unpacked(packed_paths, going)
        p_arr[~real] = 0.0
        # The batch layout for the sentence classifier: P(ADR) per column, first columns.
        self.last_p_adr, self.last_firsts = p_arr, firsts
        self.last_emissions = emissions
        p_adr = p_arr.tolist()
        if paths is not None:
            starts = seg_starts[order].tolist()  # Python ints: indexing numpy per span is slow
            for r, a, b, label in _path_spans(paths, going.T):
                col = starts[r]
                t = bisect.bisect_right(firsts, col) - 1
                norms, lex = texts[t]
                for x, y in split_list(norms, col - firsts[t] + a, col - firsts[t] + b, lex):
                    spans[t].append((x, y, label,
                                     sum(p_adr[firsts[t] + x:firsts[t] + y]) / (y - x)))
        for sp in spans:
            sp.sort()
        return [(sp, p_adr[first:first + len(norms)])
                for sp, (norms, _), first in zip(spans, texts, firsts, strict=True)]

    def extents(self, windows: list[tuple[int, int, int, int]]) -> list[tuple[int, int]]:
        """For each window (lo, a, b, hi) of columns of the last batch: the most likely ADR
        span holding columns [a, b) within [lo, hi), the CRF decoded with those tokens forced
        inside an ADR span (a dictionary event the tagger did not tag: where do the patient's
        words for it begin and end?). All windows are decoded at once (`_packed`)."""
        out: list[tuple[int, int]] = [(a, b) for _, a, b, _ in windows]
        if not windows:
            return out
        cols = np.array(windows, dtype=np.int64)  # lo, a, b, hi
        order, going, at = _packed(cols[:, 0], cols[:, 3] - cols[:, 0])
        lo, a, b, n = (cols[order, k, None] for k in (0, 1, 2, 3))
        n = n - lo
        emit = self.last_emissions[at].astype(np.float64)
        steps = np.arange(len(going))[:, None]  # (step, window) as laid out in `going`
        forced = np.full(len(TAGS), _FORBIDDEN)
        forced[1:3] = 0.0
        emit[((steps >= (a - lo).T) & (steps < (b - lo).T))[going]] += forced
        paths = _unpacked(decode_runs(emit, going, self.transitions, marginals=False)[0], going)
        # The span holding [a, b): back to the last non-I tag at or before a, on to the first
        # non-I tag after b (padding counts as O).
        width = len(going)
        steps = steps.T
        not_i = (paths != 2) | ~going.T
        left = np.maximum.accumulate(np.where(not_i, steps, 0), axis=1)
        right = np.minimum.accumulate(np.where(not_i, steps, width)[:, ::-1], axis=1)[:, ::-1]
        rows = np.arange(len(order))
        xs = (left[rows, (a - lo)[:, 0]] + lo[:, 0]).tolist()
        end_at = (b - lo)[:, 0]
        ys = np.where(end_at < width, right[rows, np.minimum(end_at, width - 1)], width)
        ys = (np.minimum(ys, n[:, 0]) + lo[:, 0]).tolist()
        for w, x, y in zip(order.tolist(), xs, ys, strict=True):
            out[w] = (x, y)
        return out


LIVE_O = 0.9
# A decoded span is cut at these words: in the PsyTAR train split fewer than 1 % of the
# annotated ADR spans hold a comma or an "and" ("sweating , decreased appetite" is two).
LIST_SEPARATORS = frozenset({",", ";", "and", "&", "/"})
_EVENT_WORD = (LEX_EVENT_B, LEX_EVENT_I)


def split_list(norms: list[str], start: int, end: int,
               lex: list[int] | None = None) -> list[tuple[int, int]]:
    """The parts of span [start, end) between list separators (separators left out); with
    the tokens' dictionary verdicts `lex`, also at an "or" between two dictionary events
    ("vomiting or diarrhea", not "no highs or lows", "not eating or drinking")."""
    if LIST_SEPARATORS.isdisjoint(norms[start:end]) and (
            lex is None or "or" not in norms[start:end]):  # most spans: no separator
        return [(start, end)] if end > start else []
    parts = []
    a = start
    for i in range(start, end + 1):
        if i == end or norms[i] in LIST_SEPARATORS or (
                lex is not None and norms[i] == "or" and i + 1 < end
                and lex[i + 1] == LEX_EVENT_B and any(lex[k] in _EVENT_WORD
                                                     for k in range(a, i))):
            if i > a:
                parts.append((a, i))
            a = i + 1
    return parts


def save(path: Path, tagger: Tagger, weights: np.ndarray, transitions: np.ndarray) -> None:
    import json

    meta = json.dumps(tagger.meta, sort_keys=True)
    with path.open("wb") as fh:
        np.savez_compressed(fh, weights=weights.astype(np.float16),
                            transitions=transitions.astype(np.float32),
                            vocab=np.asarray(list(tagger.vocab), dtype=object).astype(str),
                            suffixes=np.asarray(list(tagger.suffixes), dtype=object).astype(str),
                            meta=np.asarray(meta))


def load(path: Path, english: frozenset[str], event_words: frozenset[str]) -> Tagger | None:
    import json

    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as data:
        return Tagger([str(w) for w in data["vocab"]], [str(s) for s in data["suffixes"]],
                      data["weights"], english, event_words, json.loads(str(data["meta"])),
                      data["transitions"])
