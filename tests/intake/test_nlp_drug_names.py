"""What patients take: brands, withdrawn drugs, supplements, names glued to doses, and the
fuzzy guard that keeps misspelt ordinary words from becoming drugs."""

import pytest

from coding.nlp.dictionaries import common_words, default_drugs
from coding.nlp.text import tokenizer
from intake.nlp.matchers import Matcher
from intake.nlp.pipeline import _matcher

from .conftest import drugs


@pytest.mark.parametrize(("text", "pieces"), [
    ("Crestor(10mg)", ["Crestor", "(", "10", "mg", ")"]),
    ("Lipitor20mg", ["Lipitor", "20", "mg"]),
    ("Zocor[40mg]", ["Zocor", "[", "40", "mg", "]"]),
    ("Mobic(meloxicam)", ["Mobic", "(", "meloxicam", ")"]),
    # short letter-number names and number-first doses stay whole
    ("B12", ["B12"]), ("CoQ10", ["CoQ10"]), ("D3", ["D3"]), ("x2", ["x2"]),
    ("10mg/day", ["10mg", "/", "day"]),
])
def test_tokenizer_splits_names_from_glued_doses_and_brackets(text, pieces):
    # when / then
    assert [t.text for t in tokenizer()(text)] == pieces


@pytest.mark.parametrize(("text", "surface", "term"), [
    ("Crestor(10mg) gave me leg cramps", "crestor", "Rosuvastatin"),
    ("Diovan160mg made me dizzy", "diovan", "Valsartan"),
    ("after Celebrex[200mg] my ankles swelled", "celebrex", "Celecoxib"),
])
def test_names_glued_to_a_dose_are_found(screen, text, surface, term):
    # when
    found = drugs(screen(text))
    # then: the mention is the name alone
    assert found[surface]["term"] == term


@pytest.mark.parametrize(("text", "surface", "term"), [
    # withdrawn drugs patients still discuss (brands from the FDA UNII list or drug_extra)
    ("I was on Vioxx for years before the recall", "vioxx", "Rofecoxib"),
    ("bextra worked for my knees", "bextra", "Valdecoxib"),
    ("Meridia made my heart race", "meridia", "Sibutramine"),
    ("Baycol gave me muscle pain", "baycol", "Cerivastatin"),
    # brands of widely used cardiovascular combinations
    ("switched to Vytorin last year", "vytorin", "Ezetimibe/simvastatin"),
    ("Caduet made my feet swell", "caduet", "Amlodipine/atorvastatin"),
    ("hyzaar gives me a cough", "hyzaar", "Hydrochlorothiazide/losartan"),
])
def test_brand_and_withdrawn_drug_names(screen, text, surface, term):
    # when
    mention = drugs(screen(text))[surface]
    # then
    assert mention["term"] == term
    assert mention["brand"] is True
    assert mention["fuzzy"] is False


@pytest.mark.parametrize(("text", "surface"), [
    ("started red yeast rice for cholesterol", "red yeast rice"),
    ("magnesium at night gave me diarrhea", "magnesium"),
    ("turmeric upset my stomach", "turmeric"),
    ("niacin flush is awful", "niacin"),
    ("omega 3 and ashwagandha daily", "ashwagandha"),
    ("omega 3 and ashwagandha daily", "omega 3"),
    ("iron supplements made me constipated", "iron"),  # form word out of the span
    ("CBD oil makes me drowsy", "cbd oil"),
])
def test_supplements_and_vitamins_are_suspect_products(screen, text, surface):
    # when
    mention = drugs(screen(text))[surface]
    # then: an ingredient concept, not a class, found exactly
    assert mention["drug_kind"] == "ingredient"
    assert mention["fuzzy"] is False


def test_a_lab_value_word_alone_is_not_a_supplement(screen):
    # "iron" / "calcium" alone are mostly lab values in posts; only product forms count
    assert drugs(screen("my iron was low and my calcium high")) == {}


@pytest.mark.parametrize("text", [
    "my doctor says my cholestrol is too high",
    "she complainde about the side effects",
    "I think the medicatoin made my presure worse",
    "my arthritus and diabetis are the same",
])
def test_misspelt_ordinary_words_never_become_drugs(screen, text):
    # when / then
    assert drugs(screen(text)) == {}


@pytest.mark.parametrize("text", [
    # a registry abbreviation that reads as English with a pronoun in it ("Me-GAG")
    "the tablets are huge and made me gag",
    "you pa said it was fine",
])
def test_pronoun_phrases_are_never_drug_names(screen, text):
    # when / then
    assert drugs(screen(text)) == {}


@pytest.mark.parametrize(("text", "surface", "term"), [
    # forum short forms and brands the sources lack (2.11, drug_extra.tsv)
    ("week 6 on sema and the nausea is brutal", "sema", "Semaglutide"),
    ("tirz 5mg gave me sulfur burps", "tirz", "Tirzepatide"),
    ("my dad's Sinemet wears off by 3pm", "sinemet", "Levodopa and Carbidopa"),
    ("test cyp 100mg a week and my hematocrit went up", "test cyp", "Testosterone"),
    ("pembro every 3 weeks, rash on my arms", "pembro", "Pembrolizumab"),
])
def test_forum_short_forms_and_brands(screen, text, surface, term):
    assert drugs(screen(text))[surface]["term"] == term


