"""A reviewer codes a held case's reaction on the case page in a real browser (Chromium via
Playwright): the notice links to the reaction, the htmx dictionary search shows the hierarchy,
one click codes it, and the held submission is released and validated."""

from __future__ import annotations

import re

import pytest

from coding.services import dictionary_load
from pv.models import Partner, User
from pv.services.cases import case_create
from pv.services.users import user_create
from submissions.models import RoutingRule, Submission
from tests.browser.conftest import PASSWORD, login
from tests.coding.meddra_release import write_release

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TERMS = [
    {"pt": ("70010011", "Liver function test increased"),
     "llts": [("70020011", "Liver numbers up", True)]},
]  # fmt: skip


@pytest.fixture
def held(canary_member, settings, tmp_path):
    settings.PV_DICTIONARY_DIR = str(tmp_path / "dictionaries")
    dictionary_load(
        actor="test", kind="event", fmt="meddra",
        path=write_release(tmp_path / "release", version="98.0", terms=TERMS),
    )  # fmt: skip
    fda = Partner.objects.create(
        name="FDA", kind="regulator", country="US", region="US", e2b_receiver_id="ZZFDA",
        e2b_profile="fda",
    )  # fmt: skip
    RoutingRule.objects.create(position=1, name="FDA: US", recipient=fda, countries=["US"])
    reviewer = user_create(
        actor="test", username="rita", role=User.Role.REVIEWER, password=PASSWORD
    )[0]
    case = case_create(
        actor=reviewer,
        member=canary_member,
        drugs=[{"name_reported": "Zoloft"}],
        reactions=[{"reported_term": "my liver numbers went up"}],
        hospitalisation=True,
        narrative="Liver numbers went up on Zoloft.",
    )
    # committed: routing and prepare ran after commit (eager tasks)
    submission = Submission.objects.get(case=case)
    assert submission.status == "held"
    return case, submission


def test_the_reviewer_codes_a_held_reaction_on_the_case_page(held, new_page, shot):
    case, submission = held
    page = new_page()
    login(page, "rita", next_url=f"/cases/{case.id}/")
    notice = page.locator("#held-notice")
    assert "has no MedDRA code" in notice.inner_text()
    notice.get_by_role("link", name="code reaction 1").click()
    page.wait_for_url(re.compile(r"#reaction-1$"))
    reaction = case.reactions.get()
    page.get_by_label("Code “my liver numbers went up”: search the active event dictionary").fill(
        "liver numbers"
    )
    use = page.locator(f"#rsugg-{reaction.id} button.use-term").first
    use.wait_for()
    results = page.locator(f"#rsugg-{reaction.id}").inner_text()
    assert "LLT Liver numbers up" in results and "SOC Test SOC general disorders" in results
    shot(page, "case_code_reaction")
    use.click()
    page.wait_for_url(re.compile(r"#reaction-1$"))
    assert page.get_by_text("1 held submission released.").is_visible()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.VALIDATED, submission.validation_errors
    reaction.refresh_from_db()
    assert (reaction.code, reaction.terminology) == ("70020011", "MedDRA")
    assert page.locator("#held-notice").count() == 0
