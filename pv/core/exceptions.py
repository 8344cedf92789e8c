"""The one error type for domain failures (STYLE.md §7)."""

from __future__ import annotations


class DomainError(Exception):
    http_status = 400

    def __init__(self, message: str, *, code: str, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message, self.code, self.extra = message, code, extra or {}


class NotFound(DomainError):
    """Missing, or not visible to the caller: both are 404 so partners cannot enumerate."""

    http_status = 404

    def __init__(self, message: str = "Not found.", *, code: str = "not_found", extra=None) -> None:
        super().__init__(message, code=code, extra=extra)


class Conflict(DomainError):
    http_status = 409
