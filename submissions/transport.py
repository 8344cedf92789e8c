"""HTTP push of an E2B batch to a partner's endpoint. Transient failures raise GatewayUnavailable
(Celery retries them with backoff); a receiver's 4xx is final."""

from __future__ import annotations

from dataclasses import dataclass

import requests


class GatewayUnavailable(Exception):
    """5xx, timeout or connection failure: worth trying again later."""


class GatewayRefused(Exception):
    """4xx: the receiver will not take this message as it is."""


@dataclass(frozen=True)
class PushResult:
    status: int
    body: bytes
    content_type: str


def push_xml(*, url: str, xml: bytes, timeout: float) -> PushResult:
    try:
        response = requests.post(
            url,
            data=xml,
            headers={"Content-Type": "application/xml; charset=utf-8"},
            timeout=timeout,
            allow_redirects=False,
        )
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise GatewayUnavailable(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code >= 500 or response.status_code == 429:
        raise GatewayUnavailable(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        raise GatewayRefused(f"HTTP {response.status_code}: {response.text[:2000]}")
    return PushResult(
        response.status_code, response.content, response.headers.get("Content-Type", "")
    )
