"""Mention assembly: the result dicts of a text's drug and event mentions, copied from
per-key templates holding their dictionary fields."""

from __future__ import annotations

import bisect
import functools
from operator import itemgetter

from coding.nlp.dictionaries import default_drugs, default_events
from intake.nlp.pipeline.models import _matcher

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
