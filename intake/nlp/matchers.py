"""Drug and event mention finding over normalised tokens (no Django, no models to download).

Exact matching is a longest-match lookup of token n-grams in the dictionaries' name tables,
which costs a few dict probes per token. Fuzzy matching (rapidfuzz) only looks at tokens that
are not ordinary English words, and its results are cached per token, so misspellings cost
once per process rather than once per post.
"""

from __future__ import annotations

import bisect
from collections import defaultdict

from rapidfuzz import fuzz, process

from coding.nlp.dictionaries import DrugDictionary, EventDictionary, starts_a_name
from coding.nlp.text import FORM_WORDS
from intake.nlp.drug_context import (
    extend_name,
    is_reading,
    names_no_product,
    taken_here,
    trim_form,
)

# Words put in front of an event that belong to the patient's description of it
# ("extreme fatigue", "a bit of nausea"): annotators include them, so spans do too.
_MODIFIER_WORDS = """
extreme extremely severe severely slight slightly mild mildly very terrible terribly horrible
horribly major intense intensely bad really constant constantly excessive significant profuse
heavy awful little bit lot lots occasional frequent chronic persistent huge massive strange
weird crazy insane minor serious sudden random uncontrollable unbearable horrendous horrific
increased decreased incredible incredibly unbelievable super so such some a of noticeable
moderate debilitating crippling painful annoying nasty violent tremendous total complete
absolute absolutely sever severly extream greatly almost seriously always general big pretty
"""
MODIFIERS = frozenset(_MODIFIER_WORDS.split())
# Words after an event that annotators keep in the span ("anxiety worsened").
TRAILERS = frozenset({"worse", "worsened", "worsening", "increased", "increasing", "returned"})
_BAD_SPAN_START = frozenset({"of", "so", "such", "a"})
# Tokens that may stand between the fuzzy candidate and a drug (and never are drugs).
_MIN_FUZZY_DRUG_LEN = 5
_MIN_FUZZY_EVENT_LEN = 6
_MAX_PLAIN = 1_000_000


def _pool(buckets: dict[str, list[str]], pools: dict[tuple[str, int], list[str]], tok: str,
          cutoff: int, max_diff: int = 99) -> list[str]:
    """The names of a first-letter bucket whose length allows fuzz.ratio >= cutoff with `tok`
    (2 * min / (sum of lengths) bounds the ratio) and differs by at most `max_diff` letters:
    far fewer comparisons."""
    key = (tok[0], len(tok))
    pool = pools.get(key)
    if pool is None:
        share = cutoff / 100
        low = max(len(tok) * share / (2 - share), len(tok) - max_diff)
        high = min(len(tok) * (2 - share) / share, len(tok) + max_diff)
        pool = pools[key] = [n for n in buckets.get(tok[0], ()) if low <= len(n) <= high]
    return pool


def _follow(names) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for name in names:
        parts = name.split(" ")
        if len(parts) > 1:
            out[parts[0]].add(parts[1])
    return {k: frozenset(v) for k, v in out.items()}


def _prefixes(names) -> frozenset[str]:
    """Every proper word prefix of the multi-word names ("hair falling" of "hair falling
    out"): a match extends token by token while it is still a prefix."""
    out = set()
    for name in names:
        parts = name.split(" ")
        for k in range(1, len(parts)):
            out.add(" ".join(parts[:k]))
    return frozenset(out)


def _longest_phrase(norms: list[str], i: int, limit: int, table: dict, prefixes: frozenset[str]
                    ) -> tuple[int, int, str, bool] | None:
    """The longest `table` phrase starting at `norms[i]` and ending by `limit` (exclusive), as
    a hit (i, end, phrase, False), or None. The walk goes on while the words so far are a
    prefix of a longer phrase (`_prefixes`): one set probe per token for most tokens."""
    key, j = norms[i], i + 1
    hit = (i, j, key, False) if key in table else None
    while key in prefixes and j < limit:
        key = key + " " + norms[j]
        j += 1
        if key in table:
            hit = (i, j, key, False)
    return hit


def positions(mentions: list[tuple]) -> set[int]:
    """The norm positions the (start, end, ...) mentions cover."""
    return {p for m in mentions for p in range(m[0], m[1])}


