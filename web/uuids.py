"""Ids from URLs and forms: anything that is not a UUID is simply not found."""

from __future__ import annotations

import uuid

from django.http import Http404


def uuid_or_404(value) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError) as exc:
        raise Http404("Not found.") from exc
