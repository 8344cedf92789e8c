"""Signals API: roles, sponsor scoping (other products are 404 / absent), filters, pagination,
CSV export, trends, the workflow endpoints, constant query counts."""

from __future__ import annotations

import csv
import io

import pytest

from pv.models import AuditEvent
from signals.models import Signal, SignalResult, SignalRun
from tests.signals.test_service_runs import run_now, shared_world

pytestmark = pytest.mark.django_db

RESULTS = "/api/v1/signals/results/"
EXPORT = "/api/v1/signals/results/export/"
RECORDS = "/api/v1/signals/records/"
RUNS = "/api/v1/signals/runs/"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker, runs=True) as built:
        yield built


@pytest.fixture
def sponsor_user(world, db):
    return world["users"]["sponsor_a"]  # Zoloft (sertraline); Lipitor and Advil are sponsor B's


@pytest.fixture
def reviewer(world, db):
    return world["users"]["reviewer"]


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("member", 403),
        ("regulator", 403),
        ("sponsor", 200),
        ("reviewer", 200),
        ("admin", 200),
    ],
)
def test_who_may_read_results(world, api_client, users_by_role, role, expected):
    if role != "anonymous":
        api_client.force_authenticate(users_by_role[role])
    assert api_client.get(RESULTS).status_code == expected
    assert api_client.get(RECORDS).status_code == expected
    assert api_client.get(RUNS).status_code == expected


def test_sponsor_sees_only_its_products(world, api_client, sponsor_user):
    # when: Sponsor A (Zoloft = sertraline) lists the latest ingredient x PT results
    body = _as(api_client, sponsor_user).get(RESULTS, {"page_size": 500}).json()
    # then: only sertraline rows; atorvastatin and ibuprofen (Sponsor B) are absent
    assert {r["drug_key"] for r in body["results"]} == {"sertraline"}
    assert (
        body["count"]
        == SignalResult.objects.filter(
            run=world["run"], is_latest=True, drug_key="sertraline"
        ).count()
    )
    assert body["run"]["id"] == str(world["run"].id)
    # and its signal records likewise
    records = api_client.get(RECORDS).json()["results"]
    assert records and {r["drug_key"] for r in records} <= {
        "sertraline",
        str(world["products"]["zoloft"].id),
    }


def test_other_sponsors_product_is_404(world, api_client, sponsor_user):
    lipitor = world["products"]["lipitor"]
    client = _as(api_client, sponsor_user)
    assert client.get(RESULTS, {"product": lipitor.id}).status_code == 404
    assert client.get(EXPORT, {"product": lipitor.id}).status_code == 404
    assert client.get(RECORDS, {"product": lipitor.id}).status_code == 404
    other = Signal.objects.filter(drug_key="atorvastatin").first()
    assert other is not None
    assert client.get(f"{RECORDS}{other.id}/").status_code == 404
    trend = f"{RUNS}{world['run'].id}/trend/"
    assert client.get(trend, {"drug": "atorvastatin", "event": "Myalgia"}).status_code == 404
    assert client.get(trend, {"drug": "sertraline", "event": "Nausea"}).status_code == 200
    # product level: another sponsor's product id as drug key is 404 too
    product_trend = f"{RUNS}{world['product_run'].id}/trend/"
    response = client.get(product_trend, {"drug": str(lipitor.id), "event": "Myalgia"})
    assert response.status_code == 404


def test_reviewer_sees_everything(world, api_client, reviewer):
    body = _as(api_client, reviewer).get(RESULTS, {"page_size": 500}).json()
    assert {r["drug_key"] for r in body["results"]} == {"sertraline", "atorvastatin", "ibuprofen"}


