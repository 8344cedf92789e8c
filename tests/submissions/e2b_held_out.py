"""Held-out style single-fault mutants of FDA's ten example ICSRs (issue #17).

Built from the examples in tests/data and FDA's element table bundled with pv: one mutant per
(element, fault kind) from the first example, in turn, that carries the element and stays
schema-valid, and each hand-written cross-element fault on up to two examples. Scenario 6
(FDA's "all elements" instance) is used with its base64 attachments cut to 76 characters, so
its 2 MB do not slow every mutant down; the cut copy is itself checked to be accepted.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from submissions.e2b.validate import schema

from .e2b_held_struct import FAULTS
from .e2b_held_table import EXTRA, NS, edits, table_rows

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "e2b" / "examples" / "fda" / "icsr"
_STRUCT_EXAMPLES = 2


class HeldMutant(NamedTuple):
    name: str  # "FAERS2022Scenario1:C.1.3#0:code-out-of-list"
    example: str
    element: str  # element id, or the cross-element fault's name
    kind: str
    xml: bytes


def example_paths() -> list[Path]:
    return sorted(EXAMPLES.glob("*.xml"), key=lambda path: path.stat().st_size)


def light(doc: etree._ElementTree) -> etree._ElementTree:
    """The example with long base64 attachments cut (a valid base64 prefix)."""
    doc = copy.deepcopy(doc)
    for el in doc.xpath("//h:text[@representation='B64']", namespaces=NS):
        if el.text and len(el.text) > 76:
            el.text = el.text.strip()[:76]
        for child in el:  # FDA puts the data after a <reference> naming the file
            if child.tail and len(child.tail) > 76:
                child.tail = child.tail.strip()[:76]
    return doc


@lru_cache(maxsize=1)
def light_examples() -> tuple[tuple[str, etree._ElementTree], ...]:
    return tuple((path.stem, light(etree.parse(str(path)))) for path in example_paths())


def _bytes(tree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8")


@lru_cache(maxsize=1)
def held_mutants() -> tuple[HeldMutant, ...]:
    xsd = schema("icsr")
    docs = light_examples()
    out: list[HeldMutant] = []
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate((*table_rows(), *EXTRA)):
        start = number % len(docs)  # rows take turns at being tried on each example first
        for name, doc in docs[start:] + docs[:start]:
            for edit in edits(doc, row):
                if (row.element, edit.kind) in seen:
                    continue
                tree = copy.deepcopy(doc)
                if edit.apply(tree.xpath(edit.path)[0]) is False or not xsd.validate(tree):
                    continue
                seen.add((row.element, edit.kind))
                out.append(HeldMutant(f"{name}:{edit.element}:{edit.kind}", name, row.element,
                                      edit.kind, _bytes(tree)))
    for fault_name, fault in FAULTS.items():
        made = 0
        for name, doc in docs:
            if made == _STRUCT_EXAMPLES:
                break
            tree = copy.deepcopy(doc)
            try:
                if fault(tree) is False:
                    continue
            except (AttributeError, TypeError, KeyError, IndexError, ValueError):
                continue  # the example lacks what the fault needs
            if not xsd.validate(tree):
                continue
            made += 1
            out.append(HeldMutant(f"{name}:{fault_name}", name, fault_name, "cross-element",
                                  _bytes(tree)))
    return tuple(out)
