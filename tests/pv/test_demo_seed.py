"""The demo seeding path, on a small community (the full one is exercised by `pv demo`)."""

import pytest
from django.core import mail

from demo.community import generate_community
from demo.services import demo_accounts, demo_member_seed, demo_seed
from followup.selectors import followup_inbox_for
from intake.models import AEReport, Post, ScreeningStatus
from pv.audit import audit_verify
from pv.models import Case, Member, Partner, Product, User
from pv.selectors import case_expectedness
from submissions.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.VAR_DIR = tmp_path
    community = generate_community(members=12, posts=80, reports=40)
    with django_capture_on_commit_callbacks(execute=True):
        demo_seed(community=community)
    with django_capture_on_commit_callbacks(execute=True):
        demo_member_seed()
    return community, demo_accounts()


def test_demo_seed_loads_everything_through_the_services(seeded):
    community, accounts = seeded
    assert Member.objects.count() == 12
    assert Post.objects.count() == 80 and AEReport.objects.count() == 40
    # every post was handed on by the intake task (awaiting screening, or screened already)
    assert Post.objects.filter(screening_status=ScreeningStatus.RECEIVED).count() == 0
    assert Partner.objects.filter(kind="regulator").count() == 2
    assert Partner.objects.filter(kind="sponsor").count() == 3
    assert {a["role"] for a in accounts} == set(User.Role.values)
    # the demo reviewer confirmed the top of the screened queue into coded cases
    cases = Case.objects.all()
    assert cases.count() >= 10 and not cases.filter(day_zero=None).exists()
    assert cases.exclude(reactions__code="").exists()
    assert Submission.objects.filter(case__in=cases).exists()
    assert list(audit_verify()) == []
    # the member account's member has a case a sponsor received, which asked; the reviewer
    # approved; the question waits in the inbox and the email went out
    user = User.objects.get(username="member")
    inbox = list(followup_inbox_for(user=user))
    assert len(inbox) == 1 and inbox[0].status == "sent"
    assert Case.objects.filter(member=user.member, id=inbox[0].case_id).exists()
    assert len(mail.outbox) == 1 and "/followup/reply/" in mail.outbox[0].body
    # every sponsor product has its RSI, imported through the CSV service, and the cases have
    # both listed and unlisted drug-reaction pairs
    assert not Product.objects.filter(reference_terms=None).exists()
    assert Product.objects.get(name="Lipitor").reference_terms.filter(term="Myalgia").exists()
    verdicts = set()
    for case in Case.objects.filter(is_latest=True):
        verdicts |= set(case_expectedness(case=case).values())
    assert {True, False} <= verdicts


def test_demo_database_holds_no_restricted_data_in_plaintext(seeded):
    from django.db import connection

    community, _ = seeded
    with connection.cursor() as cursor:
        chunks = []
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            chunks.extend(str(v) for row in cursor.fetchall() for v in row)
    dump = "\n".join(chunks).lower()
    for member in community["members"]:
        for value in (member["name"], member["email"], member["phone"]):
            assert value.lower() not in dump, f"{member['source_id']} leaked"