@pytest.mark.parametrize(("text", "surface", "term"), [
    # a possessive before a drug is no stereoisomer prefix ("S-amlodipine" = "s amlodipine")
    ("my dad's amlodipine made his ankles swell", "amlodipine", "Amlodipine"),
    ("Mum’s warfarin dose was changed again", "warfarin", "Warfarin"),
    # UK names (2.11)
    ("on thyroxine 100mcg and my hair is thinning", "thyroxine", "Levothyroxine"),
    ("Zapain makes me so constipated", "zapain", None),
    ("GTN spray gives me a pounding headache", "gtn", "Nitroglycerin"),
])
def test_possessives_and_uk_names(screen, text, surface, term):
    found = drugs(screen(text))
    assert surface in found and found[surface]["fuzzy"] is False
    if term:
        assert found[surface]["term"] == term


@pytest.mark.parametrize(("text", "surface", "term"), [
    ("ibuprofin gave me heartburn", "ibuprofin", "Ibuprofen"),
    ("lipiter hurt my muscles", "lipiter", "Atorvastatin"),
    ("losarten made me dizzy", "losarten", "Losartan"),
    ("xarelta gave me nosebleeds", "xarelta", "Rivaroxaban"),
])
def test_misspelt_drugs_are_still_fuzzy_matched(screen, text, surface, term):
    # when
    mention = drugs(screen(text))[surface]
    # then
    assert (mention["term"], mention["fuzzy"]) == (term, True)


def test_fuzzy_guard_prefers_the_nearer_common_word():
    # given: the shipped dictionary with and without the common-word guard
    from coding.nlp.dictionaries import default_events, english_words

    unguarded = Matcher(default_drugs(), default_events(), english_words(), {})
    guarded = Matcher(default_drugs(), default_events(), english_words(), {}, common_words())
    # when / then: the unguarded matcher turns the misspelt word into a drug, the guard does not
    assert unguarded._fuzzy_drug("cholestrol") is not None
    assert guarded._fuzzy_drug("cholestrol") is None
    assert guarded._fuzzy_drug("amlodopine") == "amlodipine"


def test_rare_registry_brands_are_matched_exactly_only():
    # given: the brands taken from the long UNII list
    exact_only = default_drugs().exact_only
    matcher = _matcher()
    # then: they are names, and never the target of a fuzzy match
    assert "vioxx" in exact_only
    assert "vioxx" in default_drugs().names
    assert all("vioxx" not in pool for pool in matcher._fuzzy_drugs.values())


@pytest.mark.parametrize(("text", "surface"), [
    ("statins gave me muscle pain", "statins"),
    ("NSAIDs upset my stomach", "nsaids"),
    ("beta blockers make me tired", "beta blockers"),
])
def test_drug_classes_stay_flagged_class(screen, text, surface):
    assert drugs(screen(text))[surface]["drug_kind"] == "class"


@pytest.mark.parametrize(("text", "surface", "term"), [
    # combination brands from the UNII list's "BRAND COMPONENT SUBSTANCE" rows (2.8)
    ("Aviane made me bleed between periods", "aviane", "Ethinylestradiol/levonorgestrel"),
    ("Odefsey gave me headaches", "odefsey", "Emtricitabine/tenofovir alafenamide"),
    ("Lo Minastrin Fe caused acne", "lo minastrin fe",
     "Ethinylestradiol/ferrous fumarate/norethindrone"),
    # a one-word brand wordfreq never saw (2.7 required Zipf > 0 and dropped it)
    ("Solodyn made me dizzy", "solodyn", "Minocycline"),
])
def test_registry_brands_patients_write(screen, text, surface, term):
    # when
    mention = drugs(screen(text))[surface]
    # then: exact, a brand, pointing at the right concept
    assert mention["term"] == term
    assert mention["brand"] is True
    assert mention["fuzzy"] is False
    assert surface in default_drugs().exact_only


@pytest.mark.parametrize(("text", "surface"), [
    ("the covid booster knocked me out for two days", "covid booster"),
    ("Novavax gave me a sore arm", "novavax"),
    ("I am on Lo Loestrin Fe since March", "lo loestrin fe"),
    ("after the Depo shot my periods stopped", "depo"),  # form word out (forum_c gold)
])
def test_lay_vaccine_and_contraceptive_names(screen, text, surface):
    # when / then: the whole product name is one drug mention
    assert drugs(screen(text))[surface]["drug_kind"] != "class"


@pytest.mark.parametrize(("text", "surface", "term"), [
    # names starting with one letter (2.7 never looked them up)
    ("a Z-pak for bronchitis gave me diarrhea", "z-pak", "Azithromycin"),
    ("I also take d-mannose now", "d-mannose", "Mannose"),
    # abbreviations patients write
    ("doxy 100mg for lyme made me sunburn", "doxy", "Doxycycline"),
    ("on mtx for my psoriasis", "mtx", "Methotrexate"),
])
def test_one_letter_starts_and_abbreviations(screen, text, surface, term):
    assert drugs(screen(text))[surface]["term"] == term


