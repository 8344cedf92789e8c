"""Compare two ICSR messages data element by data element (what a re-export changed).

The comparison is canonical: comments, whitespace between elements and `displayName`
(a code's label, not a data element) are ignored; sibling order matters only among elements of
the same tag that carry no code to tell them apart. Every difference is labelled with the E2B
data element it falls in, found by running FDA's element table (one XPath per element) on the
message, or with its path when no element of the table covers it.

    for diff in compare_messages(received_xml, exported_xml):
        print(diff)          # "[C.5.4] .../researchStudy/code@code: '2' -> missing"
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from . import constants as k
from .rules import FDA_TABLE
from .safexml import parse_xml

# displayName labels a code; schemaLocation is a hint to tools (neither is a data element).
IGNORED_ATTRS = frozenset({"displayName", f"{{{k.XSI_NS}}}schemaLocation"})
# A code list's own version (codeSystemVersion on ICH/FDA code-list codes) says which edition of
# the list the sender used; it is not a data element, so a re-sender may write its own.
CODE_LIST_PREFIXES = (f"{k.ICH}.1.", "2.16.840.1.113883.3.989.5.1.2.")
MISSING = "missing"


@dataclass(frozen=True)
class Difference:
    element: str  # E2B data element id, or "?" when the table does not cover the place
    path: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"[{self.element}] {self.path}: {self.before!r} -> {self.after!r}"


def _plain(root: etree._Element) -> etree._Element:
    """A namespace-free copy without comments (so FDA's prefix-less XPaths run as written)."""
    copy = etree.fromstring(etree.tostring(root))
    for node in list(copy.iter(etree.Comment, etree.ProcessingInstruction)):
        parent = node.getparent()
        if parent is not None:
            if node.tail and node.tail.strip():
                previous = node.getprevious()
                if previous is not None:
                    previous.tail = (previous.tail or "") + node.tail
                else:
                    parent.text = (parent.text or "") + node.tail
            parent.remove(node)
    for el in copy.iter():
        if isinstance(el.tag, str) and el.tag.startswith(f"{{{k.HL7_NS}}}"):
            el.tag = el.tag.split("}", 1)[1]
    etree.cleanup_namespaces(copy)
    return copy


_INDEX = re.compile(r"\[(?:r|i|j|k|n|[a-z]\.?[a-z]?)\]")


@lru_cache(maxsize=1)
def _label_paths() -> tuple[tuple[str, etree.XPath], ...]:
    """(element id, compiled XPath to its element) from FDA's table, most specific first."""
    out = []
    with FDA_TABLE.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows[2:]:
        if len(row) < 34 or not row[2].strip() or not row[32].startswith(("/", "substring(")):
            continue
        element = row[2].strip()
        if element.startswith("("):  # a section's own row: "(Header)" -> "C.5"
            element = row[1].strip()
        for raw in (row[32], row[33]):
            path = raw.strip()
            if path.startswith("substring("):
                path = path[len("substring("):].split(",")[0]
            path = _INDEX.sub("", path.replace("\n", ""))
            path = re.sub(r"/(?:@[\w:]+|text\(\))$", "", path)
            path = re.sub(r"^/MCCI_IN200100UV01\[[^/]*\]", "/MCCI_IN200100UV01", path)
            try:
                out.append((element, etree.XPath(path, namespaces={"xsi": k.XSI_NS})))
            except etree.XPathError:
                continue
    return tuple(out)


def _labels(root: etree._Element) -> dict[etree._Element, str]:
    found: dict[etree._Element, str] = {}
    for element, path in _label_paths():
        try:
            nodes = path(root)
        except etree.XPathError:
            continue
        for node in nodes if isinstance(nodes, list) else ():
            if isinstance(node, etree._Element):
                found.setdefault(node, element)
    return found


def _label(node: etree._Element, labels: dict) -> str:
    """The element a node belongs to: its own, its first labelled descendant's, an ancestor's."""
    for inner in node.iter():
        if inner in labels:
            return labels[inner]
    node = node.getparent()
    while node is not None:
        if node in labels:
            return labels[node]
        node = node.getparent()
    return "?"


def _attrs(el: etree._Element) -> dict[str, str]:
    attrs = {key: value for key, value in el.attrib.items() if key not in IGNORED_ATTRS}
    if attrs.get("mediaType") == "text/plain":  # ED's default media type, written or not
        del attrs["mediaType"]
    system = attrs.get("codeSystem", "")
    if "codeSystemVersion" in attrs and system.startswith(CODE_LIST_PREFIXES):
        del attrs["codeSystemVersion"]
    return attrs


def _text(el: etree._Element) -> str:
    return (el.text or "").strip()


def canonical(el: etree._Element, cache: dict | None = None) -> str:
    """One string per subtree; equal strings mean equal data. `cache` (element -> string) may
    be shared by callers that compare nested subtrees of trees they do not change meanwhile."""
    if cache is not None:
        known = cache.get(el)
        if known is not None:
            return known
    parts = [el.tag, repr(sorted(_attrs(el).items())), repr(_text(el))]
    parts.extend(sorted(canonical(child, cache) for child in el if isinstance(child.tag, str)))
    text = "(" + " ".join(parts) + ")"
    if cache is not None:
        cache[el] = text
    return text


_SINGLE = {"MCCI_IN200100UV01", "PORR_IN049016UV", "controlActProcess", "subject",
           "investigationEvent", "adverseEventAssessment", "subject1", "primaryRole"}


def _key(el: etree._Element) -> tuple:
    """What tells same-tag siblings apart: their id, their code, or their first child's."""
    if el.tag.rsplit("}", 1)[-1] in _SINGLE:  # one of a kind: nothing to tell apart
        return (el.tag,)
    probe = [el, *[c for c in el if isinstance(c.tag, str)][:1]]
    for node in probe:
        for child in node:
            if not isinstance(child.tag, str):
                continue
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "id" and child.get("root"):
                return (el.tag, child.get("root"))
            if tag == "code" and child.get("code"):
                return (el.tag, child.get("code"), child.get("codeSystem"))
    return (el.tag,)


def identity(el: etree._Element) -> tuple:
    """Namespace-free `_key`: which of its same-tag siblings an element is."""
    return tuple(part.split("}", 1)[-1] if isinstance(part, str) else part for part in _key(el))


def _step(el: etree._Element) -> str:
    key = _key(el)
    return el.tag + (f"[{key[1]}]" if len(key) > 1 else "")


def _pair(a_children: list, b_children: list) -> tuple[list, list, list]:
    """Pairs of children to recurse into, plus the unpaired ones on each side."""
    b_left = list(b_children)
    pairs, only_a = [], []
    by_canon = defaultdict(list)
    for child in b_left:
        by_canon[canonical(child)].append(child)
    rest = []
    for child in a_children:  # identical subtrees first, wherever they are
        same = by_canon.get(canonical(child))
        if same:
            b_left.remove(same.pop(0))
        else:
            rest.append(child)
    for child in rest:  # then the first same-key sibling, in order
        match = next((b for b in b_left if _key(b) == _key(child)), None)
        if match is None:
            only_a.append(child)
        else:
            b_left.remove(match)
            pairs.append((child, match))
    return pairs, only_a, b_left


_SHORT = (("/MCCI_IN200100UV01/PORR_IN049016UV/controlActProcess/subject/investigationEvent",
           "IE"), ("IE/component/adverseEventAssessment/subject1/primaryRole", "PAT"),
          ("IE/component/adverseEventAssessment", "AEA"))


def _walk(a, b, path: str, la: dict, lb: dict, out: list[Difference]) -> None:
    here = f"{path}/{_step(a)}"
    for long, short in _SHORT:
        if here == long:
            here = short
    attrs_a, attrs_b = _attrs(a), _attrs(b)
    for name in sorted(set(attrs_a) | set(attrs_b)):
        if attrs_a.get(name) != attrs_b.get(name):
            attr = name.split("}", 1)[-1]
            out.append(Difference(_label(a, la), f"{here}@{attr}",
                                  attrs_a.get(name, MISSING), attrs_b.get(name, MISSING)))
    if _text(a) != _text(b):
        out.append(Difference(_label(a, la), f"{here}/text()", _text(a)[:80], _text(b)[:80]))
    kids_a = [c for c in a if isinstance(c.tag, str)]
    kids_b = [c for c in b if isinstance(c.tag, str)]
    pairs, only_a, only_b = _pair(kids_a, kids_b)
    for child_a, child_b in pairs:
        _walk(child_a, child_b, here, la, lb, out)
    for child in only_a:
        out.append(Difference(_label(child, la), f"{here}/{_step(child)}", _summary(child),
                              MISSING))
    for child in only_b:
        out.append(Difference(_label(child, lb), f"{here}/{_step(child)}", MISSING,
                              _summary(child)))



def _summary(el: etree._Element) -> str:
    return canonical(el)[:120]


def compare_messages(original: bytes | etree._Element, exported: bytes | etree._Element,
                     ) -> list[Difference]:
    """Every data-element difference between two batches (or two messages)."""
    roots = []
    for doc in (original, exported):
        root = parse_xml(doc) if isinstance(doc, bytes) else doc
        roots.append(_plain(root))
    a, b = roots
    out: list[Difference] = []
    _walk(a, b, "", _labels(a), _labels(b), out)
    return out


__all__ = ["Difference", "canonical", "compare_messages"]
