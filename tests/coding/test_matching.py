"""Coding suggestions and fuzzy search."""

import pytest

from coding.nlp import search, suggest_drugs, suggest_events


@pytest.mark.parametrize(("mention", "pt"), [("cant sleep", "Insomnia"),
                                             ("hair falling out", "Alopecia"),
                                             ("headach", "Headache"),
                                             ("felt like a zombie", "Brain fog")])
def test_event_suggestions_rank_the_right_pt_first(mention, pt):
    top = suggest_events(mention)
    assert top[0]["pt"] == pt
    assert len(top) == 5
    assert top[0]["score"] >= top[-1]["score"]
    assert {"llt", "pt_code", "hlt", "hlgt", "soc", "terminology_version"} <= set(top[0])


@pytest.mark.parametrize(("mention", "term"), [("liptor", "Atorvastatin"),
                                               ("simvistatin", "Simvastatin"),
                                               ("zolft", "Sertraline"),
                                               ("Lexapro", "Escitalopram")])
def test_drug_suggestions_survive_misspellings(mention, term):
    assert suggest_drugs(mention)[0]["term"] == term


def test_search_by_kind_and_rejects_unknown_kind():
    assert search("nausea", kind="event", limit=3)[0]["pt"] == "Nausea"
    assert search("zoloft", kind="drug", limit=3)[0]["term"] == "Sertraline"
    assert search("", kind="event") == []
    with pytest.raises(ValueError, match="unknown dictionary kind"):
        search("x", kind="device")
