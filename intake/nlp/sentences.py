"""Sentence-level ADR classifier (numpy only): does a sentence report an adverse reaction?

A logistic regression per sentence over hashed features: the sentence's normalised words and
word bigrams (with sentence-start / sentence-end markers), plus the mention evidence of the
pipeline for that sentence: whether it holds a reportable reaction mention (an event the
pipeline would count as an ADR: role reaction, not negated, hypothetical, historical, about
someone else or a withdrawal symptom; "side effects" included) and the tagger's highest
P(ADR) over its tokens (cumulative buckets of 0.1). A post's `adr_score` is the highest
score of its sentences.

Run time: one dict lookup per token (a cached CRC-32 per normalised word), then one gather
and one `np.add.reduceat` per batch of posts. Trained by `pv screen-train` on PsyTAR
`binary/train.csv` (each row one unit); the decision threshold is chosen on `binary/dev.csv`.
Weights ship in `intake/nlp/data/sentences.npz` (float16).
"""

from __future__ import annotations

import json
import math
import zlib
from pathlib import Path

import numpy as np

BITS = 16
BUCKETS = 1 << BITS
_MIX = 1_000_003
_BOS, _EOS = zlib.crc32(b"<s>"), zlib.crc32(b"</s>")
# Dense features after the hashed buckets: bias, mention evidence no/yes, P(ADR) >= k/10.
F_BIAS = BUCKETS
F_MENTION = BUCKETS + 1  # + 0 / 1
F_P = BUCKETS + 3  # + k for k in 0..9
N_P = 10
N_FEATURES = BUCKETS + 3 + N_P
DRUG_WORD = "<drug>"  # every drug name's tokens, for the n-grams
DRUG_HASH = zlib.crc32(DRUG_WORD.encode())
_CACHE_MAX = 500_000


class SentenceModel:
    def __init__(self, weights: np.ndarray, threshold: float, meta: dict) -> None:
        weights = np.asarray(weights, dtype=np.float32)
        self.hashed = weights[:BUCKETS].copy()
        self.bias = float(weights[F_BIAS])
        self.mention = weights[F_MENTION:F_MENTION + 2].astype(np.float64)
        # P(ADR) buckets are cumulative (p >= k/10 for every k up to the bucket).
        self.p_table = np.cumsum(weights[F_P:F_P + N_P].astype(np.float64))
        self.threshold = float(threshold)
        self.meta = meta
        self._ids: dict[str, int] = {}
        self.marks = float(self.hashed[_BOS % BUCKETS]) + float(self.hashed[_EOS % BUCKETS])

    def partial(self, hashes: np.ndarray, p_adr: np.ndarray, firsts: list[int],
                texts: list[tuple[list[tuple[int, int]], list]]) -> list[list[float]]:
        """The fast path over a tagger batch: per text, each sentence's score *without* its
        mention-evidence term (`logit` adds it). `hashes` and `p_adr` are the tagger's batch
        columns (CRC-32 per token, P(ADR) per token, 0 in the padding between texts),
        `firsts` each text's first column; `texts` (sentences, drug token ranges) per text.
        Sums over a sentence are differences of cumulative sums: no Python per token."""
        seg_s: list[int] = []
        seg_e: list[int] = []
        counts = []
        drug_cols: list[int] = []
        for (sentences, drugs), first in zip(texts, firsts, strict=True):
            counts.append(len(sentences))
            seg_s.extend([first + a for a, _ in sentences])
            seg_e.extend([first + b for _, b in sentences])
            for drug in drugs:
                drug_cols.extend(range(first + drug[0], first + drug[1]))
        if not seg_s:
            return [[] for _ in texts]
        h = hashes
        if drug_cols:  # drug names are one placeholder word
            h = hashes.copy()
            h[drug_cols] = DRUG_HASH
        w = self.hashed
        mask = BUCKETS - 1  # a power of two: & is the (non-negative) modulo
        cu = np.zeros(len(h) + 1)
        np.cumsum(w[h & mask], out=cu[1:])
        cb = np.zeros(len(h))
        np.cumsum(w[(h[:-1] * _MIX + h[1:]) & mask], out=cb[1:])
        s = np.asarray(seg_s, dtype=np.int64)
        e = np.asarray(seg_e, dtype=np.int64)
        z = cu[e] - cu[s] + cb[e - 1] - cb[s]
        z += w[(_BOS * _MIX + h[s]) % BUCKETS] + w[(h[e - 1] * _MIX + _EOS) % BUCKETS]
        z += self.marks + self.bias
        # Highest P(ADR) per sentence: segments run to the next sentence start, and what lies
        # between (padding) is 0.
        order = np.argsort(s, kind="stable")
        p_max = np.empty(len(s))
        p_max[order] = np.maximum.reduceat(p_adr, s[order])
        buckets = np.minimum((p_max * N_P).astype(np.int64), N_P - 1)
        z += self.p_table[buckets]
        flat = z.tolist()
        out, k = [], 0
        for n in counts:
            out.append(flat[k:k + n])
            k += n
        return out

    @property
    def mention_logits(self) -> tuple[float, float]:
        """The mention-evidence term of a sentence's logit: (without, with evidence)."""
        return float(self.mention[0]), float(self.mention[1])

    @staticmethod
    def sigmoid(z: float) -> float:
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def _id(self, norm: str) -> int:
        if len(self._ids) > _CACHE_MAX:
            self._ids.clear()
        h = self._ids[norm] = zlib.crc32(norm.encode())
        return h

    def scores(self, units: list[tuple[list[str], list[tuple[int, int]], list[bool],
                                       list[float]]]) -> list[list[float]]:
        """Per text (norms, sentences as token ranges, mention evidence per sentence, highest
        P(ADR) per sentence): the probability that each sentence reports an ADR."""
        get, new = self._ids.get, self._id
        ext: list[int] = []
        seg_starts: list[int] = []
        mention: list[bool] = []
        p_max: list[float] = []
        counts = []
        for norms, sentences, m_flags, p_flags in units:
            if not sentences:
                counts.append(0)
                continue
            ids = [get(t) or new(t) for t in norms]
            counts.append(len(sentences))
            for a, b in sentences:
                seg_starts.append(len(ext))
                ext.append(_BOS)
                ext.extend(ids[a:b])
                ext.append(_EOS)
            mention.extend(m_flags)
            p_max.extend(p_flags)
        if not seg_starts:
            return [[] for _ in units]
        e = np.asarray(ext, dtype=np.int64)
        total = self.hashed[e % BUCKETS].astype(np.float64)
        pair = (e[:-1] * _MIX + e[1:]) % BUCKETS
        bigrams = self.hashed[pair].astype(np.float64)
        starts = np.asarray(seg_starts, dtype=np.int64)
        bigrams[starts[1:] - 1] = 0.0  # the pair (end of one sentence, start of the next)
        total[:-1] += bigrams
        z = np.add.reduceat(total, starts) + self.bias
        z += self.mention[np.asarray(mention, dtype=np.int64)]
        buckets = np.minimum((np.asarray(p_max, dtype=np.float64) * N_P).astype(np.int64),
                             N_P - 1)
        z += self.p_table[buckets]
        probs = (1.0 / (1.0 + np.exp(-z))).tolist()
        out, k = [], 0
        for n in counts:
            out.append(probs[k:k + n])
            k += n
        return out