class Matcher:
    """Finds drug and event mentions in a normalised token sequence."""

    def __init__(self, drugs: DrugDictionary, events: EventDictionary, english: frozenset[str],
                 learned: dict | None = None, common: frozenset[str] = frozenset()) -> None:
        learned = learned or {}
        # Frequent English words: the fuzzy drug guard (a misspelt "cholestrol" is closer to
        # "cholesterol" than to any drug, so it stays a word).
        self.common = common - set(drugs.names)
        self._common_first: dict[str, list[str]] = defaultdict(list)
        for word in sorted(self.common):
            self._common_first[word[0]].append(word)
        self._common_pools: dict[tuple[str, int], list[str]] = {}
        self.drugs = drugs
        self.events = events
        self.english = english | frozenset(learned.get("forum_words", ()))
        blocked = set(learned.get("blocked", ()))
        # Event phrase table: dictionary LLTs minus phrases that training found to be noise,
        # plus phrases learned from annotated posts ([pt_code, surface, "learned", pt_code]).
        # Catalogue names in inverted form ("sweating , decreased") are left out: in a post
        # the comma separates two list items ("sweating , decreased appetite").
        self.event_table: dict[str, list] = {k: v for k, v in events.llts.items()
                                             if k not in blocked and " , " not in k}
        for phrase, pt in learned.get("phrases", {}).items():
            self.event_table.setdefault(phrase, [pt, phrase, "learned", pt])
        # Phrases with a number ("lost 10 lbs", "gained 20 pounds") match any number: texts
        # are looked up with each number token read as "#".
        for key, value in list(self.event_table.items()):
            parts = key.split(" ")
            if len(parts) > 1 and any(p.isdigit() for p in parts) and not all(
                    p.isdigit() for p in parts):
                generic = " ".join("#" if p.isdigit() else p for p in parts)
                self.event_table.setdefault(generic, [value[0], generic.replace("#", "N"),
                                                      value[2], value[3]])
        self.event_first: dict[str, int] = defaultdict(int)
        for key in self.event_table:
            parts = key.split(" ")
            self.event_first[parts[0]] = max(self.event_first[parts[0]], len(parts))
        self.drug_first = drugs._first_words
        # Context rules (intake/nlp/drug_context.py): names that are a product only where the
        # post takes them, names that read as a lab value before a reading, and the one-word
        # names an event phrase starting with them outruns ("insulin resistance").
        self._context_only = frozenset(drugs.context_only)
        self._readings = frozenset(drugs.readings)
        self._values = frozenset(drugs.values)
        self._yields = self._context_only | self._readings | {
            k for k, v in drugs.names.items() if " " not in k
            and any(code.startswith("class:") for code, _ in v)}
        # Fuzzy targets: single-word names of real drugs and classes, bucketed by first letter
        # (2.9: also the brands and generics the source knows by MeSH or MedlinePlus only:
        # alendronate, Dysport, Combivent; the rare UNII brands stay exact-only).
        self._fuzzy_drugs: dict[str, list[str]] = defaultdict(list)
        exact_only = frozenset(drugs.exact_only)
        for name, entries in drugs.names.items():
            if " " in name or len(name) < _MIN_FUZZY_DRUG_LEN or not name.isalpha() \
                    or name in exact_only:
                continue
            if any(drugs.concepts.get(code, {}).get("kind") != "product" for code, _ in entries):
                self._fuzzy_drugs[name[0]].append(name)
        self._fuzzy_events: dict[str, list[str]] = defaultdict(list)
        for name, value in self.event_table.items():
            if " " not in name and len(name) >= _MIN_FUZZY_EVENT_LEN and value[2] in (
                    "lay", "label", "layperson", "learned"):
                self._fuzzy_events[name[0]].append(name)
        self._event_prefixes = _prefixes(self.event_table)
        self._drug_prefixes = _prefixes(drugs.names)
        # First word -> the words that can follow it in a multi-word name: a token is only
        # looked at when it is a whole name, a fuzzy candidate, or its next word fits.
        self._event_follow = _follow(self.event_table)
        self._drug_follow = _follow(k for k in drugs.names if starts_a_name(k.split(" ")[0]))
        # Tokens that can never match on their own (not a single-word name, no fuzzy match):
        # skipped unless the next word continues a name. Grows as tokens are seen (bounded).
        self._not_drug: set[str] = set()
        self._not_event: set[str] = set()
        # The plain tokens that start no multi-word name either: never looked at.
        self._alone_drug: set[str] = set()
        self._alone_event: set[str] = set()
        self._drug_cache: dict[str, str | None] = {}
        self._drug_pools: dict[tuple[str, int], list[str]] = {}
        self._event_pools: dict[tuple[str, int], list[str]] = {}
        self._event_cache: dict[str, str | None] = {}

    def find_mentions(self, norms: list[str], text: str, starts: list[int], ends: list[int]
                      ) -> tuple[list[tuple[int, int, str, bool]], set[int],
                                 list[tuple[int, int, str, bool]]]:
        """(drugs, the positions they cover, events outside them): drugs are found first, so
        "lexapro" is never an event word."""
        drugs = self.find_drugs(norms, text, starts, ends)
        taken = positions(drugs)
        return drugs, taken, self.find_events(norms, taken)

    # -- drugs -------------------------------------------------------------------------------
    def find_drugs(self, norms: list[str], text: str, starts: list[int],
                   ends: list[int]) -> list[tuple[int, int, str, bool]]:
        """[(first, last+1, matched name, fuzzy)] over positions in `norms`.

        Only tokens that start a dictionary name or are fuzzy candidates (not English, not an
        event word, alphabetic, long enough) are looked at: one list comprehension finds them.
        """
        out: list[tuple[int, int, str, bool]] = []
        if not norms:
            return out
        names, first, plain = self.drugs.names, self.drug_first, self._not_drug
        prefixes = self._drug_prefixes
        n = len(norms)
        nxt = 0
        follow, alone = self._drug_follow, self._alone_drug
        last = n - 1
        # One set probe for most tokens (`alone`: plain and starting no multi-word name).
        for i in [i for i, t in enumerate(norms) if t not in alone and (
                t not in plain or (norms[i + 1] if i < last else "") in follow[t])]:
            if i < nxt:
                continue
            tok = norms[i]
            hit = _longest_phrase(norms, i, n, names, prefixes) if tok in first else None
            if hit and hit[1] - hit[0] == 1 and tok not in self._context_only \
                    and self._guarded(tok, text[starts[i]:ends[i]]):
                hit = None
            if hit is None and len(tok) >= _MIN_FUZZY_DRUG_LEN and tok.isalpha() \
                    and tok not in self.english and tok not in self.event_table:
                name = self._fuzzy_drug(tok)
                if name:
                    hit = (i, i + 1, name, True)
            if hit:
                out.append(hit)
                nxt = hit[1]
            elif not (tok in names and tok in first) and len(plain) < _MAX_PLAIN:
                plain.add(tok)
                if tok not in follow:
                    alone.add(tok)
        return self._in_context(norms, out) if out else out

    def _in_context(self, norms: list[str], hits: list[tuple[int, int, str, bool]]
                    ) -> list[tuple[int, int, str, bool]]:
        """The hits as docs/annotation.md reads them (intake/nlp/drug_context.py): form words
        trimmed, lab readings and untaken context-only words dropped, and one-word names an
        event phrase outruns given to the event."""
        names = self.drugs.names
        hits = [trim_form(norms, h, names) if h[1] - h[0] > 1 and norms[h[1] - 1] in FORM_WORDS
                else h for h in hits]
        hits = [extend_name(norms, h, names) for h in hits
                if not names_no_product(norms, h[1])]
        yields = self._yields
        if not any(h[2] in yields for h in hits):
            return hits
        starts = {h[0] for h in hits}
        ends = {h[1] for h in hits}
        taken: set[str] = set()
        out = []
        for hit in hits:
            i, j, key, _ = hit
            if key in yields:
                if key in self._readings and is_reading(norms, i, j, key in self._values):
                    continue
                if key in self._context_only:
                    if key not in taken and not taken_here(norms, i, j, ends, starts):
                        continue
                    taken.add(key)
                if j - i == 1 and self._event_runs_on(norms, i):
                    continue
            out.append(hit)
        return out

    def _event_runs_on(self, norms: list[str], i: int) -> bool:
        """Whether an event phrase longer than one word starts at `i`."""
        hit = _longest_phrase(norms, i, len(norms), self.event_table, self._event_prefixes)
        return hit is not None and hit[1] > i + 1

    def _guarded(self, norm: str, text: str) -> bool:
        # An exact single-word drug name that is also an ordinary word ("ambien" is not,
        # "lithium" is not, "today" would be) only counts when written with a capital.
        return norm in self.english and not text[:1].isupper()

    def _fuzzy_drug(self, tok: str) -> str | None:
        if tok in self._drug_cache:
            return self._drug_cache[tok]
        name = None
        if tok not in self.common:
            # A misspelling is at most two letters longer or shorter than the name.
            best = process.extractOne(tok, _pool(self._fuzzy_drugs, self._drug_pools, tok, 84, 2),
                                      scorer=fuzz.ratio, score_cutoff=84)
            # ... and no nearer to a frequent English word than to the drug ("complainde").
            if best and not process.extractOne(
                    tok, _pool(self._common_first, self._common_pools, tok, 84, 2),
                    scorer=fuzz.ratio, score_cutoff=best[1]):
                name = best[0]
        self._drug_cache[tok] = name
        return name

    # -- events ------------------------------------------------------------------------------
    def find_events(self, norms: list[str], taken: set[int]) -> list[tuple[int, int, str, bool]]:
        """[(first, last+1, phrase key, fuzzy)]; positions in `taken` (drugs) are skipped."""
        out: list[tuple[int, int, str, bool]] = []
        if not norms:
            return out
        n = len(norms)
        if any(map(str.isdigit, norms)):
            norms = ["#" if t.isdigit() else t for t in norms]
        table, plain = self.event_table, self._not_event
        prefixes = self._event_prefixes
        taken_sorted = sorted(taken)
        nxt = 0
        follow, alone = self._event_follow, self._alone_event
        last = n - 1
        for i in [i for i, t in enumerate(norms) if t not in alone and (
                t not in plain or (norms[i + 1] if i < last else "") in follow[t])]:
            if i < nxt or i in taken:
                continue
            tok = norms[i]
            limit = n
            if taken and tok in prefixes:  # a phrase must stop before the next drug
                k = bisect.bisect_right(taken_sorted, i)
                limit = taken_sorted[k] if k < len(taken_sorted) else n
            hit = _longest_phrase(norms, i, limit, table, prefixes)
            if hit is None and len(tok) >= _MIN_FUZZY_EVENT_LEN and tok.isalpha() \
                    and tok not in self.english:
                key = self._fuzzy_event(tok)
                if key:
                    hit = (i, i + 1, key, True)
            if hit:
                start = hit[0]
                # Take in the describing words in front ("extreme fatigue").
                while start > 0 and norms[start - 1] in MODIFIERS and start - 1 not in taken \
                        and hit[0] - start < 3 and (not out or out[-1][1] <= start - 1):
                    start -= 1
                while start < hit[0] and norms[start] in _BAD_SPAN_START and not (
                        norms[start] == "a" and start + 1 < hit[0] and norms[start + 1] in (
                            "bit", "little", "lot")):
                    start += 1
                end = hit[1]
                if end < n and norms[end] in TRAILERS:
                    end += 1
                out.append((start, end, hit[2], hit[3]))
                nxt = end
            elif tok not in table and len(plain) < _MAX_PLAIN:
                plain.add(tok)
                if tok not in follow:
                    alone.add(tok)
        return out

    def _fuzzy_event(self, tok: str) -> str | None:
        if tok in self._event_cache:
            return self._event_cache[tok]
        key = None
        if tok not in self.common:  # a frequent English word is itself, not a misspelling
            best = process.extractOne(tok, _pool(self._fuzzy_events, self._event_pools, tok, 86),
                                      scorer=fuzz.ratio, score_cutoff=86)
            # ... and the same guard as for drugs (2.7): a misspelling no nearer to a frequent
            # word that is no event ("complaind" is "complained") than to the event.
            if best:
                near = process.extractOne(
                    tok, _pool(self._common_first, self._common_pools, tok, 84, 2),
                    scorer=fuzz.ratio, score_cutoff=best[1])
                if near is None or near[0] in self.event_table:
                    key = best[0]
        self._event_cache[tok] = key
        return key
