"""Single-fault mutants of FDA's example ICSRs, each breaking one ICH or FDA rule.

Two sources:
* `FDA_MUTANTS` (e2b_fda_mutants.py): one hand-written edit per FDA rejection/warning rule pv
  encodes (rule id -> example, edit, the failure ids that count as catching it).
* `generated_mutants()`: families built from what the examples contain: every extracted element
  emptied, given a value outside its code list, made too long, given a nullFlavor its table
  forbids; every quantity without its unit or number; every MedDRA term without its version or
  code or with a malformed one; every country, language, unit and identifier broken.
All edits keep the message schema-valid, as a gateway's business-rule layer sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from copy import deepcopy
from functools import cache
from typing import NamedTuple

from lxml import etree

from submissions.e2b import constants as k
from submissions.e2b.extract import MESSAGE_FIELDS, extract
from submissions.e2b.rules import element_specs
from submissions.e2b.safexml import parse_xml, read_file

from .e2b_cases import fda_examples

NS = k.XP_NS
Edit = Callable[[etree._Element], None]


class Mutant(NamedTuple):
    example: str  # "Scenario1" ... "Scenario8"
    edit: Edit
    expect: frozenset[str]  # failure rule ids; any one of them catches the mutant
    severity: str = "error"


@cache
def _original(name: str) -> etree._Element:
    for path in fda_examples():
        if path.stem == f"FAERS2022{name}":
            root = parse_xml(read_file(str(path)))
            # Scenario 6's 2 MB are base64 attachments: a short valid base64 keeps every rule
            # and makes each copy cheap.
            for text in root.iter(f"{{{k.HL7_NS}}}text"):
                if text.get("representation") == "B64" and len(text.text or "") > 64:
                    text.text = "UERGIGF0dGFjaG1lbnQ="
            return root
    raise LookupError(name)


def mutate(mutant: Mutant) -> etree._Element:
    tree = deepcopy(_original(mutant.example))
    mutant.edit(tree)
    return tree


def _nodes(tree, path: str) -> list:
    found = tree.xpath(path, namespaces=NS)
    assert found, f"mutant path matches nothing: {path}"
    return found


def unset(path: str, *attrs: str, every: bool = False) -> Edit:
    def edit(tree):
        for node in _nodes(tree, path)[: None if every else 1]:
            for attr in attrs:
                node.attrib.pop(attr, None)
    return edit


def put(path: str, every: bool = False, **attrs: str) -> Edit:
    def edit(tree):
        for node in _nodes(tree, path)[: None if every else 1]:
            for attr, value in attrs.items():
                node.set(attr.replace("_", ":") if attr == "xsi_type" else attr, value)
            if "nullFlavor" not in attrs:
                node.attrib.pop("nullFlavor", None)
    return edit


def drop(path: str, every: bool = False) -> Edit:
    def edit(tree):
        for node in _nodes(tree, path)[: None if every else 1]:
            node.getparent().remove(node)
    return edit


def text(path: str, value: str) -> Edit:
    def edit(tree):
        node = _nodes(tree, path)[0]
        for child in list(node):
            node.remove(child)
        node.text = value
    return edit


def chain(*edits: Edit) -> Edit:
    def edit(tree):
        for step in edits:
            step(tree)
    return edit


# --- generated families ----------------------------------------------------------------------
# Small examples first: each (element, fault) is generated once, from the first example that
# has the element; Scenario 6 (FDA's "all elements", 2 MB) only adds what the others lack.
EXAMPLES = ("Scenario1", "Scenario2", "Scenario3", "Scenario4", "Scenario5-1", "Scenario5-2",
            "Scenario5-3", "Scenario7", "Scenario8", "Scenario6")
ANY_ERROR: frozenset[str] = frozenset()  # expect: rejected, whatever the rule
_FLAVORS = ("NI", "MSK", "UNK", "NA", "ASKU", "NASK")


def _attr_of(element: str) -> str:
    from submissions.e2b.extract import DRUG_FIELDS, REACTION_FIELDS, SOURCE_FIELDS, Keyed

    for table in (MESSAGE_FIELDS, SOURCE_FIELDS, REACTION_FIELDS, DRUG_FIELDS):
        spec = table.get(element)
        if spec is not None:
            return spec.attr if isinstance(spec, Keyed) else spec[1]
    raise KeyError(element)


def _at(path: str, change: Callable[[etree._Element], None]) -> Edit:
    """Apply `change` to the element at `path` (from getpath) in the copy."""
    def edit(tree):
        found = tree.getroottree().xpath(path)
        assert found, path
        change(found[0])
    return edit


def _set_value(attr: str, value: str | None, null_flavor: str | None = None):
    def change(node):
        node.attrib.pop("nullFlavor", None)
        if attr:
            if value is None:
                node.attrib.pop(attr, None)
            else:
                node.set(attr, value)
        else:
            for child in list(node):
                node.remove(child)
            node.text = value or ""
        if null_flavor:
            node.set("nullFlavor", null_flavor)
    return change


# Elements whose path selects on the value attribute itself (routeCode[@code], the language of
# originalText): without it they are a different, legitimate element (a free-text route).
_SELECTED_BY_VALUE = frozenset({"G.k.4.r.10.2b", "E.i.1.1b"})


def _element_faults(element: str, hit, attr: str) -> Iterator[tuple[str, Callable, frozenset]]:
    if element in _SELECTED_BY_VALUE:
        return
    spec = element_specs().get(element)
    yield "empty", _set_value(attr, None), ANY_ERROR
    if spec is None:
        return
    from submissions.e2b.validate import _plan

    plan = _plan(spec, "fda")
    codes = plan.codes  # the element's code list, or its unit list
    if codes:
        bad = "false" if codes <= {"true", "false"} else (
            "C99999" if any(c.startswith("C") for c in codes) else "8")
        if bad not in codes:
            yield "code", _set_value(attr, bad), frozenset({"ICH-CODE"})
    elif plan.max_length and attr != "value" and element not in {"E.i.1.1b"}:
        yield "length", _set_value(attr, "X" * (plan.max_length + 1)), frozenset({"ICH-LEN"})
    forbidden = [nf for nf in _FLAVORS if nf not in plan.null_flavors]
    if forbidden and not (attr == "value" and hit.node.get("value", "").startswith(
            ("tel:", "fax:", "mailto:"))):
        yield "nullflavor", _set_value(attr, None, forbidden[0]), frozenset({"ICH-NF"})
    if plan.date:
        yield "future", _set_value(attr, "29990101"), frozenset({"ICH-FUTURE"})
        yield "baddate", _set_value(attr, "20250231"), frozenset({"ICH-DATE"})


def _context(node) -> str:
    """What kind of node it is, for de-duplication: its tag and code system."""
    return f"{etree.QName(node).localname}@{node.get('codeSystem') or node.get('unit') or ''}"


def _datatype_faults(message) -> Iterator[tuple[str, etree._Element, Callable, frozenset]]:
    from submissions.e2b.codelists import oid_code_lists

    lists = oid_code_lists()
    pair, meddra = frozenset({"ICH-PAIR"}), frozenset({"ICH-MEDDRA"})
    for node in message.iter():
        if not isinstance(node.tag, str) or node.get("nullFlavor"):
            continue
        system = node.get("codeSystem")
        # a ratio's denominator "1" is dimensionless: HL7's default unit, not a missing one
        tag = etree.QName(node).localname
        if (node.get("value") is not None and node.get("unit") is not None
                and tag != "denominator"):
            yield "pq-unit", node, _set_value("unit", None), pair
            yield "pq-value", node, _set_value("value", None), pair
            yield "pq-ucum", node, _set_value("unit", "mgg"), frozenset({"ICH-UCUM"})
        if system == k.MEDDRA_OID and node.get("code") and node.get("codeSystemVersion"):
            yield "meddra-version", node, _set_value("codeSystemVersion", None), pair
            yield "meddra-code", node, _set_value("code", None), ANY_ERROR
            yield "meddra-version-format", node, _set_value("codeSystemVersion", "25"), meddra
            yield "meddra-code-format", node, _set_value("code", "1002"), meddra
        if system == k.COUNTRY_OID and node.get("code"):
            yield "country", node, _set_value("code", "XX"), frozenset({"ICH-COUNTRY"})
        if system in lists and node.get("code"):
            yield "codelist", node, _set_value("code", "77"), frozenset({"ICH-CODE"})
            yield "nf-beside-value", node, lambda el: el.set("nullFlavor", "UNK"), \
                frozenset({"ICH-NF"})
        if node.get("language"):
            yield "language", node, _set_value("language", "english"), frozenset({"ICH-LANG"})
        if (tag == "id" and node.get("extension")
                and node.get("root", "").startswith("2.16.840.1.113883.3.989.")):
            yield "id-extension", node, _set_value("extension", None), ANY_ERROR


def generated_mutants() -> dict[str, Mutant]:
    out: dict[str, Mutant] = {}
    seen: set[tuple[str, str]] = set()
    for name in EXAMPLES:
        root = _original(name)
        tree = root.getroottree()
        message = root.find(f"{{{k.HL7_NS}}}PORR_IN049016UV")
        data = extract(message)
        for group in data.groups():
            for element, hits in group.fields.items():
                hit = next((h for h in hits if h.value is not None), None)
                if hit is None or hit.node is None:
                    continue
                for fault, change, expect in _element_faults(element, hit, _attr_of(element)):
                    if (element, fault) not in seen:
                        seen.add((element, fault))
                        out[f"{element}:{fault}:{name}"] = Mutant(
                            name, _at(tree.getpath(hit.node), change), expect)
        for fault, node, change, expect in _datatype_faults(message):
            key = (_context(node), fault)
            if key not in seen:
                seen.add(key)
                out[f"{key[0]}:{fault}:{name}"] = Mutant(name, _at(tree.getpath(node), change),
                                                         expect)
    return out
