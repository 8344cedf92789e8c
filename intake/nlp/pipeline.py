"""The screening pipeline: spaCy blank English tokenizer + pv components.

    from intake.nlp import screen_texts
    for result in screen_texts([{"id": 1, "text": "started lexapro and cant sleep"}]): ...

Loaded once per process (`load_pipeline()`); nothing is downloaded. Components, run batch-wise:
`pv_mentions` (token path with sentence splitting, drug and dictionary event matching) ->
`pv_tagger` (trained ADR / withdrawal / indication span tagger, `intake.nlp.tagger`) ->
`pv_context` (negation, hypothetical, historical, family, withdrawal, role); the sentence-level
ADR classifier (`intake.nlp.sentences`) is scored with the tagger batch. `screen_texts` then
pairs drugs with reactions and scores seriousness, the four minimum criteria, the candidate
flag, the priority and the post's `adr_score` / `adr` (informational: not used for
`candidate`). Figures and design: docs/screening.md.
"""
from __future__ import annotations

import bisect
import contextlib
import functools
import gc
import gzip
import json
import math
import re
from collections.abc import Iterable, Iterator
from itertools import repeat
from operator import itemgetter
from pathlib import Path

import spacy
from spacy.language import Language

from coding.nlp.dictionaries import (
    common_words,
    default_drugs,
    default_events,
    drug_indications,
    english_words,
)
from coding.nlp.text import norm_phrase, split_glued
from intake.nlp.assess import assess, is_own_reaction, pair_mentions
from intake.nlp.context import CONTEXT_WORDS, NEGATIONS, assign_context
from intake.nlp.matchers import Matcher, positions
from intake.nlp.sentences import DRUG_WORD, SentenceModel
from intake.nlp.sentences import load as load_sentence_model
from intake.nlp.spans import body_part_only, convention_extents
from intake.nlp.tagger import (
    LEX_DRUG,
    LEX_EVENT_B,
    LEX_EVENT_I,
    LEX_MOD,
    LEX_NONE,
    Tagger,
    split_list,
)
from intake.nlp.tagger import load as load_tagger
from intake.nlp.tokens import TextAnalyser, analyse

PIPELINE_NAME = "pv-screen"
PIPELINE_RELEASE = "2.9"
LEARNED = Path(__file__).parent / "data" / "learned.json.gz"
TAGGER = Path(__file__).parent / "data" / "tagger.npz"
SENTENCES = Path(__file__).parent / "data" / "sentences.npz"
# Chosen on the PsyTAR dev split: below this tagger P(ADR) (the CRF's marginal), a
# dictionary-only event is not taken as a reaction.
LEXICON_MIN_P_ADR = 0.05
# Below this P(ADR) a dictionary event with a drug in scope is `DOUBT`: no reaction without a
# strong cue (intake/nlp/context/). Chosen on the dev sets forum_a / forum_c (docs/screening.md,
# 2.9 precision).
IN_SCOPE_MIN_P_ADR = 0.1
# How far (tokens) a dictionary event's CRF extent may reach beyond it, each side.
EXTENT_REACH = 4
_TAG = re.compile(r"<[^<>]{0,300}>")
# Where the patient's words for a reaction begin and end (docs/annotation.md). Widened over
# "initial" and "more" right before an event ("initial nausea", "more irritable"): chosen on
# 5-fold CV of the PsyTAR train split (2.4). Since 2.7 forms of "feel" before an event
# ("felt disoriented", a PsyTAR habit) and time-of-day phrases after it ("at night") are no
# longer taken in: the annotation conventions leave auxiliaries and frequency words out.
SPAN_LEFT_WORDS = frozenset({"initial", "more"})
SPAN_RIGHT_PHRASES: tuple[tuple[str, ...], ...] = ()
_RIGHT_PHRASES_BY_FIRST = {w: [p for p in SPAN_RIGHT_PHRASES if p[0] == w]
                           for w in {p[0] for p in SPAN_RIGHT_PHRASES}}


# Learned data and tagger that replace the shipped ones inside `trained_on` (cross-validation).
_overrides: dict = {}


