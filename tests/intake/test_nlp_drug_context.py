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
