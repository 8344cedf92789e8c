"""Intake rate limits per account (DRF throttles, one scope each; rates in settings).

Single creates and batches have separate budgets: a bulk importer sends batches of up to 1,000
items and should never be slowed by the single-post budget, and a script firing single posts
cannot borrow the batch budget. Throttled requests get 429 with Retry-After in the JSON error
shape (`pv.core.api.pv_exception_handler`).
"""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class _PerAccountThrottle(SimpleRateThrottle):
    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # authentication fails first; nothing to count
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class IntakeSingleThrottle(_PerAccountThrottle):
    scope = "intake_single"


class IntakeBatchThrottle(_PerAccountThrottle):
    scope = "intake_batch"
