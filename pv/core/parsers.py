"""The default JSON parser: bounded nesting, bounded numbers, strict UTF-8.

The standard library parser recurses once per nesting level, so a body of 5,000 `[` raises
RecursionError (a 500) and a body just under the limit builds structures every later walker
(serializers, the partner-output path) must recurse through again. Checking the depth first,
with one pass over the brackets outside strings, refuses such bodies with a 400 before anything
recurses. Integers are capped too: Python refuses int strings over 4,300 digits with a
ValueError, and nothing in pv needs more than a few dozen.
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 64
MAX_INT_DIGITS = 100
# What the depth scan looks at: brackets, and the quotes and backslashes that delimit strings.
_TOKEN = re.compile(r'[\[\]{}"\\]')


def json_depth(text: str, limit: int | None = None) -> int:
    """The deepest nesting of arrays and objects in `text` (brackets inside strings ignored).

    One linear pass (a regex over strings could backtrack quadratically on escaped quotes);
    stops as soon as the depth passes `limit`.
    """
    depth = deepest = 0
    in_string, escaped_at = False, -1
    for match in _TOKEN.finditer(text):
        ch, pos = match.group(), match.start()
        if in_string:
            if pos == escaped_at:  # the character after a backslash
                escaped_at = -1
            elif ch == "\\":
                escaped_at = pos + 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if limit is not None and deepest > limit:
                break
        elif ch in "]}":
            depth -= 1
    return deepest


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ParseError(f"JSON parse error - integer longer than {MAX_INT_DIGITS} digits.")
    return int(text)


def _parse_constant(name: str):
    raise ParseError(f"JSON parse error - {name} is not a JSON number.")


class SafeJSONParser(JSONParser):
    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"JSON parse error - the body is not valid {encoding}.") from exc
        if json_depth(text, self.max_depth) > self.max_depth:
            raise ParseError(f"JSON parse error - nested deeper than {self.max_depth} levels.")
        try:
            return json.loads(text, parse_int=_parse_int, parse_constant=_parse_constant)
        except ParseError:
            raise
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
