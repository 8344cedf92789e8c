"""MedDRA grouping for runs: HLGT and SMQ (narrow / broad search) levels.

PT, HLT and SOC are columns of every fact (from the coding the data came with). HLGT and SMQs
come from the active MedDRA release (`pv dictionaries load --kind event --format meddra DIR`):
a fact's PT name is looked up among the release's PTs, then mapped to its primary-path HLGT,
or to every SMQ whose narrow (or broad = narrow + broad) term list holds it. A PT in two SMQs
counts in both; a report with two PTs of one group counts once in it (`roll_up`, then the
distinct-report counting of `count_pairs`). PTs the release does not know drop out at these
levels, as a PT without an HLT does at the HLT level.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from django.db.models import Max, QuerySet

from coding.selectors import event_mapping_target
from pv.core.exceptions import DomainError
from signals.services.counting import count_pairs_sql
from signals.stats import PAIR_COLUMNS, count_pairs, roll_up

MEDDRA_LEVELS = ("hlgt", "smq_narrow", "smq_broad")


@dataclass(frozen=True)
class Grouping:
    """PT name (lower case) -> its groups at the level; group -> SOC name (HLGT only)."""

    level: str
    release: str
    groups: pd.DataFrame  # columns pt, group (many-to-many for SMQs)
    socs: dict[str, str]


def meddra_grouping(level: str) -> Grouping | None:
    """The grouping for a MedDRA-only level, None for pt / hlt / soc; a clear 400 when no
    MedDRA release (or, for SMQs, no SMQ file in it) is loaded."""
    if level not in MEDDRA_LEVELS:
        return None
    release = event_mapping_target()
    if release is None or release.meta.get("name") != "MedDRA":
        raise DomainError(
            f"The {level} level needs a MedDRA release: load one with `pv dictionaries load"
            " --kind event --format meddra DIR` (PT, HLT and SOC work without).",
            code="no_meddra",
            extra={"fields": {"event_level": ["needs a loaded MedDRA release"]}},
        )
    if level.startswith("smq") and not release.smqs:
        raise DomainError(
            f"MedDRA {release.meta['version']} was loaded without SMQ files (smq_list.asc,"
            " smq_content.asc): load the release folder that has them for SMQ levels.",
            code="no_smq",
            extra={"fields": {"event_level": ["the MedDRA release has no SMQs"]}},
        )
    names, socs = release.names, {}
    pts = {pt: names.get(pt, pt).strip().lower() for pt in release.paths}
    links: dict[str, list[str]] = defaultdict(list)
    if level == "hlgt":
        for pt, (_hlt, hlgt, soc) in release.paths.items():
            group = names.get(hlgt, hlgt)
            links[pt].append(group)
            socs[group] = names.get(soc, soc)
    else:
        scope = "narrow" if level == "smq_narrow" else "broad"
        for smq in release.smqs.values():
            for pt in smq[scope]:
                links[pt].append(smq["name"])
    rows = [(pts[pt], g) for pt, groups in links.items() if pt in pts for g in groups]
    frame = pd.DataFrame(rows, columns=["pt", "group"]).drop_duplicates()
    return Grouping(level, f"MedDRA {release.meta['version']}", frame, socs)


def count_grouped(
    facts: QuerySet, *, drug_col: str, grouping: Grouping, strata: Sequence[str] = ()
) -> pd.DataFrame:
    """PAIR_COLUMNS at the grouping's level, counted over distinct reports."""
    qs = facts.exclude(**{drug_col: ""}).exclude(event_pt="").order_by()
    columns = ["report_key", drug_col, "event_pt", *strata]
    rows = pd.DataFrame.from_records(list(qs.values_list(*columns)), columns=columns)
    if rows.empty:
        return pd.DataFrame({c: [] for c in PAIR_COLUMNS})
    rows["event_pt"] = rows["event_pt"].str.strip().str.lower()
    rolled = roll_up(rows, "event_pt", grouping.groups)
    if rolled.empty:
        return pd.DataFrame({c: [] for c in PAIR_COLUMNS})
    return count_pairs(
        rolled, id_col="report_key", drug_col=drug_col, event_col="event_pt", strata=strata
    )


def count_at_level(
    facts: QuerySet,
    *,
    drug_col: str,
    event_col: str,
    grouping: Grouping | None,
    strata: Sequence[str] = (),
) -> pd.DataFrame:
    """The run's counts: SQL GROUP BY on the fact column (PT, HLT, SOC), or through the
    MedDRA grouping (HLGT, SMQ)."""
    if grouping is None:
        return count_pairs_sql(facts, drug_col=drug_col, event_col=event_col, strata=strata)
    return count_grouped(facts, drug_col=drug_col, grouping=grouping, strata=strata)


def event_socs(facts: QuerySet, *, event_col: str, grouping: Grouping | None) -> dict[str, str]:
    """The SOC shown next to each event (group) of the run: an SMQ spans SOCs, so has none."""
    if grouping is not None:
        return dict(grouping.socs)
    return dict(
        facts.exclude(**{event_col: ""})
        .values_list(event_col)
        .annotate(soc=Max("event_soc"))
        .order_by()
    )
