"""The distributed path: FAERS counting on Dask, on a `distributed.LocalCluster` (threads, so
fast), gives exactly the DuckDB engine's counts: the shipped quarters of both layouts, a zip, and
a FAERS-shaped set with follow-up versions across quarters, a deletion list and combinations.
Skips only when Dask is not installed (``pip install -e '.[distributed]'``; .ci/run installs it)."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from signals.faers_engine import faers_count
from tests.signals import shared_path
from tests.signals.test_faers_engine import _sorted, two_quarters  # noqa: F401  (fixture)

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask.dataframe")

from signals.faers_dask import faers_count_dask  # noqa: E402

CURRENT = shared_path("signals_data", "faers_ascii_sample", "2017q2")
LEGACY = shared_path("signals_data", "faers_ascii_sample", "2004q1_legacy_aers")


@pytest.fixture(scope="module")
def cluster_client():
    """A scheduler and one worker in this process, talking over Dask's in-process transport (no
    socket). Its address names this host's IP, which Dask finds by a UDP connect to 8.8.8.8
    that the suite's socket guard refuses; the loopback address is set instead."""
    from distributed.comm import inproc  # noqa: PLC0415

    inproc.global_manager._ip = "127.0.0.1"
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _same(dask_count, duck_count):
    pd.testing.assert_frame_equal(
        _sorted(dask_count.pairs), _sorted(duck_count.pairs), check_dtype=False
    )
    assert dask_count.reports == duck_count.reports
    assert dask_count.quarters == duck_count.quarters


def test_the_shipped_quarters_count_as_in_duckdb(cluster_client):
    # when: the same quarters (both layouts) through both engines
    with distributed.get_task_stream(cluster_client) as stream:
        on_dask = faers_count_dask([LEGACY, CURRENT], split_combinations=False)
    # then: the work ran on the cluster's worker, and the counts are the DuckDB engine's
    assert len(stream.data) > 0
    _same(on_dask, faers_count([LEGACY, CURRENT], split_combinations=False))
    assert on_dask.reports > 0 and len(on_dask.pairs) > 100


def test_versions_deletions_combinations_and_names(cluster_client, two_quarters):  # noqa: F811
    # given: case 1 followed up in the next quarter, case 2 deleted, case 3 a combination
    names = {"hydrochlorothiazide": "HCTZ"}
    on_dask = faers_count_dask(two_quarters, name_map=names)
    _same(on_dask, faers_count(two_quarters, name_map=names))
    assert {(r.drug, r.event): r.n for r in on_dask.pairs.itertuples()} == {
        ("LISINOPRIL", "ANGIOEDEMA"): 1,
        ("LISINOPRIL", "COUGH"): 1,
        ("HCTZ", "COUGH"): 1,
    }


def test_a_zip_and_a_quarter_named_twice(cluster_client, tmp_path):
    archive = tmp_path / "faers_ascii_2017q2.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in CURRENT.iterdir():
            out.write(file, f"ASCII/{file.name}")
    _same(faers_count_dask([archive]), faers_count([CURRENT]))
    with pytest.raises(ValueError, match="given more than once"):
        faers_count_dask([CURRENT, archive])


def test_the_command_on_dask_writes_what_it_writes_on_duckdb(cluster_client, tmp_path):
    from signals.cli_faers import main  # noqa: PLC0415

    theta = ["--hyper", "0.2,0.06,1.4,1.8,0.1"]
    on_duck, on_dask = tmp_path / "duck.csv", tmp_path / "dask.csv"
    assert main([str(LEGACY), str(CURRENT), "-o", str(on_duck), *theta]) == 0
    assert main([str(LEGACY), str(CURRENT), "-o", str(on_dask), "--engine", "dask", *theta]) == 0
    assert on_dask.read_bytes() == on_duck.read_bytes()