def load_learned(path: Path = LEARNED) -> dict:
    """Phrases, blocked phrases and role priors learned from the PsyTAR train split."""
    if "learned" in _overrides:
        return _overrides["learned"]
    if not path.exists():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@Language.factory("pv_mentions")
def _make_mentions(nlp: Language, name: str):
    return MentionsComponent(_matcher())


@Language.factory("pv_tagger")
def _make_tagger(nlp: Language, name: str):
    return TaggerComponent(_tagger(), _matcher())


@Language.factory("pv_context")
def _make_context(nlp: Language, name: str):
    return ContextComponent(load_learned().get("indication_prior", {}))


@functools.cache
def _matcher() -> Matcher:
    return Matcher(default_drugs(), default_events(), english_words(), load_learned(),
                   common_words())


def event_words(matcher: Matcher) -> frozenset[str]:
    return frozenset(w for key in matcher.event_table for w in key.split(" "))


@functools.cache
def _sentence_model() -> SentenceModel | None:
    return load_sentence_model(_overrides.get("sentences", SENTENCES))


@functools.cache
def _tagger() -> Tagger | None:
    matcher = _matcher()
    return load_tagger(_overrides.get("tagger", TAGGER), matcher.english, event_words(matcher))


def _clear_models() -> None:
    for cached in (_matcher, _tagger, _sentence_model, load_pipeline, pipeline_version,
                   _drug_fields, _event_fields, _text_analyser):
        cached.cache_clear()
    _drug_templates.clear()
    _event_templates.clear()


@contextlib.contextmanager
def trained_on(*, learned: dict, tagger: Path, sentences: Path | None = None) -> Iterator[None]:
    """Screen with other learned data and tagger weights (and sentence classifier, if given)
    inside the block (a fold of a cross-validation): the cached models are dropped on the way
    in and out."""
    _overrides.update(learned=learned, tagger=tagger)
    if sentences is not None:
        _overrides["sentences"] = sentences
    _clear_models()
    try:
        yield
    finally:
        _overrides.clear()
        _clear_models()


_LEX_OF_WORD = dict.fromkeys(NEGATIONS, LEX_MOD)


def lex_tags(norms: list[str], drugs: list, events: list) -> list[int]:
    """The dictionary's verdict per token, a feature of the trained tagger."""
    lex = list(map(_LEX_OF_WORD.get, norms, repeat(LEX_NONE)))  # LEX_MOD for negations
    # (indexing, not `a, b, *_ =`: a starred unpacking builds a list per mention)
    for d in drugs:
        a, b = d[0], d[1]
        lex[a:b] = [LEX_DRUG] * (b - a)
    for e in events:
        a, b = e[0], e[1]
        if b - a == 1:  # most events: one word
            lex[a] = LEX_EVENT_B
        else:
            lex[a:b] = [LEX_EVENT_B] + [LEX_EVENT_I] * (b - a - 1)
    return lex


