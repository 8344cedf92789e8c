"""Seed the embedded demo from the synthetic community (demo.community): partners, products, members
(Restricted Data through the vault), posts and reports through the intake services, one
account per role (the member's once cases exist: `demo_member_seed`), and cases confirmed from
a sample of the structured reports."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from intake.models import AEReport, Post
from intake.services import post_batch_create, report_batch_create
from intake.services.triage import triage_item_claim, triage_item_confirm
from intake.triage_selectors import triage_queue
from pv.core.exceptions import DomainError
from pv.models import Case, Member, Partner, Product, User
from pv.services.members import member_register
from pv.services.rsi import reference_terms_import_csv
from pv.services.users import user_create
from signals.services import signals_demo_seed
from submissions.e2b import parse_batch
from submissions.importer import case_import_snapshot
from submissions.models import RoutingRule, Submission

ACCOUNTS_FILE = "demo_accounts.json"
DEMO_CASES = 25


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _accounts_path() -> Path:
    return Path(settings.VAR_DIR) / ACCOUNTS_FILE


def demo_is_seeded() -> bool:
    return Member.objects.exists() and _accounts_path().exists()


def demo_accounts() -> list[dict]:
    return json.loads(_accounts_path().read_text())


def _write_accounts(accounts: list[dict]) -> None:
    path = _accounts_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(accounts, fh, indent=2)


@transaction.atomic
def demo_seed(*, community: dict, actor: str = "demo-seed") -> list[dict]:
    partners = {}
    for p in community["partners"]:
        partner = Partner.objects.create(
            name=p["name"],
            kind=p["kind"],
            country=p.get("country", ""),
            region=p.get("region", ""),
            e2b_receiver_id=p.get("e2b_receiver_id", ""),
            e2b_profile=p.get("e2b_profile", "ich"),
        )
        partners[p["name"]] = partner
        for product in p.get("products", []):
            Product.objects.create(
                sponsor=partner, name=product["name"], ingredients=product["ingredients"]
            )
    _seed_routing(partners)
    _seed_rsi(actor=actor)
    members = {}
    for m in community["members"]:
        member = member_register(
            actor=actor,
            source_id=m["source_id"],
            name=m["name"],
            email=m["email"],
            phone=m.get("phone", ""),
            birth_year=m.get("birth_year"),
            sex=m.get("sex", "U"),
            country=m.get("country", ""),
            conditions=m.get("conditions", []),
            treatments=m.get("treatments", []),
            contact_opt_out=m.get("opted_out", False),
        )
        if m.get("status") == "deactivated":
            Member.objects.filter(pk=member.pk).update(status=Member.Status.DEACTIVATED)
        members[m["source_id"]] = member
    posts = [{**p, "posted_at": _dt(p["posted_at"])} for p in community["posts"]]
    for start in range(0, len(posts), 1000):
        post_batch_create(actor=actor, items=posts[start : start + 1000])
    reports = [
        {**r, **r.get("seriousness", {}), "submitted_at": _dt(r["submitted_at"])}
        for r in community["reports"]
    ]
    for r in reports:
        r.pop("seriousness", None)
    for start in range(0, len(reports), 1000):
        report_batch_create(actor=actor, items=reports[start : start + 1000])

    accounts = []

    def account(
        username: str, role: str, partner: Partner | None = None, member: Member | None = None
    ):
        user, password, token = user_create(
            actor=actor, username=username, role=role, partner=partner, member=member
        )
        accounts.append(
            {
                "username": username,
                "role": role,
                "password": password,
                "token": token,
                "partner": partner.name if partner else None,
            }
        )
        return user

    account("admin", User.Role.ADMIN)
    reviewer = account("reviewer", User.Role.REVIEWER)
    for p in community["partners"]:
        slug = p["name"].split()[0].lower()
        account(f"{p['kind']}-{slug}", p["kind"], partners[p["name"]])
    _write_accounts(accounts)
    # Screening runs on commit (in-process in the demo); once it has filled the queue, a
    # reviewer confirms the top candidates into coded cases, which route their submissions.
    reviewer_id = reviewer.id
    transaction.on_commit(lambda: demo_confirm_cases(reviewer_id=reviewer_id))
    # Another sender's MedDRA-coded ICSRs (FDA's public examples), so regulators have traffic:
    # pv's own open terminology is not MedDRA, and regulators accept MedDRA only.
    transaction.on_commit(lambda: demo_import_e2b(actor_id=reviewer_id))
    # Then signals over those cases, the screened forum mentions and the FAERS sample.
    transaction.on_commit(signals_demo_seed)
    return accounts


def demo_member_seed(*, actor: str = "demo-seed") -> dict:
    """The demo's member account, added once demo_seed has committed and its cases were routed:
    for a contactable member whose report or post became a case a sponsor received. That
    sponsor asks two follow-up questions and the demo reviewer approves them, so the member
    finds them in their inbox (and the emailed link under var/mail/). Without such a case, the
    first active member, with an empty inbox. Returns the account (also added to the file)."""
    from followup.services import followup_request_approve, followup_request_create
    from submissions.selectors import AVAILABLE

    received = (
        Submission.objects.filter(
            recipient__kind=Partner.Kind.SPONSOR,
            status__in=AVAILABLE,
            case__is_latest=True,
            case__member__status=Member.Status.ACTIVE,
            case__member__contact_opt_out=False,
            case__member__user__isnull=True,
        )
        .select_related("case", "case__member", "recipient")
        .order_by("case__received_at", "case_id")
        .first()
    )
    member = (
        received.case.member
        if received
        else Member.objects.filter(status=Member.Status.ACTIVE).order_by("source_id").first()
    )
    _, password, token = user_create(
        actor=actor, username="member", role=User.Role.MEMBER, member=member
    )
    entry = {"username": "member", "role": User.Role.MEMBER, "password": password,
             "token": token, "partner": None}  # fmt: skip
    _write_accounts([*demo_accounts(), entry])
    asker = (
        User.objects.filter(partner=received.recipient).order_by("username").first()
        if received
        else None
    )
    if asker is not None:
        with transaction.atomic():
            request = followup_request_create(
                actor=asker,
                case=received.case,
                questions=["onset_date", "outcome"],
                wanted_by=timezone.now().date() + timedelta(days=14),
            )
            followup_request_approve(
                actor=User.objects.get(username="reviewer", role=User.Role.REVIEWER),
                request=request,
            )
    return entry


def demo_import_e2b(*, actor_id) -> int:
    actor = User.objects.get(id=actor_id)
    imported = 0
    for path in sorted((Path(__file__).resolve().parent.parent / "demo/data/e2b").glob("*.xml")):
        batch = parse_batch(path.read_bytes())
        for snapshot in batch.cases:
            with transaction.atomic():
                imported += case_import_snapshot(
                    snapshot=snapshot, actor=actor, route=batch.header
                )[1]
    return imported


def demo_confirm_cases(*, reviewer_id, reports: int = DEMO_CASES, posts: int = 10) -> int:
    """Work the top of the triage queue as the demo reviewer: structured reports first."""
    reviewer = User.objects.get(id=reviewer_id)
    confirmed = 0
    for source, limit in (("report", reports), ("post", posts)):
        for item in triage_queue(source=source)[: limit * 2]:
            if confirmed >= reports + posts or limit == 0:
                break
            try:
                with transaction.atomic():
                    triage_item_claim(actor=reviewer, item=item)
                    triage_item_confirm(actor=reviewer, item=item)
            except DomainError:
                continue  # e.g. a post with no codable reaction: left in the queue
            confirmed += 1
            limit -= 1
    return confirmed


RSI_DIR = Path(__file__).resolve().parent / "data" / "rsi"


def _seed_rsi(*, actor) -> None:
    """Each sponsor product's reference safety information from `demo/data/rsi/<name>.csv`,
    imported through the same CSV service a reviewer uses (so the demo shows listed and
    unlisted drug–reaction pairs)."""
    for product in Product.objects.all():
        path = RSI_DIR / f"{product.name.lower()}.csv"
        if path.exists():
            reference_terms_import_csv(
                actor=actor, product=product, text=path.read_text(encoding="utf-8")
            )


def _seed_routing(partners: dict[str, Partner]) -> None:
    """FDA takes serious US cases (15 days); EMA every EU/EEA case (15 / 90 days); each sponsor
    the cases with its products as suspect, under an open-terminology agreement."""
    position = 1
    for partner in partners.values():
        if partner.kind == Partner.Kind.REGULATOR and partner.e2b_profile == "fda":
            RoutingRule.objects.create(
                position=position,
                name="FDA: serious cases from the US",
                recipient=partner,
                countries=["US"],
                seriousness="serious",
            )
        elif partner.kind == Partner.Kind.REGULATOR:
            RoutingRule.objects.create(
                position=position,
                name=f"{partner.name}: cases from the {partner.region}",
                recipient=partner,
                regions=[partner.region],
            )
        else:
            Partner.objects.filter(pk=partner.pk).update(accepts_open_terminology=True)
            RoutingRule.objects.create(
                position=position,
                name=f"{partner.name}: its products",
                recipient=partner,
                match_products=True,
            )
        position += 1


def demo_summary() -> dict[str, int]:
    return {
        "members": Member.objects.count(),
        "partners": Partner.objects.count(),
        "posts": Post.objects.count(),
        "reports": AEReport.objects.count(),
        "cases": Case.objects.filter(is_latest=True).count(),
        "submissions": Submission.objects.count(),
    }
