"""What sponsors act on: the MGPS fit quality gate, minimum N for every measure, records raised
on the run's chosen measure only, published runs (exploratory runs stay private), and a bad
trend link is a 404."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pv.models import AuditEvent
from signals.models import Signal, SignalResult, SignalRun
from signals.stats import compute_signals, count_pairs, score_table
from signals.stats.quality import FALLBACK_PRIOR, fit_problems
from signals.trends import Thresholds, flag_signals
from tests.signals.test_service_runs import run_now, shared_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker, runs=False) as built:
        yield built


def _simulated_pairs(seed: int = 7, pairs: int = 4000) -> pd.DataFrame:
    """Counts drawn from a known two-gamma prior: the fit has plenty to work on."""
    rng = np.random.default_rng(seed)
    e = rng.gamma(0.6, 1.5, pairs) + 0.05
    component = rng.random(pairs) < 0.3
    lam = np.where(component, rng.gamma(1.5, 1 / 0.3, pairs), rng.gamma(3.0, 1 / 3.0, pairs))
    n = rng.poisson(lam * e)
    keep = n >= 1
    n, e = n[keep], e[keep]
    total = 10_000_000
    return pd.DataFrame(
        {
            "drug": [f"d{i}" for i in range(len(n))],
            "event": "x",
            "n": n,
            "n_drug": n + 50,
            "n_event": n + 50,
            "n_total": total,
            "expected": e,
        }
    )


# --- the gate (pure) ---


def test_a_fit_on_plenty_of_data_passes_the_gate():
    fit = score_table(_simulated_pairs()).fit
    assert fit_problems(fit) == [], fit


def test_a_fit_on_a_handful_of_rows_fails_the_gate_with_reasons():
    rows = pd.DataFrame(
        {"id": [1, 1, 2, 3, 4, 5], "var1": ["a", "b", "a", "b", "a", "c"],
         "var2": ["x", "y", "y", "x", "x", "z"]}
    )  # fmt: skip
    fit = compute_signals(rows).fit
    problems = fit_problems(fit)
    assert "too_few_points" in problems
    # scored with the documented prior instead, EBGM is no longer a degenerate ~0 for N = 1
    fallback = score_table(count_pairs(rows), hyper=FALLBACK_PRIOR).table
    assert (fallback["ebgm"] > 0.1).all()
    assert (fallback.loc[fallback.n == 1, "eb95"] > fallback.loc[fallback.n == 1, "eb05"]).all()


def test_every_measure_needs_three_reports_by_default():
    table = pd.DataFrame(
        {"n": [1, 2, 3], "prr": [50.0] * 3, "chi2": [90.0] * 3, "ror_lower95": [9.0] * 3,
         "ic025": [3.0] * 3, "eb05": [4.0] * 3}
    )  # fmt: skip
    flags = flag_signals(table, Thresholds())
    assert flags.to_numpy().tolist() == [[False] * 4, [False] * 4, [True] * 4]


# --- the gate in runs ---


def test_a_run_on_sparse_quarters_uses_the_fallback_prior_and_says_so(world):
    run = run_now(source="cases")
    assert run.status == SignalRun.Status.SUCCEEDED
    assert run.fit_warnings, "the sparse test quarters must fail the gate"
    for warning in run.fit_warnings:
        assert "too_few_points" in warning["reasons"] and warning["action"] == "fallback prior"
        fit = run.hyperparameters[warning["period"]]
        assert fit["fallback"] is True and fit["alpha1"] == FALLBACK_PRIOR.alpha1
    latest = SignalResult.objects.filter(run=run, is_latest=True)
    assert len({round(r.ebgm, 6) for r in latest}) > 1, "EBGM must vary with N and E"


def test_the_refuse_policy_fails_the_run_with_the_reason(world, settings):
    settings.PV_SIGNALS_FIT_POLICY = "refuse"
    run = run_now(source="cases")
    assert run.status == SignalRun.Status.FAILED
    assert "quality gate" in run.error and "points" in run.error


def test_records_are_raised_on_the_chosen_measure_only(world):
    # when: EBGM is the signal measure but its threshold cannot be met, PRR's can
    run = run_now(source="cases", thresholds={"eb05": 1e9})
    # then: PRR flags are stored on the results, yet no record is raised on PRR alone
    assert SignalResult.objects.filter(run=run, signal_prr=True).exists()
    assert not Signal.objects.exists()
    # when: PRR is chosen
    prr_run = run_now(source="cases", signal_measure="prr")
    assert Signal.objects.exists()
    assert all("prr" in s.measures for s in Signal.objects.all())
    assert all(m["n"] >= 3 for s in Signal.objects.all() for m in s.measures.values())
    assert prr_run.signal_measure == "prr"


# --- publishing ---


def test_sponsors_see_only_published_runs_and_exploratory_runs_stay_private(
    world, api_client, client
):
    sponsor, reviewer = world["users"]["sponsor_a"], world["users"]["reviewer"]
    first = run_now(source="cases", signal_measure="prr")
    api_client.force_authenticate(sponsor)
    # nothing published yet: no results, no runs, no records, and the dashboard says so
    assert api_client.get("/api/v1/signals/results/").status_code == 404
    assert api_client.get("/api/v1/signals/runs/").json()["count"] == 0
    assert api_client.get("/api/v1/signals/records/").json()["count"] == 0
    client.force_login(sponsor)
    assert "No published" in client.get("/signals/").content.decode()
    # a sponsor cannot publish
    publish = f"/api/v1/signals/runs/{first.id}/publish/"
    assert api_client.post(publish).status_code == 403
    # staff publish the first run
    api_client.force_authenticate(reviewer)
    published = api_client.post(publish)
    assert published.status_code == 200 and published.json()["is_published"] is True
    assert AuditEvent.objects.filter(action="signal_run.published").count() == 1
    # a reviewer's exploratory run afterwards does not change what the sponsor sees
    exploratory = run_now(source="cases", thresholds={"prr": 1.0}, signal_measure="prr")
    api_client.force_authenticate(sponsor)
    results = api_client.get("/api/v1/signals/results/")
    assert results.status_code == 200 and results.json()["run"]["id"] == str(first.id)
    runs = api_client.get("/api/v1/signals/runs/").json()["results"]
    assert [r["id"] for r in runs] == [str(first.id)]
    assert api_client.get(f"/api/v1/signals/runs/{exploratory.id}/").status_code == 404
    page = client.get("/signals/").content.decode()
    assert "Published run" in page and "Unpublished" not in page
    # publishing the newer run replaces the older for sponsors (one published per source)
    api_client.force_authenticate(reviewer)
    assert api_client.post(f"/api/v1/signals/runs/{exploratory.id}/publish/").status_code == 200
    api_client.force_authenticate(sponsor)
    runs = api_client.get("/api/v1/signals/runs/").json()["results"]
    assert [r["id"] for r in runs] == [str(exploratory.id)]


def test_a_failed_run_cannot_be_published(world, api_client, settings):
    settings.PV_SIGNALS_FIT_POLICY = "refuse"
    failed = run_now(source="cases")
    api_client.force_authenticate(world["users"]["reviewer"])
    answer = api_client.post(f"/api/v1/signals/runs/{failed.id}/publish/")
    assert answer.status_code == 400 and answer.json()["code"] == "not_publishable"


def test_nightly_runs_are_published_when_they_succeed(world):
    run = run_now(source="cases", trigger=SignalRun.Trigger.NIGHTLY)
    assert run.is_published and run.published_at is not None


def test_a_bogus_trend_link_is_a_404(world, client):
    client.force_login(world["users"]["reviewer"])
    assert client.get("/signals/trend/?run=bogus&drug=x&event=y").status_code == 404
    run = run_now(source="cases")
    assert client.get(f"/signals/trend/?run={run.id}&drug=nothing&event=y").status_code == 404


# --- edge cases ---


def test_inconsistent_margins_are_a_clear_error_not_a_negative_ror():
    counts = pd.DataFrame(
        {"drug": ["a"], "event": ["x"], "n": [5], "n_drug": [10], "n_event": [10],
         "n_total": [12], "expected": [8.3]}
    )  # fmt: skip
    with pytest.raises(ValueError, match="negative 2x2 cell"):
        score_table(counts, hyper=FALLBACK_PRIOR)


def test_a_drug_on_every_report_has_no_comparator_and_no_infinite_chi2():
    rows = pd.DataFrame(
        {"id": [1, 2, 3, 4, 4], "var1": ["a", "a", "a", "a", "b"],
         "var2": ["x", "y", "x", "z", "z"]}
    )  # fmt: skip
    table = compute_signals(rows, hyper=FALLBACK_PRIOR).table
    on_every = table[table.drug == "a"]
    assert on_every[["prr", "ror", "chi2"]].isna().all().all()
    assert np.isfinite(table["chi2"].dropna()).all()


def test_names_differing_in_case_or_spacing_are_one_drug():
    from signals.stats.counts import canonical_names

    names = pd.Series(["Aspirin", "ASPIRIN ", "aspirin", "Aspirin", " Ibu  profen", "ibu profen"])
    assert canonical_names(names).astype(str).tolist() == [
        "Aspirin",
        "Aspirin",
        "Aspirin",
        "Aspirin",
        "Ibu profen",
        "Ibu profen",
    ]


# --- restricted subgroup runs ---


def test_subgroup_runs_restrict_the_analysed_reports(world):
    from pv.core.exceptions import DomainError
    from signals.services import signal_run_create, signal_run_publish

    whole = run_now(source="cases")
    women = run_now(source="cases", subgroup={"sex": "F"})
    men = run_now(source="cases", subgroup={"sex": "M"})
    assert women.subgroup == {"sex": "F"} and women.status == SignalRun.Status.SUCCEEDED
    assert women.n_reports + men.n_reports == whole.n_reports
    assert 0 < women.n_reports < whole.n_reports
    n_whole = {(r.drug_key, r.event): r.n for r in SignalResult.objects.filter(
        run=whole, is_latest=True)}  # fmt: skip
    for r in SignalResult.objects.filter(run=women, is_latest=True):
        assert r.n <= n_whole[(r.drug_key, r.event)] and r.n_total == women.n_reports
    same_year = run_now(source="cases", subgroup={"year": "2026"})
    assert same_year.n_reports == whole.n_reports
    empty = run_now(source="cases", subgroup={"year": "2019"})
    assert empty.status == SignalRun.Status.FAILED and "No data" in empty.error
    # subgroup runs are analyses of part of the data: no records, not publishable
    assert women.n_new_signals == 0
    with pytest.raises(DomainError):
        signal_run_publish(run=women, actor="t")
    for bad in ({"sex": "X"}, {"age_group": "20-30"}, {"year": "26"}, {"country": "USA"},
                {"colour": "red"}):  # fmt: skip
        with pytest.raises(DomainError):
            signal_run_create(source="cases", subgroup=bad, enqueue=False)


def test_subgroup_through_the_api(world, api_client):
    api_client.force_authenticate(world["users"]["reviewer"])
    ok = api_client.post(
        "/api/v1/signals/runs/",
        {"source": "cases", "subgroup": {"age_group": "18-44"}},
        format="json",
    )
    assert ok.status_code == 202 and ok.json()["subgroup"] == {"age_group": "18-44"}
    bad = api_client.post(
        "/api/v1/signals/runs/", {"source": "cases", "subgroup": {"sex": "?"}}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["extra"]["fields"]["sex"]
