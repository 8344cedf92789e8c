"""The CRF's decoding maths: allowed transitions, runs packed for decoding at once, Viterbi
with forward-backward marginals, and the entity spans of decoded paths."""

from __future__ import annotations

from itertools import accumulate

import numpy as np

from intake.nlp.tagger.features import TAGS


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
