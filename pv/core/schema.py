"""OpenAPI schema generation: nested `InputSerializer` / `OutputSerializer` classes (STYLE.md §4)
get component names from their view ("MemberRegisterApiInput"), so they never collide."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema


class PvAutoSchema(AutoSchema):
    def get_serializer_name(self, serializer, direction):
        qualname = type(serializer).__qualname__
        if "." in qualname:
            return qualname.replace(".", "")
        return super().get_serializer_name(serializer, direction)
