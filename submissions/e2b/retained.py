"""Received elements pv keeps verbatim: the long tail of E2B(R3) beside the typed snapshot.

pv models the elements it works with field by field (snapshot.py). Everything else a sender
put into an ICSR — C.4 literature, C.1.6.1.r attachments, C.1.10.r linked reports,
D.9 death, D.10 parent, F test results, G.k.2.4, G.k.4.r.7 lot context, G.k.10, FDA device
data, H.3, H.5, regional extensions such as `*.KR.*` — is kept as a `Kept` document on the
snapshot item it belongs to, so a re-export carries it unchanged (the "lossless case").

The unit is a child element of an *anchor*: an element the builder creates (the
investigationEvent, the patient role, one reaction, one drug, one dosage ...). On import,
`lossless.attach_kept` rebuilds the message from the typed snapshot and keeps, per anchor, every
received child that the rebuild does not reproduce (`keep`); the builder puts them back with
`restore`, after the built children of the same tag (the schema's order is taken from the order
the sender's element had). Text inside kept nodes is free text (names, narratives, test
results) and goes through the builder's scrubber; attributes are codes, ids, dates and numbers
and are copied as they are (a contact in a telecom is masked whole if the scrubber would
touch it; plain-text attachments are scrubbed inside their base64). `MASKED` lists the
identity elements pv masks by policy before anything leaves (patient record numbers D.1.1.x,
the parent's identification D.10.1).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from . import constants as k
from .compare import canonical, identity

Scrub = Callable[[str], str]
_HL7 = f"{{{k.HL7_NS}}}"


@dataclass(frozen=True)
class Node:
    """One XML element: local tag (Clark name outside the HL7 namespace), attributes, text."""

    tag: str
    attrs: tuple[tuple[str, str], ...] = ()
    text: str = ""
    children: tuple[Node, ...] = ()

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.attrs if key == name), None)

    def to_json(self) -> list:
        return [self.tag, dict(self.attrs), self.text, [c.to_json() for c in self.children]]

    @classmethod
    def from_json(cls, data: list) -> Node:
        tag, attrs, text, children = data
        return cls(tag, tuple(attrs.items()), text, tuple(cls.from_json(c) for c in children))


@dataclass(frozen=True)
class Kept:
    """The children of one anchor element that the typed model does not hold."""

    order: tuple[str, ...]  # the anchor's child tags in the sender's order (schema order)
    nodes: tuple[Node, ...]
    # Canonical forms of children pv's rebuild makes that the sender's element did not have
    # (a partial copy of a kept child, a default pv would add): left out while they are
    # unchanged, so a kept child is never sent twice. A reviewer's change makes them differ,
    # and then pv's version is sent.
    drop: tuple[str, ...] = ()
    # Per kept node, the index in `drop` of the rebuilt child it stands in for (-1: none).
    replaces: tuple[int, ...] = ()

    def to_json(self) -> dict:
        return {"order": list(self.order), "nodes": [n.to_json() for n in self.nodes],
                "drop": list(self.drop), "replaces": list(self.replaces)}

    @classmethod
    def from_json(cls, data: dict) -> Kept:
        return cls(tuple(data["order"]), tuple(Node.from_json(n) for n in data["nodes"]),
                   tuple(data.get("drop", ())), tuple(data.get("replaces", ())))


def _tag(el) -> str:
    tag = el.tag
    return tag[len(_HL7):] if tag.startswith(_HL7) else tag


def node_of(el: etree._Element) -> Node:
    """The element as a Node: comments dropped, whitespace-only text dropped."""
    children = tuple(node_of(c) for c in el if isinstance(c.tag, str))
    text = el.text or ""
    if not text.strip():
        text = ""
    return Node(_tag(el), tuple(el.attrib.items()), text, children)


# Identity pv masks by policy, whoever sent it: (anchor, kept child tag) -> masking function.


def _masked_id(node: Node) -> Node:
    root = tuple((name, value) for name, value in node.attrs if name == "root")
    return Node("id", (*root, ("nullFlavor", "MSK")))


def _mask_record_number(node: Node) -> Node:  # D.1.1.1-4: the record number itself
    return Node(node.tag, node.attrs, "", tuple(
        _masked_id(c) if c.tag == "id" else c for c in node.children))


def _mask_parent(node: Node) -> Node:  # D.10.1: the parent's name or initials
    return Node(node.tag, node.attrs, node.text, tuple(
        Node(c.tag, c.attrs, c.text, tuple(
            Node("name", (("nullFlavor", "MSK"),)) if g.tag == "name" else g
            for g in c.children)) if c.tag == "associatedPerson" else c
        for c in node.children))


MASKED: dict[tuple[str, str], Callable[[Node], Node]] = {
    ("person", "asIdentifiedEntity"): _mask_record_number,
    ("person", "role"): _mask_parent,
}


def keep(original: etree._Element, built: etree._Element,
         sender_only: Callable[[etree._Element], bool], cache: dict | None = None,
         ) -> Kept | None:
    """The children of `original` that `built` (pv's typed rebuild) does not reproduce, except
    those pv re-creates as the sender (`sender_only`: C.1.1, C.2.r, C.3 ...). `cache`: see
    `compare.canonical` (safe while `built` changes only in elements not yet compared)."""
    spare: dict[str, list[etree._Element]] = {}
    for child in built:  # pv's own parts are pv's to write: never dropped
        if isinstance(child.tag, str) and not sender_only(child):
            spare.setdefault(canonical(child, cache), []).append(child)
    children = [c for c in original if isinstance(c.tag, str)]
    unmatched = []
    for child in children:
        if sender_only(child):
            continue
        same = spare.get(canonical(child, cache))
        if same:
            same.pop(0)
        else:
            unmatched.append(child)
    leftover = {id(c) for group in spare.values() for c in group}
    drops = [c for c in built if id(c) in leftover]
    # A kept child stands for the rebuilt child of the same kind (tag, id or code) that it
    # improves on; if that rebuilt child later changes (a reviewer's edit), pv's version wins.
    replaces, taken = [], set()
    for child in unmatched:
        index = next((i for i, d in enumerate(drops)
                      if i not in taken and identity(d) == identity(child)), -1)
        if index >= 0:
            taken.add(index)
        replaces.append(index)
    if not unmatched and not drops:
        return None
    order: list[str] = []
    for c in children:
        if _tag(c) not in order:
            order.append(_tag(c))
    return Kept(tuple(order), tuple(node_of(c) for c in unmatched),
                tuple(canonical(d, cache) for d in drops), tuple(replaces))


def _element(parent: etree._Element | None, node: Node, clean: Scrub) -> etree._Element:
    tag = node.tag if node.tag.startswith("{") else _HL7 + node.tag
    el = etree.Element(tag) if parent is None else etree.SubElement(parent, tag)
    for name, value in node.attrs:
        el.set(name, value)
    if node.tag == "telecom" and ":" in (node.get("value") or ""):
        # A contact is not a code: one the scrubber would touch is masked whole.
        scheme, contact = node.get("value").split(":", 1)
        if contact and clean(contact) != contact:
            el.set("value", f"{scheme}:")
            el.set("nullFlavor", "MSK")
    if node.text:
        el.text = _attachment(node, clean) if node.get("representation") == "B64" else clean(
            node.text)
    for child in node.children:
        _element(el, child, clean)
    return el


def _attachment(node: Node, clean: Scrub) -> str:
    """C.1.6.1.r.2 / C.4.r.2 documents: plain text is decoded, scrubbed and encoded again;
    other media (PDF ...) cannot be scrubbed as text and are forwarded as received."""
    media = node.get("mediaType") or "text/plain"
    if not media.startswith("text/") or node.get("compression"):
        return node.text
    try:
        text = base64.b64decode("".join(node.text.split()), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return node.text
    scrubbed = clean(text)
    if scrubbed == text:
        return node.text
    return base64.b64encode(scrubbed.encode("utf-8")).decode("ascii")


# Children the schema allows once per parent: a kept one gives way when pv's rebuild writes
# its own (say a dosage's effectiveTime received as nullFlavor ASKU, given dates by a reviewer).
SINGLE = frozenset({
    "effectiveTime", "value", "text", "title", "routeCode", "doseQuantity", "consumable",
    "administrativeGenderCode", "birthTime", "deceasedTime", "availabilityTime", "methodCode",
    "location", "statusCode",
})


def restore(el: etree._Element, kept: Kept | None, clean: Scrub, anchor: str = "") -> None:
    """Put kept children back into the built element `el`, in schema order."""
    if kept is None:
        return
    changed: set[int] = set()  # drops pv's rebuild no longer makes: a reviewer changed them
    if kept.drop:
        unwanted = dict(enumerate(kept.drop))
        tags = {key[1:].split(" ", 1)[0] for key in kept.drop}
        for child in list(el):
            if isinstance(child.tag, str) and child.tag in tags:  # canonical is not cheap
                key = canonical(child)
                index = next((i for i, k in unwanted.items() if k == key), None)
                if index is not None:
                    del unwanted[index]
                    el.remove(child)
        changed = set(unwanted)
    rank = {tag: i for i, tag in enumerate(kept.order)}
    built = {_tag(c) for c in el if isinstance(c.tag, str)}
    for index, node in enumerate(kept.nodes):
        if index < len(kept.replaces) and kept.replaces[index] in changed:
            continue
        if node.tag in SINGLE and node.tag in built:  # pv now writes it (a reviewer's value)
            continue
        mask = MASKED.get((anchor, node.tag))
        new = _element(None, mask(node) if mask else node, clean)
        mine = rank.get(node.tag, len(rank))
        position = 0
        for index, child in enumerate(el):
            if isinstance(child.tag, str) and rank.get(_tag(child), -1) <= mine:
                position = index + 1
        el.insert(position, new)

