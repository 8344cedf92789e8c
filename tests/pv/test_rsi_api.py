"""The RSI API: reviewers list, add, remove (with a reason) and import; the owning sponsor and
regulators read; another sponsor gets 404; a bad CSV is a 400 naming its line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pv.models import AuditEvent, Product, ReferenceTerm

pytestmark = pytest.mark.django_db


@pytest.fixture
def statin(sponsor_a):
    return Product.objects.create(sponsor=sponsor_a, name="Lipitor", ingredients=["atorvastatin"])


def _url(product, rest=""):
    return f"/api/v1/products/{product.id}/rsi/{rest}"


def test_a_reviewer_adds_lists_and_removes_with_a_reason(api_client, reviewer, statin):
    api_client.force_authenticate(reviewer)
    # when a reviewer adds a term
    added = api_client.post(_url(statin), {"term": "Myalgia", "code": "10028411",
                                           "source": "USPI 6.1"}, format="json")  # fmt: skip
    # then it is listed
    assert added.status_code == 201, added.content
    listed = api_client.get(_url(statin)).json()
    assert [t["term"] for t in listed["results"]] == ["Myalgia"]
    # and removing it needs a reason, and is audited with it
    no_reason = api_client.delete(_url(statin, f"{added.json()['id']}/"), {}, format="json")
    assert no_reason.status_code == 400
    assert "give a reason" in no_reason.json()["message"]
    blank = api_client.delete(_url(statin, f"{added.json()['id']}/"), {"reason": " "},
                              format="json")  # fmt: skip
    assert blank.status_code == 400 and blank.json()["extra"] == {"field": "reason"}
    gone = api_client.delete(_url(statin, f"{added.json()['id']}/"),
                             {"reason": "label revision 2025"}, format="json")  # fmt: skip
    assert gone.status_code == 204
    assert AuditEvent.objects.get(action="rsi.term_removed").reason == "label revision 2025"


def test_import_as_text_or_file_and_a_bad_line_is_named(api_client, reviewer, statin):
    api_client.force_authenticate(reviewer)
    ok = api_client.post(_url(statin, "import/"),
                         {"csv": "term,code\nMyalgia,10028411\nRash,\n"}, format="json")
    assert ok.json() == {"added_or_updated": 2, "unchanged": 0, "removed": 0}
    upload = SimpleUploadedFile("rsi.csv", "\ufeffterm\nHeadache\n".encode(), "text/csv")
    replaced = api_client.post(_url(statin, "import/"), {"file": upload, "replace": "true"},
                               format="multipart")  # fmt: skip
    assert replaced.json() == {"added_or_updated": 1, "unchanged": 0, "removed": 2}
    bad = api_client.post(_url(statin, "import/"), {"csv": "term,code\nNausea,1\n,2\n"},
                          format="json")  # fmt: skip
    assert bad.status_code == 400
    assert bad.json()["extra"]["line"] == 3 and "line 3" in bad.json()["message"]
    latin1 = SimpleUploadedFile("rsi.csv", "term\nNausea\nRéaction\n".encode("latin-1"))
    not_utf8 = api_client.post(_url(statin, "import/"), {"file": latin1}, format="multipart")
    assert not_utf8.status_code == 400 and not_utf8.json()["extra"]["line"] == 3
    assert list(statin.reference_terms.values_list("term", flat=True)) == ["Headache"]


def test_partners_read_their_own_products_rsi_only_and_never_write(
    api_client, reviewer, statin, sponsor_user, sponsor_b_user, regulator
):
    api_client.force_authenticate(reviewer)
    api_client.post(_url(statin), {"term": "Myalgia"}, format="json")
    # the owning sponsor and a regulator read it
    for user in (sponsor_user, regulator):
        api_client.force_authenticate(user)
        assert api_client.get(_url(statin)).json()["count"] == 1
    # another sponsor does not see the product at all
    api_client.force_authenticate(sponsor_b_user)
    assert api_client.get(_url(statin)).status_code == 404
    # no partner writes
    api_client.force_authenticate(sponsor_user)
    assert api_client.post(_url(statin), {"term": "Rash"}, format="json").status_code == 403
    assert api_client.post(_url(statin, "import/"), {"csv": "term\nRash\n"},
                           format="json").status_code == 403  # fmt: skip
    ref = ReferenceTerm.objects.get()
    assert api_client.delete(_url(statin, f"{ref.id}/"), {"reason": "x"},
                             format="json").status_code == 403  # fmt: skip
    assert ReferenceTerm.objects.count() == 1
