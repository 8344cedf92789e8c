"""Annotated forum posts as training data for `pv screen-train` (pipeline 2.9).

    intake/nlp/data/forum_train/*.jsonl      docs/annotation.md's format (ADR, DRUG, IND spans)

The posts are read with the evaluation sets' checks (`intake.nlp.forum.load`: every span's
text must be the text it points at) and turned into the training examples the PsyTAR reader
gives (`{"text", "spans": [(start, end, label)]}`):

- `ADR` stays `ADR`; `IND` (the condition the drug is for) is the treated condition, what
  PsyTAR calls SSI / DI (the tagger's `IND` tag, the learner's indication counts);
- `DRUG` spans are left out: the tagger has no drug tag (drugs come from the dictionary,
  whose verdict is already one of its features), so a drug's tokens are `O` for it, which is
  what they are; and a dictionary event phrase that only ever matches inside a drug name
  ought to be blocked, not counted as an entity.

A post is one example for the span tagger (its sentences stay together, as in the pipeline)
and one row per sentence for the sentence classifier (a sentence with an `ADR` span is an
ADR sentence), sentences split the pipeline's way. Withdrawal symptoms are not `ADR` in the
forum conventions and PsyTAR tags them `WD`: the forum posts leave them `O`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from coding.nlp.text import tokenizer
from intake.nlp.tokens import analyse

FORUM_TRAIN_DIR = Path(__file__).parent / "data" / "forum_train"
_LABELS = {"ADR": "ADR", "IND": "IND"}


def training_files(folder: Path = FORUM_TRAIN_DIR) -> list[Path]:
    """The folder's `*.jsonl` files, in name order (the same files give the same bytes)."""
    return sorted(folder.glob("*.jsonl")) if folder.is_dir() else []


def read_rows(paths: list[Path]) -> list[dict]:
    """The posts of the given files as written (docs/annotation.md's rows, spans checked), files
    in the order given, posts in file order."""
    from intake.nlp.forum import EvalSetError, load  # (it loads the pipeline module)

    out = []
    for path in paths:
        if not path.is_file():
            raise ValueError(f"forum training data: {path}: no such file")
        try:
            out.extend(load(path))
        except EvalSetError as exc:
            raise ValueError(f"forum training data: {exc}") from None
    return out


def as_examples(rows: list[dict]) -> list[dict]:
    """Rows as training examples: `{"text", "spans", "about_drug", "id"}`, spans
    `(start, end, "ADR" | "IND")` sorted."""
    return [{"text": row["text"], "about_drug": row.get("about_drug"), "id": row.get("id"),
             "spans": sorted((s[0], s[1], _LABELS[s[2]]) for s in row["spans"]
                             if s[2] in _LABELS)}
            for row in rows]


def read_posts(paths: list[Path]) -> list[dict]:
    """The posts of the given files as training examples (`read_rows`, `as_examples`)."""
    return as_examples(read_rows(paths))


def digest(paths: list[Path]) -> str:
    """A short SHA-256 of the files' names and bytes, for the trained models' provenance."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def sentence_rows(posts: list[dict]) -> list[dict]:
    """One row per sentence (the pipeline's sentence splitting), `{"text", "ADR": 0 | 1}` as
    PsyTAR's `binary/*.csv` rows: 1 when a gold ADR span overlaps the sentence."""
    rows = []
    for post in posts:
        text = post["text"]
        _, starts, ends, sentences = analyse(tokenizer()(text))
        adr = [(a, b) for a, b, lab in post["spans"] if lab == "ADR"]
        for first, last in sentences:
            if last <= first:
                continue
            cs, ce = starts[first], ends[last - 1]
            piece = text[cs:ce].strip()
            if piece:
                rows.append({"text": piece, "ADR": int(any(a < ce and cs < b for a, b in adr))})
    return rows
