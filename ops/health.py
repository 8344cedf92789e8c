"""Liveness (`/healthz`: the process answers) and readiness (`/readyz`: it can do its work).

Readiness runs django-health-check's checks: the database answers, the cache holding the read
counters answers, the Celery broker accepts a connection (skipped when tasks run in-process),
every migration is applied, and the screening pipeline is loaded in this process (loading it
is the first probe's job, about a second, so later requests never pay for it).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime

from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker (Redis or RabbitMQ) accepts a connection. Workers are not required:
    a web process is ready to take work even while the workers catch up."""

    timeout = datetime.timedelta(seconds=5)

    def run(self) -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return  # the embedded demo runs tasks in-process: there is no broker to reach
        from kombu import Connection

        try:
            with Connection(settings.CELERY_BROKER_URL, connect_timeout=3) as conn:
                conn.ensure_connection(max_retries=1)
        except Exception as exc:  # kombu raises transport-specific errors
            raise ServiceUnavailable("broker unreachable") from exc


@dataclasses.dataclass
class Migrations(HealthCheck):
    """Every migration the code knows is applied (skipping `pv migrate` leaves it not ready)."""

    def run(self) -> None:
        connection = connections["default"]
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        finally:
            connection.close()  # this runs in a worker thread: do not leave its connection open
        if plan:
            raise ServiceUnavailable(f"{len(plan)} migration(s) not applied")


@dataclasses.dataclass
class ScreeningPipeline(HealthCheck):
    """The spaCy screening pipeline loads (once per process) and reports its version."""

    timeout = datetime.timedelta(seconds=60)

    def run(self) -> None:
        from intake.nlp.pipeline import load_pipeline, pipeline_version

        try:
            load_pipeline()
            pipeline_version()
        except Exception as exc:
            raise ServiceUnavailable("screening pipeline failed to load") from exc


class ReadinessView(HealthCheckView):
    """JSON whatever the Accept header says; 503 (not 500) while not ready."""

    checks = (
        Database,
        (Cache, {"alias": settings.PV_READ_LIMIT_CACHE}),
        Broker,
        Migrations,
        ScreeningPipeline,
    )

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            self.results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        return self.render_to_response_json(200)

    def render_to_response_json(self, status):
        results = {
            type(r.check).__name__: "ok" if not r.error else str(r.error) for r in self.results
        }
        ready = not any(r.error for r in self.results)
        return JsonResponse(
            {"status": "ready" if ready else "not ready", "checks": results},
            status=200 if ready else 503,
        )


def liveness(request):
    """The process is up and serving requests. Deliberately touches nothing else."""
    return JsonResponse({"status": "ok"})
