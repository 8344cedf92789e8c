"""Benchmark: what read-volume counting costs per counted request, on each cache kind.

    .venv/bin/python benchmarks/read_counter.py [--n 2000] \\
        [--redis redis://127.0.0.1:6379/6] \\
        [--database postgresql://postgres@127.0.0.1:5432/pv]

Times `check` + `record` (what ReadVolumeMiddleware does for one allowed read) with the default
two windows, for an in-process memory cache, Redis (when --redis is given) and the database
cache on PostgreSQL (when --database is given; the cache table is created if missing). Prints
the median and p95 microseconds per request. Timing only: no assertion.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--redis", default="")
    parser.add_argument("--database", default="")
    args = parser.parse_args()
    if args.database:
        os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pv.settings.test")
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache
    from django.core.management import call_command

    from ops.readcount import ReadCounter, parse_limits

    limits = parse_limits("600:1500,86400:15000")
    backends = {"memory": LocMemCache("bench", {})}
    if args.redis:
        from django.core.cache.backends.redis import RedisCache

        backends["redis"] = RedisCache(args.redis, {})
    if args.database:
        call_command("createcachetable", verbosity=0)
        backends["database (PostgreSQL)"] = caches["db"]
    for name, cache in backends.items():
        counter = ReadCounter(cache, limits, prefix=f"bench:{uuid.uuid4().hex[:8]}")
        timings = []
        for i in range(args.n):
            account = f"acct-{i % 50}"
            started = time.perf_counter()
            verdict = counter.check(account=account, n=1, now=time.time())
            if verdict.allowed:
                counter.record(account=account, kind="post", ids=[str(i)], now=time.time())
            timings.append((time.perf_counter() - started) * 1e6)
        timings.sort()
        print(
            f"{name:<24} median {statistics.median(timings):8.0f} us"
            f"   p95 {timings[int(len(timings) * 0.95)]:8.0f} us   ({args.n} counted reads)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
