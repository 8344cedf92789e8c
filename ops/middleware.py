"""Request middleware: request ids and one structured log line per request; read-volume limits.

`RequestLogMiddleware` takes the id from an incoming `X-Request-ID` (when it is a plain token)
or makes one, binds it to every log line of the request (and of the tasks it enqueues), echoes it
in the response, and logs method, path, route, status, duration and account id. It never logs
the query string or the body (they can hold tokens and member-typed text), and path parameters
named like a token or signature are masked.

`ReadVolumeMiddleware` counts what an authenticated account reads: posts, reports, member
profiles, cases and triage items, through the API or the pages. Over a limit the response is
withheld (429 with Retry-After, the JSON error shape) and the account is flagged once per window
for staff. Counting happens after the view, because token authentication runs inside DRF views;
DRF hands the authenticated user back to the Django request, so the middleware sees it.
"""

from __future__ import annotations

import re
import time
import uuid

import structlog
from django.conf import settings
from django.core.cache import caches
from django.http import JsonResponse

from ops.readcount import ReadCounter, parse_limits
from ops.services import read_flag_raise

logger = structlog.get_logger("pv.request")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_SECRET_PARAM = re.compile(r"token|sig|secret|key", re.IGNORECASE)


def _logged_path(request) -> str:
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if _SECRET_PARAM.search(name) and str(value):
                path = path.replace(str(value), "[redacted]")
    return path


class RequestLogMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Cleared again on `request_finished` (ops.apps), not here on the way out: Django logs
        # 4xx/5xx ("Not Found: /x") after the middleware chain returns, and those need the id.
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        logger.info(
            "request",
            method=request.method,
            path=_logged_path(request),
            route=match.view_name if match else None,
            status=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            account=str(user.pk) if user is not None and user.is_authenticated else None,
        )
        return response


# view name -> (kind, URL kwarg holding the object id; None: a list, ids from the response)
READ_ROUTES: dict[str, tuple[str, str | None]] = {
    "post-list": ("post", None),
    "post-detail": ("post", "post_id"),
    "report-list": ("report", None),
    "report-detail": ("report", "report_id"),
    "member-detail": ("member", "public_id"),
    "case-list": ("case", None),
    "case-detail": ("case", "case_id"),
    "case-audit": ("case", "case_id"),
    "case-e2b-preview": ("case", "case_id"),
    "triage-list": ("triage", None),
    "triage-detail": ("triage", "item_id"),
    # Pages.
    "web:case": ("case", "case_id"),
    "web:case-e2b": ("case", "case_id"),
    "web:partner-case": ("case", "case_id"),
    "web:review": ("triage", "item_id"),
}


def _list_ids(response) -> list[str]:
    data = getattr(response, "data", None)
    results = data.get("results") if isinstance(data, dict) else data
    if not isinstance(results, list):
        return []
    ids = []
    for row in results:
        if isinstance(row, dict):
            ids.append(str(row.get("id") or row.get("public_id") or ""))
    return ids


def read_counter() -> ReadCounter:
    return ReadCounter(caches[settings.PV_READ_LIMIT_CACHE], parse_limits(settings.PV_READ_LIMITS))


def throttled_response(*, retry_after: int, message: str, extra: dict) -> JsonResponse:
    response = JsonResponse(
        {"code": "throttled", "message": message, "extra": {"retry_after": retry_after, **extra}},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


class ReadVolumeMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        match = getattr(request, "resolver_match", None)
        route = READ_ROUTES.get(match.view_name) if match else None
        user = getattr(request, "user", None)
        if route is None or user is None or not user.is_authenticated:
            return response
        if user.role in settings.PV_READ_LIMIT_EXEMPT_ROLES:
            return response
        kind, kwarg = route
        ids = [str(match.kwargs[kwarg])] if kwarg else _list_ids(response)
        if not ids:
            return response
        counter, account, now = read_counter(), str(user.pk), time.time()
        verdict = counter.check(account=account, n=len(ids), now=now)
        if verdict.allowed:
            counter.record(account=account, kind=kind, ids=ids, now=now)
            return response
        limit = verdict.limit
        if counter.claim_flag(account=account, limit=limit):
            counts, sample = counter.evidence(account=account, limit=limit, now=now)
            read_flag_raise(
                account=user,
                window_seconds=limit.window,
                limit=limit.max_reads,
                total=verdict.total,
                counts=counts,
                sample=sample,
                path=request.path,
            )
        return throttled_response(
            retry_after=verdict.retry_after,
            message=(
                f"Too many reads: at most {limit.max_reads} in {limit.window} seconds. "
                f"Try again in {verdict.retry_after} seconds."
            ),
            extra={"window_seconds": limit.window, "limit": limit.max_reads},
        )
