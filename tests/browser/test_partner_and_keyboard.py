"""Partner pages and the review keyboard in a real browser: the inbox's filters and sort stay in
the URL and its pages; partner pages show human values, never raw enum values or codes; a
refused follow-up request keeps every tick and typed value; on the review page `r` and `e` put
the cursor where the reviewer expects, and after a decision the next item has the focus."""

from __future__ import annotations

import re

import pytest

from pv.models import Partner, Product, User
from pv.services.cases import case_create
from pv.services.users import user_create
from submissions.models import RoutingRule
from submissions.services import submission_prepare, submission_route_case
from tests.browser.conftest import PASSWORD, login
from tests.web.conftest import MEDDRA_INSOMNIA, screen_posts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Underscored enum values ("other_medically_important"), UCUM units in brackets ("(a)").
RAW = re.compile(r"\b[a-z]+_[a-z_]+\b|\(a\)|\(mo\)|\(wk\)")


@pytest.fixture
def inbox_world(canary_member):
    fda = Partner.objects.create(name="FDA", kind="regulator", country="US", region="US",
                                 e2b_receiver_id="ZZFDA", e2b_profile="fda")  # fmt: skip
    sponsor = Partner.objects.create(name="Sertra Pharma", kind="sponsor", country="US")
    Product.objects.create(sponsor=sponsor, name="Zoloft", ingredients=["sertraline"])
    Product.objects.create(sponsor=sponsor, name="Lexapro", ingredients=["escitalopram"])
    RoutingRule.objects.create(position=1, name="FDA", recipient=fda, countries=["US"])
    RoutingRule.objects.create(position=2, name="Sertra", recipient=sponsor, match_products=True)
    reviewer = user_create(actor="t", username="rita", role=User.Role.REVIEWER,
                           password=PASSWORD)[0]  # fmt: skip
    for username, role, partner in (("fda-officer", User.Role.REGULATOR, fda),
                                    ("sertra-safety", User.Role.SPONSOR, sponsor)):
        user_create(actor="t", username=username, role=role, partner=partner, password=PASSWORD)
    cases = []
    for i, (drug, ingredient) in enumerate([("Zoloft", "sertraline"), ("Lexapro", "escitalopram"),
                                            ("Zoloft", "sertraline")]):  # fmt: skip
        serious = i == 0
        cases.append(case_create(
            actor=reviewer, member=canary_member,
            drugs=[{"name_reported": drug, "ingredients": [{"name": ingredient}], "route": "048",
                    "action_taken": "1"}],
            reactions=[{"reported_term": "insomnia", **MEDDRA_INSOMNIA, "outcome": "1",
                        "disability": serious, "other_medically_important": serious}],
            disability=serious, other_medically_important=serious,
            patient_age=48, patient_age_unit="a", reporter_qualification="5",
        ))  # fmt: skip
        for s in submission_route_case(case=cases[-1]):
            submission_prepare(submission=s)
    return {"fda": fda, "sponsor": sponsor, "cases": cases}


