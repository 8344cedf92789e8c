"""Reviewer pages for reference safety information and the case's expectedness; seriousness
with the words that triggered it, corrected per reaction on case work."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from intake.nlp.assess import assess, seriousness, seriousness_evidence
from pv.models import AuditEvent, Case, Product, ReferenceTerm
from pv.services.cases import case_create
from pv.services.rsi import reference_term_add
from tests.web.conftest import login, screen_posts

pytestmark = pytest.mark.django_db


@pytest.fixture
def statin(sponsor_a):
    return Product.objects.create(sponsor=sponsor_a, name="Lipitor", ingredients=["atorvastatin"])


def test_evidence_gives_each_criterion_its_words_and_agrees_with_seriousness():
    text = "My sister was fine. I was admitted to hospital after a seizure, not in the ICU."
    evidence = seriousness_evidence(text)
    assert [(e["criterion"], e["text"]) for e in evidence] == [
        ("hospitalisation", "admitted"), ("hospitalisation", "to hospital"),
        ("other_medically_important", "seizure")]  # fmt: skip
    assert all(text[e["start"]:e["end"]] == e["text"] for e in evidence)
    assert seriousness(text) == ["hospitalisation", "other_medically_important"]
    # offsets stay right when lower-casing would change the length (dotted capital I)
    tricky = "İİ then I was admitted"
    (e,) = seriousness_evidence(tricky)
    assert tricky[e["start"]:e["end"]] == "admitted"


def test_assess_keeps_its_keys_and_adds_the_evidence():
    mentions = [{"kind": "event", "role": "reaction", "negated": False, "hypothetical": False,
                 "family": False, "historical": False}]  # fmt: skip
    out = assess("I ended up in hospital", mentions, [], profile=None, reporter_known=True)
    assert {"candidate", "priority", "serious", "criteria"} <= set(out)
    assert out["serious"] == ["hospitalisation"]
    assert out["serious_evidence"] == [{"criterion": "hospitalisation", "start": 11, "end": 22,
                                        "text": "in hospital"}]  # fmt: skip


def test_products_page_counts_terms_and_the_rsi_page_adds_removes_and_imports(
    reviewer, statin, sponsor_user
):
    c = login(reviewer)
    reference_term_add(actor=reviewer, product=statin, term="Myalgia")
    assert "<td>1</td>" in c.get("/products/").content.decode()
    base = f"/products/{statin.id}/rsi/"
    # add through the form
    c.post(base + "add/", {"term": "Headache", "code": "10019211", "source": "USPI 6.1"})
    assert set(statin.reference_terms.values_list("term", flat=True)) == {"Myalgia", "Headache"}
    # removing without a reason is refused on the page, with one it is audited
    ref = ReferenceTerm.objects.get(term="Headache")
    refused = c.post(base + f"{ref.id}/remove/", {"reason": " "}, follow=True)
    assert "give a reason" in refused.content.decode()
    c.post(base + f"{ref.id}/remove/", {"reason": "not in the 2025 label"})
    assert AuditEvent.objects.get(action="rsi.term_removed").reason == "not in the 2025 label"
    # a bad CSV names its line and changes nothing; a good one with replace replaces
    bad = SimpleUploadedFile("rsi.csv", b"term,code\nRash,1\n,2\n")
    page = c.post(base + "import/", {"file": bad}, follow=True).content.decode()
    assert "line 3: term is empty." in page
    good = SimpleUploadedFile("rsi.csv", b"term,source\nRash,SmPC 4.8\nNausea,SmPC 4.8\n")
    c.post(base + "import/", {"file": good, "replace": "on"})
    assert sorted(statin.reference_terms.values_list("term", flat=True)) == ["Nausea", "Rash"]
    # partners do not get the reviewer pages
    assert login(sponsor_user).get(base).status_code == 403


def test_the_dictionary_search_can_fill_the_rsi_form(reviewer):
    html = login(reviewer).get("/dictionary/search/?kind=event&pick=rsi&term=headache")
    assert 'class="secondary pick-term"' in html.content.decode()


def test_case_page_shows_expectedness_and_highlights_serious_unlisted(reviewer, statin,
                                                                       canary_member):
    reference_term_add(actor=reviewer, product=statin, term="Myalgia")
    case = case_create(
        actor=reviewer, member=canary_member,
        drugs=[{"name_reported": "lipitor", "ingredients": [{"name": "atorvastatin"}]},
               {"name_reported": "mystery pill"}],
        reactions=[{"reported_term": "legs ache", "term": "Myalgia"},
                   {"reported_term": "dark urine", "term": "Rhabdomyolysis",
                    "hospitalisation": True}],
        hospitalisation=True,
    )  # fmt: skip
    c = login(reviewer)
    for url in (f"/cases/{case.id}/", f"/cases/{case.id}/edit/"):
        rows = c.get(url).context["expectedness"]
        got = {(r["drug"].name_reported, r["reaction"].term): (r["state"], r["serious_unexpected"])
               for r in rows}  # fmt: skip
        assert got == {
            ("lipitor", "Myalgia"): ("listed", False),
            ("lipitor", "Rhabdomyolysis"): ("unlisted", True),
            ("mystery pill", "Myalgia"): ("no_rsi", False),
            ("mystery pill", "Rhabdomyolysis"): ("no_rsi", False),
        }
    html = c.get(f"/cases/{case.id}/").content.decode()
    assert html.count("Serious and unexpected") == 1 and "No RSI for this product" in html


def test_review_and_case_pages_show_the_words_behind_each_criterion(reviewer):
    items = screen_posts({"s": "zoloft gave me a seizure and I was admitted to hospital"})
    c = login(reviewer)
    review = c.get(f"/queue/{items['s'].id}/").content.decode()
    # "admitted" and "to hospital" are one phrase: one highlight
    hospital = '<mark class="sev" data-criterion="Hospitalisation">admitted to hospital</mark>'
    assert hospital in review
    omi = '<mark class="sev" data-criterion="Other medically important condition">seizure'
    assert omi in review
    selected = c.get(f"/queue/{items['s'].id}/confirm/").context["selected"]
    c.post(f"/queue/{items['s'].id}/confirm/", {"mentions": sorted(selected),
                                                "seriousness": ["hospitalisation"]})
    case = Case.objects.get()
    page = c.get(f"/cases/{case.id}/").content.decode()
    assert hospital in page
    # the criterion the reviewer did not keep is not shown as the case's
    assert "Other medically important condition" not in page.split('id="subs-h"')[0]


def test_case_work_corrects_seriousness_per_reaction_and_the_case_follows(reviewer,
                                                                          canary_member):
    case = case_create(
        actor=reviewer, member=canary_member, drugs=[{"name_reported": "zoloft"}],
        reactions=[{"reported_term": "insomnia", "hospitalisation": True},
                   {"reported_term": "seizure", "hospitalisation": True,
                    "other_medically_important": True}],
        hospitalisation=True, other_medically_important=True,
    )  # fmt: skip
    c = login(reviewer)
    form = c.get(f"/cases/{case.id}/edit/").content.decode()
    assert 'name="reaction-1-seriousness" value="hospitalisation"' in form
    # when the reviewer unticks hospitalisation on the insomnia, keeps the seizure's criteria
    response = c.post(f"/cases/{case.id}/edit/", {
        "kind": "amendment", "reason": "the hospital stay was the seizure's, not the insomnia's",
        "per_reaction_seriousness": "1",
        "reaction-2-seriousness": ["hospitalisation", "other_medically_important"],
    })  # fmt: skip
    new = Case.objects.get(worldwide_case_id=case.worldwide_case_id, is_latest=True)
    assert response.status_code == 302 and new.version == 2
    insomnia, seizure = new.reactions.order_by("position")
    assert not insomnia.is_serious
    assert seizure.seriousness_criteria == ["hospitalisation", "other_medically_important"]
    assert new.seriousness_criteria == ["hospitalisation", "other_medically_important"]
    # and when nothing is ticked on any reaction, the case is not serious
    c.post(f"/cases/{new.id}/edit/", {"kind": "amendment", "reason": "relative's stay",
                                      "per_reaction_seriousness": "1"})  # fmt: skip
    latest = Case.objects.get(worldwide_case_id=case.worldwide_case_id, is_latest=True)
    assert latest.version == 3 and not latest.is_serious
    assert not any(r.is_serious for r in latest.reactions.all())
    event = AuditEvent.objects.filter(action="case.amendment").latest("created_at")
    assert event.reason == "relative's stay"


def test_the_queue_row_marks_a_reaction_the_drugs_rsi_does_not_list(reviewer, statin):
    reference_term_add(actor=reviewer, product=statin, term="Myalgia")
    items = screen_posts({"q": "lipitor gave me muscle pain and I cant sleep"})
    html = login(reviewer).get("/queue/").content.decode()
    row = html.split(f'id="item-{items["q"].id}"')[1].split("</tr>")[0]
    chips = {c.split(">", 1)[1].split("<")[0].strip(): "chip-unlisted" in c.split(">", 1)[0]
             for c in row.split('<span class="chip chip-event')[1:]}  # fmt: skip
    assert chips == {"muscle pain": False, "cant sleep": True}


def test_seriousness_corrected_per_reaction_reaches_the_e2b_snapshot(reviewer, canary_member):
    from submissions.snapshots import case_to_snapshot  # noqa: PLC0415

    # given a case whose criteria were set per reaction: insomnia none, seizure two
    case = case_create(
        actor=reviewer, member=canary_member, drugs=[{"name_reported": "zoloft"}],
        reactions=[{"reported_term": "insomnia"},
                   {"reported_term": "seizure", "hospitalisation": True,
                    "other_medically_important": True}],
        hospitalisation=True, other_medically_important=True,
    )  # fmt: skip
    insomnia, seizure = case_to_snapshot(case=case).reactions
    # then E.i.3.2 goes per reaction: the insomnia is not sent as serious
    assert insomnia.seriousness == frozenset()
    assert seizure.seriousness == {"hospitalisation", "other_medically_important"}
    # and a case whose reactions carry no criteria lends the case's to each (older data)
    legacy = case_create(actor=reviewer, member=canary_member, drugs=[{"name_reported": "x"}],
                         reactions=[{"reported_term": "rash"}], death=True)  # fmt: skip
    assert case_to_snapshot(case=legacy).reactions[0].seriousness == {"death"}