def test_filters_measure_threshold_event_soc_period(world, api_client, reviewer):
    client = _as(api_client, reviewer)
    rows = client.get(RESULTS, {"measure": "prr", "threshold": 2, "page_size": 500}).json()
    assert rows["results"] and all(r["prr"] == "Inf" or r["prr"] >= 2 for r in rows["results"])
    by_event = client.get(RESULTS, {"event": "nausea"}).json()["results"]
    assert {r["event"] for r in by_event} == {"Nausea"}
    by_soc = client.get(RESULTS, {"soc": "Abnormality of the musculature"}).json()["results"]
    assert {r["event"] for r in by_soc} == {"Myalgia"}
    early = client.get(RESULTS, {"period": "2026Q1", "drug": "sertraline"}).json()["results"]
    assert {r["period"] for r in early} == {"2026Q1"}
    flagged = client.get(RESULTS, {"signal": "prr"}).json()["results"]
    assert flagged and all(r["signal_prr"] for r in flagged)
    ordered = client.get(RESULTS, {"ordering": "n", "page_size": 500}).json()["results"]
    assert [r["n"] for r in ordered] == sorted(r["n"] for r in ordered)
    product_rows = client.get(
        RESULTS, {"run": world["product_run"].id, "product": world["products"]["advil"].id}
    ).json()["results"]
    assert {r["drug"] for r in product_rows} == {"Advil"}


