"""Benchmark: intake throughput through a running server (gunicorn + PostgreSQL), N clients.

    createdb -h 127.0.0.1 -U postgres pv_load      # once
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pv_load \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/load_intake.py [--clients 4] [--posts 20000] [--batch 500]
            [--gunicorn-workers 3] [--port 8300] [--celery-workers 0] [--resend 0.1] [--verify]

Migrates the database, registers `--members` members (with vault identities, so minimisation
does its real work) and an integration account once, then starts gunicorn (production
settings, keys generated for the run) on 127.0.0.1:`--port` unless `--url` and `--token` point
at a server already running. A warm-up round (two batches per server process) goes first,
untimed. `--clients` threads send `--posts` new posts in batches of
`--batch` to `/api/v1/posts/batch/` as fast as the server answers; a tenth of each post's text
carries its member's own name or email (minimisation must remove it). Then `--resend` of the
batches are sent again (every item must come back as existing). Prints posts/s, p50/p95 wall
time per batch, and what the database holds afterwards: posts of this run (no losses), distinct
source ids (no duplicates), the audit events intake wrote, and with `--verify` the audit chain.
On a shared machine posts/s depends on the neighbours; the CPU the server's processes used per
post (gunicorn workers and this database's PostgreSQL backends, read from /proc when the server
runs here) does not, and is printed beside it.

With a broker, intake enqueues screening on commit; `--celery-workers N` starts N workers
(`celery -A pv worker -c 1`) beside the server (they share the machine's cores); screening
messages still queued at the end are purged from the broker.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import queue
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DRUGS = ["zoloft", "lexapro", "sertraline", "ibuprofen", "lipitor", "effexor", "wellbutrin"]
EVENTS = ["headache", "insomnia", "nausea", "muscle pain", "dizziness", "weight gain"]


def _server_env() -> dict[str, str]:
    """Production settings with keys generated for this run (kept in the run's temp dir, not
    printed), shared by the seeding here and the server, so the vault reads what was stored."""
    from cryptography.fernet import Fernet

    # One set of keys per database: members seeded under one vault key stay readable.
    database = hashlib.sha256(os.environ["DATABASE_URL"].encode()).hexdigest()[:12]
    keys = Path(tempfile.gettempdir()) / f"pv-load-intake-{database}.keys"
    if not keys.exists():
        fd = os.open(keys, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(f"{secrets.token_urlsafe(48)}\n{Fernet.generate_key().decode()}\n"
                     f"{secrets.token_urlsafe(48)}\n")  # fmt: skip
    secret, vault, audit = keys.read_text().split()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="pv.settings.production",
        PV_SECRET_KEY=secret,
        PV_VAULT_KEY=vault,
        PV_AUDIT_KEY=audit,
        PV_AUDIT_ANCHOR_PATH=str(keys.with_suffix(".anchors.jsonl")),
        PV_LOG_LEVEL="WARNING",
        # Persistent connections for the whole run, so the backends measured stay the same.
        PV_DB_CONN_MAX_AGE="3600",
    )
    return env


def seed(members: int) -> str:
    """Members with vault identities and an integration account, once. Returns its token."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    from pv.models import Member, User
    from pv.services.members import member_register
    from pv.services.users import user_create

    call_command("migrate", interactive=False, verbosity=0)
    have = Member.objects.filter(source_id__startswith="load-m-").count()
    if have < members:
        started = time.perf_counter()
        with transaction.atomic():
            for i in range(have, members):
                member_register(
                    actor="load-seed", source_id=f"load-m-{i}", name=f"Loadtest Person{i}",
                    email=f"load.person{i}@example.org", birth_year=1950 + i % 50,
                    sex="F" if i % 2 else "M", country="US",
                )  # fmt: skip
        print(f"seeded {members - have} members in {time.perf_counter() - started:.1f} s")
    user = User.objects.filter(username="load-intake").first()
    if user is None:
        user, _, _ = user_create(actor="load-seed", username="load-intake", role="admin")
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def make_batches(run: str, posts: int, batch: int, members: int) -> list[list[dict]]:
    rng = random.Random(run)
    now = datetime.now(UTC)
    items = []
    for i in range(posts):
        m = rng.randrange(members)
        drug, event = rng.choice(DRUGS), rng.choice(EVENTS)
        text = (
            f"I have been on {drug} for about {rng.randint(2, 30)} weeks now and the {event} is "
            f"getting worse every morning. My doctor says to give it time but I am not sure. "
            f"Has anyone else had {event} on {drug}? It started after the dose went up and I "
            f"also noticed I sleep badly. Post {i} of run {run}."
        )
        if i % 10 == 0:
            text += f" (Loadtest Person{m}, write to me at load.person{m}@example.org)"
        items.append({
            "source_id": f"{run}-{i}", "member_source_id": f"load-m-{m}", "forum": "depression",
            "thread": f"thread {i % 97}", "text": text,
            "posted_at": (now - timedelta(minutes=i)).isoformat(),
        })  # fmt: skip
    return [items[i : i + batch] for i in range(0, len(items), batch)]


