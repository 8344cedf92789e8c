"""Restricted XPath compiled into a trie and walked once per block (the extractor's engine).

The element tables in `extract.py` are child steps in the HL7 namespace with simple predicates
(`[@a='x']`, `[h:code/@code='x']`, `[not(@a='x')]`, `[starts-with(@a,'x')]`, `[@a]`, `[n]`).
"""

from __future__ import annotations

from typing import NamedTuple

from .xmlutil import q


class Keyed(NamedTuple):
    """A field found through a per-group index of coded observations instead of an XPath.

    Most E2B values hang off sibling observations told apart only by their code
    (`outboundRelationship2/observation[code=27]/value` ...). Indexing those siblings once per
    group by (code, codeSystem) replaces a dozen predicate XPaths, the validator's hot spot.
    """

    container: str  # key into CONTAINERS
    code: str
    system: str
    tail: tuple[str, ...]  # child tags from the observation down to the value element
    attr: str  # attribute holding the value, "" for text

# --- Path evaluation -----------------------------------------------------------------------
# The tables above are restricted XPath: child steps in the HL7 namespace with simple predicates.
# Running ~100 compiled XPaths per message was the validator's hot spot (each call sets up an
# XPath context). Instead every table is compiled once into a trie of steps and a message is
# walked once per block, sharing common prefixes (`{IE}/...`, the sender, the drug's kind of
# product). The walk reproduces XPath's node-set for these paths exactly: child axis only, so
# results come out in document order without duplicates.

class _Pred(NamedTuple):
    kind: str  # "eq", "ne", "has", "starts", "rel", "pos"
    attr: str = ""
    value: str = ""
    path: tuple[str, ...] = ()  # Clark tags of a relative path ("rel"), or () ; pos in value


def _split(text: str, sep: str) -> list[str]:
    """Split on `sep` outside brackets, parentheses and quotes."""
    parts, depth, quote, current = [], 0, "", []
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == sep and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _name(step: str) -> str:
    if not step.startswith("h:") or not step[2:].replace("_", "").isalnum():
        raise ValueError(f"unsupported XPath step {step!r}")
    return q(step[2:])


def _literal(text: str) -> str:
    if len(text) < 2 or text[0] != "'" or text[-1] != "'" or "'" in text[1:-1]:
        raise ValueError(f"unsupported XPath literal {text!r}")
    return text[1:-1]


_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def _attr_name(text: str) -> str:
    if text == "@xsi:type":
        return _XSI_TYPE
    if not text.startswith("@") or not text[1:].isalnum():
        raise ValueError(f"unsupported XPath attribute {text!r}")
    return text[1:]


def _predicate(text: str) -> _Pred:
    if text.isdigit():
        return _Pred("pos", value=text)
    if text.startswith("not(") and text.endswith(")"):
        attr, literal = text[4:-1].split("=", 1)
        return _Pred("ne", _attr_name(attr), _literal(literal))
    if text.startswith("starts-with(") and text.endswith(")"):
        attr, literal = text[12:-1].split(",", 1)
        return _Pred("starts", _attr_name(attr), _literal(literal))
    if "=" not in text:
        return _Pred("has", _attr_name(text))
    left, literal = text.split("=", 1)
    steps = left.split("/")
    if len(steps) == 1:
        return _Pred("eq", _attr_name(left), _literal(literal))
    return _Pred("rel", _attr_name(steps[-1]), _literal(literal),
                 tuple(_name(step) for step in steps[:-1]))


def _brackets(text: str) -> list[str]:
    """"[a][b='x]']" -> ["a", "b='x]'"]: the predicates of one step."""
    preds, depth, quote, start = [], 0, "", 0
    for position, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char == "'":
            quote = char
        elif char == "[":
            depth += 1
            if depth == 1:
                start = position + 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                preds.append(text[start:position])
        elif depth == 0:
            raise ValueError(f"unsupported XPath predicate list {text!r}")
    return preds


def _steps(path: str) -> list[tuple[str, tuple[_Pred, ...]]]:
    steps = []
    for raw in _split(path, "/"):
        name, bracket, rest = raw.partition("[")
        preds = tuple(_predicate(text) for text in _brackets(bracket + rest))
        if any(pred.kind == "pos" for pred in preds[:-1]):
            raise ValueError(f"a positional predicate must come last in {raw!r}")
        steps.append((_name(name), preds))
    return steps