def unit_features(norms: list[str], mention: bool, p_max: float) -> np.ndarray:
    """Feature indices (with repeats) of one unit, exactly as `SentenceModel.scores` sums
    them: the reference for training and for the tests."""
    ids = [_BOS, *(zlib.crc32(t.encode()) for t in norms), _EOS]
    feats = [h % BUCKETS for h in ids]
    feats += [(a * _MIX + b) % BUCKETS for a, b in zip(ids, ids[1:], strict=False)]
    feats += [F_BIAS, F_MENTION + int(bool(mention))]
    feats += [F_P + k for k in range(min(int(p_max * N_P), N_P - 1) + 1)]
    return np.asarray(feats, dtype=np.int64)


def train_weights(units: list[np.ndarray], labels: list[int], *, epochs: int, lr: float,
                  l2: float, seed: int) -> np.ndarray:
    """Logistic regression with Adagrad, one unit at a time in a seeded order; the result is
    the mean of the weights after each epoch (deterministic for a seed)."""
    weights = np.zeros(N_FEATURES)
    hist = np.full(N_FEATURES, 1e-8)
    total = np.zeros(N_FEATURES)
    rng = np.random.default_rng(seed)
    y = np.asarray(labels, dtype=np.float64)
    for _ in range(epochs):
        for i in rng.permutation(len(units)).tolist():
            f = units[i]
            z = weights[f].sum()
            g = 1.0 / (1.0 + np.exp(-z)) - y[i]
            uniq, n = np.unique(f, return_counts=True)
            grad = g * n + l2 * weights[uniq]
            hist[uniq] += grad * grad
            weights[uniq] -= lr * grad / np.sqrt(hist[uniq])
        total += weights
    return total / epochs


def save(path: Path, weights: np.ndarray, threshold: float, meta: dict) -> None:
    with path.open("wb") as fh:
        np.savez_compressed(fh, weights=weights.astype(np.float16),
                            threshold=np.asarray(threshold, dtype=np.float64),
                            meta=np.asarray(json.dumps(meta, sort_keys=True)))


def load(path: Path) -> SentenceModel | None:
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as data:
        return SentenceModel(data["weights"], float(data["threshold"]),
                             json.loads(str(data["meta"])))
