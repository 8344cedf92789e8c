"""Drug mentions, round 3 of issue 18: the general causes behind the drug errors of the forum
dev sets (one-letter names before a full stop, supplements taken as products, form words
outside the span, lab readings that are no product)."""

import pytest

from coding.nlp.text import tokenizer

from .conftest import drugs


@pytest.mark.parametrize(("text", "pieces"), [
    ("and vitamin D. we asked", ["and", "vitamin", "D", ".", "we", "asked"]),
    ("take vitamin c. also", ["take", "vitamin", "c", ".", "also"]),
    # abbreviations of more than one letter keep their stops
    ("at 8 a.m. in the U.S. e.g. Dr. Smith", ["at", "8", "a.m.", "in", "the", "U.S.", "e.g.",
                                              "Dr.", "Smith"]),
])
def test_a_full_stop_after_a_one_letter_word_is_split_off(text, pieces):
    # when / then
    assert [t.text for t in tokenizer()(text)] == pieces


@pytest.mark.parametrize(("text", "surface"), [
    ("i take fish oil and vitamin D. we asked the nurse", "vitamin d"),
    ("i already take vitamin C. also my periods are heavier", "vitamin c"),
])
def test_a_vitamin_before_a_full_stop_is_found(screen, text, surface):
    # when
    found = drugs(screen(text))
    # then: the span stops before the full stop
    assert surface in found
    assert found[surface]["end"] - found[surface]["start"] == len(surface)


@pytest.mark.parametrize(("text", "surface"), [
    ("i take garlic pills for my blood pressure", "garlic"),
    ("he also takes potassium pills and metolazone", "potassium"),
    ("started procardia XL 30 for my Raynaud's", "procardia"),
    ("started estradiol patch .05 at night", "estradiol"),
    ("moderna booster #3 gave me a swollen lymph node", "moderna"),
    ("tried cinnamon capsules 1g a day", "cinnamon"),
])
def test_form_words_are_outside_the_drug_span(screen, text, surface):
    # when / then: the name alone, without pills / XL / patch / booster / capsules
    assert surface in drugs(screen(text))


def test_a_form_word_stays_when_the_name_alone_is_no_drug(screen):
    # given "flu" alone names no product
    # when / then
    assert "flu shot" in drugs(screen("the flu shot gave me a sore arm"))


@pytest.mark.parametrize(("text", "surface"), [
    ("i also take iron because my periods are heavy", "iron"),
    ("she also takes fosamax and calcium and her joints ache", "calcium"),
    ("shes on calcium and vitamin d too", "calcium"),
    ("now its iron infusions every month", "iron"),
    ("started vitamin D3 with K2 for osteopenia", "k2"),
    ("Iron made me so constipated", "iron"),
])
def test_a_food_or_lab_word_is_a_drug_where_the_post_takes_it(screen, text, surface):
    # when / then
    assert surface in drugs(screen(text))


@pytest.mark.parametrize(("text", "surface"), [
    ("my iron was low on the last blood test", "iron"),
    ("i was low on iron after the bleed", "iron"),
    ("my potassium was high so they cut the dose", "potassium"),
    ("i eat garlic with everything", "garlic"),
])
def test_a_food_or_lab_word_is_no_drug_elsewhere(screen, text, surface):
    # when / then
    assert surface not in drugs(screen(text))


@pytest.mark.parametrize(("text", "surface"), [
    ("turns out my b12 was low, really low", "b12"),
    ("ASK for a b12 level every year", "b12"),
    ("my uric acid went up and i got gout", "uric acid"),
    ("doc said HCTZ raises uric acid", "uric acid"),
    ("they also checked his cortisol", "cortisol"),
])
def test_a_lab_reading_is_no_product(screen, text, surface):
    # when / then
    assert surface not in drugs(screen(text))


def test_a_vitamin_taken_is_still_a_product(screen):
    # when / then: no reading follows
    assert "b12" in drugs(screen("b12 shots monthly helped my energy"))


@pytest.mark.parametrize(("text", "kind"), [
    ("my daughter was put on metformin for insulin resistance and PCOS", None),  # the event's
    ("i read it helps insulin work better", "class"),
])
def test_bare_insulin_is_a_class_or_part_of_an_event(screen, text, kind):
    # when
    found = drugs(screen(text))
    # then: never a specific product
    assert found.get("insulin", {}).get("drug_kind") == kind


@pytest.mark.parametrize(("text", "surface"), [
    ("just a tip if the citrate form is rough on you", "citrate"),
    ("people have trouble with amlodipine at 10 but 5 is fine", "at 10"),
])
def test_salt_words_and_stop_word_names_are_no_drugs(screen, text, surface):
    # when / then
    assert surface not in drugs(screen(text))


