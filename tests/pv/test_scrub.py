"""The outbound free-text scrubber (pure): Restricted values and contact patterns."""

from __future__ import annotations

import pytest

from pv.privacy.scrub import MARKER, scrub_text

RESTRICTED = ("Jane Doe", "jane.doe@x.org", "+1 (610) 222-7777")


@pytest.mark.parametrize(
    "variant",
    [
        "Jane Doe",
        "jane doe",
        "JANE  DOE",
        "Jane.Doe",
        "jane_doe",
        "Jane-Doe",
        "JaneDoe",
    ],
)
def test_restricted_name_variants_are_removed(variant):
    assert scrub_text(f"Hi, I'm {variant} and I got a rash", RESTRICTED) == (
        f"Hi, I'm {MARKER} and I got a rash"
    )


def test_parts_of_a_restricted_name_are_removed_but_not_inside_words():
    out = scrub_text("Signed: Jane. Doe family. Annual janelle checkup.", RESTRICTED)
    assert "Jane" not in out
    assert "Doe" not in out
    assert "Annual janelle checkup" in out


def test_restricted_email_and_phone_in_any_spelling():
    text = "mail JANE.DOE@X.ORG or jane doe @ x . org, ring 610-222-7777 or +1 610 222 7777"
    out = scrub_text(text, RESTRICTED)
    assert "jane" not in out.lower()
    assert "222" not in out


@pytest.mark.parametrize(
    "contact",
    [
        "someone.else@example.com",
        "bob (at) example (dot) com",
        "https://example.com/me",
        "www.example.org/profile",
        "+44 20 7946 0958",
        "(555) 123-4567",
        "07700 900123",
        "13 Elm St.",
        "221B Baker Street",
        "@someone_else",
    ],
)
def test_contact_patterns_are_removed_without_restricted_values(contact):
    out = scrub_text(f"contact {contact} please")
    assert out == f"contact {MARKER} please"


@pytest.mark.parametrize(
    "clinical",
    [
        "took 500 mg twice daily on 2024-01-15",
        "ALT 1234.5 U/L, platelets 150000",
        "3 days all the way through, told by dr",
        "dose 1000 mg for 12 weeks (2023/11/02 to 2024/01/25)",
    ],
)
def test_clinical_text_is_left_alone(clinical):
    assert scrub_text(clinical) == clinical


def test_empty_text_and_no_values():
    assert scrub_text("") == ""
    assert scrub_text("nothing to see", ["", "  "]) == "nothing to see"
