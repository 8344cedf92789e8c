"""The screening pipeline: spaCy blank English + sentencizer + pv components.

    from intake.nlp import screen_texts
    for result in screen_texts([{"id": 1, "text": "started lexapro and cant sleep"}]): ...

Loaded once per process (`load_pipeline()`); nothing is downloaded. Components:
`sentencizer` -> `pv_mentions` (drug and event matching) -> `pv_context` (negation, hypothetical,
historical, family, withdrawal, role). `screen_texts` then pairs drugs with reactions and scores
seriousness, the four minimum criteria, the candidate flag and the priority.
"""

from __future__ import annotations

import bisect
import functools
import gzip
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language

from coding.nlp.dictionaries import default_drugs, default_events, english_words
from coding.nlp.text import norm_doc
from intake.nlp.assess import assess, pair_mentions
from intake.nlp.context import assign_context
from intake.nlp.matchers import Matcher

PIPELINE_NAME = "pv-screen"
PIPELINE_RELEASE = "1.0"
LEARNED = Path(__file__).parent / "data" / "learned.json.gz"
_TAG = re.compile(r"<[^<>]{0,300}>")


def load_learned(path: Path = LEARNED) -> dict:
    """Phrases, blocked phrases and role priors learned from the PsyTAR train split."""
    if not path.exists():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@Language.factory("pv_mentions")
def _make_mentions(nlp: Language, name: str):
    return MentionsComponent(_matcher())


@Language.factory("pv_context")
def _make_context(nlp: Language, name: str):
    return ContextComponent(load_learned().get("indication_prior", {}))


@functools.cache
def _matcher() -> Matcher:
    return Matcher(default_drugs(), default_events(), english_words(), load_learned())


