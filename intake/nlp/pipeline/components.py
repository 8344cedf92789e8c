"""The pv spaCy components (`pv_mentions` -> `pv_tagger` -> `pv_context`) and the screening
pipeline built from them."""

from __future__ import annotations

import bisect
import functools
import gc
import math
from itertools import pairwise, repeat

import spacy
from spacy.language import Language

from coding.nlp.dictionaries import default_drugs, default_events
from coding.nlp.text import split_glued
from intake.nlp.context import CONTEXT_WORDS, NEGATIONS, assign_context
from intake.nlp.matchers import Matcher, positions
from intake.nlp.pipeline.extents import annotated_extents, sentence_around
from intake.nlp.pipeline.models import _matcher, _sentence_model, _tagger, load_learned
from intake.nlp.pipeline.scope import drug_scope, treated_flags
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
from intake.nlp.tokens import analyse

# Chosen on the PsyTAR dev split: below this tagger P(ADR) (the CRF's marginal), a
# dictionary-only event is not taken as a reaction.
LEXICON_MIN_P_ADR = 0.05
# Below this P(ADR) a dictionary event with a drug in scope is `DOUBT`: no reaction without a
# strong cue (intake/nlp/context/). Chosen on the dev sets forum_a / forum_c (docs/screening.md,
# 2.9 precision).
IN_SCOPE_MIN_P_ADR = 0.1
# How far (tokens) a dictionary event's CRF extent may reach beyond it, each side.
EXTENT_REACH = 4


@Language.factory("pv_mentions")
def _make_mentions(nlp: Language, name: str):
    return MentionsComponent(_matcher())


@Language.factory("pv_tagger")
def _make_tagger(nlp: Language, name: str):
    return TaggerComponent(_tagger(), _matcher())


@Language.factory("pv_context")
def _make_context(nlp: Language, name: str):
    return ContextComponent(load_learned().get("indication_prior", {}))


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


def _within_sentences(spans: list[tuple], starts: list[int], p_adr: list[float]
                      ) -> list[tuple]:
    """Tagged spans cut where a sentence starts inside them: the tagger reads a post as one
    sequence, but a span never runs over a full stop or a line break ("heels ache / - tired
    all the time" is two events)."""
    if len(starts) < 2:
        return spans
    out = []
    for a, b, label, p in spans:
        k = bisect.bisect_right(starts, a)
        if k == len(starts) or starts[k] >= b:
            out.append((a, b, label, p))  # most spans: within one sentence
            continue
        for x, y in pairwise([a, *(q for q in starts[k:] if q < b), b]):
            out.append((x, y, label, sum(p_adr[x:y]) / (y - x)))
    return out


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
                pv["events"] = self._merge(pv, _within_sentences(
                    spans, pv["sentence_starts"], p_adr))
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
            drug_sentences=drug_scope(pv, about), treated=treated_flags(pv, about),
            drug_positions=pv["drug_positions"])
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