class MentionsComponent:
    """Finds drug and dictionary event mentions; stores them in `doc.user_data["pv"]`."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher

    def __call__(self, doc):
        tokens = doc.user_data.pop("tokens", None)  # `_run` analyses texts without a Doc
        norms, starts, ends, sentences = analyse(doc) if tokens is None else tokens
        text = doc.user_data.get("text")
        if text is None:
            text = doc.text
        drugs, taken, events = self.matcher.find_mentions(norms, text, starts, ends)
        # events: (start, end, phrase key or None, fuzzy, tagger label or None)
        doc.user_data["pv"] = {"norms": norms, "starts": starts, "ends": ends,
                               "drugs": drugs, "events": [(*e, None) for e in events],
                               "sentences": sentences, "drug_positions": taken,
                               "sentence_starts": [a for a, _ in sentences]}
        return doc


class TaggerComponent:
    """Trained span tagger: its ADR / withdrawal / indication spans replace the dictionary
    events they overlap (which code them); dictionary events it does not cover stay."""

    def __init__(self, tagger: Tagger | None, matcher: Matcher) -> None:
        self.tagger = tagger
        self.table = matcher.event_table
        self.matcher = matcher

    def __call__(self, doc):
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int = 256):
        docs = list(docs)
        if self.tagger is None:
            return docs
        pvs = [doc.user_data["pv"] for doc in docs]
        tagged = self.tagger.tag([(pv["norms"], lex_tags(pv["norms"], pv["drugs"], pv["events"]))
                                  for pv in pvs])
        model = _sentence_model()
        if model is not None and tagged:
            partial = model.partial(self.tagger.last_hashes, self.tagger.last_p_adr,
                                    self.tagger.last_firsts,
                                    [(pv["sentences"], pv["drugs"]) for pv in pvs])
            for pv, z in zip(pvs, partial, strict=True):
                pv["sentence_z"] = z
        for pv, (spans, p_adr) in zip(pvs, tagged, strict=True):
            pv["p_adr"] = p_adr
            if spans:
                pv["events"] = self._merge(pv, spans)
        self._extend(pvs)
        for pv, (_, p_adr) in zip(pvs, tagged, strict=True):
            # A dictionary event the tagger gives next to no chance of being an ADR is kept
            # (it is still a mention to code) but marked so its role is not "reaction".
            pv["events"] = [e if e[4] is not None else _doubted(e, max(p_adr[e[0]:e[1]]))
                            for e in pv["events"]]
            if "side" in pv["norms"] or "sideeffects" in pv["norms"]:
                pv["events"] = _with_unspecified(pv["norms"], pv["events"])
        return docs

    def _extend(self, pvs: list[dict]) -> None:
        """Dictionary events the tagger did not tag take the extent the CRF gives them
        ("numbs" -> "numbs me out", "twitching" -> "twitching in my sleep"), within their
        sentence, without reaching into another mention or over a word the context rules
        read ("my dad has diabetes"), and cut at list separators as tagged spans are."""
        windows, where = [], []
        for t, (pv, first) in enumerate(zip(pvs, self.tagger.last_firsts, strict=True)):
            events = pv["events"]
            if not any(e[4] is None for e in events):
                continue
            sentences, norms = pv["sentences"], pv["norms"]
            n = len(norms)
            taken = None
            for i, e in enumerate(events):
                if e[4] is not None:
                    continue
                a, b = e[0], e[1]
                if (a == 0 or norms[a - 1] in CONTEXT_WORDS) and (
                        b == n or norms[b] in CONTEXT_WORDS):
                    continue  # a context word (or the text's edge) on both sides: no room
                if taken is None:  # the text's mentions, once it has an event to extend
                    taken = sorted([(m[0], m[1]) for m in pv["drugs"] + events])
                    ends = [y for _, y in taken]
                lo, hi = sentence_around(sentences, a, n)
                # the mentions either side bound it (mentions do not overlap)
                j = bisect.bisect_right(ends, a)
                lo = max(lo, a - EXTENT_REACH, ends[j - 1] if j else 0)
                j = bisect.bisect_left(ends, b + 1)
                if j < len(taken):
                    hi = min(hi, taken[j][0])
                hi = min(hi, b + EXTENT_REACH)
                k = a
                while k > lo and norms[k - 1] not in CONTEXT_WORDS:
                    k -= 1
                lo = k
                k = b
                while k < hi and norms[k] not in CONTEXT_WORDS:
                    k += 1
                if lo == a and k == b:
                    continue  # nothing to extend over
                windows.append((first + lo, first + a, first + b, first + k))
                where.append((t, i))
        firsts = self.tagger.last_firsts
        for (t, i), (x, y) in zip(where, self.tagger.extents(windows), strict=True):
            pv = pvs[t]
            events = pv["events"]
            e = events[i]
            a, b = e[0], e[1]
            for p, q in split_list(pv["norms"], x - firsts[t], y - firsts[t]):
                if p <= a and b <= q:  # the part holding the event
                    a, b = p, q
                    break
            events[i] = (a, b, *e[2:])

    def _merge(self, pv: dict, spans: list[tuple]) -> list[tuple]:
        events = pv["events"]
        drug_pos = pv["drug_positions"]
        out = []
        used = set()
        ends = [e[1] for e in events]
        for a, b, label, _p in spans:
            while a < b and a in drug_pos:
                a += 1
            while b > a and b - 1 in drug_pos:
                b -= 1
            if a >= b:
                continue
            # Dictionary events are sorted and do not overlap: bisect, not a scan (long texts).
            i = bisect.bisect_right(ends, a)
            inside = []
            while i < len(events) and events[i][0] < b:
                inside.append(i)
                i += 1
            used.update(inside)
            if inside:
                best = inside[0] if len(inside) == 1 else max(
                    inside, key=lambda i: events[i][1] - events[i][0])
                key, fuzzy = events[best][2], events[best][3]
                a, b = min(a, events[best][0]), max(b, events[best][1])
            else:
                key, fuzzy = self._code(pv["norms"], a, b)
            out.append((a, b, key, fuzzy, label))
        out.extend(e for i, e in enumerate(events) if i not in used)
        out.sort()
        # Drop overlaps left by widening (keep the earlier span).
        kept: list[tuple] = []
        for e in out:
            if kept and e[0] < kept[-1][1]:
                continue
            kept.append(e)
        return kept

    def _code(self, norms: list[str], a: int, b: int) -> tuple[str | None, bool]:
        """A dictionary phrase inside a tagged span, else a fuzzy single word, else None."""
        table = self.table
        for length in range(min(b - a, 4), 0, -1):
            for i in range(b - length, a - 1, -1):
                key = " ".join(norms[i:i + length])
                if key in table:
                    return key, False
        for i in range(b - 1, a - 1, -1):
            tok = norms[i]
            if len(tok) >= 6 and tok.isalpha() and tok not in self.matcher.english:
                key = self.matcher._fuzzy_event(tok)
                if key:
                    return key, True
        return None, False


def _doubted(event: tuple, p_adr: float) -> tuple:
    """A dictionary event the tagger did not tag, marked by how little chance it gives it of
    being an ADR: "LOW" (next to none), "DOUBT" (little) or unmarked (None)."""
    if p_adr < LEXICON_MIN_P_ADR:
        return (*event[:4], "LOW")
    if p_adr < IN_SCOPE_MIN_P_ADR:
        return (*event[:4], "DOUBT")
    return event


def _sentences_of(starts: list[int], spans: list[tuple]) -> set[int]:
    """The sentences (given by their first norm positions) holding the spans' starts."""
    return {bisect.bisect_right(starts, span[0]) - 1 for span in spans}