def send_all(url: str, token: str, batches: list[list[dict]], clients: int):
    """`clients` threads take batches from one queue. Returns (wall s, per-batch s, counts)."""
    work: queue.Queue = queue.Queue()
    for b in batches:
        work.put(b)
    times: list[float] = []
    counts = {"created": 0, "existing": 0}
    errors: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        while True:
            try:
                b = work.get_nowait()
            except queue.Empty:
                return
            t0 = time.perf_counter()
            response = session.post(f"{url}/api/v1/posts/batch/", json={"items": b}, timeout=300)
            elapsed = time.perf_counter() - t0
            with lock:
                times.append(elapsed)
                if response.status_code in (200, 201):
                    for k, v in response.json()["counts"].items():
                        counts[k] += v
                else:
                    errors.append(f"{response.status_code} {response.text[:200]!r}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if errors:
        print(f"{len(errors)} batch(es) failed, first: {errors[0]}")
    return wall, times, counts


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _wait_up(url: str, proc: subprocess.Popen | None) -> None:
    for _ in range(300):
        if proc is not None and proc.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            requests.get(f"{url}/api/v1/posts/", timeout=30)  # 401 without a token: it is up
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise SystemExit(f"no server at {url}")


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _server_pids(gunicorn: subprocess.Popen | None) -> list[int]:
    """Gunicorn's workers and this database's PostgreSQL backends (same machine only)."""
    from django.db import connection

    pids = _children(gunicorn.pid) if gunicorn is not None else []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        pids += [row[0] for row in cursor.fetchall()]
    return pids


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def report_database(run: str, posts: int, verify: bool) -> None:
    from django.db.models import Count

    from intake.models import Post
    from pv.models import AuditEvent

    ours = Post.objects.filter(source_id__regex=rf"^{run}-[0-9]+$")
    total = ours.count()
    distinct = ours.values("source_id").distinct().count()
    dupes = ours.values("source_id").annotate(n=Count("id")).filter(n__gt=1).count()
    created_events = AuditEvent.objects.filter(
        action="intake.posts_created", after__source_ids__contains=[f"{run}-0"]
    ).count()
    print(f"database: {total} posts of this run (sent {posts}), {distinct} distinct source ids, "
          f"{dupes} duplicated; audit events in the database {AuditEvent.objects.count()} "
          f"(creation event naming the run's first post: {created_events})")  # fmt: skip
    if total != posts or dupes:
        print("LOSS OR DUPLICATES: the run is not clean")
    if verify:
        from pv.audit_anchor import audit_verify_anchored

        t0 = time.perf_counter()
        breaks, state = audit_verify_anchored()
        print(f"audit chain: {len(breaks)} problem(s) in {state.events} events, "
              f"verified in {time.perf_counter() - t0:.1f} s")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--resend", type=float, default=0.1, help="share of batches sent twice")
    parser.add_argument("--url", help="a running server (needs --token); else start gunicorn")
    parser.add_argument("--token", help="API token of an admin account on --url")
    parser.add_argument("--port", type=int, default=8300)
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--celery-workers", type=int, default=0)
    parser.add_argument("--verify", action="store_true", help="verify the audit chain after")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database (see the docstring)")
    if not os.environ.get("CELERY_BROKER_URL"):
        raise SystemExit("set CELERY_BROKER_URL (production settings need a broker)")
    env = _server_env()
    os.environ.update(env)
    token = args.token or seed(args.members)
    if args.url and not args.token:
        raise SystemExit("--url needs --token")
    if not args.token:
        import django

        django.setup()
    procs: list[subprocess.Popen] = []
    url = args.url or f"http://127.0.0.1:{args.port}"
    bin_dir = Path(sys.executable).parent
    try:
        if not args.url:
            procs.append(subprocess.Popen(
                [str(bin_dir / "gunicorn"), "pv.wsgi:application", "-b", f"127.0.0.1:{args.port}",
                 "-w", str(args.gunicorn_workers), "--timeout", "300", "--log-level", "warning"],
                cwd=REPO, env=env, start_new_session=True,
            ))  # fmt: skip
        for n in range(args.celery_workers):
            procs.append(subprocess.Popen(
                [str(bin_dir / "celery"), "-A", "pv", "worker", "-c", "1", "-n", f"load{n}@%h",
                 "--loglevel", "warning"],
                cwd=REPO, env=env, start_new_session=True,
            ))  # fmt: skip
        _wait_up(url, procs[0] if procs and not args.url else None)
        run = f"load-{uuid.uuid4().hex[:8]}"
        # Warm every server process (imports, connections) before the clock starts.
        warm = make_batches(f"{run}-warm", args.batch * args.gunicorn_workers * 2, args.batch,
                            args.members)  # fmt: skip
        send_all(url, token, warm, args.clients)
        batches = make_batches(run, args.posts, args.batch, args.members)
        pids = _server_pids(procs[0] if procs and not args.url else None)
        web = set(_children(procs[0].pid)) if procs and not args.url else set()
        cpu_before, client_before = _cpu_seconds(pids), sum(os.times()[:2])
        wall, times, counts = send_all(url, token, batches, args.clients)
        cpu_after, client_cpu = _cpu_seconds(pids), sum(os.times()[:2]) - client_before
        used = {p: cpu_after[p] - cpu_before.get(p, 0.0) for p in cpu_after}
        cpu, cpu_web = sum(used.values()), sum(v for p, v in used.items() if p in web)
        print(f"{platform.node()} {os.cpu_count()} cores; {args.clients} clients x "
              f"{len(batches)} batches of {args.batch}; gunicorn workers {args.gunicorn_workers}"
              f", celery workers {args.celery_workers}")  # fmt: skip
        p50, p95 = statistics.median(times), _percentile(times, 0.95)
        print(f"intake: {args.posts / wall:,.0f} posts/s ({args.posts} posts in {wall:.1f} s); "
              f"per batch p50 {p50:.2f} s, p95 {p95:.2f} s; created {counts['created']}, "
              f"existing {counts['existing']}")  # fmt: skip
        if cpu:
            ms = 1000 * cpu / args.posts
            print(f"server CPU (gunicorn workers {cpu_web:.1f} s + this database's PostgreSQL "
                  f"backends {cpu - cpu_web:.1f} s): {ms:.2f} ms per post = {1000 / ms:,.0f} "
                  f"posts/s per core the server has to itself; client CPU {client_cpu:.1f} s; "
                  f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        resend = batches[: max(0, round(len(batches) * args.resend))]
        if resend:
            wall2, _, again = send_all(url, token, resend, args.clients)
            sent = sum(len(b) for b in resend)
            print(f"re-sent {sent} posts in {wall2:.1f} s: created {again['created']}, "
                  f"existing {again['existing']}")  # fmt: skip
        report_database(run, args.posts, args.verify)
    finally:
        # SIGTERM to gunicorn's and Celery's main processes: a graceful stop (Celery finishes
        # the task in hand); the whole group only if that takes more than a minute.
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        # Screening still queued for this run's posts is dropped: the benchmark is intake's.
        from pv.celery import app

        app.control.purge()
    return 0


if __name__ == "__main__":
    sys.exit(main())
