"""Partner pages by allow-list: every string a partner page's context holds went through the
partner-output path unless the page declares its path safe; and the context is plain data
(no model instances a template could read unscrubbed fields from)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache

from followup.services import followup_request_create
from tests.web.conftest import login
from web import views_partner

pytestmark = pytest.mark.django_db
MARK = "\u27e6"


@pytest.fixture
def marked(monkeypatch):
    """The partner scrubber marks what it is given, so the test can see what went through it."""
    monkeypatch.setattr(
        "pv.core.partner_output.partner_scrubber",
        lambda **_: lambda text: f"{MARK}{text}",
    )
    rendered: list[dict] = []
    real = views_partner.render

    def keep(request, template, context):
        rendered.append(context)
        return real(request, template, context)

    monkeypatch.setattr(views_partner, "render", keep)
    return rendered


def _leaves(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item, path)
    else:
        yield path, value


def _unscrubbed(context: dict, safe: frozenset[str]) -> list[str]:
    def declared(path: str) -> bool:
        parts = path.split(".")
        return any(".".join(parts[:i]) in safe for i in range(1, len(parts) + 1))

    bad = []
    for path, value in _leaves(context):
        plain = isinstance(value, str | int | float | bool | Decimal | dt.date) or value is None
        if not plain:
            bad.append(f"{path}: {type(value).__name__} is not plain data")
        elif isinstance(value, str) and value and not value.startswith(MARK) and not declared(path):
            bad.append(f"{path}: {value[:40]!r} neither scrubbed nor declared safe")
    return bad


@pytest.mark.parametrize("page", ["inbox", "case"])
def test_partner_page_context_is_scrubbed_unless_declared(
    page, marked, received_case, regulator, sponsor_user
):
    # given a case the partners received and a follow-up request with a free-text question
    case, _ = received_case
    cache.clear()
    followup_request_create(
        actor=sponsor_user,
        case=case,
        questions=["outcome"],
        free_text_questions=["Any rash?"],
        wanted_by=dt.date.today() + dt.timedelta(days=5),  # noqa: DTZ011
    )
    for user in (regulator, sponsor_user):
        # when the partner opens the page
        url = "/partner/" if page == "inbox" else f"/partner/cases/{case.id}/"
        assert login(user).get(url).status_code == 200
        view = views_partner.PartnerInboxView if page == "inbox" else views_partner.PartnerCaseView
        context = marked[-1]
        # then every string was scrubbed or is declared safe, and nothing is a model object
        assert context["submissions"], context
        assert not _unscrubbed(context, view.partner_safe)
        if user == sponsor_user:
            assert context["followups"] and any(
                label.startswith(MARK)
                for r in context["followups"]
                for label in r["question_labels"]
            )
