"""The queue in a real browser: ten or more rows at 1440x900, and a session that expires under
an htmx filter sends the whole page to login and back to the queue (not a login page inside the
queue); a reason typed before expiry is still there after signing in again."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session

from pv.models import User
from pv.services.users import user_create
from tests.browser.conftest import PASSWORD, login
from tests.web.conftest import screen_posts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1440, "height": 900}


@pytest.fixture
def queue_of_thirty(db):
    user_create(actor="t", username="rita", role=User.Role.REVIEWER, password=PASSWORD)
    texts = {
        f"p{i}": f"started lipitor {i} weeks ago and got bad muscle pain and a headache, day {i}"
        for i in range(30)
    }
    return screen_posts(texts)


def test_ten_or_more_queue_rows_fit_a_1440x900_screen(queue_of_thirty, new_page, shot):
    page = new_page(viewport=LAPTOP)
    login(page, "rita", next_url="/queue/")
    rows = page.locator("tr.qrow")
    assert rows.count() >= 10
    visible = [rows.nth(i).bounding_box() for i in range(rows.count())]
    fully = [b for b in visible if b and b["y"] + b["height"] <= LAPTOP["height"]]
    shot(page, "queue_1440x900")
    assert len(fully) >= 10, f"only {len(fully)} rows fit"


def test_an_expired_session_under_htmx_goes_to_login_and_back(queue_of_thirty, new_page):
    page = new_page(viewport=LAPTOP)
    login(page, "rita", next_url="/queue/")
    item = next(iter(queue_of_thirty.values()))
    # a reason typed on the review page, then the session expires
    page.goto(f"/queue/{item.id}/")
    page.get_by_label("Details").fill("duplicate of an earlier post")
    page.goto("/queue/")
    Session.objects.all().delete()  # the session expires while the queue is open
    # when the reviewer changes a filter (an htmx request) after expiry
    page.get_by_label("Seriousness").select_option("serious")
    # then the whole page goes to the login form (no login page inside the queue)
    page.wait_for_url(re.compile(r"/accounts/login/\?next=%2Fqueue%2F"))
    assert page.locator("#queue-results").count() == 0
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/queue/$"))
    # and the reason typed before expiry is back on the review page
    page.goto(f"/queue/{item.id}/")
    assert page.get_by_label("Details").input_value() == "duplicate of an earlier post"
