"""The one display helper: stored codes and enum values as people read them."""

import pytest
from django.template import Context, Template

from web.display import age, human


def test_seriousness_lists_and_joined_strings_read_as_words():
    assert human(["disability", "other_medically_important"], "seriousness") == (
        "Disability, Other medically important condition")
    assert human("disability, other_medically_important", "seriousness") == (
        "Disability, Other medically important condition")


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [("3", "outcome", "Not recovered/not resolved/ongoing"), ("048", "route", "Oral"),
     ("999", "route", "route 999"), ("by mouth", "route", "by mouth"), ("F", "sex", "Female"),
     ("5", "qualification", "Consumer or other non health professional"),
     ("1", "report_type", "Spontaneous report"), ("rejected", "ack", "Rejected"),
     ("not_recovered", "report_outcome", "Not recovered"), ("1", "action_taken", "Drug withdrawn"),
     ("brand_new_code", "outcome", "Brand new code"), ("", "outcome", ""), (None, "sex", "")],
)  # fmt: skip
def test_codes_read_as_their_labels_and_unknown_values_stay_visible(value, kind, shown):
    assert human(value, kind) == shown


def test_ages_read_with_their_unit():
    assert age(48, "a") == "48 years"
    assert age("48.0", "a") == "48 years"
    assert age(1, "mo") == "1 month"
    assert age(None, "a") == ""


def test_an_unknown_kind_is_a_programming_error_not_a_silent_pass():
    with pytest.raises(ValueError, match="unknown display kind"):
        human("x", "colour")


def test_the_template_filters():
    html = Template('{% load pv_display %}{{ a|age:"a" }} · {{ s|human:"seriousness" }}').render(
        Context({"a": 48, "s": ["hospitalisation"]})
    )
    assert html == "48 years · Hospitalisation"
