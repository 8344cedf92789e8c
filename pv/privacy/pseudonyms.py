"""Per-partner pseudonyms: stable for one partner, unlinkable across partners. Pure."""

from __future__ import annotations

import hashlib
import hmac


def partner_pseudonym(*, key: str, partner_id: str, member_id: str) -> str:
    digest = hmac.new(key.encode(), f"{partner_id}:{member_id}".encode(), hashlib.sha256)
    return "P" + digest.hexdigest()[:16].upper()
