import pytest
from django.db import connection

from pv.core.exceptions import DomainError
from pv.models import AuditEvent, RestrictedIdentity
from pv.services.members import member_register
from pv.vault import vault_identity_read, vault_restricted_values
from tests.conftest import CANARY_EMAIL, CANARY_NAME, CANARY_PHONE

pytestmark = pytest.mark.django_db


def test_restricted_data_is_never_stored_in_plaintext(canary_member):
    # given a registered member (canary values)
    # when we read every column of every table straight from the database
    with connection.cursor() as cursor:
        dump = []
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from introspection)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("latin-1")
                    dump.append(str(value))
    text = "\n".join(dump).lower()
    # then no canary appears anywhere, encrypted columns included
    for canary in (CANARY_NAME, CANARY_EMAIL, CANARY_PHONE, "quixotewright"):
        assert canary.lower() not in text
    assert RestrictedIdentity.objects.filter(member=canary_member).exists()


def test_every_read_is_audited_with_its_purpose(canary_member, reviewer):
    before = AuditEvent.objects.filter(action="vault.identity_read").count()
    identity = vault_identity_read(member=canary_member, purpose="follow-up", actor=reviewer)
    assert identity.email == CANARY_EMAIL
    assert identity.name == CANARY_NAME
    events = AuditEvent.objects.filter(action="vault.identity_read").order_by("seq")
    assert events.count() == before + 1
    assert events.last().after == {"purpose": "follow-up"}
    assert events.last().actor == reviewer
    # and the audit record itself holds no Restricted Data
    assert CANARY_EMAIL not in str(events.last().after)


def test_scrubbing_values_read_is_audited(canary_member):
    values = vault_restricted_values(member=canary_member, actor="system")
    assert set(values) == {CANARY_NAME, CANARY_EMAIL, CANARY_PHONE}
    assert AuditEvent.objects.filter(
        action="vault.identity_read", after__purpose="scrubbing"
    ).exists()


@pytest.mark.parametrize("purpose", ["", "curiosity", "marketing"])
def test_read_without_a_known_purpose_is_refused(canary_member, purpose):
    with pytest.raises(DomainError) as err:
        vault_identity_read(member=canary_member, purpose=purpose, actor="system")
    assert err.value.code == "vault_purpose"


def test_identity_repr_does_not_leak(canary_member):
    identity = vault_identity_read(member=canary_member, purpose="admin-support", actor="system")
    assert CANARY_NAME not in repr(identity) and CANARY_EMAIL not in str(identity)


def test_same_email_cannot_register_twice(canary_member):
    with pytest.raises(DomainError) as err:
        member_register(actor="t", source_id="m-other", name="Other", email=CANARY_EMAIL.upper())
    assert err.value.code == "email_taken"
