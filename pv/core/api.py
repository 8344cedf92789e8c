"""One error type for domain failures; one DRF handler giving {code, message, extra}."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from pv.core.exceptions import DomainError, NotFound
from pv.core.middleware import (
    database_unavailable_body,
    is_db_connection_error,
    mark_database_unavailable,
)

logger = logging.getLogger(__name__)


class DefaultPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def pv_exception_handler(exc, context):
    if isinstance(exc, NotFound):
        return Response(
            {"code": exc.code, "message": exc.message, "extra": exc.extra},
            status=status.HTTP_404_NOT_FOUND,
        )
    if isinstance(exc, DomainError):
        return Response(
            {"code": exc.code, "message": exc.message, "extra": exc.extra},
            status=exc.http_status,
        )
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(
            {"code": "invalid", "message": "Invalid input.", "extra": {"fields": detail}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, RecursionError | UnicodeError | OverflowError):
        # A net under the parsers: input that blows up a parser or a walker is bad input,
        # whatever reached it (the default JSON parser refuses such bodies first).
        return Response(
            {"code": "parse_error", "message": "The request body could not be read.", "extra": {}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return _unhandled(exc)
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "message": "Invalid input.",
            "extra": {"fields": response.data},
        }
    elif isinstance(exc, exceptions.APIException | Http404):
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        code = getattr(exc, "default_code", "not_found")
        response.data = {"code": code, "message": str(detail), "extra": {}}
    return response


def _unhandled(exc: Exception) -> Response:
    """Faults answer in the JSON error shape too: a lost database connection is a 503 with
    Retry-After (reads are retried once by pv.core.middleware), anything else a logged 500."""
    set_rollback()
    if is_db_connection_error(exc):
        logger.warning("database unavailable: %s", exc)
        body, headers = database_unavailable_body()
        return mark_database_unavailable(
            Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers=headers)
        )
    logger.error("unhandled error in the API", exc_info=exc)
    return Response(
        {"code": "server_error", "message": "Internal server error.", "extra": {}},
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
