"""The sponsor's signals dashboard in Chromium: ranked by priority, every component of a score
visible on demand, a known (listed) pair labelled and ranked lower, records beside it."""

from __future__ import annotations

import pytest

from pv.models import Partner, Product
from pv.services.rsi import reference_term_add
from pv.services.users import user_create
from signals.services import signal_run_publish
from tests.browser.conftest import PASSWORD, login
from tests.signals.test_priority_service import build_world
from tests.signals.test_service_runs import run_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    sponsor = Partner.objects.create(name="Browser sponsor", kind="sponsor")
    other = Partner.objects.create(name="Other sponsor", kind="sponsor")
    zoloft = Product.objects.create(sponsor=sponsor, name="Zoloft", ingredients=["sertraline"])
    Product.objects.create(sponsor=other, name="Advil", ingredients=["ibuprofen"])
    build_world()
    reviewer = user_create(actor="t", username="bro-rev", role="reviewer", password=PASSWORD)[0]
    user_create(actor="t", username="bro-sponsor", role="sponsor", partner=sponsor,
                password=PASSWORD)  # fmt: skip
    # the label lists headache: a known reaction for sertraline
    reference_term_add(actor=reviewer, product=zoloft, term="Headache", source="SmPC 4.8")
    run = run_now(source="cases", drug_level="ingredient", event_level="pt",
                  signal_measure="prr", thresholds={"prr": 1.0, "prr_chi2": 0.0, "prr_min_n": 1})
    signal_run_publish(run=run, actor=reviewer)  # fmt: skip
    return {"zoloft": zoloft}


def test_sponsor_sees_priority_components_and_a_known_pair(world, new_page, shot):
    page = new_page()
    login(page, "bro-sponsor", next_url="/signals/")
    page.get_by_role("heading", name="Disproportionality signals").wait_for()
    table = page.locator("table.sig").first
    # ranked by priority by default, the heading says so
    heading = table.get_by_role("columnheader", name="Priority")
    assert heading.get_attribute("aria-sort") == "descending"
    rows = table.locator(":scope > tbody > tr")
    assert rows.first.locator(":scope > th").inner_text() == "Hepatic failure"
    # the known pair is labelled, still shown, and ranked below
    headache = rows.filter(has=page.get_by_role("link", name="Headache", exact=True))
    assert headache.locator(".known").inner_text() == "Known"
    assert headache.locator(".known").is_visible()
    scores = [float(s) for s in table.locator(":scope > tbody .prio > details > summary .score")
              .all_inner_texts()]  # fmt: skip
    assert scores == sorted(scores, reverse=True)
    # opening a score shows why: every component with its weight and the figures behind it
    first = rows.first.locator("details.prio-parts")
    first.locator("summary").click()
    parts = first.locator("table.parts")
    parts.wait_for()
    text = parts.inner_text()
    for label in ("Disproportionality", "Designated medical event", "Serious reports",
                  "Reports in the last quarter", "Well-documented reports",
                  "Positive dechallenge", "Countries"):  # fmt: skip
        assert label in text
    assert "Hepatic failure" in text and "2 of 3" in text and "2 countries" in text
    headache.locator("summary").click()
    assert "× 0.5" in headache.locator("table.parts caption").inner_text()
    # the records table sits beside it, with the same figures and the known label
    records = page.locator("table.sig-records")
    assert records.get_by_role("rowheader", name="Hepatic failure").is_visible()
    shot(page, "signals_priority")
