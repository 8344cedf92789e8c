"""Sliding-window read counters per account, kept in a Django cache.

Production points the cache at Redis (`PV_CACHE_URL`); without it the database cache is used,
so every web process of one installation shares the same counts either way.

Each window of W seconds is cut into BUCKETS buckets of W/BUCKETS seconds; a bucket's counter
expires after the window has passed it, and the window's count is the sum of its buckets (a
sliding-window counter, exact to one bucket's width). Checking and recording are two steps, so
N concurrent requests can overshoot a limit by at most N-1 requests' reads; on the database
cache `incr` is read-then-write, so racing increments may undercount a little. Both are fine
for catching a scraper, which needs thousands of reads, not a precise meter.

No Django imports beyond the cache object handed in: the counter works on any object with the
cache API (get_many, add, incr, set, get).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

BUCKETS = 10
SAMPLE_SIZE = 50
KINDS = ("post", "report", "member", "case", "triage")


@dataclass(frozen=True)
class Limit:
    window: int  # seconds
    max_reads: int

    @property
    def width(self) -> int:
        return max(1, math.ceil(self.window / BUCKETS))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: Limit | None = None
    total: int = 0  # reads in the window, counting the refused request
    retry_after: int = 0


def parse_limits(spec: str) -> list[Limit]:
    """`"600:1000,86400:10000"` -> two windows: 1,000 reads in 10 minutes, 10,000 a day."""
    limits = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        window, sep, max_reads = part.partition(":")
        if not sep or not window.strip().isdigit() or not max_reads.strip().isdigit():
            raise ValueError(f"read limit {part!r}: expected WINDOW_SECONDS:MAX_READS")
        limit = Limit(window=int(window), max_reads=int(max_reads))
        if limit.window < 1 or limit.max_reads < 1:
            raise ValueError(f"read limit {part!r}: window and reads must be positive")
        limits.append(limit)
    return limits


class ReadCounter:
    def __init__(self, cache: Any, limits: list[Limit], prefix: str = "pv:reads") -> None:
        self.cache, self.limits, self.prefix = cache, limits, prefix

    def _key(self, account: str, limit: Limit, bucket: int, kind: str = "all") -> str:
        return f"{self.prefix}:{account}:{limit.window}:{bucket}:{kind}"

    @staticmethod
    def _buckets(limit: Limit, now: float) -> list[int]:
        current = int(now // limit.width)
        return list(range(current - BUCKETS + 1, current + 1))

    def _counts(self, account: str, limit: Limit, buckets: list[int], kind: str = "all"):
        keys = [self._key(account, limit, b, kind) for b in buckets]
        values = self.cache.get_many(keys)
        return [int(values.get(k) or 0) for k in keys]

    def check(self, *, account: str, n: int, now: float) -> Verdict:
        """Would `n` more reads now stay within every window? If not, when may the account retry."""
        # One round trip for every window's buckets.
        plan = [(limit, self._buckets(limit, now)) for limit in self.limits]
        keys = [self._key(account, limit, b) for limit, buckets in plan for b in buckets]
        values = self.cache.get_many(keys)
        for limit, buckets in plan:
            counts = [int(values.get(self._key(account, limit, b)) or 0) for b in buckets]
            total = sum(counts)
            if total + n > limit.max_reads:
                return Verdict(
                    allowed=False,
                    limit=limit,
                    total=total + n,
                    retry_after=self._retry_after(limit, buckets, counts, n, now),
                )
        return Verdict(allowed=True)

    @staticmethod
    def _retry_after(limit: Limit, buckets: list[int], counts: list[int], n: int, now: float):
        """Seconds until enough of the oldest buckets leave the window for `n` reads to fit."""
        remaining = sum(counts)
        for bucket, count in zip(buckets, counts, strict=True):
            remaining -= count
            if remaining + n <= limit.max_reads:
                leaves_at = (bucket + BUCKETS) * limit.width
                return max(1, math.ceil(leaves_at - now))
        return limit.window

    def record(self, *, account: str, kind: str, ids: list[str], now: float) -> None:
        n = len(ids)
        for limit in self.limits:
            bucket = int(now // limit.width)
            timeout = limit.window + limit.width
            self._incr(self._key(account, limit, bucket), n, timeout)
            self._incr(self._key(account, limit, bucket, kind), n, timeout)
        recent_key = f"{self.prefix}:{account}:recent"
        recent = [{"kind": kind, "id": i} for i in reversed(ids[-SAMPLE_SIZE:])]
        recent += list(self.cache.get(recent_key) or [])
        self.cache.set(recent_key, recent[:SAMPLE_SIZE], timeout=self._longest())

    def _incr(self, key: str, n: int, timeout: int) -> None:
        # Most reads land in a bucket that already exists: increment first, create if missing.
        try:
            self.cache.incr(key, n)
        except ValueError:
            if not self.cache.add(key, n, timeout=timeout):  # another request created it
                self.cache.incr(key, n)

    def _longest(self) -> int:
        return max((limit.window + limit.width for limit in self.limits), default=60)

    def evidence(self, *, account: str, limit: Limit, now: float) -> tuple[dict, list]:
        """Reads per kind over the window, and the most recent object ids read."""
        buckets = self._buckets(limit, now)
        counts = {kind: sum(self._counts(account, limit, buckets, kind)) for kind in KINDS}
        sample = list(self.cache.get(f"{self.prefix}:{account}:recent") or [])
        return {k: v for k, v in counts.items() if v}, sample

    def claim_flag(self, *, account: str, limit: Limit) -> bool:
        """True once per account and window while it stays over: one flag, not one per request."""
        return bool(
            self.cache.add(f"{self.prefix}:{account}:{limit.window}:flagged", 1, limit.window)
        )
