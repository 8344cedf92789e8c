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
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?!\d)(?:st|nd|rd|th|er|\.)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_MONTH = rf"(?:{_MONTHS})\b\.?"
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
_DOB = re.compile(  # on the lower-cased text
    rf"(?P<cue>{_CUE})(?:\s*(?::|-|is|was|on|am|le|el|il|in|the)\b)*[\s:,-]*(?:{_DATE})"
)
# Tokens (letters split from digits) without one of which no cue can match: callers skip the
# rule for text that has none.
_BIRTH_WORD_TEXT = (
    "born birth birthdate birthday bday dob geboren geb nee ne nacido nacida nato nata "
    "geboortedatum nacimiento"
)
BIRTH_WORDS = frozenset(_BIRTH_WORD_TEXT.split())
# ... and "b." / "d.o.b", which are no token: callers check those as substrings.


def birth_dates(lowered: str) -> Iterator[tuple[int, int, str | None]]:
    """Spans of exact birth dates in lower-cased folded text, each with its year (None: no
    year, redact)."""
    for m in _DOB.finditer(lowered):
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
        yield start, end, year or None


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
# The cue is matched on the lower-cased text; the name after it on the folded text, where
# capitals tell a name ("my son Jack") from a word ("my son was").
_RELATION_CUE = re.compile(
    r"\b(?:my|our|his|her|their)\s+(?:(?:little|older|younger|eldest|youngest|oldest|"
    r"big|late|ex|dear|new|\d+[- ]years?[- ]old|\d+yo)[\s-]+)*"
    rf"(?:{_RELATIONS})(?:'s\s+name\s+is\s+|\s*,\s*|\s+|\s*\(\s*)"
)
_NAMED = re.compile(rf"(?:who\s+is\s+)?(?:named|called)\s+({_LOWER_NAME}(?:\s+{_NAME})?)")
_PLAIN = re.compile(rf"{_NAME}(?:\s+{_NAME})?(?:\s*(?:,|and|&)\s*{_NAME}(?:\s+{_NAME})?)*")
POSSESSIVES = frozenset({"my", "our", "his", "her", "their"})
# Capitalised words that follow a relationship word without being a name.
_NOT_NAME_WORDS = (
    "i he she it they we you the a an this that these those was is has had and but also who "
    "when after before then so because since while dr doctor mr mrs ms miss nurse said says "
    "told thinks thought took takes gave gives noticed found started stopped got gets did does "
    "has have will would can could should may might just only even still too yes no not "
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow"
)
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())


def _relation_cues(lowered: str) -> Iterator[re.Match[str]]:
    """The relationship cues, tried only where a possessive stands (str.find is cheap)."""
    starts = []
    for word in POSSESSIVES:
        pos = lowered.find(word)
        while pos >= 0:
            if pos == 0 or not lowered[pos - 1].isalpha():
                starts.append(pos)
            pos = lowered.find(word, pos + len(word))
    for start in sorted(starts):
        cue = _RELATION_CUE.match(lowered, start)
        if cue is not None:
            yield cue


def third_party_names(folded: str, lowered: str) -> Iterator[tuple[int, int]]:
    """Spans of people's names that follow a family or relationship word."""
    for cue in _relation_cues(lowered):
        named = _NAMED.match(folded, cue.end()) or _NAMED.match(lowered, cue.end())
        if named:
            start, end = named.span(1)
            if folded[start:end].split()[0].lower() in _NOT_NAMES:
                continue
            yield start, end
            continue
        plain = _PLAIN.match(folded, cue.end())
        if not plain:
            continue
        text = plain.group()
        words = re.findall(r"[A-Za-z][\w'-]*", text)
        if words[0].lower() in _NOT_NAMES:
            continue
        # Trim trailing words that are not names ("my son Jack Took ..." keeps "Took").
        while words and words[-1].lower() in _NOT_NAMES:
            text = text[: text.rfind(words[-1])].rstrip(" ,&")
            if text.endswith(" and"):
                text = text[:-4]
            words.pop()
        if text:
            yield plain.start(), plain.start() + len(text)
