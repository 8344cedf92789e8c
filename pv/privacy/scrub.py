"""Scrub outbound free text of a member's Restricted values and of contact patterns.

Pure module (no Django): the E2B builder, exports and partner views call it on every piece of
free text that leaves the platform. The policy (DESIGN.md, "Shared Data") is that partners get
de-identified text: the member's own name, e-mail and contact details are removed even when the
member typed them into a post, and so is anything that looks like contact information.

Scrubbing is deliberately greedy. A false positive costs a few words of narrative; a false
negative leaks Restricted Data to a regulator or sponsor, which the privacy policy forbids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

MARKER = "[redacted]"

# Separators a person may put between the parts of a value: "Jane Doe", "jane.doe", "JANE_DOE",
# "Jane-Doe", "Jane  Doe" and "JaneDoe" must all match the vault value "Jane Doe".
_SEP = r"[\W_]*"
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_DIGIT = re.compile(r"\d")

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# "jane (at) example (dot) org" and similar obfuscations members use to dodge spam filters.
_EMAIL_OBFUSCATED = re.compile(
    r"[\w.+-]+\s*[\[(]\s*at\s*[\])]\s*[\w-]+(?:\s*[\[(]\s*dot\s*[\])]\s*[\w-]+)+", re.IGNORECASE
)
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"']+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_]{3,}")
# Phone candidates: 7-15 digits with the usual separators. Dates and plain decimals are let
# through by _looks_like_phone, because "2024-01-15" or "1000.5" are clinical data, not contacts.
_PHONE = re.compile(r"(?<![\w])(?:\+|00|\()?\d[\d\s().\-/]{5,}\d(?![\w])")
_DATE_LIKE = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{8}|\d{4}\s*[-/]\s*\d{4}"
)
# Street suffixes that are unambiguous words match in any case ("13 elm street"); short or
# everyday ones ("St", "Dr", "Way", "Place") only in Capitalised addresses, so "2 pills as told
# by dr" or "3 days all the way" stay readable.
_STREET_WORDS = (
    r"street|avenue|road|boulevard|lane|drive|court|terrace|square|crescent|highway|parkway|"
    r"strasse|straße|gardens|grove"
)
_STREET_CAPITALISED = r"St|Rd|Dr|Ln|Ct|Ave|Sq|Blvd|Hwy|Pkwy|Way|Place|Pl|Close|Row|Walk|Mews"
# "13 Elm St.", "221B Baker Street", "49 Main St. Building 2030A": a house number, one to four
# words, a street suffix. Street names without a number are not detectable without a gazetteer.
_STREET = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[^\W\d_][\w'.-]*\s+){{1,4}}(?:{_STREET_WORDS})\b\.?",
    re.IGNORECASE | re.UNICODE,
)
_STREET_CAPS = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][\w'.-]*\s+){{1,4}}(?:{_STREET_CAPITALISED})\b\.?"
)
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b")


def scrub_text(text: str, restricted_values: Iterable[str] = ()) -> str:
    """Return `text` with Restricted values and contact patterns replaced by MARKER.

    `restricted_values` are the member's own vault values (name, e-mail, phone, address ...);
    they match case-insensitively and with any whitespace or punctuation between their parts.
    The parts of a multi-word name also match on their own (members sign with a first name).
    """
    if not text:
        return text
    # Whole contact patterns first, so a restricted first name inside an e-mail address does
    # not break the address into pieces the e-mail pattern no longer recognises. The cheap
    # membership tests skip patterns that cannot match (the builder scrubs every free-text
    # field of every ICSR, so this is on the hot path).
    has_at = "@" in text
    if has_at:
        text = _EMAIL.sub(MARKER, text)
    if "(" in text or "[" in text:
        text = _EMAIL_OBFUSCATED.sub(MARKER, text)
    if "://" in text or "www." in text or "WWW." in text:
        text = _URL.sub(MARKER, text)
    pattern = _pattern_for(tuple(restricted_values))
    if pattern is not None:
        text = pattern.sub(MARKER, text)
    if has_at:
        text = _HANDLE.sub(MARKER, text)
    if _DIGIT.search(text) is None:
        return text
    text = _STREET.sub(MARKER, text)
    text = _STREET_CAPS.sub(MARKER, text)
    text = _UK_POSTCODE.sub(MARKER, text)
    return _PHONE.sub(_phone_replacement, text)


def _phone_replacement(match: re.Match[str]) -> str:
    candidate = match.group(0)
    return MARKER if _looks_like_phone(candidate) else candidate


def _looks_like_phone(candidate: str) -> bool:
    digits = sum(ch.isdigit() for ch in candidate)
    if not 7 <= digits <= 15:
        return False
    stripped = candidate.strip().lstrip("(")
    if _DATE_LIKE.fullmatch(stripped):
        return False
    # A decimal number ("12345.67") is a lab value, not a phone number.
    return not re.fullmatch(r"\d+[.,]\d+", stripped)


@lru_cache(maxsize=256)
def _pattern_for(values: tuple[str, ...]) -> re.Pattern[str] | None:
    return _restricted_pattern(_normalise_values(values))


def _normalise_values(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({v.strip() for v in values if v and v.strip()}))


@lru_cache(maxsize=256)
def _restricted_pattern(values: tuple[str, ...]) -> re.Pattern[str] | None:
    """One alternation for all of a member's values, longest first so "Jane Doe" wins over "Jane".

    Cached because the builder scrubs many fields of the same case with the same values.
    """
    alternatives: set[str] = set()
    for value in values:
        tokens = _TOKEN.findall(value)
        if not tokens:
            continue
        alternatives.add(_SEP.join(re.escape(t) for t in tokens))
        digits = "".join(ch for ch in value if ch.isdigit())
        if len(digits) >= 7:
            # Phone numbers: match the digits whatever the grouping, with or without the
            # country code ("+44 20 7946 0958" vs "020 7946 0958").
            alternatives.add(r"\+?" + _SEP.join(digits))
            alternatives.add(r"\+?" + _SEP.join(digits[-9:]))
        elif "@" not in value and len(tokens) > 1:
            alternatives.update(re.escape(t) for t in tokens if len(t) >= 3 and t.isalpha())
    if not alternatives:
        return None
    ordered = sorted(alternatives, key=len, reverse=True)
    # Word boundaries (lookarounds, since values may start or end with punctuation) keep "Ann"
    # from eating "Annual"; the digit alternatives are bounded the same way.
    return re.compile(
        r"(?<![^\W_])(?:" + "|".join(ordered) + r")(?![^\W_])", re.IGNORECASE | re.UNICODE
    )
