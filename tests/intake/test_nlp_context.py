"""Context attributes on event mentions, with forum phrasing."""

import pytest

from tests.intake.conftest import events

CASES = [
    # text, event, expected (attributes not named are False, role defaults to reaction)
    ("no headaches on zoloft so far", "headaches", {"negated": True}),
    ("prozac, no nausea but terrible insomnia", "terrible insomnia", {}),
    ("prozac, no nausea but terrible insomnia", "nausea", {"negated": True}),
    ("no side effects except headaches on celexa", "headaches", {}),
    ("seroquel; no dry mouth; heavy sleepiness", "heavy sleepiness", {}),
    ("zoloft made me yawn all day, no headaches tho", "headaches", {"negated": True}),
    ("my doctor said lexapro could cause weight gain", "weight gain", {"hypothetical": True}),
    ("if I get headaches on zoloft I'll stop", "headaches", {"hypothetical": True}),
    ("anyone else get brain zaps on effexor?", "brain zaps", {"hypothetical": True}),
    ("I could barely sleep on wellbutrin", "barely sleep", {}),
    ("I used to get migraines before I started topamax", "migraines", {"historical": True}),
    ("never had headaches before taking lipitor", "headaches", {}),
    ("my mom gets migraines on her estrogen", "migraines", {"family": True, "role": "other"}),
    ("depression runs in my family, I take prozac", "depression",
     {"family": True, "role": "other"}),
    ("I take zoloft for my depression", "depression", {"role": "indication"}),
    ("gabapentin helps my nerve pain", "nerve pain", {"role": "indication"}),
    ("zoloft for my anxiety but it gave me insomnia", "insomnia", {}),
    ("lexapro made my anxiety worse", "anxiety worse", {}),
]


@pytest.mark.parametrize(("text", "event", "expected"), CASES)
def test_context(screen, text, event, expected):
    m = events(screen(text))[event]
    want = {"negated": False, "hypothetical": False, "historical": False, "family": False,
            "role": "reaction", **expected}
    assert {k: m[k] for k in want} == want


def test_withdrawal_is_flagged(screen):
    m = events(screen("effexor withdrawal gave me brain zaps"))["brain zaps"]
    assert m["withdrawal"] is True
    assert m["role"] == "reaction"
