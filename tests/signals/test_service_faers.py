"""FAERS background: import (both layouts), drug normalisation, runs, the command's errors."""

from __future__ import annotations

import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pv.core.exceptions import DomainError
from pv.models import AuditEvent
from signals.models import ExternalDataset, SignalFact, SignalResult, SignalRun
from signals.services import faers_dataset_import
from signals.services.demo import DATA
from signals.services.facts import normalise_drug
from tests.signals.test_service_runs import run_now

pytestmark = pytest.mark.django_db

LEGACY, CURRENT = DATA / "2004q1_legacy_aers", DATA / "2017q2"


def test_import_both_layouts_and_run(db):
    # when
    dataset = faers_dataset_import(sources=[LEGACY, CURRENT], name="sample", actor="t")
    # then: 100 cases per quarter, rows stored as facts of the dataset
    assert dataset.quarters == ["2004Q1", "2017Q2"]
    assert dataset.reports == 200
    assert dataset.rows == SignalFact.objects.filter(dataset=dataset).count() > 0
    assert set(SignalFact.objects.filter(dataset=dataset).values_list("period", flat=True)) == {
        "2004Q1",
        "2017Q2",
    }
    assert AuditEvent.objects.filter(action="faers_dataset.imported").count() == 1
    # brands and salts become ingredients (coding's drug dictionary)
    keys = set(SignalFact.objects.filter(dataset=dataset).values_list("drug_ingredient", flat=True))
    assert {"bupropion", "doxorubicin", "atorvastatin"} <= keys
    # when: a background run over it
    run = run_now(source="faers", dataset_ids=[dataset.id])
    # then
    assert run.status == SignalRun.Status.SUCCEEDED, run.error
    assert run.periods == ["2004Q1", "2017Q2"]
    assert run.n_reports <= 200
    assert SignalResult.objects.filter(run=run, is_latest=True, drug_key="bupropion").exists()


def test_normalise_drug():
    assert normalise_drug("BUPROPION HYDROCHLORIDE") == ("bupropion",)
    assert normalise_drug("ALBUTEROL SULFATE\\IPRATROPIUM BROMIDE")[0:1] != ("",)
    assert len(normalise_drug("ALBUTEROL SULFATE\\IPRATROPIUM BROMIDE")) == 2
    assert normalise_drug("UNKNOWN THING 5") == ("unknown thing 5",)


def test_import_errors(tmp_path):
    with pytest.raises(DomainError, match="no such file"):
        faers_dataset_import(sources=[tmp_path / "missing"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DomainError) as info:
        faers_dataset_import(sources=[empty])
    assert info.value.code == "faers_format"
    broken = tmp_path / "broken"
    shutil.copytree(CURRENT, broken)
    (broken / "DEMO17Q2.txt").write_text("nonsense$header\n1$2\n")
    with pytest.raises(DomainError) as info:
        faers_dataset_import(sources=[broken])
    assert info.value.code == "faers_format" and "DEMO17Q2" in info.value.message
    with pytest.raises(DomainError, match="Roles"):
        faers_dataset_import(sources=[CURRENT], roles=["XX"])
    assert not ExternalDataset.objects.exists()


def test_command_import_and_run(capsys):
    call_command("signals", "import-faers", str(LEGACY), str(CURRENT), "--name", "cmd", "--run")
    out = capsys.readouterr().out
    assert "imported" in out and "200 reports" in out
    assert "faers ingredientxpt: succeeded" in out
    call_command("signals", "runs")
    call_command("signals", "datasets")
    assert "cmd: 200 reports" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["import-faers", "/nonexistent/q"], "no such file"),
        (["import-faers", str(LEGACY), "--roles", "ZZ"], "Roles"),
        (["run", "--source", "faers"], "No such FAERS dataset"),
        (["run", "--source", "cases", "--threshold", "eb05"], "name=value"),
        (["run", "--source", "cases", "--hyper", "1,2"], "hyperparameters"),
        (["run", "--source", "cases"], "No data"),
    ],
)
def test_command_errors(db, argv, message):
    with pytest.raises(CommandError, match=message):
        call_command("signals", *argv)


def test_the_same_quarter_imported_twice_is_refused_unless_replaced(tmp_path):
    # given: the sample's 2017Q2 imported once
    first = faers_dataset_import(sources=[CURRENT], name="first", actor="t")
    # when: the very same files again -> refused, naming the dataset
    with pytest.raises(DomainError) as info:
        faers_dataset_import(sources=[CURRENT], name="again", actor="t")
    # then
    assert info.value.code == "faers_duplicate" and info.value.http_status == 409
    assert str(first.id) in info.value.message and "--replace" in info.value.message
    # when: a copy of the quarter with a file added (a different checksum, the same quarter)
    copy = tmp_path / "2017q2_copy"
    shutil.copytree(CURRENT, copy)
    (copy / "README.txt").write_text("a note the user added\n")
    with pytest.raises(DomainError) as info:
        faers_dataset_import(sources=[LEGACY, copy], name="overlap", actor="t")
    # then: refused on the quarter, and nothing was stored
    assert info.value.code == "faers_duplicate" and "2017Q2" in info.value.message
    assert list(ExternalDataset.objects.values_list("name", flat=True)) == ["first"]
    # when: replaced explicitly
    second = faers_dataset_import(sources=[LEGACY, copy], name="second", actor="t", replace=True)
    # then: the earlier dataset and its facts are gone, the new one holds both quarters once
    assert list(ExternalDataset.objects.values_list("name", flat=True)) == ["second"]
    assert not SignalFact.objects.filter(dataset_id=first.id).exists()
    assert second.quarters == ["2004Q1", "2017Q2"] and second.reports == 200
    assert AuditEvent.objects.filter(action="faers_dataset.replaced").count() == 1


def test_command_refuses_a_duplicate_import_and_replaces_on_request(capsys):
    call_command("signals", "import-faers", str(CURRENT), "--name", "one")
    with pytest.raises(CommandError, match="already imported.*--replace"):
        call_command("signals", "import-faers", str(CURRENT), "--name", "two")
    call_command("signals", "import-faers", str(CURRENT), "--name", "three", "--replace")
    assert list(ExternalDataset.objects.values_list("name", flat=True)) == ["three"]