@pytest.mark.parametrize("text", ["I had a bad day", "i think it helped"])
def test_a_and_i_never_start_a_drug_name(screen, text):
    assert drugs(screen(text)) == {}


@pytest.mark.parametrize(("text", "surface", "ingredients"), [
    # chemotherapy regimen acronyms (+pv10): one span, coded to the regimen's ingredients
    ("FOLFOX gave me cold sensitivity in my fingers", "folfox",
     {"Fluorouracil", "Leucovorin", "Oxaliplatin"}),
    ("6 cycles of R-CHOP and my hair fell out", "r-chop",
     {"Rituximab", "Cyclophosphamide", "Doxorubicin", "Vincristine", "Prednisone"}),
    ("finished 4 rounds of AC-T, the neuropathy is awful", "ac-t",
     {"Doxorubicin", "Cyclophosphamide", "Paclitaxel"}),
    ("TCHP for HER2+ breast cancer, diarrhea every cycle", "tchp",
     {"Docetaxel", "Carboplatin", "Trastuzumab", "Pertuzumab"}),
    ("ABVD for Hodgkins, bone pain every time", "abvd",
     {"Doxorubicin", "Bleomycin", "Vinblastine", "Dacarbazine"}),
    ("gem/cis every three weeks, nausea for days", "gem/cis", {"Gemcitabine", "Cisplatin"}),
])
def test_regimen_acronyms_are_coded_to_their_ingredients(screen, text, surface, ingredients):
    # when
    mention = drugs(screen(text))[surface]
    # then: a combination of exactly the regimen's drugs, found exactly
    assert mention["drug_kind"] == "combination"
    assert {i["term"] for i in mention["ingredients"]} == ingredients
    assert mention["fuzzy"] is False


def test_a_two_drug_regimen_written_with_a_slash_is_two_drugs(screen):
    # "Carbo/Taxol": two names joined by "/" are two spans (docs/annotation.md)
    found = drugs(screen("Carbo/Taxol for ovarian cancer, 6 rounds"))
    assert found["carbo"]["term"] == "Carboplatin"
    assert "taxol" in found


@pytest.mark.parametrize(("text", "found"), [
    # "carbo" is carboplatin only where the post takes it; "carbo loading" is food
    ("I'm carbo loading before the marathon", set()),
    ("on carbo every 3 weeks and so tired", {"carbo"}),
    # "Nurofen plus paracetamol" is two drugs, not the codeine product Nurofen Plus
    ("I took Nurofen plus paracetamol for the pain", {"nurofen", "paracetamol"}),
    # "the RSV shot" names no one product (Arexvy, Abrysvo, nirsevimab for babies)
    ("My baby got the RSV shot and was fussy", set()),
])
def test_ambiguous_extras_are_drugs_only_where_they_are(screen, text, found):
    # when / then
    assert set(drugs(screen(text))) == found


@pytest.mark.parametrize("text", [
    # regimen letters that are ordinary text far more often: not in the dictionary (+pv10)
    "turn the AC on, it's too hot",
    "using the AC all night for the hot flashes",
    "my TC was 210 and LDL 130",
    "chop the onions and rest",
    "she's a gem, my GP",
    "the night nurse came in at 2am",
    "tch tch, what a mess",
])
def test_regimen_letters_in_ordinary_text_are_not_drugs(screen, text):
    # when / then
    assert drugs(screen(text)) == {}


def test_enteric_coated_and_a_product_line_stay_as_before(screen):
    # "EC-" is enteric coated, "Pepcid AC" a product line: neither is a regimen
    assert set(drugs(screen("EC-Naprosyn 500 twice a day for my back"))) == {"naprosyn"}
    assert drugs(screen("Pepcid AC worked fine"))["pepcid ac"]["term"] == "Famotidine"


@pytest.mark.parametrize(("text", "surface", "term"), [
    # vaccines by brand or disease (+pv10)
    ("got Arexvy yesterday and my arm is sore", "arexvy",
     "Respiratory syncytial virus vaccine, adjuvanted"),
    ("Capvaxive gave me a headache", "capvaxive", "Pneumococcal conjugate vaccine"),
    ("Heplisav second dose and so tired", "heplisav", "Hepatitis B Vaccine"),
    # UK / IE / AU over-the-counter brands with their ingredients (+pv10)
    ("Lemsip makes me drowsy", "lemsip", "Acetaminophen/phenylephrine"),
    ("Solpadeine Max constipated me badly", "solpadeine max", "Acetaminophen and Codeine"),
    ("Strepsils numbed my throat", "strepsils", "Amylmetacresol/dichlorobenzyl alcohol"),
    # a US brand the registry coded to one of its two ingredients
    ("Auvelity gave me dizziness", "auvelity", "Bupropion/dextromethorphan"),
])
def test_vaccine_otc_and_recent_brands(screen, text, surface, term):
    # when
    mention = drugs(screen(text))[surface]
    # then
    assert (mention["term"], mention["fuzzy"]) == (term, False)
