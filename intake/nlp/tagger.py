"""A small trained span tagger (numpy only): BIO tags for ADR, withdrawal and indication spans.

A linear softmax model per token over window features: the normalised word at offsets -3..+3,
its 3-letter suffix, a word class (punctuation, number, English word, dictionary event word,
unknown), the dictionary matcher's verdict at -1/0/+1 (event start/inside, drug, ...) and hashed
word bigrams. Every feature is an index into one weight table, so scoring a whole batch of
posts is a handful of numpy gathers and one sum: no per-token Python beyond one dict lookup of
each token's type. Decoding is greedy (argmax per token, a span is a run of one entity type).

Trained by `pv screen-train` on the PsyTAR train split (`intake.nlp.train`); the weights ship in
`intake/nlp/data/tagger.npz` (float16, a few MB) and load offline.
"""

from __future__ import annotations

import bisect
import zlib
from pathlib import Path

import numpy as np

TAGS = ("O", "B-ADR", "I-ADR", "B-WD", "I-WD", "B-IND", "I-IND")
LABEL_OF = {"ADR": "ADR", "WD": "WD", "SSI": "IND", "DI": "IND"}
# Dictionary verdict per token (the `lex` feature).
LEX_NONE, LEX_EVENT_B, LEX_EVENT_I, LEX_DRUG, LEX_MOD = 0, 1, 2, 3, 4
N_LEX = 5
N_CLASS = 12
BIGRAM_BUCKETS = 1 << 17
_PAD_WORD = 1  # word id 0 = unknown, 1 = padding between texts
WORD_OFFSETS = (-3, -2, -1, 0, 1, 2, 3)
_PAD_ROWS = max(WORD_OFFSETS)
_MAX_TYPES = 300_000


def word_class(norm: str, english: frozenset[str], event_words: frozenset[str]) -> int:
    if not norm:
        return 0
    if norm.isalpha():
        base = 2 if norm in english else 4
        return base + (1 if norm in event_words else 0)
    if norm.isdigit():
        return 6
    if any(c.isdigit() for c in norm):
        return 7
    if len(norm) == 1:
        return 8 if norm in ",;:" else 9 if norm in ".!?" else 10
    return 11


def _bigram(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a.astype(np.int64) * 1_000_003 + b) % BIGRAM_BUCKETS


