"""The one partner-output path for API serializers (DESIGN.md, "Partner output by allow-list").

A serializer whose output a partner can receive subclasses `PartnerFacingSerializer` and declares,
in `partner_safe`, the paths of the string fields that need no scrubbing: codes, ids, dates,
enums. For a partner (or a caller that did not say who it is) every other string in the output,
nested rows included, goes through `pv.services.privacy.partner_output`. A field added later is
therefore scrubbed until someone declares it safe; it cannot leak by being forgotten.

tests/pv/test_partner_output.py enumerates every endpoint a partner can reach and fails on a
response serializer that is not a `PartnerFacingSerializer`, and on a safe declaration that names a
free-text field.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import serializers

from pv.models import Member
from pv.services.privacy import Scrubber, partner_output, partner_scrubber

PARTNER_SERIALIZERS: list[type[PartnerFacingSerializer]] = []


def context_user(context: dict):
    user = context.get("user")
    if user is None and context.get("request") is not None:
        user = getattr(context["request"], "user", None)
    return user


def lazy_partner_scrubber(*, member: Member | None, actor, cache: dict | None = None) -> Scrubber:
    """A partner scrubber that reads the vault only when a non-empty string needs scrubbing,
    shared through `cache` by the rows of one response that belong to the same member."""
    cache = {} if cache is None else cache
    key = member.pk if member is not None else None

    def scrub(text: str) -> str:
        if not text:
            return text
        if key not in cache:
            cache[key] = partner_scrubber(member=member, actor=actor)
        return cache[key](text)

    return scrub


class PartnerFacingSerializer(serializers.Serializer):
    """Base of every serializer a partner can receive. Staff see the data as it is stored."""

    partner_safe: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        PARTNER_SERIALIZERS.append(cls)

    def partner_member(self, instance) -> Member | None:
        """The member whose own Restricted values this row's text must lose (None: none)."""
        return None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = context_user(self.context)
        if user is not None and getattr(user, "is_authenticated", False) and not user.is_partner:
            return data
        # Shared by the rows of one response (a list serializer's children share its context).
        cache = self.context.setdefault("_partner_scrubbers", {})
        scrub = lazy_partner_scrubber(member=self.partner_member(instance), actor=user, cache=cache)
        return partner_output(data, safe=self.partner_safe, scrub=scrub)