def _with_unspecified(norms: list[str], events: list[tuple]) -> list[tuple]:
    """Add "side effects" as an uncoded, unspecified reaction (label "SE") where no other
    event covers it: "the side effects were awful" reports a reaction without naming it."""
    covered = positions(events)
    extra = []
    for i, tok in enumerate(norms):
        if i in covered:
            continue
        if tok == "sideeffects":
            extra.append((i, i + 1, None, False, "SE"))
        elif tok == "side" and i + 1 < len(norms) and norms[i + 1] in ("effect", "effects") \
                and i + 1 not in covered:
            extra.append((i, i + 2, None, False, "SE"))
    return sorted(events + extra) if extra else events


class ContextComponent:
    """Adds context attributes to every event found by `pv_mentions` / `pv_tagger`, then
    widens the events to the words annotated with them (`annotated_extents`)."""

    def __init__(self, indication_prior: dict[str, float]) -> None:
        self.prior = indication_prior

    def __call__(self, doc):
        pv = doc.user_data["pv"]
        events = pv["events"]
        inside = pv["drug_positions"] | positions(events)
        supported = None
        partial, model = pv.get("sentence_z"), _sentence_model()
        if partial is not None and model is not None and doc.user_data.get("gate", True):
            # A reaction stays one where its sentence, counted with it as evidence (partial +
            # the "with evidence" term), is an ADR sentence for the classifier.
            floor = math.log(model.threshold / (1 - model.threshold)) - model.mention_logits[1]
            supported = [z >= floor for z in partial]
        about = doc.user_data.get("about_drug", False)
        pv["context"] = assign_context(
            pv["norms"], pv["sentences"], [(e[0], e[1]) for e in events], inside,
            has_drug=bool(pv["drugs"]) or bool(about),
            indication_prior=self.prior, keys=[e[2] for e in events],
            labels=[e[4] for e in events], supported=supported,
            drug_sentences=drug_scope(pv, about), treated=treated_flags(pv, about))
        # After the context rules, which read the words around each event as they were.
        norms = pv["norms"]
        keep = [not body_part_only(norms, e[0], e[1]) for e in events]
        if not all(keep):  # rule 6: a bare body part is never an event (nor a wall)
            events = [e for e, k in zip(events, keep, strict=True) if k]
            pv["context"] = [c for c, k in zip(pv["context"], keep, strict=True) if k]
            inside = pv["drug_positions"] | positions(events)
        pv["events"] = convention_extents(
            norms, annotated_extents(norms, pv["sentences"], events, inside),
            _matcher().event_table, pv["sentences"], inside)
        return doc


