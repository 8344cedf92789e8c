"""Coding suggestions and fuzzy dictionary search (rapidfuzz), plain data in and out.

`suggest_events` / `suggest_drugs` give the top candidates for one mention (the reviewer picks or
overrides); `search` backs the dictionary search endpoint. Both work on any dictionary object
from `coding.nlp.dictionaries` or `coding.nlp.loaders`, defaulting to the embedded open ones.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process, utils

from coding.nlp.dictionaries import (
    DrugDictionary,
    EventDictionary,
    default_drugs,
    default_events,
)
from coding.nlp.text import norm_phrase

_KEYS: dict[int, list[str]] = {}


def _keys(table: dict) -> list[str]:
    # Dictionaries live for the whole process, so caching their key lists by id is safe.
    keys = _KEYS.get(id(table))
    if keys is None:
        keys = _KEYS[id(table)] = list(table)
    return keys


def _candidates(query: str, table: dict, limit: int) -> list[tuple[str, float]]:
    norm = norm_phrase(query)
    if not norm:
        return []
    hits: dict[str, float] = {}
    if norm in table:
        hits[norm] = 100.0
    # WRatio copes with word order and partial phrases ("pain in my back" ~ "back pain").
    for key, score, _ in process.extract(norm, _keys(table), scorer=fuzz.WRatio,
                                         processor=utils.default_process, limit=limit * 8,
                                         score_cutoff=50):
        # Prefer whole-string similarity so "pain" ranks "pain" above "back pain".
        score = 0.6 * score + 0.4 * fuzz.ratio(norm, key)
        hits[key] = max(hits.get(key, 0.0), score)
    return sorted(hits.items(), key=lambda kv: (-kv[1], len(kv[0])))


def suggest_events(text: str, *, dictionary: EventDictionary | None = None,
                   limit: int = 5) -> list[dict]:
    """Top `limit` PT candidates for an event mention, best first, one per PT.

    Each: the five-level coding (`llt`, `pt`, `pt_code`, ..., `soc`), `terminology`,
    `terminology_version` and `score` (0-100).
    """
    ed = dictionary or default_events()
    out: list[dict] = []
    seen: set[str] = set()
    for key, score in _candidates(text, ed.llts, limit):
        pt_code, llt_text, _source, llt_code = ed.llts[key]
        if pt_code in seen:
            continue
        seen.add(pt_code)
        out.append({**ed.code(pt_code, llt_text, llt_code), "code": pt_code,
                    "term": ed.names.get(pt_code, pt_code), "score": round(score, 1)})
        if len(out) == limit:
            break
    return out


def suggest_drugs(text: str, *, dictionary: DrugDictionary | None = None,
                  limit: int = 5) -> list[dict]:
    """Top `limit` drug concepts for a drug mention, best first, one per concept.

    Each: `code`, `term` (concept name), `kind`, `drugbank_id`, `ingredients`, `brand`,
    `matched` (the dictionary name that matched), `terminology`, `terminology_version`, `score`.
    """
    dd = dictionary or default_drugs()
    out: list[dict] = []
    seen: set[str] = set()
    for key, score in _candidates(text, dd.names, limit):
        for concept in dd.lookup(key):
            if concept["code"] in seen:
                continue
            seen.add(concept["code"])
            out.append({"code": concept["code"], "term": concept["name"],
                        "kind": concept["kind"], "drugbank_id": concept.get("drugbank_id"),
                        "ingredients": concept.get("ingredients", []), "brand": concept["brand"],
                        "matched": key, "terminology": dd.meta["name"],
                        "terminology_version": dd.meta["version"], "score": round(score, 1)})
        if len(out) >= limit:
            break
    return out[:limit]


def search(query: str, *, kind: str = "event", limit: int = 20,
           dictionary: EventDictionary | DrugDictionary | None = None) -> list[dict]:
    """Fuzzy dictionary search for the search endpoint: `kind` is "event" or "drug"."""
    if kind == "event":
        return suggest_events(query, dictionary=dictionary, limit=limit)  # type: ignore[arg-type]
    if kind == "drug":
        return suggest_drugs(query, dictionary=dictionary, limit=limit)  # type: ignore[arg-type]
    raise ValueError(f"unknown dictionary kind {kind!r} (expected 'event' or 'drug')")
