"""Reference safety information: the expected terms per product, their CSV import, and the
expectedness they give a case's drug–reaction pairs."""

import pytest

from pv.core.exceptions import DomainError
from pv.models import AuditEvent, ReferenceTerm
from pv.selectors import (
    case_expectedness,
    is_listed,
    listedness,
    rsi_keys_by_ingredient,
    rsi_keys_of_ingredients,
)
from pv.services.cases import case_create
from pv.services.rsi import reference_term_add, reference_term_remove, reference_terms_import_csv
from tests.conftest import CANARY_EMAIL, CANARY_NAME
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_adding_a_term_twice_in_another_spelling_keeps_one_row_and_audits(reviewer):
    # given a product
    product = ProductFactory(ingredients=["atorvastatin"])
    # when a reviewer lists "Myalgia" and later "  MYALGIA " with a code
    reference_term_add(actor=reviewer, product=product, term="Myalgia", source="SmPC 4.8")
    ref = reference_term_add(actor=reviewer, product=product, term="  MYALGIA ", code="10028411")
    # then one row, updated, with an audit event for each change
    assert ReferenceTerm.objects.filter(product=product).count() == 1
    assert ref.code == "10028411"
    events = AuditEvent.objects.filter(object_id=str(ref.id))
    actions = list(events.values_list("action", flat=True))
    assert actions == ["rsi.term_added", "rsi.term_changed"]


def test_csv_import_adds_updates_and_replaces(reviewer):
    product = ProductFactory(ingredients=["atorvastatin"])
    reference_term_add(actor=reviewer, product=product, term="Rash")
    text = "term,code,source\nMyalgia,10028411,SmPC 4.8\nHepatic enzyme increased,,SmPC 4.8\n\n"
    counts = reference_terms_import_csv(actor=reviewer, product=product, text=text, replace=True)
    assert counts == {"added_or_updated": 2, "unchanged": 0, "removed": 1}
    assert sorted(product.reference_terms.values_list("term", flat=True)) == [
        "Hepatic enzyme increased", "Myalgia"]
    again = reference_terms_import_csv(actor=reviewer, product=product, text=text)
    assert again == {"added_or_updated": 0, "unchanged": 2, "removed": 0}


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("name,code\nMyalgia,1\n", 1),  # no term column
        ("term,colour\nMyalgia,red\n", 1),  # unknown column
        ("term,code\nMyalgia,1\n,2\n", 3),  # empty term
        ("term,code\nMyalgia,1,extra\n", 2),  # more fields than the header
        ("term,code\nMyalgia," + "9" * 60 + "\n", 2),  # code too long
    ],
)
def test_a_bad_csv_is_refused_whole_with_its_line(reviewer, text, line):
    product = ProductFactory()
    with pytest.raises(DomainError) as err:
        reference_terms_import_csv(actor=reviewer, product=product, text=text)
    assert err.value.extra["line"] == line
    assert f"line {line}" in err.value.message
    assert not product.reference_terms.exists()


def test_restricted_data_typed_into_the_rsi_is_minimised(reviewer, canary_member):
    product = ProductFactory()
    ref = reference_term_add(actor=reviewer, product=product, term="Rash",
                             source=f"told by {CANARY_NAME} {CANARY_EMAIL}")
    assert CANARY_EMAIL not in ref.source
    assert CANARY_NAME.split()[-1] not in ref.source


def test_is_listed_matches_codes_and_names_and_llts_through_their_pt():
    keys = {"myalgia", "10028411"}
    assert is_listed(keys, code="10028411")
    assert is_listed(keys, term="MYALGIA")
    assert is_listed(keys, code="10000000", term="Muscle pain", pt="Myalgia")  # LLT, PT listed
    assert not is_listed(keys, term="Rhabdomyolysis")
    assert not is_listed(set(), term="Myalgia")


def test_case_expectedness_per_suspect_drug_and_reaction(reviewer, canary_member):
    # given a statin product listing myalgia, and a case naming the statin and an unlinked drug
    statin = ProductFactory(name="Lipitor", ingredients=["atorvastatin"])
    reference_term_add(actor=reviewer, product=statin, term="Myalgia")
    case = case_create(
        actor=reviewer, member=canary_member,
        drugs=[{"role": "suspect", "name_reported": "lipitor",
                "ingredients": [{"name": "atorvastatin"}]},
               {"role": "suspect", "name_reported": "mystery pill"},
               {"role": "concomitant", "name_reported": "aspirin"}],
        reactions=[{"reported_term": "legs ache", "term": "Myalgia"},
                   {"reported_term": "dark urine", "term": "Rhabdomyolysis"}],
    )  # fmt: skip
    # when expectedness is computed
    result = case_expectedness(case=case)
    drugs = {d.name_reported: d.id for d in case.drugs.all()}
    reactions = {r.term: r.id for r in case.reactions.all()}
    # then the statin's RSI decides for it (found through its ingredients), the unknown drug has
    # no RSI (None), and the concomitant drug is not assessed
    assert result[(drugs["lipitor"], reactions["Myalgia"])] is True
    assert result[(drugs["lipitor"], reactions["Rhabdomyolysis"])] is False
    assert result[(drugs["mystery pill"], reactions["Myalgia"])] is None
    assert all(d != drugs["aspirin"] for d, _ in result)


def test_listedness_by_ingredient_for_signals(reviewer):
    product = ProductFactory(ingredients=["Atorvastatin "])
    reference_term_add(actor=reviewer, product=product, term="Myalgia", code="10028411")
    assert rsi_keys_by_ingredient() == {"atorvastatin": {"myalgia", "10028411"}}


def test_listedness_is_none_without_an_rsi_and_any_rsi_lists(reviewer):
    # given two products with atorvastatin, each listing one term, and the keys by ingredient
    for term in ("Myalgia", "Rash"):
        product = ProductFactory(ingredients=["atorvastatin"])
        reference_term_add(actor=reviewer, product=product, term=term)
    rsi = rsi_keys_by_ingredient()
    statin = rsi_keys_of_ingredients(rsi, [" Atorvastatin", "water"])
    unknown = rsi_keys_of_ingredients(rsi, ["mystery"])
    assert statin == {"myalgia", "rash"} and unknown == set()
    # then a term either label lists is listed, another is not, and no RSI decides nothing
    assert listedness([{"myalgia"}, {"rash"}], term="RASH") is True
    assert listedness([statin, unknown], term="Insomnia") is False
    assert listedness([unknown, set()], term="Myalgia") is None
    assert listedness([], term="Myalgia") is None


def test_removing_a_term_is_audited_with_its_reason(reviewer):
    product = ProductFactory()
    ref = reference_term_add(actor=reviewer, product=product, term="Rash")
    reference_term_remove(actor=reviewer, reference_term=ref, reason="label update 2025")
    event = AuditEvent.objects.get(action="rsi.term_removed")
    assert event.before["term"] == "Rash" and event.reason == "label update 2025"
    assert not ReferenceTerm.objects.exists()


def test_removing_a_term_without_a_reason_is_refused(reviewer):
    # given a listed term
    ref = reference_term_add(actor=reviewer, product=ProductFactory(), term="Rash")
    # when it is removed with no reason, or only blanks
    for reason in ("", "  \n "):
        with pytest.raises(DomainError, match="give a reason") as refused:
            reference_term_remove(actor=reviewer, reference_term=ref, reason=reason)
        assert refused.value.extra == {"field": "reason"}
    # then it stays listed and nothing is audited as removed
    assert ReferenceTerm.objects.filter(id=ref.id).exists()
    assert not AuditEvent.objects.filter(action="rsi.term_removed").exists()
