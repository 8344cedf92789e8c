"""Dictionary writes: register the open defaults, load a licensed file, switch the active one.

Loading parses the user's files with the pure core's loaders (`coding.nlp`), stores the parsed
dictionary as one gzip'd JSON artefact and records the version row, audited.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import re
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from coding.models import Dictionary
from coding.nlp import (
    DictionaryFileError,
    DrugDictionary,
    EventDictionary,
    default_drugs,
    default_events,
    load_meddra,
    load_rxnorm,
    load_whodrug,
)
from coding.nlp.mapping import map_event, recode_llt
from coding.selectors import (
    concept_get,
    dictionary_dir,
    dictionary_get_active,
    dictionary_object,
)
from pv.audit import audit_record
from pv.core.exceptions import DomainError
from pv.models import Case, CaseReaction
from pv.services.recoding import Recoded, case_reactions_recode

FORMATS_BY_KIND: dict[str, set[str]] = {
    Dictionary.Kind.EVENT: {Dictionary.Format.MEDDRA},
    Dictionary.Kind.DRUG: {Dictionary.Format.RXNORM, Dictionary.Format.WHODRUG},
}
LICENCE_NOTES: dict[str, str] = {
    Dictionary.Format.MEDDRA: "MedDRA: licensed by the MSSO; loaded from the user's own release.",
    Dictionary.Format.RXNORM: "RxNorm: NLM UMLS licence terms apply; loaded from the user's files.",
    Dictionary.Format.WHODRUG: "WHODrug: licensed by the Uppsala Monitoring Centre; loaded from "
    "the user's own export.",
}


def _counts(obj: DrugDictionary | EventDictionary) -> tuple[int, int]:
    if isinstance(obj, DrugDictionary):
        return len(obj.concepts), len(obj.names)
    return len({v[0] for v in obj.llts.values()}), len(obj.llts)


def _default_licence(obj: DrugDictionary | EventDictionary) -> str:
    meta = obj.meta
    return "\n".join(x for x in (meta.get("license", ""), meta.get("acknowledgement", "")) if x)


def dictionary_ensure_defaults() -> list[Dictionary]:
    """Register the embedded open dictionaries (idempotent; no migration needed).

    A default becomes active only when no dictionary of its kind is active yet.
    """
    rows = []
    for kind, obj in (
        (Dictionary.Kind.DRUG, default_drugs()),
        (Dictionary.Kind.EVENT, default_events()),
    ):
        meta = obj.meta
        row = Dictionary.objects.filter(
            kind=kind, terminology=meta["name"], version=meta["version"]
        ).first()
        if row is None:
            concepts, names = _counts(obj)
            try:
                with transaction.atomic():
                    row = Dictionary.objects.create(
                        kind=kind,
                        name=meta["name"],
                        terminology=meta["name"],
                        version=meta["version"],
                        format=Dictionary.Format.BUILTIN,
                        source=meta.get("source", ""),
                        licence_note=_default_licence(obj),
                        concept_count=concepts,
                        name_count=names,
                        loaded_at=timezone.now(),
                    )
            except IntegrityError:  # registered concurrently by another process
                row = Dictionary.objects.get(
                    kind=kind, terminology=meta["name"], version=meta["version"]
                )
        if not Dictionary.objects.filter(kind=kind, is_active=True).exists():
            try:
                with transaction.atomic():
                    Dictionary.objects.filter(id=row.id).update(is_active=True)
            except IntegrityError:
                pass  # another process activated one first: keep theirs
            row.refresh_from_db()
        rows.append(row)
    return rows


def _parse(*, kind: str, fmt: str, path: Path, version: str, layout: dict | None):
    allowed = FORMATS_BY_KIND.get(kind)
    if allowed is None:
        raise DomainError("kind must be 'drug' or 'event'.", code="invalid")
    if fmt not in allowed:
        raise DomainError(
            f"A {kind} dictionary is loaded with --format "
            f"{' or '.join(sorted(allowed))}, not {fmt!r}.",
            code="invalid_format",
        )
    if not path.exists():
        raise DomainError(f"{path} does not exist.", code="dictionary_file")
    if fmt == Dictionary.Format.MEDDRA:
        if not path.is_dir():
            raise DomainError(
                "MedDRA is loaded from the directory holding the .asc files.",
                code="dictionary_file",
            )
        return load_meddra(path, version=version or None)
    if fmt == Dictionary.Format.RXNORM:
        if not version:
            raise DomainError("RxNorm needs --version (e.g. the release date).", code="invalid")
        if not path.is_dir():
            raise DomainError(
                "RxNorm is loaded from the directory holding the RRF files.", code="dictionary_file"
            )
        return load_rxnorm(path, version=version)
    if not version:
        raise DomainError("WHODrug needs --version (e.g. 'Global B3 2025 Mar 1').", code="invalid")
    if path.is_dir():
        raise DomainError("WHODrug is loaded from one drug-name file.", code="dictionary_file")
    return load_whodrug(path, version=version, layout=layout)


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", value).strip("-")[:60] or "x"


def _write_artefact(kind: str, obj: DrugDictionary | EventDictionary) -> str:
    directory = dictionary_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{kind}-{_slug(obj.meta['name'])}-{_slug(obj.meta['version'])}.json.gz"
    payload = {"kind": kind, **dataclasses.asdict(obj)}
    payload.pop("_first_words", None)  # rebuilt on load
    tmp = directory / f".{name}.tmp"
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        json.dump(payload, fh, separators=(",", ":"))
    os.replace(tmp, directory / name)  # atomic: a reader never sees half a file
    return name


def dictionary_load(
    *,
    actor,
    kind: str,
    fmt: str,
    path: str | Path,
    version: str = "",
    layout: dict | None = None,
    name: str = "",
    licence_note: str = "",
    activate: bool = True,
) -> Dictionary:
    """Parse a licensed dictionary the user brings and register it as a new version."""
    try:
        obj = _parse(kind=kind, fmt=fmt, path=Path(path), version=version, layout=layout)
    except DictionaryFileError as exc:
        raise DomainError(f"Cannot load the {fmt} files: {exc}", code="dictionary_file") from exc
    except (OSError, UnicodeDecodeError, KeyError, IndexError, ValueError) as exc:
        raise DomainError(
            f"Cannot load the {fmt} files: {type(exc).__name__}: {exc}", code="dictionary_file"
        ) from exc
    concepts, names = _counts(obj)
    if not concepts:
        raise DomainError(f"No concepts found in {path}.", code="dictionary_empty")
    meta = obj.meta
    if Dictionary.objects.filter(
        kind=kind, terminology=meta["name"], version=meta["version"]
    ).exists():
        raise DomainError(
            f"{meta['name']} {meta['version']} is already loaded.",
            code="dictionary_exists",
            extra={"terminology": meta["name"], "version": meta["version"]},
        )
    artefact = _write_artefact(kind, obj)
    with transaction.atomic():
        dictionary = Dictionary.objects.create(
            kind=kind,
            name=name or f"{meta['name']} {meta['version']}",
            terminology=meta["name"],
            version=meta["version"],
            format=fmt,
            source=meta.get("source", str(path)),
            licence_note=licence_note or LICENCE_NOTES.get(fmt, ""),
            artefact=artefact,
            concept_count=concepts,
            name_count=names,
            loaded_at=timezone.now(),
            loaded_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="dictionary.loaded",
            obj=dictionary,
            after={
                "kind": kind,
                "terminology": meta["name"],
                "version": meta["version"],
                "concepts": concepts,
                "names": names,
            },
        )
        if activate:
            dictionary_activate(actor=actor, dictionary=dictionary)
    return dictionary


@transaction.atomic
def dictionary_activate(*, actor, dictionary: Dictionary) -> Dictionary:
    """Make `dictionary` the one suggestions, search and coding overrides use for its kind."""
    dictionary_ensure_defaults()
    before = Dictionary.objects.filter(kind=dictionary.kind, is_active=True).first()
    if before is not None and before.id == dictionary.id:
        return dictionary
    Dictionary.objects.filter(kind=dictionary.kind, is_active=True).update(is_active=False)
    Dictionary.objects.filter(id=dictionary.id).update(is_active=True)
    dictionary.is_active = True
    audit_record(
        actor=actor,
        action="dictionary.activated",
        obj=dictionary,
        before={"active": str(before.id) if before else None},
        after={"active": str(dictionary.id)},
    )
    if (
        before is not None
        and dictionary.kind == Dictionary.Kind.EVENT
        and dictionary.format == Dictionary.Format.MEDDRA
    ):
        cases_recode_for_upgrade(actor=actor, old=before, new=dictionary)
    return dictionary


def cases_recode_for_upgrade(*, actor, old: Dictionary, new: Dictionary) -> dict:
    """A MedDRA release made active: every latest case version whose reactions are coded in the
    previously active event terminology is recoded. From the open terminology (the first
    release loaded), each reaction is mapped by its words (`coding.nlp.mapping.map_event`). On a
    version upgrade, a reaction is recoded where its LLT moved to another PT or path, was made
    non-current or is gone (`coding.nlp.mapping.recode_llt`). In place and audited per case
    (`pv.services.recoding`). Reactions nothing current matches are left as they were and
    counted as `unmapped` for a reviewer."""
    old_obj, new_obj = dictionary_object(dictionary=old), dictionary_object(dictionary=new)
    reactions = CaseReaction.objects.filter(
        case__is_latest=True,
        terminology=old_obj.meta["name"],
        terminology_version=old_obj.meta["version"],
    ).order_by("case_id", "position")
    by_case: dict = {}
    counts = {"cases": 0, "reactions": 0, "unmapped": 0}
    for reaction in reactions:
        if old.format == Dictionary.Format.MEDDRA:
            coding = recode_llt(reaction.code, reaction.term, old=old_obj, new=new_obj)
        else:  # first MedDRA release: carry open-terminology coding over by its words
            coding = map_event(
                {"code": reaction.pt_code or reaction.code, "pt_code": reaction.pt_code,
                 "term": reaction.term, "pt": reaction.pt},
                reaction.reported_term, source=old_obj, target=new_obj,
            ) or {"code": ""}  # fmt: skip
        if coding is None:
            coding = {"terminology_version": new.version}  # unchanged: only the version moves
        elif not coding.get("code"):
            counts["unmapped"] += 1
            continue
        else:
            coding = {**coding, "pt": coding.get("pt", ""), "soc": coding.get("soc", "")}
        by_case.setdefault(reaction.case_id, {})[reaction.id] = coding
    for case in Case.objects.filter(id__in=list(by_case)):
        changed = case_reactions_recode(
            actor=actor,
            case=case,
            recodes=by_case[case.id],
            reason=f"MedDRA upgrade {old.version} -> {new.version}",
        ).changed
        counts["cases"] += 1 if changed else 0
        counts["reactions"] += changed
    return counts


@transaction.atomic
def case_reaction_code(*, actor, reaction: CaseReaction, code: str, reason: str = "") -> Recoded:
    """A reviewer codes (or recodes) one reaction of a case to a term of the active event
    dictionary: an LLT code (a MedDRA release) or a PT / concept code.

    Coding is case processing, not new information: the reaction is recoded in place on the
    latest version, audited old -> new (`pv.services.recoding`), and the case's clock and
    version stay. A submission held for want of coding is released by the same recode.
    Returns the recode: `changed` 1 when the coding changed, 0 when it was already that term,
    and `held`, what the release of held submissions did (None when nothing changed)."""
    case = Case.objects.select_for_update().get(id=reaction.case_id)  # as stored, not as cached
    if not case.is_latest:
        raise DomainError("Code the reactions of the latest version.", code="stale_version")
    if case.status == Case.Status.NULLIFIED:
        raise DomainError("A nullified case is not coded any more.", code="nullified")
    dictionary = dictionary_get_active(kind=Dictionary.Kind.EVENT)
    concept = concept_get(dictionary=dictionary, code=code.strip())
    coding = {
        "code": concept.get("llt_code") or concept["code"],
        "term": concept.get("llt") or concept["term"],
        "pt_code": concept.get("pt_code", ""),
        "pt": concept.get("pt", ""),
        "soc": concept.get("soc", ""),
        "terminology": concept["terminology"],
        "terminology_version": concept["terminology_version"],
        "mapping": {"method": "reviewer", "dictionary": str(dictionary)},
    }
    what = "coded" if not reaction.code else "recoded"
    return case_reactions_recode(
        actor=actor,
        case=case,
        recodes={reaction.id: coding},
        reason=reason.strip() or f"Reaction {reaction.position} {what} by a reviewer",
    )
