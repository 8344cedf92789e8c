"""Report attributes for the priority score from a FAERS quarter: seriousness (OUTC), country,
and vigiGrade completeness over the dimensions the quarter records (see ``signals.faers``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from signals.faers.files import _AGE_UNIT_YEARS, _Layout, _read_table
from signals.stats.priority import VIGIGRADE_PENALTIES

SERIOUS_OUTCOMES = frozenset({"DE", "LT", "HO", "DS", "CA", "RI", "OT"})

# Optional tables the pandas reader joins for the priority attributes (the counting engines
# need only DEMO, DRUG, REAC and DELE).
ATTRIBUTE_TABLES = ("OUTC", "THER", "INDI")


def _filled(frame: pd.DataFrame, column: str) -> pd.Series:
    """True where the column has a non-blank value (False everywhere when it is absent)."""
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[column].fillna("").str.strip() != ""


def report_attributes(
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
