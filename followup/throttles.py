"""Rate limit on opening follow-up requests: per partner organisation, not per user, so a
partner cannot multiply its budget with more accounts (scope `followup_create`)."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class FollowupCreateThrottle(SimpleRateThrottle):
    scope = "followup_create"

    def get_cache_key(self, request, view):
        partner_id = getattr(request.user, "partner_id", None)
        if not partner_id:
            return None
        return self.cache_format % {"scope": self.scope, "ident": f"partner-{partner_id}"}
