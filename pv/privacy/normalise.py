"""The normalised view the scrubber matches on, with a map back to the original text.

People (and an auditor) write Restricted values in ways a plain comparison misses: full-width
letters, Greek or Cyrillic look-alikes, zero-width characters, accents, "jane dot doe at example
dot com", "five five five oh one two three", "O" for zero. Matching happens on two derived views:

- `fold(text)`: the text with every character folded to ASCII (NFKC, then Unicode's confusables
  table for look-alikes, then transliteration of other letters; format characters such as
  zero-width joiners removed). Case is kept, so rules that need capitalisation still work.
  `Folded.span(start, end)` maps a span of the folded text back to the ORIGINAL text, so
  redaction replaces what the writer typed and the rest reads as they wrote it.
- `tokens(folded)`: lower-cased alphanumeric tokens of the folded text with digit words turned
  into digits ("five" -> "5", "oh" -> "0"), O/l/I among digits turned into 0/1, and the filler
  words people spell addresses with ("at", "dot", "point", "sign") dropped. Joining the tokens
  gives one string in which "Jane Doe", "jane.doe", "JaneDoe" and "Doe, Jane" all read
  "janedoe"/"doejane"; values are matched there (see `pv.privacy.known`).

Pure module: no Django. Character folds are cached, so the per-character work is a dict lookup,
and ASCII text (most text) skips folding entirely.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import product

from anyascii import anyascii
from confusable_homoglyphs.confusables import confusables_data


def _confusable_table() -> dict[str, str]:
    """Non-ASCII character -> the ASCII letter or digit it is confusable with (Unicode TR39)."""
    table: dict[str, str] = {}
    for char, entries in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        targets = [e["c"] for e in entries if len(e["c"]) == 1 and e["c"].isascii()]
        targets = [t for t in targets if t.isalnum()]
        if not targets:
            continue
        # A look-alike letter folds to a letter ("О" -> "O", not "0"); a digit-like symbol to
        # whatever it resembles.
        letters = [t for t in targets if t.isalpha()]
        table[char] = letters[0] if letters and char.isalpha() else targets[0]
    # Where TR39's prototype has the other case or no single letter, readers still see the
    # Latin letter: capital Iota/Cyrillic I read as "I" (TR39 says "l"), chi as "x", eta as "n".
    table.update({"І": "I", "Ι": "I", "Ӏ": "I", "χ": "x", "Χ": "X", "η": "n", "ϲ": "c", "Ϲ": "C"})
    return table


_CONFUSABLE = _confusable_table()


@cache
def fold_char(ch: str) -> str:
    """One non-ASCII character folded to ASCII ("" for format characters, " " if unknown)."""
    category = unicodedata.category(ch)
    if category in ("Cf", "Mn", "Me", "Cc"):
        return ""  # zero-width characters, soft hyphens, combining accents
    nfkc = unicodedata.normalize("NFKC", ch)
    if nfkc.isascii():
        return nfkc  # full-width "Ｊ" -> "J", "①" -> "1", "\xa0" -> " "
    if ch in _CONFUSABLE:
        return _CONFUSABLE[ch]
    if len(nfkc) == 1 and nfkc in _CONFUSABLE:
        return _CONFUSABLE[nfkc]
    if category[0] in "LN":
        # Other letters: transliterate ("é" -> "e", "ß" -> "ss", "ж" -> "zh").
        return anyascii(nfkc) or " "
    return " "


@dataclass(frozen=True)
class Folded:
    """`text` folded to ASCII; `origin[i]` is the original index of folded character i
    (None when folding changed nothing, the common case)."""

    original: str
    text: str
    origin: list[int] | None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span behind folded span [start, end), widened over trailing
        zero-width characters so none is left dangling after redaction."""
        if self.origin is None:
            return start, end
        o_start = self.origin[start]
        o_end = self.origin[end - 1] + 1
        while o_end < len(self.original) and fold_char(self.original[o_end]) == "" and not (
            self.original[o_end].isascii()
        ):
            o_end += 1
        return o_start, o_end


def fold(text: str) -> Folded:
    if text.isascii():
        return Folded(text, text, None)
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        rep = ch if ch.isascii() else fold_char(ch)
        if rep:
            out.append(rep)
            origin.extend([i] * len(rep))
    return Folded(text, "".join(out), origin)


# --- the token views ------------------------------------------------------------------------
#
# Both views have the length of the folded text, so an offset in a view is an offset in the
# folded text (and `Folded.span` takes it back to the original). A digit word becomes its digit
# followed by TAIL characters ("five" -> "5\0\0\0"); a redaction ending on that digit extends
# over the tail, so the whole word goes.

DIGIT_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "nil": "0", "one": "1", "two": "2",
    "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}
