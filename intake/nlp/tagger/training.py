"""Training the span tagger: the CRF's log-likelihood by Adagrad over mini-batches."""

from __future__ import annotations

import numpy as np

from intake.nlp.tagger.crf import _FORBIDDEN, ALLOWED
from intake.nlp.tagger.features import TAGS
from intake.nlp.tagger.model import Tagger


# -- training ---------------------------------------------------------------------------------
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
