"""The partner inbox: filters (product, seriousness, received dates, status) and sort kept in the
URL, pages that keep them, bad values named (never a 500), and a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pv.models import Product
from pv.services.cases import case_create
from submissions.models import Submission
from submissions.services import submission_prepare, submission_route_case
from tests.web.conftest import MEDDRA_INSOMNIA, login

pytestmark = pytest.mark.django_db


def _case(reviewer, member, *, drug="Zoloft", serious=False):
    case = case_create(
        actor=reviewer,
        member=member,
        drugs=[{"name_reported": drug, "ingredients": [{"name": drug.lower()}]}],
        reactions=[{"reported_term": "insomnia", **MEDDRA_INSOMNIA}],
        hospitalisation=serious,
    )
    return [submission_prepare(submission=s) for s in submission_route_case(case=case)]


@pytest.fixture
def inbox(received_case, fda, reviewer, canary_member):
    """FDA's inbox: the serious Zoloft case (new), a non-serious Zoloft case (downloaded), a
    serious Lipitor case acknowledged, and a non-serious Lipitor case rejected."""
    case, subs = received_case
    lipitor = Product.objects.create(sponsor=Product.objects.get(name="Zoloft").sponsor,
                                     name="Lipitor", ingredients=["lipitor"])  # fmt: skip
    rows = {"serious_new": subs[fda.id]}
    rows["plain_downloaded"] = next(
        s for s in _case(reviewer, canary_member) if s.recipient_id == fda.id)
    rows["lipitor_acked"] = next(
        s for s in _case(reviewer, canary_member, drug="Lipitor", serious=True)
        if s.recipient_id == fda.id)  # fmt: skip
    rows["lipitor_rejected"] = next(
        s for s in _case(reviewer, canary_member, drug="Lipitor") if s.recipient_id == fda.id)
    Submission.objects.filter(id=rows["plain_downloaded"].id).update(status="sent")
    Submission.objects.filter(id=rows["lipitor_acked"].id).update(
        status="acknowledged", ack_result="accepted")
    Submission.objects.filter(id=rows["lipitor_rejected"].id).update(
        status="acknowledged", ack_result="rejected")
    old = timezone.now() - timedelta(days=40)
    Submission.objects.filter(id=rows["lipitor_rejected"].id).update(
        created_at=old, due_date=(old + timedelta(days=5)).date())
    return rows, lipitor


def _ids(response) -> list[str]:
    return [s["id"] for s in response.context["submissions"]]


def test_each_filter_narrows_the_inbox_and_is_kept_in_the_form(inbox, regulator):
    rows, lipitor = inbox
    c = login(regulator)
    ids = {k: str(s.id) for k, s in rows.items()}
    # when a regulator filters by product, seriousness, status and received dates
    by_product = c.get(f"/partner/?product={lipitor.id}")
    serious = c.get("/partner/?seriousness=serious")
    non_serious = c.get("/partner/?seriousness=non_serious")
    states = {s: _ids(c.get(f"/partner/?state={s}"))
              for s in ("new", "downloaded", "acknowledged", "rejected")}  # fmt: skip
    recent = c.get(f"/partner/?from={(timezone.now() - timedelta(days=7)).date()}")
    old = c.get(f"/partner/?to={(timezone.now() - timedelta(days=30)).date()}")
    # then each shows only its rows
    assert sorted(_ids(by_product)) == sorted([ids["lipitor_acked"], ids["lipitor_rejected"]])
    assert sorted(_ids(serious)) == sorted([ids["serious_new"], ids["lipitor_acked"]])
    assert sorted(_ids(non_serious)) == sorted([ids["plain_downloaded"], ids["lipitor_rejected"]])
    assert states == {"new": [ids["serious_new"]], "downloaded": [ids["plain_downloaded"]],
                      "acknowledged": [ids["lipitor_acked"]],
                      "rejected": [ids["lipitor_rejected"]]}  # fmt: skip
    assert ids["lipitor_rejected"] not in _ids(recent) and len(_ids(recent)) == 3
    assert _ids(old) == [ids["lipitor_rejected"]]
    # and the chosen values are selected in the form (kept in the URL)
    html = by_product.content.decode()
    assert f'<option value="{lipitor.id}" selected>' in html
    assert "Rejected by you" in c.get("/partner/").content.decode()


def test_sorts_by_received_due_and_seriousness(inbox, regulator):
    rows, _ = inbox
    c = login(regulator)
    received = _ids(c.get("/partner/"))
    due = _ids(c.get("/partner/?sort=due"))
    serious = c.get("/partner/?sort=seriousness").context["submissions"]
    assert received[-1] == str(rows["lipitor_rejected"].id)  # received 40 days ago: last
    assert due[0] == str(rows["lipitor_rejected"].id)  # due 35 days ago: first
    flags = [s["is_serious"] for s in serious]
    assert flags == sorted(flags, reverse=True) and flags[0]


def test_pages_keep_the_filters(inbox, regulator, reviewer, canary_member, monkeypatch):
    from web import views_partner  # noqa: PLC0415

    monkeypatch.setattr(views_partner, "PAGE_SIZE", 1)
    c = login(regulator)
    first = c.get("/partner/?seriousness=serious&sort=due")
    html = first.content.decode()
    assert 'href="?seriousness=serious&amp;sort=due&amp;page=2"' in html
    second = c.get("/partner/?seriousness=serious&sort=due&page=2")
    assert len(_ids(second)) == 1 and _ids(second) != _ids(first)
    assert all(s["is_serious"] for s in second.context["submissions"])


@pytest.mark.parametrize(
    ("query", "named"),
    [("product=not-a-product", "Product"), ("from=31-12-2024", "Received from"),
     ("state=lost", "Status"), ("sort=colour", "Sort"), ("seriousness=very", "Seriousness")],
)  # fmt: skip
def test_a_bad_filter_value_is_named_not_a_500(inbox, regulator, query, named):
    response = login(regulator).get(f"/partner/?{query}")
    assert response.status_code == 200
    assert any(e.startswith(f"{named}:") for e in response.context["errors"])
    assert len(response.context["submissions"]) == 4  # the bad filter is ignored


def test_another_sponsors_product_is_not_a_filter_choice(inbox, sponsor_b_user):
    rows, lipitor = inbox
    response = login(sponsor_b_user).get(f"/partner/?product={lipitor.id}")
    assert any(e.startswith("Product:") for e in response.context["errors"])


def test_filtered_inbox_pages_cost_the_same_queries_for_few_and_many_rows(
    inbox, regulator, reviewer, canary_member, django_assert_max_num_queries
):
    rows, lipitor = inbox
    c = login(regulator)
    url = f"/partner/?product={lipitor.id}&seriousness=non_serious&sort=seriousness"
    with django_assert_max_num_queries(16) as few:
        assert len(c.get(url).context["submissions"]) == 1
    for _ in range(6):
        _case(reviewer, canary_member, drug="Lipitor")
    with django_assert_max_num_queries(16) as many:
        assert len(c.get(url).context["submissions"]) == 7
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_refused_followup_request_keeps_every_tick_and_typed_value(received_case,
                                                                     regulator):
    from followup.catalogue import CATALOGUE_KEYS  # noqa: PLC0415
    from followup.models import FollowupRequest  # noqa: PLC0415

    case, _ = received_case
    ticked = list(CATALOGUE_KEYS[:2])
    six = "\n".join(f"question {i}?" for i in range(6))  # one more than allowed
    response = login(regulator).post(f"/partner/cases/{case.id}/followup/", {
        "questions": ticked, "free_text": six, "wanted_by": "2099-01-31"})  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 400 and "At most 5 free-text questions." in html
    for key in ticked:
        assert f'value="{key}" id="q-{key}" checked' in html
    assert f">{six}</textarea>" in html and 'value="2099-01-31"' in html
    assert not FollowupRequest.objects.exists()
