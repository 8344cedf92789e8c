"""Cross-validation of ADR mentions within the PsyTAR train split, and over the annotated
forum training posts.

    pv screen-eval --cv          (intake.cli:eval_main; about 3 minutes on one core)
    pv screen-eval --cv-forum    (k-fold by post over intake/nlp/data/forum_train/*.jsonl)

The dev split holds 293 ADR spans and scores several points above the test split; five
folds of the train split (2,500 spans) predict the test figures far better, without looking
at test. Each fold is held out in turn: the learned phrases and the span tagger are rebuilt
from the other four (`pv screen-train`'s own functions and settings), and the pipeline
screens the held-out fold with them. Folds are contiguous blocks of sentences, so the
sentences of one post stay together. The sentence classifier is not rebuilt per fold (its
training rows include every fold), which flatters the sentence gating a little.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from intake.nlp.evaluate import mention_counts, mention_scores
from intake.nlp.pipeline import trained_on
from intake.nlp.train import learn, train_tagger

FOLDS = 5


def folds(sentences: list[dict], k: int = FOLDS) -> list[list[dict]]:
    n = len(sentences)
    return [sentences[i * n // k:(i + 1) * n // k] for i in range(k)]


def cross_validate(sentences: list[dict], *, k: int = FOLDS,
                   forum_posts: list[dict] = ()) -> dict:
    """Strict and overlap scores over all held-out folds (counts summed), and per fold. Each
    fold's phrases and tagger learn from the other folds and `forum_posts` (the annotated forum
    training posts as `intake.nlp.forum_train.as_examples` gives them), as `pv screen-train`
    learns from PsyTAR train and those posts."""
    from intake.nlp.train import FORUM_WEIGHT

    parts = folds(sentences, k)
    total: dict[str, int] = {}
    per_fold = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, held_out in enumerate(parts):
            rest = [s for j, part in enumerate(parts) if j != i for s in part]
            learned = learn([*rest, *forum_posts])
            tagger = Path(tmp) / f"tagger-{i}.npz"
            # The tagger's dictionary features come from the matcher of the fold's phrases.
            with trained_on(learned=learned, tagger=tagger):
                train_tagger(tagger, rest, forum_posts=list(forum_posts),
                             forum_weight=FORUM_WEIGHT)
            with trained_on(learned=learned, tagger=tagger):
                counts = mention_counts(held_out)
            per_fold.append(mention_scores(counts))
            _add(total, counts)
    return {**mention_scores(total), "folds": per_fold}


def _add(total: dict, counts: dict) -> None:
    for key, value in counts.items():
        total[key] = total.get(key, 0) + value


def cross_validate_forum(psytar_train: list[dict], rows: list[dict], *, k: int = FOLDS,
                         binary: tuple[list[dict], list[dict]] | None = None) -> dict:
    """k-fold cross-validation over annotated forum posts (rows in docs/annotation.md's
    format), folds by post (contiguous blocks, so most of a fold's drug classes are rarer in
    its training part). Each fold is scored as `pv screen-eval --set` scores a set, with the
    phrases, the tagger and, when `binary` (PsyTAR's binary train and dev rows) is given, the
    sentence classifier learned from PsyTAR train + the other folds' posts, as
    `pv screen-train` learns them (`FORUM_WEIGHT` included)."""
    from intake.nlp.forum import score
    from intake.nlp.forum_train import as_examples
    from intake.nlp.train import forum_sentence_rows, train_sentence_model

    parts = folds(rows, k)
    adr: dict[str, int] = {}
    drugs: dict[str, int] = {}
    per_fold = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, held_out in enumerate(parts):
            rest = as_examples([r for j, part in enumerate(parts) if j != i for r in part])
            learned = learn([*psytar_train, *rest])
            tagger = Path(tmp) / f"tagger-{i}.npz"
            sentences = None
            with trained_on(learned=learned, tagger=tagger):
                train_tagger(tagger, psytar_train, forum_posts=rest)
            if binary is not None:
                sentences = Path(tmp) / f"sentences-{i}.npz"
                with trained_on(learned=learned, tagger=tagger):
                    train_sentence_model(sentences, binary[0], binary[1],
                                         forum_rows=forum_sentence_rows(rest))
            with trained_on(learned=learned, tagger=tagger, sentences=sentences):
                report = score(held_out)
            per_fold.append({"posts": len(held_out), "adr": report["adr"],
                             "drugs": report["drugs"]})
            _add(adr, report["counts"]["adr"])
            _add(drugs, report["counts"]["drugs"])
    return {"posts": len(rows), "adr": mention_scores(adr), "drugs": mention_scores(drugs),
            "folds": per_fold}
