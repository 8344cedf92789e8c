"""Dictionary reads: which versions exist, which is active, and the in-memory object for one.

`dictionary_object` turns a row into the pure core's `DrugDictionary` / `EventDictionary`
(builtin defaults from the package, licensed ones from their stored artefact), loaded once per
process and artefact.
"""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet

from coding.models import Dictionary
from coding.nlp import (
    DrugDictionary,
    EventDictionary,
    default_drugs,
    default_events,
    search,
    suggest_drugs,
    suggest_events,
)
from pv.core.exceptions import DomainError, NotFound


def dictionary_dir() -> Path:
    configured = getattr(settings, "PV_DICTIONARY_DIR", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "dictionaries"


def dictionary_list() -> QuerySet[Dictionary]:
    from coding.services import dictionary_ensure_defaults  # noqa: PLC0415 (first use)

    dictionary_ensure_defaults()
    return Dictionary.objects.select_related("loaded_by").order_by("kind", "-loaded_at")


def dictionary_get(*, dictionary_id) -> Dictionary:
    dictionary = Dictionary.objects.filter(id=dictionary_id).first()
    if dictionary is None:
        raise NotFound("Dictionary not found.")
    return dictionary


def dictionary_get_active(*, kind: str) -> Dictionary:
    """The active dictionary of `kind`; registers the open defaults on first use."""
    if kind not in Dictionary.Kind.values:
        raise DomainError("kind must be 'drug' or 'event'.", code="invalid")
    active = Dictionary.objects.filter(kind=kind, is_active=True).first()
    if active is None:
        from coding.services import dictionary_ensure_defaults  # noqa: PLC0415

        dictionary_ensure_defaults()
        active = Dictionary.objects.get(kind=kind, is_active=True)
    return active


@functools.lru_cache(maxsize=8)
def _artefact_object(path: str, mtime: float) -> DrugDictionary | EventDictionary:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        raw = json.load(fh)
    if raw["kind"] == Dictionary.Kind.DRUG:
        return DrugDictionary.from_raw(raw)
    return EventDictionary(
        meta=raw["meta"],
        llts=raw["llts"],
        names=raw["names"],
        paths=raw.get("paths", {}),
        parents=raw.get("parents", {}),
        root=raw.get("root", ""),
        smqs=raw.get("smqs", {}),
    )


def dictionary_object(*, dictionary: Dictionary) -> DrugDictionary | EventDictionary:
    if dictionary.is_builtin:
        return default_drugs() if dictionary.kind == Dictionary.Kind.DRUG else default_events()
    path = dictionary_dir() / dictionary.artefact
    if not path.exists():
        raise DomainError(
            f"The stored file for {dictionary} is missing; load the dictionary again.",
            code="dictionary_missing",
            extra={"dictionary": str(dictionary.id)},
        )
    return _artefact_object(str(path), path.stat().st_mtime)


def event_mapping_target() -> EventDictionary | None:
    """The licensed event terminology screening codes to, when one is active (MedDRA); None
    while the open default is active (screening's own coding is then final)."""
    active = Dictionary.objects.filter(kind=Dictionary.Kind.EVENT, is_active=True).first()
    if active is None or active.is_builtin:
        return None
    obj = dictionary_object(dictionary=active)
    return obj if isinstance(obj, EventDictionary) else None


@functools.lru_cache(maxsize=4096)
def _suggest_cached(dictionary_key: str, kind: str, text: str, limit: int) -> tuple:
    obj = _objects_by_key[dictionary_key]
    found = suggest_drugs if kind == Dictionary.Kind.DRUG else suggest_events
    return tuple(found(text, dictionary=obj, limit=limit))  # type: ignore[arg-type]


_objects_by_key: dict[str, DrugDictionary | EventDictionary] = {}


def coding_suggestions(
    *, kind: str, text: str, dictionary: Dictionary | None = None, limit: int = 5
) -> list[dict]:
    """Top `limit` candidate concepts for a mention's text, with scores, best first.

    Computed on read against the active dictionary (fuzzy matching is ~0.1 s per text, too slow
    to run for every mention at screening time) and cached per process.
    """
    dictionary = dictionary or dictionary_get_active(kind=kind)
    key = f"{dictionary.id}:{dictionary.loaded_at.timestamp()}"
    if key not in _objects_by_key:
        _objects_by_key[key] = dictionary_object(dictionary=dictionary)
    return [dict(s) for s in _suggest_cached(key, kind, text.strip().lower()[:500], limit)]


def dictionary_search(
    *, query: str, kind: str, dictionary: Dictionary | None = None, limit: int = 20
) -> tuple[Dictionary, list[dict]]:
    dictionary = dictionary or dictionary_get_active(kind=kind)
    if dictionary.kind != kind:
        raise DomainError("That dictionary is of another kind.", code="invalid")
    return dictionary, search(
        query, kind=kind, limit=limit, dictionary=dictionary_object(dictionary=dictionary)
    )


def concept_get(*, dictionary: Dictionary, code: str) -> dict:
    """The full coding of one concept by code (drug concept; event PT or LLT code)."""
    obj = dictionary_object(dictionary=dictionary)
    if isinstance(obj, DrugDictionary):
        concept = obj.concepts.get(code)
        if concept is None:
            raise NotFound(f"No drug concept {code!r} in {dictionary}.", code="unknown_code")
        ingredients = [
            {"code": c, "term": obj.concepts[c]["name"]}
            for c in concept.get("ingredients", [])
            if c in obj.concepts
        ]
        return {
            "code": concept["code"],
            "term": concept["name"],
            "details": {
                "drug_kind": concept.get("kind", ""),
                "drugbank_id": concept.get("drugbank_id"),
                "ingredients": ingredients,
            },
            "terminology": obj.meta["name"],
            "terminology_version": obj.meta["version"],
        }
    if code in obj.names and (code in obj.paths or code in obj.parents or code in _pt_codes(obj)):
        return {"code": code, "term": obj.names[code], **obj.code(code)}
    for pt_code, llt_text, _source, llt_code in obj.llts.values():
        if llt_code == code:
            return {
                "code": pt_code,
                "term": obj.names.get(pt_code, pt_code),
                **obj.code(pt_code, llt_text, llt_code),
            }
    raise NotFound(f"No event term {code!r} in {dictionary}.", code="unknown_code")


_PT_CODES: dict[int, frozenset[str]] = {}


def _pt_codes(obj: EventDictionary) -> frozenset[str]:
    # Dictionary objects live for the whole process (cached above), so id() is a stable key.
    codes = _PT_CODES.get(id(obj))
    if codes is None:
        codes = _PT_CODES[id(obj)] = frozenset(v[0] for v in obj.llts.values())
    return codes
