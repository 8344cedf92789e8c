"""The embedded open dictionaries: content, levels, versions, licence notices."""

from coding.nlp import default_drugs, default_events, dictionary_versions
from coding.nlp.dictionaries import DATA
from coding.nlp.text import norm_phrase


def test_brand_maps_to_ingredient_with_drugbank_id():
    (lexapro,) = default_drugs().lookup("lexapro")
    assert lexapro["name"] == "Escitalopram"
    assert lexapro["drugbank_id"] == "DB01175"
    assert lexapro["brand"] is True


def test_combination_product_maps_to_several_ingredients():
    (arthrotec,) = default_drugs().lookup("arthrotec")
    drugs = default_drugs()
    names = sorted(drugs.concepts[c]["name"] for c in arthrotec["ingredients"])
    assert arthrotec["kind"] == "combination"
    assert names == ["Diclofenac", "Misoprostol"]


def test_drug_classes_are_their_own_concepts():
    drugs = default_drugs()
    for name, code in [("statin", "class:statin"), ("ssri", "class:ssri"), ("snri", "class:snri"),
                       ("nsaids", "class:nsaid"), ("benzos", "class:benzodiazepine"),
                       ("opioids", "class:opioid"), ("antipsychotic", "class:antipsychotic"),
                       ("beta blockers", "class:beta_blocker"),
                       ("ace inhibitor", "class:ace_inhibitor")]:
        (concept,) = drugs.lookup(norm_phrase(name))
        assert concept["code"] == code
        assert concept["kind"] == "class"
    assert "DB01076" in drugs.concepts["class:statin"]["members"]  # atorvastatin


def test_event_dictionary_has_five_levels_and_is_not_labelled_meddra():
    events = default_events()
    coded = events.code("HP:0100785")
    assert coded["pt"] == "Insomnia"
    assert coded["soc"] == "Abnormality of the nervous system"
    assert coded["hlt_code"]
    assert coded["hlgt_code"]
    assert "meddra" not in coded["terminology"].lower()
    assert coded["terminology_version"].startswith("hpo-")


def test_lay_lexicon_and_hpo_layperson_synonyms_are_llts():
    llts = default_events().llts
    assert llts[norm_phrase("cant sleep")][0] == "HP:0100785"
    assert llts[norm_phrase("hair falling out")][0] == "HP:0001596"
    assert llts[norm_phrase("brain zaps")][0] == "HP:0003401"
    assert llts[norm_phrase("threw up")][0] == "HP:0002013"
    assert any(v[2] == "layperson" for v in llts.values())
    lay = sum(v[2] == "lay" for v in llts.values())
    assert lay > 500


def test_versions_and_notices_are_recorded():
    versions = dictionary_versions()
    assert versions["drugs"]["version"].startswith("dner-2.0.9")
    assert versions["drugs"]["version"].endswith("+pv10")  # the hand-written extras' round
    assert versions["events"]["name"] == "pv open events (HPO-derived)"
    data = DATA
    assert "CC BY-SA" in (data / "NOTICE.drugs").read_text()
    assert "Human Phenotype Ontology" in (data / "NOTICE.events").read_text()
    assert "human-phenotype-ontology.org" in default_events().meta["acknowledgement"]
