"""Import FAERS / legacy AERS quarterly ASCII extracts as a background dataset."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from django.db import transaction

from pv.audit import audit_record
from pv.core.exceptions import DomainError
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
) -> ExternalDataset:
    """Parse the quarters (latest version per case across them, deletions removed, drug
    roles as given), normalise drugs to ingredients and store the rows in one transaction."""
    paths = [Path(s) for s in sources]
    if not paths:
        raise DomainError("Name at least one FAERS quarter (folder or zip).", code="invalid")
    for path in paths:
        if not path.exists():
            raise DomainError(f"{path}: no such file or folder.", code="faers_missing")
    bad_roles = {r.upper() for r in roles} - _ROLES
    if not roles or bad_roles:
        raise DomainError(f"Roles must be among {', '.join(sorted(_ROLES))}.", code="invalid")
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
    with transaction.atomic():
        dataset = ExternalDataset.objects.create(
            kind=ExternalDataset.Kind.FAERS,
            name=name or f"FAERS {', '.join(quarters)}",
            sources=[p.name for p in paths],
            quarters=quarters,
            roles=[r.upper() for r in roles],
            reports=int(rows["id"].nunique()),
            attribution=attribution,
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
