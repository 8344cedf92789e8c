"""Dates of birth and third parties' names in free text (pure; no Django).

- A birth date tied to a person ("born 17 April 1983", "DOB: 17/04/1983", "date of birth
  1983-04-17", "b. 1983-04-17", "my birthday is April 17th", "geboren am 17. April 1983",
  "née le 17 avril 1983") is reduced to its year: an exact date of birth is identifying, a birth
  year is what E2B's patient age needs. A birthday without a year becomes the marker.
- A person's name next to a family or relationship word ("my wife Ottilie", "my son, Jack",
  "our daughter named Mia", "my husband Jean-Luc", "my kids Tom and Ann") is removed: it names a
  third party who never agreed to be in a partner's database.

Both work on the folded text (`pv.privacy.normalise.fold`), so accents and look-alikes do not
hide them; they return spans with their replacement text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

_MONTHS = (
    # English, German, French, Spanish, Italian, Dutch, Portuguese; accents are folded away.
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    "januar|jaenner|jänner|februar|maerz|marz|mai|juni|juli|oktober|dezember|"
    "janvier|fevrier|mars|avril|juin|juillet|aout|septembre|octobre|novembre|decembre|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    "noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|"
    "dicembre|januari|februari|maart|mei|augustus|janeiro|fevereiro|marco|maio|junho|julho|"
    "setembro|outubro|novembro|dezembro"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th|er|\.)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_MONTH = rf"(?:{_MONTHS})\.?"
_OF = r"(?:\s+(?:of|de|del|di)\s+|\s*,?\s*)"
_DATE = (
    rf"(?P<iso>{_YEAR}[-/.]\d{{1,2}}[-/.]\d{{1,2}})"
    rf"|(?P<num>\d{{1,2}}[-/.]\d{{1,2}}[-/.](?P<ny>\d{{4}}|\d{{2}}))"
    rf"|(?P<dmy>{_DAY}{_OF}{_MONTH}(?:,?\s*(?:de\s+)?(?P<y1>{_YEAR}))?)"
    rf"|(?P<mdy>{_MONTH}\s*{_DAY}(?:,?\s*(?P<y2>{_YEAR}))?)"
    rf"|(?P<my>{_MONTH}\s*,?\s*(?P<y3>{_YEAR}))"
)
_CUE = (
    r"\b(?:born|birth\s*date|date\s+of\s+birth|d\.?\s?o\.?\s?b\.?|b\.|birthday|bday|"
    r"geboren|geb\.|nee?|nacid[oa]|nat[oa]|geboortedatum|fecha\s+de\s+nacimiento)"
)
_DOB = re.compile(
    rf"(?P<cue>{_CUE})(?:\s*(?::|-|is|was|on|am|le|el|il|in|the)\b)*[\s:,-]*(?:{_DATE})",
    re.IGNORECASE,
)
_DOB_GATE = re.compile(r"born|birth|dob|d\.o\.b|b\.\s*\d|bday|gebor|geb\.|nee|naci|nat[oa]",
                       re.IGNORECASE)


def birth_dates(folded: str) -> Iterator[tuple[int, int, str]]:
    """Spans of exact birth dates in `folded`, each with its year (or "" to redact)."""
    if not _DOB_GATE.search(folded):
        return
    for m in _DOB.finditer(folded):
        kind = next(k for k in ("iso", "num", "dmy", "mdy", "my") if m.group(k))
        start, end = m.span(kind)
        if kind == "my":
            continue  # month and year only: already no more than the birth year tells
        year = m.group("iso")[:4] if kind == "iso" else (
            m.group("ny") or m.group("y1") or m.group("y2") or ""
        )
        if len(year) == 2:
            this_year = datetime.now(UTC).year % 100
            year = ("20" if int(year) <= this_year else "19") + year
        yield start, end, year


_RELATIONS = (
    "wife|husband|partner|spouse|fiance|fiancee|boyfriend|girlfriend|son|daughter|child|kid|"
    "baby|toddler|boy|girl|mother|mum|mom|mummy|mommy|father|dad|daddy|papa|mama|brother|sister|"
    "twin|grandson|granddaughter|grandchild|grandmother|grandma|granny|nan|grandfather|grandpa|"
    "aunt|auntie|uncle|nephew|niece|cousin|stepson|stepdaughter|stepmother|stepfather|"
    "mother-in-law|father-in-law|sister-in-law|brother-in-law|friend|best friend|flatmate|"
    "roommate|neighbour|neighbor|carer|caregiver|colleague|boss|sons|daughters|kids|children|"
    "parents|brothers|sisters|grandchildren|twins|friends"
)
_NAME = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*"
_LOWER_NAME = r"[A-Za-z][a-z]+(?:[-'][A-Za-z]?[a-z]+)*"
_THIRD_PARTY = re.compile(
    r"(?i:\b(?:my|our|his|her|their)\s+(?:(?:little|older|younger|eldest|youngest|oldest|"
    r"big|late|ex|dear|new|\d+[- ]years?[- ]old|\d+yo)[\s-]+)*"
    rf"(?:{_RELATIONS}))(?:'s\s+name\s+is\s+|\s*,\s*|\s+|\s*\(\s*)"
    rf"(?:(?i:(?:who\s+is\s+)?(?:named|called)\s+)(?P<named>{_LOWER_NAME}(?:\s+{_NAME})?)"
    rf"|(?P<plain>{_NAME}(?:\s+{_NAME})?(?:\s*(?:,|and|&)\s*{_NAME})*))"
)
# Capitalised words that follow a relationship word without being a name.
_NOT_NAME_WORDS = (
    "i he she it they we you the a an this that these those was is has had and but also who "
    "when after before then so because since while dr doctor mr mrs ms miss nurse said says "
    "told thinks thought took takes gave gives noticed found started stopped got gets did does "
    "has have will would can could should may might just only even still too yes no not "
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow"
)
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())


def third_party_names(folded: str) -> Iterator[tuple[int, int]]:
    """Spans of people's names that follow a family or relationship word."""
    for m in _THIRD_PARTY.finditer(folded):
        group = "named" if m.group("named") else "plain"
        start, end = m.span(group)
        words = re.findall(r"[A-Za-z][\w'-]*", m.group(group))
        if group == "plain":
            # Trim a trailing word that is not a name ("my son Jack Took ..." keeps "Took").
            if words[0].lower() in _NOT_NAMES:
                continue
            text = m.group(group)
            while words and words[-1].lower() in _NOT_NAMES:
                text = text[: text.rfind(words[-1])].rstrip(" ,&")
                if text.endswith(" and"):
                    text = text[:-4]
                words.pop()
            end = start + len(text)
        elif words[0].lower() in _NOT_NAMES:
            continue
        if end > start:
            yield start, end
