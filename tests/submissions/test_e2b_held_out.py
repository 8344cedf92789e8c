"""Held-out style check (issue #17): single-fault mutants of FDA's ten examples, made by a
generator written against FDA's tables rather than against pv's validator, must all be
rejected by the fda profile, and the ten examples themselves accepted."""

from __future__ import annotations

from lxml import etree

from submissions.e2b.validate import errors, validate

from .e2b_held_out import example_paths, held_mutants, light_examples
from .e2b_held_struct import FAULTS


def test_the_ten_fda_examples_are_accepted():
    # given FDA's ten example ICSRs as published, and the light copies the mutants start from
    paths = example_paths()
    assert len(paths) == 10
    # when they are validated with the fda profile
    found = {path.stem: [str(f) for f in errors(validate(path.read_bytes(), "fda"))]
             for path in paths}
    found |= {f"{name} (light)": [str(f) for f in errors(validate(
        etree.tostring(doc), "fda"))] for name, doc in light_examples()}
    # then none has an error
    assert {name: errs for name, errs in found.items() if errs} == {}


def test_the_held_out_set_is_broad():
    # given the generated mutants
    mutants = held_mutants()
    # then they are many, over many elements and rules, from every example
    assert len(mutants) >= 300
    assert len({m.element for m in mutants}) >= 80
    assert len({m.example for m in mutants}) == 10


def test_no_held_out_mutant_is_accepted():
    # given every held-out single-fault mutant
    mutants = held_mutants()
    # when each is validated as `pv e2b validate --profile fda` does
    accepted = [m.name for m in mutants if not errors(validate(m.xml, "fda"))]
    # then each is rejected
    assert accepted == [], f"{len(accepted)} of {len(mutants)} accepted: {accepted[:20]}"


def test_every_hand_written_fault_makes_a_mutant():
    # given the hand-written faults (a fault that raises on every example makes none, silently)
    made = {m.element for m in held_mutants() if m.kind == "cross-element"}
    # then each makes at least one mutant, but the one FDA's examples give nothing to break
    # (no past drug with a start and an end on different days)
    assert set(FAULTS) - made == {"past_drug_end_before_start"}
