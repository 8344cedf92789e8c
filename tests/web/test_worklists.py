"""Reviewer worklists (case search, submissions due / failed / rejected with days left, follow-up
awaiting merge) and session expiry: htmx and form posts come back to the page, not a fragment
or a POST-only URL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from submissions.models import Submission
from tests.web.conftest import login

pytestmark = pytest.mark.django_db


def test_case_search_by_id_member_drug_and_event(received_case, reviewer):
    case, _ = received_case
    c = login(reviewer)
    listing = c.get("/cases/").content.decode()
    assert case.worldwide_case_id in listing and "Zoloft" in listing
    by_id = c.get("/cases/", {"q": case.worldwide_case_id[-6:]}).content.decode()
    assert case.worldwide_case_id in by_id
    by_member = c.get("/cases/", {"q": case.member.public_id}).content.decode()
    assert case.worldwide_case_id in by_member
    assert case.worldwide_case_id in c.get("/cases/", {"drug": "zolo"}).content.decode()
    assert case.worldwide_case_id in c.get("/cases/", {"event": "insomnia"}).content.decode()
    assert case.worldwide_case_id not in c.get("/cases/", {"drug": "lipitor"}).content.decode()
    assert case.worldwide_case_id not in c.get("/cases/", {"status": "nullified"}).content.decode()
    # junk dates are ignored, not a 500
    assert c.get("/cases/", {"from": "yesterday", "to": "2026-13-40"}).status_code == 200


def test_submission_worklists_show_days_left_rejected_and_failed(received_case, reviewer):
    case, submissions = received_case
    first, second = list(submissions.values())
    today = timezone.now().date()
    Submission.objects.filter(id=first.id).update(
        status="acknowledged", ack_result="rejected", ack_text="C.1.5 is in the future",
        sent_at=timezone.now(), due_date=today - timedelta(days=2),
    )  # fmt: skip
    Submission.objects.filter(id=second.id).update(due_date=today + timedelta(days=2))
    html = login(reviewer).get("/submissions/").content.decode()
    assert "Rejected — correct and resend" in html and "C.1.5 is in the future" in html
    assert "2 days overdue" in html and 'class="clock-overdue ack-rejected"' in html
    assert 'class="clock-due-soon"' in html


def test_followup_awaiting_page_opens(reviewer):
    assert login(reviewer).get("/followup/awaiting/").status_code == 200


@pytest.mark.parametrize("url", ["/cases/", "/submissions/", "/followup/awaiting/"])
def test_worklists_are_for_staff(url, regulator, sponsor_user):
    for user in (regulator, sponsor_user):
        assert login(user).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_an_htmx_request_after_expiry_reloads_the_login_page_for_the_page_it_came_from(queue):
    anonymous = Client()
    response = anonymous.get(
        "/queue/?serious=1",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/queue/?drug=zoloft",
    )
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fqueue%2F%3Fdrug%3Dzoloft"


def test_a_form_posted_after_expiry_comes_back_to_its_page_not_to_the_post_url(queue):
    item = queue["rich"]
    response = Client().post(
        f"/queue/{item.id}/reject/",
        {"reason": "duplicate"},
        HTTP_REFERER=f"http://testserver/queue/{item.id}/",
    )
    assert response.status_code == 303
    assert response["Location"] == f"/accounts/login/?next=%2Fqueue%2F{item.id}%2F"
    # a foreign Referer is not followed
    response = Client().post(
        f"/queue/{item.id}/reject/", {"reason": "x"}, HTTP_REFERER="https://evil.example/"
    )
    assert response["Location"] == "/accounts/login/?next=%2F"


# --- a queue that guides ---

HX = {"HTTP_HX_REQUEST": "true"}


def test_queue_rows_show_days_left_and_the_four_criteria(queue, reviewer):
    html = login(reviewer).get("/queue/").content.decode()
    assert " d left" in html or " d overdue" in html
    for label in (
        "Identifiable patient",
        "Identifiable reporter",
        "Suspect product",
        "Adverse event",
    ):
        assert label in html
    assert 'class="crit met"' in html


def test_a_claim_updates_claimed_by_me_in_place(queue, reviewer):
    c = login(reviewer)
    item = queue["rich"]
    fragment = c.post(f"/queue/{item.id}/claim/", **HX).content.decode()
    assert 'id="queue-counts" aria-label="Open items" hx-swap-oob="true"' in fragment
    assert '<dd id="count-mine">1</dd>' in fragment


def test_after_a_rejection_the_next_open_item_opens(queue, reviewer):
    from intake.models import TriageItem

    c = login(reviewer)
    order = list(
        TriageItem.objects.filter(status="pending").order_by(
            "-is_serious", "-priority", "item_at", "id"
        )
    )
    first, second = order[0], order[1]
    response = c.post(f"/queue/{first.id}/reject/", {"preset": "", "reason": "not an ADR"})
    assert response.status_code == 302 and response["Location"] == f"/queue/{second.id}/#item"


def test_needs_info_can_be_set_with_what_is_missing(queue, reviewer):
    from intake.models import TriageItem

    c = login(reviewer)
    item = queue["rich"]
    assert 'id="needs-info"' in c.get(f"/queue/{item.id}/").content.decode()
    empty = c.post(f"/queue/{item.id}/needs-info/", {"needed": ""})
    assert empty.status_code == 302
    item.refresh_from_db()
    assert item.status == TriageItem.Status.PENDING
    c.post(f"/queue/{item.id}/needs-info/", {"needed": "which drug did the rash follow?"})
    item.refresh_from_db()
    assert item.status == TriageItem.Status.NEEDS_INFO
    counts = c.get("/queue/").content.decode()
    assert "Needs info" in counts
