"""Run options checked before a run is recorded: thresholds, a subgroup, the event level
(MedDRA levels need a release), the quarter label. Each bad value is a 400 naming the field."""

from __future__ import annotations

import dataclasses
import math
import re

from pv.core.exceptions import DomainError
from signals.trends import Thresholds

QUARTER = re.compile(r"^\d{4}Q[1-4]$")


def thresholds_from(data: dict | None) -> Thresholds:
    """A `Thresholds` from a partial dict; unknown keys or non-numbers are a 400."""
    data = data or {}
    names = {f.name for f in dataclasses.fields(Thresholds)}
    unknown = set(data) - names
    if unknown:
        raise DomainError(
            f"Unknown threshold(s): {', '.join(sorted(unknown))}.",
            code="invalid",
            extra={"allowed": sorted(names)},
        )
    try:
        values = {k: float(v) for k, v in data.items()}
    except (TypeError, ValueError):
        raise DomainError("Thresholds must be numbers.", code="invalid") from None
    if any(not math.isfinite(v) for v in values.values()):
        raise DomainError("Thresholds must be finite numbers.", code="invalid")
    return Thresholds(**values)


SUBGROUP_KEYS = ("sex", "age_group", "year", "country")
AGE_GROUPS = ("0-17", "18-44", "45-64", "65+", "UNK")


def subgroup_clean(subgroup: dict | None) -> dict:
    """A restricted subgroup run's filter: sex F/M/UNK, an age band, a report year, a country."""
    subgroup = {k: str(v).strip() for k, v in (subgroup or {}).items() if str(v).strip()}
    unknown = set(subgroup) - set(SUBGROUP_KEYS)
    problems = {k: ["unknown subgroup key"] for k in unknown}
    if subgroup.get("sex", "F") not in ("F", "M", "UNK"):
        problems["sex"] = ["F, M or UNK"]
    if subgroup.get("age_group", "UNK") not in AGE_GROUPS:
        problems["age_group"] = [", ".join(AGE_GROUPS)]
    if "year" in subgroup and not re.fullmatch(r"(19|20)\d\d", subgroup["year"]):
        problems["year"] = ["a year such as 2025"]
    if "country" in subgroup and not re.fullmatch(r"[A-Za-z]{2}", subgroup["country"]):
        problems["country"] = ["an ISO 3166 alpha-2 code"]
    if problems:
        raise DomainError("Bad subgroup.", code="invalid", extra={"fields": problems})
    if "country" in subgroup:
        subgroup["country"] = subgroup["country"].upper()
    return subgroup
