"""GVP IX workflow transitions with audit; social-listening runs over screened mentions; demo."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from intake.models import Mention, MentionPair, ScreeningResult
from pv.core.exceptions import Conflict, DomainError
from pv.models import AuditEvent, Product
from signals.models import Signal, SignalResult, SignalRun, SignalTransition
from signals.services import signal_transition
from tests.factories import MemberFactory, PostFactory
from tests.signals.test_service_runs import run_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def signal(db) -> Signal:
    return Signal.objects.create(
        source="cases",
        drug_level="ingredient",
        event_level="pt",
        drug_key="sertraline",
        drug="sertraline",
        event="Nausea",
        first_period="2026Q2",
        measures={"prr": {"first_period": "2026Q2", "n": 4}},
    )


def test_full_path_with_audit(signal, reviewer):
    steps = ["under_evaluation", "validated", "refuted", "closed"]
    for step in steps:
        moved = signal_transition(
            signal_id=signal.id, reviewer=reviewer, to_status=step, rationale=f"why {step}"
        )
        assert moved.status == step and moved.status_changed_at is not None
    trail = list(SignalTransition.objects.filter(signal=signal).order_by("created_at"))
    assert [(t.from_status, t.to_status) for t in trail] == [
        ("new", "under_evaluation"),
        ("under_evaluation", "validated"),
        ("validated", "refuted"),
        ("refuted", "closed"),
    ]
    assert {t.reviewer_id for t in trail} == {reviewer.id}
    audits = AuditEvent.objects.filter(object_id=str(signal.id)).order_by("seq")
    assert [a.action for a in audits] == [f"signal.{s}" for s in steps]
    assert audits[1].before == {"status": "under_evaluation"}
    assert audits[1].after == {"status": "validated"}
    assert audits[1].reason == "why validated" and audits[1].actor_id == reviewer.id


def test_not_validated_signal_can_be_closed(signal, reviewer):
    signal_transition(
        signal_id=signal.id, reviewer=reviewer, to_status="under_evaluation", rationale="look"
    )
    closed = signal_transition(
        signal_id=signal.id, reviewer=reviewer, to_status="closed", rationale="not validated"
    )
    assert closed.status == "closed"


@pytest.mark.parametrize(
    ("to", "rationale", "error", "code"),
    [
        ("validated", "r", Conflict, "invalid_transition"),
        ("confirmed", "r", Conflict, "invalid_transition"),
        ("under_evaluation", "   ", DomainError, "rationale_required"),
        ("bogus", "r", DomainError, "invalid"),
    ],
)
def test_bad_transitions(signal, reviewer, to, rationale, error, code):
    with pytest.raises(error) as info:
        signal_transition(signal_id=signal.id, reviewer=reviewer, to_status=to, rationale=rationale)
    assert info.value.code == code
    signal.refresh_from_db()
    assert signal.status == "new"
    assert not AuditEvent.objects.filter(object_id=str(signal.id)).exists()


def test_only_reviewers_move_signals(signal, sponsor_user):
    with pytest.raises(DomainError) as info:
        signal_transition(
            signal_id=signal.id, reviewer=sponsor_user, to_status="under_evaluation", rationale="r"
        )
    assert info.value.code == "forbidden"


def test_closed_is_final(signal, reviewer):
    for step in ("under_evaluation", "closed"):
        signal_transition(signal_id=signal.id, reviewer=reviewer, to_status=step, rationale="r")
    with pytest.raises(Conflict):
        signal_transition(signal_id=signal.id, reviewer=reviewer, to_status="new", rationale="r")


def _post_with_pair(drug: str, ingredient: str, pt: str, when: str, *, reportable=True):
    post = PostFactory(
        member=MemberFactory(), posted_at=datetime.fromisoformat(when).replace(tzinfo=UTC)
    )
    result = ScreeningResult.objects.create(
        post=post, pipeline_version="t", screened_at=post.posted_at
    )
    d = Mention.objects.create(
        result=result,
        position=0,
        kind="drug",
        start=0,
        end=len(drug),
        text=drug,
        code=ingredient.upper(),
        term=drug,
        details={"ingredients": [{"code": ingredient.upper(), "term": ingredient.title()}]},
    )
    e = Mention.objects.create(
        result=result,
        position=1,
        kind="event",
        start=10,
        end=20,
        text=pt.lower(),
        code="x",
        pt=pt,
        hlt=f"{pt} HLT",
        soc=f"{pt} SOC",
        reportable=reportable,
        role="reaction",
    )
    MentionPair.objects.create(result=result, drug=d, event=e)
    return post


def test_social_listening_run_over_screened_mentions(sponsor_a):
    # given: Zoloft posts with insomnia, other posts with headache; one negated mention
    zoloft = Product.objects.create(sponsor=sponsor_a, name="Zoloft", ingredients=["sertraline"])
    for i in range(4):
        _post_with_pair("Zoloft", "sertraline", "Insomnia", f"2026-0{i + 1}-10")
    for i in range(4):
        _post_with_pair("Advil", "ibuprofen", "Headache", f"2026-0{i + 1}-11")
    _post_with_pair("Zoloft", "sertraline", "Headache", "2026-02-12", reportable=False)
    # when
    run = run_now(source="social", signal_measure="prr")
    product_run = run_now(source="social", drug_level="product", signal_measure="prr")
    # then: labelled as social listening; the negated mention does not count
    assert run.status == SignalRun.Status.SUCCEEDED, run.error
    assert run.is_social and "Social listening" in run.source_label
    assert run.periods == ["2026Q1", "2026Q2"]
    row = SignalResult.objects.get(run=run, is_latest=True, drug_key="sertraline", event="Insomnia")
    assert (row.n, row.n_drug, row.n_total) == (4, 4, 8)
    assert not SignalResult.objects.filter(
        run=run, drug_key="sertraline", event="Headache"
    ).exists()
    assert SignalResult.objects.filter(run=product_run, drug_key=str(zoloft.id)).exists()
    assert Signal.objects.filter(source="social", drug_key="sertraline", event="Insomnia").exists()


def test_demo_seed_fills_the_dashboard(reviewer, sponsor_a):
    from signals.services import signals_demo_seed

    # given: a few cases (the demo seed runs after the demo's cases are confirmed)
    from tests.signals.test_service_runs import build_cases

    Product.objects.create(sponsor=sponsor_a, name="Zoloft", ingredients=["sertraline"])
    build_cases()
    # when
    out = signals_demo_seed()
    again = signals_demo_seed()
    # then: cases and FAERS runs succeed; social has no screened mentions here, and fails cleanly
    assert out["cases/ingredient/pt"] == "succeeded"
    assert out["faers/ingredient/pt"] == "succeeded"
    assert out["social/ingredient/pt"].startswith("failed")
    assert again["cases/ingredient/pt"] == "succeeded"
    from signals.models import ExternalDataset

    assert ExternalDataset.objects.count() == 1  # imported once
