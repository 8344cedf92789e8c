"""Learn the screening pipeline's data-driven parts from the PsyTAR **train** split and the
annotated forum training posts (`intake/nlp/data/forum_train/*.jsonl`, `intake.nlp.forum_train`).

    pv screen-train            (intake.cli:train_main; writes intake/nlp/data/learned.json.gz)

What is learned (counts over the training data only, PsyTAR train and forum posts alike;
thresholds were chosen on dev):
- `phrases`: annotated ADR phrasings not in the dictionaries ("no sex drive", "sweating at
  night"), coded to the PT of the longest dictionary phrase inside them, kept only when the
  phrase is annotated as an ADR in at least half of its occurrences;
- `blocked`: dictionary phrases that match often but are almost never any annotated entity;
- `indication_prior`: per dictionary phrase, the share of matches annotated as the treated condition
  (SSI/DI; a forum post's IND) rather than a reaction;
- `forum_words`: frequent ordinary forum words, added to the English guard for fuzzy matching.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from coding.nlp.dictionaries import (
    common_words,
    default_drugs,
    default_events,
    drug_indications,
    english_words,
)
from coding.nlp.text import norm_phrase, tokenizer
from intake.nlp.forum_train import digest as forum_digest
from intake.nlp.forum_train import read_posts, sentence_rows, training_files
from intake.nlp.matchers import Matcher
from intake.nlp.psytar import psytar_dir, read_binary, read_conll
from intake.nlp.tagger import LABEL_OF, TAGS, Tagger, save, train_weights
from intake.nlp.tokens import analyse

_TREATED = frozenset({"SSI", "DI", "IND"})
MIN_PHRASE_PRECISION = 0.5
MAX_PHRASE_TOKENS = 6
BLOCK_MIN_MATCHES = 3
BLOCK_MAX_ENTITY_RATE = 0.2
# Tagger settings: min_count and lr chosen on the dev split; epochs x seeds (the same 36
# passes over the data as 12 x 3 before) on 5-fold CV of the train split (docs/screening.md, 2.5).
TAGGER_EPOCHS = 3
TAGGER_MIN_COUNT = 2
TAGGER_LR = 0.2
TAGGER_O_BIAS = 0.0
TAGGER_SEEDS = 12
# Sentence classifier settings chosen on binary/dev.csv (its threshold too, by `train`).
SENTENCE_EPOCHS = 5
SENTENCE_LR = 0.05
SENTENCE_L2 = 1e-5
SENTENCE_SEEDS = 3
# Forum training posts (intake/nlp/data/forum_train/): each post counts this many times in the
# tagger's training data and its sentences this many times in the sentence classifier's;
# chosen on the dev sets forum_a / forum_c (docs/screening.md, 2.9).
FORUM_WEIGHT = 1
# Each PsyTAR train sentence counts this many times in the tagger's training data: 2 chosen on
# PsyTAR dev and forum_a / forum_c (3 cost forum_c 0.012 overlap; docs/screening.md, 2.9).
TAGGER_PSYTAR_WEIGHT = 2


def _doc_norms(text: str):
    norms, starts, ends, _ = analyse(tokenizer()(text))
    return norms, starts, ends


def table_drug(drugs: list, about: object = None) -> bool:
    """Whether a text's drugs (matcher drug mentions) or the drug it is about (`about_drug`
    as a name) are in the drug -> indication table: then the pipeline decides indication vs
    reaction by what the drug is for (`pipeline.treated_flags`), never by the prior."""
    from intake.nlp.pipeline import about_codes

    table, names = drug_indications(), default_drugs().names
    if not table:
        return False
    codes = [code for d in drugs for code, _ in names.get(d[2], ())]
    return any(code in table for code in [
        *codes, *(about_codes(about) if isinstance(about, str) else ())])


def learn(train: list[dict]) -> dict:
    base = Matcher(default_drugs(), default_events(), english_words(), {}, common_words())
    table = base.event_table
    match_n: Counter = Counter()
    match_entity: Counter = Counter()
    pt_adr: Counter = Counter()
    pt_ind: Counter = Counter()
    gold_phrases: Counter = Counter()
    parsed = []
    for sent in train:
        norms, starts, ends = _doc_norms(sent["text"])
        parsed.append(norms)
        drugs, _, events = base.find_mentions(norms, sent["text"], starts, ends)
        # The prior only decides where no drug of the text is in the indication table: it is
        # learned from those texts alone (chosen on PsyTAR dev and forum_a / forum_c,
        # docs/screening.md 2.9), not from a forum's antihypertensive posts, whose
        # "hypertension" the table already explains.
        prior_counts = not table_drug(drugs, sent.get("about_drug"))
        for a, b, key, _ in events:
            cs, ce = starts[a], ends[b - 1]
            labels = {lab for gs, ge, lab in sent["spans"] if gs < ce and cs < ge}
            match_n[key] += 1
            match_entity[key] += bool(labels)
            if prior_counts:
                pt_adr[key] += "ADR" in labels or "WD" in labels
                pt_ind[key] += bool(labels & _TREATED) and "ADR" not in labels
        for gs, ge, lab in sent["spans"]:
            if lab == "ADR":
                gold_phrases[norm_phrase(sent["text"][gs:ge])] += 1
    blocked = sorted(k for k, n in match_n.items() if n >= BLOCK_MIN_MATCHES
                     and match_entity[k] / n < BLOCK_MAX_ENTITY_RATE and table[k][2] != "lay")
    prior = {pt: round(pt_ind[pt] / (pt_ind[pt] + pt_adr[pt] + 2), 3)
             for pt in pt_ind if pt_ind[pt] >= 2}
    phrases = _learn_phrases(gold_phrases, parsed, table)
    return {"phrases": phrases, "blocked": blocked, "indication_prior": prior,
            "forum_words": _forum_words(parsed)}


def _code_phrase(tokens: list[str], table: dict) -> str | None:
    for length in range(len(tokens), 0, -1):
        for i in range(len(tokens) - length + 1):
            key = " ".join(tokens[i:i + length])
            if key in table and table[key][2] in ("lay", "label", "layperson", "synonym"):
                return table[key][0]
    return None


def _learn_phrases(gold: Counter, parsed: list[list[str]], table: dict) -> dict[str, str]:
    candidates = {}
    for phrase in gold:
        tokens = phrase.split(" ")
        if phrase in table or not 1 < len(tokens) <= MAX_PHRASE_TOKENS or not all(
                t.replace("'", "").isalnum() for t in tokens):
            continue
        pt = _code_phrase(tokens, table)
        if pt:
            candidates[phrase] = pt
    occurrences: Counter = Counter()
    lengths = {len(p.split(" ")) for p in candidates}
    for norms in parsed:
        for n in lengths:
            for i in range(len(norms) - n + 1):
                key = " ".join(norms[i:i + n])
                if key in candidates:
                    occurrences[key] += 1
    return {p: pt for p, pt in sorted(candidates.items())
            if gold[p] / max(occurrences[p], gold[p]) >= MIN_PHRASE_PRECISION}


def _forum_words(parsed: list[list[str]]) -> list[str]:
    counts = Counter(t for norms in parsed for t in norms if t.isalpha() and len(t) >= 5)
    drug_words = [k for k in default_drugs().names if " " not in k and k.isalpha()]
    by_letter: dict[str, list[str]] = defaultdict(list)
    for w in drug_words:
        by_letter[w[0]].append(w)
    out = []
    for word, n in counts.items():
        if n < 3 or word in default_drugs().names:
            continue
        # A frequent misspelling of a drug ("zolof") must stay fuzzy-matchable.
        if process.extractOne(word, by_letter.get(word[0], ()), scorer=fuzz.ratio,
                              score_cutoff=84):
            continue
        out.append(word)
    return sorted(out)


def tagger_examples(sentences: list[dict]) -> tuple[list, list, list]:
    """(texts as (norms, lex), gold tag ids, token offsets) exactly as the pipeline sees them."""
    from intake.nlp.pipeline import _matcher, lex_tags

    matcher = _matcher()
    texts, gold, offsets = [], [], []
    for sent in sentences:
        norms, starts, ends = _doc_norms(sent["text"])
        drugs, _, events = matcher.find_mentions(norms, sent["text"], starts, ends)
        tags = [0] * len(norms)
        for gs, ge, lab in sent["spans"]:
            label = LABEL_OF.get(lab)
            if label is None:
                continue
            toks = [i for i in range(len(norms)) if starts[i] < ge and gs < ends[i]]
            for k, i in enumerate(toks):
                tags[i] = TAGS.index(("B-" if k == 0 else "I-") + label)
        texts.append((norms, lex_tags(norms, drugs, events)))
        gold.append(tags)
        offsets.append((starts, ends))
    return texts, gold, offsets


def trimmed(sentences: list[dict]) -> list[dict]:
    """PsyTAR sentences with their spans cut to docs/annotation.md's extent (quantifiers,
    intensity words, auxiliaries and "felt" before an event, frequency words after it out:
    `evaluate.convention_span`), the convention the forum posts are annotated by and the
    pipeline reports in."""
    from intake.nlp.evaluate import convention_span

    return [{**s, "spans": [(*convention_span(s["text"], a, b), lab)
                            for a, b, lab in s["spans"]]} for s in sentences]


def train_tagger(out: Path, train_sentences: list[dict], *, epochs: int = TAGGER_EPOCHS,
                 min_count: int = TAGGER_MIN_COUNT, seeds: int = TAGGER_SEEDS,
                 forum_posts: list[dict] = (), forum_weight: int = FORUM_WEIGHT,
                 psytar_weight: int = TAGGER_PSYTAR_WEIGHT,
                 source: str = "PsyTAR train split (CC BY 4.0)") -> dict:
    """Train the span tagger on `train_sentences` (each `psytar_weight` times when there are
    forum posts) and `forum_posts` (each post `forum_weight` times: integer weights by
    repetition, the same shuffled passes); write its weights to
    `out` (npz). The vocabulary counts each text once, whatever its weight."""
    from intake.nlp.pipeline import _matcher, event_words

    # PsyTAR's spans cut to docs/annotation.md's extent before the tagger learns them (2.9)
    train_sentences = trimmed(train_sentences)
    texts, gold, _ = tagger_examples([*train_sentences, *forum_posts])
    counts = Counter(t for norms, _ in texts for t in norms)
    vocab = ["<unk>", "<pad>", *sorted(w for w, c in counts.items() if c >= min_count)]
    suf_counts = Counter(t[-3:] for norms, _ in texts for t in norms)
    suffixes = ["<unk>", *sorted(s for s, c in suf_counts.items() if c >= min_count)]
    n_psytar = len(train_sentences)
    if forum_posts and forum_weight > 1:
        texts = texts + texts[n_psytar:] * (forum_weight - 1)
        gold = gold + gold[n_psytar:] * (forum_weight - 1)
    # The balance between the two sources: without forum posts, no repeats (2.8's training).
    psytar_weight = psytar_weight if forum_posts else 1
    if psytar_weight > 1:
        texts = texts + texts[:n_psytar] * (psytar_weight - 1)
        gold = gold + gold[:n_psytar] * (psytar_weight - 1)
    matcher = _matcher()
    meta = {"source": source, "sentences": n_psytar, "forum_posts": len(forum_posts),
            "forum_weight": forum_weight if forum_posts else 0,
            **({"psytar_weight": psytar_weight} if psytar_weight > 1 else {}),
            "model": "linear-chain CRF", "epochs": epochs, "lr": TAGGER_LR,
            "min_count": min_count, "seeds": seeds, "o_bias": TAGGER_O_BIAS}
    tagger = Tagger(vocab, suffixes, np.zeros((1, len(TAGS))), matcher.english,
                    event_words(matcher), meta)
    # Several shuffles, parameters averaged: one linear model, no extra cost at run time.
    runs = [train_weights(tagger, texts, gold, epochs=epochs, lr=TAGGER_LR, seed=seed)
            for seed in range(13, 13 + seeds)]
    weights = sum(w for w, _ in runs) / seeds
    transitions = sum(t for _, t in runs) / seeds
    digest = hashlib.sha1(weights.astype(np.float16).tobytes()  # noqa: S324
                          + transitions.astype(np.float32).tobytes()).hexdigest()[:8]
    tagger.meta["id"] = f"tagger-{digest}"
    save(out, tagger, weights, transitions)
    return tagger.meta


def screened_units(texts: list[str]) -> list[tuple]:
    """The sentence classifier's input for each text, as the pipeline computes it (PsyTAR
    texts are about a drug, as in the evaluation)."""
    from intake.nlp.pipeline import _clean, load_pipeline, sentence_units

    nlp = load_pipeline()
    units = []
    for b in range(0, len(texts), 256):
        chunk = [_clean(t) for t in texts[b:b + 256]]
        docs = list(nlp.tokenizer.pipe(chunk))
        for doc, text in zip(docs, chunk, strict=True):
            doc.user_data["text"] = text
            doc.user_data["about_drug"] = True
            # The mention evidence the classifier learns from must not depend on a classifier
            # (the one on disk): no sentence gating of reactions here.
            doc.user_data["gate"] = False
        for _, proc in nlp.pipeline:
            docs = list(proc.pipe(docs)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        units.extend(sentence_units(doc) for doc in docs)
    return units


def _f1(pred: list[bool], gold: list[int]) -> float:
    tp = sum(p and g == 1 for p, g in zip(pred, gold, strict=True))
    n_pred, n_gold = sum(pred), sum(g == 1 for g in gold)
    return 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0


def forum_sentence_rows(posts: list[dict], weight: int = FORUM_WEIGHT) -> list[dict]:
    """The sentence classifier's rows from forum posts (`forum_train.sentence_rows`), each
    `weight` times."""
    return sentence_rows(posts) * weight


def train_sentence_model(out: Path, train_rows: list[dict], dev_rows: list[dict], *,
                         epochs: int = SENTENCE_EPOCHS, lr: float = SENTENCE_LR,
                         l2: float = SENTENCE_L2, seeds: int = SENTENCE_SEEDS,
                         forum_rows: list[dict] = ()) -> dict:
    """Train the sentence-level ADR classifier on `train_rows` and `forum_rows` (each row one
    unit), choose its threshold on `dev_rows` (best F1 of the pipeline's per-post score);
    write `out` (npz)."""
    from intake.nlp.sentences import SentenceModel, save, train_weights, unit_features

    n_psytar = len(train_rows)
    train_rows = [*train_rows, *forum_rows]
    train_units = screened_units([r["text"] for r in train_rows])
    feats = [unit_features(norms, any(flags), max(p_max, default=0.0))
             for norms, _, flags, p_max in train_units]
    labels = [r["ADR"] for r in train_rows]
    weights = sum(train_weights(feats, labels, epochs=epochs, lr=lr, l2=l2, seed=seed)
                  for seed in range(13, 13 + seeds)) / seeds
    weights = weights.astype(np.float16)
    model = SentenceModel(weights, 0.5, {})
    dev_scores = [max(s, default=0.0)
                  for s in model.scores(screened_units([r["text"] for r in dev_rows]))]
    gold = [r["ADR"] for r in dev_rows]
    grid = [round(0.05 + 0.01 * k, 2) for k in range(91)]
    threshold = max(grid, key=lambda t: (_f1([s >= t for s in dev_scores], gold), -abs(t - 0.5)))
    digest = hashlib.sha1(weights.tobytes() + str(threshold).encode()).hexdigest()[:8]  # noqa: S324
    meta = {"id": f"sentences-{digest}", "source": "PsyTAR binary train split (CC BY 4.0)"
            + (" + forum training posts' sentences" if forum_rows else "")
            + "; threshold chosen on binary dev", "rows": n_psytar,
            "forum_rows": len(forum_rows), "epochs": epochs,
            "lr": lr, "l2": l2, "seeds": seeds, "threshold": threshold,
            "dev_f1": round(_f1([s >= threshold for s in dev_scores], gold), 4)}
    save(out, weights, threshold, meta)
    return meta


def train(out: Path, split_dir: Path | None = None, tagger_out: Path | None = None,
          sentences_out: Path | None = None, forum_files: list[Path] | None = None,
          forum_weight: int = FORUM_WEIGHT) -> dict:
    """Learn everything from PsyTAR train and the forum training posts (`forum_files`, default
    every `intake/nlp/data/forum_train/*.jsonl`; `[]` for PsyTAR only)."""
    from intake.nlp.pipeline import (
        SENTENCES,
        TAGGER,
        _matcher,
        _sentence_model,
        _tagger,
        load_pipeline,
    )

    files = training_files() if forum_files is None else list(forum_files)
    posts = read_posts(files)  # first: a missing or malformed forum file fails before any work
    base = split_dir or psytar_dir()
    train_sentences = read_conll(base / "all" / "train.txt")
    source = "PsyTAR train split (CC BY 4.0)"
    if posts:
        source += (f" + {len(posts)} forum posts ({', '.join(f.name for f in files)}; "
                   f"sha256 {forum_digest(files)}; pv's licence)")
    learned = learn([*train_sentences, *posts])
    digest = hashlib.sha1(json.dumps(learned, sort_keys=True).encode()).hexdigest()[:8]  # noqa: S324
    name = "psytar-forum-train" if posts else "psytar-train"
    learned["meta"] = {"id": f"{name}-{digest}", "source": source,
                       "phrases": len(learned["phrases"]), "blocked": len(learned["blocked"])}
    with gzip.GzipFile(out, "wb", mtime=0) as fh:
        fh.write(json.dumps(learned, sort_keys=True, separators=(",", ":")).encode())
    # The tagger's dictionary features come from the matcher built on what was just learned.
    _matcher.cache_clear()
    _tagger.cache_clear()
    tagger_meta = train_tagger(tagger_out or TAGGER, train_sentences, forum_posts=posts,
                               forum_weight=forum_weight, source=source)
    # The sentence classifier reads the pipeline's output with the tagger just trained.
    _tagger.cache_clear()
    load_pipeline.cache_clear()
    sentence_meta = train_sentence_model(
        sentences_out or SENTENCES, read_binary(base / "binary" / "train.csv"),
        read_binary(base / "binary" / "dev.csv"),
        forum_rows=forum_sentence_rows(posts, forum_weight))
    _sentence_model.cache_clear()
    return {**learned["meta"], "tagger": tagger_meta["id"], "sentences": sentence_meta["id"],
            "sentence_threshold": sentence_meta["threshold"],
            "sentence_dev_f1": sentence_meta["dev_f1"]}
