"""SMQs in a MedDRA release: the loader reads smq_list.asc / smq_content.asc when present
(narrow and broad term lists, LLT entries resolved to PTs, inactive terms left out, sub-SMQs
folded into their parents) and keeps them through the stored artefact."""

from __future__ import annotations

from coding.nlp.loaders import load_meddra
from tests.coding.meddra_release import write_release

TERMS = [
    {"pt": ("70010001", "Insomnia"), "soc": "nervous",
     "llts": [("70020001", "Sleeplessness", True)]},
    {"pt": ("70010002", "Headache"), "soc": "nervous"},
    {"pt": ("70010003", "Nausea")},
    {"pt": ("70010004", "Vomiting")},
]  # fmt: skip
SMQS = [
    {"code": "80000001", "name": "Test SMQ sleep", "narrow": ["70020001"],
     "broad": ["70010002"], "inactive": ["70010003"]},
    {"code": "80000002", "name": "Test SMQ gastro", "narrow": ["70010003"], "broad": []},
    {"code": "80000003", "name": "Test SMQ all (parent)", "narrow": ["70010004"],
     "children": ["80000001", "80000002"]},
]  # fmt: skip


def test_smqs_are_read_with_their_scopes(tmp_path):
    # when
    release = load_meddra(write_release(tmp_path / "r", version="98.0", terms=TERMS, smqs=SMQS))
    # then: the LLT Sleeplessness counts as its PT Insomnia; the inactive Nausea is left out
    sleep = release.smqs["80000001"]
    assert sleep == {"name": "Test SMQ sleep", "narrow": ["70010001"],
                     "broad": ["70010001", "70010002"]}  # fmt: skip
    # a parent SMQ holds its children's terms, in the same scope
    parent = release.smqs["80000003"]
    assert parent["narrow"] == ["70010001", "70010003", "70010004"]
    assert parent["broad"] == ["70010001", "70010002", "70010003", "70010004"]


def test_a_release_without_smq_files_has_none(tmp_path):
    assert load_meddra(write_release(tmp_path / "r", version="98.0", terms=TERMS)).smqs == {}
