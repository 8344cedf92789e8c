"""The member's side in a real browser (Chromium via Playwright), on a phone-sized screen:
answering through the emailed link (with the headers Chromium really sends: the CSRF check
sees the page's Origin, other sites see no Referer) and from the inbox on the member's home.
Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from followup.models import FollowupMessage
from followup.services import followup_request_approve
from pv.models import Partner, User
from pv.services.users import user_create
from submissions.models import RoutingRule
from tests.browser.conftest import PASSWORD, PHONE, login
from tests.conftest import CANARY_NAME, assert_no_canary
from tests.factories import AEReportFactory, PostFactory
from tests.followup.conftest import LINK, deliver, make_case, open_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def asked(canary_member, settings, live_server):
    """A case from the member's post went to the FDA, which asked; a reviewer approved; the
    email went out with links built from the configured site URL (here: the live server)."""
    settings.PV_SITE_URL = live_server.url
    fda = Partner.objects.create(
        name="FDA", kind="regulator", country="US", region="US", e2b_receiver_id="ZZFDA",
        e2b_profile="fda",
    )  # fmt: skip
    RoutingRule.objects.create(position=1, name="FDA: US", recipient=fda, countries=["US"])
    reviewer = user_create(actor="test", username="rita", role=User.Role.REVIEWER)[0]
    officer = user_create(actor="test", username="fda-officer", role=User.Role.REGULATOR,
                          partner=fda)[0]  # fmt: skip
    member = user_create(actor="test", username="maya", role=User.Role.MEMBER,
                         member=canary_member, password=PASSWORD)[0]  # fmt: skip
    case = make_case(canary_member, reviewer)
    deliver(case)
    post = PostFactory(member=canary_member, text="zoloft since march and I cant sleep at all")
    post.cases.add(case)
    AEReportFactory(member=canary_member, free_text="could not sleep for two weeks")
    request = open_request(officer, case)
    followup_request_approve(actor=reviewer, request=request)
    message = FollowupMessage.objects.get(id=type(request).objects.get(id=request.id).message_id)
    assert message.status == "sent" and len(mail.outbox) == 1
    link = LINK.search(mail.outbox[0].body).group(0)
    return {"member": member, "message": message, "link": link}


def _posts(page) -> list:
    seen: list = []
    page.on("request", lambda r: seen.append(r) if r.method == "POST" else None)
    return seen


def _fits(page) -> None:
    """Nothing wider than the phone: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_member_answers_through_the_emailed_link_on_a_phone(asked, live_server, new_page, shot):
    link = asked["link"]
    assert link.startswith(live_server.url + "/followup/reply/")
    page = new_page(viewport=PHONE)
    posts = _posts(page)
    # when: the member opens the link from the email
    response = page.goto(link)
    assert response.status == 200 and response.headers["referrer-policy"] == "same-origin"
    assert page.get_by_role("heading", name="Follow-up questions").is_visible()
    assert page.get_by_text("zoloft since march").is_visible()
    _fits(page)
    shot(page, "member_reply_390")
    page.get_by_label("When did the problem start?").fill("about two weeks after starting")
    page.locator("#q-outcome").fill(f"sleeping better now. {CANARY_NAME}")
    page.get_by_label(re.compile("I agree that pv passes my answers")).check()
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Your answers have been sent").wait_for()
    # then: Chromium's POST carried the page's origin (not "null"), so CSRF let it through
    headers = posts[0].all_headers()
    assert headers["origin"] == live_server.url
    message = FollowupMessage.objects.get(id=asked["message"].id)
    assert message.status == "answered" and message.response_channel == "link"
    assert_no_canary(str(message.answers))
    shot(page, "member_reply_done_390")


def test_the_link_never_reaches_another_site_in_referer(asked, live_server, new_page):
    # given: the reply page, and a link on it to another origin (localhost vs 127.0.0.1)
    page = new_page(viewport=PHONE)
    page.goto(asked["link"])
    here = live_server.url
    other = (here.replace("localhost", "127.0.0.1") if "localhost" in here
             else here.replace("127.0.0.1", "localhost"))  # fmt: skip
    assert other != here
    seen = []
    page.on("request", lambda r: seen.append(r) if r.url.startswith(other) else None)
    page.evaluate(
        "url => { const a = document.createElement('a'); a.href = url; a.id = 'out';"
        " a.textContent = 'elsewhere'; document.body.append(a); }",
        other + "/accounts/login/",
    )
    # when
    page.locator("#out").click()
    page.wait_for_url(other + "/accounts/login/")
    # then: the other site learns nothing of the signed link
    assert seen and "referer" not in seen[0].all_headers()


def test_member_home_and_inbox_answer_on_a_phone(asked, live_server, new_page, shot):
    page = new_page(viewport=PHONE)
    posts = _posts(page)
    login(page, "maya")
    # the home: inbox, their own posts and reports
    assert page.get_by_role("heading", name="Your inbox").is_visible()
    posts_section = page.locator("section", has=page.get_by_role("heading", name="Your posts"))
    assert posts_section.get_by_text("zoloft since march and I cant sleep at all").is_visible()
    reports = page.locator("section", has=page.get_by_role("heading", name="Your reports"))
    assert reports.get_by_text("could not sleep for two weeks").is_visible()
    assert "You are signed in" not in page.content()
    assert_no_canary(page.content())
    _fits(page)
    shot(page, "member_home_390")
    page.get_by_role("link", name=re.compile("^Answer the questions")).click()
    page.wait_for_url(re.compile(r"/me/inbox/[0-9a-f-]+/$"))
    _fits(page)
    shot(page, "member_message_390")
    page.locator("#q-outcome").fill("better since I lowered the dose")
    # forgetting consent keeps what was typed and says why
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Please confirm that your answers may be passed on.").wait_for()
    assert page.locator("#q-outcome").input_value() == "better since I lowered the dose"
    page.get_by_label(re.compile("I agree that pv passes my answers")).check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_text("Your answers have been sent").is_visible()
    assert all(p.all_headers()["origin"] == live_server.url for p in posts)
    message = FollowupMessage.objects.get(id=asked["message"].id)
    assert message.status == "answered" and message.response_channel == "inbox"
    shot(page, "member_home_answered_390")
