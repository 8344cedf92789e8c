"""One error type for domain failures; one DRF handler giving {code, message, extra}."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from pv.core.exceptions import DomainError, NotFound


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
        return None
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
