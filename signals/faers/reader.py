"""Reading quarters into report-level (case, drug, event) rows: latest version per case,
deletions, roles and names, with the priority attributes (see ``signals.faers``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from signals.faers.attributes import ATTRIBUTE_TABLES, report_attributes
from signals.faers.files import (
    DEFAULT_ROLES,
    _age_group,
    _deleted_ids,
    _detect_layout,
    _members,
    _quarter,
    _read_table,
)


def read_faers_quarter(
    source: str | Path,
    *,
    roles: Iterable[str] = DEFAULT_ROLES,
    drug_field: str = "prod_ai",
    deleted: Iterable[str] = (),
) -> pd.DataFrame:
    """One FAERS/AERS quarter (folder or zip) -> report-level (case, drug, event) rows.

    ``roles``: drug roles to keep (PS, SS, C, I). ``drug_field``: ``prod_ai`` (falls back to
    ``drugname`` where empty, and always on the legacy layout) or ``drugname``.
    """
    rows, _ = _read_quarter(
        _members(Path(source), ATTRIBUTE_TABLES), roles, drug_field, set(map(str, deleted))
    )
    return rows


def _read_quarter(
    members: dict[str, tuple[str, bytes | Path]],
    roles: Iterable[str],
    drug_field: str,
    deleted: set[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows, versions): versions = the latest (id, primaryid, fda_dt) of every case in DEMO,
    whether or not it has suspect-drug and reaction rows."""
    layout = _detect_layout(members["DEMO"])
    ver, case = layout.version, layout.case
    age_unit = "age_cod"
    demo = _read_table(
        members["DEMO"],
        [ver, case, "fda_dt", layout.sex, "age", age_unit],
        optional=["event_dt", "occp_cod", "rept_cod", "age_grp", "occr_country",
                  "reporter_country"],
    )  # fmt: skip
    drug_cols = [ver, "role_cod", "drugname"]
    if layout.has_prod_ai and drug_field == "prod_ai":
        drug_cols.append("prod_ai")
    drug = _read_table(
        members["DRUG"], drug_cols, optional=["drug_seq", "dechal", "dose_amt", "dose_vbm"]
    )
    reac = _read_table(members["REAC"], [ver, "pt"])

    # Latest version of each case: latest fda_dt, then the highest version id.
    demo = demo.dropna(subset=[ver, case])
    demo["_ver"] = pd.to_numeric(demo[ver], errors="coerce")
    demo["_dt"] = pd.to_numeric(demo["fda_dt"], errors="coerce")
    demo = demo.sort_values([case, "_dt", "_ver"], na_position="first")
    demo = demo.drop_duplicates(case, keep="last")
    gone = _deleted_ids(members.get("DELE")) | deleted
    if gone:
        demo = demo[~demo[case].isin(gone)]

    wanted_roles = {r.upper() for r in roles}
    drug = drug[drug["role_cod"].str.strip().str.upper().isin(wanted_roles)]
    names = drug["drugname"]
    if "prod_ai" in drug.columns:
        names = drug["prod_ai"].where(drug["prod_ai"].str.strip().fillna("") != "", names)
    suspect = drug.assign(drug=names.str.strip().str.upper())
    suspect = suspect[suspect["drug"].fillna("") != ""]
    if "dechal" in suspect.columns:
        positive = suspect["dechal"].str.strip().str.upper() == "Y"
        drug = (
            suspect.assign(dechallenge=positive)
            .groupby([ver, "drug"], as_index=False, sort=False)["dechallenge"]
            .max()
            .astype({"dechallenge": "boolean"})
        )
    else:
        drug = suspect[[ver, "drug"]].drop_duplicates()
        drug["dechallenge"] = pd.Series(pd.NA, index=drug.index, dtype="boolean")
    reac = pd.DataFrame({ver: reac[ver], "event": reac["pt"].str.strip().str.upper()})
    reac = reac[reac["event"].fillna("") != ""]

    keep = demo[[ver, case, "fda_dt"]].assign(
        sex=demo[layout.sex]
        .str.strip()
        .str.upper()
        .where(demo[layout.sex].str.strip().str.upper().isin(["F", "M"]), "UNK"),
        age_group=_age_group(demo["age"], demo[age_unit].fillna("")),
        **report_attributes(members, layout, demo, suspect),
    )
    rows = keep.merge(drug, on=ver).merge(reac, on=ver)
    rows = rows.drop_duplicates([case, "drug", "event"])
    out = pd.DataFrame(
        {
            "id": rows[case].to_numpy(),
            "primaryid": rows[ver].to_numpy(),
            "drug": rows["drug"].to_numpy(),
            "event": rows["event"].to_numpy(),
            "sex": rows["sex"].to_numpy(),
            "age_group": rows["age_group"].to_numpy(),
            "fda_dt": rows["fda_dt"].to_numpy(),
            "quarter": _quarter(members["DEMO"][0]),
            "country": rows["country"].to_numpy(),
            "serious": rows["serious"].array,
            "completeness": rows["completeness"].to_numpy(np.float64),
            "dechallenge": rows["dechallenge"].array,
        }
    )
    versions = pd.DataFrame(
        {
            "id": demo[case].to_numpy(),
            "primaryid": demo[ver].to_numpy(),
            "fda_dt": demo["fda_dt"].to_numpy(),
        }
    )
    return out.sort_values(["id", "drug", "event"], kind="stable").reset_index(drop=True), versions


def read_faers_quarters(
    sources: Iterable[str | Path],
    *,
    roles: Iterable[str] = DEFAULT_ROLES,
    drug_field: str = "prod_ai",
    deleted: Iterable[str] = (),
) -> pd.DataFrame:
    """Several quarters stacked, each case at its latest version over all of them.

    A follow-up in a later quarter supersedes the earlier quarter's version even when the
    newer version names no suspect drug (the case then drops out), and a caseid in any
    quarter's deletion list is removed from every quarter.
    """
    quarters = [_members(Path(s), ATTRIBUTE_TABLES) for s in sources]
    gone = set(map(str, deleted))
    for members in quarters:
        gone |= _deleted_ids(members.get("DELE"))
    parts = [_read_quarter(members, roles, drug_field, gone) for members in quarters]
    rows = pd.concat([p[0] for p in parts], ignore_index=True)
    latest = (
        pd.concat([p[1] for p in parts], ignore_index=True)
        .assign(
            _dt=lambda f: pd.to_numeric(f["fda_dt"], errors="coerce"),
            _ver=lambda f: pd.to_numeric(f["primaryid"], errors="coerce"),
        )
        .sort_values(["id", "_dt", "_ver"], na_position="first")
        .drop_duplicates("id", keep="last")["primaryid"]
    )
    return rows[rows["primaryid"].isin(set(latest))].reset_index(drop=True)