@pytest.mark.parametrize(
    "params",
    [
        {"threshold": 2},
        {"measure": "bogus"},
        {"ordering": "secret"},
        {"period": "2026-1"},
        {"threshold": "abc", "measure": "prr"},
        {"source": "x"},
    ],
)
def test_bad_filters_are_400(world, api_client, reviewer, params):
    response = _as(api_client, reviewer).get(RESULTS, params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_unknown_run_is_404(world, api_client, reviewer):
    import uuid

    response = _as(api_client, reviewer).get(RESULTS, {"run": uuid.uuid4()})
    assert response.status_code == 404


def test_pagination(world, api_client, reviewer):
    client = _as(api_client, reviewer)
    first = client.get(RESULTS, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["count"] > 2 and first["next"]
    second = client.get(RESULTS, {"page_size": 2, "page": 2}).json()
    assert {r["event"] + r["drug_key"] for r in first["results"]}.isdisjoint(
        r["event"] + r["drug_key"] for r in second["results"]
    )


def test_csv_export_is_scoped_and_complete(world, api_client, sponsor_user):
    response = _as(api_client, sponsor_user).get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {r["drug_key"] for r in rows} == {"sertraline"}
    assert {"prr", "prr_lower95", "ror", "ic025", "ebgm", "eb05", "eb95", "source_label"} <= set(
        rows[0]
    )
    nausea = next(r for r in rows if r["event"] == "Nausea")
    stored = SignalResult.objects.get(
        run=world["run"], is_latest=True, drug_key="sertraline", event="Nausea"
    )
    assert float(nausea["eb05"]) == stored.eb05  # full precision (repr)


def test_csv_writes_inf_and_nan(world, api_client, reviewer):
    text = b"".join(
        _as(api_client, reviewer)
        .get(EXPORT, {"drug": "atorvastatin", "event": "Myalgia", "period": "2026Q1"})
        .streaming_content
    ).decode()
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["prr"] == "Inf" and row["prr_lower95"] == "NaN"


def test_list_queries_are_constant(world, api_client, sponsor_user, django_assert_max_num_queries):
    client = _as(api_client, sponsor_user)
    client.get(RESULTS, {"page_size": 1})  # the process builds its all-members scrubber once
    # 6 for a page, plus one read of the vault version (the scrubber is current)
    with django_assert_max_num_queries(7):
        client.get(RESULTS, {"page_size": 1})
    with django_assert_max_num_queries(7):
        assert client.get(RESULTS, {"page_size": 500}).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(RECORDS, {"page_size": 500}).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(RUNS, {"page_size": 500}).status_code == 200


def test_workflow_via_api(world, api_client, reviewer, sponsor_user):
    signal = Signal.objects.get(
        source="cases", drug_level="ingredient", drug_key="sertraline", event="Nausea"
    )
    url = f"{RECORDS}{signal.id}/transition/"
    # sponsors read but do not move signals
    assert (
        _as(api_client, sponsor_user)
        .post(url, {"to": "under_evaluation", "rationale": "x"}, format="json")
        .status_code
        == 403
    )
    client = _as(api_client, reviewer)
    # a rationale is required; skipping a step is a 409 naming the allowed moves
    missing = client.post(url, {"to": "under_evaluation", "rationale": " "}, format="json")
    assert missing.status_code == 400
    skip = client.post(url, {"to": "confirmed", "rationale": "r"}, format="json")
    assert skip.status_code == 409 and skip.json()["extra"]["allowed"] == ["under_evaluation"]
    for step in ("under_evaluation", "validated", "confirmed", "closed"):
        response = client.post(url, {"to": step, "rationale": f"because {step}"}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == step
    body = client.get(f"{RECORDS}{signal.id}/").json()
    assert [t["to_status"] for t in body["transitions"]] == [
        "under_evaluation",
        "validated",
        "confirmed",
        "closed",
    ]
    assert body["transitions"][0]["reviewer"] == reviewer.username
    assert AuditEvent.objects.filter(object_id=str(signal.id)).count() == 5  # raised + 4 steps
    # the sponsor sees the trail without the reviewer's name
    seen = _as(api_client, sponsor_user).get(f"{RECORDS}{signal.id}/").json()
    assert seen["status"] == "closed"
    assert {t["reviewer"] for t in seen["transitions"]} == {"pv safety reviewer"}


def test_reviewer_starts_a_run(
    world, api_client, reviewer, sponsor_user, django_capture_on_commit_callbacks
):
    body = {"source": "cases", "event_level": "soc", "thresholds": {"eb05": 1.5}}
    assert _as(api_client, sponsor_user).post(RUNS, body, format="json").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(api_client, reviewer).post(RUNS, body, format="json")
    assert response.status_code == 202
    run = SignalRun.objects.get(id=response.json()["id"])
    assert run.status == SignalRun.Status.SUCCEEDED and run.thresholds["eb05"] == 1.5
    assert run.requested_by_id == reviewer.id
    detail = api_client.get(f"{RUNS}{run.id}/").json()
    assert detail["event_level"] == "soc" and detail["hyperparameters"]
    bad = api_client.post(RUNS, {"source": "cases", "thresholds": {"nope": 1}}, format="json")
    assert bad.status_code == 400


def test_sponsor_does_not_see_failed_runs(world, api_client, sponsor_user, reviewer):
    failed = run_now(source="social")
    assert failed.status == SignalRun.Status.FAILED
    assert _as(api_client, sponsor_user).get(f"{RUNS}{failed.id}/").status_code == 404
    assert _as(api_client, reviewer).get(f"{RUNS}{failed.id}/").status_code == 200


def test_csv_export_goes_through_the_partner_output_path(
    world, api_client, sponsor_user, reviewer, monkeypatch
):
    # given a partner scrubber that marks what it is given
    from signals.apis.results import CSV_SAFE  # noqa: PLC0415

    monkeypatch.setattr(
        "pv.core.partner_output.partner_scrubber", lambda **_: lambda text: f"#{text}"
    )
    # when a sponsor exports
    text = b"".join(_as(api_client, sponsor_user).get(EXPORT).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    # then every text column that is not declared safe went through the scrubber
    assert rows
    for row in rows:
        for column, value in row.items():
            if column in CSV_SAFE or not value or value in ("NaN", "Inf", "-Inf"):
                continue
            if value in ("true", "false") or value.lstrip("-").replace(".", "", 1).isdigit():
                continue  # numbers and flags, written by the exporter
            if "e" in value and value.replace("e-", "").replace(".", "").isdigit():
                continue
            assert value.startswith("#"), (column, value)
    assert {r["event"] for r in rows} >= {"#Nausea"}
    # and staff get it as stored
    staff = b"".join(_as(api_client, reviewer).get(EXPORT).streaming_content).decode()
    assert "#" not in staff
