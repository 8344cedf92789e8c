"""Dictionary versions in the database: open defaults, licensed loads, activation, coding."""

from __future__ import annotations

from pathlib import Path

import pytest

from coding.models import Dictionary
from coding.selectors import (
    coding_suggestions,
    concept_get,
    dictionary_get_active,
    dictionary_search,
)
from coding.services import dictionary_activate, dictionary_ensure_defaults, dictionary_load
from intake.services.coding import mention_coding_override
from intake.services.screening import items_screen
from pv.core.exceptions import DomainError, NotFound
from pv.models import AuditEvent
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
WHODRUG_FIXED = {
    "delimiter": None,
    "columns": {
        "drug_record_number": [0, 6],
        "seq1": [6, 8],
        "seq2": [8, 11],
        "drug_name": [11, 30],
    },
}


@pytest.fixture(autouse=True)
def dictionary_dir(settings, tmp_path):
    settings.PV_DICTIONARY_DIR = str(tmp_path / "dictionaries")
    return tmp_path / "dictionaries"


def test_open_defaults_are_registered_once_and_active():
    # when
    first = dictionary_ensure_defaults()
    second = dictionary_ensure_defaults()
    # then
    assert [d.id for d in first] == [d.id for d in second]
    assert Dictionary.objects.count() == 2
    drug, event = (dictionary_get_active(kind=k) for k in ("drug", "event"))
    assert drug.format == event.format == "builtin"
    assert drug.terminology == "pv open drugs" and drug.concept_count > 10_000
    assert "Human Phenotype Ontology" in event.licence_note  # HPO's acknowledgement
    assert "MedDRA" not in event.terminology  # the open default is never labelled MedDRA


def test_meddra_load_registers_a_version_and_becomes_active(dictionary_dir):
    # when
    meddra = dictionary_load(actor="t", kind="event", fmt="meddra", path=FIXTURES / "meddra")
    # then
    assert (meddra.terminology, meddra.version, meddra.is_active) == ("MedDRA", "99.0", True)
    assert meddra.concept_count > 0 and meddra.name_count >= meddra.concept_count
    assert (dictionary_dir / meddra.artefact).exists()
    assert dictionary_get_active(kind="event") == meddra
    assert Dictionary.objects.filter(kind="event", is_active=True).count() == 1
    assert AuditEvent.objects.filter(action="dictionary.loaded", object_id=str(meddra.id)).exists()
    # suggestions and search now run against it
    top = coding_suggestions(kind="event", text="cant sleep synthetic")
    assert top[0]["pt_code"] == "90010001" and top[0]["terminology"] == "MedDRA"
    used, results = dictionary_search(query="sleepless", kind="event")
    assert used == meddra and results[0]["terminology_version"] == "99.0"
    # an LLT code resolves to its PT with the full hierarchy
    coded = concept_get(dictionary=meddra, code="90100002")
    assert coded["pt_code"] == "90010001" and coded["soc_code"] == "90000001"


def test_switching_back_to_the_default_is_audited():
    meddra = dictionary_load(actor="t", kind="event", fmt="meddra", path=FIXTURES / "meddra")
    default = Dictionary.objects.get(kind="event", format="builtin")
    dictionary_activate(actor="t", dictionary=default)
    assert dictionary_get_active(kind="event") == default
    meddra.refresh_from_db()
    assert not meddra.is_active
    assert AuditEvent.objects.filter(action="dictionary.activated").count() == 2


def test_rxnorm_and_whodrug_loads():
    rx = dictionary_load(
        actor="t",
        kind="drug",
        fmt="rxnorm",
        path=FIXTURES / "rxnorm",
        version="2025-01",
        activate=False,
    )
    assert rx.terminology == "RxNorm" and not rx.is_active
    assert dictionary_get_active(kind="drug").format == "builtin"
    who = dictionary_load(
        actor="t",
        kind="drug",
        fmt="whodrug",
        path=FIXTURES / "whodrug_fixed.txt",
        version="B3-test",
        layout=WHODRUG_FIXED,
    )
    assert who.is_active and who.concept_count == 1 and who.name_count == 2
    assert concept_get(dictionary=who, code="000001")["term"] == "SYNTHOLOL"
    assert coding_suggestions(kind="drug", text="synthobrand")[0]["code"] == "000001"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "event", "fmt": "rxnorm", "path": FIXTURES / "rxnorm"}, "invalid_format"),
        ({"kind": "drug", "fmt": "rxnorm", "path": FIXTURES / "rxnorm"}, "invalid"),  # no version
        ({"kind": "event", "fmt": "meddra", "path": FIXTURES / "nowhere"}, "dictionary_file"),
        ({"kind": "event", "fmt": "meddra", "path": FIXTURES / "rxnorm"}, "dictionary_file"),
        (
            {
                "kind": "drug",
                "fmt": "whodrug",
                "path": FIXTURES / "whodrug_tab.txt",
                "version": "v",
                "layout": {"columns": {"drug_name": "no_such_column"}},
            },
            "dictionary_file",
        ),
    ],
)
def test_bad_loads_are_domain_errors_and_store_nothing(kwargs, code):
    with pytest.raises(DomainError) as err:
        dictionary_load(actor="t", **kwargs)
    assert err.value.code == code
    assert not Dictionary.objects.exclude(format="builtin").exists()


def test_the_same_version_cannot_be_loaded_twice():
    dictionary_load(actor="t", kind="event", fmt="meddra", path=FIXTURES / "meddra")
    with pytest.raises(DomainError) as err:
        dictionary_load(actor="t", kind="event", fmt="meddra", path=FIXTURES / "meddra")
    assert err.value.code == "dictionary_exists"


def test_missing_artefact_is_a_clear_error(dictionary_dir):
    meddra = dictionary_load(actor="t", kind="event", fmt="meddra", path=FIXTURES / "meddra")
    (dictionary_dir / meddra.artefact).unlink()
    with pytest.raises(DomainError) as err:
        concept_get(dictionary=meddra, code="90010001")
    assert err.value.code == "dictionary_missing"


def test_override_codes_a_mention_to_the_loaded_meddra(reviewer):
    # given a screened post (coded with the open default) and MedDRA loaded afterwards
    post = PostFactory(text="zoloft and cant sleep")
    items_screen(kind="post", ids=[post.id])
    mention = post.screenings.get().mentions.get(kind="event")
    meddra = dictionary_load(actor="t", kind="event", fmt="meddra", path=FIXTURES / "meddra")
    # when
    mention = mention_coding_override(actor=reviewer, mention=mention, code="90100002")
    # then the mention records MedDRA and its version, LLT and PT
    assert (mention.terminology, mention.terminology_version) == ("MedDRA", meddra.version)
    assert (mention.llt_code, mention.pt_code) == ("90100002", "90010001")
    with pytest.raises(NotFound):
        mention_coding_override(actor=reviewer, mention=mention, code="nope")
