"""`{% load pv_display %}`: `value|human:"kind"` and `value|age:unit` (see `web.display`)."""

from django import template

from web import display

register = template.Library()


@register.filter
def human(value, kind: str) -> str:
    return display.human(value, kind)


@register.filter
def age(value, unit: str = "a") -> str:
    return display.age(value, unit)
