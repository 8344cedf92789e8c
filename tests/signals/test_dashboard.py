"""Signals dashboard pages: SVG charts with table fallbacks, sponsor scoping, refusals."""

from __future__ import annotations

import re

import pytest

from tests.signals.test_service_runs import shared_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker, runs=True) as built:
        yield built


def _login(client, user):
    client.force_login(user)
    return client


def test_sponsor_dashboard_renders_overview_svg_and_table(world, client):
    zoloft = world["products"]["zoloft"]
    response = _login(client, world["users"]["sponsor_a"]).get("/signals/")
    assert response.status_code == 200
    html = response.content.decode()
    # the overview chart: inline SVG, labelled, one point per event, threshold line
    assert '<svg class="sig-chart" role="img"' in html
    assert "EB05 against N for every event of Zoloft" in html
    assert html.count("<circle") == len(
        re.findall(r"<tr>\s*<th scope=\"row\"><a href=\"/signals/trend/", html)
    )
    assert 'class="threshold"' in html
    # the table fallback with sortable headings and trend links
    assert 'aria-sort="descending"' in html and "Nausea" in html
    assert f'value="{zoloft.id}" selected' in html
    # only its own products: no Lipitor / Advil anywhere, no other ingredients
    for other in ("Lipitor", "Advil", "atorvastatin", "ibuprofen"):
        assert other not in html
    main = html.split("<main")[1]  # nothing fetched at runtime by the page's own content
    assert "<script" not in main and 'src="http' not in main and 'href="http' not in main


def test_sort_by_column(world, client):
    html = (
        _login(client, world["users"]["reviewer"])
        .get("/signals/", {"product": world["products"]["advil"].id, "sort": "n", "dir": "asc"})
        .content.decode()
    )
    assert 'aria-sort="ascending"' in html


def test_other_sponsors_product_is_404(world, client):
    lipitor = world["products"]["lipitor"]
    c = _login(client, world["users"]["sponsor_a"])
    assert c.get("/signals/", {"product": lipitor.id}).status_code == 404
    run = world["run"]
    trend = {"run": run.id, "drug": "atorvastatin", "event": "Myalgia"}
    assert c.get("/signals/trend/", trend).status_code == 404


def test_trend_page_has_band_and_table(world, client):
    c = _login(client, world["users"]["sponsor_a"])
    params = {"run": world["run"].id, "drug": "sertraline", "event": "Nausea"}
    for measure in ("ebgm", "prr", "ror", "ic"):
        response = c.get("/signals/trend/", {**params, "measure": measure})
        assert response.status_code == 200, measure
        html = response.content.decode()
        assert '<polygon class="band"' in html and '<polyline class="line"' in html
        assert "2026Q1" in html and "2026Q2" in html
        assert "<caption" in html  # the chart's numbers as a table
    assert c.get("/signals/trend/", {**params, "measure": "nope"}).status_code == 404


@pytest.mark.parametrize("role", ["regulator", "member_user"])
def test_other_roles_are_refused(world, client, request, role):
    user = request.getfixturevalue(role)
    assert _login(client, user).get("/signals/").status_code == 403
    assert client.get("/signals/trend/").status_code == 403


def test_anonymous_is_sent_to_login(world, client):
    response = client.get("/signals/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_social_banner(world, client):
    html = (
        _login(client, world["users"]["reviewer"]).get("/signals/", {"source": "social"}).content
    ).decode()
    assert "Social listening." in html


@pytest.mark.parametrize("page", ["dashboard", "trend"])
def test_sponsor_pages_are_scrubbed_unless_declared(world, client, monkeypatch, page):
    # given a partner scrubber that marks what it is given
    from signals.page_data import DASHBOARD_SAFE, TREND_SAFE  # noqa: PLC0415
    from tests.web.test_partner_page_privacy import MARK, _unscrubbed  # noqa: PLC0415

    monkeypatch.setattr(
        "pv.core.partner_output.partner_scrubber", lambda **_: lambda text: f"{MARK}{text}"
    )
    c = _login(client, world["users"]["sponsor_a"])
    # when the sponsor opens the page
    if page == "dashboard":
        response, safe = c.get("/signals/"), DASHBOARD_SAFE
    else:
        params = {"run": world["run"].id, "drug": "sertraline", "event": "Nausea"}
        response, safe = c.get("/signals/trend/", params), TREND_SAFE
    assert response.status_code == 200
    # then every string of its context was scrubbed or is declared safe, all plain data
    context = {k: v for k, v in response.context_data.items() if k != "view"}
    assert context["rows"]
    assert not _unscrubbed(context, safe)
    # and a reviewer's page is as stored
    staff = _login(client, world["users"]["reviewer"]).get("/signals/")
    assert MARK not in staff.content.decode()
