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
from dataclasses import dataclass
from functools import cache

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


# --- the token view ---------------------------------------------------------------------------

DIGIT_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "nil": "0", "one": "1", "two": "2",
    "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}
FILLERS = frozenset({"at", "dot", "point", "sign"})
TOKEN = re.compile(r"[a-z]+|[0-9]+")  # "jane1983" -> "jane", "1983"; joined it reads the same
_OL = str.maketrans("oli", "011")
_OLI_ONLY = re.compile(r"[oli]{1,4}")


def map_token(token: str) -> str | None:
    """The token as it appears in the joined view (None: dropped)."""
    if token in FILLERS:
        return None
    digit = DIGIT_WORDS.get(token)
    if digit is not None:
        return digit
    if not token.isalpha() and not token.isdigit():
        # "0l00", "555O": O, l and I among digits are digits; "jane1983" stays as it is.
        candidate = token.translate(_OL)
        return candidate if candidate.isdigit() else token
    return token


def joined_tokens(lowered: str) -> list[str]:
    """The mapped tokens of lower-cased folded text (fast path: no positions)."""
    out = [m for m in map(map_token, TOKEN.findall(lowered)) if m is not None]
    _digits_next_to_digits(out)
    return out


def _digits_next_to_digits(tokens: list[str]) -> None:
    """Short tokens of O/l/I next to numbers are digits too ("555 lOO 1234")."""
    for i, tok in enumerate(tokens):
        if tok.isalpha() and len(tok) <= 4 and _OLI_ONLY.fullmatch(tok) and (
            (i > 0 and tokens[i - 1].isdigit())
            or (i + 1 < len(tokens) and tokens[i + 1].isdigit())
        ):
            tokens[i] = tok.translate(_OL)


def normalise_value(value: str) -> str:
    """A vault value as it appears in the joined view ("Jane Doe" -> "janedoe")."""
    return "".join(joined_tokens(fold(value).text.lower()))


@dataclass
class TokenView:
    """The joined token string with, per character, the span of folded text it stands for."""

    joined: str
    starts: list[int]
    ends: list[int]
    token_start: set[int]  # joined offsets where a token begins
    token_end: set[int]  # joined offsets where a token ends


def token_view(lowered: str) -> TokenView:
    """The joined view with positions (built only when a value may have matched)."""
    matches = [(m.start(), m.end(), map_token(m.group())) for m in TOKEN.finditer(lowered)]
    kept = [(s, e, t) for s, e, t in matches if t is not None]
    mapped = [t for _, _, t in kept]
    _digits_next_to_digits(mapped)
    starts: list[int] = []
    ends: list[int] = []
    token_start: set[int] = set()
    token_end: set[int] = set()
    for (s, e, _), tok in zip(kept, mapped, strict=True):
        token_start.add(len(starts))
        if len(tok) == e - s:
            starts.extend(range(s, e))
            ends.extend(range(s + 1, e + 1))
        else:  # a digit word: its one digit stands for the whole word
            starts.extend([s] * len(tok))
            ends.extend([e] * len(tok))
        token_end.add(len(starts))
    return TokenView("".join(mapped), starts, ends, token_start, token_end)