def drug_scope(pv: dict, about: bool | str) -> set[int]:
    """The sentences with a drug in scope: from the first that names a drug on, or all of
    them when the post is known to be about a named drug (a drug-review thread)."""
    n = len(pv["sentences"])
    if _named(about):
        return set(range(n))
    if not pv["drugs"]:
        return set()
    first = min(_sentences_of(pv["sentence_starts"], pv["drugs"]))
    return set(range(max(first, 0), n))


def _named(about: bool | str) -> str:
    """The drug name of `about_drug` ("" for `true`, `false` or none: a post known to be about
    some drug, or not)."""
    return about if isinstance(about, str) else ""


@functools.lru_cache(maxsize=4096)
def about_codes(name: str) -> tuple[str, ...]:
    """Drug concept codes of an `about_drug` name ("atorvastatin", "Lipitor", "the pill")."""
    return tuple(c for c, _ in default_drugs().names.get(norm_phrase(name), ()))


def treated_flags(pv: dict, about: bool | str) -> list[str | None] | None:
    """Per event: "treats" when the drug the post is about (or, without one, a drug of the
    first sentence naming drugs), or a drug named before the event in its sentence, is taken
    for it; "not_for" / "before" when the known drugs are not for it and it follows /
    precedes them; None when no drug of the post is in the indication table. Other drugs do
    not make it the treated condition: they are often the remedy ("... hives, so they gave
    me prednisone", "then zyrtec; the rash cleared")."""
    table = drug_indications()
    events = pv["events"]
    if not events or not table:
        return None
    names = default_drugs().names
    starts = pv["sentence_starts"]
    known: list[tuple[int, int, frozenset[str]]] = []  # (position, sentence, what it treats)
    for a, _b, key, _fuzzy in pv["drugs"]:
        for code, _brand in names.get(key, ()):
            hit = table.get(code)
            if hit is not None:
                known.append((a, bisect.bisect_right(starts, a) - 1, hit))
    named = _named(about)
    primary: list[frozenset[str]] = []
    if named:
        primary = [hit for code in about_codes(named) if (hit := table.get(code)) is not None]
    if not known and not primary:
        return None
    if not primary and not named:
        # The drugs of the first sentence naming any drug: when that drug is not in the
        # table (a vaccine), a later remedy ("took advil which helped") is not what the
        # post is about, and must not make the reactions its indications.
        first_sentence = min(bisect.bisect_right(starts, a) - 1 for a, *_ in pv["drugs"])
        primary = [hit for _, s, hit in known if s == first_sentence]
    first = -1 if named else min(p for p, _, _ in known)
    event_table = _matcher().event_table
    out: list[str | None] = []
    for e in events:
        key = e[2]
        if key is None:
            out.append(None)
            continue
        code = event_table[key][0]
        si = bisect.bisect_right(starts, e[0]) - 1
        if any(code in hit for hit in primary) or any(
                p < e[0] and s == si and code in hit for p, s, hit in known):
            out.append("treats")
        else:
            out.append("not_for" if e[0] > first else "before")
    return out


def sentence_around(sentences: list[tuple[int, int]], pos: int, n: int) -> tuple[int, int]:
    """[start, end) of the sentence holding norm position `pos` (of a text of `n` norms)."""
    si = bisect.bisect_right(sentences, (pos, n)) - 1
    return sentences[si] if si >= 0 else (0, n)


