"""Held submissions on the reviewer's pages: the worklist and the case page say which reaction needs
coding and link to it; the reviewer codes it from the case page (suggestions or search, with the
hierarchy shown), which releases the submission; partners never see a held one."""

from __future__ import annotations

import re

import pytest

from coding.services import dictionary_load
from intake.models import Mention
from pv.models import Partner, Product
from pv.services.cases import case_create
from submissions.models import RoutingRule, Submission
from submissions.services import submission_prepare, submission_route_case
from tests.coding.meddra_release import write_release
from tests.web.conftest import login, screen_posts

pytestmark = pytest.mark.django_db

TERMS = [
    {"pt": ("70010011", "Liver function test increased"),
     "llts": [("70020011", "Liver numbers up", True)]},
]  # fmt: skip


@pytest.fixture
def held_case(fda, sponsor_a, canary_member, reviewer, settings, tmp_path):
    settings.PV_DICTIONARY_DIR = str(tmp_path / "dictionaries")
    dictionary_load(
        actor="test", kind="event", fmt="meddra",
        path=write_release(tmp_path / "release", version="98.0", terms=TERMS),
    )  # fmt: skip
    Product.objects.create(sponsor=sponsor_a, name="Zoloft", ingredients=["sertraline"])
    RoutingRule.objects.create(position=1, name="FDA", recipient=fda, countries=["US"])
    RoutingRule.objects.create(
        position=2, name="Sponsor A", recipient=sponsor_a, match_products=True
    )
    case = case_create(
        actor=reviewer,
        member=canary_member,
        drugs=[{"name_reported": "Zoloft", "ingredients": [{"name": "sertraline"}]}],
        reactions=[{"reported_term": "my liver numbers went up"}],
        hospitalisation=True,
        narrative="Liver numbers went up on Zoloft.",
    )
    subs = [submission_prepare(submission=s) for s in submission_route_case(case=case)]
    assert {s.status for s in subs} == {"held"}
    return case, {s.recipient.name: s for s in subs}


def test_the_worklist_lists_held_submissions_with_the_reason_and_a_link_to_code(
    held_case, reviewer
):
    case, subs = held_case
    html = login(reviewer).get("/submissions/").content.decode()
    held = html.split('id="held-h"')[1].split("</section>")[0]
    assert "Held: needs coding (2)" in held
    reason = "needs coding: reaction 1 &#x27;my liver numbers went up&#x27; has no MedDRA code"
    assert reason in held
    assert f'href="/cases/{case.id}/#reaction-1"' in held
    # not repeated in the plain due list
    due = html.split('id="due-h"')[1]
    assert case.worldwide_case_id not in due


def test_the_case_page_shows_the_hold_and_codes_the_reaction_with_its_hierarchy(
    held_case, reviewer, django_capture_on_commit_callbacks
):
    case, subs = held_case
    client = login(reviewer)
    page = client.get(f"/cases/{case.id}/").content.decode()
    assert 'id="held-notice"' in page and "2 submissions held: needs coding." in page
    assert '<tr id="reaction-1" class="uncoded">' in page
    assert "Held — needs coding" in page
    # suggestions for the reported words: LLT and PT with the hierarchy, one click to use
    reaction = case.reactions.get()
    fragment = client.get(f"/cases/{case.id}/reactions/{reaction.id}/suggestions/").content.decode()
    assert "Liver function test increased" in fragment and "LLT Liver numbers up" in fragment
    assert "HLT Test HLT Liver function test increased" in fragment
    assert "SOC Test SOC general disorders" in fragment
    action = f"/cases/{case.id}/reactions/{reaction.id}/coding/"
    assert f'action="{action}"' in fragment
    assert re.search(r'name="code" value="70020011"', fragment)
    # the dictionary search offers the same, for the reaction
    found = client.get(
        "/dictionary/search/", {"q": "liver numbers", "case": case.id, "reaction": reaction.id}
    ).content.decode()
    assert f'action="{action}"' in found and "MedDRA 98.0" in found
    # when the reviewer uses the LLT
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action, {"code": "70020011"}, follow=True)
    # then the reaction is coded, both submissions released and validated, and the page says so
    body = response.content.decode()
    assert "coded to Liver numbers up (70020011, MedDRA 98.0). 2 held submissions released." in (
        body
    )
    statuses = set(Submission.objects.filter(case=case).values_list("status", flat=True))
    assert statuses == {"validated"}
    assert 'id="held-notice"' not in body


def test_coding_errors_come_back_as_messages_not_500s(held_case, reviewer):
    case, _ = held_case
    reaction = case.reactions.get()
    client = login(reviewer)
    action = f"/cases/{case.id}/reactions/{reaction.id}/coding/"
    for data in ({"code": ""}, {"code": "no-such-code"}):
        response = client.post(action, data, follow=True)
        assert response.status_code in (200, 404)
        assert Submission.objects.filter(case=case, status="held").count() == 2
    other = client.post(f"/cases/{case.id}/reactions/{case.id}/coding/", {"code": "70020011"})
    assert other.status_code in (302, 303, 404)
    assert case.reactions.get().code == ""


def test_partners_never_see_a_held_submission_or_its_reason(held_case, regulator, sponsor_user):
    case, subs = held_case
    Partner.objects.filter(pk=subs["Sponsor A"].recipient_id).update(accepts_open_terminology=True)
    for user in (regulator, sponsor_user):
        client = login(user)
        inbox = client.get("/partner/").content.decode()
        assert case.worldwide_case_id not in inbox and "needs coding" not in inbox
        assert client.get(f"/partner/cases/{case.id}/").status_code == 404
        for s in subs.values():
            assert client.get(f"/partner/submissions/{s.id}/xml/").status_code == 404
        # and the coding pages are for staff
        reaction = case.reactions.get()
        coding = client.post(f"/cases/{case.id}/reactions/{reaction.id}/coding/", {"code": "x"})
        assert coding.status_code == 403


def test_the_review_page_codes_an_uncoded_mention_to_an_llt_with_its_hierarchy(held_case, reviewer):
    # given a screened post whose event the active (test) MedDRA release could not code
    item = screen_posts({"x": "since starting zoloft i get terrible headaches"})["x"]
    mention = Mention.objects.get(result__post=item.post, kind="event")
    assert mention.code == ""
    client = login(reviewer)
    # when the reviewer searches the dictionary from the review page
    found = client.get(
        "/dictionary/search/", {"q": "liver numbers", "mention": mention.id}
    ).content.decode()
    # then each result shows its hierarchy and codes the mention to the LLT shown
    assert "LLT Liver numbers up" in found and "HLT Test HLT Liver function test increased" in found
    assert 'name="code" value="70020011"' in found
    client.post(
        f"/mentions/{mention.id}/coding/",
        {"action": "override", "code": "70020011", "next": f"/queue/{item.id}/"},
    )
    mention.refresh_from_db()
    assert (mention.llt_code, mention.pt_code, mention.terminology) == (
        "70020011",
        "70010011",
        "MedDRA",
    )
    assert mention.coding_status == Mention.CodingStatus.OVERRIDDEN
