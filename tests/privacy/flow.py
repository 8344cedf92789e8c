"""The whole pv flow driven as its users would, with canary forms in everything they write, and
every partner-visible output and the database dump collected for the canary oracle.

Members post and report through the API; a reviewer confirms from the triage queue, builds and
versions a case (typing canaries into a route and a careless narrative); two partners pull
their ICSRs, read cases, submissions, statuses, signals (API, CSV) and their pages, and ask
follow-up questions; the member answers in the inbox; the reviewer merges. `Outputs` keeps
what each partner received, split into the strings it is made of (JSON leaves, XML text and
attributes, page text, CSV cells), so the oracle cannot match across two unrelated values.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from lxml import etree
from rest_framework.test import APIClient

from intake.models import TriageItem
from pv.models import Case, Member, User
from pv.services.users import user_create
from submissions.models import RoutingRule

from .canaries import Identity, survivors

INSOMNIA = {
    "code": "10022437",
    "term": "Insomnia",
    "terminology": "MedDRA",
    "terminology_version": "27.0",
}
_TAG = re.compile(r"<[^>]*>")
_serial = itertools.count(1)


@dataclass
class Outputs:
    """Strings one audience received, each tagged with where it came from."""

    items: list[tuple[str, str]] = field(default_factory=list)
    responses: int = 0

    def add(self, where: str, content_type: str, body: bytes) -> None:
        self.responses += 1
        self.items += [(where, s) for s in split_strings(content_type, body) if s]

    def leaks(self, identity: Identity) -> list[tuple[str, str, list[str]]]:
        found = []
        for where, text in self.items:
            kinds = survivors(identity, text, parts=True)
            if kinds:
                found.append((where, text[:200], kinds))
        return found


def split_strings(content_type: str, body: bytes) -> list[str]:
    text = body.decode("utf-8", errors="replace")
    if "json" in content_type:
        return list(_json_strings(json.loads(text)))
    if "xml" in content_type:
        root = etree.fromstring(body)  # noqa: S320 (our own output)
        return [*root.itertext(), *(v for el in root.iter() for v in el.attrib.values())]
    if "csv" in content_type:
        return [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    return [part.strip() for part in _TAG.split(text)]


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def database_strings() -> list[tuple[str, str]]:
    """Every stored value of every row of every model, as (table, string)."""
    out = []
    for model in apps.get_models(include_auto_created=True):
        for row in model.objects.all().values():
            for value in row.values():
                if isinstance(value, str | dict | list):
                    text = value if isinstance(value, str) else json.dumps(value)
                    out.append((model._meta.db_table, text))
    return out


class Viewer:
    """An API and page client for one user; keeps everything the user received."""

    def __init__(self, user: User, outputs: Outputs | None = None):
        self.user = user
        self.api = APIClient()
        self.api.force_authenticate(user)
        self.web = Client()
        self.web.force_login(user)
        self.outputs = outputs if outputs is not None else Outputs()

    def call(self, method: str, url: str, data=None, expect: int | tuple = 200):
        response = getattr(self.api, method)(url, data, format="json")
        expected = expect if isinstance(expect, tuple) else (expect,)
        assert response.status_code in expected, (url, response.status_code, response.content)
        if response.status_code < 300:
            self._keep(url, response)
        return response

    def page(self, url: str):
        response = self.web.get(url)
        assert response.status_code == 200, (url, response.status_code)
        self._keep(url, response)
        return response

    def _keep(self, url, response) -> None:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        self.outputs.add(url, response.get("Content-Type", ""), body)


@dataclass
class World:
    admin: Viewer
    reviewer: Viewer
    fda: Viewer
    sponsor: Viewer


def world_create() -> World:
    """Partners, routing and one user per role (once per test; examples share them)."""
    from pv.models import Partner

    fda = Partner.objects.create(
        name="FDA test",
        kind="regulator",
        country="US",
        region="US",
        e2b_receiver_id="ZZFDA",
        e2b_profile="fda",
    )
    sponsor = Partner.objects.create(
        name="Sponsor A", kind="sponsor", country="US", region="US", accepts_open_terminology=True
    )
    sponsor.products.create(name="Zoloft", ingredients=["sertraline"])
    RoutingRule.objects.create(position=1, name="FDA: US", recipient=fda, countries=["US"])
    RoutingRule.objects.create(
        position=2, name="Sponsor A products", recipient=sponsor, match_products=True
    )

    def make(role, partner=None):
        user, _, _ = user_create(actor="test", username=f"{role}-priv", role=role, partner=partner)
        return Viewer(user)

    return World(make("admin"), make("reviewer"), make("regulator", fda), make("sponsor", sponsor))


@dataclass
class Written:
    """What the canary member and the reviewer write in one run, one form per field."""

    post_text: str
    forum: str
    thread: str
    drug_name: str
    dose: str
    route: str
    frequency: str
    indication: str
    event: str
    free_text: str
    answer: str
    free_answer: str
    narrative: str
    reviewer_route: str
    reviewer_edit: str


def run_flow(world: World, identity: Identity, w: Written, capture) -> dict:
    """Drive the flow once for a new canary member; return what it made."""
    cache.clear()  # throttle budgets
    n = next(_serial)
    ago = (timezone.now() - timedelta(days=3)).isoformat()
    world.admin.call(
        "post",
        "/api/v1/members/",
        {
            "source_id": f"m-priv-{n}",
            "name": identity.name,
            "email": identity.email,
            "phone": identity.phone,
            "birth_year": 1970,
            "sex": "F",
            "country": "US",
            "conditions": ["asthma"],
        },
        expect=201,
    )
    member = Member.objects.get(source_id=f"m-priv-{n}")
    m_user, _, _ = user_create(
        actor="test", username=f"member-priv-{n}", role="member", member=member
    )
    mem = Viewer(m_user)
    with capture(execute=True):
        mem.call(
            "post",
            "/api/v1/posts/",
            {
                "source_id": f"p-priv-{n}",
                "forum": w.forum,
                "thread": w.thread,
                "text": "Started zoloft two weeks ago and now I cant sleep at all. " + w.post_text,
                "posted_at": ago,
            },
            expect=201,
        )
        mem.call(
            "post",
            "/api/v1/reports/",
            {
                "source_id": f"r-priv-{n}",
                "drugs": [
                    {
                        "name": f"Zoloft {w.drug_name}",
                        "dose": f"50 mg {w.dose}",
                        "route": f"oral {w.route}",
                        "frequency": w.frequency,
                        "indication": f"depression {w.indication}",
                    }
                ],
                "events": [{"text": f"cant sleep {w.event}", "outcome": "recovering"}],
                "hospitalisation": True,
                "free_text": w.free_text,
                "submitted_at": ago,
            },
            expect=201,
        )
    items = TriageItem.objects.filter(report__source_id=f"r-priv-{n}")
    cases = []
    with capture(execute=True):
        for item in items:  # the pipeline's own case from the report, when it is a candidate
            world.reviewer.call("post", f"/api/v1/triage/{item.id}/claim/")
            world.reviewer.call("post", f"/api/v1/triage/{item.id}/confirm/", {}, expect=201)
            cases.append(Case.objects.get(source_reports__source_id=f"r-priv-{n}", is_latest=True))
        made = world.reviewer.call(
            "post",
            "/api/v1/cases/",
            {
                "member_public_id": member.public_id,
                "drugs": [
                    {
                        "name_reported": "Zoloft",
                        "ingredients": [{"name": "sertraline"}],
                        "route": f"oral {w.reviewer_route}",
                    }
                ],
                "reactions": [{"reported_term": "cant sleep", **INSOMNIA, "outcome": "3"}],
                "hospitalisation": True,
                "narrative": f"Member reports insomnia on Zoloft. Original: {w.narrative}",
            },
            expect=201,
        ).json()
    case = Case.objects.get(id=made["id"])
    cases.append(case)
    _pull_everything(world, cases)
    # follow-up: both partners ask, the reviewer approves, the member answers, merge
    wanted = (timezone.now().date() + timedelta(days=10)).isoformat()
    fda_req = world.fda.call(
        "post",
        "/api/v1/followup/requests/",
        {"case": str(case.id), "questions": ["onset_date", "outcome"], "wanted_by": wanted},
        expect=201,
    ).json()
    sp_req = world.sponsor.call(
        "post",
        "/api/v1/followup/requests/",
        {
            "case": str(case.id),
            "questions": ["other_medicines"],
            "wanted_by": wanted,
            "free_text_questions": ["Did you keep driving while on it?"],
        },
        expect=201,
    ).json()
    with capture(execute=True):
        for req in (fda_req, sp_req):
            world.reviewer.call("post", f"/api/v1/followup/requests/{req['id']}/approve/", {})
    message = mem.call("get", "/api/v1/followup/inbox/").json()["results"][0]
    qids = [q["id"] for q in message["questions"]]
    free = next(q for q in qids if q.startswith("free-"))
    answers = {q: f"{w.answer} ({q})" for q in qids if q != free} | {free: w.free_answer}
    mem.call(
        "post",
        f"/api/v1/followup/inbox/{message['id']}/answer/",
        {"answers": answers, "consent": True},
    )
    with capture(execute=True):
        merged = world.reviewer.call(
            "post",
            f"/api/v1/followup/messages/{message['id']}/merge/",
            {
                "accepted": qids,
                "edited": {free: f"Kept driving. {w.reviewer_edit}"},
                "drugs": [
                    {
                        "name_reported": "Zoloft",
                        "ingredients": [{"name": "sertraline"}],
                        "route": f"oral {w.reviewer_route}",
                    }
                ],
            },
            expect=201,
        ).json()
    cases.append(Case.objects.get(id=merged["id"]))
    with capture(execute=True):
        world.reviewer.call("post", "/api/v1/signals/runs/", {"source": "cases"}, expect=202)
    _pull_everything(world, cases)
    return {"member": member, "cases": cases}


def _pull_everything(world: World, cases: list[Case]) -> None:
    for viewer in (world.fda, world.sponsor):
        viewer.call("get", "/api/v1/me/")
        viewer.call("get", "/api/v1/partners/")
        viewer.call("get", "/api/v1/products/")
        viewer.call("get", "/api/v1/cases/")
        for case in cases:
            viewer.call("get", f"/api/v1/cases/{case.id}/", expect=(200, 404))
            response = viewer.web.get(f"/partner/cases/{case.id}/")
            if response.status_code == 200:
                viewer._keep("/partner/cases/", response)
        for sub in viewer.call("get", "/api/v1/submissions/").json()["results"]:
            viewer.call("get", f"/api/v1/submissions/{sub['id']}/")
            if sub["status"] not in ("failed", "queued"):
                viewer.call("get", f"/api/v1/submissions/{sub['id']}/xml/")
        viewer.call("get", "/api/v1/followup/requests/")
        viewer.page("/partner/")
    sponsor = world.sponsor
    sponsor.call("get", "/api/v1/signals/records/")
    sponsor.call("get", "/api/v1/signals/runs/")
    sponsor.call("get", "/api/v1/signals/results/?source=cases", expect=(200, 404))
    sponsor.call("get", "/api/v1/signals/results/export/?source=cases", expect=(200, 404))
    sponsor.page("/signals/")
