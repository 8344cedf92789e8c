"""The member's pages: home (inbox, own posts and reports), answering from the inbox, and the
emailed link's page under Django's CSRF check with the headers a browser sends."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from followup.models import FollowupMessage
from pv.models import Member
from tests.conftest import CANARY_NAME, assert_no_canary
from tests.factories import AEReportFactory, PostFactory
from tests.followup.conftest import LINK, link_token

pytestmark = pytest.mark.django_db
HOME = "/"


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_post(client: Client, url: str, data: dict, *, origin: str = "http://testserver"):
    """POST the way a browser does after loading the page: the form's token, the cookie and
    the page's Origin (what Chromium sends under `Referrer-Policy: same-origin`)."""
    page = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token, page.content.decode()[:500]
    return client.post(url, {**data, "csrfmiddlewaretoken": token.group(1)}, HTTP_ORIGIN=origin)


def test_member_home_lists_inbox_posts_and_reports_of_this_member_only(
    member_user, sent_message, other_member_user
):
    # given: the member's own post and report, and another member's
    PostFactory(member=member_user.member, text="my own words about zoloft and sleep")
    AEReportFactory(member=member_user.member, free_text="my own report text")
    PostFactory(member=other_member_user.member, text="somebody else's post")
    AEReportFactory(member=other_member_user.member, free_text="somebody else's report")
    # when
    html = signed_in(member_user).get(HOME).content.decode()
    # then
    assert "Your inbox" in html and f"/me/inbox/{sent_message.id}/" in html
    assert "Answer the questions" in html
    assert "my own words about zoloft and sleep" in html and "my own report text" in html
    assert "somebody else" not in html
    assert "You are signed in" not in html
    assert_no_canary(html)


def test_member_answers_from_the_inbox_page(member_user, sent_message):
    client = signed_in(member_user)
    url = f"/me/inbox/{sent_message.id}/"
    page = client.get(url).content.decode()
    assert "When did the problem start?" in page and 'for="consent"' in page
    # without consent: 400, the form comes back with what was typed
    refused = csrf_post(client, url, {"action": "answer", "q-outcome": "better now"})
    assert refused.status_code == 400
    assert "confirm" in refused.content.decode() and "better now" in refused.content.decode()
    # with consent: answered through the inbox channel, scrubbed, back home with a thank-you
    done = csrf_post(
        client, url,
        {"action": "answer", "q-outcome": f"better now, {CANARY_NAME}", "consent": "yes"},
    )  # fmt: skip
    assert done.status_code == 302 and done["Location"] == HOME
    sent_message.refresh_from_db()
    assert sent_message.status == "answered" and sent_message.response_channel == "inbox"
    assert_no_canary(str(sent_message.answers))
    home = client.get(HOME).content.decode()
    assert "Your answers have been sent" in home and "Answer the questions" not in home
    # the closed message shows what was sent; a second answer is refused, not a 500
    assert "better now" in client.get(url).content.decode()
    again = csrf_post(client, url, {"action": "answer", "q-outcome": "x", "consent": "yes"})
    assert again.status_code == 409 and "no longer open" in again.content.decode()


def test_member_declines_and_opts_out_from_their_pages(member_user, sent_message, canary_member):
    client = signed_in(member_user)
    declined = csrf_post(client, f"/me/inbox/{sent_message.id}/", {"action": "decline"})
    assert declined.status_code == 302
    assert FollowupMessage.objects.get(id=sent_message.id).status == "declined"
    # the opt-out button sits on the home page
    home = client.get(HOME).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home)
    out = client.post(
        "/me/opt-out/", {"csrfmiddlewaretoken": token.group(1)}, HTTP_ORIGIN="http://testserver"
    )
    assert out.status_code == 302
    assert Member.objects.get(id=canary_member.id).contact_opt_out
    assert "You have asked not to be contacted" in client.get(HOME).content.decode()


def test_inbox_pages_are_the_members_own(sent_message, other_member_user, reviewer):
    url = f"/me/inbox/{sent_message.id}/"
    assert signed_in(other_member_user).get(url).status_code == 404
    assert signed_in(reviewer).get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to the login page


def test_reply_page_csrf_works_with_the_origin_a_browser_sends(sent_message):
    # given: the emailed link
    token = link_token(mail.outbox[0])
    url = f"/followup/reply/{token}/"
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    # then: the page keeps its URL from other sites, but not from its own form
    assert page["Referrer-Policy"] == "same-origin"
    # "no-referrer" made Chromium send `Origin: null`, which the CSRF check refuses:
    assert csrf_post(client, url, {"action": "decline"}, origin="null").status_code == 403
    # under "same-origin" the browser sends the page's origin, and the answer goes through
    done = csrf_post(client, url, {"action": "answer", "q-outcome": "fine", "consent": "yes"})
    assert done.status_code == 200 and "Thank you" in done.content.decode()


def test_email_links_use_the_configured_site_url(
    settings, received_case, regulator, reviewer, django_capture_on_commit_callbacks
):
    from tests.followup.conftest import approve_and_send, open_request

    settings.PV_SITE_URL = "https://community.example.org/pv/"
    approve_and_send(
        open_request(regulator, received_case), reviewer, django_capture_on_commit_callbacks
    )
    body = mail.outbox[0].body
    assert LINK.search(body).group(0).startswith("https://community.example.org/pv/followup/reply/")
    assert "https://community.example.org/pv/\n" in body  # the inbox: the member's home
    assert ":8000" not in body
