"""Database blips in a request: retried once for reads, otherwise a JSON 503 with Retry-After.

A connection the server cut while it sat idle is replaced before the request by
`CONN_HEALTH_CHECKS`; this middleware covers a connection lost during a request. A read
(GET/HEAD/OPTIONS) is run once more on a fresh connection; a write is never replayed here: its
transaction was rolled back, so nothing is half-written, and the client retries it (intake is
idempotent on source ids).
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import JsonResponse
from django.views import defaults

logger = logging.getLogger(__name__)

DB_CONNECTION_ERRORS = (OperationalError, InterfaceError)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def is_db_connection_error(exc: BaseException | None) -> bool:
    return isinstance(exc, DB_CONNECTION_ERRORS)


def database_unavailable_body() -> tuple[dict, dict]:
    """The 503's JSON error body and headers."""
    retry_after = settings.PV_DB_RETRY_AFTER_SECONDS
    body = {
        "code": "database_unavailable",
        "message": "The database is briefly unavailable; please retry.",
        "extra": {"retry_after": retry_after},
    }
    return body, {"Retry-After": str(retry_after)}


def mark_database_unavailable(response):
    """Tag a 503 so the middleware knows a read may be run again."""
    response.pv_database_unavailable = True
    return response


def database_unavailable_response() -> JsonResponse:
    body, headers = database_unavailable_body()
    return mark_database_unavailable(JsonResponse(body, status=503, headers=headers))


def server_error(request, *args, **kwargs):
    """handler500: whatever escaped the views and middleware still answers in the JSON error
    shape (API paths), and a lost database connection is a 503, not a 500."""
    exc = sys.exc_info()[1]
    if is_db_connection_error(exc):
        return database_unavailable_response()
    if not request.path.startswith("/api/"):
        return defaults.server_error(request)  # pages keep their HTML error page
    return JsonResponse(
        {"code": "server_error", "message": "Internal server error.", "extra": {}}, status=500
    )


def _drop_broken_connections() -> None:
    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block:
            continue  # an outer transaction (a test's, ATOMIC_REQUESTS) owns this connection
        try:
            conn.close_if_unusable_or_obsolete()
        except Exception:  # closing a dead socket can fail too; the next query reconnects
            logger.debug("closing a broken connection failed", exc_info=True)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "pv_database_unavailable", False) and request.method in SAFE_METHODS:
            logger.warning(
                "database connection lost during %s %s; retrying once", request.method, request.path
            )
            _drop_broken_connections()
            response = self.get_response(request)
        if getattr(response, "pv_database_unavailable", False):
            _drop_broken_connections()
        return response

    def process_exception(self, request, exception):
        """Views outside DRF (pages, admin): the same 503 instead of a 500 page."""
        if is_db_connection_error(exception):
            logger.warning("database unavailable: %s", exception)
            return database_unavailable_response()
        return None
