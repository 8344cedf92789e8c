"""Learn the screening pipeline's data-driven parts from the PsyTAR **train** split.

    pv screen-train            (intake.cli:train_main; writes intake/nlp/data/learned.json.gz)

What is learned (all counts over train only; thresholds were chosen on dev):
- `phrases`: annotated ADR phrasings not in the dictionaries ("no sex drive", "sweating at
  night"), coded to the PT of the longest dictionary phrase inside them, kept only when the
  phrase is annotated as an ADR in at least half of its occurrences;
- `blocked`: dictionary phrases that match often but are almost never any annotated entity;
- `indication_prior`: per dictionary phrase, the share of matches annotated as the treated condition
  (SSI/DI) rather than a reaction;
- `forum_words`: frequent ordinary forum words, added to the English guard for fuzzy matching.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz import fuzz, process

from coding.nlp.dictionaries import default_drugs, default_events, english_words
from coding.nlp.text import norm_phrase, norm_sequence, tokenizer
from intake.nlp.matchers import Matcher
from intake.nlp.psytar import psytar_dir, read_conll

MIN_PHRASE_PRECISION = 0.5
MAX_PHRASE_TOKENS = 6
BLOCK_MIN_MATCHES = 3
BLOCK_MAX_ENTITY_RATE = 0.2


def _doc_norms(text: str):
    doc = tokenizer()(text)
    norms, index = norm_sequence(doc)
    starts = [doc[i].idx for i in index]
    ends = [doc[i].idx + len(doc[i].text) for i in index]
    return norms, starts, ends


def learn(train: list[dict]) -> dict:
    base = Matcher(default_drugs(), default_events(), english_words(), {})
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
        drugs = base.find_drugs(norms, [sent["text"][s:e] for s, e in zip(starts, ends,
                                                                            strict=True)])
        taken = {p for a, b, _, _ in drugs for p in range(a, b)}
        for a, b, key, _ in base.find_events(norms, taken):
            cs, ce = starts[a], ends[b - 1]
            labels = {lab for gs, ge, lab in sent["spans"] if gs < ce and cs < ge}
            match_n[key] += 1
            match_entity[key] += bool(labels)
            pt_adr[key] += "ADR" in labels or "WD" in labels
            pt_ind[key] += bool(labels & {"SSI", "DI"}) and "ADR" not in labels
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


def train(out: Path, split_dir: Path | None = None) -> dict:
    base = split_dir or psytar_dir()
    learned = learn(read_conll(base / "all" / "train.txt"))
    digest = hashlib.sha1(json.dumps(learned, sort_keys=True).encode()).hexdigest()[:8]  # noqa: S324
    learned["meta"] = {"id": f"psytar-train-{digest}", "source": "PsyTAR train split (CC BY 4.0)",
                       "phrases": len(learned["phrases"]), "blocked": len(learned["blocked"])}
    with gzip.GzipFile(out, "wb", mtime=0) as fh:
        fh.write(json.dumps(learned, sort_keys=True, separators=(",", ":")).encode())
    return learned["meta"]
