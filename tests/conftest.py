"""Shared fixtures: an API client, one user per role, canary Restricted Data."""

from __future__ import annotations

from pathlib import Path

import pytest
from rest_framework.test import APIClient

from pv.models import Partner, User
from pv.services.members import member_register
from pv.services.users import user_create

REPO = Path(__file__).resolve().parent.parent
# Reference data the tests read: shipped in the repository (each folder has a SOURCE.md), laid
# out like the team's shared folder so paths read the same.
DATA = REPO / "tests" / "data"
SHARED = DATA

# Canary Restricted Data: must never appear in anything a partner can see.
CANARY_NAME = "Zebulon Quixotewright"
CANARY_EMAIL = "zebulon.quixotewright@example.org"
CANARY_PHONE = "+1 555 0199 7731"
CANARIES = (CANARY_NAME, CANARY_EMAIL, CANARY_PHONE, "Quixotewright", "555 0199 7731", "5550199")


@pytest.fixture(autouse=True)
def _audit_anchor_file(tmp_path, settings):
    """Each test anchors the audit chain in its own file (the database is rolled back per test;
    a shared anchor file would outlive it)."""
    settings.PV_AUDIT_ANCHOR_PATH = str(tmp_path / "audit-anchors.jsonl")


@pytest.fixture(autouse=True)
def _fresh_member_scrubber():
    """Each test starts without the process's all-members automaton: the database is rolled
    back per test, so the vault's version counter repeats across tests and a cached automaton
    could belong to another test's members."""
    from pv.services.privacy import known_members_forget  # noqa: PLC0415

    known_members_forget()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def fda(db) -> Partner:
    return Partner.objects.create(
        name="FDA test",
        kind="regulator",
        country="US",
        region="US",
        e2b_receiver_id="ZZFDA",
        e2b_profile="fda",
    )


@pytest.fixture
def sponsor_a(db) -> Partner:
    return Partner.objects.create(name="Sponsor A", kind="sponsor", country="US", region="US")


@pytest.fixture
def sponsor_b(db) -> Partner:
    return Partner.objects.create(name="Sponsor B", kind="sponsor", country="DE", region="EU")


def _user(
    role: str, partner: Partner | None = None, username: str | None = None, member=None
) -> User:
    user, _, _ = user_create(
        actor="test", username=username or f"{role}-t", role=role, partner=partner, member=member
    )
    return user


@pytest.fixture
def reviewer(db) -> User:
    return _user(User.Role.REVIEWER)


@pytest.fixture
def admin_user(db) -> User:
    return _user(User.Role.ADMIN)


@pytest.fixture
def regulator(fda) -> User:
    return _user(User.Role.REGULATOR, fda)


@pytest.fixture
def sponsor_user(sponsor_a) -> User:
    return _user(User.Role.SPONSOR, sponsor_a)


@pytest.fixture
def sponsor_b_user(sponsor_b) -> User:
    return _user(User.Role.SPONSOR, sponsor_b, username="sponsor-b")


@pytest.fixture
def canary_member(db):
    return member_register(
        actor="test",
        source_id="m-canary",
        name=CANARY_NAME,
        email=CANARY_EMAIL,
        phone=CANARY_PHONE,
        birth_year=1975,
        sex="F",
        country="US",
        conditions=["migraine"],
        treatments=["sumatriptan"],
    )


@pytest.fixture
def member_user(canary_member) -> User:
    return _user(User.Role.MEMBER, member=canary_member, username="member-t")


@pytest.fixture
def users_by_role(reviewer, admin_user, regulator, sponsor_user, member_user) -> dict[str, User]:
    return {
        "reviewer": reviewer,
        "admin": admin_user,
        "regulator": regulator,
        "sponsor": sponsor_user,
        "member": member_user,
    }


def assert_no_canary(text: str) -> None:
    lowered = text.lower()
    for canary in CANARIES:
        assert canary.lower() not in lowered, f"canary {canary!r} leaked"