def test_inbox_filters_and_sort_live_in_the_url_and_pages_show_human_values(
    inbox_world, new_page, shot
):
    page = new_page()
    login(page, "sertra-safety", next_url="/partner/")
    assert page.locator("table.inbox tbody tr").count() == 3
    # when the sponsor filters by product and seriousness and sorts by due date
    page.get_by_label("Product", exact=True).select_option(label="Zoloft")
    page.get_by_label("Seriousness", exact=True).select_option(label="Serious")
    page.get_by_label("Sort", exact=True).select_option(value="due")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"product=.*seriousness=serious.*sort=due"))
    rows = page.locator("table.inbox tbody tr")
    assert rows.count() == 1 and "Serious" in rows.first.inner_text()
    # and the URL alone reproduces it (a bookmark, a shared link)
    url = page.url
    again = new_page()
    login(again, "sertra-safety", next_url="/partner/")
    again.goto(url)
    assert again.locator("table.inbox tbody tr").count() == 1
    assert again.get_by_label("Seriousness", exact=True).input_value() == "serious"
    shot(page, "partner_inbox_filtered")
    # the status filter: downloading one moves it from "new" to "downloaded"
    page.goto("/partner/?state=new")
    assert page.locator("table.inbox tbody tr").count() == 3
    with page.expect_download():
        page.locator("table.inbox a.download").first.click()
    page.goto("/partner/?state=downloaded")
    assert page.locator("table.inbox tbody tr").count() == 1
    # then the partner pages show human values, never raw enum values or codes
    for user in ("sertra-safety", "fda-officer"):
        p = new_page()
        login(p, user, next_url="/partner/")
        inbox = p.locator("main").inner_text()
        assert not RAW.search(inbox), RAW.search(inbox)
        serious_case = inbox_world["cases"][0]
        p.goto(f"/partner/cases/{serious_case.id}/")
        text = p.locator("main").inner_text()
        assert not RAW.search(text), RAW.search(text)
        assert "48 years" in text
        assert "Disability, Other medically important condition" in text
        assert "Consumer or other non health professional" in text
        assert "Oral" in text and "Drug withdrawn" in text and "Recovered/resolved" in text
        # the raw route code "048" is not shown (a random case number may hold the digits)
        assert not re.search(r"\b048\b", text)
    shot(p, "partner_case_human_values")


def test_a_refused_followup_request_keeps_every_tick_and_typed_value(inbox_world, new_page,
                                                                     shot):
    case = inbox_world["cases"][0]
    page = new_page()
    login(page, "fda-officer", next_url=f"/partner/cases/{case.id}/")
    page.get_by_label("Onset date").check()
    page.get_by_label("Outcome").check()
    six = "\n".join(f"Question {i}?" for i in range(1, 7))  # one more than allowed
    page.get_by_label("Further questions (one per line)").fill(six)
    page.get_by_label("Wanted by").fill("2099-01-31")
    page.get_by_role("button", name="Request follow-up").click()
    page.wait_for_load_state()
    # then the reason is shown and nothing the partner chose or typed is lost
    assert page.locator("#followup-error").inner_text().startswith("Not sent: At most 5")
    assert page.get_by_label("Onset date").is_checked()
    assert page.get_by_label("Outcome").is_checked()
    assert page.get_by_label("Further questions (one per line)").input_value() == six
    assert page.get_by_label("Wanted by").input_value() == "2099-01-31"
    shot(page, "partner_followup_refused")
    # and removing the sixth line sends it
    page.get_by_label("Further questions (one per line)").fill(six.rsplit("\n", 1)[0])
    page.get_by_role("button", name="Request follow-up").click()
    page.wait_for_load_state()
    assert page.get_by_text("Follow-up request sent for review.").is_visible()


def test_review_keys_keep_the_focus_where_the_reviewer_expects(new_page, db):
    user_create(actor="t", username="rita", role=User.Role.REVIEWER, password=PASSWORD)
    items = screen_posts({
        "a": "started lexapro and cant sleep, also headaches every day",
        "b": "lipitor gave me muscle pain",
        "c": "zoloft made me dizzy",
    })  # fmt: skip
    first = items["a"]
    page = new_page()
    login(page, "rita", next_url=f"/queue/{first.id}/")

    def focused() -> str:
        return page.evaluate("document.activeElement.id")

    # j moves to the first highlighted mention; e opens the recode search of that mention
    page.keyboard.press("j")
    mark = focused()
    assert mark.startswith("hl-")
    page.keyboard.press("e")
    assert focused() == "q-" + mark[3:]
    # r (from anywhere outside a field) puts the cursor on the rejection reason
    page.locator("#item").focus()
    page.keyboard.press("r")
    assert focused() == "reject-preset"
    # the reviewer chooses a preset, types details and submits, all by keyboard
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert focused() == "reject-reason"
    page.keyboard.type("duplicate of an earlier post")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    # then the next item opens with the focus on its heading, so j / c / r work at once
    page.wait_for_url(re.compile(r"/queue/[0-9a-f-]+/#item$"))
    assert str(first.id) not in page.url
    assert focused() == "item"
    first.refresh_from_db()
    assert first.status == "rejected" and "duplicate" in first.reason
    page.keyboard.press("j")
    assert focused().startswith("hl-")
