"""No canary survives the scrubber, however it is written (property-based).

Given a canary member and an obfuscated written form of one of their values inside realistic
text, the scrubbed text holds no needle of it (tests/privacy/canaries.py is the yardstick: its
normalisation is independent of the scrubber's). Three situations:
- the text is the member's own (their values passed as `restricted_values`): full values and
  name parts alone must go;
- the text is another member's (the canary is only in `known`, among decoy members): full
  names, emails and phones must go;
- nobody registered the values: emails and phones must still go as contact patterns.
"""

from __future__ import annotations

import os

import phonenumbers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pv.privacy.known import KnownValues
from pv.privacy.scrub import MARKER, scrub_text
from tests.privacy.canaries import (
    canary_texts,
    identities,
    survivors,
)

# Examples per property; README's Privacy section gives the count and a deep run's
# (PV_CANARY_EXAMPLES=5000 .venv/bin/pytest tests/privacy).
EXAMPLES = int(os.environ.get("PV_CANARY_EXAMPLES", "200"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
DECOYS = [
    ("Maria Garcia", "maria.garcia@example.org", "+34 612 345 678"),
    ("John Smith", "jsmith1970@example.com", "(212) 555-0188"),
    ("Li Wei", "li.wei@example.cn", "+86 139 1234 5678"),
]


@SETTINGS
@given(canary_texts())
def test_no_canary_survives_in_the_members_own_text(drawn):
    # given a member who wrote one of their own values, obfuscated, into a post
    identity, kind, text = drawn
    # when the post is scrubbed with the member's own values
    out = scrub_text(text, identity.values())
    # then not even a bare first or last name is left
    assert survivors(identity, out, parts=True) == [], (kind, text, out)


@SETTINGS
@given(canary_texts())
def test_no_canary_survives_in_another_members_text(drawn):
    # given a registered member's value written into someone else's text
    identity, kind, text = drawn
    known = KnownValues.build([*DECOYS, identity.values()])
    # when the text is scrubbed with all members' values (not the canary's as own values)
    out = scrub_text(text, ("Quentin Other", "other@example.net"), known=known)
    # then none of the canary's values is left
    assert survivors(identity, out) == [], (kind, text, out)


@SETTINGS
@given(canary_texts().filter(lambda d: d[1] != "name"))
def test_unregistered_emails_and_phones_are_removed_as_contact_patterns(drawn):
    identity, kind, text = drawn
    out = scrub_text(text)
    left = [k for k in survivors(identity, out) if k in ("email", "phone")]
    assert left == [], (kind, text, out)


@settings(max_examples=200, deadline=None)
@given(identities())
def test_canary_phones_are_real_numbers_and_the_oracle_sees_plain_values(identity):
    # The yardstick itself: phones are valid for libphonenumber, and plain values are found.
    assert phonenumbers.is_valid_number(phonenumbers.parse(identity.phone))
    text = f"{identity.name}, {identity.email}, {identity.phone}"
    assert {"name", "email", "phone", "first name", "last name"} <= set(
        survivors(identity, text, parts=True)
    )
    assert survivors(identity, scrub_text(text, identity.values()), parts=True) == []
    assert MARKER in scrub_text(text, identity.values())


@settings(max_examples=100, deadline=None)
@given(identities(), st.sampled_from(["Jane", "Doe", "rash", "sertraline"]))
def test_other_members_first_names_alone_are_kept(identity, word):
    # Matching every member's bare first name would redact ordinary words and names of
    # nobody in particular; only full names, emails and phones of other members go.
    known = KnownValues.build([identity.values(), ("Jane Doe", "jd@example.org", "")])
    text = f"{identity.first} said {word} was fine"
    assert scrub_text(text, known=known) == text
