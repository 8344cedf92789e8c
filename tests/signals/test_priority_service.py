"""Priority on stored results (hand-computed), listedness from the RSI, the default sort on the
dashboard and the API, one source of figures for records / events / CSV, and reopening."""

from __future__ import annotations

import csv
import io
import math
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from django.db import transaction

from pv.models import AuditEvent, Case, Partner, Product
from pv.services.cases import case_create
from pv.services.rsi import reference_term_add
from pv.services.users import user_create
from signals.models import Signal, SignalResult, SignalTransition
from signals.services import signal_run_publish, signal_transition
from tests.signals.test_service_runs import run_now

pytestmark = pytest.mark.django_db

HEPATIC = {"pt": "Hepatic failure", "pt_code": "HP:0001399", "soc": "Abnormality of the liver"}
HEADACHE = {"pt": "Headache", "pt_code": "HP:0002315", "soc": "Abnormality of the nervous system"}
NAUSEA = {"pt": "Nausea", "pt_code": "HP:0002018", "soc": "Abnormality of the digestive system"}
NAMES = {"sertraline": ("Zoloft", "Sertraline"), "ibuprofen": ("Advil", "Ibuprofen")}


def case(drug, reaction, when, *, complete=False, serious=False, country="", withdrawn=False):
    brand, ingredient = NAMES[drug]
    drug_row = {
        "name_reported": brand,
        "ingredients": [{"name": ingredient, "code": drug.upper(), "dictionary": "t"}],
    }
    reaction_row = {"reported_term": reaction["pt"].lower(), **reaction}
    fields = {"patient_sex": "F", "patient_age": 40, "reporter_country": country}
    if complete:  # every vigiGrade dimension present: completeness 1.0
        drug_row.update(start_date=date(2026, 1, 1), indication_reported="depression",
                        dose_text="50 mg daily")  # fmt: skip
        reaction_row.update(onset_date=date(2026, 1, 20), outcome="1")
        fields.update(narrative="Reported by the treating physician.", reporter_qualification="1")
    if withdrawn:
        drug_row["action_taken"] = "1"
        reaction_row["outcome"] = "1"  # recovered after withdrawal: positive dechallenge
    if serious:
        fields["hospitalisation"] = True
        reaction_row["hospitalisation"] = True
    return case_create(
        actor="test", member=None, origin=Case.Origin.E2B_IMPORT,
        received_at=datetime.fromisoformat(when).replace(tzinfo=UTC),
        drugs=[drug_row], reactions=[reaction_row], **fields,
    )  # fmt: skip


def build_world():
    # sertraline / Hepatic failure: N = 3 (2 in 2026Q1, 1 in 2026Q2), 2 serious, 2 complete,
    # 2 positive dechallenge, countries DE and FR.
    case("sertraline", HEPATIC, "2026-02-01", complete=True, serious=True, country="DE",
         withdrawn=True)  # fmt: skip
    case("sertraline", HEPATIC, "2026-02-02", complete=True, serious=True, country="DE",
         withdrawn=True)  # fmt: skip
    case("sertraline", HEPATIC, "2026-05-01", country="FR")
    for k in range(2):
        case("sertraline", HEADACHE, f"2026-02-1{k}")
    case("ibuprofen", HEPATIC, "2026-02-20")
    for k in range(6):
        case("ibuprofen", HEADACHE, f"2026-0{2 + k % 4}-0{k + 1}")


