"""A small trained span tagger (numpy only): BIO tags for ADR, withdrawal and indication spans.

A linear-chain CRF over window features: the normalised word at offsets -3..+3, its 3-letter
suffix, a word class (punctuation, number, English word, dictionary event word, unknown), the
dictionary matcher's verdict at -1/0/+1 (event start/inside, drug, ...) and hashed word
bigrams, plus a 7 x 7 tag transition matrix (I-X may only follow B-X or I-X). Every feature is
an index into one weight table, so scoring a whole batch of posts is a handful of numpy gathers
and one sum: no per-token Python beyond one dict lookup of each token's type. Decoding is
Viterbi with the transitions, over the runs of tokens where an entity tag is plausible at all
(the rest are O).

Trained by `pv screen-train` on the PsyTAR train split (its spans cut to docs/annotation.md's
extent) and, since 2.9, the annotated forum posts of `intake/nlp/data/forum_train/`
(`intake.nlp.train`, `intake.nlp.forum_train`): the CRF's
log-likelihood by Adagrad over mini-batches of sentences (forward-backward in numpy), weights
averaged over epochs and shuffles. They ship in `intake/nlp/data/tagger.npz` (float16) and load
offline.
"""

from __future__ import annotations

import bisect
import zlib
from itertools import accumulate
from pathlib import Path

import numpy as np

TAGS = ("O", "B-ADR", "I-ADR", "B-WD", "I-WD", "B-IND", "I-IND")
# PsyTAR labels and the forum posts' (docs/annotation.md: ADR, IND; DRUG is not a tag).
LABEL_OF = {"ADR": "ADR", "WD": "WD", "SSI": "IND", "DI": "IND", "IND": "IND"}
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
                norms = texts[t][0]
                for x, y in split_list(norms, col - firsts[t] + a, col - firsts[t] + b):
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


def _packed(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                               np.ndarray]:
    """Runs of batch columns laid out for decoding them all at once: (the runs' order, longest
    first; `going[t, r]`, whether the r-th run of that order has a position t; the batch
    column of each of those positions, step by step). At each step the runs still going are
    the first ones, so a step works on a prefix of rows and no padding is decoded."""
    order = np.argsort(-lengths, kind="stable")
    going = np.arange(int(lengths.max()))[:, None] < lengths[order][None]
    return order, going, (starts[order][None] + np.arange(len(going))[:, None])[going]


def _unpacked(packed: np.ndarray, going: np.ndarray) -> np.ndarray:
    """Packed tag ids as runs x positions (0 = O past a run's end)."""
    out = np.zeros(going.shape, dtype=packed.dtype)
    out[going] = packed
    return out.T


LIVE_O = 0.9
# A decoded span is cut at these words: in the PsyTAR train split fewer than 1 % of the
# annotated ADR spans hold a comma or an "and" ("sweating , decreased appetite" is two).
LIST_SEPARATORS = frozenset({",", ";", "and", "&", "/"})