def _rel_values(el, tags: tuple[str, ...], attr: str) -> list[str]:
    """Every `attr` reached from `el` along the child path `tags`."""
    tag, rest = tags[0], tags[1:]
    values = []
    for child in el.iterchildren(tag):
        if rest:
            values.extend(_rel_values(child, rest, attr))
        else:
            value = child.get(attr)
            if value is not None:
                values.append(value)
    return values


def _passes(el, preds: tuple[_Pred, ...], memo: dict) -> bool:
    """`memo` caches relative-path values for `el`: sibling steps such as
    `observation[h:code/@code='5']` and `observation[h:code/@code='32']` read `code` once."""
    for pred in preds:
        kind = pred.kind
        if kind == "eq":
            if el.get(pred.attr) != pred.value:
                return False
        elif kind == "rel":
            key = (pred.path, pred.attr)
            values = memo.get(key)
            if values is None:
                values = memo[key] = _rel_values(el, pred.path, pred.attr)
            if pred.value not in values:
                return False
        elif kind == "ne":
            if el.get(pred.attr) == pred.value:
                return False
        elif kind == "has":
            if el.get(pred.attr) is None:
                return False
        elif kind == "starts" and not (el.get(pred.attr) or "").startswith(pred.value):
            return False
    return True


class _Node:
    """One trie step: children of the context element with this tag that pass `preds`."""

    __slots__ = ("key", "preds", "position", "targets", "children")

    def __init__(self, preds: tuple[_Pred, ...]):
        self.key = preds
        self.position = int(preds[-1].value) if preds and preds[-1].kind == "pos" else 0
        self.preds = preds[:-1] if self.position else preds
        self.targets: list[str] = []  # result keys collected at this step
        self.children: dict[str, list[_Node]] = {}  # tag -> steps below


# A compiled level: ({tag: (result keys, level below)} for steps without predicates,
#                    {tag: ((predicates, position, result keys, level below), ...)})
_Level = tuple


def _trie(paths: dict[str, str]) -> _Level:
    """`a | b` gives one key two alternative paths (an element with two HL7 shapes)."""
    root: dict[str, list[_Node]] = {}
    for key, alternatives in paths.items():
        for path in alternatives.split(" | "):
            level, node = root, None
            for tag, preds in _steps(path):
                nodes = level.setdefault(tag, [])
                node = next((n for n in nodes if n.key == preds), None)
                if node is None:
                    node = _Node(preds)
                    nodes.append(node)
                level = node.children
            node.targets.append(key)
    return _freeze(root)


def _freeze(level: dict[str, list[_Node]]) -> _Level:
    """Steps without predicates (most of them) go to `simple`, the rest to `guarded`."""
    simple, guarded = {}, {}
    for tag, nodes in level.items():
        frozen = tuple((n.preds, n.position, tuple(n.targets), _freeze(n.children))
                       for n in nodes)
        if len(frozen) == 1 and not frozen[0][0] and not frozen[0][1]:
            simple[tag] = frozen[0][2:]
        else:
            guarded[tag] = frozen
    return simple, guarded


def _walk(context, level: _Level, out: dict[str, list]) -> None:
    """Collect, per key, the elements its path selects below `context` (document order).

    One pass over the children of each element on the way, dispatching on the tag: cheaper
    than one XPath (or one `iterchildren(tag)`) per path step.
    """
    simple, guarded = level
    counts = None
    for child in context:
        tag = child.tag
        entry = simple.get(tag)
        if entry is not None:
            targets, below = entry
            for key in targets:
                found = out.get(key)
                if found is None:
                    out[key] = [child]
                else:
                    found.append(child)
            if below:
                _walk(child, below, out)
            continue
        nodes = guarded.get(tag)
        if nodes is None:
            continue
        memo: dict = {}
        for node in nodes:
            preds, position, targets, below = node
            if preds and not _passes(child, preds, memo):
                continue
            if position:  # h:given[1]: the n-th child passing the step (only [1] in tables)
                if counts is None:
                    counts = {}
                seen = counts[id(node)] = counts.get(id(node), 0) + 1
                if seen != position:
                    continue
            for key in targets:
                found = out.get(key)
                if found is None:
                    out[key] = [child]
                else:
                    found.append(child)
            if below:
                _walk(child, below, out)
