"""The licensed MedDRA path end to end, on a synthetic release in MedDRA's ASCII layout that the
tests write (fake codes, labelled as a test release, never shipped as MedDRA): load it with
`pv dictionaries load --format meddra`, screen into MedDRA LLTs through the open terminology's
terms and synonyms, confirm a case, export it for an FDA-like regulator, then upgrade the
release and see moved and non-current LLTs recoded with an audit trail. The whole demo with a
test release loaded, exported and validated, is tests/coding/test_meddra_demo.py."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from coding.models import Dictionary
from coding.nlp import default_events
from coding.nlp.loaders import load_meddra
from coding.nlp.mapping import map_event, recode_llt
from intake.models import Mention, TriageItem
from intake.services.screening import items_screen
from pv.models import AuditEvent, Case, Partner
from submissions.services import case_e2b_preview
from tests.coding.meddra_release import open_pt, write_release
from tests.factories import MemberFactory, PostFactory

pytestmark = pytest.mark.django_db

INSOMNIA, HEADACHE, NAUSEA = open_pt("insomnia"), open_pt("headache"), open_pt("nausea")


def _terms(*, moved_headache: bool = False, nausea_current: bool = True) -> list[dict]:
    return [
        {"pt": ("70010001", "Insomnia"), "soc": "nervous",
         "llts": [("70020001", "Sleeplessness", True)]},
        {"pt": ("70010002", "Headache"), "soc": "nervous",
         "llts": [] if moved_headache else [("70020002", "Head pain", True)]},
        {"pt": ("70010003", "Nausea"), "llts": [("70020003", "Queasy", nausea_current)]},
        {"pt": ("70010004", "Cephalalgia"), "soc": "nervous",
         "llts": [("70020002", "Head pain", True)] if moved_headache else []},
        {"pt": ("70010005", "Sickness feeling"), "llts": [("70020005", "Feeling queasy", True)]},
    ]  # fmt: skip


@pytest.fixture(autouse=True)
def dictionary_dir(settings, tmp_path):
    settings.PV_DICTIONARY_DIR = str(tmp_path / "dictionaries")


def _load(folder) -> Dictionary:
    out = StringIO()
    call_command("dictionaries", "load", "--kind", "event", "--format", "meddra", str(folder),
                 stdout=out)  # fmt: skip
    assert "(active)" in out.getvalue()
    return Dictionary.objects.get(kind="event", is_active=True)


def test_the_test_release_reads_like_meddra(tmp_path):
    release = load_meddra(write_release(tmp_path / "r1", version="98.0", terms=_terms()))
    assert release.meta["version"] == "98.0"
    assert release.llts["sleeplessness"] == ["70010001", "Sleeplessness", "llt", "70020001"]
    assert release.path("70010001") == ["72000001", "71000001", "70000002"]


def test_open_coding_maps_to_a_current_llt_by_words_then_synonyms(tmp_path):
    target = load_meddra(write_release(tmp_path / "r1", version="98.0", terms=_terms()))
    source = default_events()
    by_text = map_event({"code": HEADACHE[0], "pt_code": HEADACHE[0], "pt": HEADACHE[1]},
                        "head pain", source=source, target=target)  # fmt: skip
    assert (by_text["code"], by_text["mapping"]["method"]) == ("70020002", "exact")
    assert by_text["pt_code"] == "70010002" and by_text["soc"] == "Test SOC nervous system"
    # "can't sleep" is no LLT of the release: the open PT's name carries it to Insomnia
    by_term = map_event({"code": INSOMNIA[0], "pt_code": INSOMNIA[0], "pt": INSOMNIA[1]},
                        "cant sleep", source=source, target=target)  # fmt: skip
    assert by_term["pt_code"] == "70010001" and by_term["mapping"]["method"] in ("term", "synonym")
    # nothing is invented for an event the release does not know
    seizure = open_pt("seizure")
    assert map_event({"code": seizure[0], "pt_code": seizure[0], "pt": seizure[1]}, "fits",
                     source=source, target=target) is None  # fmt: skip


def test_screening_codes_events_to_the_active_meddra_release_and_the_case_passes_fda(
    tmp_path, reviewer
):
    # given the test release loaded and active, and a regulator with the FDA profile
    dictionary = _load(write_release(tmp_path / "r1", version="98.0", terms=_terms()))
    Partner.objects.create(name="FDA-like", kind="regulator", country="US", region="US",
                           e2b_receiver_id="ZZFDA", e2b_profile="fda")  # fmt: skip
    # when a post is screened
    post = PostFactory(
        member=MemberFactory(),
        text="since starting zoloft i have had terrible headaches and i feel sick all day",
    )
    items_screen(kind="post", ids=[post.id])
    # then its events carry MedDRA LLTs of the release, with how they were mapped
    events = Mention.objects.filter(result__post=post, kind="event").exclude(code="")
    assert events, "the post's events were not coded"
    for mention in events:
        assert (mention.terminology, mention.terminology_version) == ("MedDRA", "98.0")
        assert mention.code.startswith("7002") or mention.code.startswith("7001")
        assert mention.details["mapped_from"]["from_terminology"].startswith("pv open")
        assert mention.pt and mention.soc.startswith("Test SOC")
    # when the reviewer confirms it, the case is coded in MedDRA and the FDA export has no
    # E.i.2.1b (MedDRA coding) error
    client = APIClient()
    client.force_authenticate(reviewer)
    item = TriageItem.objects.get(post=post)
    confirmed = client.post(f"/api/v1/triage/{item.id}/confirm/", {}, format="json")
    assert confirmed.status_code == 201, confirmed.content
    case = Case.objects.get(id=confirmed.json()["case"])
    assert {r.terminology for r in case.reactions.all()} == {"MedDRA"}
    preview = case_e2b_preview(case=case, profile="fda", actor=reviewer)
    assert not [e for e in preview["errors"] if "E.i.2.1" in e], preview["errors"]
    assert dictionary.version == "98.0"


def test_a_meddra_upgrade_recodes_moved_and_noncurrent_llts_with_an_audit_trail(tmp_path, reviewer):
    # given a case coded under release 98.0
    _load(write_release(tmp_path / "r1", version="98.0", terms=_terms()))
    post = PostFactory(member=MemberFactory(), text="zoloft gave me head pain and made me queasy")
    items_screen(kind="post", ids=[post.id])
    client = APIClient()
    client.force_authenticate(reviewer)
    item = TriageItem.objects.get(post=post)
    case = Case.objects.get(
        id=client.post(f"/api/v1/triage/{item.id}/confirm/", {}, format="json").json()["case"]
    )
    coded = {r.code: r for r in case.reactions.all()}
    assert {"70020002", "70020003"} <= set(coded), coded
    # when 99.0 moves "Head pain" under another PT and makes "Queasy" non-current
    upgraded = write_release(
        tmp_path / "r2", version="99.0", terms=_terms(moved_headache=True, nausea_current=False)
    )
    _load(upgraded)
    # then both reactions are recoded in place, the version recorded, and audited old -> new
    after = {r.reported_term: r for r in Case.objects.get(id=case.id).reactions.all()}
    head = next(r for t, r in after.items() if "head" in t)
    queasy = next(r for t, r in after.items() if "queasy" in t)
    assert (head.code, head.pt_code, head.terminology_version) == ("70020002", "70010004", "99.0")
    # the non-current "Queasy" is recoded to its PT's current LLT
    assert (queasy.code, queasy.pt_code, queasy.terminology_version) == (
        "70010003",
        "70010003",
        "99.0",
    )
    event = AuditEvent.objects.get(action="case.recoded", object_id=str(case.id))
    assert "98.0 -> 99.0" in event.reason
    methods = {c["mapping"]["method"] for c in event.after["reactions"]}
    assert methods == {"moved", "term"}
    assert {c["mapping"].get("reason") for c in event.after["reactions"]} >= {"noncurrent"}
    assert event.before["reactions"][0]["terminology_version"] == "98.0"


def test_recode_llt_leaves_an_unchanged_llt_alone(tmp_path):
    old = load_meddra(write_release(tmp_path / "a", version="98.0", terms=_terms()))
    new = load_meddra(write_release(tmp_path / "b", version="99.0", terms=_terms()))
    assert recode_llt("70020001", "Sleeplessness", old=old, new=new) is None
