"""Prometheus metrics at /metrics: django-prometheus's request metrics plus pv's own gauges.

pv's gauges are read from the database and the broker at scrape time (one source of truth,
nothing to keep in sync): Celery queue depth, the screening backlog, submissions by state and
overdue submissions, open read-volume flags.

Access: with `PV_METRICS_TOKEN` set, a scraper must send `Authorization: Bearer <token>`;
without it, only a direct loopback connection is served (no `X-Forwarded-For`, so a request
relayed by a reverse proxy on the same host is refused too).
"""

from __future__ import annotations

import hmac
import os

import structlog
from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

logger = structlog.get_logger(__name__)

LOOPBACK = {"127.0.0.1", "::1"}


def _queue_depths() -> dict[str, int]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {}
    from pv.celery import app

    names = sorted({q.name for q in app.amqp.queues.values()} or {app.conf.task_default_queue})
    depths = {}
    with app.connection_for_read() as conn, conn.channel() as channel:
        for name in names:
            try:
                depths[name] = channel.queue_declare(queue=name, passive=True).message_count
            except Exception:  # a queue nobody declared yet holds nothing
                depths[name] = 0
    return depths


class PvCollector:
    """Gauges computed from the database and the broker on each scrape."""

    def collect(self):
        for part in (self._queues, self._backlog, self._submissions, self._flags):
            try:
                yield from part()
            except Exception:
                # One unavailable source must not hide the other metrics.
                logger.warning("metrics source failed", source=part.__name__, exc_info=True)

    def _queues(self):
        gauge = GaugeMetricFamily(
            "pv_celery_queue_length", "Messages waiting in a Celery queue", labels=["queue"]
        )
        for name, depth in _queue_depths().items():
            gauge.add_metric([name], depth)
        yield gauge

    def _backlog(self):
        from intake.models import AEReport, Post, ScreeningStatus

        gauge = GaugeMetricFamily(
            "pv_screening_backlog",
            "Posts and reports not (yet) screened, by kind and status",
            labels=["kind", "status"],
        )
        waiting = [ScreeningStatus.RECEIVED, ScreeningStatus.AWAITING, ScreeningStatus.FAILED]
        for kind, model in (("post", Post), ("report", AEReport)):
            counts = dict(
                model.objects.filter(screening_status__in=waiting)
                .values_list("screening_status")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for status in waiting:
                gauge.add_metric([kind, str(status)], counts.get(status, 0))
        yield gauge

    def _submissions(self):
        from submissions.models import Submission
        from submissions.selectors import submission_list_overdue

        gauge = GaugeMetricFamily("pv_submissions", "Submissions by state", labels=["status"])
        counts = dict(Submission.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in Submission.Status.values:
            gauge.add_metric([status], counts.get(status, 0))
        yield gauge
        overdue = submission_list_overdue(as_of=timezone.now().date()).order_by().count()
        yield GaugeMetricFamily(
            "pv_submissions_overdue", "Submissions past their due date and not sent", overdue
        )

    def _flags(self):
        from ops.models import ReadVolumeFlag

        open_flags = ReadVolumeFlag.objects.filter(status=ReadVolumeFlag.Status.OPEN).count()
        yield GaugeMetricFamily(
            "pv_read_flags_open", "Accounts flagged for read volume, awaiting review", open_flags
        )


_PV_REGISTRY = CollectorRegistry(auto_describe=False)
_PV_REGISTRY.register(PvCollector())


def _allowed(request) -> bool:
    token = settings.PV_METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    return request.META.get("REMOTE_ADDR") in LOOPBACK and not request.headers.get(
        "X-Forwarded-For"
    )


def metrics_view(request):
    if not _allowed(request):
        return JsonResponse(
            {"code": "forbidden", "message": "Metrics are not served to this client.", "extra": {}},
            status=403,
        )
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # gunicorn with several workers: merge every worker's request metrics.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(_PV_REGISTRY)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