def annotated_extents(norms: list[str], sentences: list[tuple[int, int]], events: list[tuple],
                      taken: set[int]) -> list[tuple]:
    """Events widened over `SPAN_LEFT_WORDS` / `SPAN_RIGHT_PHRASES` next to them, within
    their sentence and never into another mention (`taken`: the positions of all mentions)."""
    n_norms = len(norms)
    out = []
    for e in events:
        a, b = e[0], e[1]
        left = a > 0 and norms[a - 1] in SPAN_LEFT_WORDS
        right = _RIGHT_PHRASES_BY_FIRST.get(norms[b]) if b < n_norms else None
        if not (left or right):  # most events: nothing to widen over
            out.append(e)
            continue
        lo, hi = sentence_around(sentences, a, n_norms)
        if left and a > lo and a - 1 not in taken:
            a -= 1
        for phrase in right or ():
            n = len(phrase)
            if (b + n <= hi and tuple(norms[b:b + n]) == phrase
                    and taken.isdisjoint(range(b, b + n))):
                b += n
                break
        out.append((a, b, *e[2:]) if (a, b) != (e[0], e[1]) else e)
    return out


@functools.cache
def load_pipeline() -> Language:
    """The screening pipeline (built once per process)."""
    nlp = spacy.blank("en")
    split_glued(nlp)
    nlp.max_length = 2_000_000
    nlp.add_pipe("pv_mentions")
    nlp.add_pipe("pv_tagger")
    nlp.add_pipe("pv_context")
    _matcher()
    _tagger()
    _sentence_model()
    _warm(nlp)
    # The dictionaries are millions of long-lived objects: move them out of the cyclic garbage
    # collector's generations so its full collections (triggered by the many small result
    # dicts) do not walk them again and again.
    gc.collect()
    gc.freeze()
    return nlp


def _warm(nlp: Language) -> None:
    """Build the lazy caches once (first-call latency belongs to loading)."""
    default_drugs()
    default_events()


@functools.cache
def pipeline_version() -> dict:
    """What produced a result: store it with every screening so old results can be re-run."""
    drugs, events = default_drugs(), default_events()
    learned = load_learned().get("meta", {})
    tagger = _tagger()
    tagger_id = tagger.meta.get("id", "tagger") if tagger else "no-tagger"
    model = _sentence_model()
    sentence_id = model.meta.get("id", "sentences") if model else "no-sentences"
    return {"pipeline": f"{PIPELINE_NAME}/{PIPELINE_RELEASE}+{learned.get('id', 'untrained')}"
                        f"+{tagger_id}+{sentence_id}",
            "drugs": drugs.terminology, "events": events.terminology}


def _clean(text: str) -> str:
    # Blank out HTML tags with spaces of the same length so offsets still point into the
    # original text; entities and emoji are left alone (the tokenizer copes with them).
    return _TAG.sub(lambda m: " " * len(m.group()), text) if "<" in text else text


_UNCODED_EVENT = {"code": None, "term": None, "llt": None, "llt_code": None, "pt": None,
                  "pt_code": None, "hlt": None, "hlt_code": None, "hlgt": None, "hlgt_code": None,
                  "soc": None, "soc_code": None}


@functools.cache
def _drug_fields(key: str) -> dict:
    drugs_dict = default_drugs()
    concept = drugs_dict.lookup(key)[0]
    return {"kind": "drug", "code": concept["code"], "term": concept["name"],
            "drug_kind": concept["kind"], "brand": concept["brand"],
            "drugbank_id": concept.get("drugbank_id"),
            "ingredients": [{"code": c, "term": drugs_dict.concepts[c]["name"]}
                            for c in concept.get("ingredients", []) if c in drugs_dict.concepts],
            "terminology": drugs_dict.meta["name"],
            "terminology_version": drugs_dict.meta["version"]}


@functools.lru_cache(maxsize=200_000)
def _event_fields(key: str | None) -> dict:
    events_dict = default_events()
    if key is None:  # a tagged span no dictionary phrase covers: left for the reviewer to code
        return {"kind": "event", **_UNCODED_EVENT, "terminology": events_dict.meta["name"],
                "terminology_version": events_dict.meta["version"]}
    pt_code, llt_text, source, llt_code = _matcher().event_table[key]
    coded = events_dict.code(pt_code, llt_text if source != "learned" else None, llt_code)
    return {"kind": "event", "code": pt_code, "term": coded["pt"], **coded}


