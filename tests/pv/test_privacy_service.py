"""The partner/intake scrubbers know every registered member (pv.services.privacy)."""

from __future__ import annotations

import pytest

from pv.models import AuditEvent
from pv.privacy.scrub import MARKER
from pv.services.members import member_register
from pv.services.privacy import (
    intake_scrubber,
    known_members,
    known_members_forget,
    partner_scrubber,
)
from pv.vault import vault_identity_store
from tests.conftest import CANARY_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_automaton():
    known_members_forget()
    yield
    known_members_forget()


def _register(source_id: str, name: str, email: str, phone: str = ""):
    return member_register(actor="test", source_id=source_id, name=name, email=email, phone=phone)


def _reads(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_other_members_values_are_scrubbed_with_one_audit_event_per_build(canary_member):
    # given three other registered members
    _register("m-1", "Ottilie Brandt", "o.brandt1983@example.de", "+49 30 12345678")
    _register("m-2", "Jean-Luc Moreau", "jlm@example.fr")
    _register("m-3", "Mia Visser", "mia.v@example.nl", "+31 6 12345678")
    per_member, bulk = _reads("vault.identity_read"), _reads("vault.identities_read")
    # when a partner scrubber for the canary's case scrubs a follow-up answer naming them
    scrub = partner_scrubber(member=canary_member, actor="test")
    text = (
        "I asked BRANDT, Ottilie and jean luc moreau; Mia's number is +31 (0)6 1234 5678 and "
        "mail o dot brandt1983 at example dot de"
    )
    out = scrub(text)
    # then all of them are gone
    for leak in ("Brandt", "BRANDT", "moreau", "1234", "brandt1983"):
        assert leak not in out, out
    assert out.startswith(f"I asked {MARKER} and {MARKER}; Mia's number is {MARKER}")
    # and reading every member took one bulk audit event (plus the case member's own read)
    assert _reads("vault.identities_read") == bulk + 1
    assert _reads("vault.identity_read") == per_member + 1
    event = AuditEvent.objects.filter(action="vault.identities_read").order_by("seq").last()
    assert event.after["purpose"] == "scrubbing" and event.after["count"] == 4
    assert "Brandt" not in str(event.after)


def test_the_automaton_is_reused_until_a_member_registers_or_changes(canary_member):
    # given a built automaton
    known_members(actor="test")
    bulk = _reads("vault.identities_read")
    # when nothing changes, no vault read happens
    known_members(actor="test")
    assert _reads("vault.identities_read") == bulk
    assert "Ottilie Brandt" in partner_scrubber(actor="test")("by Ottilie Brandt")
    # when a member registers, the next scrubber knows them (one audited read of the new rows)
    member = _register("m-1", "Ottilie Brandt", "ottilie@example.de")
    assert partner_scrubber(actor="test")("by Ottilie Brandt") == f"by {MARKER}"
    assert _reads("vault.identities_read") == bulk + 1
    assert AuditEvent.objects.order_by("seq").last().after["since"] is not None
    # and when they change their name, the new name is known too (the old one stays redacted)
    vault_identity_store(
        member=member, name="Ottilie Kramer", email="ottilie@example.de", actor="test"
    )
    out = partner_scrubber(actor="test")("Ottilie Kramer, née Ottilie Brandt")
    assert out == f"{MARKER}, née {MARKER}"


def test_other_members_are_matched_by_full_name_not_by_first_name(canary_member):
    _register("m-1", "Rose Hope", "rh@example.org")
    scrub = partner_scrubber(member=canary_member, actor="test")
    assert scrub("Rose felt hope again") == "Rose felt hope again"
    # the case member's own first name alone goes (members sign with it)
    first = CANARY_NAME.split()[0]
    assert scrub(f"thanks, {first}") == f"thanks, {MARKER}"


def test_intake_scrubber_minimises_with_the_same_mechanism(canary_member):
    _register("m-1", "Ottilie Brandt", "ottilie@example.de")
    scrub = intake_scrubber(member=canary_member, actor="test")
    text = (
        f"{CANARY_NAME.upper()} here, born 17 April 1983. My husband Jean-Luc and "
        "Ottilie Brandt both saw the rash. Call 0161 496 0000."
    )
    out = scrub(text)
    assert out == (
        # "Jean-Luc and Ottilie Brandt" reads as a list of names after "my husband": one span
        f"{MARKER} here, born 1983. My husband {MARKER} both saw the rash. Call {MARKER}."
    )
    assert partner_scrubber(member=canary_member, actor="test")(text) == out
