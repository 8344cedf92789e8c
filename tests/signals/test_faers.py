"""FAERS / legacy AERS quarterly ASCII parsing on the shared samples."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from signals.faers import FaersFormatError, read_faers_quarter, read_faers_quarters
from signals.stats import count_pairs
from tests.signals import shared_path

CURRENT = ("signals_data", "faers_ascii_sample", "2017q2")
LEGACY = ("signals_data", "faers_ascii_sample", "2004q1_legacy_aers")


def dollar_table(path: Path) -> list[dict[str, str]]:
    lines = path.read_text("latin-1").splitlines()
    header = [h.lower() for h in lines[0].split("$")]
    return [dict(zip(header, line.split("$"), strict=False)) for line in lines[1:] if line]


def reference_triples(folder: Path, version: str, case: str, ai: bool) -> set[tuple[str, ...]]:
    """The expected (case, drug, event) set, computed line by line without pandas."""
    demo = dollar_table(next(folder.glob("DEMO*")))
    drug = dollar_table(next(folder.glob("DRUG*")))
    reac = dollar_table(next(folder.glob("REAC*")))
    case_of = {d[version]: d[case] for d in demo}
    drugs: dict[str, set[str]] = {}
    for d in drug:
        if d["role_cod"] in ("PS", "SS"):
            name = (d.get("prod_ai") or "").strip() if ai else ""
            drugs.setdefault(d[version], set()).add((name or d["drugname"]).strip().upper())
    triples = set()
    for r in reac:
        for name in drugs.get(r[version], ()):
            triples.add((case_of[r[version]], name, r["pt"].strip().upper()))
    return triples


def test_current_layout_sample() -> None:
    folder = shared_path(*CURRENT)
    rows = read_faers_quarter(folder)
    got = set(zip(rows["id"], rows["drug"], rows["event"], strict=True))
    assert got == reference_triples(folder, "primaryid", "caseid", ai=True)
    assert len(rows) == len(got)  # one row per (case, drug, event)
    assert rows["quarter"].unique().tolist() == ["2017Q2"]
    assert set(rows["sex"]) <= {"F", "M", "UNK"}
    assert set(rows["age_group"]) <= {"0-17", "18-44", "45-64", "65+", "UNK"}
    # prod_ai, not the brand name, is the drug by default
    assert "RISPERIDONE" in set(rows["drug"])
    assert "RISPERDAL" not in set(rows["drug"])


def test_legacy_layout_sample() -> None:
    folder = shared_path(*LEGACY)
    rows = read_faers_quarter(folder)
    got = set(zip(rows["id"], rows["drug"], rows["event"], strict=True))
    assert got == reference_triples(folder, "isr", "case", ai=False)
    assert rows["quarter"].unique().tolist() == ["2004Q1"]
    assert rows["id"].nunique() <= 100


def test_roles_and_drug_field_options() -> None:
    folder = shared_path(*LEGACY)
    suspect = read_faers_quarter(folder)
    every = read_faers_quarter(folder, roles=("PS", "SS", "C", "I"))
    assert len(every) > len(suspect)  # the sample has 233 concomitant drug rows
    ps_only = read_faers_quarter(shared_path(*CURRENT), roles=("PS",))
    names = read_faers_quarter(shared_path(*CURRENT), roles=("PS",), drug_field="drugname")
    assert "RISPERDAL" in set(names["drug"])
    assert len(ps_only) <= len(read_faers_quarter(shared_path(*CURRENT)))


def test_rows_feed_the_stats_core() -> None:
    rows = read_faers_quarter(shared_path(*CURRENT))
    counts = count_pairs(rows, drug_col="drug", event_col="event", strata=["sex", "age_group"])
    assert counts["n_total"].iloc[0] == rows["id"].nunique()
    assert (counts["n"] >= 1).all()


def write_quarter(folder: Path, demo: list[str], drug: list[str], reac: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "DEMO20Q1.txt").write_text(
        "primaryid$caseid$caseversion$fda_dt$sex$age$age_cod\n" + "\n".join(demo) + "\n"
    )
    (folder / "DRUG20Q1.txt").write_text(
        "primaryid$caseid$drug_seq$role_cod$drugname$prod_ai\n" + "\n".join(drug) + "\n"
    )
    (folder / "REAC20Q1.txt").write_text(
        "primaryid$caseid$pt$drug_rec_act\n" + "\n".join(reac) + "\n"
    )
    return folder


def test_latest_version_per_case_and_deleted_cases(tmp_path: Path) -> None:
    # given case 1 in versions 1 and 2 (v2 has a different event), and case 2
    folder = write_quarter(
        tmp_path / "q",
        ["11$1$1$20200101$F$30$YR", "12$1$2$20200201$F$30$YR", "21$2$1$20200105$M$70$YR"],
        [
            "11$1$1$PS$BrandA$ingredient a",
            "12$1$1$PS$BrandA$ingredient a",
            "21$2$1$SS$BrandB$",
            "21$2$2$C$Other$other",
        ],
        ["11$1$Nausea$", "12$1$Headache$", "21$2$Rash$"],
    )
    rows = read_faers_quarter(folder)
    # then only version 12 of case 1 survives; SS kept, C dropped; empty prod_ai -> drugname
    assert rows[["id", "primaryid", "drug", "event", "sex", "age_group"]].values.tolist() == [
        ["1", "12", "INGREDIENT A", "HEADACHE", "F", "18-44"],
        ["2", "21", "BRANDB", "RASH", "M", "65+"],
    ]
    assert read_faers_quarter(folder, deleted=["2"])["id"].tolist() == ["1"]
    (folder / "DELE20Q1.txt").write_text("1\n")
    assert read_faers_quarter(folder)["id"].tolist() == ["2"]
    (folder / "DELE20Q1.txt").unlink()
    (folder / "ADR20Q1DeletedCases.txt").write_text("2\n")
    assert read_faers_quarter(folder)["id"].tolist() == ["1"]


def test_follow_up_in_a_later_quarter_supersedes(tmp_path: Path) -> None:
    q1 = write_quarter(
        tmp_path / "q1", ["11$1$1$20200101$F$30$YR"], ["11$1$1$PS$A$a"], ["11$1$Nausea$"]
    )
    q2 = tmp_path / "q2"
    write_quarter(q2, ["12$1$2$20200501$F$30$YR"], ["12$1$1$PS$A$a"], ["12$1$Rash$"])
    for f in q2.iterdir():
        f.rename(f.with_name(f.name.replace("20Q1", "20Q2")))
    rows = read_faers_quarters([q1, q2])
    assert rows[["id", "event", "quarter"]].values.tolist() == [["1", "RASH", "2020Q2"]]


def test_zip_input(tmp_path: Path) -> None:
    folder = shared_path(*CURRENT)
    archive = tmp_path / "faers_ascii_2017q2.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.iterdir():
            zf.write(path, f"ascii/{path.name}")
    pd.testing.assert_frame_equal(read_faers_quarter(archive), read_faers_quarter(folder))


def test_malformed_quarters_name_the_problem(tmp_path: Path) -> None:
    (tmp_path / "only").mkdir()
    (tmp_path / "only" / "DEMO20Q1.txt").write_text("primaryid$caseid\n")
    with pytest.raises(FaersFormatError, match="no DRUG/REAC file"):
        read_faers_quarter(tmp_path / "only")
    folder = write_quarter(
        tmp_path / "bad", ["11$1$1$20200101$F$30$YR"], ["11$1$1$PS$A$a$trailing$"], ["11$1$Nausea$"]
    )
    # a trailing "$" (legacy AERS style) is tolerated and does not shift the fields
    assert read_faers_quarter(folder)["drug"].tolist() == ["A"]
    (folder / "REAC20Q1.txt").write_text("primaryid$caseid$drug_rec_act\n11$1$\n")
    with pytest.raises(FaersFormatError, match=r"REAC20Q1.txt: column\(s\) pt missing"):
        read_faers_quarter(folder)
    (folder / "DEMO20Q1.txt").write_text("case_id$x\n1$2\n")
    with pytest.raises(FaersFormatError, match="expected primaryid or isr"):
        read_faers_quarter(folder)
    with pytest.raises(FaersFormatError, match="not a folder or zip"):
        read_faers_quarter(tmp_path / "nowhere")


def test_legacy_rows_with_trailing_dollar_and_bare_header(tmp_path: Path) -> None:
    # FDA's own legacy files: header without the trailing "$" that every data line carries
    folder = tmp_path / "aers"
    folder.mkdir()
    (folder / "DEMO05Q1.TXT").write_text(
        "ISR$CASE$I_F_COD$FOLL_SEQ$IMAGE$EVENT_DT$MFR_DT$FDA_DT$REPT_COD$MFR_NUM$MFR_SNDR$AGE"
        "$AGE_COD$GNDR_COD\n"
        "4500001$3000001$I$$$$$20050110$EXP$$$16$YR$F$\n"
        "4500002$3000001$F$$$$$20050220$EXP$$$16$YR$F$\n"
    )
    (folder / "DRUG05Q1.TXT").write_text(
        "ISR$DRUG_SEQ$ROLE_COD$DRUGNAME$VAL_VBM\n4500001$1$PS$ASPIRIN$1$\n4500002$1$PS$ASPIRIN$1$\n"
    )
    (folder / "REAC05Q1.TXT").write_text("ISR$PT\n4500001$NAUSEA$\n4500002$VOMITING$\n")
    rows = read_faers_quarter(folder)
    assert rows[
        ["id", "primaryid", "drug", "event", "sex", "age_group", "quarter"]
    ].values.tolist() == [["3000001", "4500002", "ASPIRIN", "VOMITING", "F", "0-17", "2005Q1"]]


def test_later_version_without_suspect_drug_and_later_deletions_apply_across_quarters(
    tmp_path: Path,
) -> None:
    q1 = write_quarter(
        tmp_path / "a",
        ["11$1$1$20200101$F$30$YR", "31$3$1$20200102$M$40$YR"],
        ["11$1$1$PS$A$a", "31$3$1$PS$B$b"],
        ["11$1$Nausea$", "31$3$Rash$"],
    )
    q2 = tmp_path / "b"
    # case 1 comes back in Q2 with only a concomitant drug; case 3 is deleted in Q2
    write_quarter(q2, ["12$1$2$20200501$F$30$YR"], ["12$1$1$C$A$a"], ["12$1$Nausea$"])
    (q2 / "DELE20Q1.txt").write_text("3\n")
    for f in q2.iterdir():
        f.rename(f.with_name(f.name.replace("20Q1", "20Q2")))
    assert read_faers_quarters([q1, q2]).empty
    assert len(read_faers_quarter(q1)) == 2  # each quarter alone still has both