@contextmanager
def shared(django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        a = Partner.objects.create(name="Prio sponsor A", kind="sponsor")
        b = Partner.objects.create(name="Prio sponsor B", kind="sponsor")
        zoloft = Product.objects.create(sponsor=a, name="Zoloft", ingredients=["sertraline"])
        advil = Product.objects.create(sponsor=b, name="Advil", ingredients=["ibuprofen"])
        build_world()
        users = {
            "sponsor": user_create(actor="t", username="prio-a", role="sponsor", partner=a)[0],
            "reviewer": user_create(actor="t", username="prio-rev", role="reviewer")[0],
        }
        run = signal_run_publish(
            run=run_now(source="cases", drug_level="ingredient", event_level="pt",
                        signal_measure="prr", thresholds={"prr": 1.0, "prr_chi2": 0.0,
                                                          "prr_min_n": 1}),
            actor=users["reviewer"],
        )  # fmt: skip
        yield {"run": run, "users": users, "zoloft": zoloft, "advil": advil}
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared(django_db_blocker) as built:
        yield built


def _row(run, drug, event) -> SignalResult:
    return SignalResult.objects.get(run=run, is_latest=True, drug_key=drug, event=event)


# Hand computation for sertraline / Hepatic failure (2x2: a=3, b=2, c=1, d=6):
# PRR = (3/5) / (1/7) = 4.2, se = sqrt(1/3 - 1/5 + 1/1 - 1/7) = 0.99523,
# PRR 2.5% = 4.2 exp(-1.95996 * 0.99523) = 0.5973 < 1, so disproportionality = 0.
# Components: DME 1 (Hepatic failure), serious 2/3, recent 1/3 (2026Q2), complete 2/3,
# dechallenge 2/3, countries 2 -> 0.5. Base = 3*0 + 2*1 + 1.5*2/3 + 1/3 + 2/3 + 2/3 + 0.5*0.5.
EXPECTED_BASE = 2 + 1.0 + 1 / 3 + 2 / 3 + 2 / 3 + 0.25  # 4.91667


def test_stored_priority_matches_the_hand_computation(world):
    row = _row(world["run"], "sertraline", "Hepatic failure")
    assert row.n == 3
    assert row.prr == pytest.approx(4.2)
    assert row.prr_lower95 == pytest.approx(0.5973, abs=5e-4)
    parts = row.priority_parts["components"]
    assert parts == pytest.approx({
        "disproportionality": 0.0, "designated_event": 1.0, "seriousness": 2 / 3,
        "recency": 1 / 3, "completeness": 2 / 3, "dechallenge": 2 / 3, "spread": 0.5,
    }, abs=1e-6)  # fmt: skip
    assert row.priority_parts["inputs"] == {
        "measure": "prr", "lower": pytest.approx(row.prr_lower95),
        "designated_event": "Hepatic failure", "n_recent": 1, "n_serious": 2, "n_complete": 2,
        "n_dechallenge": 2, "countries": 2,
    }  # fmt: skip
    assert row.priority_base == pytest.approx(EXPECTED_BASE, abs=1e-6)
    # ibuprofen / Headache: PRR = (6/7) / (2/5) = 2.142857, se = sqrt(1/6-1/7+1/2-1/5)
    row = _row(world["run"], "ibuprofen", "Headache")
    lower = (6 / 7) / (2 / 5) * math.exp(-1.959964 * (1 / 6 - 1 / 7 + 1 / 2 - 1 / 5) ** 0.5)
    assert row.prr_lower95 == pytest.approx(lower, rel=1e-5)
    # no DME, none serious, complete or dechallenged, no country; 2026Q2 holds the cases of
    # April and May (k = 2, 3): 2 of 6 recent
    assert row.priority_parts["inputs"]["n_recent"] == 2
    expected = 3 * max(0.0, min(1.0, math.log2(lower) / 3)) + 1.0 * 2 / 6
    assert row.priority_base == pytest.approx(expected, abs=1e-6)
    # older quarters carry no score
    assert not SignalResult.objects.filter(run=world["run"], is_latest=False,
                                           priority_base__isnull=False).exists()  # fmt: skip


def test_listed_pair_is_labelled_known_and_halved_live_from_the_rsi(world, client):
    reviewer, zoloft = world["users"]["reviewer"], world["zoloft"]
    client.force_login(world["users"]["sponsor"])
    before = client.get("/api/v1/signals/results/", {"drug": "sertraline"}).json()["results"]
    first = before[0]
    assert (first["event"], first["listed"]) == ("Hepatic failure", False)
    assert first["priority"] == pytest.approx(EXPECTED_BASE, abs=1e-6)
    # when a reviewer adds the term to Zoloft's RSI (no new run)
    reference_term_add(actor=reviewer, product=zoloft, term="hepatic  FAILURE", source="SmPC 4.8")
    after = client.get("/api/v1/signals/results/", {"drug": "sertraline"}).json()["results"]
    hepatic = next(r for r in after if r["event"] == "Hepatic failure")
    # then it is known, shown, and its score halved; the ranking follows
    assert hepatic["listed"] is True
    assert hepatic["priority"] == pytest.approx(EXPECTED_BASE / 2, abs=1e-6)
    assert [r["priority"] for r in after] == sorted((r["priority"] for r in after), reverse=True)
    # and the dashboard labels it
    html = client.get("/signals/", {"product": zoloft.id}).content.decode()
    assert 'class="known"' in html and "Hepatic failure" in html
    assert "Designated medical event" in html and "2 of 3" in html


def test_rsi_code_in_the_open_terminology_lists_the_event(world, client):
    reference_term_add(actor=world["users"]["reviewer"], product=world["zoloft"],
                       term="Liver failure (label wording)", code="HP:0001399",
                       terminology="pv-open")  # fmt: skip
    client.force_login(world["users"]["reviewer"])
    rows = client.get("/api/v1/signals/results/", {"drug": "sertraline"}).json()["results"]
    assert next(r for r in rows if r["event"] == "Hepatic failure")["listed"] is True
    assert next(r for r in rows if r["event"] == "Headache")["listed"] is False


def test_api_default_sort_is_priority_and_other_orderings_still_work(world, client):
    client.force_login(world["users"]["reviewer"])
    rows = client.get("/api/v1/signals/results/", {"page_size": 100}).json()["results"]
    scores = [r["priority"] for r in rows]
    assert scores == sorted(scores, reverse=True) and rows[0]["event"] == "Hepatic failure"
    asc = client.get("/api/v1/signals/results/", {"ordering": "priority"}).json()["results"]
    assert [r["priority"] for r in asc] == sorted(scores)
    by_n = client.get("/api/v1/signals/results/", {"ordering": "-n"}).json()["results"]
    assert [r["n"] for r in by_n] == sorted((r["n"] for r in by_n), reverse=True)
    # an older quarter has no score: ordered by EB05 there
    old = client.get("/api/v1/signals/results/", {"period": "2026Q1"}).json()["results"]
    assert all(r["priority"] is None for r in old)
    # records: by priority too, with bad orderings refused
    records = client.get("/api/v1/signals/records/").json()["results"]
    assert [r["priority"] for r in records] == sorted(
        (r["priority"] for r in records), reverse=True
    )
    assert client.get("/api/v1/signals/records/", {"ordering": "bogus"}).status_code == 400


def test_records_events_table_and_csv_agree_for_every_pair(world, client):
    run = world["run"]
    client.force_login(world["users"]["reviewer"])
    # the CSV of the whole run
    text = b"".join(
        client.get("/api/v1/signals/results/export/", {"run": run.id}).streaming_content
    ).decode()
    csv_rows = {(r["drug_key"], r["event"]): r for r in csv.DictReader(io.StringIO(text))}
    assert csv_rows
    records = client.get("/api/v1/signals/records/", {"page_size": 500}).json()["results"]
    assert records
    for product in (world["zoloft"], world["advil"]):
        page = client.get("/signals/", {"product": product.id})
        table = {(r["drug_key"], r["event"]): r for r in page.context_data["rows"]}
        shown = page.context_data["signals"]
        events = [s["event"] for s in shown]
        assert len(events) == len(set(events))  # no event listed twice
        for s in shown:
            key = (s["drug_key"], s["event"])
            row, line = table[key], csv_rows[key]
            assert s["figures"]["n"] == row["n"] == int(line["n"])
            assert s["figures"]["fmt"]["eb05"] == row["fmt"]["eb05"]
            assert float(line["eb05"]) == pytest.approx(_row(run, *key).eb05, rel=1e-15)
            assert s["priority"]["score"] == row["priority"]["score"]
            assert float(line["priority"]) == pytest.approx(row["priority"]["value"])
        # every pair of the product in the table is in the CSV with the same N
        for key, row in table.items():
            assert int(csv_rows[key]["n"]) == row["n"]
    for record in records:
        key = (record["drug_key"], record["event"])
        db = _row(run, *key)
        assert record["figures"]["n"] == db.n == int(csv_rows[key]["n"])
        assert record["figures"]["eb05"] == db.eb05
        assert record["priority"] == pytest.approx(float(csv_rows[key]["priority"]))
    # the trend's last quarter is the same row
    trend = client.get(f"/api/v1/signals/runs/{run.id}/trend/",
                       {"drug": "sertraline", "event": "Hepatic failure"}).json()  # fmt: skip
    last = trend["results"][-1]
    assert last["n"] == 3 and last["eb05"] == _row(run, "sertraline", "Hepatic failure").eb05
    page = client.get("/signals/trend/", {"run": run.id, "drug": "sertraline",
                                          "event": "Hepatic failure"})  # fmt: skip
    assert page.context_data["pair"]["priority"]["score"] == f"{EXPECTED_BASE:.1f}"
    assert "Priority in 2026Q2" in page.content.decode()


def _close(signal, reviewer, path=("under_evaluation", "closed")):
    for step in path:
        signal_transition(signal_id=signal.id, reviewer=reviewer, to_status=step,
                          rationale=f"to {step}")  # fmt: skip
    signal.refresh_from_db()
    return signal


def test_closed_signal_is_reopened_when_new_reports_arrive(world, client):
    reviewer = world["users"]["reviewer"]
    signal = Signal.objects.get(source="cases", drug_level="ingredient",
                                drug_key="sertraline", event="Hepatic failure")  # fmt: skip
    signal = _close(signal, reviewer)
    assert signal.status == "closed" and signal.decision_figures["n"] == 3
    # a re-run on the same data does not reopen it
    run_now(source="cases", drug_level="ingredient", event_level="pt", signal_measure="prr",
            thresholds={"prr": 1.0, "prr_chi2": 0.0, "prr_min_n": 1})  # fmt: skip
    signal.refresh_from_db()
    assert signal.status == "closed" and signal.reopen_count == 0
    # when a new report of the pair arrives and the next run sees it
    case("sertraline", HEPATIC, "2026-06-01", serious=True, country="IT")
    later = run_now(source="cases", drug_level="ingredient", event_level="pt",
                    signal_measure="prr", thresholds={"prr": 1.0, "prr_chi2": 0.0,
                                                      "prr_min_n": 1})  # fmt: skip
    signal.refresh_from_db()
    # then it is back in the queue, with the decision it overrides in view
    assert signal.status == "new" and signal.reopen_count == 1
    assert signal.reopen_reason["prior_status"] == "closed"
    assert (signal.reopen_reason["n_then"], signal.reopen_reason["n_now"]) == (3, 4)
    assert signal.reopen_reason["run"] == str(later.id)
    step = SignalTransition.objects.filter(signal=signal).order_by("created_at").last()
    assert (step.from_status, step.to_status, step.reviewer) == ("closed", "new", None)
    assert "N 3 → 4" in step.rationale
    assert AuditEvent.objects.filter(action="signal.reopened", object_id=str(signal.id)).exists()
    # the earlier steps and rationales are kept, and the reviewer can work it again
    assert [t.to_status for t in signal.transitions.order_by("created_at")] == [
        "under_evaluation", "closed", "new"]  # fmt: skip
    _close(signal, reviewer, path=("under_evaluation",))
    # and the API and the dashboard show it was re-raised
    client.force_login(reviewer)
    detail = client.get(f"/api/v1/signals/records/{signal.id}/").json()
    assert detail["reopen_count"] == 1 and detail["reopen_reason"]["prior_status"] == "closed"
    assert detail["transitions"][-2]["reviewer"] == "pv (reopened on new data)"
    signal_run_publish(run=later, actor=reviewer)
    html = client.get("/signals/", {"product": world["zoloft"].id}).content.decode()
    assert "Re-raised on new data: was closed, N 3 → 4" in html


def test_refuted_signal_reopens_when_it_meets_the_criterion_again(world):
    reviewer = world["users"]["reviewer"]
    signal = Signal.objects.get(source="cases", drug_level="ingredient",
                                drug_key="sertraline", event="Hepatic failure")  # fmt: skip
    signal = _close(signal, reviewer, path=("under_evaluation", "validated", "refuted"))
    # given the decision was taken while the pair did not meet the criterion
    Signal.objects.filter(id=signal.id).update(
        decision_figures={**signal.decision_figures, "signalling": False, "n": 99}
    )
    run_now(source="cases", drug_level="ingredient", event_level="pt", signal_measure="prr",
            thresholds={"prr": 1.0, "prr_chi2": 0.0, "prr_min_n": 1})  # fmt: skip
    signal.refresh_from_db()
    assert signal.status == "new" and signal.reopen_reason["prior_status"] == "refuted"
    assert "criterion again" in signal.reopen_reason["why"]


def test_faers_pairs_score_on_the_components_faers_has(db):
    # given: FAERS-like dataset facts with MedDRA PT names (no seriousness, documentation,
    # dechallenge or country in pv's FAERS facts)
    from signals.models import ExternalDataset, SignalFact  # noqa: PLC0415

    dataset = ExternalDataset.objects.create(name="meddra-named sample")
    facts = []
    for i in range(40):
        drug = ("lamotrigine", "ibuprofen", "metformin", "aspirin")[i % 4]
        event = ("Toxic epidermal necrolysis" if drug == "lamotrigine" and i < 20
                 else ("Nausea", "Headache", "Rash", "Dizziness")[i % 3])  # fmt: skip
        facts.append(SignalFact(dataset=dataset, report_key=f"r{i}",
                                period="2017Q1" if i < 30 else "2017Q2",
                                drug_ingredient=drug, event_pt=event))  # fmt: skip
    SignalFact.objects.bulk_create(facts)
    # when
    run = run_now(source="faers", drug_level="ingredient", event_level="pt",
                  dataset_ids=[dataset.id], signal_measure="prr")  # fmt: skip
    row = SignalResult.objects.get(run=run, is_latest=True, drug_key="lamotrigine",
                                   event="Toxic epidermal necrolysis")  # fmt: skip
    parts = row.priority_parts["components"]
    # then: the MedDRA PT name is a designated medical event; what FAERS lacks is unavailable
    assert row.priority_parts["inputs"]["designated_event"].startswith("Stevens-Johnson")
    assert parts["designated_event"] == 1.0
    for name in ("seriousness", "completeness", "dechallenge", "spread"):
        assert parts[name] is None
    # 5 reports, none in 2017Q2 (i < 20 are all 2017Q1): recency 0
    assert row.n == 5 and parts["recency"] == 0.0
    d = parts["disproportionality"]
    assert row.priority_base == pytest.approx(10 * (3 * d + 2 * 1 + 1 * 0) / (3 + 2 + 1))
