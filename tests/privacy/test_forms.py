"""The canary forms against the scrubber alone (fast, many examples), and the oracle against
the forms: every form, unscrubbed, is seen by the oracle, so a clean output means no leak."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pv.privacy.scrub import scrub_text

from .canaries import embedded, identities, survivors
from .test_e2e_adversarial import EASY_FORMS, HARD_FORMS, STRONG_SCRUBBER

FORM_EXAMPLES = 150


@st.composite
def texts(draw, forms):
    identity = draw(identities())
    kind, form = draw(forms(identity))
    return identity, kind, draw(embedded(form))


@settings(max_examples=FORM_EXAMPLES, deadline=None, derandomize=True)
@given(drawn=st.one_of(texts(EASY_FORMS), texts(HARD_FORMS)))
def test_the_oracle_sees_every_form_before_scrubbing(drawn):
    identity, kind, text = drawn
    assert survivors(identity, text, parts=True), (kind, text)


@settings(max_examples=FORM_EXAMPLES, deadline=None, derandomize=True)
@given(drawn=texts(EASY_FORMS))
def test_todays_scrubber_removes_every_easy_form(drawn):
    identity, kind, text = drawn
    out = scrub_text(text, identity.values())
    assert not survivors(identity, out, parts=True), (kind, text, out)


@pytest.mark.skipif(not STRONG_SCRUBBER, reason="needs the stronger scrubber (flip the flag)")
@settings(max_examples=FORM_EXAMPLES, deadline=None, derandomize=True)
@given(drawn=texts(HARD_FORMS))
def test_the_scrubber_removes_every_hard_form(drawn):
    identity, kind, text = drawn
    out = scrub_text(text, identity.values())
    assert not survivors(identity, out, parts=True), (kind, text, out)
