"""Case work after confirmation: corrections and assessments become a new version with a reason,
audited old -> new, and reach the E2B export (causality G.k.9.i.2.r, sender's comment H.4)."""

from __future__ import annotations

import pytest

from pv.models import AuditEvent, Case
from submissions.services import case_e2b_preview
from tests.web.conftest import login

pytestmark = pytest.mark.django_db


def _form(case) -> dict:
    return {
        "kind": "amendment",
        "reason": "member's answer: she was not in hospital, her sister was",
        "seriousness": [],  # hospitalisation corrected away
        "reaction-1-onset_date": "2026-11-20",
        "reaction-1-duration": "3 d",
        "reaction-1-outcome": "1",
        "drug-1-role": "suspect",
        "drug-1-dose_text": "50 mg once a day",
        "drug-1-route": "oral",
        "drug-1-start_date": "2026-11-01",
        "drug-1-stop_date": "",
        "drug-1-action_taken": "1",
        "causality-1-1": "Probable/Likely",
        "narrative": "A woman in her forties could not sleep after starting Zoloft.",
        "sender_comments": "Plausible time to onset; positive dechallenge.",
    }


def test_case_work_makes_a_new_version_with_the_changes_and_an_audit(received_case, reviewer):
    case, _ = received_case
    assert case.hospitalisation
    c = login(reviewer)
    page = c.get(f"/cases/{case.id}/edit/").content.decode()
    assert 'name="causality-1-1"' in page and "Probable/Likely" in page
    response = c.post(f"/cases/{case.id}/edit/", _form(case))
    new = Case.objects.get(worldwide_case_id=case.worldwide_case_id, is_latest=True)
    assert response.status_code == 302 and response["Location"] == f"/cases/{new.id}/"
    assert new.version == 2 and not new.is_serious and not new.hospitalisation
    assert new.narrative.startswith("A woman in her forties")  # replaced, not appended
    assert new.sender_comments.startswith("Plausible")
    assert new.assessments == [{"drug": 1, "reaction": 1, "result": "Probable/Likely",
                                "method": "WHO-UMC", "source": "sender"}]  # fmt: skip
    reaction, drug = new.reactions.get(), new.drugs.get()
    assert (str(reaction.onset_date), reaction.outcome) == ("2026-11-20", "1")
    assert (drug.dose_text, drug.route, drug.action_taken) == ("50 mg once a day", "oral", "1")
    event = AuditEvent.objects.get(action="case.amendment", object_id=str(new.id))
    assert event.before["hospitalisation"] is True and event.after["hospitalisation"] is False
    assert "sister" in event.reason
    # the export carries the sender's causality and comment
    xml = case_e2b_preview(case=new, profile="ich", actor=reviewer)["xml"]
    assert "WHO-UMC" in xml and "Probable/Likely" in xml
    assert "positive dechallenge" in xml


def test_case_work_needs_a_reason_and_valid_values(received_case, reviewer):
    case, _ = received_case
    c = login(reviewer)
    no_reason = c.post(f"/cases/{case.id}/edit/", {**_form(case), "reason": ""})
    assert no_reason.status_code == 302
    assert Case.objects.filter(worldwide_case_id=case.worldwide_case_id).count() == 1
    bad = c.post(f"/cases/{case.id}/edit/", {**_form(case), "causality-1-1": "Maybe"})
    assert bad.status_code == 302
    bad_date = c.post(f"/cases/{case.id}/edit/", {**_form(case), "reaction-1-onset_date": "x"})
    assert bad_date.status_code == 302
    assert Case.objects.filter(worldwide_case_id=case.worldwide_case_id).count() == 1


def test_only_staff_edit_cases(received_case, regulator):
    case, _ = received_case
    assert login(regulator).get(f"/cases/{case.id}/edit/").status_code == 403


def test_history_reads_as_data_elements_with_old_and_new_values(received_case, reviewer):
    case, _ = received_case
    c = login(reviewer)
    c.post(f"/cases/{case.id}/edit/", _form(case))
    new = Case.objects.get(worldwide_case_id=case.worldwide_case_id, is_latest=True)
    page = c.get(f"/cases/{new.id}/?from=1&to=2").content.decode()
    # the version diff names data elements, not field names or Python dicts
    assert "Hospitalisation (E.i.3.2c)" in page and "Sender&#x27;s comment (H.4)" in page
    assert "Outcome (E.i.7)" in page and "Recovered/resolved" in page
    assert "{&#x27;" not in page and "hospitalisation</th>" not in page
    # the audit view says what happened, why, and old -> new
    assert "Amendment (correction)" in page
    assert "<del>yes</del> → <ins>no</ins>" in page
