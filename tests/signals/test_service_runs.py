"""Signal runs over pv's cases: facts, SQL counting vs the pure core, storage, first signals,
idempotency, the nightly task. Helpers here are shared with the API and dashboard tests."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from django.db import transaction

from pv.models import AuditEvent, Case, Partner, Product
from pv.services.cases import case_create
from pv.services.users import user_create
from signals.models import Signal, SignalFact, SignalResult, SignalRun
from signals.services import signal_run_create, signal_run_execute, signal_run_publish
from signals.services.counting import count_pairs_sql
from signals.services.facts import facts_from_cases
from signals.stats import count_pairs

pytestmark = pytest.mark.django_db

HEADACHE = {"pt": "Headache", "pt_code": "HP:0002315", "soc": "Abnormality of the nervous system"}
NAUSEA = {"pt": "Nausea", "pt_code": "HP:0002018", "soc": "Abnormality of the digestive system"}
MYALGIA = {"pt": "Myalgia", "pt_code": "HP:0003326", "soc": "Abnormality of the musculature"}
RASH = {"pt": "Rash", "pt_code": "HP:0000988", "soc": "Abnormality of the integument"}
INGREDIENT = {"sertraline": "Sertraline", "atorvastatin": "Atorvastatin", "ibuprofen": "Ibuprofen"}
BRAND = {"sertraline": "Zoloft", "atorvastatin": "Lipitor", "ibuprofen": "Advil"}


def make_case(drugs, reactions, when: str, *, sex="F", age=40) -> Case:
    return case_create(
        actor="test",
        member=None,
        origin=Case.Origin.E2B_IMPORT,
        received_at=datetime.fromisoformat(when).replace(tzinfo=UTC),
        drugs=[
            {
                "name_reported": BRAND[d],
                "ingredients": [{"name": INGREDIENT[d], "code": d.upper(), "dictionary": "t"}],
            }
            for d in drugs
        ],
        reactions=[{"reported_term": r["pt"].lower(), **r} for r in reactions],
        patient_sex=sex,
        patient_age=age,
    )


# (drugs, reactions, quarter date, count): sertraline / nausea reaches N = 3 in 2026Q2 only.
PLAN = [
    (["sertraline"], [NAUSEA], "2026-02-01", 1),
    (["sertraline"], [HEADACHE], "2026-02-02", 2),
    (["atorvastatin"], [MYALGIA], "2026-02-03", 4),
    (["ibuprofen"], [HEADACHE], "2026-02-04", 4),
    (["ibuprofen", "atorvastatin"], [RASH, HEADACHE], "2026-03-01", 1),
    (["ibuprofen"], [NAUSEA], "2026-03-02", 2),
    (["sertraline"], [NAUSEA, HEADACHE], "2026-05-01", 3),
    (["atorvastatin"], [MYALGIA], "2026-05-02", 2),
    (["ibuprofen"], [RASH], "2026-05-03", 3),
]


def build_cases(plan=PLAN) -> list[Case]:
    cases = []
    for i, (drugs, reactions, when, count) in enumerate(plan):
        for k in range(count):
            cases.append(
                make_case(drugs, reactions, when, sex="FM"[(i + k) % 2], age=20 + 15 * (k % 4))
            )
    return cases


def build_products(sponsor_a, sponsor_b) -> dict[str, Product]:
    return {
        "zoloft": Product.objects.create(
            sponsor=sponsor_a, name="Zoloft", ingredients=["sertraline"]
        ),
        "lipitor": Product.objects.create(
            sponsor=sponsor_b, name="Lipitor", ingredients=["atorvastatin"]
        ),
        "advil": Product.objects.create(sponsor=sponsor_b, name="Advil", ingredients=["ibuprofen"]),
    }


def run_now(**kwargs) -> SignalRun:
    run = signal_run_create(enqueue=False, **kwargs)
    done = signal_run_execute(run_id=run.id)
    assert done is not None
    return done


@contextmanager
def shared_world(django_db_blocker, *, runs: bool):
    """Build the world once per module, inside a transaction rolled back at the end; each test's
    own transaction is a savepoint inside it (pytest-django), so tests stay isolated."""
    with django_db_blocker.unblock(), transaction.atomic():
        a = Partner.objects.create(name="Signals sponsor A", kind="sponsor")
        b = Partner.objects.create(name="Signals sponsor B", kind="sponsor")
        products = build_products(a, b)
        cases = build_cases()
        users = {
            "sponsor_a": user_create(actor="t", username="sig-a", role="sponsor", partner=a)[0],
            "sponsor_b": user_create(actor="t", username="sig-b", role="sponsor", partner=b)[0],
            "reviewer": user_create(actor="t", username="sig-rev", role="reviewer")[0],
        }
        world = {"products": products, "cases": cases, "users": users}
        if runs:
            # Staff publish what sponsors see (an on-demand run is private until then).
            reviewer = users["reviewer"]
            world["run"] = signal_run_publish(
                run=run_now(
                    source="cases", drug_level="ingredient", event_level="pt", signal_measure="prr"
                ),
                actor=reviewer,
            )
            world["product_run"] = signal_run_publish(
                run=run_now(
                    source="cases", drug_level="product", event_level="pt", signal_measure="prr"
                ),
                actor=reviewer,
            )
        yield world
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker, runs=False) as built:
        yield built


def _facts_frame(run) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        SignalFact.objects.filter(run=run).values(
            "report_key",
            "drug_ingredient",
            "drug_product",
            "event_pt",
            "event_soc",
            "sex",
            "age_group",
            "period",
        )
    )


@pytest.mark.parametrize(
    ("drug_col", "event_col", "strata"),
    [
        ("drug_ingredient", "event_pt", ()),
        ("drug_ingredient", "event_pt", ("sex", "age_group")),
        ("drug_product", "event_pt", ("sex",)),
        ("drug_ingredient", "event_soc", ()),
    ],
)
def test_sql_counting_equals_pure_core(world, strata, drug_col, event_col):
    # given: the cases flattened into one run's facts
    run = SignalRun.objects.create(source="cases")
    assert facts_from_cases(run=run) > 0
    rows = _facts_frame(run)
    rows = rows[(rows[drug_col] != "") & (rows[event_col] != "")]
    # when
    sql = count_pairs_sql(
        SignalFact.objects.filter(run=run), drug_col=drug_col, event_col=event_col, strata=strata
    )
    pure = count_pairs(
        rows, id_col="report_key", drug_col=drug_col, event_col=event_col, strata=list(strata)
    )
    # then: same pairs, same integer counts, E to 1e-12
    assert list(sql["drug"]) == list(pure["drug"])
    assert list(sql["event"]) == list(pure["event"])
    for col in ("n", "n_drug", "n_event", "n_total"):
        assert sql[col].tolist() == pure[col].tolist(), col
    np.testing.assert_allclose(sql["expected"], pure["expected"], rtol=1e-12)


def test_sql_counting_on_caers_sample_equals_pure_core(sponsor_a):
    # given: 400 openEBGM caers reports as FAERS-like dataset facts (distinct-id counting)
    from signals.models import ExternalDataset
    from tests.signals import shared_path

    caers = pd.read_csv(shared_path("signals_data", "caers.csv"), dtype=str)
    caers = caers[caers["id"].isin(caers["id"].unique()[:400])]
    dataset = ExternalDataset.objects.create(name="caers subset")
    SignalFact.objects.bulk_create(
        SignalFact(
            dataset=dataset,
            report_key=r.id,
            period="2012Q1",
            drug_ingredient=r.var1,
            event_pt=r.var2,
            sex={"Female": "F", "Male": "M"}.get(r.strat1, "UNK"),
        )
        for r in caers.itertuples(index=False)
    )
    # when
    sql = count_pairs_sql(
        SignalFact.objects.filter(dataset=dataset),
        drug_col="drug_ingredient",
        event_col="event_pt",
        strata=["sex"],
    )
    pure = count_pairs(caers, strata=["strat1"])
    # then
    assert len(sql) == len(pure) > 1000
    assert sql["n"].tolist() == pure["n"].tolist()
    assert sql["n_total"].iat[0] == pure["n_total"].iat[0] == 400
    np.testing.assert_allclose(sql["expected"], pure["expected"], rtol=1e-12)


def test_run_stores_every_period_with_all_measures(world):
    # when
    run = run_now(source="cases", drug_level="ingredient", event_level="pt")
    # then
    assert run.status == SignalRun.Status.SUCCEEDED, run.error
    assert run.periods == ["2026Q1", "2026Q2"]
    assert run.latest_period == "2026Q2"
    assert set(run.hyperparameters) == {"2026Q1", "2026Q2"}
    assert {"alpha1", "beta1", "alpha2", "beta2", "p", "neg_log_lik"} <= set(
        run.hyperparameters["2026Q2"]
    )
    assert run.neg_log_lik == run.hyperparameters["2026Q2"]["neg_log_lik"]
    assert {"facts", "count", "score", "store"} <= set(run.timings)
    assert run.n_reports == len(world["cases"])
    assert not SignalFact.objects.filter(run=run).exists()  # staging rows are dropped
    latest = SignalResult.objects.filter(run=run, is_latest=True)
    assert latest.count() == run.n_pairs
    row = latest.get(drug_key="sertraline", event="Nausea")
    assert (row.n, row.n_drug, row.n_event, row.n_total) == (4, 6, 6, len(world["cases"]))
    assert row.expected == pytest.approx(6 * 6 / len(world["cases"]))
    assert row.soc == NAUSEA["soc"]
    for field in SignalResult.MEASURE_FIELDS:
        assert getattr(row, field) is not None, field
    assert row.prr_lower95 < row.prr < row.prr_upper95
    assert row.eb05 < row.ebgm < row.eb95
    # myalgia is only seen with atorvastatin (c = 0): PRR is stored as +Inf, its CI as NaN
    early = SignalResult.objects.get(
        run=run, period="2026Q1", drug_key="atorvastatin", event="Myalgia"
    )
    assert early.prr == float("inf") and early.prr_lower95 is None


def test_first_signal_is_raised_once_and_rerun_is_idempotent(world):
    # when (records raised on the PRR screen, chosen for this run)
    first = run_now(source="cases", drug_level="ingredient", event_level="pt", signal_measure="prr")
    signal = Signal.objects.get(drug_key="sertraline", event="Nausea")
    # then: PRR >= 2 with chi2 >= 4 and N >= 3 is first met in 2026Q2 (N = 1 in 2026Q1)
    assert signal.measures["prr"]["first_period"] == "2026Q2"
    assert signal.measures["prr"]["n"] == 4
    assert signal.status == Signal.Status.NEW
    assert signal.first_run_id == first.id
    raised = AuditEvent.objects.filter(action="signal.raised").count()
    assert raised == Signal.objects.count() == first.n_new_signals > 0
    # when: the same analysis again (nightly, or a retry)
    second = run_now(
        source="cases", drug_level="ingredient", event_level="pt", signal_measure="prr"
    )
    # then: no duplicate records, no new audit events, the record points at the latest run
    assert second.n_new_signals == 0
    assert Signal.objects.count() == first.n_new_signals
    assert AuditEvent.objects.filter(action="signal.raised").count() == raised
    signal.refresh_from_db()
    assert signal.last_run_id == second.id and signal.first_run_id == first.id


def test_thresholds_are_configurable(world):
    # when: a stricter PRR screen (N >= 10) and impossible other screens
    run_now(
        source="cases",
        thresholds={"prr_min_n": 10, "ror_lower_above": 1e9, "ic025_above": 1e9, "eb05": 1e9},
    )
    # then
    assert not Signal.objects.exists()
    assert not SignalResult.objects.filter(signal_prr=True).exists()


def test_product_level_keys_are_product_ids(world):
    run = run_now(source="cases", drug_level="product", event_level="pt")
    zoloft = world["products"]["zoloft"]
    rows = SignalResult.objects.filter(run=run, is_latest=True, drug_key=str(zoloft.id))
    assert rows.exists() and {r.drug for r in rows} == {"Zoloft"}


def test_soc_level_rolls_up(world):
    run = run_now(source="cases", event_level="soc")
    events = set(SignalResult.objects.filter(run=run).values_list("event", flat=True))
    assert events == {HEADACHE["soc"], NAUSEA["soc"], MYALGIA["soc"], RASH["soc"]}


def test_period_to_and_trend_off(world):
    run = run_now(source="cases", period_to="2026Q1", trend=False)
    assert run.periods == ["2026Q1"]
    assert set(SignalResult.objects.filter(run=run).values_list("period", flat=True)) == {"2026Q1"}


def test_run_without_data_fails_cleanly(world):
    run = run_now(source="social")  # no screened mentions in this world
    assert run.status == SignalRun.Status.FAILED
    assert "No data" in run.error


def test_execute_twice_runs_once(world):
    run = signal_run_create(source="cases", enqueue=False)
    assert signal_run_execute(run_id=run.id) is not None
    assert signal_run_execute(run_id=run.id) is None  # already claimed
    assert (
        SignalResult.objects.filter(run=run, is_latest=True).count()
        == SignalRun.objects.get(id=run.id).n_pairs
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"source": "nope"}, "invalid"),
        ({"source": "cases", "thresholds": {"bogus": 1}}, "invalid"),
        ({"source": "cases", "thresholds": {"prr": "x"}}, "invalid"),
        ({"source": "cases", "hyper": [1, 2, 3]}, "invalid"),
        ({"source": "cases", "period_to": "2026-Q1"}, "invalid"),
        ({"source": "cases", "strata": ["country"]}, "invalid"),
        ({"source": "faers"}, "no_dataset"),
        ({"source": "faers", "drug_level": "product"}, "invalid"),
    ],
)
def test_run_create_rejects_bad_input(db, kwargs, code):
    from pv.core.exceptions import DomainError

    with pytest.raises(DomainError) as info:
        signal_run_create(enqueue=False, **kwargs)
    assert info.value.code == code


def test_run_create_enqueues_task_on_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = signal_run_create(source="cases")
    run.refresh_from_db()
    assert run.status == SignalRun.Status.SUCCEEDED  # eager Celery in tests
    assert AuditEvent.objects.filter(object_id=str(run.id), action="signal_run.requested").exists()


def test_fixed_hyperparameters_are_used(world):
    run = run_now(source="cases", hyper=[0.2, 0.06, 1.4, 1.8, 0.1])
    fit = run.hyperparameters["2026Q2"]
    assert (fit["alpha1"], fit["p"], fit["fitted"]) == (0.2, 0.1, False)


def test_nightly_task_queues_and_is_safe_twice(world, django_capture_on_commit_callbacks):
    from signals.tasks import NIGHTLY_RUNS, signals_nightly_task

    with django_capture_on_commit_callbacks(execute=True):
        first = signals_nightly_task()
    again = signals_nightly_task()
    # then: the succeeded case runs are not repeated; the social run (no mentions yet) failed,
    # so the second call queues it again
    assert len(first) == len(NIGHTLY_RUNS)
    assert set(SignalRun.objects.filter(id__in=again).values_list("source", flat=True)) == {
        "social"
    }
    assert (
        SignalRun.objects.filter(trigger="nightly", source="cases", status="succeeded").count() == 2
    )
