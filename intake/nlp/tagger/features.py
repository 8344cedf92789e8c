"""The span tagger's token features: the tag set, the dictionary verdicts, word classes and
the stable token hash."""

from __future__ import annotations

import zlib

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


def stable_hash(text: str) -> int:
    return zlib.crc32(text.encode())