@pytest.mark.parametrize(("text", "surface", "term"), [
    ("i take it with my multivitamin in the evening", "multivitamin", "Multivitamin"),
    ("taking prenatal vitamins still", "prenatal vitamins", "Prenatal vitamin"),
    ("i take glucosamine with chondroitin for my knees", "chondroitin", "Chondroitin"),
    ("my herbalist added hawthorn for my heart", "hawthorn", "Hawthorn leaf with flower"),
    ("she takes vitamin D and inositol", "inositol", "Inositol"),
    ("I take florastor whenever im on antibiotics", "florastor", "Saccharomyces boulardii"),
    ("never took progesterone after the surgery", "progesterone", "Progesterone"),
    ("took Nyquil for a week", "nyquil", "Acetaminophen/dextromethorphan/doxylamine"),
    ("off the simva now, on pravastatin", "simva", "Simvastatin"),
])
def test_supplements_hormones_and_lay_names(screen, text, surface, term):
    # when / then
    assert drugs(screen(text))[surface]["term"] == term


@pytest.mark.parametrize(("text", "surface"), [
    ("uric acid 4.9 and no flares", "uric acid"),
    ("my uric acid sits at 5.5 now", "uric acid"),
    ("her digoxin level was high (toxic)", "digoxin"),
    ("Labs: potassium high at 6.0", "potassium"),
    ("potassium and magnesium were both low", "magnesium"),
    ("The endo checks her B12 once a year", "b12"),
    ("the hematologist said heparin induced thrombocytopenia", "heparin"),
    ("ER said mild serotonin syndrome from the combo", "serotonin"),
    ("Vascepa 2 caps twice a day", "caps"),
])
def test_values_levels_and_condition_names_are_no_products(screen, text, surface):
    # when / then
    assert surface not in drugs(screen(text))


def test_a_dose_after_a_vitamin_is_no_value(screen):
    # when / then: "vitamin d" is taken in doses; only value-only analytes read numbers
    assert "vitamin d" in drugs(screen("i take vitamin D 5000 for 6 months"))


@pytest.mark.parametrize(("text", "surface", "term"), [
    ("If your doc starts you on allo, ask for colchicine", "allo", "Allopurinol"),
    ("I'm on HCQ 400 a day for RA", "hcq", "Hydroxychloroquine"),
    ("used my nitro spray for the first time", "nitro", "Nitroglycerin"),
    ("now taking mag glycinate 400", "mag glycinate", "Magnesium"),
])
def test_clipped_and_abbreviated_names(screen, text, surface, term):
    # when / then
    assert drugs(screen(text))[surface]["term"] == term


@pytest.mark.parametrize(("text", "surface"), [
    ("the pharmacist said diltiazem raises simvastatin levels", "simvastatin"),
    ("i take vitamin D high dose in winter", "vitamin d"),
    ("the doctor gave him potassium by mouth", "potassium"),
])
def test_a_level_or_state_word_without_a_reading_keeps_the_drug(screen, text, surface):
    # when / then
    assert surface in drugs(screen(text))


@pytest.mark.parametrize(("text", "surface"), [
    ("Metop tartrate 25 twice a day after my bypass", "metop tartrate"),
    ("Does Advil PM make anyone else feel hungover?", "advil pm"),
    ("took Claritin-D for hay fever", "claritin-d"),
    ("had been on Benicar HCT for years", "benicar hct"),
])
def test_salt_words_and_product_line_letters_belong_to_the_name(screen, text, surface):
    # when / then
    assert surface in drugs(screen(text))


def test_strength_letters_stay_out(screen):
    # when / then: "DS" is a strength (double strength), like a dose
    assert "bactrim" in drugs(screen("the urgent care doc gave me Bactrim DS"))


def test_a_misspelt_generic_known_by_mesh_only_is_fuzzy_matched(screen):
    # when
    found = drugs(screen("alendranate 70 weekly for osteoporosis"))
    # then
    assert found["alendranate"]["fuzzy"] is True


@pytest.mark.parametrize(("text", "surface"), [
    ("my albuterol inhaler was back in use", "albuterol"),
    ("the Humira pen stings every time", "humira"),
    ("hydrocortisone cream helped the rash", "hydrocortisone"),
    ("ProAir HFA twice a day", "proair"),
])
def test_device_and_topical_form_words_are_outside_the_span(screen, text, surface):
    # when / then
    assert surface in drugs(screen(text))


def test_a_unii_brand_whose_salt_ends_in_ate_resolves(screen):
    # given "ANORO ELLIPTA COMPONENT VILANTEROL TRIFENATATE" (an -ate ester the salt list
    # lacks) when / then: the brand is known
    assert drugs(screen("Anoro made my mouth dry"))["anoro"]["drug_kind"] != "class"


@pytest.mark.parametrize(("text", "surface", "term"), [
    ("i take vit D3 and vit E daily", "vit d3", "Cholecalciferol"),
    ("B-12 shots monthly", "b-12", "Vitamin B 12"),
    ("Sudafed PE made my heart race", "sudafed pe", "Phenylephrine"),
    ("Advil PM at night", "advil pm", "Diphenhydramine/ibuprofen"),
    ("had been on Benicar HCT for years", "benicar hct", "Hydrochlorothiazide/olmesartan"),
])
def test_abbreviations_and_product_lines_are_coded_as_the_product(screen, text, surface, term):
    # when / then
    assert drugs(screen(text))[surface]["term"] == term
