"""The reviewer path and the partner pages in a real browser (Chromium via Playwright).

A reviewer logs in, works three queue items (confirms one into a case, recodes one by hand,
rejects one), opens the case and sees its submissions; a sponsor sees only its own products and
traffic; a regulator downloads a submission. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from intake.models import Mention, TriageItem
from pv.models import Case, Partner, Product, User
from pv.services.users import user_create
from submissions.models import RoutingRule, Submission
from tests.browser.conftest import PASSWORD, login
from tests.conftest import CANARIES, assert_no_canary
from tests.web.conftest import MEDDRA_INSOMNIA, screen_posts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = {
    "serious": "zoloft gave me a seizure and I was admitted to hospital",
    "recode": "started lexapro 2 wks ago and cant sleep, hair falling out too, no nausea tho. "
    "if I get a rash I will stop it",
    "reject": "lipitor gave me muscle pain",
}


@pytest.fixture
def world(canary_member):
    fda = Partner.objects.create(
        name="FDA", kind="regulator", country="US", region="US", e2b_receiver_id="ZZFDA",
        e2b_profile="fda",
    )  # fmt: skip
    sponsor_a = Partner.objects.create(name="Sertra Pharma", kind="sponsor", country="US")
    sponsor_b = Partner.objects.create(name="Statin Corp", kind="sponsor", country="US")
    Product.objects.create(sponsor=sponsor_a, name="Zoloft", ingredients=["sertraline"])
    Product.objects.create(sponsor=sponsor_b, name="Lipitor", ingredients=["atorvastatin"])
    Product.objects.create(sponsor=sponsor_a, name="Risperdal", ingredients=["risperidone"])
    RoutingRule.objects.create(position=1, name="FDA: US reports", recipient=fda, countries=["US"])
    RoutingRule.objects.create(
        position=2, name="Sertra products", recipient=sponsor_a, match_products=True
    )
    users = {
        role: user_create(actor="test", username=name, role=role, partner=partner,
                          password=PASSWORD)[0]
        for role, name, partner in (
            (User.Role.REVIEWER, "rita", None),
            (User.Role.REGULATOR, "fda-officer", fda),
            (User.Role.SPONSOR, "sertra-safety", sponsor_a),
            (User.Role.SPONSOR, "statin-safety", sponsor_b),
        )
    }  # fmt: skip
    users["sponsor_b"] = User.objects.get(username="statin-safety")
    users["sponsor"] = User.objects.get(username="sertra-safety")
    # A case received earlier (MedDRA-coded, so FDA's profile validates it): waiting to be pulled.
    from pv.services.cases import case_create  # noqa: PLC0415

    earlier = case_create(
        actor=users[User.Role.REVIEWER],
        member=canary_member,
        drugs=[{"name_reported": "Zoloft", "ingredients": [{"name": "sertraline"}]}],
        reactions=[{"reported_term": "insomnia", **MEDDRA_INSOMNIA}],
        hospitalisation=True,
        narrative=f"{CANARIES[0]} ({CANARIES[1]}) could not sleep on Zoloft.",
    )
    items = screen_posts(TEXTS)
    # The signals app's demo analyses (FAERS sample background) give the dashboard content.
    from signals.services.demo import signals_demo_seed  # noqa: PLC0415

    signals_demo_seed(actor="test")
    return {"users": users, "items": items, "earlier": earlier, "fda": fda}


def test_reviewer_works_the_queue_and_opens_the_case(world, new_page, shot):
    items = world["items"]
    page = new_page()
    login(page, "rita", next_url="/queue/")
    # given the queue, most serious first
    assert page.get_by_role("heading", name="Triage queue").is_visible()
    rows = page.locator("tr.qrow")
    assert rows.count() == 3
    assert rows.first.get_attribute("id") == f"item-{items['serious'].id}"
    # claim the second item in place (htmx swaps the row; the page does not reload)
    second = page.locator(f"#item-{items['recode'].id}")
    second.get_by_role("button", name=re.compile("^Claim")).click()
    second = page.locator(f"#item-{items['recode'].id}")
    second.get_by_text("Yours").wait_for()
    assert TriageItem.objects.get(id=items["recode"].id).claimed_by.username == "rita"
    shot(page, "queue")

    # 1. confirm the serious one, by keyboard: j selects the first row, c opens the case form
    page.locator("body").press("j")
    assert "current" in rows.first.get_attribute("class")
    page.keyboard.press("c")
    page.wait_for_url(re.compile(r"/confirm/$"))
    assert page.get_by_label("Hospitalisation").is_checked()
    shot(page, "confirm")
    page.get_by_role("button", name="Create case").click()
    page.wait_for_url(re.compile(r"/cases/[0-9a-f-]+/$"))
    case_url = page.url
    assert page.get_by_text("created.").is_visible()
    item = TriageItem.objects.get(id=items["serious"].id)
    assert item.status == TriageItem.Status.CONFIRMED and item.case_id

    # 2. recode "cant sleep" by hand with the dictionary search on the review page
    page.goto(f"/queue/{items['recode'].id}/")
    mention = Mention.objects.get(result=items["recode"].screening, text="cant sleep")
    page.locator(f"#hl-{mention.id}").focus()
    assert page.locator(f"#hl-{mention.id} .tip").is_visible()  # focus shows the coding
    shot(page, "review_highlights")
    search = page.get_by_label("Search event dictionary to recode “cant sleep”")
    search.fill("sleep onset insomnia")
    use = page.locator(f"#sugg-{mention.id} button.use-term").first
    use.wait_for()
    shot(page, "review")
    use.click()
    page.wait_for_url(re.compile(rf"#mention-{mention.id}$"))
    mention.refresh_from_db()
    assert mention.coding_status == Mention.CodingStatus.OVERRIDDEN
    assert (
        page.locator(f"#mention-{mention.id}").get_by_text("Overridden by a reviewer").is_visible()
    )

    # 3. reject the third with a reason
    page.goto(f"/queue/{items['reject'].id}/")
    page.keyboard.press("r")  # focuses the reason
    page.get_by_label("Reject: reason").select_option(index=2)
    page.get_by_label("Details").fill("Statin myalgia already known; no new information")
    page.get_by_role("button", name="Reject").click()
    # the next open item opens (or the queue, when nothing is left)
    page.wait_for_url(re.compile(rf"/queue/({items['recode'].id}/#item)?$"))
    assert page.get_by_text("Item rejected.").is_visible()
    rejected = TriageItem.objects.get(id=items["reject"].id)
    assert rejected.status == TriageItem.Status.REJECTED and "Statin myalgia" in rejected.reason

    # the case page shows the submissions of the confirmed case, per recipient
    page.goto(case_url)
    submissions = page.locator("table.submissions tbody tr")
    assert submissions.count() == Submission.objects.filter(case_id=item.case_id).count() >= 1
    assert page.locator("table.submissions").get_by_text("FDA").is_visible()
    page.locator("#e2b p[role=status]").wait_for()
    assert page.get_by_role("heading", name="Audit history").is_visible()
    shot(page, "case")


def test_sponsor_sees_only_its_own_products_and_traffic(world, new_page, shot):
    page = new_page()
    login(page, "sertra-safety")
    page.goto("/partner/")
    products = page.locator("ul.products")
    assert products.get_by_text("Zoloft").is_visible()
    assert "Lipitor" not in page.content()
    # its copy of the earlier case is listed, under its own pseudonym, without Restricted Data
    mine = Submission.objects.get(recipient__name="Sertra Pharma", case=world["earlier"])
    assert page.locator("table.inbox code", has_text=mine.message_id).is_visible()
    assert_no_canary(page.content())
    shot(page, "partner_inbox_sponsor")
    # the signal dashboard offers only its own products
    page.get_by_role("link", name="Signal dashboard for your products").click()
    page.wait_for_url(re.compile(r"/signals/"))
    options = page.locator("#f-product option").all_inner_texts()
    assert options == ["Risperdal", "Zoloft"]
    assert "Lipitor" not in page.content()
    page.locator("#f-product").select_option(label="Risperdal")
    page.locator("#f-source").select_option(value="faers")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert "Lipitor" not in page.content()
    shot(page, "sponsor_dashboard")
    # the other sponsor's page shows none of it
    other = new_page()
    login(other, "statin-safety")
    other.goto("/partner/")
    assert "Zoloft" not in other.content() and mine.message_id not in other.content()
    assert other.goto(f"/partner/cases/{world['earlier'].id}/").status == 404


def test_regulator_downloads_a_submission(world, new_page, shot):
    submission = Submission.objects.get(recipient=world["fda"], case=world["earlier"])
    assert submission.status == Submission.Status.VALIDATED
    page = new_page()
    login(page, "fda-officer")
    page.goto("/partner/")
    assert_no_canary(page.content())
    shot(page, "partner_inbox")
    with page.expect_download() as info:
        page.get_by_role("link", name=f"Download {submission.message_id}").click()
    download = info.value
    xml = open(download.path(), encoding="utf-8").read()  # noqa: PTH123, SIM115
    assert "MCCI_IN200100UV01" in xml and submission.message_id in xml
    assert_no_canary(xml)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SENT  # the pull was recorded
    page.goto(f"/partner/cases/{world['earlier'].id}/")
    assert_no_canary(page.content())
    shot(page, "partner_case")
    assert Case.objects.filter(id=world["earlier"].id).exists()
