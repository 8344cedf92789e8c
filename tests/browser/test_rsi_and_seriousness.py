"""Reference safety information and seriousness evidence in a real browser: a reviewer keeps a
product's RSI (adds a term through the dictionary search, removes one with a reason, has a bad
CSV refused with its line, imports a good one with "replace"), sees expectedness per suspect
drug × reaction on the case with the serious unlisted pair highlighted, sees the words that
made the case serious, and corrects seriousness per reaction on case work."""

from __future__ import annotations

import re

import pytest

from pv.models import Case, Partner, Product, ReferenceTerm, User
from pv.services.cases import case_create
from pv.services.rsi import reference_term_add
from pv.services.users import user_create
from tests.browser.conftest import PASSWORD, login
from tests.web.conftest import screen_posts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def statin_world(canary_member):
    sponsor = Partner.objects.create(name="Statin Corp", kind="sponsor", country="US")
    lipitor = Product.objects.create(sponsor=sponsor, name="Lipitor", ingredients=["atorvastatin"])
    reviewer = user_create(actor="t", username="rita", role=User.Role.REVIEWER,
                           password=PASSWORD)[0]  # fmt: skip
    reference_term_add(actor=reviewer, product=lipitor, term="Nausea")
    case = case_create(
        actor=reviewer, member=canary_member,
        drugs=[{"name_reported": "lipitor", "ingredients": [{"name": "atorvastatin"}]}],
        reactions=[{"reported_term": "muscle pain", "term": "Myalgia", "code": "HP:0003326"},
                   {"reported_term": "dark urine", "term": "Rhabdomyolysis",
                    "code": "HP:0003201", "hospitalisation": True}],
        hospitalisation=True,
    )  # fmt: skip
    return {"product": lipitor, "case": case, "reviewer": reviewer}


def test_reviewer_keeps_a_products_rsi_and_sees_expectedness(statin_world, new_page, shot,
                                                              tmp_path):
    product, case = statin_world["product"], statin_world["case"]
    page = new_page()
    login(page, "rita", next_url="/products/")
    # the products page lists Lipitor with its one term
    row = page.locator("table.products tr", has_text="Lipitor")
    assert row.locator("td").last.inner_text() == "1"
    row.get_by_role("link", name="Lipitor").click()
    page.wait_for_url(re.compile(rf"/products/{product.id}/rsi/$"))
    # add "Myalgia" through the dictionary search: typing suggests, "Use" fills term and code
    page.get_by_label("Term (as the label lists it)").press_sequentially("myalg", delay=30)
    use = page.locator("#rsi-suggestions button.pick-term").first
    use.wait_for()
    use.click()
    assert page.get_by_label("Code (PT, optional)").input_value().startswith("HP:")
    assert page.locator("#rsi-source").evaluate("el => el === document.activeElement")
    page.get_by_label("Reference document").fill("USPI 6.1, 2024")
    page.get_by_role("button", name="Add to RSI").click()
    page.wait_for_load_state()
    assert page.get_by_role("rowheader", name="Myalgia").is_visible()
    # remove "Nausea" with a reason
    nausea = ReferenceTerm.objects.get(product=product, term="Nausea")
    page.get_by_label("Reason for removing Nausea").fill("not in the 2024 label")
    page.get_by_role("button", name="Remove Nausea").click()
    page.wait_for_load_state()
    assert not ReferenceTerm.objects.filter(id=nausea.id).exists()
    # a bad CSV is refused whole and the message names the line
    bad = tmp_path / "bad.csv"
    bad.write_text("term,code\nHeadache,\n,HP:0002018\n", encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    assert page.get_by_text("line 3: term is empty.").is_visible()
    assert not ReferenceTerm.objects.filter(term="Headache").exists()
    # a good one with "replace" replaces the list (a term added meanwhile is not in the file)
    reference_term_add(actor=statin_world["reviewer"], product=product, term="Dizziness")
    good = tmp_path / "good.csv"
    good.write_text("term,code,source\nMyalgia,HP:0003326,SmPC 4.8\nArthralgia,,SmPC 4.8\n",
                    encoding="utf-8")  # fmt: skip
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_label("Replace: remove the terms the file does not list").check()
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    assert page.get_by_text("Imported: 2 added or updated, 0 unchanged, 1 removed.").is_visible()
    assert sorted(product.reference_terms.values_list("term", flat=True)) == [
        "Arthralgia", "Myalgia"]
    shot(page, "product_rsi")
    # the case page: myalgia listed, rhabdomyolysis unlisted and serious, highlighted
    page.goto(f"/cases/{case.id}/")
    table = page.locator("table.expectedness")
    listed = table.locator("tr", has_text="Myalgia")
    unlisted = table.locator("tr.serious-unexpected")
    assert "Listed (expected)" in listed.inner_text()
    assert unlisted.count() == 1 and "Rhabdomyolysis" in unlisted.inner_text()
    assert "Serious and unexpected" in unlisted.inner_text()
    shot(page, "case_expectedness")
    # and the case-work page shows the same while the reviewer assesses
    page.goto(f"/cases/{case.id}/edit/")
    assert page.locator("table.expectedness tr.serious-unexpected").count() == 1


def test_seriousness_words_are_shown_and_corrected_per_reaction(new_page, shot, db):
    user_create(actor="t", username="rita", role=User.Role.REVIEWER, password=PASSWORD)
    items = screen_posts({"s": "zoloft gave me a seizure and insomnia, my mum was admitted to "
                               "hospital the same week"})  # fmt: skip
    item = items["s"]
    page = new_page()
    login(page, "rita", next_url=f"/queue/{item.id}/")
    # the review page shows which words triggered each criterion
    evidence = page.locator(".seriousness-evidence")
    assert evidence.locator("mark.sev", has_text="admitted").is_visible()
    assert evidence.locator("li[data-criterion=hospitalisation]").is_visible()
    shot(page, "review_seriousness_evidence")
    # confirm it into a case with the pipeline's choices
    page.keyboard.press("c")
    page.wait_for_url(re.compile(r"/confirm/$"))
    page.get_by_role("button", name=re.compile("Create case")).click()
    page.wait_for_url(re.compile(r"/cases/[0-9a-f-]+/$"))
    case = Case.objects.get()
    assert case.hospitalisation
    # case work: the hospital stay was the mother's; untick it on every reaction, with a reason
    page.get_by_role("link", name="Edit case (new version)").click()
    page.wait_for_url(re.compile(r"/edit/$"))
    assert page.locator("#seriousness mark.sev", has_text="admitted").is_visible()
    for box in page.locator("#seriousness input[value=hospitalisation]").all():
        box.uncheck()
    page.get_by_label("Reason (required)").fill("the hospital stay was the member's mother's")
    shot(page, "case_work_seriousness")
    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_url(re.compile(r"/cases/[0-9a-f-]+/$"))
    latest = Case.objects.get(is_latest=True)
    assert latest.version == 2 and not latest.hospitalisation
    assert not any(r.hospitalisation for r in latest.reactions.all())
    assert latest.other_medically_important  # the seizure's criterion stays
    summary = page.locator("section[aria-labelledby=summary-h]").inner_text()
    assert "Hospitalisation" not in summary.split("Sources")[0]
