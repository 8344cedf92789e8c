"""Every encoded ICH/FDA rule rejects a single-fault mutant of one of FDA's example ICSRs, and
docs/e2b.md accounts for every rule id of the shipped rule tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from submissions.e2b import validate
from submissions.e2b.checks_fda import is_fda_number
from submissions.e2b.rules import fda_rules, ich_element_ids

from .e2b_fda_mutants import FDA_MUTANTS
from .e2b_mutants import ANY_ERROR, Mutant, generated_mutants, mutate

DOCS = Path(__file__).resolve().parents[2] / "docs" / "e2b.md"
# Built at collection from FDA's examples, which ship in tests/data (missing files fail).
GENERATED = generated_mutants()


def _caught(mutant: Mutant, *, initial: bool | None = None) -> tuple[set[str], list]:
    failures = validate(mutate(mutant), "fda", initial=initial)
    schema = [str(f) for f in failures if f.rule == "XSD"]
    assert schema == [], f"the mutant must stay schema-valid: {schema[:2]}"
    return {f.rule for f in failures if f.severity == mutant.severity}, failures


@pytest.mark.parametrize("rule", sorted(FDA_MUTANTS))
def test_fda_rule_catches_its_mutant(rule):
    # given one of FDA's examples broken against exactly this rule
    mutant = FDA_MUTANTS[rule]
    # when it is validated (R0101 concerns initial reports)
    found, failures = _caught(mutant, initial=True if rule == "R0101" else None)
    # then the rule (or the generic check that encodes it) reports it
    assert found & mutant.expect, (rule, sorted(found), [str(f) for f in failures][:5])


@pytest.mark.parametrize("key", sorted(GENERATED))
def test_generated_single_fault_is_rejected(key):
    mutant = GENERATED[key]
    found, failures = _caught(mutant)
    assert found, f"{key} was accepted"
    if mutant.expect is not ANY_ERROR:
        assert found & mutant.expect, (key, sorted(found), [str(f) for f in failures][:5])


def test_generator_covers_every_fault_family():
    families = {key.split(":")[1] for key in GENERATED}
    assert {"empty", "code", "length", "nullflavor", "future", "baddate", "pq-unit", "pq-value",
            "pq-ucum", "meddra-version", "meddra-code", "meddra-version-format",
            "meddra-code-format", "country", "codelist", "nf-beside-value", "language",
            "id-extension"} <= families
    assert len(GENERATED) > 300


def _coverage_rows() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"`[^`]+`", cells[0]):
            rows[cells[0].strip("`")] = (cells[1], cells[2])
    return rows


def test_docs_table_accounts_for_every_fda_rule():
    rows = _coverage_rows()
    for rule in fda_rules():
        assert rule in rows, f"{rule} missing from the coverage table in docs/e2b.md"
        status, detail = rows[rule]
        if status.startswith("encoded"):
            assert rule in FDA_MUTANTS, f"{rule} is marked encoded but has no mutant"
        else:
            assert status == "not applicable" and detail, f"{rule}: give the reason"
    for rule in FDA_MUTANTS:
        assert rows[rule][0].startswith("encoded"), rule


def test_docs_table_accounts_for_every_ich_element():
    rows = _coverage_rows()
    for element in ich_element_ids():
        assert element in rows, f"{element} missing from the coverage table in docs/e2b.md"
        status, detail = rows[element]
        assert status.startswith(("encoded", "not applicable")) and detail, element


def test_one_fda_number_rule_for_ind_pre_anda_and_cross_reported_numbers():
    # FDA's form is six ASCII digits: R0105/R0106 and W0012 read it through one function
    assert is_fda_number("123456") and is_fda_number("000001")
    for bad in ("12345", "1234567", "22-222", "", "123456\n", " 123456", "١٢٣٤٥٦", "12345²"):
        assert not is_fda_number(bad), bad
