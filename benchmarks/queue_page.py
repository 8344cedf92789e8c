"""Benchmark: the reviewer queue, review and case pages' server time with 100,000 queued items in
PostgreSQL.

    createdb -h 127.0.0.1 -U postgres pv_bench     # once
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pv_bench \\
        .venv/bin/python benchmarks/queue_page.py [--items 100000] [--repeat 30] [--reseed]

Migrates the database, seeds it once with bulk inserts (members, posts, screening results with a
drug and an event mention each, and open triage items: 10% serious, the rest spread over a year),
then requests the page through Django's test client as a logged-in reviewer (full middleware,
session, auth, selector, template) and prints the median and p95 wall time per variant. The
target is <= 200 ms for the default page. Seeding is skipped when the data is already there.
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
SERIOUS = [["hospitalisation"], ["life_threatening"], ["death"], ["disability"]]


def _batched(rows, model):
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start : start + BATCH], batch_size=BATCH)


def seed(n: int) -> None:
    from django.db import transaction

    from intake.models import Mention, Post, ScreeningResult, TriageItem
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
        for start in range(0, n, 20_000):
            stop = min(n, start + 20_000)
            posts, results, mentions, items = [], [], [], []
            for i in range(start, stop):
                drug, event = DRUGS[i % len(DRUGS)], EVENTS[(i // 4) % len(EVENTS)]
                serious = SERIOUS[i % 4] if i % 10 == 0 else []
                at = now - timedelta(minutes=5 * i)
                text = f"started {drug[0]} last month and now {event[0]}, bench post {i}"
                post = Post(id=uuid.uuid4(), source_id=f"bench-p-{i}",
                            member=members[i % len(members)], text=text, posted_at=at,
                            screening_status="screened")  # fmt: skip
                result = ScreeningResult(
                    id=uuid.uuid4(), post=post, pipeline_version="bench", candidate=True,
                    priority=(80.0 if serious else 20.0) + (i % 7), serious=serious,
                    criteria={"patient": True, "reporter": True, "product": True, "event": True},
                    screened_at=at,
                )  # fmt: skip
                d0 = text.index(drug[0])
                e0 = text.index(event[0])
                mentions += [
                    Mention(id=uuid.uuid4(), result=result, position=0, kind="drug",
                            start=d0, end=d0 + len(drug[0]), text=drug[0], code=drug[1],
                            term=drug[2], terminology="pv open drugs"),
                    Mention(id=uuid.uuid4(), result=result, position=1, kind="event",
                            start=e0, end=e0 + len(event[0]), text=event[0], code=event[1],
                            term=event[2], pt=event[2], pt_code=event[1], role="reaction",
                            reportable=True, terminology="pv open events (HPO-derived)"),
                ]  # fmt: skip
                items.append(
                    TriageItem(id=uuid.uuid4(), source="post", post=post, screening=result,
                               is_serious=bool(serious), seriousness=serious,
                               priority=result.priority, item_at=at)
                )  # fmt: skip
                posts.append(post)
                results.append(result)
            _batched(posts, Post)
            _batched(results, ScreeningResult)
            _batched(mentions, Mention)
            _batched(items, TriageItem)
            print(f"  seeded {stop:,} / {n:,}", file=sys.stderr)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {n:,} items in {time.perf_counter() - started:.1f} s", file=sys.stderr)


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
    have = TriageItem.objects.filter(status__in=TriageItem.OPEN).count()
    if args.reseed or have < args.items:
        TriageItem.objects.filter(post__source_id__startswith="bench-p-").delete()
        Mention.objects.filter(result__pipeline_version="bench").delete()
        ScreeningResult.objects.filter(pipeline_version="bench").delete()
        Post.objects.filter(source_id__startswith="bench-p-").delete()
        Member.objects.filter(source_id__startswith="bench-m-").delete()
        seed(args.items)
    reviewer, _ = User.objects.get_or_create(
        username="bench-reviewer", defaults={"role": "reviewer"}
    )
    client = Client()
    client.force_login(reviewer)
    open_items = TriageItem.objects.filter(status__in=TriageItem.OPEN).count()
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, "
          f"PostgreSQL, {open_items:,} open triage items")  # fmt: skip
    variants = [
        ("queue page 1 (default)", "/queue/"),
        ("queue page 2, htmx fragment", "/queue/?page=2"),
        ("serious only", "/queue/?seriousness=serious"),
        ("drug filter (lipitor)", "/queue/?drug=lipitor"),
        ("event filter (insomnia)", "/queue/?event=insomnia"),
        ("last page", f"/queue/?page={(open_items + 24) // 25}"),
    ]
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
