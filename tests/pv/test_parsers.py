"""Bodies that blow up a JSON parser get a 400 with the error shape, never a 500."""

from __future__ import annotations

import pytest

from pv.core.parsers import MAX_DEPTH, json_depth

pytestmark = pytest.mark.django_db

BAD_BODIES = {
    "nested 5,000 arrays": b"[" * 5000 + b"]" * 5000,
    "nested 5,000 objects": b'{"a":' * 5000 + b"1" + b"}" * 5000,
    "just over the depth limit": b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
    "a 5,000-digit integer": b'{"source_id": ' + b"9" * 5000 + b"}",
    "a 200-digit integer": b'{"source_id": ' + b"9" * 200 + b"}",
    "NaN": b'{"source_id": NaN}',
    "invalid UTF-8": b'{"source_id": "\xff\xfe\xfa"}',
    "truncated": b'{"source_id": "p1", "text": ',
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=list(BAD_BODIES))
@pytest.mark.parametrize("url", ["/api/v1/posts/", "/api/v1/cases/", "/api/v1/posts/batch/"])
def test_bad_json_gets_400_with_the_error_shape(api_client, member_user, reviewer, url, body):
    # given an authenticated caller (a member for posts, a reviewer for cases)
    api_client.force_authenticate(reviewer if "cases" in url else member_user)
    # when
    response = api_client.generic("POST", url, body, content_type="application/json")
    # then
    assert response.status_code == 400, response.content[:200]
    assert set(response.json()) == {"code", "message", "extra"}
    assert response.json()["code"] == "parse_error"


def test_sane_nesting_still_parses(api_client, reviewer):
    # given a body nested well within the limit (strings holding brackets do not count)
    body = b'{"member_public_id": "[[[[{{{{", "drugs": [[[[]]]]}'
    api_client.force_authenticate(reviewer)
    # when
    response = api_client.generic("POST", "/api/v1/cases/", body, content_type="application/json")
    # then it reaches validation: a field error, not a parse error
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_json_depth_ignores_brackets_in_strings():
    assert json_depth('{"a": "[[[[\\"[[", "b": [1, [2]]}') == 3
    assert json_depth("[]") == 1
    assert json_depth('"[[["') == 0


def test_json_depth_handles_escapes_in_linear_time():
    # escaped quotes and backslashes inside strings neither end the string nor nest
    assert json_depth(r'["a\"[[[", "b\\", [1]]') == 2
    assert json_depth(r'{"k": "\\\"[{"}') == 1
    # an unterminated string of escaped quotes (quadratic for a backtracking regex)
    body = '"' + '\\"' * 200_000
    assert json_depth(body) == 0
    assert json_depth("[" * 10_000, limit=64) == 65  # stops early
