"""Parser for FDA FAERS / legacy AERS quarterly ASCII extracts (pure pandas; no Django).

A quarter is a folder (or the FDA zip) with ``$``-separated tables: DEMO (one row per report
version), DRUG and REAC. Two layouts exist and are detected from the DEMO header:

* current FAERS (2012Q4+): ``primaryid`` (a case *version*) = ``caseid`` + ``caseversion``;
  DRUG has ``prod_ai`` (active ingredient) besides ``drugname``; sex in ``sex``;
* legacy AERS (2004-2012Q3): ``isr`` (a version) and ``case``; no ``prod_ai``; sex in
  ``gndr_cod``; every line ends with a ``$`` (an empty trailing column).

Conventions (NOTES.md section 1), each a parameter:
* **latest version per case**: for each case keep the version with the latest ``fda_dt``,
  ties broken by the highest version id (FDA's own recommendation); caseids listed in a
  ``DELE*`` file of the quarter (or passed in ``deleted``) are removed;
* **roles**: PS and SS ("suspect") by default;
* **names**: drug = ``prod_ai`` when present, else ``drugname``; drug and PT text are
  stripped and upper-cased so the two layouts (PTs are mixed case since 2012) line up.

The result has one row per (case, drug, event) with columns ``id`` (caseid: the counting unit),
``primaryid`` (the version kept), ``drug``, ``event``, ``sex`` (F / M / UNK), ``age_group``
(0-17 / 18-44 / 45-64 / 65+ / UNK), ``fda_dt`` and ``quarter`` (e.g. "2017Q2"), ready for
``signals.stats.count_pairs(rows, drug_col="drug", event_col="event", strata=[...])``, and the
report attributes the priority score uses (``signals.stats.priority``):

* ``serious``: the report has an OUTC outcome (DE death, LT life-threatening, HO
  hospitalisation, DS disability, CA congenital anomaly, RI required intervention, OT other
  serious); NA when the quarter has no OUTC file;
* ``country``: ``occr_country``, else ``reporter_country``, when it is a two-letter code
  (current layout only; legacy AERS records no country: "");
* ``dechallenge``: positive dechallenge, ``dechal`` = "Y" on a suspect-drug row naming this
  drug; NA when DRUG has no ``dechal`` column;
* ``completeness``: vigiGrade completeness (``VIGIGRADE_PENALTIES``, as the case path) over the
  dimensions the quarter records: time to onset (DEMO ``event_dt`` and a THER ``start_dt`` of a
  suspect drug), indication (an INDI term for a suspect drug other than "... unknown
  indication"), sex, age (``age`` with a unit, or ``age_grp``), dose (``dose_amt`` or
  ``dose_vbm`` of a suspect drug), country, reporter (``occp_cod``) and report type
  (``rept_cod``). A dimension the quarter cannot record is not penalised: the reaction's outcome
  and free text never (OUTC holds seriousness outcomes, the extracts no narrative), country on
  the legacy layout, and any whose file (THER, INDI) or column is absent.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from signals.stats.priority import VIGIGRADE_PENALTIES

DEFAULT_ROLES = ("PS", "SS")
AGE_BINS = [-np.inf, 18, 45, 65, np.inf]
AGE_LABELS = ["0-17", "18-44", "45-64", "65+"]
# FAERS age units -> years
_AGE_UNIT_YEARS = {
    "DEC": 10.0,
    "YR": 1.0,
    "MON": 1 / 12,
    "WK": 7 / 365.25,
    "DY": 1 / 365.25,
    "HR": 1 / 8766.0,
}


SERIOUS_OUTCOMES = frozenset({"DE", "LT", "HO", "DS", "CA", "RI", "OT"})
# Optional tables the pandas reader joins for the priority attributes (the counting engines
# need only DEMO, DRUG, REAC and DELE).
ATTRIBUTE_TABLES = ("OUTC", "THER", "INDI")


class FaersFormatError(ValueError):
    """A quarter that cannot be parsed; the message names the file and, if known, the line."""


@dataclass(frozen=True)
class _Layout:
    version: str  # report-version id column
    case: str
    sex: str
    has_prod_ai: bool
    ther_seq: str  # THER's column naming the DRUG row's drug_seq
    indi_seq: str  # INDI's
    has_country: bool


_CURRENT = _Layout(
    version="primaryid", case="caseid", sex="sex", has_prod_ai=True,
    ther_seq="dsg_drug_seq", indi_seq="indi_drug_seq", has_country=True,
)  # fmt: skip
_LEGACY = _Layout(
    version="isr", case="case", sex="gndr_cod", has_prod_ai=False,
    ther_seq="drug_seq", indi_seq="drug_seq", has_country=False,
)  # fmt: skip


def _members(source: Path, extra: Iterable[str] = ()) -> dict[str, tuple[str, bytes | Path]]:
    """Table name (DEMO, DRUG, REAC, DELE and the ``extra`` tables, e.g. OUTC) -> (display
    name, path or bytes)."""
    found: dict[str, tuple[str, bytes | Path]] = {}
    # DEMO17Q2.txt, DRUG04Q1.TXT ...; the deletion list has been shipped as DELE19Q1.txt and
    # as ...DeletedCases.txt, so any .txt naming "DELE" counts as one.
    tables = "|".join(("DEMO", "DRUG", "REAC", *(t.upper() for t in extra)))
    pattern = re.compile(rf"({tables})\d\dQ\d.*\.TXT$|(DELE).*\.TXT$", re.IGNORECASE)
    if source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            for name in archive.namelist():
                match = pattern.search(Path(name).name)
                if match:
                    kind = (match.group(1) or match.group(2)).upper()
                    found.setdefault(kind, (name, archive.read(name)))
    elif source.is_dir():
        for path in sorted(source.rglob("*")):
            match = pattern.search(path.name)
            if match and path.is_file():
                kind = (match.group(1) or match.group(2)).upper()
                found.setdefault(kind, (str(path), path))
    else:
        raise FaersFormatError(f"{source}: not a folder or zip of FAERS ASCII files")
    missing = [t for t in ("DEMO", "DRUG", "REAC") if t not in found]
    if missing:
        raise FaersFormatError(f"{source}: no {'/'.join(missing)} file found")
    return found


def _read_table(
    member: tuple[str, bytes | Path], columns: Iterable[str], optional: Iterable[str] = ()
) -> pd.DataFrame:
    """The ``columns`` (a missing one is an error) and those of ``optional`` the file has."""
    name, data = member
    handle = io.BytesIO(data) if isinstance(data, bytes) else data
    wanted = set(columns)
    maybe = set(optional)
    try:
        table = pd.read_csv(
            handle,
            sep="$",
            dtype=str,
            encoding="latin-1",  # FDA's files are not valid UTF-8 in every quarter
            quoting=csv.QUOTE_NONE,
            keep_default_na=False,
            na_values=[""],
            # Legacy AERS lines end with a "$" the header lacks: without index_col=False pandas
            # would silently turn the first column into the index and shift every field.
            # Extra trailing fields are therefore tolerated; the needed columns come first.
            index_col=False,
            usecols=lambda c: c.strip().lower() in wanted | maybe,
        )
    except pd.errors.ParserError as exc:
        raise FaersFormatError(f"{name}: {exc}".strip()) from None
    except (pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        raise FaersFormatError(f"{name}: cannot read ({exc})") from None
    table.columns = [c.strip().lower() for c in table.columns]
    absent = wanted - set(table.columns)
    if absent:
        raise FaersFormatError(f"{name}: column(s) {', '.join(sorted(absent))} missing")
    return table


def _detect_layout(member: tuple[str, bytes | Path]) -> _Layout:
    name, data = member
    head = data[:200] if isinstance(data, bytes) else data.open("rb").read(200)
    first = head.split(b"\n", 1)[0].decode("latin-1").strip().lower().split("$")[0]
    if first == "primaryid":
        return _CURRENT
    if first == "isr":
        return _LEGACY
    raise FaersFormatError(f"{name}: header starts with {first!r}, expected primaryid or isr")


def _quarter(name: str) -> str:
    match = re.search(r"(\d\d)Q(\d)", Path(name).name, re.IGNORECASE)
    return f"20{match.group(1)}Q{match.group(2)}" if match else ""


def _age_group(age: pd.Series, unit: pd.Series) -> pd.Series:
    years = pd.to_numeric(age, errors="coerce") * unit.str.upper().map(_AGE_UNIT_YEARS)
    groups = pd.cut(years, AGE_BINS, right=False, labels=AGE_LABELS)
    return groups.cat.add_categories("UNK").fillna("UNK").astype(str)


def _deleted_ids(member: tuple[str, bytes | Path] | None) -> set[str]:
    if member is None:
        return set()
    _, data = member
    text = data.decode("latin-1") if isinstance(data, bytes) else data.read_text("latin-1")
    return {t.strip() for t in text.split() if t.strip().isdigit()}


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
        **_report_attributes(members, layout, demo, suspect),
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


def _filled(frame: pd.DataFrame, column: str) -> pd.Series:
    """True where the column has a non-blank value (False everywhere when it is absent)."""
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[column].fillna("").str.strip() != ""


def _report_attributes(
    members: dict[str, tuple[str, bytes | Path]],
    layout: _Layout,
    demo: pd.DataFrame,
    suspect: pd.DataFrame,
) -> dict[str, pd.Series]:
    """``serious``, ``country`` and ``completeness`` of each kept version (``demo`` rows);
    ``suspect``: the DRUG rows of the kept roles."""
    ver = layout.version
    versions = demo[ver]

    def of_versions(ids: pd.Series) -> pd.Series:
        return versions.isin(set(ids.dropna()))

    serious = pd.Series(pd.NA, index=demo.index, dtype="boolean")
    if "OUTC" in members:
        outc = _read_table(members["OUTC"], [ver, "outc_cod"])
        codes = outc["outc_cod"].fillna("").str.strip().str.upper()
        serious = of_versions(outc.loc[codes.isin(SERIOUS_OUTCOMES), ver]).astype("boolean")

    country = pd.Series("", index=demo.index, dtype=object)
    if layout.has_country:
        for column in ("reporter_country", "occr_country"):  # occurrence wins
            if column in demo.columns:
                code = demo[column].fillna("").str.strip().str.upper()
                country = code.where(code.str.fullmatch(r"[A-Z]{2}"), country)

    # vigiGrade dimensions the quarter records (the others are not penalised).
    present: dict[str, pd.Series] = {
        "sex": demo[layout.sex].fillna("").str.strip().str.upper().isin(["F", "M"]),
        "age": (
            pd.to_numeric(demo["age"], errors="coerce").notna()
            & demo["age_cod"].fillna("").str.strip().str.upper().isin(set(_AGE_UNIT_YEARS))
        )
        | _filled(demo, "age_grp"),
    }
    if layout.has_country and {"reporter_country", "occr_country"} & set(demo.columns):
        present["country"] = _filled(demo, "reporter_country") | _filled(demo, "occr_country")
    if "occp_cod" in demo.columns:
        present["reporter"] = _filled(demo, "occp_cod")
    if "rept_cod" in demo.columns:
        present["report_type"] = _filled(demo, "rept_cod")
    if "dose_amt" in suspect.columns or "dose_vbm" in suspect.columns:
        dosed = _filled(suspect, "dose_amt") | _filled(suspect, "dose_vbm")
        present["dose"] = of_versions(suspect.loc[dosed, ver])
    seqs = (
        suspect[[ver, "drug_seq"]].dropna().drop_duplicates()
        if "drug_seq" in suspect.columns
        else None
    )
    if "THER" in members and "event_dt" in demo.columns and seqs is not None:
        ther = _read_table(members["THER"], [ver, layout.ther_seq, "start_dt"])
        started = ther[_filled(ther, "start_dt")].rename(columns={layout.ther_seq: "drug_seq"})
        started = started.merge(seqs, on=[ver, "drug_seq"])
        present["time_to_onset"] = _filled(demo, "event_dt") & of_versions(started[ver])
    if "INDI" in members and seqs is not None:
        indi = _read_table(members["INDI"], [ver, layout.indi_seq, "indi_pt"])
        term = indi["indi_pt"].fillna("").str.strip().str.lower()
        known = indi[(term != "") & ~term.str.contains("unknown indication", regex=False)]
        known = known.rename(columns={layout.indi_seq: "drug_seq"}).merge(
            seqs, on=[ver, "drug_seq"]
        )
        present["indication"] = of_versions(known[ver])
    score = pd.Series(1.0, index=demo.index)
    for name, has in present.items():
        score = score.where(has, score * VIGIGRADE_PENALTIES[name])
    return {"serious": serious, "country": country, "completeness": score}


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