class MentionsComponent:
    """Finds drug and event mentions; stores them in `doc.user_data["pv"]`."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher

    def __call__(self, doc):
        norms, index, starts, ends, sent_flags = norm_doc(doc)
        text = doc.user_data.get("text")
        if text is None:
            text = doc.text
        texts = [text[a:b] for a, b in zip(starts, ends, strict=True)]
        drugs = self.matcher.find_drugs(norms, texts)
        taken = {p for a, b, _, _ in drugs for p in range(a, b)}
        events = self.matcher.find_events(norms, taken)
        firsts = [i for i, flag in enumerate(sent_flags) if flag]
        sentences = list(zip(firsts, [*firsts[1:], len(norms)], strict=True)) if firsts else []
        doc.user_data["pv"] = {"norms": norms, "index": index, "starts": starts, "ends": ends,
                               "drugs": drugs, "events": events, "sentences": sentences}
        return doc


class ContextComponent:
    """Adds context attributes to every event found by `pv_mentions`."""

    def __init__(self, indication_prior: dict[str, float]) -> None:
        self.prior = indication_prior
        self.table = _matcher().event_table

    def __call__(self, doc):
        pv = doc.user_data["pv"]
        events = pv["events"]
        inside = {p for a, b, *_ in pv["drugs"] + events for p in range(a, b)}
        pv["context"] = assign_context(
            pv["norms"], pv["sentences"], [(a, b) for a, b, _, _ in events], inside,
            has_drug=bool(pv["drugs"]) or doc.user_data.get("about_drug", False),
            indication_prior=self.prior, keys=[k for _, _, k, _ in events])
        return doc


@functools.cache
def load_pipeline() -> Language:
    """The screening pipeline (built once per process)."""
    nlp = spacy.blank("en")
    nlp.max_length = 2_000_000
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("pv_mentions")
    nlp.add_pipe("pv_context")
    return nlp


@functools.cache
def pipeline_version() -> dict:
    """What produced a result: store it with every screening so old results can be re-run."""
    drugs, events = default_drugs(), default_events()
    learned = load_learned().get("meta", {})
    return {"pipeline": f"{PIPELINE_NAME}/{PIPELINE_RELEASE}+{learned.get('id', 'untrained')}",
            "drugs": drugs.terminology, "events": events.terminology}


def _clean(text: str) -> str:
    # Blank out HTML tags with spaces of the same length so offsets still point into the
    # original text; entities and emoji are left alone (the tokenizer copes with them).
    return _TAG.sub(lambda m: " " * len(m.group()), text) if "<" in text else text


def _mentions(doc) -> tuple[list[dict], list[int]]:
    pv = doc.user_data["pv"]
    sentences, tok_starts, tok_ends = pv["sentences"], pv["starts"], pv["ends"]
    # doc.text is rebuilt on every access in spaCy: use the text we were given.
    text = doc.user_data["text"]
    drugs_dict, events_dict, table = default_drugs(), default_events(), _matcher().event_table

    def span(a: int, b: int) -> tuple[int, int]:
        return tok_starts[a], tok_ends[b - 1]

    starts = [a for a, _ in sentences]

    def sentence_of(pos: int) -> int:  # bisect: long texts have thousands of sentences
        return bisect.bisect_right(starts, pos) - 1

    found: list[tuple[int, dict, int]] = []
    for a, b, key, fuzzy in pv["drugs"]:
        concept = drugs_dict.lookup(key)[0]
        start, end = span(a, b)
        found.append((start, {
            "start": start, "end": end, "text": text[start:end], "kind": "drug",
            "code": concept["code"], "term": concept["name"], "drug_kind": concept["kind"],
            "brand": concept["brand"], "drugbank_id": concept.get("drugbank_id"),
            "ingredients": [{"code": c, "term": drugs_dict.concepts[c]["name"]}
                            for c in concept.get("ingredients", []) if c in drugs_dict.concepts],
            "fuzzy": fuzzy, "terminology": drugs_dict.meta["name"],
            "terminology_version": drugs_dict.meta["version"]}, sentence_of(a)))
    for (a, b, key, fuzzy), ctx in zip(pv["events"], pv["context"], strict=True):
        pt_code, llt_text, source, llt_code = table[key]
        coded = events_dict.code(pt_code, llt_text if source != "learned" else None, llt_code)
        start, end = span(a, b)
        found.append((start, {
            "start": start, "end": end, "text": text[start:end], "kind": "event",
            "code": pt_code, "term": coded["pt"], **coded, **ctx, "fuzzy": fuzzy},
            sentence_of(a)))
    found.sort(key=lambda t: t[0])
    return [m for _, m, _ in found], [s for _, _, s in found]


def screen_docs(items: list[dict], docs) -> Iterator[dict]:
    for item, doc in zip(items, docs, strict=True):
        mentions, sentence_of = _mentions(doc)
        pairs = pair_mentions(mentions, sentence_of)
        verdict = assess(doc.user_data["text"], mentions, pairs, profile=item.get("profile"),
                         reporter_known=item.get("reporter_known", True))
        yield {"id": item.get("id"), **verdict, "mentions": mentions, "pairs": pairs,
               "pipeline_version": pipeline_version()["pipeline"]}


def screen_texts(items: Iterable[dict], *, batch_size: int = 256) -> Iterator[dict]:
    """Screen forum posts / reports. Lazily yields one result per input item, in order.

    Item: {"id", "text", "profile": {"age"|"birth_year"|"sex"...} (optional),
           "reporter_known": bool (default True: a registered member can be contacted),
           "about_drug": bool (optional: the text is known to be about a drug, e.g. a
           drug-specific board, so unattributed events count as reactions)}.
    Result: {"id", "candidate", "priority", "serious", "criteria", "mentions", "pairs",
             "pipeline_version"}; see docs/screening.md for the mention fields.
    """
    nlp = load_pipeline()
    batch: list[dict] = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            yield from _run(nlp, batch)
            batch = []
    if batch:
        yield from _run(nlp, batch)


def _run(nlp: Language, batch: list[dict]) -> Iterator[dict]:
    def docs():
        for item in batch:
            text = _clean(str(item.get("text") or ""))
            doc = nlp.make_doc(text)
            doc.user_data["text"] = text
            doc.user_data["about_drug"] = bool(item.get("about_drug"))
            yield doc

    out_docs = []
    for doc in docs():
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        out_docs.append(doc)
    yield from screen_docs(batch, out_docs)
