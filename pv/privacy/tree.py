"""Walk plain data (dicts, lists, strings) and scrub every string not under a declared-safe path.

Pure module (no Django). It is the allow-list at the heart of both guarantees in DESIGN.md:
"minimise at the door" (intake and case writes) and "partner output by allow-list" (every
partner-facing serializer, page, export). A field is safe only because someone declared it so
(codes, ids, dates, enums); a field added later is scrubbed until it is declared, so it cannot
leak silently.

Paths name dict keys (or dataclass fields) joined by dots; list, tuple and set items keep their
parent's path, so `drugs.route` covers the route of every drug. A safe path covers everything
beneath it. Dataclasses (the E2B snapshot) come back as copies of the same class.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

Scrubber = Callable[[str], str]


def scrub_tree(value: Any, *, scrub: Scrubber, safe: Iterable[str] = ()) -> Any:
    """A copy of `value` whose strings went through `scrub`, except those under a safe path."""
    return _walk(value, scrub, frozenset(safe), "")


def string_paths(value: Any, path: str = "") -> set[str]:
    """Every path at which `value` holds a string (for tests and declarations)."""
    if isinstance(value, str):
        return {path}
    out: set[str] = set()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        for key, item in value.items():
            out |= string_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            out |= string_paths(item, path)
    return out


def _walk(value: Any, scrub: Scrubber, safe: frozenset[str], path: str) -> Any:
    if path and path in safe:
        return value
    if isinstance(value, str):
        return scrub(value) if value else value
    if isinstance(value, Mapping):
        return {
            key: _walk(item, scrub, safe, f"{path}.{key}" if path else str(key))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_walk(item, scrub, safe, path) for item in value]
    if isinstance(value, tuple | set | frozenset):
        return type(value)(_walk(item, scrub, safe, path) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _walk(
                getattr(value, f.name), scrub, safe, f"{path}.{f.name}" if path else f.name
            )
            for f in dataclasses.fields(value)
            if f.init
        }
        return dataclasses.replace(value, **changes)
    return value
