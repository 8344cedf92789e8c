"""Benchmark: the reviewer queue, review and case pages' server time with 100,000 queued items in
PostgreSQL.

    createdb -h 127.0.0.1 -U postgres pv_bench     # once
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pv_bench \\
        .venv/bin/python benchmarks/queue_page.py [--items 100000] [--repeat 30] [--reseed]

Migrates the database, seeds it once with bulk inserts (members, posts, screening results with a
drug and an event mention each, and open triage items: 10% serious, 2% waiting for information,
1% claimed by the bench reviewer, spread over a year; one drug and one event in 1,000 are rare;
plus 5% more items already rejected, the oldest), then requests the pages through Django's test
client as a logged-in reviewer (full middleware, session, auth, selector, template) and prints
the median and p95 wall time per variant: every filter the queue page offers, alone and
combined. The target is <= 200 ms for each. Seeding is skipped when the data is already there.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pv.settings.test")

import django  # noqa: E402

BATCH = 5000
DRUGS = [
    ("zoloft", "DB01104", "Sertraline"),
    ("lexapro", "DB01175", "Escitalopram"),
    ("lipitor", "DB01076", "Atorvastatin"),
    ("ibuprofen", "DB01050", "Ibuprofen"),
]
EVENTS = [
    ("cant sleep", "HP:0100785", "Insomnia"),
    ("headache", "HP:0002315", "Headache"),
    ("muscle pain", "HP:0003326", "Myalgia"),
    ("seizure", "HP:0001250", "Seizure"),
]
RARE_DRUG = ("warfarin", "DB00682", "Warfarin")  # one item in 1,000
RARE_EVENT = ("rash", "HP:0000988", "Skin rash")  # one item in 1,000
SEED_VERSION = "bench-2"  # the seed's shape; a database seeded by another shape is reseeded
SERIOUS = [["hospitalisation"], ["life_threatening"], ["death"], ["disability"]]


def _batched(rows, model):
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start : start + BATCH], batch_size=BATCH)


def seed(n: int, reviewer) -> None:
    from django.db import transaction

    from intake.models import Mention, Post, ScreeningResult, TriageItem
    from intake.queue_terms import queue_terms
    from pv.models import Member

    now = datetime.now(UTC)
    started = time.perf_counter()
    members = [
        Member(id=uuid.uuid4(), source_id=f"bench-m-{i}", public_id=f"MB{i:010d}",
               birth_year=1950 + i % 50, sex="F" if i % 2 else "M", country="US")
        for i in range(max(1, n // 10))
    ]  # fmt: skip
    with transaction.atomic():
        _batched(members, Member)
        total = n + n // 20  # the last 5% (the oldest) are already rejected
        for start in range(0, total, 20_000):
            stop = min(total, start + 20_000)
            posts, results, mentions, items = [], [], [], []
            for i in range(start, stop):
                drug, event = DRUGS[i % len(DRUGS)], EVENTS[(i // 4) % len(EVENTS)]
                drug = RARE_DRUG if i % 1000 == 500 else drug
                event = RARE_EVENT if i % 1000 == 501 else event
                status = "needs_info" if i % 50 == 7 else "pending"
                status = "rejected" if i >= n else status
                claimed = reviewer if i % 100 == 3 and i < n else None
                serious = SERIOUS[i % 4] if i % 10 == 0 else []
                at = now - timedelta(minutes=5 * i)
                text = f"started {drug[0]} last month and now {event[0]}, bench post {i}"
                post = Post(id=uuid.uuid4(), source_id=f"bench-p-{i}",
                            member=members[i % len(members)], text=text, posted_at=at,
                            screening_status="screened")  # fmt: skip
                result = ScreeningResult(
                    id=uuid.uuid4(), post=post, pipeline_version=SEED_VERSION, candidate=True,
                    priority=(80.0 if serious else 20.0) + (i % 7), serious=serious,
                    criteria={"patient": True, "reporter": True, "product": True, "event": True},
                    screened_at=at,
                )  # fmt: skip
                d0 = text.index(drug[0])
                e0 = text.index(event[0])
                pair = [
                    Mention(id=uuid.uuid4(), result=result, position=0, kind="drug",
                            start=d0, end=d0 + len(drug[0]), text=drug[0], code=drug[1],
                            term=drug[2], terminology="pv open drugs"),
                    Mention(id=uuid.uuid4(), result=result, position=1, kind="event",
                            start=e0, end=e0 + len(event[0]), text=event[0], code=event[1],
                            term=event[2], pt=event[2], pt_code=event[1], role="reaction",
                            reportable=True, terminology="pv open events (HPO-derived)"),
                ]  # fmt: skip
                mentions += pair
                items.append(
                    TriageItem(id=uuid.uuid4(), source="post", post=post, screening=result,
                               is_serious=bool(serious), seriousness=serious,
                               priority=result.priority, item_at=at, status=status,
                               claimed_by=claimed, claimed_at=claimed and now,
                               **queue_terms(pair))
                )  # fmt: skip
                posts.append(post)
                results.append(result)
            _batched(posts, Post)
            _batched(results, ScreeningResult)
            _batched(mentions, Mention)
            _batched(items, TriageItem)
            print(f"  seeded {stop:,} / {total:,}", file=sys.stderr)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {total:,} items in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def timed(client, url: str, repeat: int) -> tuple[float, float, int]:
    client.get(url)  # warm: templates, connection, caches
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)]
    shown = len(response.context["items"]) if "items" in response.context else 0
    return statistics.median(samples), p95, shown


def bench_case(reviewer):
    """One case (through the case service) of a bench member's post, naming a statin whose
    product has an RSI and two other drugs, with three reactions: the case page then computes
    expectedness for six pairs and the seriousness words of its source post."""
    from intake.models import Post
    from pv.models import Case, Partner, Product
    from pv.services.cases import case_create
    from pv.services.rsi import reference_terms_import_csv

    post = Post.objects.filter(source_id="bench-p-0").first()
    existing = Case.objects.filter(source_posts=post, is_latest=True).first()
    if existing is not None:
        return existing
    sponsor, _ = Partner.objects.get_or_create(name="Bench Sponsor", kind="sponsor")
    product, _ = Product.objects.get_or_create(
        sponsor=sponsor, name="Lipitor", defaults={"ingredients": ["atorvastatin"]}
    )
    reference_terms_import_csv(
        actor=reviewer, product=product,
        text="term,code\nMyalgia,HP:0003326\nArthralgia,HP:0002829\nNausea,HP:0002018\n",
    )  # fmt: skip
    return case_create(
        actor=reviewer, member=post.member, source_posts=[post],
        drugs=[{"name_reported": "lipitor", "ingredients": [{"name": "atorvastatin"}]},
               {"name_reported": "zoloft", "ingredients": [{"name": "sertraline"}]},
               {"name_reported": "ibuprofen", "role": "concomitant"}],
        reactions=[{"reported_term": "muscle pain", "term": "Myalgia", "code": "HP:0003326",
                    "hospitalisation": True},
                   {"reported_term": "headache", "term": "Headache", "code": "HP:0002315"},
                   {"reported_term": "seizure", "term": "Seizure", "code": "HP:0001250"}],
        hospitalisation=True, narrative=post.text,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    if "postgresql" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pv_bench")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from intake.models import Mention, Post, ScreeningResult, TriageItem
    from pv.models import Member, User

    setup_test_environment()
    call_command("migrate", verbosity=0)
    reviewer, _ = User.objects.get_or_create(
        username="bench-reviewer", defaults={"role": "reviewer"}
    )
    have = TriageItem.objects.filter(
        status__in=TriageItem.OPEN, screening__pipeline_version=SEED_VERSION
    ).count()
    if args.reseed or have < args.items:
        TriageItem.objects.filter(post__source_id__startswith="bench-p-").delete()
        Mention.objects.filter(result__pipeline_version__startswith="bench").delete()
        ScreeningResult.objects.filter(pipeline_version__startswith="bench").delete()
        Post.objects.filter(source_id__startswith="bench-p-").delete()
        Member.objects.filter(source_id__startswith="bench-m-").delete()
        seed(args.items, reviewer)
    else:  # fresh statistics after a migration rewrote rows (seeding analyses on its own)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    client = Client()
    client.force_login(reviewer)
    open_items = TriageItem.objects.filter(status__in=TriageItem.OPEN).count()
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, "
          f"PostgreSQL, {open_items:,} open triage items, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
    today = datetime.now(UTC).date()
    week = (today - timedelta(days=60), today - timedelta(days=53))
    variants = [
        ("queue page 1 (default)", "/queue/"),
        ("queue page 2, htmx fragment", "/queue/?page=2"),
        ("last page", f"/queue/?page={(open_items + 24) // 25}"),
        ("status: pending", "/queue/?status=pending"),
        ("status: needs information", "/queue/?status=needs_info"),
        ("status: rejected", "/queue/?status=rejected"),
        ("status: all", "/queue/?status=all"),
        ("drug (lipitor, 1 in 4)", "/queue/?drug=lipitor"),
        ("drug by code (DB01076)", "/queue/?drug=DB01076"),
        ("drug (warfarin, 1 in 1000)", "/queue/?drug=warfarin"),
        ("drug, no match", "/queue/?drug=nosuchdrug"),
        ("event (insomnia, 1 in 4)", "/queue/?event=insomnia"),
        ("event by code (HP:0100785)", "/queue/?event=HP:0100785"),
        ("event (rash, 1 in 1000)", "/queue/?event=rash"),
        ("event, no match", "/queue/?event=nosuchevent"),
        ("event, 2 letters, no match", "/queue/?event=qq"),  # too short for a trigram index
        ("serious only", "/queue/?seriousness=serious"),
        ("non-serious only", "/queue/?seriousness=non_serious"),
        ("one criterion (death)", "/queue/?seriousness=death"),
        ("source: report (none)", "/queue/?source=report"),
        ("source: post", "/queue/?source=post"),
        ("date from (last 7 days)", f"/queue/?date_from={today - timedelta(days=7)}"),
        ("date range (one week)", f"/queue/?date_from={week[0]}&date_to={week[1]}"),
        ("claimed by me", "/queue/?claimed=me"),
        ("unclaimed", "/queue/?claimed=no"),
        ("drug + event + serious", "/queue/?drug=zoloft&event=insomnia&seriousness=serious"),
        ("drug + date range, all", f"/queue/?status=all&drug=lexapro&date_from={week[0]}"
                                   f"&date_to={week[1]}"),
    ]  # fmt: skip
    item = TriageItem.objects.filter(status__in=TriageItem.OPEN).order_by("id").first()
    case = bench_case(reviewer)
    variants += [
        ("review page (one item)", f"/queue/{item.id}/"),
        ("case page (RSI, evidence)", f"/cases/{case.id}/"),
        ("case work page", f"/cases/{case.id}/edit/"),
    ]
    for label, url in variants:
        headers = {"HTTP_HX_REQUEST": "true"} if "htmx" in label else {}
        client.get(url, **headers)
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url, **headers)
        median, p95, shown = timed(client, url, args.repeat)
        print(f"{label:30s} median {median:7.1f} ms  p95 {p95:7.1f} ms  "
              f"{len(queries)} queries, {shown} rows")  # fmt: skip


if __name__ == "__main__":
    main()