FILLERS = ("at", "dot", "point", "sign")
TAIL = "\0"
TOKEN = re.compile(r"[a-z]+|[0-9]+")  # "jane1983" -> "jane", "1983"; joined it reads the same
_OL = str.maketrans("oli", "011")
# Words are whole letter runs (TOKEN splits letters from digits), hence the lookarounds
# instead of \b: "5five" holds the token "five".
_DIGIT_WORD = re.compile(
    r"(?<![a-z])(?:" + "|".join(sorted(DIGIT_WORDS, key=len, reverse=True)) + r")(?![a-z])"
)
# O, l and I as digits: a short letter run of them next to a number, whatever lies between
# ("0l00", "555O", "555 lOO 1234", "06 - O - I - 47").
_OLI = re.compile(r"(?<![a-z])[oli]{1,4}(?![a-z])")
OLI_TOKENS = frozenset(
    "".join(p) for n in range(1, 5) for p in product("oli", repeat=n)
)
_FILLER = re.compile(r"(?<![a-z])(?:" + "|".join(FILLERS) + r")(?![a-z])")


def _digit_word(m: re.Match[str]) -> str:
    word = m.group()
    return DIGIT_WORDS[word] + TAIL * (len(word) - 1)


def _oli(m: re.Match[str]) -> str:
    text, before, after = m.string, m.start() - 1, m.end()
    while before >= 0 and not text[before].isalnum():
        before -= 1
    while after < len(text) and not text[after].isalnum():
        after += 1
    near_digit = (before >= 0 and text[before].isdigit()) or (
        after < len(text) and text[after].isdigit()
    )
    return m.group().translate(_OL) if near_digit else m.group()


def digit_view(lowered: str, tokens: Iterable[str] | None = None) -> str:
    """Lower-cased folded text with digit words and O/l/I next to digits turned into digits.

    `tokens` (TOKEN.findall(lowered)), when given, lets text without any such word skip the
    substitutions: most text has none, and this is the hot path."""
    words = tokens if isinstance(tokens, set | frozenset) else frozenset(
        TOKEN.findall(lowered) if tokens is None else tokens
    )
    view = lowered
    if not words.isdisjoint(DIGIT_WORDS):
        view = _DIGIT_WORD.sub(_digit_word, view)
    if not words.isdisjoint(OLI_TOKENS):
        view = _OLI.sub(_oli, view)
    return view


def value_view(digits: str) -> str:
    """The digit view with the filler words of spelled addresses blanked ("jane dot doe")."""
    return _FILLER.sub(lambda m: " " * len(m.group()), digits)


# Letters and digits kept, everything else a space: bytes.translate + split tokenises ASCII
# text several times faster than a regex (the folded text is ASCII).
_KEEP = bytes(c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256))
_NOT_DIGIT = bytes(c for c in range(256) if not 48 <= c <= 57)


def fast_tokens(lowered: str) -> list[str]:
    """Alphanumeric runs of lower-cased ASCII text ("20mg" stays one run; joined, the runs read
    exactly as TOKEN's tokens joined)."""
    return lowered.encode("ascii", "ignore").translate(_KEEP).decode("ascii").split()


def digit_count(text: str) -> int:
    return len(text.encode("ascii", "ignore").translate(None, _NOT_DIGIT))


def joined(view: str) -> str:
    """All tokens of a view, joined: "Jane Doe", "jane.doe", "Doe Jane"... -> one string."""
    return "".join(fast_tokens(view))


def normalise_value(value: str) -> str:
    """A vault value as it appears in the joined view ("Jane Doe" -> "janedoe")."""
    return joined(value_view(digit_view(fold(value).text.lower())))


def value_tokens(value: str) -> list[str]:
    return TOKEN.findall(value_view(digit_view(fold(value).text.lower())))


@dataclass
class TokenView:
    """The joined token string with, per character, its offset in the folded text."""

    text: str  # the value view
    joined: str
    starts: list[int]
    token_start: set[int]  # joined offsets where a token begins
    token_end: set[int]  # joined offsets where a token ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Folded-text span of joined [start, end), widened over a digit word's tail."""
        f_start, f_end = self.starts[start], self.starts[end - 1] + 1
        while f_end < len(self.text) and self.text[f_end] == TAIL:
            f_end += 1
        return f_start, f_end


def token_view(view: str) -> TokenView:
    """Positions for the joined view (built only when a value may have matched)."""
    starts: list[int] = []
    token_start: set[int] = set()
    token_end: set[int] = set()
    parts: list[str] = []
    for m in TOKEN.finditer(view):
        token_start.add(len(starts))
        starts.extend(range(m.start(), m.end()))
        token_end.add(len(starts))
        parts.append(m.group())
    return TokenView(view, "".join(parts), starts, token_start, token_end)