# A mention dict is a copy of a per-key template with its keys already in output order (one
# C-level copy instead of a merge of three dicts); the placeholders are overwritten. An event's
# template holds its context keys too (in `assign_context`'s order), so filling them in does
# not grow the copy.
_CONTEXT_KEYS = {"negated": False, "hypothetical": False, "historical": False, "family": False,
                 "withdrawal": False, "role": ""}
_TEMPLATES_MAX = 200_000
_drug_templates: dict[str, dict] = {}
_event_templates: dict[str | None, dict] = {}


def _drug_template(key: str) -> dict:
    template = _drug_templates.get(key)
    if template is None:
        template = {"start": 0, "end": 0, "text": "", **_drug_fields(key), "fuzzy": False}
        if len(_drug_templates) < _TEMPLATES_MAX:
            _drug_templates[key] = template
    return template


def _event_template(key: str | None) -> dict:
    template = _event_templates.get(key)
    if template is None:
        template = {"start": 0, "end": 0, "text": "", **_event_fields(key), **_CONTEXT_KEYS,
                    "fuzzy": False}
        if len(_event_templates) < _TEMPLATES_MAX:
            _event_templates[key] = template
    return template


def _mentions(doc) -> tuple[list[dict], list[int]]:
    pv = doc.user_data["pv"]
    starts, tok_starts, tok_ends = pv["sentence_starts"], pv["starts"], pv["ends"]
    # doc.text is rebuilt on every access in spaCy: use the text we were given.
    text = doc.user_data["text"]
    found: list[tuple[int, dict, int]] = []
    for a, b, key, fuzzy in pv["drugs"]:
        start, end = tok_starts[a], tok_ends[b - 1]
        m = _drug_template(key).copy()
        m["start"], m["end"], m["text"], m["fuzzy"] = start, end, text[start:end], fuzzy
        ingredients = m["ingredients"]  # each result gets its own copies (and its own [])
        m["ingredients"] = [dict(i) for i in ingredients] if ingredients else []
        found.append((start, m, bisect.bisect_right(starts, a) - 1))
    for (a, b, key, fuzzy, _label), ctx in zip(pv["events"], pv["context"], strict=True):
        start, end = tok_starts[a], tok_ends[b - 1]
        m = _event_template(key).copy()
        m["start"], m["end"], m["text"] = start, end, text[start:end]
        m.update(ctx)
        m["fuzzy"] = fuzzy
        if _label == "SE":
            m["unspecified"] = True
        found.append((start, m, bisect.bisect_right(starts, a) - 1))
    found.sort(key=itemgetter(0))
    return [m for _, m, _ in found], [s for _, _, s in found]


def evidence_sentences(pv: dict) -> set[int]:
    """Sentences holding ADR evidence: an event the pipeline reports as the patient's own
    reaction (not negated, hypothetical, historical, someone else's or a withdrawal symptom;
    "side effects" included) that the tagger did not label a withdrawal span."""
    found = _sentences_of(pv["sentence_starts"], [
        event for event, ctx in zip(pv["events"], pv["context"], strict=True)
        if event[4] != "WD" and not ctx["withdrawal"] and is_own_reaction(ctx)])
    found.discard(-1)
    return found


def sentence_units(doc) -> tuple:
    """(norms, sentences, mention evidence per sentence, highest tagger P(ADR) per sentence):
    the input of the sentence classifier for one text."""
    pv = doc.user_data["pv"]
    sentences = pv["sentences"]
    evidence = evidence_sentences(pv)
    flags = [s in evidence for s in range(len(sentences))]
    p_adr = pv.get("p_adr")
    p_max = [max(p_adr[a:b]) for a, b in sentences] if p_adr else [0.0] * len(sentences)
    norms = pv["norms"]
    if pv["drugs"]:  # a drug's name says nothing about the sentence: one placeholder for all
        norms = list(norms)
        for a, b, *_ in pv["drugs"]:
            norms[a:b] = [DRUG_WORD] * (b - a)
    return norms, sentences, flags, p_max


