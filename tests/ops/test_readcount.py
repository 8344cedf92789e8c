"""The sliding-window read counter on the three cache kinds: memory, database, Redis."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from ops.readcount import BUCKETS, Limit, ReadCounter, parse_limits


def _ids(n: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


def _counter(cache, *limits: Limit) -> ReadCounter:
    return ReadCounter(cache, list(limits), prefix=f"t:{uuid.uuid4().hex[:8]}")


def _memory():
    return LocMemCache(f"readcount-{uuid.uuid4().hex}", {})


def test_parse_limits_reads_windows_and_rejects_garbage():
    assert parse_limits("600:1000, 86400:10000") == [Limit(600, 1000), Limit(86400, 10000)]
    for bad in ("600", "x:1", "600:-1", "0:5"):
        with pytest.raises(ValueError, match="read limit"):
            parse_limits(bad)


def test_reads_within_the_limit_pass_and_the_next_is_refused():
    # given a limit of 10 reads a minute and 10 reads recorded
    counter, now = _counter(_memory(), Limit(60, 10)), 1_000_000.0
    counter.record(account="a", kind="post", ids=_ids(10), now=now)
    # when one more read is checked
    verdict = counter.check(account="a", n=1, now=now + 1)
    # then it is refused, counted against the window
    assert not verdict.allowed
    assert verdict.limit == Limit(60, 10) and verdict.total == 11
    assert 1 <= verdict.retry_after <= 60
    # and another account is not affected
    assert counter.check(account="b", n=10, now=now + 1).allowed


def test_the_window_slides_and_retry_after_is_when_room_frees_up():
    limit = Limit(60, 10)  # buckets of 6 s
    counter, start = _counter(_memory(), limit), 6_000_000.0  # a bucket boundary
    counter.record(account="a", kind="post", ids=_ids(6), now=start)
    counter.record(account="a", kind="case", ids=_ids(4), now=start + 30)
    verdict = counter.check(account="a", n=2, now=start + 31)
    assert not verdict.allowed
    # the first 6 reads leave the window when their bucket does, 60 s after it started
    assert verdict.retry_after == 29
    assert not counter.check(account="a", n=2, now=start + 59).allowed
    assert counter.check(account="a", n=2, now=start + 60).allowed
    # and the later 4 reads leave 60 s after theirs
    assert counter.check(account="a", n=10, now=start + 30 + limit.width * BUCKETS).allowed


def test_every_window_is_checked_and_the_evidence_is_per_kind():
    counter, now = _counter(_memory(), Limit(60, 100), Limit(3600, 15)), 1_000_000.0
    posts, cases = _ids(8), _ids(7)
    counter.record(account="a", kind="post", ids=posts, now=now)
    counter.record(account="a", kind="case", ids=cases, now=now + 120)  # outside the minute
    verdict = counter.check(account="a", n=1, now=now + 121)
    assert not verdict.allowed and verdict.limit == Limit(3600, 15)
    counts, sample = counter.evidence(account="a", limit=verdict.limit, now=now + 121)
    assert counts == {"post": 8, "case": 7}
    assert [s["id"] for s in sample[:7]] == list(reversed(cases))
    # one flag per account and window while it stays over
    assert counter.claim_flag(account="a", limit=verdict.limit)
    assert not counter.claim_flag(account="a", limit=verdict.limit)


@pytest.mark.django_db
def test_counts_on_the_database_cache():
    # given the database cache (what an installation without Redis uses)
    counter, now = _counter(caches["db"], Limit(60, 5)), 1_000_000.0
    counter.record(account="a", kind="member", ids=_ids(3), now=now)
    counter.record(account="a", kind="member", ids=_ids(2), now=now + 1)
    assert not counter.check(account="a", n=1, now=now + 2).allowed
    assert counter.evidence(account="a", limit=Limit(60, 5), now=now + 2)[0] == {"member": 5}


@pytest.mark.integration
def test_counts_on_redis():
    url = settings.PV_TEST_BROKER_URL
    if not url.startswith("redis://"):
        pytest.skip("no Redis configured (CELERY_BROKER_URL=redis://...)")
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(url, {})
    counter, now = _counter(cache, Limit(60, 5)), 1_000_000.0
    try:
        counter.record(account="a", kind="post", ids=_ids(5), now=now)
        assert not counter.check(account="a", n=1, now=now + 1).allowed
        assert counter.check(account="b", n=5, now=now + 1).allowed
        assert counter.evidence(account="a", limit=Limit(60, 5), now=now + 1)[0] == {"post": 5}
    finally:  # the keys expire anyway; leave Redis as it was
        import redis

        client = redis.Redis.from_url(url)
        keys = client.keys(f"*{counter.prefix}*")
        if keys:
            client.delete(*keys)


def test_a_malformed_setting_stops_the_start_up(settings):
    from django.core.exceptions import ImproperlyConfigured

    from ops.apps import _check_read_limits

    settings.PV_READ_LIMITS = "600:lots"
    with pytest.raises(ImproperlyConfigured, match="PV_READ_LIMITS: read limit"):
        _check_read_limits()
