"""The PsyTAR splits pv screen-train and pv screen-eval read ship with the package."""

from __future__ import annotations

import gzip

import pytest

from intake.nlp.psytar import SHIPPED, psytar_dir, read_binary, read_conll


@pytest.mark.parametrize(
    ("split", "sentences", "adr_spans", "rows", "adr_rows"),
    [
        ("train", 3850, 2500, 4201, 1528),
        ("dev", 550, 293, 612, 222),
        ("test", 1191, 750, 1189, 418),
    ],
)
def test_shipped_splits_are_the_published_ones(
    monkeypatch, split, sentences, adr_spans, rows, adr_rows
):
    # given: no override, so the copy inside the package
    monkeypatch.delenv("PV_PSYTAR_DIR", raising=False)
    assert psytar_dir() == SHIPPED
    # when
    conll = read_conll(psytar_dir() / "all" / f"{split}.txt")
    binary = read_binary(psytar_dir() / "binary" / f"{split}.csv")
    # then: the counts of the published split (the test split's 750 gold ADR spans, README)
    assert len(conll) == sentences
    assert sum(1 for s in conll for span in s["spans"] if span[2] == "ADR") == adr_spans
    assert len(binary) == rows and sum(r["ADR"] for r in binary) == adr_rows


def test_an_override_folder_may_hold_plain_files(monkeypatch, tmp_path):
    # given: another copy laid out the same way, uncompressed
    (tmp_path / "all").mkdir()
    with gzip.open(SHIPPED / "all" / "dev.txt.gz", "rb") as fh:
        (tmp_path / "all" / "dev.txt").write_bytes(fh.read())
    monkeypatch.setenv("PV_PSYTAR_DIR", str(tmp_path))
    # then
    assert len(read_conll(psytar_dir() / "all" / "dev.txt")) == 550
