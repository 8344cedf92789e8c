"""Parse untrusted XML safely: no DTDs, no entity expansion, no network, bounded size.

Incoming ICSRs and ACKs come from partners over the network. libxml2's defaults would load
DTDs and expand entities; a crafted file could then read local files (XXE), call out to the
network, or expand a few kilobytes into gigabytes ("billion laughs"). We refuse any document
that declares a DTD at all: E2B(R3) never needs one.
"""

from __future__ import annotations

from lxml import etree

MAX_BYTES = 50 * 1024 * 1024  # FDA's mega example with attachments is 2 MB; ESG caps far lower


class E2BParseError(ValueError):
    """The document is not acceptable XML (malformed, too large, DTD/entities, wrong root)."""


def _parser() -> etree.XMLParser:
    # huge_tree stays off: libxml2's own depth/size limits are a second line of defence.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        remove_comments=True, remove_pis=True,
    )


def parse_xml(data: bytes, *, max_bytes: int = MAX_BYTES) -> etree._Element:
    if len(data) > max_bytes:
        raise E2BParseError(f"document is {len(data)} bytes, larger than the {max_bytes} limit")
    try:
        tree = etree.fromstring(data, _parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        raise E2BParseError(f"malformed XML: {exc}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise E2BParseError("DTD/DOCTYPE declarations are not allowed (XXE / entity expansion)")
    root = tree.getroot()
    # An undeclared entity reference survives resolve_entities=False as an Entity node.
    for _node in root.iter(etree.Entity):
        raise E2BParseError("entity references are not allowed")
    return root


def read_file(path: str, *, max_bytes: int = MAX_BYTES) -> bytes:
    """Read at most max_bytes + 1 so a huge file is refused without loading it all."""
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise E2BParseError(f"{path} is larger than the {max_bytes}-byte limit")
    return data
