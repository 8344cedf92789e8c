"""The ICSR goes through the one partner-output path: every snapshot string not declared safe
is scrubbed, so a member's phone in a drug route never reaches a partner's XML."""

from __future__ import annotations

import dataclasses

import pytest
from django.utils import timezone

from pv.privacy.tree import string_paths
from submissions.e2b import snapshot as snap
from submissions.snapshots import E2B_SAFE, case_to_snapshot
from tests.conftest import CANARY_EMAIL, CANARY_NAME, CANARY_PHONE, assert_no_canary

pytestmark = pytest.mark.django_db


def _declared_paths(cls, prefix: str = "") -> set[str]:
    out = set()
    for f in dataclasses.fields(cls):
        path = f"{prefix}{f.name}"
        out.add(path)
        for inner in _dataclass_types(f.type):
            out |= _declared_paths(inner, f"{path}.")
    return out


def _dataclass_types(annotation) -> list:
    text = str(annotation)
    return [
        getattr(snap, name)
        for name in dir(snap)
        if dataclasses.is_dataclass(getattr(snap, name))
        and name in text.replace("|", " ").split()
        or f"[{name}]" in text
    ]


def test_safe_snapshot_paths_exist():
    known = _declared_paths(snap.CaseSnapshot)
    assert not sorted(E2B_SAFE - known)


def test_a_route_typed_with_the_members_phone_never_reaches_the_xml(canary_member, reviewer):
    # given a case stored before minimisation (an older row), with canaries everywhere
    from pv.models import Case, CaseDrug, CaseReaction

    case = Case.objects.create(
        worldwide_case_id="US-T-1",
        sender_report_id="US-T-1",
        received_at=timezone.now(),
        latest_info_at=timezone.now(),
        member=canary_member,
        narrative=f"{CANARY_NAME} wrote",
        medical_history=[f"asthma {CANARY_EMAIL}"],
    )
    CaseDrug.objects.create(
        case=case,
        name_reported=f"Zoloft {CANARY_NAME}",
        route=f"oral {CANARY_PHONE}",
        dose_text=f"50 mg {CANARY_EMAIL}",
        indication_reported=f"low mood, {CANARY_PHONE}",
    )
    CaseReaction.objects.create(case=case, reported_term=f"insomnia {CANARY_NAME}")
    # when
    snapshot = case_to_snapshot(case=case, actor=reviewer)
    # then no string of the snapshot (what the builder serialises) holds a canary
    strings = list(_strings(snapshot))
    assert strings
    for value in strings:
        assert_no_canary(value)
    assert "oral" in {d.route_text.split()[0] for drug in snapshot.drugs for d in drug.dosages}
    assert string_paths(snapshot)  # the walker sees the dataclass tree


def _strings(value):
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            if f.name != "restricted_values":
                yield from _strings(getattr(value, f.name))
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item)
