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

Modules, imports running downward: `features` (tag set, dictionary verdicts, word classes)
-> `crf` (decoding maths) -> `model` (`Tagger`, `split_list`, `save` / `load`) -> `training`
(`train_weights`).
"""

from __future__ import annotations

from intake.nlp.tagger.crf import ALLOWED, decode_runs
from intake.nlp.tagger.crf import _packed as _packed
from intake.nlp.tagger.crf import _path_spans as _path_spans
from intake.nlp.tagger.crf import _unpacked as _unpacked
from intake.nlp.tagger.features import (
    LABEL_OF,
    LEX_DRUG,
    LEX_EVENT_B,
    LEX_EVENT_I,
    LEX_MOD,
    LEX_NONE,
    TAGS,
)
from intake.nlp.tagger.model import Tagger, load, save, split_list
from intake.nlp.tagger.training import train_weights

# What the pipeline, the training and the tests use; the private names (`name as name`) are
# re-exported for the tests. Everything else is imported from its module.
__all__ = [
    "ALLOWED",
    "LABEL_OF",
    "LEX_DRUG",
    "LEX_EVENT_B",
    "LEX_EVENT_I",
    "LEX_MOD",
    "LEX_NONE",
    "TAGS",
    "Tagger",
    "decode_runs",
    "load",
    "save",
    "split_list",
    "train_weights",
]
