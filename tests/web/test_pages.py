"""Reviewer and partner pages: permissions, scoping, constant queries, htmx fragments, actions,
and no Restricted Data on anything a partner sees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from followup.models import FollowupRequest
from intake.models import Mention, TriageItem
from pv.models import AuditEvent, Case, Product
from submissions.models import Submission
from tests.conftest import assert_no_canary
from tests.factories import MemberFactory, UserFactory
from tests.web.conftest import TEXTS, login, screen_posts

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


# --- permissions and scoping -----------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client, queue):
    for url in ("/queue/", f"/queue/{queue['rich'].id}/", "/partner/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["regulator", "sponsor", "member"])
def test_partners_and_members_cannot_open_reviewer_pages(users_by_role, role, received_case, queue):
    case, _ = received_case
    c = login(users_by_role[role])
    item = queue["rich"]
    mention = item.screening.mentions.first()
    for url in (
        "/queue/",
        f"/queue/{item.id}/",
        f"/queue/{item.id}/confirm/",
        f"/cases/{case.id}/",
        f"/cases/{case.id}/e2b/",
        f"/mentions/{mention.id}/suggestions/",
        "/dictionary/search/?q=insomnia",
    ):
        assert c.get(url).status_code == 403, url
    for url in (f"/queue/{item.id}/claim/", f"/queue/{item.id}/reject/"):
        assert c.post(url, {"reason": "x"}).status_code == 403, url
    assert TriageItem.objects.get(id=item.id).status == TriageItem.Status.PENDING


@pytest.mark.parametrize("role", ["reviewer", "member"])
def test_staff_and_members_cannot_open_partner_pages(users_by_role, role):
    assert login(users_by_role[role]).get("/partner/").status_code == 403


def test_other_partners_objects_are_404(received_case, sponsor_b_user, sponsor_user):
    case, submissions = received_case
    c = login(sponsor_b_user)
    for submission in submissions.values():
        assert c.get(f"/partner/submissions/{submission.id}/xml/").status_code == 404
    assert c.get(f"/partner/cases/{case.id}/").status_code == 404
    assert c.get("/partner/cases/not-a-uuid/").status_code == 404
    page = c.get("/partner/").content.decode()
    assert case.worldwide_case_id not in page
    # nothing was pulled by the wrong partner
    assert all(
        s.status == Submission.Status.VALIDATED for s in Submission.objects.filter(case=case)
    )


def test_sponsor_sees_only_its_own_products(received_case, sponsor_user, sponsor_b, sponsor_b_user):
    Product.objects.create(sponsor=sponsor_b, name="Lipitor", ingredients=["atorvastatin"])
    mine = login(sponsor_user).get("/partner/").content.decode()
    assert "Zoloft" in mine and "Lipitor" not in mine
    theirs = login(sponsor_b_user).get("/partner/").content.decode()
    assert "Lipitor" in theirs and "Zoloft" not in theirs


# --- partner pages: no Restricted Data, downloads recorded ----------------------------------


def test_partner_pages_show_no_canary_and_own_pseudonym(received_case, regulator, sponsor_user):
    case, submissions = received_case
    seen = {}
    for user in (regulator, sponsor_user):
        c = login(user)
        inbox = c.get("/partner/").content.decode()
        detail = c.get(f"/partner/cases/{case.id}/").content.decode()
        for page in (inbox, detail):
            assert_no_canary(page)
            assert case.member.public_id not in page  # the internal pseudonym stays inside
        assert "[redacted]" in detail  # the narrative's name and email were scrubbed
        # the browser title is the case id, not the follow-up form (a once-unclosed block)
        assert f"<title>Case {case.worldwide_case_id} · pv</title>" in detail
        assert detail.count('id="fu-h"') == 1
        seen[user.username] = inbox
    # each partner sees its own pseudonym for the member
    pseudonyms = [
        next(w for w in page.split("<code>") if w.startswith("P") and len(w) > 17)[:17]
        for page in seen.values()
    ]
    assert pseudonyms[0] != pseudonyms[1]


def test_regulator_download_is_recorded(received_case, regulator, fda):
    case, submissions = received_case
    submission = submissions[fda.id]
    response = login(regulator).get(f"/partner/submissions/{submission.id}/xml/")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert b"MCCI_IN200100UV01" in response.content
    assert_no_canary(response.content.decode())
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SENT
    assert AuditEvent.objects.filter(
        action="submission.pulled", object_id=str(submission.id)
    ).exists()


# --- queue -----------------------------------------------------------------------------------


def test_queue_lists_serious_first_with_counts(queue, reviewer):
    response = login(reviewer).get("/queue/")
    html = response.content.decode()
    assert response.status_code == 200
    order = [html.index(f"item-{queue[k].id}") for k in ("serious", "rich", "plain")]
    assert order == sorted(order)
    assert response.context["counts"] == {"open": 3, "serious": 1, "needs_info": 0, "mine": 0}
    assert '<html lang="en">' in html and 'id="main"' in html


def test_queue_filters_return_an_htmx_fragment(queue, reviewer):
    c = login(reviewer)
    response = c.get("/queue/?drug=lipitor", **HX)
    assert "HX-Request" in response["Vary"]
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert f"item-{queue['plain'].id}" in fragment and f"item-{queue['rich'].id}" not in fragment
    serious = c.get("/queue/?seriousness=serious", **HX).content.decode()
    assert f"item-{queue['serious'].id}" in serious and f"item-{queue['plain'].id}" not in serious
    bad = c.get("/queue/?date_from=yesterday").content.decode()
    assert "not valid" in bad and f"item-{queue['plain'].id}" in bad


def test_queue_page_has_constant_queries(reviewer, django_assert_max_num_queries):
    # given a small queue, then one over two pages with several mentions per item
    c = login(reviewer)
    screen_posts({f"a{i}": TEXTS["rich"] for i in range(3)})
    with django_assert_max_num_queries(8) as small:
        assert c.get("/queue/").status_code == 200
    screen_posts({f"b{i}": TEXTS["serious"] for i in range(30)}, member=MemberFactory())
    with django_assert_max_num_queries(8) as large:
        response = c.get("/queue/?page=1")
    assert len(response.context["items"]) == 25 and response.context["page"].has_next()
    assert len(large.captured_queries) == len(small.captured_queries)
    with django_assert_max_num_queries(8):
        assert len(c.get("/queue/?page=2", **HX).context["items"]) == 8


def test_claim_and_release_in_place_and_a_second_reviewer_is_told(queue, reviewer):
    item = queue["rich"]
    c = login(reviewer)
    row = c.post(f"/queue/{item.id}/claim/", **HX)
    assert row.status_code == 200 and "Release" in row.content.decode()
    assert row.content.decode().lstrip().startswith("<tr")
    other = login(UserFactory(username="rex"))
    conflict = other.post(f"/queue/{item.id}/claim/", **HX)
    assert conflict.status_code == 409 and conflict["HX-Retarget"] == "#alerts"
    assert "Another reviewer" in conflict.content.decode()
    released = c.post(f"/queue/{item.id}/release/", **HX)
    assert "Claim" in released.content.decode()
    assert TriageItem.objects.get(id=item.id).claimed_by is None


# --- review ----------------------------------------------------------------------------------


def test_review_highlights_mentions_by_kind_and_context(queue, reviewer):
    item = queue["rich"]
    mentions = list(item.screening.mentions.filter(field="text").order_by("position"))
    # mark one event negated and one hypothetical: the page must show them differently
    events = [m for m in mentions if m.kind == "event"]
    Mention.objects.filter(id=events[0].id).update(negated=True)
    Mention.objects.filter(id=events[1].id).update(hypothetical=True)
    response = login(reviewer).get(f"/queue/{item.id}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="hl-{events[0].id}"' in html
    drug = next(m for m in mentions if m.kind == "drug")
    hl = html[html.index(f'id="hl-{drug.id}"') :][:400]
    assert "m-drug" in hl and 'tabindex="0"' in hl and drug.term in hl  # focus shows coding
    negated = html[html.index(f'id="hl-{events[0].id}"') :][:300]
    assert "m-negated" in negated
    assert "m-hypothetical" in html[html.index(f'id="hl-{events[1].id}"') :][:300]
    for label in ("Identifiable patient", "Identifiable reporter", "Suspect product"):
        assert label in html
    # the member's other posts are listed (same member in the fixture)
    assert TEXTS["plain"] in html


def test_suggestions_and_search_fragments(queue, reviewer):
    c = login(reviewer)
    mention = queue["rich"].screening.mentions.get(text="cant sleep")
    suggestions = c.get(f"/mentions/{mention.id}/suggestions/", **HX).content.decode()
    assert "Insomnia" in suggestions and 'name="action" value="override"' in suggestions
    found = c.get(f"/dictionary/search/?q=insomnia&mention={mention.id}", **HX).content.decode()
    assert "Insomnia" in found and "Use" in found
    drugs = c.get("/dictionary/search/?q=sertraline&kind=drug", **HX).content.decode()
    assert "Sertraline" in drugs and "Use" not in drugs  # no mention: read-only results
    assert c.get("/dictionary/search/?mention=nope").status_code == 404


def test_recode_by_hand_and_accept(queue, reviewer):
    c = login(reviewer)
    item = queue["rich"]
    mention = item.screening.mentions.get(text="cant sleep")
    response = c.post(
        f"/mentions/{mention.id}/coding/",
        {"action": "override", "code": "HP:0031354", "next": f"/queue/{item.id}/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/queue/{item.id}/#mention-{mention.id}"
    mention.refresh_from_db()
    assert mention.coding_status == "overridden" and mention.pt == "Sleep onset insomnia"
    other = item.screening.mentions.get(text="hair falling out")
    c.post(f"/mentions/{other.id}/coding/", {"action": "accept"})
    other.refresh_from_db()
    assert other.coding_status == "accepted"
    # an open redirect is refused
    evil = c.post(
        f"/mentions/{other.id}/coding/", {"action": "accept", "next": "https://evil.example/"}
    )
    assert evil["Location"].startswith("/queue/")


def test_confirm_form_is_prefilled_and_creates_the_case(queue, reviewer):
    c = login(reviewer)
    item = queue["serious"]
    form = c.get(f"/queue/{item.id}/confirm/")
    html = form.content.decode()
    assert 'value="hospitalisation" id="ser-hospitalisation" checked' in html
    selected = form.context["selected"]
    assert selected  # the pipeline's choice is pre-ticked
    response = c.post(
        f"/queue/{item.id}/confirm/",
        {"mentions": sorted(selected), "seriousness": ["hospitalisation"]},
    )
    item.refresh_from_db()
    assert item.status == TriageItem.Status.CONFIRMED and item.case_id
    assert response.status_code == 302 and response["Location"] == f"/cases/{item.case_id}/"
    case = Case.objects.get(id=item.case_id)
    assert case.hospitalisation and not case.death


def test_unticking_everything_is_the_reviewers_choice_not_the_pipelines(queue, reviewer):
    # given the confirm form with the pipeline's choice pre-ticked
    c = login(reviewer)
    item = queue["serious"]
    assert c.get(f"/queue/{item.id}/confirm/").context["selected"]
    # when the reviewer unticks every drug and reaction and presses Create case
    response = c.post(
        f"/queue/{item.id}/confirm/",
        {"seriousness": ["hospitalisation"]},
        HTTP_REFERER=f"http://testserver/queue/{item.id}/confirm/",
    )
    # then no case is made from the pipeline's picks: the form says a case needs both
    item.refresh_from_db()
    assert item.case_id is None and item.status != TriageItem.Status.CONFIRMED
    assert response.status_code == 302
    page = c.get(response["Location"]).content.decode()
    assert "at least one suspect drug and one reaction" in page


def test_reject_needs_a_reason(queue, reviewer):
    c = login(reviewer)
    item = queue["plain"]
    response = c.post(f"/queue/{item.id}/reject/", {"reason": " "}, follow=True)
    assert "needs a reason" in response.content.decode()
    assert TriageItem.objects.get(id=item.id).status == TriageItem.Status.PENDING
    c.post(f"/queue/{item.id}/reject/", {"preset": "Spam or off-topic", "reason": "ad"})
    item.refresh_from_db()
    assert item.status == TriageItem.Status.REJECTED and item.reason == "Spam or off-topic. ad"


def test_attach_as_followup_makes_a_new_version_with_a_diff(reviewer):
    # given a member with a confirmed case and a later post about it
    member = MemberFactory()
    first = screen_posts({"first": TEXTS["serious"]}, member=member)["first"]
    c = login(reviewer)
    picked = sorted(c.get(f"/queue/{first.id}/confirm/").context["selected"])
    c.post(f"/queue/{first.id}/confirm/", {"mentions": picked, "seriousness": ["hospitalisation"]})
    first.refresh_from_db()
    later = screen_posts({"later": "lipitor gave me muscle pain"}, member=member)["later"]
    page = c.get(f"/queue/{later.id}/").content.decode()
    assert "Attach as follow-up" in page and first.case.worldwide_case_id in page
    # when
    response = c.post(f"/queue/{later.id}/attach/", {"case_id": str(first.case_id)})
    # then
    new = Case.objects.get(worldwide_case_id=first.case.worldwide_case_id, is_latest=True)
    assert new.version == 2 and response["Location"] == f"/cases/{new.id}/"
    later.refresh_from_db()
    assert later.status == TriageItem.Status.CONFIRMED and "Follow-up" in later.reason
    assert later.case_id == new.id
    assert set(new.source_posts.values_list("id", flat=True)) == {first.post_id, later.post_id}
    case_page = c.get(f"/cases/{new.id}/")
    assert case_page.context["diff"] is not None
    assert "latest_info_at" in [name for name, _, _ in case_page.context["diff"]["fields"]]
    assert "Changes from v1 to v2" in case_page.content.decode()


def test_attach_refuses_another_members_case(queue, reviewer, received_case):
    case, _ = received_case
    response = login(reviewer).post(
        f"/queue/{queue['rich'].id}/attach/", {"case_id": str(case.id)}, follow=True
    )
    assert "same member" in response.content.decode()
    assert TriageItem.objects.get(id=queue["rich"].id).status == TriageItem.Status.PENDING


# --- case page -------------------------------------------------------------------------------


def test_case_page_shows_submissions_audit_and_e2b_preview(
    received_case, reviewer, django_assert_max_num_queries
):
    case, submissions = received_case
    c = login(reviewer)
    with django_assert_max_num_queries(20):
        response = c.get(f"/cases/{case.id}/")
    html = response.content.decode()
    for s in submissions.values():
        assert s.recipient.name in html
    assert "submission.validated" in html and "case.created" in html
    assert (timezone.now().date() + timedelta(days=15)).isoformat() in html  # due date
    preview = c.get(f"/cases/{case.id}/e2b/?profile=fda", **HX)
    assert preview.status_code == 200 and "FDA profile: valid" in preview.content.decode()
    bad = c.get(f"/cases/{case.id}/e2b/?profile=nope", **HX)
    assert bad.status_code == 400


# --- follow-up -------------------------------------------------------------------------------


def test_followup_partner_asks_reviewer_approves(
    received_case, regulator, reviewer, sponsor_b_user
):
    case, submissions = received_case
    partner = login(regulator)
    wanted = (timezone.now().date() + timedelta(days=10)).isoformat()
    response = partner.post(
        f"/partner/cases/{case.id}/followup/",
        {"questions": ["onset_date", "outcome"], "free_text": "Any rash?", "wanted_by": wanted},
    )
    assert response.status_code == 302
    request = FollowupRequest.objects.get(case=case)
    assert request.status == FollowupRequest.Status.PENDING_APPROVAL
    inbox = partner.get("/partner/").content.decode()
    assert "Pending approval" in inbox and "Onset date" in inbox
    assert_no_canary(inbox)
    # the reviewer sees it on the case page and approves it
    c = login(reviewer)
    page = c.get(f"/cases/{case.id}/").content.decode()
    assert "Onset date" in page and "Any rash?" in page and "Approve" in page
    c.post(f"/followup/requests/{request.id}/approve/", {"note": "fine"})
    request.refresh_from_db()
    assert request.status != FollowupRequest.Status.PENDING_APPROVAL
    # another partner cannot ask about this case
    other = login(sponsor_b_user)
    assert (
        other.post(f"/partner/cases/{case.id}/followup/", {"wanted_by": wanted}).status_code == 404
    )


def test_filtered_counts_stop_at_the_cap(reviewer, monkeypatch):
    # given more matches than the cap
    monkeypatch.setattr("web.views_queue.COUNT_CAP", 2)
    screen_posts({f"p{i}": TEXTS["plain"] for i in range(4)})
    c = login(reviewer)
    # when / then: a filtered page says "more than"; the unfiltered queue counts exactly
    filtered = c.get("/queue/?drug=lipitor")
    assert filtered.context["page"].count_capped
    assert "More than <strong>2</strong>" in filtered.content.decode()
    assert not c.get("/queue/").context["page"].count_capped


def test_partner_inbox_has_constant_queries(
    received_case, regulator, reviewer, canary_member, django_assert_max_num_queries
):
    from pv.services.cases import case_create  # noqa: PLC0415
    from submissions.services import submission_prepare, submission_route_case  # noqa: PLC0415
    from tests.web.conftest import MEDDRA_INSOMNIA  # noqa: PLC0415

    c = login(regulator)
    # 8 for the page, plus one audited vault read (about 6 queries) per distinct member on it:
    # the partner-output path scrubs each row's text with its member's own values; and a read
    # of the vault version per scrubber (the all-members automaton is current).
    with django_assert_max_num_queries(16) as one:
        c.get("/partner/")
    for _ in range(4):
        case = case_create(
            actor=reviewer,
            member=canary_member,
            drugs=[{"name_reported": "Zoloft"}],
            reactions=[{"reported_term": "insomnia", **MEDDRA_INSOMNIA}],
        )
        for s in submission_route_case(case=case):
            submission_prepare(submission=s)
    with django_assert_max_num_queries(16) as five:
        page = c.get("/partner/")
    assert len(page.context["submissions"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_a_structured_report_is_reviewed_and_confirmed(reviewer):
    # given a screened AE report in the queue
    from intake.services.screening import items_screen  # noqa: PLC0415
    from tests.factories import AEReportFactory  # noqa: PLC0415

    report = AEReportFactory(free_text="could not sleep for weeks after zoloft")
    items_screen(kind="report", ids=[report.id])
    item = TriageItem.objects.get(report=report)
    c = login(reviewer)
    # when
    review = c.get(f"/queue/{item.id}/").content.decode()
    form = c.get(f"/queue/{item.id}/confirm/").content.decode()
    response = c.post(f"/queue/{item.id}/confirm/", {})
    # then
    assert "Structured report" in review and "Zoloft" in review
    assert "structured report becomes a case" in form
    item.refresh_from_db()
    assert response["Location"] == f"/cases/{item.case_id}/"
    assert c.get(response["Location"]).status_code == 200
