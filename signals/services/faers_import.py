"""Import FAERS / legacy AERS quarterly ASCII extracts as a background dataset."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from django.db import transaction

from pv.audit import audit_record
from pv.core.exceptions import Conflict, DomainError
from pv.models import User
from signals.faers import DEFAULT_ROLES, FaersFormatError, read_faers_quarters
from signals.models import ExternalDataset
from signals.services.facts import facts_from_faers

FAERS_ATTRIBUTION = (
    "Source: U.S. Food and Drug Administration, FDA Adverse Event Reporting System (FAERS) "
    "quarterly data extracts (public domain). FAERS data do not establish causation."
)
_ROLES = {"PS", "SS", "C", "I"}


def faers_dataset_import(
    *,
    sources: Sequence[str | Path],
    name: str = "",
    roles: Sequence[str] = DEFAULT_ROLES,
    actor: User | str | None = None,
    attribution: str = FAERS_ATTRIBUTION,
    replace: bool = False,
) -> ExternalDataset:
    """Parse the quarters (latest version per case across them, deletions removed, drug
    roles as given), normalise drugs to ingredients and store the rows in one transaction.

    The same files (by checksum), or any quarter an earlier dataset already holds, are refused
    (409 ``faers_duplicate``: counting a quarter twice would double its reports) unless
    ``replace``, which deletes those earlier datasets (and their facts) in the same
    transaction."""
    paths = [Path(s) for s in sources]
    if not paths:
        raise DomainError("Name at least one FAERS quarter (folder or zip).", code="invalid")
    for path in paths:
        if not path.exists():
            raise DomainError(f"{path}: no such file or folder.", code="faers_missing")
    bad_roles = {r.upper() for r in roles} - _ROLES
    if not roles or bad_roles:
        raise DomainError(f"Roles must be among {', '.join(sorted(_ROLES))}.", code="invalid")
    checksum = sources_checksum(paths)
    if not replace:
        same = ExternalDataset.objects.filter(checksum=checksum).first()
        if same is not None:
            raise Conflict(
                f"These files were already imported as dataset {same.id} ({same.name},"
                f" {same.created_at:%Y-%m-%d}); pass --replace to import them again.",
                code="faers_duplicate",
                extra={"dataset": str(same.id)},
            )
    try:
        rows = read_faers_quarters(paths, roles=[r.upper() for r in roles])
    except FaersFormatError as exc:
        raise DomainError(str(exc), code="faers_format") from None
    except KeyError as exc:
        raise DomainError(
            f"{', '.join(map(str, paths))}: no {exc.args[0]} table found (need DEMO, DRUG, REAC).",
            code="faers_format",
        ) from None
    if rows.empty:
        raise DomainError("The quarters hold no suspect-drug reactions.", code="faers_empty")
    quarters = sorted(q for q in rows["quarter"].unique() if q)
    earlier = [
        d
        for d in ExternalDataset.objects.filter(kind=ExternalDataset.Kind.FAERS)
        if d.checksum == checksum or set(d.quarters) & set(quarters)
    ]
    if earlier and not replace:
        held = "; ".join(
            f"{q} in dataset {d.id} ({d.name})"
            for d in earlier
            for q in sorted(set(d.quarters) & set(quarters))
        )
        raise Conflict(
            f"Quarter(s) already imported: {held}. Pass --replace to replace those datasets.",
            code="faers_duplicate",
            extra={"datasets": [str(d.id) for d in earlier]},
        )
    with transaction.atomic():
        for old in earlier:
            audit_record(
                actor=actor or "system",
                action="faers_dataset.replaced",
                obj=old,
                before={"quarters": old.quarters, "reports": old.reports, "rows": old.rows},
            )
            old.delete()
        dataset = ExternalDataset.objects.create(
            kind=ExternalDataset.Kind.FAERS,
            name=name or f"FAERS {', '.join(quarters)}",
            sources=[p.name for p in paths],
            quarters=quarters,
            roles=[r.upper() for r in roles],
            reports=int(rows["id"].nunique()),
            attribution=attribution,
            checksum=checksum,
            imported_by=actor if isinstance(actor, User) else None,
        )
        dataset.rows = facts_from_faers(dataset=dataset, rows=rows)
        dataset.save(update_fields=["rows", "updated_at"])
        audit_record(
            actor=actor or "system",
            action="faers_dataset.imported",
            obj=dataset,
            after={
                "sources": dataset.sources,
                "quarters": quarters,
                "reports": dataset.reports,
                "rows": dataset.rows,
                "roles": dataset.roles,
            },
        )
    return dataset


def sources_checksum(paths: Sequence[Path]) -> str:
    """SHA-256 over the FAERS files of the sources (a zip as a whole; a folder's .txt files by
    name and content), order-independent, so the same quarters named again are recognised."""
    digests = []
    for path in paths:
        files = (
            [path]
            if path.is_file()
            else sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".txt")
        )
        for file in files:
            digest = hashlib.sha256(file.name.upper().encode())
            with file.open("rb") as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(block)
            digests.append(digest.hexdigest())
    return hashlib.sha256("".join(sorted(digests)).encode()).hexdigest()
