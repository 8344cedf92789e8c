"""Map an event coded in pv's open terminology to a licensed terminology (MedDRA) the user loaded.

Screening finds events with the open, MedDRA-shaped terminology (its lay lexicon and synonyms
are what make forum language findable). When a licensed MedDRA release is active, each coded
event is carried over to a current MedDRA LLT by the words that led to it, most specific first:

1. the member's own words (the mention text) as an LLT name ("exact");
2. the open LLT the mention was reached by, then the open PT's name ("term");
3. every other open synonym of the same PT ("synonym"), longest first;
4. a guarded fuzzy match of those phrases against current LLT names ("fuzzy", score >= 92,
   phrases of 5+ characters, so "rash" never lands on "crash").

Non-current LLTs are never chosen for new coding. The result keeps how it was reached, so a
reviewer can see and correct the mapping. Pure module: no Django.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from coding.nlp.dictionaries import EventDictionary
from coding.nlp.text import norm_phrase

FUZZY_CUTOFF = 92.0
FUZZY_MIN_CHARS = 5


# Indexes per dictionary object. Dictionary objects live for the whole process (they are cached
# by their loaders), so id() is a stable key; the object is kept alongside so it cannot be
# collected and its id reused.
_SYNONYMS: dict[int, tuple[EventDictionary, dict[str, list[str]]]] = {}
_CURRENT: dict[int, tuple[EventDictionary, list[str], list[list]]] = {}


def _synonyms_by_pt(source: EventDictionary) -> dict[str, list[str]]:
    cached = _SYNONYMS.get(id(source))
    if cached is None or cached[0] is not source:
        index: dict[str, list[str]] = {}
        for key, (pt_code, _text, _src, _llt) in source.llts.items():
            index.setdefault(pt_code, []).append(key)
        for keys in index.values():
            keys.sort(key=lambda k: (-len(k), k))
        cached = _SYNONYMS[id(source)] = (source, index)
    return cached[1]


def _current_llts(target: EventDictionary) -> tuple[list[str], list[list]]:
    cached = _CURRENT.get(id(target))
    if cached is None or cached[0] is not target:
        keys = [k for k, v in target.llts.items() if v[2] == "llt"]
        cached = _CURRENT[id(target)] = (target, keys, [target.llts[k] for k in keys])
    return cached[1], cached[2]


def _current(target: EventDictionary, key: str) -> list | None:
    row = target.llts.get(key)
    return row if row is not None and row[2] == "llt" else None


def candidate_phrases(coding: dict, text: str, source: EventDictionary) -> list[tuple[str, str]]:
    """(method, normalised phrase) in the order they are tried, without repeats."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []

    def add(method: str, phrase: str) -> None:
        key = norm_phrase(phrase) if phrase else ""
        if key and key not in seen:
            seen.add(key)
            out.append((method, key))

    add("exact", text)
    add("term", coding.get("llt") or "")
    add("term", coding.get("pt") or coding.get("term") or "")
    for key in _synonyms_by_pt(source).get(coding.get("pt_code") or coding.get("code") or "", []):
        add("synonym", key)
    return out


def map_event(
    coding: dict, text: str, *, source: EventDictionary, target: EventDictionary
) -> dict | None:
    """The target terminology's coding for an event coded in `source`, or None.

    `coding` holds the source coding (code/pt_code, llt, pt); `text` is the mention's words.
    The result is `target.code(...)` plus `mapping`: method, the phrase that matched, the fuzzy
    score, and the source code and terminology it came from.
    """
    phrases = candidate_phrases(coding, text, source)
    for method, phrase in phrases:
        row = _current(target, phrase)
        if row is not None:
            return _result(target, row, coding, source, method=method, via=phrase, score=100.0)
    keys, rows = _current_llts(target)
    best = None
    for _method, phrase in phrases:
        if len(phrase) < FUZZY_MIN_CHARS:
            continue
        hit = process.extractOne(
            phrase, keys, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_CUTOFF
        )
        if hit is not None and (best is None or hit[1] > best[1]):
            best = (phrase, hit[1], rows[hit[2]])
    if best is None:
        return None
    phrase, score, row = best
    return _result(target, row, coding, source, method="fuzzy", via=phrase, score=float(score))


def _result(target, row, coding, source, *, method: str, via: str, score: float) -> dict:
    pt_code, llt_text, _src, llt_code = row
    out = target.code(pt_code, llt_text, llt_code)
    out["code"], out["term"] = llt_code, llt_text
    out["mapping"] = {
        "method": method,
        "via": via,
        "score": round(score, 1),
        "from_code": coding.get("code") or coding.get("pt_code") or "",
        "from_term": coding.get("term") or coding.get("pt") or "",
        "from_terminology": f"{source.meta['name']} {source.meta['version']}",
    }
    return out


def recode_llt(
    llt_code: str, llt_text: str, *, old: EventDictionary, new: EventDictionary
) -> dict | None:
    """How an LLT coded under `old` reads under `new` (a version upgrade), or None if unchanged.

    An LLT still current under the same PT and path is unchanged. One that moved to another PT
    (or whose PT's primary path changed) keeps its code with the new hierarchy ("moved"). One
    made non-current, or gone, is recoded by its words to a current LLT ("noncurrent"/"gone"),
    or flagged for a reviewer when nothing matches (`code` empty, method "unmapped").
    """
    by_code = {v[3]: v for v in new.llts.values()}
    before = next((v for v in old.llts.values() if v[3] == llt_code), None)
    now = by_code.get(llt_code)
    if now is not None and now[2] == "llt":
        if before is not None and before[0] == now[0] and old.path(now[0]) == new.path(now[0]):
            return None
        out = new.code(now[0], now[1], now[3])
        out["code"], out["term"] = now[3], now[1]
        out["mapping"] = {
            "method": "moved",
            "via": llt_text,
            "score": 100.0,
            "from_code": llt_code,
            "from_term": llt_text,
            "from_terminology": f"{old.meta['name']} {old.meta['version']}",
        }
        return out
    reason = "noncurrent" if now is not None else "gone"
    coding = {
        "code": before[0] if before else "",
        "pt_code": before[0] if before else "",
        "llt": llt_text,
        "pt": old.names.get(before[0], "") if before else "",
    }
    mapped = map_event(coding, llt_text, source=old, target=new)
    if mapped is None:
        return {
            "code": "",
            "mapping": {
                "method": "unmapped",
                "reason": reason,
                "from_code": llt_code,
                "from_term": llt_text,
            },
        }
    mapped["mapping"]["reason"] = reason
    return mapped