class Tagger:
    """Scores tokens; `spans()` turns a text's tags into (start, end, label, p_adr) spans."""

    def __init__(self, vocab: list[str], suffixes: list[str], weights: np.ndarray,
                 english: frozenset[str], event_words: frozenset[str], meta: dict) -> None:
        self.vocab = {w: i for i, w in enumerate(vocab)}
        self.suffixes = {s: i for i, s in enumerate(suffixes)}
        self.n_words, self.n_suf = len(vocab), len(suffixes)
        self.weights = weights.astype(np.float32)
        self.english, self.event_words = english, event_words
        self.meta = meta
        self.o_bias = float(meta.get("o_bias", 0.5))
        sizes = [self.n_words] * len(WORD_OFFSETS) + [self.n_suf, N_CLASS, N_CLASS, N_CLASS,
                                                      N_LEX, N_LEX, N_LEX, N_LEX ** 3,
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
        for norms, lx in texts:
            firsts.append(len(type_ids))
            type_ids.extend([get(t) or new(t) for t in norms])
            type_ids.extend(pad)
            lex.extend(lx)
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
        w, suf, cls = rows[:, 0], rows[:, 1], rows[:, 2]
        # CRC-32 of each token (0 in padding), for the sentence classifier (`last_hashes`).
        self.last_hashes = rows[:, 3]
        lx = np.asarray(lex, dtype=np.int64)
        n = len(type_ids)

        def shift(a: np.ndarray, k: int, pad: int) -> np.ndarray:
            if k == 0:
                return a
            out = np.full(n, pad, dtype=np.int64)
            if k > 0:
                out[:-k] = a[k:]
            else:
                out[-k:] = a[:k]
            return out

        cols = [shift(w, k, _PAD_WORD) for k in WORD_OFFSETS]
        lex_prev, lex_next = shift(lx, -1, 0), shift(lx, 1, 0)
        cols += [suf, cls, shift(cls, -1, 1), shift(cls, 1, 1), lx, lex_prev, lex_next,
                 (lex_prev * N_LEX + lx) * N_LEX + lex_next,
                 _bigram(cols[2], w), _bigram(w, cols[4]), np.zeros(n, dtype=np.int64)]
        # One row per template (contiguous int32): np.take on such rows is several times
        # faster than fancy indexing with an (n, templates) int64 matrix.
        feats = (np.stack(cols, axis=0) + self.offsets[:, None]).astype(np.int32)
        return feats, firsts

    # -- scoring -----------------------------------------------------------------------------
    def scores(self, feats: np.ndarray) -> np.ndarray:
        # One gather per template: far less memory traffic than W[feats].sum(1).
        weights = self.weights
        out = np.take(weights, feats[0], axis=0)
        for row in feats[1:]:
            out += np.take(weights, row, axis=0)
        return out

    def proba(self, feats: np.ndarray) -> np.ndarray:
        scores = self.scores(feats)
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores

    def tag(self, texts: list[tuple[list[str], list[int]]]) -> list[tuple[list[tuple], list]]:
        """Per text: (spans as (start, end over norm positions, label ADR|WD|IND, mean P(ADR)),
        P(ADR) per token)."""
        if not texts:
            return []
        feats, firsts = self.features(texts)
        probs = self.proba(feats)
        # Only runs of tokens where some entity tag is plausible need decoding; the rest are O.
        live = probs[:, 0] < LIVE_O
        real = np.zeros(len(live), dtype=bool)
        for (norms, _), first in zip(texts, firsts, strict=True):
            real[first:first + len(norms)] = True
        live &= real
        edges = np.diff(live.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
        seg_starts = np.flatnonzero(edges == 1)
        seg_ends = np.flatnonzero(edges == -1)
        p_arr = probs[:, 1] + probs[:, 2]
        p_arr[~real] = 0.0
        # The batch layout for the sentence classifier: P(ADR) per column, first columns.
        self.last_p_adr, self.last_firsts = p_arr, firsts
        p_adr = p_arr.tolist()
        spans: list[list[tuple]] = [[] for _ in texts]
        one = seg_ends - seg_starts == 1
        # One-token runs (most of them) in one go: the best of O (with its bias) and B-*.
        at = seg_starts[one]
        if len(at):
            pick = probs[at][:, (0, 1, 3, 5)] * np.array([np.exp(self.o_bias), 1, 1, 1],
                                                          dtype=np.float32)
            best = pick.argmax(axis=1)
            for a, tag in zip(at[best > 0].tolist(), best[best > 0].tolist(), strict=True):
                t = bisect.bisect_right(firsts, a) - 1
                spans[t].append((a - firsts[t], a - firsts[t] + 1, _ENTITY[tag - 1], p_adr[a]))
        longer = ~one
        if longer.any():
            rank = np.cumsum(live)
            logp = np.log(probs[live] + 1e-9)
            logp[:, 0] += self.o_bias
            rows = logp.tolist()
            for a, b, offset in zip(seg_starts[longer].tolist(), seg_ends[longer].tolist(),
                                    (rank[seg_starts[longer]] - 1).tolist(), strict=True):
                t = bisect.bisect_right(firsts, a) - 1
                first = firsts[t]
                for x, y, label in _viterbi(rows[offset:offset + b - a]):
                    spans[t].append((a - first + x, a - first + y, label,
                                     sum(p_adr[a + x:a + y]) / (y - x)))
        for sp in spans:
            sp.sort()
        return [(sp, p_adr[first:first + len(norms)])
                for sp, (norms, _), first in zip(spans, texts, firsts, strict=True)]


LIVE_O = 0.7
_ENTITY = ("ADR", "WD", "IND")


def _viterbi(rows: list[list[float]]) -> list[tuple[int, int, str]]:
    """Best BIO path (I-X only after B-X/I-X) over log-probabilities; returns its spans."""
    if len(rows) == 1:  # most runs are one token: O or a one-token B-X span
        row = rows[0]
        tag = max((0, 1, 3, 5), key=row.__getitem__)
        return [(0, 1, _ENTITY[(tag - 1) // 2])] if tag else []
    score = list(rows[0])
    score[2] = score[4] = score[6] = -1e9
    back: list[tuple[int, ...]] = []
    for row in rows[1:]:
        top = max(score)
        bp = score.index(top)  # O and B-* may follow anything
        # I-X (even index) continues B-X or I-X only (unrolled: this is the hot loop).
        p2, v2 = (1, score[1]) if score[1] >= score[2] else (2, score[2])
        p4, v4 = (3, score[3]) if score[3] >= score[4] else (4, score[4])
        p6, v6 = (5, score[5]) if score[5] >= score[6] else (6, score[6])
        back.append((bp, bp, p2, bp, p4, bp, p6))
        score = [top + row[0], top + row[1], v2 + row[2], top + row[3], v4 + row[4],
                 top + row[5], v6 + row[6]]
    tag = score.index(max(score))
    path = [tag]
    for ptr in reversed(back):
        tag = ptr[tag]
        path.append(tag)
    path.reverse()
    spans: list[tuple[int, int, str]] = []
    start = None
    for i, t in enumerate([*path, 0]):
        if start is not None and (t == 0 or t % 2 == 1):
            spans.append((start, i, _ENTITY[(path[start] - 1) // 2]))
            start = None
        if t and t % 2 == 1:
            start = i
    return spans


# -- training ---------------------------------------------------------------------------------
def stable_hash(text: str) -> int:
    return zlib.crc32(text.encode())


def train_weights(tagger: Tagger, texts: list[tuple[list[str], list[int]]],
                  gold: list[list[int]], *, epochs: int = 12, lr: float = 0.2,
                  l2: float = 1e-6, seed: int = 13, average: bool = True) -> np.ndarray:
    """Softmax regression with Adagrad over the feature table (deterministic for a seed);
    with `average`, the result is the mean of the weights after each epoch."""
    feats, firsts = tagger.features(texts)
    feats = feats.T.astype(np.int64)  # tokens x templates
    y = np.zeros(len(feats), dtype=np.int64)
    for first, g in zip(firsts, gold, strict=True):
        y[first:first + len(g)] = g
    rows = np.concatenate([np.arange(f, f + len(g)) for f, g in zip(firsts, gold,
                                                                     strict=True)])
    n_tags = len(TAGS)
    weights = np.zeros((tagger.n_features, n_tags), dtype=np.float64)
    hist = np.full_like(weights, 1e-8)
    rng = np.random.default_rng(seed)
    batch = 64
    total = np.zeros_like(weights)
    for _ in range(epochs):
        order = rng.permutation(rows)
        for b in range(0, len(order), batch):
            idx = order[b:b + batch]
            f = feats[idx]
            scores = weights[f].sum(axis=1)
            scores -= scores.max(axis=1, keepdims=True)
            p = np.exp(scores)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(idx)), y[idx]] -= 1.0
            uniq, inv = np.unique(f.ravel(), return_inverse=True)
            grad = np.zeros((len(uniq), n_tags))
            np.add.at(grad, inv, np.repeat(p, f.shape[1], axis=0))
            grad += l2 * weights[uniq]
            hist[uniq] += grad ** 2
            weights[uniq] -= lr * grad / np.sqrt(hist[uniq])
        total += weights
    return total / epochs if average else weights


def save(path: Path, tagger: Tagger, weights: np.ndarray) -> None:
    import json

    meta = json.dumps(tagger.meta, sort_keys=True)
    with path.open("wb") as fh:
        np.savez_compressed(fh, weights=weights.astype(np.float16),
                            vocab=np.asarray(list(tagger.vocab), dtype=object).astype(str),
                            suffixes=np.asarray(list(tagger.suffixes), dtype=object).astype(str),
                            meta=np.asarray(meta))


def load(path: Path, english: frozenset[str], event_words: frozenset[str]) -> Tagger | None:
    import json

    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as data:
        return Tagger([str(w) for w in data["vocab"]], [str(s) for s in data["suffixes"]],
                      data["weights"], english, event_words, json.loads(str(data["meta"])))
