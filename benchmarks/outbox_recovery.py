"""Benchmark: intake with the broker down, and how fast the outbox catches up once it is back.

    createdb -h 127.0.0.1 -U postgres pv_bench     # once
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pv_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/outbox_recovery.py [--batches 10] [--size 100] [--grace 5]

Starts gunicorn (2 workers) on the database, publishing first to a dead broker and then to the
live one, and times POST /api/v1/posts/batch/ (median and p95 per batch, after one cold batch per
gunicorn worker) in both cases. Then
starts one Celery worker with beat on the live broker (grace `--grace` s, sweeps every second)
and prints how long after the worker was ready every post of the dead-broker batches was
screened (pipeline load included). Ports: `PV_TEST_PORTS=first-last`, as in the fault suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pv.settings.test")
os.environ["PV_CELERY_WORKER"] = "1"  # not eager: this process only seeds and measures

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def _time_posts(url: str, token: str, member: str, prefix: str, batches: int, size: int):
    import requests

    times = []
    for b in range(batches):
        items = [
            {
                "source_id": f"{prefix}-{b}-{i}",
                "member_source_id": member,
                "text": "started zoloft last week and cant sleep, also headaches",
                "posted_at": "2026-10-01T10:00:00Z",
            }
            for i in range(size)
        ]
        start = time.perf_counter()
        response = requests.post(
            f"{url}/api/v1/posts/batch/",
            json={"items": items},
            headers={"Authorization": f"Token {token}"},
            timeout=120,
        )
        times.append(time.perf_counter() - start)
        assert response.status_code == 201, response.text[:500]
    times = sorted(times[2:])  # the first batch on each of the 2 gunicorn workers is cold
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=12)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--grace", type=float, default=5.0)
    args = parser.parse_args()
    from django.conf import settings

    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        sys.exit("set DATABASE_URL to a PostgreSQL database (see the docstring)")
    if not settings.PV_TEST_BROKER_URL:
        sys.exit("set CELERY_BROKER_URL to a live broker (see the docstring)")
    call_command("migrate", verbosity=0)

    from intake.models import Post, ScreeningStatus
    from pv.models import User
    from pv.services.members import member_register
    from pv.services.users import user_create
    from tests.integration import procs

    run = uuid.uuid4().hex[:6]
    member = member_register(actor="bench", source_id=f"m-bench-{run}", name="Bench Member",
                             email=f"bench-{run}@example.org", phone="",
                             birth_year=1980, sex="F", country="US")  # fmt: skip
    _, _, token = user_create(actor="bench", username=f"bench-{run}", role=User.Role.ADMIN)
    db_url = procs.database_url()
    tmp = Path(tempfile.mkdtemp(prefix="pv-outbox-bench-"))
    queue = f"pv-bench-{run}"
    extra = {"PV_CELERY_QUEUE": queue, "PV_OUTBOX_GRACE_SECONDS": str(args.grace)}
    started = []
    try:
        for label, broker in (("dead broker", procs.dead_broker_url()),
                              ("live broker", settings.PV_TEST_BROKER_URL)):  # fmt: skip
            api, url = procs.start_gunicorn(tmp, database=db_url, broker=broker, **extra)
            started.append(api)
            prefix = f"bench-{run}-{label.split()[0]}"
            median, p95 = _time_posts(url, token, member.source_id, prefix, args.batches,
                                      args.size)  # fmt: skip
            print(f"POST batch of {args.size}, {label}: median {median * 1000:.0f} ms, "
                  f"p95 {p95 * 1000:.0f} ms ({args.batches - 2} warm batches)")  # fmt: skip
            api.stop()
        waiting = Post.objects.filter(source_id__startswith=f"bench-{run}-dead")
        total = waiting.count()
        t0 = time.perf_counter()
        worker = procs.start_worker(tmp, queue=queue, database=db_url, beat=True, **extra)
        started.append(worker)
        ready = time.perf_counter()
        while waiting.exclude(screening_status=ScreeningStatus.SCREENED).exists():
            time.sleep(0.1)
        done = time.perf_counter()
        print(f"{total} posts accepted while the broker was down: all screened "
              f"{done - ready:.1f} s after the worker was ready ({ready - t0:.1f} s to start; "
              f"grace {args.grace:g} s)")  # fmt: skip
    finally:
        for proc in started:
            proc.stop()
        procs.forget_queue(queue)


if __name__ == "__main__":
    main()
