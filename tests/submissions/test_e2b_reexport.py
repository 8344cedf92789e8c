"""Lossless cases through the database: import an FDA example, export it, compare element by
element (issue 17: re-sending must not lose or change data; pre-market keeps its route)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.core.management import call_command

from pv.models import Case, Partner
from submissions.e2b import errors, parse_batch
from submissions.e2b.safexml import read_file
from submissions.importer import case_import_snapshot
from submissions.services import case_e2b_build

from .e2b_cases import fda_examples
from .lossless import unexpected_differences

pytestmark = pytest.mark.django_db

FDA = Partner(name="export", e2b_profile="fda", e2b_receiver_id="ZZFDA")


def _import(path):
    batch = parse_batch(read_file(str(path)))
    case, created = case_import_snapshot(snapshot=batch.cases[0], actor="test", route=batch.header)
    assert created
    return case


def _export(case, kind="initial"):
    xml, _snapshot, failures = case_e2b_build(
        case=case, recipient=FDA, kind=kind, batch_number=uuid.uuid4().hex, actor="test")
    return xml, failures


def test_pre_market_route_and_carried_flags_survive():
    path = next(p for p in fda_examples() if p.name == "FAERS2022Scenario3.xml")
    received = parse_batch(read_file(str(path)))
    case = _import(path)
    exported = parse_batch(_export(case)[0])
    assert exported.header.receiver_id == received.header.receiver_id == "ZZFDA_PREMKT"
    assert exported.header.message_receiver_id == received.header.message_receiver_id
    mine, theirs = exported.cases[0], received.cases[0]
    assert (mine.first_sender, mine.expedited) == (theirs.first_sender, theirs.expedited)
    assert mine.fda == theirs.fda
    assert (mine.first_received, mine.most_recent) == (theirs.first_received, theirs.most_recent)
    # D.1 is masked by policy (received as initials)
    assert theirs.patient.initials == "JD"
    assert mine.patient.initials == "MSK"


def test_reviewer_change_is_sent_and_the_rest_is_kept():
    from pv.services.cases import case_version_create

    path = next(p for p in fda_examples() if p.name == "FAERS2022Scenario1.xml")
    case = _import(path)
    # when a reviewer corrects the narrative in a new version
    new = case_version_create(actor="test", case=case, kind="amendment", reason="typo",
                              changes={"narrative": "Corrected narrative."})
    xml, failures = _export(new, kind="amendment")
    # then the change goes out and nothing else received is lost
    diffs = unexpected_differences(read_file(str(path)), xml)
    assert [d.split("]")[0] for d in diffs] == ["[H.1", "[C.1.11.1", "[C.1.11.2"]
    assert b"Corrected narrative." in xml


def test_imported_follow_up_keeps_the_senders_c15(tmp_path):
    path = next(p for p in fda_examples() if p.name == "FAERS2022Scenario1.xml")
    case = _import(path)
    later = read_file(str(path)).replace(b'<availabilityTime value="20220614101010-0500"/>',
                                         b'<availabilityTime value="20220701093000-0400"/>')
    follow_up = tmp_path / "followup.xml"
    follow_up.write_bytes(later)
    call_command("e2b", "import", str(follow_up))
    latest = Case.objects.get(worldwide_case_id=case.worldwide_case_id, is_latest=True)
    assert latest.version == 2
    exported = parse_batch(_export(latest, kind="followup")[0]).cases[0]
    assert exported.most_recent.isoformat() == "2022-07-01T09:30:00-04:00"


def _rows(case):
    from pv.services.cases import DRUG_FIELDS, REACTION_FIELDS

    drugs = [{f: getattr(d, f) for f in DRUG_FIELDS} for d in case.drugs.all()]
    reactions = [{f: getattr(r, f) for f in REACTION_FIELDS} for r in case.reactions.all()]
    return drugs, reactions


def test_reviewer_row_changes_replace_only_their_elements():
    from pv.services.cases import case_version_create

    # given Scenario 5-3 (its G.k.1 = 4 assessment points at a drug with no G.k block: kept)
    path = next(p for p in fda_examples() if p.name == "FAERS2022Scenario5-3.xml")
    case = _import(path)
    drugs, reactions = _rows(case)
    # when a reviewer corrects a reaction's outcome and that drug's dosage text
    reactions[0]["outcome"] = "1"
    drugs[0]["dose_text"] = "one tablet"
    new = case_version_create(actor="test", case=case, kind="amendment", reason="review",
                              drugs=drugs, reactions=reactions)
    xml, failures = _export(new, kind="amendment")
    # then exactly those elements change (G.k.1 = 4 included, it does not), nothing is lost
    diffs = unexpected_differences(read_file(str(path)), xml)
    # (that drug had no dosage: its first G.k.4.r block appears, holding only the text)
    assert sorted({d.split("]")[0][1:] for d in diffs}) == [
        "C.1.11.1", "C.1.11.2", "E.i.7", "G.k.4.r"]
    assert sum(d.startswith("[G.k.4.r]") for d in diffs) == 1
    assert b"one tablet" in xml
    assert [str(f) for f in errors(failures)] == []


def test_added_reaction_is_sent_with_the_received_ones():
    from pv.services.cases import case_version_create

    path = next(p for p in fda_examples() if p.name == "FAERS2022Scenario1.xml")
    case = _import(path)
    drugs, reactions = _rows(case)
    added = {**reactions[0], "reported_term": "headache", "code": "10019211", "outcome": "0"}
    new = case_version_create(actor="test", case=case, kind="followup", reason="new event",
                              drugs=drugs, reactions=[*reactions, added])
    exported = parse_batch(_export(new, kind="followup")[0]).cases[0]
    assert [r.term.code for r in exported.reactions][-1] == "10019211"
    assert len(exported.reactions) == len(parse_batch(read_file(str(path))).cases[0].reactions) + 1


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in fda_examples()])
def test_cli_import_then_export_to_fda(path, tmp_path, capsys):
    # given an example imported with `pv e2b import` (FDA's examples share worldwide case ids,
    # so each goes into its own database: together they would be versions of one another)
    call_command("e2b", "import", str(path))
    case_id = parse_batch(read_file(str(path))).cases[0].case_id
    # when it is exported with `pv e2b export --case ID --profile fda`
    call_command("e2b", "export", "--case", case_id, "-o", str(tmp_path), "--profile", "fda")
    # then the file is valid and holds what was received
    assert ": OK (fda)" in capsys.readouterr().out
    (written,) = tmp_path.glob("*.xml")
    assert unexpected_differences(read_file(str(path)), written.read_bytes()) == []


def test_reviewer_edits_of_partly_kept_parts_replace_them():
    from pv.services.cases import case_version_create

    # given Scenario 1: its first drug's indication (G.k.7.r) and dosage dates (an effectiveTime
    # received as nullFlavor ASKU) are held as received, beyond what the typed model rebuilds
    path = next(p for p in fda_examples() if p.name == "FAERS2022Scenario1.xml")
    case = _import(path)
    drugs, reactions = _rows(case)
    # when a reviewer rewrites the indication and gives the dosage a start date
    drugs[0]["indication_reported"] = "deep vein thrombosis"
    drugs[0]["start_date"] = date(2014, 10, 1)
    new = case_version_create(actor="test", case=case, kind="amendment", reason="review",
                              drugs=drugs, reactions=reactions)
    xml, failures = _export(new, kind="amendment")
    # then pv's values replace the received ones (once each) and the message is valid
    exported = parse_batch(xml).cases[0]
    assert [i.text for i in exported.drugs[0].indications] == ["deep vein thrombosis"]
    assert exported.drugs[0].dosages[0].start == date(2014, 10, 1)
    assert [str(f) for f in errors(failures)] == []
