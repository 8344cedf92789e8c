"""Scrub outbound free text of Restricted values, contact details, birth dates and third parties.

Pure module (no Django): the E2B builder, exports, partner views and intake call it on every
piece of free text that leaves the platform or is stored. The policy (DESIGN.md, "Shared Data",
"Guarantees") is that partners get de-identified text:

- the case member's own name, e-mail and phone, and their first or last name alone (members
  sign with a first name);
- any registered member's full name, e-mail or phone (`known`, an automaton over all members'
  values; see `pv.privacy.known` for what matches and why);
- anything that looks like contact information (e-mail in any spelling, phone numbers found by
  libphonenumber, URLs, handles, street addresses, UK postcodes);
- exact birth dates (reduced to the year) and third parties' names next to family words
  (`pv.privacy.personal`).

Matching happens on a normalised view (NFKC, look-alike letters, zero-width characters, case,
digit words; `pv.privacy.normalise`); redaction replaces the ORIGINAL span, so what is left
reads as the writer wrote it.

Scrubbing is deliberately greedy. A false positive costs a few words of narrative; a false
negative leaks Restricted Data to a regulator or sponsor, which the privacy policy forbids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import phonenumbers

from pv.privacy import personal
from pv.privacy.known import KnownLayers, KnownValues
from pv.privacy.normalise import (
    FILLERS,
    TAIL,
    TOKEN,
    Folded,
    digit_count,
    digit_view,
    fast_tokens,
    fold,
    joined,
    token_view,
    value_view,
)

MARKER = "[redacted]"

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Spelled-out e-mails: "jane dot doe at example dot com", "a (at) b [dot] org", "a.b at c.com".
# The word "at" alone is everyday English, so a spelled address must end in a known TLD.
_TLDS = (
    "com|org|net|edu|gov|info|biz|io|co|me|eu|uk|de|fr|nl|be|ch|at|es|it|pt|ie|se|no|dk|fi|pl|"
    "cz|ca|us|au|nz|in|jp|br|mx|ru"
)
_PART = r"[a-z0-9_%+-]+"
_AT = r"(?:\s*@\s*|\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*|\s+at\s+(?:sign\s+)?)"
_DOT = r"(?:\.|\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*|\s+(?:dot|point)\s+|\s+\.\s+)"
# Matched on the lower-cased text, outwards from each "at": the domain forwards, the local
# part backwards (a regex that tried every word as a local part would be slow).
_AT_SPAN = re.compile(_AT)
_DOMAIN = re.compile(rf"{_PART}(?:{_DOT}{_PART})*{_DOT}(?:{_TLDS})\b")
_LOCAL = re.compile(rf"\b{_PART}(?:{_DOT}{_PART})*\Z")
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"']+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_]{3,}")
_DATE_LIKE = re.compile(
    r"\d{4}[-/. ]\d{1,2}[-/. ]\d{1,2}|\d{1,2}[-/. ]\d{1,2}[-/. ]\d{2,4}|\d{8}|\d{4}\s*[-/]\s*\d{4}"
)
_DECIMAL = re.compile(r"\d+[.,]\d+")
_DIGITS = re.compile(r"\d+")
# Stretches of seven digits or more with phone separators between them: the only places a
# phone number can be, so the per-group work runs on them alone.
_CANDIDATE = re.compile(r"\d(?:[\s().\-/,+\x00]*\d){6,}")
# Between the digit groups of a phone number; a comma only between spelled digits.
_PHONE_GAP = re.compile(r"[\s().\-/]*")
_WORD_GAP = re.compile(r"[\s,.\-]*")
# Regions whose national formats (no country code) count as phone numbers.
PHONE_REGIONS = ("GB", "US", "DE", "FR", "NL", "IE", "AU")
# Street suffixes that are unambiguous words match in any case ("13 elm street"); short or
# everyday ones ("St", "Dr", "Way", "Place") only in Capitalised addresses, so "2 pills as told
# by dr" or "3 days all the way" stay readable.
_STREET_WORDS = (
    r"street|avenue|road|boulevard|lane|drive|court|terrace|square|crescent|highway|parkway|"
    r"strasse|gardens|grove"
)
_STREET_CAPITALISED = r"St|Rd|Dr|Ln|Ct|Ave|Sq|Blvd|Hwy|Pkwy|Way|Place|Pl|Close|Row|Walk|Mews"
# "13 Elm St.", "221B Baker Street", "49 Main St. Building 2030A": a house number, one to four
# words, a street suffix. Street names without a number are not detectable without a gazetteer.
_STREET = re.compile(  # on the lower-cased text
    rf"\b\d{{1,5}}[a-z]?,?\s+(?:[^\W\d_][\w'.-]*\s+){{1,4}}(?:{_STREET_WORDS})\b\.?"
)
_STREET_CAPS = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][\w'.-]*\s+){{1,4}}(?:{_STREET_CAPITALISED})\b\.?"
)
_STREET_WORD_SET = frozenset(_STREET_WORDS.split("|"))
_STREET_CAPS_WORDS = frozenset(_STREET_CAPITALISED.lower().split("|"))
_POSTCODE_GATE = re.compile(r"[A-Z]\d")
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b")

Span = tuple[int, int, str]  # original start, end, replacement


def scrub_text(
    text: str,
    restricted_values: Iterable[str] = (),
    *,
    known: KnownValues | KnownLayers | None = None,
) -> str:
    """Return `text` with Restricted values, contact details, birth dates and third-party names
    replaced (MARKER; a birth date by its year).

    `restricted_values` are the case member's own vault values (name, e-mail, phone, ...): they
    match in any spelling, and the parts of a name match alone. `known` holds every registered
    member's values (`KnownValues.build`); their full names, e-mails and phones match.
    """
    if not text:
        return text
    folded = fold(text)
    ft = folded.text
    lowered = ft.lower()
    # The views (pv.privacy.normalise) are built only as far as the text needs: most text has
    # no digit word, no "at"/"dot", no registered value and no seven-digit stretch.
    runs = fast_tokens(lowered)
    words = set(runs)
    for run in runs:
        if not (run.isalpha() or run.isdigit()):  # "20mg", "+49three": its words count too
            words.update(TOKEN.findall(run))
    digits = digit_view(lowered, words)
    if digits is not lowered:
        runs = fast_tokens(digits)
    has_fillers = not words.isdisjoint(FILLERS)
    values = value_view(digits) if has_fillers else digits
    flat = joined(values) if has_fillers else "".join(runs)
    spans: list[Span] = []  # in folded coordinates

    own = _own_values(
        restricted_values if isinstance(restricted_values, tuple) else tuple(restricted_values)
    )
    automata = [k for k in (own, known) if k is not None and k.has_hits(flat)]
    if automata:
        view = token_view(values)
        for automaton in automata:
            spans.extend((*view.span(h.start, h.end), MARKER) for h in automaton.find(view))

    if "@" in ft:
        spans.extend((*m.span(), MARKER) for m in _EMAIL.finditer(ft))
        spans.extend((*m.span(), MARKER) for m in _HANDLE.finditer(ft))
    if "at" in words or "@" in ft:
        spans.extend((s, e, MARKER) for s, e in _spelled_emails(lowered))
    if "://" in ft or "www." in lowered:
        spans.extend((*m.span(), MARKER) for m in _URL.finditer(ft))
    n_digits = digit_count(digits)
    if n_digits:
        if n_digits >= 7:
            spans.extend((s, e, MARKER) for s, e in _phone_spans(ft, digits))
        if not words.isdisjoint(_STREET_WORD_SET):
            spans.extend((*m.span(), MARKER) for m in _STREET.finditer(lowered))
        if not words.isdisjoint(_STREET_CAPS_WORDS):
            spans.extend((*m.span(), MARKER) for m in _STREET_CAPS.finditer(ft))
        if _POSTCODE_GATE.search(ft):
            spans.extend((*m.span(), MARKER) for m in _UK_POSTCODE.finditer(ft))
    if not words.isdisjoint(personal.BIRTH_WORDS) or "b." in lowered or "d.o.b" in lowered:
        spans.extend((s, e, year or MARKER) for s, e, year in personal.birth_dates(lowered))
    if not words.isdisjoint(personal.POSSESSIVES):
        spans.extend((s, e, MARKER) for s, e in personal.third_party_names(ft, lowered))
    if not spans:
        return text
    return _apply(folded, spans)


@lru_cache(maxsize=512)
def _own_values(values: tuple[str, ...]) -> KnownValues | None:
    """The case member's own values (name parts too); cached, as a builder scrubs many fields
    of the same case with the same values."""
    values = tuple(v for v in values if v and v.strip())
    if not values:
        return None
    return KnownValues.build([values], name_parts=True)


def _apply(folded: Folded, spans: list[Span]) -> str:
    """Replace the original text behind each (merged) span."""
    original = folded.original
    merged: list[list] = []
    for start, end, rep in sorted(spans):
        if start >= end:
            continue
        if merged and start < merged[-1][1]:
            last = merged[-1]
            if end > last[1] or rep != last[2]:
                last[1], last[2] = max(end, last[1]), MARKER
            continue
        merged.append([start, end, rep])
    out: list[str] = []
    pos = 0
    for start, end, rep in merged:
        o_start, o_end = folded.span(start, end)
        if o_start < pos:
            continue
        out.append(original[pos:o_start])
        out.append(rep)
        pos = o_end
    out.append(original[pos:])
    return "".join(out)


def _at_positions(lowered: str) -> list[int]:
    """Where an "@" or a standalone "at" stands (str.find: faster than a regex scan)."""
    found = []
    for needle in ("@", "at"):
        pos = lowered.find(needle)
        while pos >= 0:
            end = pos + len(needle)
            if needle == "@" or (
                (pos == 0 or not lowered[pos - 1].isalpha())
                and (end == len(lowered) or not lowered[end].isalpha())
            ):
                found.append(pos)
            pos = lowered.find(needle, end)
    return sorted(found)


def _spelled_emails(lowered: str) -> list[tuple[int, int]]:
    """E-mail addresses written with "at"/"dot", brackets or spaces ("a.b at c.com")."""
    found = []
    for at in _at_positions(lowered):
        # The whole separator, with its spaces, brackets and a trailing "sign" ("at sign").
        sep = _AT_SPAN.search(lowered, max(0, at - 20), at + 11)
        while sep is not None and sep.end() <= at:
            sep = _AT_SPAN.search(lowered, sep.end(), at + 11)
        if sep is None or sep.start() > at:
            continue
        domain = _DOMAIN.match(lowered, sep.end())
        if domain is None:
            continue
        local = _LOCAL.search(lowered, max(0, sep.start() - 80), sep.start())
        if local is not None:
            found.append((local.start(), domain.end()))
    return found


# --- phone numbers --------------------------------------------------------------------------


def _phone_spans(ft: str, digits: str) -> list[tuple[int, int]]:
    """Runs of digit groups (digits, digit words, O/l among digits) that libphonenumber accepts
    as a possible number, for a country code written before them or for one of PHONE_REGIONS.
    Only stretches with seven digits or more are looked at (most text has none)."""
    spans: list[tuple[int, int]] = []
    for region in _CANDIDATE.finditer(digits):
        run: list[tuple[int, int, str, bool]] = []  # start, end, digits, spelled
        for m in _DIGITS.finditer(digits, region.start(), region.end()):
            tok = (m.start(), m.end(), m.group(), ft[m.start()].isalpha())
            if run and not _joins(digits, run[-1], tok):
                spans.extend(_phones_in_run(ft, run))
                run = []
            run.append(tok)
        spans.extend(_phones_in_run(ft, run))
    return spans


def _joins(digits: str, prev: tuple, tok: tuple) -> bool:
    gap = digits[prev[1] : tok[0]].replace(TAIL, "")
    if _PHONE_GAP.fullmatch(gap):
        return True
    # "five, five, 5, 0": commas only between spelled or single digits ("10, 20, 40" is a
    # list of doses, not a number).
    spelled = prev[3] or tok[3] or len(prev[2]) == len(tok[2]) == 1
    return spelled and bool(_WORD_GAP.fullmatch(gap))


def _phones_in_run(ft: str, run: list[tuple[int, int, str, bool]]) -> list[tuple[int, int]]:
    if sum(len(t[2]) for t in run) < 7:
        return []
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(run):
        for j in range(len(run), i, -1):
            number = "".join(t[2] for t in run[i:j])
            if len(number) > 15:
                continue
            if len(number) < 7:
                break
            start, end = run[i][0], run[j - 1][1]
            while end < len(ft) and ft[end].isalpha() and run[j - 1][3]:
                end += 1  # the rest of a spelled digit ("five")
            plus = _plus_before(ft, start)
            spelled = any(t[3] for t in run[i:j])
            if _is_phone(ft[start:end], number, plus, not spelled):
                if plus >= 0:
                    start = plus
                elif start > 0 and ft[start - 1] == "(":
                    start -= 1
                found.append((start, end))
                i = j - 1
                break
        i += 1
    return found


def _plus_before(ft: str, start: int) -> int:
    """Index of a "+" written just before the number ("+44 ...", "+ (44)"), or -1."""
    k = start - 1
    while k >= 0 and ft[k] in " (":
        k -= 1
    return k if k >= 0 and ft[k] == "+" else -1


def _is_phone(written: str, digits: str, plus: int, plain: bool) -> bool:
    if plain and (_DATE_LIKE.fullmatch(written) or _DECIMAL.fullmatch(written)):
        return False  # "2024-01-15" and "1234.5" are clinical data
    if plus >= 0 or digits.startswith("00"):
        number = "+" + (digits[2:] if plus < 0 else digits)
        try:
            return phonenumbers.is_possible_number(phonenumbers.parse(number, None))
        except phonenumbers.NumberParseException:
            return False
    for region in PHONE_REGIONS:
        try:
            if phonenumbers.is_possible_number(phonenumbers.parse(digits, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False