def split_list(norms: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """The parts of span [start, end) between list separators (separators left out)."""
    if LIST_SEPARATORS.isdisjoint(norms[start:end]):  # most spans: no separator
        return [(start, end)] if end > start else []
    parts = []
    a = start
    for i in range(start, end + 1):
        if i == end or norms[i] in LIST_SEPARATORS:
            if i > a:
                parts.append((a, i))
            a = i + 1
    return parts

_ENTITY = ("ADR", "WD", "IND")
# Allowed transitions: I-X only after B-X or I-X (TAGS order: O, B-ADR, I-ADR, B-WD, ...).
ALLOWED = np.ones((len(TAGS), len(TAGS)), dtype=bool)
for _inside in (2, 4, 6):
    ALLOWED[:, _inside] = False
    ALLOWED[_inside - 1:_inside + 1, _inside] = True
_FORBIDDEN = -1e4


def decode_runs(emit: np.ndarray, going: np.ndarray, trans: np.ndarray, *,
                marginals: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Viterbi paths and marginal P(B-ADR) + P(I-ADR) of many runs at once.

    `emit`: emission scores (positions x tags) of runs packed as `_packed` lays them out
    (step by step, the runs still going at each step first), `going` its layout (steps x
    runs), `trans[prev, cur]` transition scores; every run is entered from O and left to O
    (the tokens around a decoded run are O). Returns (tag ids; P(ADR)), packed the same way.
    The marginals come from a forward-backward pass in rescaled probability space (one small
    matrix product per position instead of log-sum-exps)."""
    n_tags = emit.shape[1]
    counts = going.sum(axis=1).tolist()  # runs still going at each step
    width = len(counts)
    at = [0, *accumulate(counts)]  # where each step's rows begin
    after = [*counts[1:], 0]  # of them, the runs that go on
    # Viterbi (max-plus), vectorised over runs.
    scores = np.empty_like(emit)
    back = np.zeros(emit.shape, dtype=np.int8)
    scores[:counts[0]] = trans[0] + emit[:counts[0]]
    # Candidates laid out (run, tag, previous tag): the argmax runs along the contiguous last
    # axis, and the best score is picked at the argmax instead of by a second reduction
    # (numpy reduces a short strided axis slowly). Same additions, same first-max ties.
    trans_t = np.ascontiguousarray(trans.T)
    cand = np.empty((counts[0], n_tags, n_tags))  # reused: a fresh array per step costs more
    # The best candidate of each (run, tag) row by np.take at flat positions: several times
    # faster than fancy indexing with broadcast index arrays.
    cand_flat = cand.reshape(-1)
    row_base = np.arange(0, cand.size, n_tags).reshape(counts[0], n_tags)
    for t in range(1, width):
        k, cur, prev = counts[t], at[t], at[t - 1]
        np.add(scores[prev:prev + k, None, :], trans_t, out=cand[:k])
        best = cand[:k].argmax(axis=2)
        back[cur:cur + k] = best
        np.add(np.take(cand_flat, row_base[:k] + best), emit[cur:cur + k],
               out=scores[cur:cur + k])
    # Each run's path is traced back from its last position, where it leaves to O.
    lasts = np.asarray(at[:-1])[going.sum(axis=0) - 1] + np.arange(going.shape[1])
    final = (scores[lasts] + trans[:, 0]).argmax(axis=1)
    paths = np.empty(len(emit), dtype=np.int64)
    back_flat = back.reshape(-1)
    for t in range(width - 1, -1, -1):
        k, go, cur, nxt = counts[t], after[t], at[t], at[t + 1]
        if go:
            paths[cur:cur + go] = np.take(back_flat, np.arange(nxt * n_tags, (nxt + go) * n_tags,
                                                               n_tags) + paths[nxt:nxt + go])
        paths[cur + go:cur + k] = final[go:k]
    if not marginals:
        return paths, None
    # Forward-backward with each step's vector rescaled to sum 1 (the scales cancel).
    potential = np.exp(emit - _row_max(emit)[:, None])
    step_trans = np.exp(trans)
    alpha = np.empty_like(emit)
    cur_vec = np.exp(trans[0]) * potential[:counts[0]]
    alpha[:counts[0]] = cur_vec / cur_vec.sum(axis=1, keepdims=True)
    for t in range(1, width):
        k, cur, prev = counts[t], at[t], at[t - 1]
        cur_vec = (alpha[prev:prev + k] @ step_trans) * potential[cur:cur + k]
        alpha[cur:cur + k] = cur_vec / cur_vec.sum(axis=1, keepdims=True)
    beta = np.empty_like(emit)
    end = step_trans[:, 0]
    for t in range(width - 1, -1, -1):
        k, go, cur, nxt = counts[t], after[t], at[t], at[t + 1]
        if go:
            cur_vec = (beta[nxt:nxt + go] * potential[nxt:nxt + go]) @ step_trans.T
            beta[cur:cur + go] = cur_vec / cur_vec.sum(axis=1, keepdims=True)
        beta[cur + go:cur + k] = end / end.sum()  # a run's last position
    joint = alpha * beta
    p_adr = (joint[:, 1] + joint[:, 2]) / _row_sum(joint)
    return paths, p_adr


def _row_max(a: np.ndarray) -> np.ndarray:
    """The max of each row of a (positions x tags) array, one np.maximum per tag: numpy's
    max over a short axis is ten times slower (and the max is the same whatever the order)."""
    top = a[:, 0].copy()
    for k in range(1, a.shape[1]):
        np.maximum(top, a[:, k], out=top)
    return top


def _row_sum(a: np.ndarray) -> np.ndarray:
    """The sum of each row of a (positions x tags) array, one np.add per tag: numpy's sum over
    a short axis runs its inner loop once per row. Added left to right, as that sum does (the
    same floating-point result)."""
    total = a[:, 0] + a[:, 1]
    for k in range(2, a.shape[1]):
        total += a[:, k]
    return total


def _path_spans(paths: np.ndarray, mask: np.ndarray) -> list[tuple[int, int, int, str]]:
    """(run, start, end, label) of the entity spans in decoded paths (B-X then I-X...)."""
    # A span starts at a B tag (odd id) and ends before the next O or B tag. Found in numpy
    # over the runs laid end to end, each followed by an O column so spans never cross runs.
    n, width = paths.shape
    flat = np.zeros((n, width + 1), dtype=np.int64)
    flat[:, :width] = np.where(mask, paths, 0)
    flat = flat.ravel()
    is_b = flat % 2 == 1
    begins = np.flatnonzero(is_b)
    if not len(begins):
        return []
    stops = np.flatnonzero(is_b | (flat == 0))
    ends = stops[np.searchsorted(stops, begins, side="right")]
    run, start = np.divmod(begins, width + 1)
    end = start + (ends - begins)
    label = (flat[begins] - 1) // 2
    return [(r, a, b, _ENTITY[k]) for r, a, b, k in zip(
        run.tolist(), start.tolist(), end.tolist(), label.tolist(), strict=True)]


# -- training ---------------------------------------------------------------------------------
def stable_hash(text: str) -> int:
    return zlib.crc32(text.encode())


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    top = x.max(axis=axis, keepdims=True)
    return (top + np.log(np.exp(x - top).sum(axis=axis, keepdims=True))).squeeze(axis)


def train_weights(tagger: Tagger, texts: list[tuple[list[str], list[int]]],
                  gold: list[list[int]], *, epochs: int = 15, lr: float = 0.2,
                  l2: float = 1e-6, seed: int = 13, batch: int = 16
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Linear-chain CRF: (emission weights, transitions) maximising the log-likelihood of the
    gold tag sequences, by Adagrad over mini-batches of sentences (deterministic for a seed);
    the result is the mean of the parameters after each epoch."""
    feats, first_cols = tagger.features(texts)
    feats = feats.T.astype(np.int64)  # tokens x templates
    firsts = np.asarray(first_cols, dtype=np.int64)
    lengths = np.array([len(g) for g in gold], dtype=np.int64)
    y_all = np.zeros(len(feats), dtype=np.int64)
    for first, g in zip(first_cols, gold, strict=True):
        y_all[first:first + len(g)] = g
    n_tags = len(TAGS)
    onehot = np.eye(n_tags)
    weights = np.zeros((tagger.n_features, n_tags))
    hist = np.full_like(weights, 1e-8)
    trans = np.zeros((n_tags, n_tags))
    trans_hist = np.full_like(trans, 1e-8)
    total, total_trans = np.zeros_like(weights), np.zeros_like(trans)
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(np.flatnonzero(lengths > 0))
        for b in range(0, len(order), batch):
            idx = order[b:b + batch]
            lens = lengths[idx]
            rows, width = np.arange(len(idx)), int(lens.max())
            mask = np.arange(width)[None] < lens[:, None]
            # Column 0 is padding: the positions past a sentence's end point there.
            pos = np.where(mask, firsts[idx][:, None] + np.arange(width)[None], 0)
            f = feats[pos]  # sentences x positions x templates
            emit = weights[f].sum(axis=2)
            emit[~mask] = 0.0
            t_m = np.where(ALLOWED, trans, _FORBIDDEN)
            # Forward-backward in log space; a sentence starts after O and ends before O.
            alpha = np.empty((len(idx), width, n_tags))
            beta = np.empty_like(alpha)
            alpha[:, 0] = t_m[0] + emit[:, 0]
            for t in range(1, width):
                step = _logsumexp(alpha[:, t - 1, :, None] + t_m[None], 1) + emit[:, t]
                alpha[:, t] = np.where(mask[:, t, None], step, alpha[:, t - 1])
            last = lens - 1
            log_z = _logsumexp(alpha[rows, last] + t_m[:, 0], 1)
            beta[:, width - 1] = t_m[:, 0]
            for t in range(width - 2, -1, -1):
                step = _logsumexp(t_m[None] + (emit[:, t + 1] + beta[:, t + 1])[:, None, :], 2)
                beta[:, t] = np.where((t < last)[:, None], step, t_m[:, 0])
            marginals = np.exp(alpha + beta - log_z[:, None, None]) * mask[:, :, None]
            y = y_all[pos]
            grad_emit = (marginals - onehot[y]) * mask[:, :, None]
            pair = np.exp(alpha[:, :-1, :, None] + t_m[None, None]
                          + (emit[:, 1:] + beta[:, 1:])[:, :, None, :]
                          - log_z[:, None, None, None]) * mask[:, 1:, None, None]
            grad_trans = pair.sum(axis=(0, 1))
            grad_trans[0] += marginals[:, 0].sum(axis=0)
            grad_trans[:, 0] += marginals[rows, last].sum(axis=0)
            np.add.at(grad_trans, (y[:, :-1][mask[:, 1:]], y[:, 1:][mask[:, 1:]]), -1.0)
            np.add.at(grad_trans[0], y[:, 0], -1.0)
            np.add.at(grad_trans[:, 0], y[rows, last], -1.0)
            grad_trans[~ALLOWED] = 0.0
            used, grads = f[mask], grad_emit[mask]
            uniq, inv = np.unique(used.ravel(), return_inverse=True)
            grad = np.zeros((len(uniq), n_tags))
            np.add.at(grad, inv, np.repeat(grads, used.shape[1], axis=0))
            grad += l2 * weights[uniq]
            hist[uniq] += grad ** 2
            weights[uniq] -= lr * grad / np.sqrt(hist[uniq])
            trans_hist += grad_trans ** 2
            trans -= lr * grad_trans / np.sqrt(trans_hist)
        total += weights
        total_trans += trans
    return total / epochs, total_trans / epochs


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
