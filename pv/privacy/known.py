"""Registered members' values as one Aho–Corasick automaton over the joined token view.

`KnownValues` holds every member's name, email and phone (normalised as in
`pv.privacy.normalise`) so one pass over a text finds any of them, whatever the number of
members. What it matches, per member (the choice a data-protection officer would expect):

- names: the full name as a token sequence, joined or separated, in either order ("Jane Doe",
  "jane.doe", "JaneDoe", "Doe, Jane"), and first + last without middle names. A bare first or
  last name matches only for the member the text is about (`name_parts=True`): matching every
  member's first name would redact "Rose", "Hope" and "Will" from every narrative. Single-token
  registered names match only for that member.
- emails: local part + domain in any spelling (the token view drops "at"/"dot" and brackets);
  the local part alone when it is distinctive (has a digit or two parts: "jdoe1983",
  "jane.doe"), or for the member's own values.
- phones: the national significant number parsed by libphonenumber, with or without the
  country code, "00", the trunk "0" or "+44 (0)", any grouping, digits written as words.

Pure module: no Django. Build once per process (the services layer caches it and rebuilds when
members register); matching is C-speed and needs no per-member work.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick
import phonenumbers

from pv.privacy.normalise import TokenView, fold, value_tokens

# Value stored per key: (country code << 10) | (is_phone << 9) | key length.
_LEN_BITS = 9
_LEN_MASK = (1 << _LEN_BITS) - 1
_PHONE_BIT = 1 << _LEN_BITS
_MIN_OTHER_KEY = 5  # a joined full name shorter than this ("Al Li") is too likely a word
_MIN_PART = 2
_SMALL = 64


@dataclass(frozen=True)
class Hit:
    start: int  # joined-view offsets
    end: int


def _tokens(value: str) -> list[str]:
    return value_tokens(value)


def name_keys(name: str, *, parts: bool) -> set[str]:
    toks = _tokens(name)
    keys: set[str] = set()
    if len(toks) >= 2:
        first, last = toks[0], toks[-1]
        keys.update({"".join(toks), first + last, last + first, last + "".join(toks[:-1])})
    elif toks and parts:
        keys.add(toks[0])
    if parts:
        keys.update(t for t in toks if len(t) >= _MIN_PART and not t.isdigit())
    return {k for k in keys if parts or len(k) >= _MIN_OTHER_KEY}


def email_keys(email: str, *, parts: bool) -> set[str]:
    local, _, domain = email.strip().rpartition("@")
    if not local:
        return {k for k in ["".join(_tokens(email))] if len(k) >= _MIN_OTHER_KEY}
    local_toks = _tokens(local)
    local_key = "".join(local_toks)
    keys = {local_key + "".join(_tokens(domain))}
    has_digit = any(c.isdigit() for c in local_key)
    distinctive = len(local_key) >= 6 and (len(local_toks) > 1 or has_digit)
    if distinctive or (parts and len(local_key) >= 3):
        keys.add(local_key)
    return {k for k in keys if len(k) >= 3}


def phone_key(phone: str, default_region: str) -> tuple[str, int] | None:
    """(national significant number, country code) of a registered phone (cc 0: unparsed)."""
    text = fold(phone).text.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < 7:
        return None
    if text.startswith(("+", "00")):
        # International form: split the country code off with libphonenumber's own table
        # (what its parser does first), which is all the matching needs and much cheaper than
        # a full parse when every member's phone is read at start-up.
        rest = digits[2:] if text.startswith("00") else digits
        for n in (1, 2, 3):
            if int(rest[:n]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
                nsn = rest[n:]
                # "+44 (0)20 ...": the trunk 0 is not part of the number (Italy keeps it).
                if nsn.startswith("0") and rest[:n] != "39":
                    nsn = nsn[1:]
                return (nsn, int(rest[:n])) if len(nsn) >= 6 else (digits, 0)
        return digits, 0
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else default_region)
    except phonenumbers.NumberParseException:
        return digits, 0
    nsn = phonenumbers.national_significant_number(number)
    return (nsn, number.country_code) if len(nsn) >= 6 else (digits, 0)


def _prefixes(cc: int) -> tuple[str, ...]:
    """What may stand before a national number: trunk 0, +cc, 00cc, +cc (0), 00cc (0)."""
    if not cc:
        return ()
    c = str(cc)
    return (f"00{c}0", f"00{c}", f"{c}0", c, "0")


class KnownValues:
    """An automaton of normalised values; `find` returns accepted matches in a token view."""

    def __init__(self, *, default_region: str = "GB") -> None:
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self._default_region = default_region
        self.members = 0
        self._ready = False
        self._pending: dict[str, int] = {}
        # A handful of keys (one member's own values) are found with str.find: building an
        # automaton for them would cost more than it saves.
        self._small: list[tuple[str, int]] | None = None

    @classmethod
    def build(
        cls,
        identities: Iterable[Iterable[str]],
        *,
        name_parts: bool = False,
        default_region: str = "GB",
    ) -> KnownValues:
        """From (name, email, phone) triples; `name_parts` for the case member's own values."""
        known = cls(default_region=default_region)
        for values in identities:
            known.add(*values, name_parts=name_parts)
        known.finish()
        return known

    def add(self, *values: str, name_parts: bool = False) -> None:
        """One member's values (name, email, phone, ... in any order)."""
        if self._ready:
            raise RuntimeError("KnownValues is finished; build a new one to add members")
        self.members += 1
        for value in values:
            if not value or not value.strip():
                continue
            digits = sum(map(str.isdigit, value))
            letters = sum(map(str.isalpha, value))
            if "@" in value:
                for key in email_keys(value, parts=name_parts):
                    self._add(key, 0)
            elif digits >= 7 and letters <= 3:
                parsed = phone_key(value, self._default_region)
                if parsed:
                    self._add(parsed[0], (parsed[1] << (_LEN_BITS + 1)) | _PHONE_BIT)
            elif letters:
                # Parts only of names: an address's "St" or "13" must not match on its own.
                parts = name_parts and digits == 0
                for key in name_keys(value, parts=parts):
                    self._add(key, 0)
                if name_parts and digits:
                    self._add("".join(_tokens(value)), 0)

    def _add(self, key: str, flags: int) -> None:
        if key and len(key) <= _LEN_MASK:
            self._pending[key] = flags | len(key)

    def finish(self) -> None:
        if len(self._pending) <= _SMALL:
            self._small = list(self._pending.items())
        else:
            for key, value in self._pending.items():
                self._automaton.add_word(key, value)
            self._automaton.make_automaton()
        self._pending = {}
        self._ready = True

    def __len__(self) -> int:
        """Number of keys."""
        return len(self._small) if self._small is not None else len(self._automaton)

    def _iter(self, joined: str) -> Iterator[tuple[int, int]]:
        """(index of the last character, stored flags) of every key occurrence."""
        if not self._ready:
            return
        if self._small is not None:
            for key, flags in self._small:
                pos = joined.find(key)
                while pos >= 0:
                    yield pos + len(key) - 1, flags
                    pos = joined.find(key, pos + 1)
        else:
            yield from self._automaton.iter(joined)

    def has_hits(self, joined: str) -> bool:
        """Cheap pre-check on the joined string: does any key occur at all?"""
        if self._small is not None:
            return any(key in joined for key, _ in self._small)
        return self._ready and next(self._automaton.iter(joined), None) is not None

    def find(self, view: TokenView) -> Iterator[Hit]:
        joined = view.joined
        for last, flags in self._iter(joined):
            end = last + 1
            start = end - (flags & _LEN_MASK)
            if not _boundary(view, end, at_end=True):
                continue
            if _boundary(view, start, at_end=False):
                yield Hit(start, end)
            elif flags & _PHONE_BIT:
                for prefix in _prefixes(flags >> (_LEN_BITS + 1)):
                    begin = start - len(prefix)
                    if begin >= 0 and joined[begin:start] == prefix and _boundary(
                        view, begin, at_end=False
                    ):
                        yield Hit(begin, end)
                        break


class KnownLayers:
    """Several KnownValues matched as one: the full build plus the members registered or
    changed since, so a registration does not rebuild the whole automaton."""

    def __init__(self, *layers: KnownValues | None) -> None:
        self.layers = [layer for layer in layers if layer is not None]

    @property
    def members(self) -> int:
        return sum(layer.members for layer in self.layers)

    def has_hits(self, joined: str) -> bool:
        return any(layer.has_hits(joined) for layer in self.layers)

    def find(self, view: TokenView) -> Iterator[Hit]:
        for layer in self.layers:
            yield from layer.find(view)


def _boundary(view: TokenView, pos: int, *, at_end: bool) -> bool:
    """A key must start and end on token edges, or where letters meet digits ("jane1983")."""
    joined = view.joined
    if pos <= 0 or pos >= len(joined):
        return True
    if pos in (view.token_end if at_end else view.token_start):
        return True
    return joined[pos - 1].isdigit() != joined[pos].isdigit()