def adr_scores(units: list[tuple]) -> list[float]:
    """Reference path (training): per text, its highest sentence-level ADR probability
    (without a trained sentence model: 1.0 when some sentence holds ADR evidence, else 0.0)."""
    model = _sentence_model()
    if model is None:
        return [1.0 if any(flags) else 0.0 for _, _, flags, _ in units]
    return [max(s, default=0.0) for s in model.scores(units)]


def adr_score(doc) -> float:
    """A text's highest sentence-level ADR probability (fast path: the n-gram and P(ADR)
    part was computed with the tagger batch; only the mention evidence is added here).
    Without a sentence model or tagger: 1.0 when some sentence holds ADR evidence, else 0.0."""
    pv = doc.user_data["pv"]
    partial = pv.get("sentence_z")
    model = _sentence_model()
    evidence = evidence_sentences(pv)
    if partial is None or model is None:
        return 1.0 if evidence else 0.0
    if not partial:
        return 0.0
    # The sigmoid is monotone: the best sentence is the one with the highest logit.
    no, yes = model.mention_logits
    z = list(partial)
    for s in evidence:
        z[s] = partial[s] + yes - no
    return model.sigmoid(max(z) + no)


def adr_threshold() -> float:
    model = _sentence_model()
    return model.threshold if model is not None else 0.5


def screen_docs(items: list[dict], docs) -> Iterator[dict]:
    threshold = adr_threshold()
    version = pipeline_version()["pipeline"]
    for item, doc in zip(items, docs, strict=True):
        mentions, sentence_of = _mentions(doc)
        score = adr_score(doc)
        pairs = pair_mentions(mentions, sentence_of)
        verdict = assess(doc.user_data["text"], mentions, pairs, profile=item.get("profile"),
                         reporter_known=item.get("reporter_known", True),
                         words=doc.user_data["pv"]["norms"])
        yield {"id": item.get("id"), **verdict, "adr": score >= threshold,
               "adr_score": round(score, 4),
               "mentions": mentions, "pairs": pairs,
               "pipeline_version": version}


def screen_texts(items: Iterable[dict], *, batch_size: int = 256) -> Iterator[dict]:
    """Screen forum posts / reports. Lazily yields one result per input item, in order.

    Item: {"id", "text", "profile": {"age"|"birth_year"|"sex"...} (optional),
           "reporter_known": bool (default True: a registered member can be contacted),
           "about_drug": the name of the drug the text is about (a drug-review thread) or
           true (about some drug, PsyTAR's reviews) (optional: unattributed events count
           as reactions; a named drug's indications decide indication vs reaction)}.
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


class _Text:
    """A text on its way through the pv components in `_run`. They only use `user_data`, and
    the tokens come from `TextAnalyser`, so no spaCy Doc is built (a fifth of the time)."""

    __slots__ = ("user_data",)

    def __init__(self, user_data: dict) -> None:
        self.user_data = user_data


@functools.cache
def _text_analyser(nlp: Language) -> TextAnalyser:
    return TextAnalyser(nlp.tokenizer)


def _run(nlp: Language, batch: list[dict]) -> Iterator[dict]:
    # The cyclic garbage collector would run dozens of times per batch over the many small
    # dicts made here (and they hold no cycles): pause it while a batch is computed (about
    # 12 % faster), then hand the results out with it back on.
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        # The batch's working data is freed when `_screen_batch` returns, before the collector
        # is back on: its next collection then looks at the results only.
        results = _screen_batch(nlp, batch)
    finally:
        if paused:
            gc.enable()
    yield from results


def _screen_batch(nlp: Language, batch: list[dict]) -> list[dict]:
    analyse_text = _text_analyser(nlp)
    docs = []
    for item in batch:
        text = _clean(str(item.get("text") or ""))
        about = item.get("about_drug")
        about = about.strip() if isinstance(about, str) else bool(about)
        docs.append(_Text({"text": text, "about_drug": about,
                           "tokens": analyse_text(text)}))
    for _, proc in nlp.pipeline:
        if hasattr(proc, "pipe"):
            docs = list(proc.pipe(docs, batch_size=len(docs)))
        else:
            docs = [proc(doc) for doc in docs]
    return list(screen_docs(batch, docs))
