"""A signed-out request that is sent to the login page comes back to where the person was.

Without this, an htmx request after the session expired got the login page swapped into the
queue (a page inside the page), and a form posted after expiry came back from login to a
POST-only URL (a blank 405) with the typed reason lost. Here:

* an htmx request answered with a redirect to the login page gets `HX-Redirect` instead, so
  htmx loads the login page as a whole page, with `next` set to the page the person was on
  (`HX-Current-URL`), not to the fragment URL;
* a non-GET request redirected to login gets `next` = the page it was posted from (the
  Referer, same host only), so signing in returns there, where pv.js restores typed drafts.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme


def _local_path(url: str, request) -> str | None:
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class LoginRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code not in (301, 302, 303) or request.user.is_authenticated:
            return response
        location = response.get("Location", "")
        if urlsplit(location).path != settings.LOGIN_URL:
            return response
        htmx = request.headers.get("HX-Request") == "true"
        if not htmx and request.method == "GET":
            return response  # Django's own redirect already comes back here
        back = _local_path(request.headers.get("HX-Current-URL", ""), request) if htmx else None
        back = back or _local_path(request.META.get("HTTP_REFERER", ""), request) or "/"
        login = f"{settings.LOGIN_URL}?{urlencode({'next': back})}"
        if htmx:
            redirect = HttpResponse(status=200)
            redirect["HX-Redirect"] = login
            return redirect
        response["Location"] = login
        response.status_code = 303
        return response
