"""FAERS priority inputs: seriousness (OUTC), country, positive dechallenge and vigiGrade
completeness from tiny hand-written quarters, through the reader, the facts and a run.

Every expected figure below is worked out by hand from the lines written in the test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from signals.faers import read_faers_quarter, read_faers_quarters
from signals.models import ExternalDataset, SignalFact, SignalResult, SignalRun
from signals.services import faers_dataset_import
from signals.services.facts import facts_from_faers
from signals.services.priority import _grouped_fact_counts
from signals.stats.priority import WEIGHTS
from tests.signals.test_service_runs import run_now

# vigiGrade penalties, written out: time to onset 0.5; indication, sex, age 0.7; dose,
# country, reporter, report type 0.9 (outcome and free text: FAERS records neither).
DEMO = (
    "primaryid$caseid$caseversion$event_dt$fda_dt$rept_cod$age$age_cod$age_grp$sex"
    "$occp_cod$reporter_country$occr_country"
)
DRUG = "primaryid$caseid$drug_seq$role_cod$drugname$prod_ai$dose_vbm$dose_amt$dechal"


def write(folder: Path, tag: str, tables: dict[str, list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in tables.items():
        (folder / f"{name}{tag}.txt").write_text("\n".join(lines) + "\n")
    return folder


def current_q1(folder: Path) -> Path:
    """Four cases of 2020Q1 in the current layout (what each has is in the comments)."""
    return write(folder, "20Q1", {
        "DEMO": [
            DEMO,
            # 1: everything recorded -> 1.0
            "11$1$1$20200110$20200201$EXP$30$YR$$F$MD$US$US",
            # 2: no event date (TTO 0.5), no age (0.7), no occupation (0.9); the suspect's
            #    only indication is "unknown" (0.7); no dose (0.9) -> 0.19845; country GB
            "21$2$1$$20200202$PER$$$$M$$GB$",
            # 3: sex unknown (0.7) -> 0.7; the country is a name, not a code: counts as
            #    recorded for completeness, but no country for the spread
            "31$3$1$2020$20200203$EXP$5$DEC$$UNK$CN$UNITED STATES$",
            # 4: start date and indication only on the concomitant drug (0.5 x 0.7), no
            #    dose on the suspect (0.9) -> 0.315; occurred in FR, reported from US
            "41$4$1$20200105$20200204$EXP$70$YR$$F$MD$US$FR",
        ],
        "DRUG": [
            DRUG,
            "11$1$1$PS$BrandA$A$$10$Y",
            "21$2$1$PS$BrandA$A$$$N",
            "31$3$1$PS$BrandA$A$5 MG$$Y",
            "31$3$2$SS$BrandB$B$$$U",
            "41$4$1$PS$BrandA$A$$$D",
            "41$4$2$C$BrandC$C$$5$Y",
        ],
        "REAC": [
            "primaryid$caseid$pt$drug_rec_act",
            "11$1$Nausea$", "11$1$Rash$", "21$2$Nausea$", "31$3$Nausea$", "41$4$Rash$",
        ],
        "OUTC": ["primaryid$caseid$outc_cod", "11$1$HO", "31$3$OT", "41$4$XX"],
        "THER": [
            "primaryid$caseid$dsg_drug_seq$start_dt$end_dt$dur$dur_cod",
            "11$1$1$20200101$$$", "21$2$1$20200101$$$", "31$3$1$$$$", "31$3$2$2019$$$",
            "41$4$2$20200101$$$",
        ],
        "INDI": [
            "primaryid$caseid$indi_drug_seq$indi_pt",
            "11$1$1$Hypertension", "21$2$1$Product used for unknown indication",
            "31$3$2$Pain", "41$4$2$Pain",
        ],
    })  # fmt: skip


def current_q2(folder: Path) -> Path:
    """Case 5 in 2020Q2: fully documented, life-threatening, US, negative dechallenge."""
    return write(folder, "20Q2", {
        "DEMO": [DEMO, "51$5$1$20200410$20200501$EXP$40$YR$$M$MD$US$US"],
        "DRUG": [DRUG, "51$5$1$PS$BrandA$A$$10$N"],
        "REAC": ["primaryid$caseid$pt$drug_rec_act", "51$5$Nausea$"],
        "OUTC": ["primaryid$caseid$outc_cod", "51$5$LT"],
        "THER": ["primaryid$caseid$dsg_drug_seq$start_dt$end_dt$dur$dur_cod",
                 "51$5$1$20200401$$$"],
        "INDI": ["primaryid$caseid$indi_drug_seq$indi_pt", "51$5$1$Hypertension"],
    })  # fmt: skip


def legacy_q(folder: Path) -> Path:
    """Legacy AERS (2005Q1): no country in the layout, no OUTC or INDI file in the folder."""
    return write(folder, "05Q1", {
        "DEMO": [
            "isr$case$i_f_cod$event_dt$fda_dt$rept_cod$age$age_cod$gndr_cod$occp_cod",
            # 7: all it can record -> 1.0; 8: no dose (0.9), no reporter (0.9) -> 0.81
            "701$7$I$20050101$20050110$EXP$50$YR$F$MD$",
            "801$8$I$20050101$20050111$DIR$60$YR$M$$",
        ],
        "DRUG": [
            "isr$drug_seq$role_cod$drugname$dose_vbm$dechal",
            "701$1$PS$ASPIRIN$100 MG$Y$", "801$1$PS$ASPIRIN$$N$",
        ],
        "REAC": ["isr$pt", "701$NAUSEA$", "801$NAUSEA$"],
        "THER": ["isr$drug_seq$start_dt$end_dt", "701$1$20041201$$", "801$1$20041215$$"],
    })  # fmt: skip


def test_the_reader_carries_the_priority_attributes(tmp_path: Path) -> None:
    # when
    rows = read_faers_quarter(current_q1(tmp_path / "q1"))
    # then: one row per (case, drug, event) with the report's attributes and the drug's
    got = rows[["id", "drug", "event", "country", "serious", "dechallenge"]]
    assert got.astype(object).values.tolist() == [
        ["1", "A", "NAUSEA", "US", True, True],
        ["1", "A", "RASH", "US", True, True],
        ["2", "A", "NAUSEA", "GB", False, False],
        ["3", "A", "NAUSEA", "", True, True],
        ["3", "B", "NAUSEA", "", True, False],
        ["4", "A", "RASH", "FR", False, False],  # "XX" is no serious outcome; C not suspect
    ]
    assert rows["completeness"].tolist() == pytest.approx(
        [1.0, 1.0, 0.5 * 0.7 * 0.7 * 0.9 * 0.9, 0.7, 0.7, 0.5 * 0.7 * 0.9]
    )


def test_legacy_layout_and_absent_tables(tmp_path: Path) -> None:
    # when: legacy AERS, no OUTC file
    rows = read_faers_quarter(legacy_q(tmp_path / "aers"))
    # then: seriousness is not recorded (NA), nor is country; dechallenge is
    assert rows["serious"].isna().all()
    assert rows["country"].tolist() == ["", ""]
    assert rows["dechallenge"].astype(object).tolist() == [True, False]
    # indication (no INDI file) and country (legacy) are not penalised
    assert rows["completeness"].tolist() == pytest.approx([1.0, 0.9 * 0.9])


def test_a_minimal_quarter_records_sex_and_age_only(tmp_path: Path) -> None:
    # given: DEMO, DRUG and REAC with only the columns counting needs
    folder = write(tmp_path / "min", "20Q1", {
        "DEMO": ["primaryid$caseid$caseversion$fda_dt$sex$age$age_cod",
                 "11$1$1$20200101$F$30$YR", "21$2$1$20200101$$$"],
        "DRUG": ["primaryid$caseid$drug_seq$role_cod$drugname$prod_ai",
                 "11$1$1$PS$A$a", "21$2$1$PS$A$a"],
        "REAC": ["primaryid$caseid$pt$drug_rec_act", "11$1$Nausea$", "21$2$Nausea$"],
    })  # fmt: skip
    rows = read_faers_quarter(folder)
    # then
    assert rows["serious"].isna().all() and rows["dechallenge"].isna().all()
    assert rows["completeness"].tolist() == pytest.approx([1.0, 0.7 * 0.7])


def test_packaged_sample_seriousness_matches_its_outc_file() -> None:
    # given the packaged 2017Q2 extract, read line by line
    folder = Path(__file__).resolve().parents[2] / "signals/data/faers_ascii_sample/2017q2"
    lines = (folder / "OUTC17Q2.txt").read_text("latin-1").splitlines()[1:]
    serious_versions = {line.split("$")[0] for line in lines if line.split("$")[2].strip()}
    # when
    rows = read_faers_quarters([folder])
    # then
    expected = rows["primaryid"].isin(serious_versions)
    assert (rows["serious"].astype(bool) == expected).all()
    assert expected.any() and not expected.all()


@pytest.mark.django_db
def test_facts_store_the_attributes(tmp_path: Path) -> None:
    # when
    dataset = faers_dataset_import(sources=[current_q1(tmp_path / "q1")], actor="t")
    # then
    facts = SignalFact.objects.filter(dataset=dataset, drug_ingredient="a", event_pt="NAUSEA")
    got = {
        f.report_key: (f.country, f.serious, round(f.completeness, 5), f.dechallenge) for f in facts
    }
    assert got == {
        "1": ("US", True, 1.0, True),
        "2": ("GB", False, 0.19845, False),
        "3": ("", True, 0.7, True),
    }


@pytest.mark.django_db
def test_two_names_of_one_ingredient_keep_a_positive_dechallenge() -> None:
    # given one report naming the base (dechal N) and the salt (dechal Y) of one ingredient
    dataset = ExternalDataset.objects.create(name="t")
    rows = pd.DataFrame(
        {
            "id": ["9", "9"], "drug": ["BUPROPION", "BUPROPION HYDROCHLORIDE"],
            "event": ["SEIZURE", "SEIZURE"], "sex": ["F", "F"], "age_group": ["18-44"] * 2,
            "quarter": ["2020Q1"] * 2, "country": ["US"] * 2,
            "serious": pd.array([True, True], dtype="boolean"), "completeness": [0.9, 0.9],
            "dechallenge": pd.array([False, True], dtype="boolean"),
        }
    )  # fmt: skip
    # when
    assert facts_from_faers(dataset=dataset, rows=rows) == 1
    # then
    fact = SignalFact.objects.get(dataset=dataset)
    assert (fact.drug_ingredient, fact.dechallenge) == ("bupropion", True)


@pytest.mark.django_db
def test_a_faers_run_scores_every_component_the_data_allow(tmp_path: Path) -> None:
    # given two current quarters
    dataset = faers_dataset_import(
        sources=[current_q1(tmp_path / "q1"), current_q2(tmp_path / "q2")], actor="t"
    )
    # when
    run = run_now(source="faers", dataset_ids=[dataset.id], signal_measure="prr")
    # then
    assert run.status == SignalRun.Status.SUCCEEDED, run.error
    row = SignalResult.objects.get(run=run, is_latest=True, drug_key="a", event="NAUSEA")
    parts = row.priority_parts["components"]
    inputs = row.priority_parts["inputs"]
    # a/NAUSEA: reports 1, 2, 3 (2020Q1) and 5 (2020Q2)
    assert row.n == 4
    assert inputs["n_recent"] == 1 and parts["recency"] == pytest.approx(1 / 4)
    # serious: 1 (HO), 3 (OT), 5 (LT)
    assert inputs["n_serious"] == 3 and parts["seriousness"] == pytest.approx(3 / 4)
    # well documented (>= 0.8): 1 and 5
    assert inputs["n_complete"] == 2 and parts["completeness"] == pytest.approx(2 / 4)
    # dechal Y on A: 1 and 3
    assert inputs["n_dechallenge"] == 2 and parts["dechallenge"] == pytest.approx(2 / 4)
    # countries US, GB (3 has none): 2 -> 0.5
    assert inputs["countries"] == 2 and parts["spread"] == pytest.approx(0.5)
    assert parts["designated_event"] == 0.0
    d = parts["disproportionality"]
    weighted = (WEIGHTS["disproportionality"] * d + WEIGHTS["seriousness"] * 3 / 4
                + 1 / 4 + 2 / 4 + 2 / 4 + WEIGHTS["spread"] * 0.5)  # fmt: skip
    assert row.priority_base == pytest.approx(10 * weighted / sum(WEIGHTS.values()), abs=1e-5)


@pytest.mark.django_db
def test_a_legacy_run_leaves_what_aers_lacks_unavailable(tmp_path: Path) -> None:
    # given a legacy quarter without OUTC: no seriousness, and AERS has no country
    dataset = faers_dataset_import(sources=[legacy_q(tmp_path / "aers")], actor="t")
    # when
    run = run_now(source="faers", dataset_ids=[dataset.id], signal_measure="prr")
    # then
    assert run.status == SignalRun.Status.SUCCEEDED, run.error
    row = SignalResult.objects.get(run=run, is_latest=True, drug_key="aspirin", event="NAUSEA")
    parts = row.priority_parts["components"]
    assert parts["seriousness"] is None and parts["spread"] is None
    # both reports score >= 0.8 (1.0 and 0.81); report 7 had a positive dechallenge
    assert parts["completeness"] == 1.0 and parts["dechallenge"] == pytest.approx(0.5)
    assert "n_serious" not in row.priority_parts["inputs"]


def test_grouped_counts_carry_the_attributes() -> None:
    # given fact rows already rolled up to a group (HLGT / SMQ): r1 twice under one group
    rows = pd.DataFrame.from_records(
        [
            ("a", "G", "r1", "2020Q1", "US", True, 1.0, True),
            ("a", "G", "r1", "2020Q1", "US", True, 1.0, True),
            ("a", "G", "r2", "2020Q2", "GB", False, 0.5, None),
            ("a", "G", "r3", "2020Q2", "", None, None, False),
        ],
        columns=["drug", "event", "report_key", "period", "country", "serious",
                 "completeness", "dechallenge"],
    )  # fmt: skip
    # when
    got = _grouped_fact_counts(rows, "2020Q2", attributes=True)
    # then: each report once
    assert got.to_dict("records") == [
        {"drug": "a", "event": "G", "n_recent": 2, "countries": 2, "n_serious": 1,
         "n_complete": 1, "n_dechallenge": 1},
    ]  # fmt: skip
