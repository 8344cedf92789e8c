"""Loaders on small synthetic fixtures in the MedDRA / RxNorm / WHODrug file formats."""

from pathlib import Path

import pytest

from coding.nlp.loaders import DictionaryFileError, load_meddra, load_rxnorm, load_whodrug
from coding.nlp.matching import suggest_drugs, suggest_events

FIXTURES = Path(__file__).parent / "fixtures"


def test_meddra_loader_builds_five_levels_from_ascii_files():
    # given / when
    meddra = load_meddra(FIXTURES / "meddra")
    # then
    assert meddra.terminology == {"name": "MedDRA", "version": "99.0"}
    coded = meddra.code("90010001", "cannot sleep synthetic", "90100002")
    assert coded["pt"] == "Synthetic sleeplessness PT"
    assert (coded["hlt_code"], coded["hlgt_code"], coded["soc_code"]) == (
        "90001001", "90000101", "90000001")
    assert meddra.llts["old sleepless term"][2] == "llt-noncurrent"


def test_meddra_path_falls_back_to_link_files_without_mdhier_primary_row():
    meddra = load_meddra(FIXTURES / "meddra")
    assert meddra.path("90010002") == ["90001001", "90000101", "90000001"]


def test_meddra_suggestions_use_the_loaded_dictionary():
    meddra = load_meddra(FIXTURES / "meddra")
    top = suggest_events("cant sleep synthetic", dictionary=meddra)
    assert top[0]["pt_code"] == "90010001"
    assert top[0]["terminology"] == "MedDRA"


def test_meddra_rejects_line_without_trailing_dollar(tmp_path):
    for f in (FIXTURES / "meddra").iterdir():
        (tmp_path / f.name).write_text(f.read_text())
    (tmp_path / "pt.asc").write_text("1$broken")
    with pytest.raises(DictionaryFileError, match="pt.asc:1"):
        load_meddra(tmp_path)


def test_rxnorm_loader_links_brands_and_combinations_to_ingredients():
    rx = load_rxnorm(FIXTURES / "rxnorm", version="synthetic")
    assert rx.lookup("synthozac")[0]["ingredients"] == ["900001"]
    assert rx.lookup("synthozac")[0]["brand"] is True
    assert rx.lookup("comboprex")[0]["ingredients"] == ["900001", "900002"]
    assert rx.concepts["900004"]["kind"] == "combination"
    assert rx.lookup("synthoprazole 20 mg oral tablet")[0]["ingredients"] == ["900001"]
    assert "suppressedine" not in rx.names
    assert "othersourcine" not in rx.names


def test_rxnorm_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(DictionaryFileError, match="RXNCONSO"):
        load_rxnorm(tmp_path)


def test_whodrug_delimited_layout_groups_trade_names_under_the_drug_record():
    who = load_whodrug(FIXTURES / "whodrug_tab.txt", version="synthetic")
    assert who.concepts["000001"]["name"] == "SYNTHOLOL"
    assert who.lookup("synthobrand")[0]["code"] == "000001"
    assert who.lookup("synthobrand")[0]["brand"] is True
    assert suggest_drugs("syntholo", dictionary=who)[0]["code"] == "000001"


def test_whodrug_fixed_width_layout_is_configurable():
    layout = {"delimiter": None, "columns": {"drug_record_number": [0, 6], "seq1": [6, 8],
                                             "seq2": [8, 11], "drug_name": [11, 31]}}
    who = load_whodrug(FIXTURES / "whodrug_fixed.txt", version="s", layout=layout)
    assert who.lookup("synthobrand")[0]["code"] == "000001"
