"""Small lxml helpers shared by the builders (element construction only, never templates)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from lxml import etree

from .constants import CL_OBSERVATION, HL7_NS, NSMAP, XSI_TYPE
from .snapshot import Code, Quantity
from .timefmt import DateLike, format_ts


class _Tags(dict):
    """tag -> Clark name in the HL7 namespace, filled on first use."""

    def __missing__(self, tag: str) -> str:
        name = self[tag] = f"{{{HL7_NS}}}{tag}"
        return name


_TAGS = _Tags()
_SubElement = etree.SubElement


def q(tag: str) -> str:
    """Clark name in the HL7 namespace, memoised (the builder creates thousands per second)."""
    return _TAGS[tag]


def sub(parent: etree._Element, tag: str, attrs: dict[str, str] | None = None, text: str = ""):
    el = _SubElement(parent, _TAGS[tag], attrs)
    if text:
        el.text = text
    return el


def typed(parent: etree._Element, tag: str, xsi_type: str, **attrs: str):
    el = sub(parent, tag, attrs)
    el.set(XSI_TYPE, xsi_type)
    return el


def obs_code(parent: etree._Element, code: str, system: str = CL_OBSERVATION):
    return sub(parent, "code", {"code": code, "codeSystem": system})


def bl_value(parent: etree._Element, value: bool | None, *, null_flavor: str = "NI"):
    """BL value: true/false, or the nullFlavor when None (E.i.3.2 and C.1.9.1 send NI for 'no')."""
    if value is None:
        return typed(parent, "value", "BL", nullFlavor=null_flavor)
    return typed(parent, "value", "BL", value="true" if value else "false")


def code_attrs(code: Code) -> dict[str, str]:
    attrs = {"code": code.code, "codeSystem": code.system}
    if code.version:
        attrs["codeSystemVersion"] = code.version
    if code.display:
        attrs["displayName"] = code.display
    return attrs


def number(value: Decimal | int | float | str) -> str:
    if isinstance(value, float):
        return format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def pq(parent: etree._Element, tag: str, quantity: Quantity, *, xsi_type: str | None = "PQ"):
    attrs = {"value": number(quantity.value), "unit": quantity.unit or "1"}
    el = sub(parent, tag, attrs)
    if xsi_type:
        el.set(XSI_TYPE, xsi_type)
    return el


def ts(parent: etree._Element, tag: str, value: DateLike | None):
    """A TS element; a nullFlavor string ("MSK", "ASKU", ...) becomes @nullFlavor."""
    if value is None:
        return None
    text = format_ts(value)
    if text.isalpha():
        return sub(parent, tag, {"nullFlavor": text})
    return sub(parent, tag, {"value": text})


def ivl_ts(parent: etree._Element, low: DateLike | None, high: DateLike | None,
           width: Quantity | None = None, *, tag: str = "effectiveTime"):
    if low is None and high is None and width is None:
        return None
    el = typed(parent, tag, "IVL_TS")
    # The IVL_TS content model allows low+high or low+width but not all three; E2B puts the
    # duration in width only when an end date is missing.
    ts(el, "low", low)
    if high is not None:
        ts(el, "high", high)
    elif width is not None:
        pq(el, "width", width, xsi_type=None)
    return el


_FRAGMENTS: dict[tuple, etree._Element] = {}
_MAX_FRAGMENTS = 1024


def fragment(parent: etree._Element, key: tuple, make: Callable[[etree._Element], object]):
    """Append a copy of a constant sub-tree, built once by `make` and cached under `key`.

    Masked reporter blocks and "NI" seriousness flags are identical in every ICSR; copying a
    cached sub-tree (one C call) is several times cheaper than building it element by element.
    """
    template = _FRAGMENTS.get(key)
    if template is None:
        if len(_FRAGMENTS) >= _MAX_FRAGMENTS:  # keys may carry data (sender, reporter country)
            _FRAGMENTS.clear()
        holder = etree.Element(q("holder"), nsmap=NSMAP)
        make(holder)
        template = _FRAGMENTS[key] = holder[0]
    # The element's own __deepcopy__ (a C-level subtree copy) without copy.deepcopy's memo
    # bookkeeping, which cost as much as the copy itself.
    copy = template.__deepcopy__(None)
    parent.append(copy)
    return copy


def copy_of(key: tuple, make: Callable[[], etree._Element]) -> etree._Element:
    """A copy of a cached root element built once by `make` (a new document, nothing to move)."""
    template = _FRAGMENTS.get(key)
    if template is None:
        if len(_FRAGMENTS) >= _MAX_FRAGMENTS:
            _FRAGMENTS.clear()
        template = _FRAGMENTS[key] = make()
    return template.__deepcopy__(None)
