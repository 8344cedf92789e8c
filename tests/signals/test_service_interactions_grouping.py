"""Runs with drug-drug interaction screening (Omega) and at MedDRA levels (HLGT, SMQ narrow /
broad) over a small background dataset written as facts: what is stored, what the API returns
(sponsors only their own drugs), and the clear errors when MedDRA or its SMQs are missing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from pv.core.exceptions import DomainError
from pv.models import Partner, Product
from pv.services.users import user_create
from signals.models import ExternalDataset, InteractionResult, SignalFact, SignalResult, SignalRun
from signals.services import signal_run_create
from tests.coding.meddra_release import write_release
from tests.signals.test_service_runs import run_now

pytestmark = pytest.mark.django_db

TERMS = [
    {"pt": ("70010001", "Insomnia"), "soc": "nervous",
     "llts": [("70020001", "Sleeplessness", True)]},
    {"pt": ("70010002", "Headache"), "soc": "nervous"},
    {"pt": ("70010003", "Nausea")},
    {"pt": ("70010004", "Vomiting")},
    {"pt": ("70010005", "Haemorrhage")},
]  # fmt: skip
SMQS = [
    {"code": "80000001", "name": "Test SMQ gastro", "narrow": ["70010003", "70010004"]},
    {"code": "80000002", "name": "Test SMQ sleep", "narrow": ["70020001"], "broad": ["70010002"]},
]


def _dataset(reports: list[tuple[list[str], list[str], str]]) -> ExternalDataset:
    """Background facts: one (report, drug, event) row per drug x event of each report."""
    dataset = ExternalDataset.objects.create(name="facts", quarters=["2025Q1", "2025Q2"])
    SignalFact.objects.bulk_create(
        SignalFact(dataset=dataset, report_key=f"r{i}", period=period, drug_ingredient=d,
                   event_pt=e, sex="F", age_group="18-44")
        for i, (drugs, events, period) in enumerate(reports)
        for d in drugs
        for e in events
    )  # fmt: skip
    return dataset


def _interaction_world() -> ExternalDataset:
    plan = (
        [(["warfarin", "fluconazole"], ["Haemorrhage"], "2025Q1")] * 6
        + [(["warfarin", "fluconazole"], ["Nausea"], "2025Q2")] * 2
        + [(["warfarin"], ["Haemorrhage"], "2025Q1")] * 2
        + [(["warfarin"], ["Nausea"], "2025Q2")] * 20
        + [(["fluconazole"], ["Vomiting"], "2025Q2")] * 20
        + [(["fluconazole"], ["Haemorrhage"], "2025Q2")] * 1
        + [([f"drug{k}"], ["Headache" if k % 2 else "Insomnia"], "2025Q1") for k in range(60)]
    )
    return _dataset(plan)


def test_a_run_screens_drug_pairs_with_omega_and_the_api_serves_them(api_client):
    # given
    dataset = _interaction_world()
    # when
    run = run_now(source="faers", dataset_ids=[dataset.id], interactions=True)
    # then: the run succeeded and stored the triples with >= 3 reports, on the last period
    assert run.status == SignalRun.Status.SUCCEEDED, run.error
    rows = {
        (r.drug1_key, r.drug2_key, r.event): r for r in InteractionResult.objects.filter(run=run)
    }
    assert set(rows) == {("fluconazole", "warfarin", "Haemorrhage")}
    hit = rows["fluconazole", "warfarin", "Haemorrhage"]
    # 8 reports with both (6 with the event); fluconazole (drug 1) alone 21 (1 with it),
    # warfarin alone 22 (2); 60 with neither (none with it)
    assert (hit.n111, hit.n11, hit.n10, hit.n01) == (6, 8, 21, 22)
    assert (hit.n101, hit.n011, hit.n00, hit.n001) == (1, 2, 60, 0)
    assert hit.period == run.latest_period == "2025Q2"
    assert hit.highlighted and hit.omega025 > 0
    assert run.interaction_summary["stored"] == 1 and run.interaction_summary["highlighted"] == 1
    # and: the API lists them by Omega025, for staff
    reviewer = user_create(actor="t", username="ddi-rev", role="reviewer")[0]
    api_client.force_authenticate(reviewer)
    body = api_client.get(f"/api/v1/signals/runs/{run.id}/interactions/").json()
    assert body["count"] == 1 and body["results"][0]["drug1_key"] == "fluconazole"
    assert body["results"][0]["omega025"] == pytest.approx(hit.omega025)
    assert body["run"]["summary"]["pairs_screened"] == 1
    detail = api_client.get(f"/api/v1/signals/runs/{run.id}/").json()
    assert detail["interactions"] is True
    # a sponsor sees only triples with one of its own drugs
    sponsor = Partner.objects.create(name="Antifungal Co", kind="sponsor")
    Product.objects.create(sponsor=sponsor, name="Diflucan", ingredients=["fluconazole"])
    other = Partner.objects.create(name="Other Co", kind="sponsor")
    Product.objects.create(sponsor=other, name="Something", ingredients=["drug1"])
    run.is_published = True
    run.save(update_fields=["is_published"])
    for username, partner, count in (("ddi-a", sponsor, 1), ("ddi-b", other, 0)):
        api_client.force_authenticate(
            user_create(actor="t", username=username, role="sponsor", partner=partner)[0]
        )
        listed = api_client.get(f"/api/v1/signals/runs/{run.id}/interactions/")
        assert listed.status_code == 200 and listed.json()["count"] == count


def test_interaction_screening_is_not_done_unless_asked():
    run = run_now(source="faers", dataset_ids=[_interaction_world().id])
    assert not InteractionResult.objects.filter(run=run).exists()
    assert run.interaction_summary == {}


@pytest.fixture
def meddra(settings, tmp_path):
    settings.PV_DICTIONARY_DIR = str(tmp_path / "dictionaries")

    def load(smqs=SMQS):
        folder = write_release(tmp_path / "release", version="98.0", terms=TERMS, smqs=smqs)
        out = StringIO()
        call_command("dictionaries", "load", "--kind", "event", "--format", "meddra",
                     str(folder), stdout=out)  # fmt: skip
        assert "(active)" in out.getvalue()

    return load


def _grouping_world() -> ExternalDataset:
    plan = (
        [(["ondansetron"], ["Nausea", "Vomiting"], "2025Q1")] * 4  # both PTs of one SMQ
        + [(["ondansetron"], ["Nausea"], "2025Q1")] * 2
        + [(["zolpidem"], ["Insomnia"], "2025Q1")] * 3
        + [(["zolpidem"], ["Headache"], "2025Q1")] * 2
        + [([f"drug{k}"], ["Haemorrhage"], "2025Q1") for k in range(40)]
    )
    return _dataset(plan)


def _latest(run) -> dict[tuple[str, str], SignalResult]:
    return {(r.drug_key, r.event): r for r in SignalResult.objects.filter(run=run, is_latest=True)}


def test_counts_at_hlgt_and_smq_levels_count_a_report_once_per_group(meddra):
    # given
    meddra()
    dataset = _grouping_world()
    # when
    hlgt = run_now(source="faers", dataset_ids=[dataset.id], event_level="hlgt")
    narrow = run_now(source="faers", dataset_ids=[dataset.id], event_level="smq_narrow")
    broad = run_now(source="faers", dataset_ids=[dataset.id], event_level="smq_broad")
    # then: HLGT names from the release's primary path, with their SOC
    assert hlgt.status == SignalRun.Status.SUCCEEDED, hlgt.error
    by_hlgt = _latest(hlgt)
    assert by_hlgt["ondansetron", "Test HLGT Nausea"].n == 6
    assert by_hlgt["ondansetron", "Test HLGT Vomiting"].n == 4
    assert by_hlgt["zolpidem", "Test HLGT Insomnia"].soc == "Test SOC nervous system"
    # narrow SMQs: a report with nausea and vomiting counts once in the gastro SMQ
    by_narrow = _latest(narrow)
    assert by_narrow["ondansetron", "Test SMQ gastro"].n == 6
    assert by_narrow["ondansetron", "Test SMQ gastro"].n_event == 6
    assert by_narrow["zolpidem", "Test SMQ sleep"].n == 3  # insomnia only (narrow)
    assert ("drug1", "Test SMQ gastro") not in by_narrow  # haemorrhage is in no SMQ
    assert narrow.n_reports == 6 + 3  # reports with an SMQ term
    # broad adds the broad-scope headache
    assert _latest(broad)["zolpidem", "Test SMQ sleep"].n == 5
    assert broad.event_level == "smq_broad"


def test_meddra_levels_need_a_release_and_smqs_need_their_files(meddra):
    dataset = _grouping_world()
    # no MedDRA release loaded: refused when the run is asked for, naming the field
    with pytest.raises(DomainError) as info:
        signal_run_create(source="faers", dataset_ids=[dataset.id], event_level="hlgt")
    assert info.value.code == "no_meddra" and "event_level" in info.value.extra["fields"]
    # a release without SMQ files: HLGT works, SMQ levels are refused
    meddra(smqs=None)
    assert run_now(source="faers", dataset_ids=[dataset.id], event_level="hlgt").status == (
        SignalRun.Status.SUCCEEDED
    )
    with pytest.raises(DomainError) as info:
        signal_run_create(source="faers", dataset_ids=[dataset.id], event_level="smq_narrow")
    assert info.value.code == "no_smq"
    with pytest.raises(DomainError, match="PT, HLT or SOC"):
        signal_run_create(
            source="faers", dataset_ids=[dataset.id], event_level="hlgt", interactions=True
        )


def test_the_api_takes_the_new_options_and_names_a_bad_level(
    api_client, reviewer, meddra, django_capture_on_commit_callbacks
):
    dataset = _grouping_world()
    api_client.force_authenticate(reviewer)
    bad = api_client.post(
        "/api/v1/signals/runs/",
        {"source": "faers", "datasets": [str(dataset.id)], "event_level": "smq_narrow"},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "no_meddra"
    meddra()
    with django_capture_on_commit_callbacks(execute=True):
        made = api_client.post(
            "/api/v1/signals/runs/",
            {"source": "faers", "datasets": [str(dataset.id)], "event_level": "smq_broad",
             "interactions": False},
            format="json",
        )  # fmt: skip
    assert made.status_code == 202 and made.json()["event_level"] == "smq_broad"
    run = SignalRun.objects.get(id=made.json()["id"])
    assert run.status == SignalRun.Status.SUCCEEDED, run.error


def test_the_dashboard_shows_the_products_interactions(client):
    # given: a published FAERS run with interaction screening, and a product of fluconazole
    run = run_now(source="faers", dataset_ids=[_interaction_world().id], interactions=True)
    sponsor = Partner.objects.create(name="Antifungal Co", kind="sponsor")
    product = Product.objects.create(sponsor=sponsor, name="Diflucan", ingredients=["fluconazole"])
    reviewer = user_create(actor="t", username="ddi-dash", role="reviewer")[0]
    client.force_login(reviewer)
    # when
    html = client.get("/signals/", {"source": "faers", "product": product.id}).content.decode()
    # then: the section, the pair and its figures
    assert "Drug–drug interactions (Ω, 2025Q2)" in html
    assert "fluconazole + warfarin" in html and "Ω025 &gt; 0" in html
    hit = InteractionResult.objects.get(run=run)
    assert f'<td class="num">{hit.omega025:.4g}</td>' in html
    # a run without screening has no such section
    run_now(source="faers", dataset_ids=[run.datasets.first().id])
    html = client.get("/signals/", {"source": "faers", "product": product.id}).content.decode()
    assert "Drug–drug interactions" not in html
