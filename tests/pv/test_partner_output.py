"""Partner output by allow-list: every endpoint a partner can reach answers through the one
partner-output path, and a string field is scrubbed unless it is declared safe (codes, ids,
dates, enums). Adding a field can no longer leak it silently."""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from pv.core.partner_output import PARTNER_SERIALIZERS, PartnerFacingSerializer
from pv.models import User
from pv.privacy.scrub import MARKER

# Every API module, so every partner-facing serializer has registered itself.
get_resolver().url_patterns  # noqa: B018

# Raw (non-JSON) partner responses and the path that makes them safe instead of a serializer.
RAW_OUTPUTS = {
    # The ICSR batch: every free-text element goes through the builder's scrubber
    # (submissions.e2b.build), tested in tests/submissions and the privacy suite.
    "/api/v1/submissions/{submission_id}/xml/": "E2B builder",
    # Signal results as CSV: dictionary terms and numbers, rows through the partner path.
    "/api/v1/signals/results/export/": "CSV export",
    # The API's description, no data.
    "/api/schema/": "OpenAPI schema",
    "/api/docs/": "OpenAPI docs",
}
# What a safe string field may be: its type says it is not free text ...
SAFE_TYPES = (
    serializers.UUIDField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.ChoiceField,
    serializers.IntegerField,
    serializers.FloatField,
    serializers.DecimalField,
    serializers.BooleanField,
)
# ... or its name says it is a code, an id, a date, a state or a pseudonym.
SAFE_NAME = re.compile(
    r"(^|_)(id|ids|key|code|codes|dictionary|version|status|kind|role|profile|source|level|"
    r"period|periods|quarters|date|at|sex|unit|group|country|region|qualification|type|"
    r"number|result|criteria|terminology|member|case|outcome|taken|strata|measures|"
    r"thresholds|hyperparameters|timings|roles|sources|transitions|label|drug_key|trigger|period_to)$"
)


def _partner_endpoints():
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    partner = User(username="probe", role=User.Role.SPONSOR)
    factory = APIRequestFactory()
    for path, _regex, method, callback in generator.endpoints:
        view = generator.create_view(callback, method)
        request = Request(factory.generic(method, path))
        request.user = partner
        view.request = request
        if all(p.has_permission(request, view) for p in view.get_permissions()):
            yield path, method, view


def _serializer_classes(found) -> list:
    if isinstance(found, dict):
        return [c for value in found.values() for c in _serializer_classes(value)]
    if isinstance(found, serializers.ListSerializer):
        return [type(found.child)]
    if isinstance(found, serializers.BaseSerializer):
        return [type(found)]
    if isinstance(found, type) and issubclass(found, serializers.BaseSerializer):
        return [found]
    return []


def _string_fields(serializer, prefix: str = ""):
    """(path, field) for every field of `serializer` that may hold a string."""
    for name, field in serializer.fields.items():
        path = f"{prefix}{name}"
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.BaseSerializer):
            yield from _string_fields(field, f"{path}.")
            continue
        if isinstance(field, serializers.ListField):
            field = field.child
        yield path, field


@pytest.mark.django_db
def test_every_partner_endpoint_answers_through_the_partner_output_path():
    reached, offenders = [], []
    for path, method, view in _partner_endpoints():
        found = view.schema.get_response_serializers()
        classes = _serializer_classes(found)
        reached.append(f"{method} {path}")
        if not classes:
            if path not in RAW_OUTPUTS:
                offenders.append(f"{method} {path}: no serializer and not a known raw output")
            continue
        offenders += [
            f"{method} {path}: {cls.__qualname__} is not a PartnerFacingSerializer"
            for cls in classes
            if not issubclass(cls, PartnerFacingSerializer)
        ]
    assert len(reached) >= 15  # cases, submissions, follow-up, signals, partners, products
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("cls", list(PARTNER_SERIALIZERS), ids=lambda c: c.__qualname__)
def test_safe_declarations_name_only_codes_ids_dates_and_enums(cls):
    fields = dict(_string_fields(cls()))
    stale = sorted(p for p in cls.partner_safe if p not in fields and not _covers(p, fields))
    assert not stale, f"{cls.__qualname__} declares unknown safe paths: {stale}"
    free_text = sorted(
        path
        for path in cls.partner_safe
        if path in fields
        and not isinstance(fields[path], SAFE_TYPES)
        and not SAFE_NAME.search(path.rsplit(".", 1)[-1])
    )
    assert not free_text, f"{cls.__qualname__} declares free text safe: {free_text}"


def _covers(path: str, fields: dict) -> bool:
    # A path into a JSON/dict/method field ("drugs.ingredients.code") is covered by that field.
    return any(
        path.startswith(f"{name}.")
        and isinstance(
            field,
            serializers.DictField | serializers.JSONField | serializers.SerializerMethodField,
        )
        for name, field in fields.items()
    )


def test_a_field_added_later_is_scrubbed_until_declared_safe(db):
    # given a partner serializer someone extends with a new free-text field
    class Extended(PartnerFacingSerializer):
        partner_safe = frozenset({"code"})
        code = serializers.CharField()
        new_field = serializers.CharField()
        rows = serializers.ListField(child=serializers.DictField())

    row = {
        "code": "555-0199-7731",
        "new_field": "call 555 0199 7731",
        "rows": [{"anything": "mail jane@example.org"}],
    }
    partner = User(username="p", role=User.Role.REGULATOR)
    # when a partner receives it
    data = Extended(row, context={"user": partner}).data
    # then the undeclared fields are scrubbed, the declared one is not; staff see it as stored
    assert data["new_field"] == f"call {MARKER}"
    assert data["rows"] == [{"anything": f"mail {MARKER}"}]
    assert data["code"] == "555-0199-7731"
    assert Extended(row, context={"user": User(username="r", role=User.Role.REVIEWER)}).data[
        "new_field"
    ] == ("call 555 0199 7731")
    # and a caller that does not say who it is gets the partner view (fail closed)
    assert Extended(row).data["new_field"] == f"call {MARKER}"
    PARTNER_SERIALIZERS.remove(Extended)
