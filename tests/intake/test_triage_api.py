"""Triage queue API: ordering, filters, pagination at constant queries, reviewer actions,
claim races, permissions, coding suggestions and audited overrides."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from intake.models import Mention, TriageItem
from intake.services.screening import items_screen
from pv.models import AuditEvent, Case, User
from tests.factories import AEReportFactory, MemberFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TEXTS = {
    "serious": "since starting zoloft i had a seizure and was admitted to hospital",
    "rich": "started lexapro 2 wks ago and cant sleep, hair falling out too, no nausea tho",
    "plain_old": "lipitor gave me muscle pain",
    "plain_new": "lipitor gave me muscle pain",
    "none": "what a lovely day at the beach",
}


def _screen_posts(texts: dict[str, str]) -> dict[str, object]:
    member = MemberFactory()
    posts = {}
    for n, (key, text) in enumerate(texts.items()):
        # "plain_old" is ten days older than "plain_new": same priority, older first.
        age = timedelta(days=10) if key == "plain_old" else timedelta(hours=n)
        posts[key] = PostFactory(member=member, text=text, posted_at=NOW - age)
    items_screen(kind="post", ids=[p.id for p in posts.values()])
    return posts


@pytest.fixture
def queue():
    return _screen_posts(TEXTS)


@pytest.fixture
def client(reviewer) -> APIClient:
    c = APIClient()
    c.force_authenticate(reviewer)
    return c


def _item(post) -> TriageItem:
    return TriageItem.objects.get(post=post)


def test_queue_is_ordered_by_seriousness_priority_then_age(client, queue):
    # when
    body = client.get("/api/v1/triage/").json()
    # then: only candidates, serious first, equal priority oldest first
    ids = [r["source_item_id"] for r in body["results"]]
    assert body["count"] == 4
    assert ids[0] == str(queue["serious"].id)
    assert ids[1] == str(queue["rich"].id)
    assert ids[2:] == [str(queue["plain_old"].id), str(queue["plain_new"].id)]
    first = body["results"][0]
    assert first["is_serious"] and "hospitalisation" in first["seriousness"]
    assert [d["term"].lower() for d in first["drugs"]] == ["sertraline"]
    rich = body["results"][1]
    assert {r["text"] for r in rich["reactions"]} >= {"cant sleep", "hair falling out"}
    assert "nausea" not in {r["text"] for r in rich["reactions"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("drug=escitalopram", {"rich"}),
        ("drug=lipitor", {"plain_old", "plain_new"}),
        ("event=insomnia", {"rich"}),
        ("event=nausea", set()),  # negated: not a reaction
        ("serious=true", {"serious"}),
        ("serious=false", {"rich", "plain_old", "plain_new"}),
        ("seriousness=hospitalisation", {"serious"}),
        ("source=report", set()),
        ("source=post", {"serious", "rich", "plain_old", "plain_new"}),
        ("date_to=" + (NOW - timedelta(days=5)).date().isoformat(), {"plain_old"}),
        (
            "date_from=" + (NOW - timedelta(days=5)).date().isoformat(),
            {"serious", "rich", "plain_new"},
        ),
    ],
)
def test_queue_filters(client, queue, query, expected):
    body = client.get(f"/api/v1/triage/?{query}").json()
    by_id = {str(p.id): k for k, p in queue.items()}
    assert {by_id[r["source_item_id"]] for r in body["results"]} == expected


def test_bad_filters_are_400(client, queue):
    for query in ("status=nope", "source=tweet", "date_from=yesterday", "seriousness=bad"):
        response = client.get(f"/api/v1/triage/?{query}")
        assert response.status_code == 400, query
        assert response.json()["code"] == "invalid"


def test_queue_pages_with_constant_queries(client, django_assert_max_num_queries):
    # given a queue of 25 candidates with several mentions each
    _screen_posts({f"p{i}": TEXTS["rich"] for i in range(25)})
    # when / then: one page or all, the same small number of queries
    with django_assert_max_num_queries(5):
        page = client.get("/api/v1/triage/?page_size=10&drug=lexapro").json()
    assert page["count"] == 25 and len(page["results"]) == 10 and page["next"]
    with django_assert_max_num_queries(5):
        everything = client.get("/api/v1/triage/?page_size=100").json()
    assert len(everything["results"]) == 25


def test_detail_shows_mentions_with_top5_suggestions_and_pairs(client, queue):
    item = _item(queue["rich"])
    body = client.get(f"/api/v1/triage/{item.id}/").json()
    assert body["text"] == TEXTS["rich"] and body["pipeline_version"].startswith("pv-screen/")
    sleep = next(m for m in body["mentions"] if m["text"] == "cant sleep")
    assert len(sleep["suggestions"]) == 5
    assert all(0 <= s["score"] <= 100 for s in sleep["suggestions"])
    assert sleep["suggestions"][0]["score"] >= sleep["suggestions"][-1]["score"]
    drug = next(m for m in body["mentions"] if m["kind"] == "drug")
    assert [drug["id"], sleep["id"]] in body["pairs"]


def test_confirm_post_creates_a_coded_case_with_day_zero(client, reviewer, queue):
    # given
    item = _item(queue["serious"])
    # when
    response = client.post(f"/api/v1/triage/{item.id}/confirm/", {}, format="json")
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "confirmed" and body["case"]
    case = Case.objects.get(id=body["case"])
    assert case.day_zero == timezone.now().date()
    assert list(case.source_posts.all()) == [queue["serious"]]
    assert case.hospitalisation and case.other_medically_important
    drug = case.drugs.get()
    assert drug.role == "suspect" and drug.name_reported.lower() == "zoloft"
    assert drug.ingredients[0]["name"].lower() == "sertraline"
    assert drug.ingredients[0]["dictionary"] == "pv open drugs"
    seizure = next(r for r in case.reactions.all() if "seizure" in r.reported_term)
    assert seizure.pt_code and seizure.terminology.startswith("pv open")
    assert seizure.hospitalisation
    assert AuditEvent.objects.filter(action="triage.confirmed", object_id=str(item.id)).exists()
    assert AuditEvent.objects.filter(action="case.created", object_id=str(case.id)).exists()
    # and a second confirm is a conflict, not a second case
    again = client.post(f"/api/v1/triage/{item.id}/confirm/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_decided"
    assert Case.objects.count() == 1


def test_confirm_with_chosen_mentions_and_seriousness(client, queue):
    item = _item(queue["rich"])
    mentions = {m.text: m for m in item.screening.mentions.all()}
    chosen = [str(mentions["lexapro"].id), str(mentions["hair falling out"].id)]
    response = client.post(
        f"/api/v1/triage/{item.id}/confirm/",
        {"mentions": chosen, "seriousness": ["disability"]},
        format="json",
    )
    assert response.status_code == 201
    case = Case.objects.get(id=response.json()["case"])
    assert [r.reported_term for r in case.reactions.all()] == ["hair falling out"]
    assert case.disability and not case.hospitalisation


def test_confirm_report_codes_its_structured_drugs_and_events(client):
    report = AEReportFactory(
        drugs=[{"name": "Zoloft", "dose": "50 mg"}],
        events=[{"text": "insomnia"}],
        hospitalisation=True,
    )
    items_screen(kind="report", ids=[report.id])
    item = TriageItem.objects.get(report=report)
    response = client.post(f"/api/v1/triage/{item.id}/confirm/", {}, format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(id=response.json()["case"])
    assert list(case.source_reports.all()) == [report]
    assert case.day_zero is not None and case.hospitalisation
    assert case.drugs.get().ingredients[0]["name"].lower() == "sertraline"
    reaction = case.reactions.get()
    assert reaction.reported_term == "insomnia" and reaction.pt_code


def test_reject_needs_a_reason_and_leaves_the_queue(client, queue):
    item = _item(queue["plain_old"])
    missing = client.post(f"/api/v1/triage/{item.id}/reject/", {}, format="json")
    assert missing.status_code == 400
    response = client.post(
        f"/api/v1/triage/{item.id}/reject/", {"reason": "not an AE"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected" and response.json()["reason"] == "not an AE"
    open_ids = {r["id"] for r in client.get("/api/v1/triage/").json()["results"]}
    assert str(item.id) not in open_ids
    rejected = client.get("/api/v1/triage/?status=rejected").json()["results"]
    assert [r["id"] for r in rejected] == [str(item.id)]
    assert AuditEvent.objects.get(action="triage.rejected").reason == "not an AE"


def test_needs_info_stays_open_and_can_be_confirmed_later(client, queue):
    item = _item(queue["rich"])
    response = client.post(
        f"/api/v1/triage/{item.id}/needs-info/", {"reason": "ask for the dose"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "needs_info" and response.json()["claimed_by"] is None
    assert client.get("/api/v1/triage/?status=needs_info").json()["count"] == 1
    assert str(item.id) in {r["id"] for r in client.get("/api/v1/triage/").json()["results"]}
    confirm = client.post(f"/api/v1/triage/{item.id}/confirm/", {}, format="json")
    assert confirm.status_code == 201


def test_claim_race_second_reviewer_is_refused(client, reviewer, queue):
    # given reviewer A holds a claim
    item = _item(queue["rich"])
    other = APIClient()
    other.force_authenticate(UserFactory(role=User.Role.REVIEWER, username="reviewer-b"))
    assert client.post(f"/api/v1/triage/{item.id}/claim/").status_code == 200
    # when reviewer B claims, confirms or rejects the same item
    claim = other.post(f"/api/v1/triage/{item.id}/claim/")
    confirm = other.post(f"/api/v1/triage/{item.id}/confirm/", {}, format="json")
    reject = other.post(f"/api/v1/triage/{item.id}/reject/", {"reason": "x"}, format="json")
    # then B is refused and nothing changed
    for response in (claim, confirm, reject):
        assert response.status_code == 409
        assert response.json()["code"] == "claimed_by_other"
        assert response.json()["extra"]["claimed_by"] == reviewer.username
    item.refresh_from_db()
    assert item.status == "pending" and item.claimed_by == reviewer and Case.objects.count() == 0
    # claiming again is fine for the holder; B cannot release A's claim
    assert client.post(f"/api/v1/triage/{item.id}/claim/").status_code == 200
    assert other.post(f"/api/v1/triage/{item.id}/release/").status_code == 400
    # after A releases, B can claim
    assert client.post(f"/api/v1/triage/{item.id}/release/").status_code == 200
    assert other.post(f"/api/v1/triage/{item.id}/claim/").status_code == 200
    assert client.get("/api/v1/triage/?claimed=no").json()["count"] == 3


def test_a_stale_claim_can_be_taken_over(client, queue):
    item = _item(queue["rich"])
    holder = UserFactory(role=User.Role.REVIEWER, username="gone-home")
    TriageItem.objects.filter(id=item.id).update(
        claimed_by=holder, claimed_at=timezone.now() - timedelta(hours=2)
    )
    assert client.post(f"/api/v1/triage/{item.id}/claim/").status_code == 200


def test_claiming_a_decided_item_is_a_conflict(client, queue):
    item = _item(queue["plain_new"])
    client.post(f"/api/v1/triage/{item.id}/reject/", {"reason": "dup"}, format="json")
    response = client.post(f"/api/v1/triage/{item.id}/claim/")
    assert response.status_code == 409 and response.json()["code"] == "already_decided"


def test_coding_override_and_accept_are_audited(client, reviewer, queue):
    # given the pipeline's coding of "hair falling out"
    item = _item(queue["rich"])
    mention = item.screening.mentions.get(text="hair falling out")
    before_pt = mention.pt_code
    suggestions = client.get(f"/api/v1/mentions/{mention.id}/suggestions/").json()["suggestions"]
    assert len(suggestions) == 5
    target = next(s for s in suggestions if s["pt_code"] != before_pt)
    # when the reviewer overrides it with another concept
    response = client.post(
        f"/api/v1/mentions/{mention.id}/coding/",
        {"action": "override", "code": target["pt_code"], "reason": "closer term"},
        format="json",
    )
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["pt_code"] == target["pt_code"] and body["coding_status"] == "overridden"
    assert body["coded_by"] == reviewer.username and body["soc"]
    event = AuditEvent.objects.get(action="mention.coding_overridden")
    assert event.before["pt_code"] == before_pt and event.after["pt_code"] == target["pt_code"]
    assert event.reason == "closer term" and event.actor == reviewer
    # accepting a drug's coding
    drug = item.screening.mentions.get(kind="drug")
    accepted = client.post(
        f"/api/v1/mentions/{drug.id}/coding/", {"action": "accept"}, format="json"
    )
    assert accepted.json()["coding_status"] == "accepted"
    assert AuditEvent.objects.filter(
        action="mention.coding_accepted", object_id=str(drug.id)
    ).exists()
    # a drug override to a concept code
    override = client.post(
        f"/api/v1/mentions/{drug.id}/coding/",
        {"action": "override", "code": "DB01104"},
        format="json",
    )
    assert override.status_code == 200 and override.json()["term"] == "Sertraline"
    assert override.json()["details"]["ingredients"][0]["code"] == "DB01104"


def test_coding_errors_are_clear(client, queue):
    mention = _item(queue["rich"]).screening.mentions.filter(kind="event").first()
    unknown = client.post(
        f"/api/v1/mentions/{mention.id}/coding/",
        {"action": "override", "code": "HP:9999999"},
        format="json",
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_code"
    no_code = client.post(
        f"/api/v1/mentions/{mention.id}/coding/", {"action": "override"}, format="json"
    )
    assert no_code.status_code == 400
    assert Mention.objects.get(id=mention.id).coding_status == "auto"


def test_dictionary_search_endpoint(client, db):
    response = client.get("/api/v1/dictionaries/search?q=cant%20sleep&kind=event")
    assert response.status_code == 200
    body = response.json()
    assert body["dictionary"]["kind"] == "event" and body["dictionary"]["is_active"]
    assert body["results"][0]["pt"] and body["results"][0]["score"] > 50
    drugs = client.get("/api/v1/dictionaries/search?q=liptor&kind=drug&limit=3").json()
    assert drugs["results"][0]["term"] == "Atorvastatin" and len(drugs["results"]) <= 3
    assert client.get("/api/v1/dictionaries/search?kind=event").status_code == 400
    assert client.get("/api/v1/dictionaries/search?q=x&kind=device").status_code == 400
    listing = client.get("/api/v1/dictionaries/").json()["results"]
    assert {d["kind"] for d in listing if d["is_active"]} == {"drug", "event"}


ROLES = ["anonymous", "reviewer", "admin", "regulator", "sponsor", "member"]


@pytest.mark.parametrize("role", ROLES)
def test_only_reviewers_and_admins_reach_triage_and_coding(users_by_role, role):
    # given
    posts = _screen_posts({"rich": TEXTS["rich"]})
    item = _item(posts["rich"])
    mention = item.screening.mentions.first()
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(users_by_role[role])
    calls = [
        ("get", "/api/v1/triage/", None),
        ("get", f"/api/v1/triage/{item.id}/?suggestions=false", None),
        ("post", f"/api/v1/triage/{item.id}/claim/", None),
        ("post", f"/api/v1/triage/{item.id}/release/", None),
        ("post", f"/api/v1/triage/{item.id}/needs-info/", {"reason": "r"}),
        ("post", f"/api/v1/triage/{item.id}/reject/", {"reason": "r"}),
        ("post", f"/api/v1/triage/{item.id}/confirm/", {}),
        ("get", f"/api/v1/mentions/{mention.id}/suggestions/", None),
        ("post", f"/api/v1/mentions/{mention.id}/coding/", {"action": "accept"}),
        ("get", "/api/v1/dictionaries/", None),
        ("get", "/api/v1/dictionaries/search?q=rash", None),
    ]
    for method, url, body in calls:
        response = getattr(client, method)(url, body, format="json")
        if role in ("reviewer", "admin"):
            # allowed: any outcome but an auth refusal (the item is decided half-way through)
            assert response.status_code not in (401, 403), (role, url)
        else:
            assert response.status_code == (401 if role == "anonymous" else 403), (role, url)
    if role not in ("reviewer", "admin"):
        item.refresh_from_db()
        assert item.status == "pending" and item.claimed_by is None


def test_unknown_item_is_404(client, db):
    import uuid

    response = client.post(f"/api/v1/triage/{uuid.uuid4()}/claim/")
    assert response.status_code == 404
