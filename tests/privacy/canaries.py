"""Canary identities and the ways people really write them, for privacy tests.

An auditor registers a member with canary values and then writes those values into posts,
reports and follow-up answers the way real people do: "jane dot doe at example dot com", a name
joined into one word, look-alike Greek/Cyrillic letters, zero-width characters, full-width
letters, a phone number spelled in words or with the letter O for zero. Every output that reaches
a partner must hold none of them.

This module gives hypothesis strategies for that:

- `identities()`: a canary `Identity` (first and last name, email, phone) with distinctive,
  made-up names so a surviving canary cannot be an ordinary word;
- `name_forms(identity)`, `email_forms(identity)`, `phone_forms(identity)`: obfuscated written
  forms of each value; `written_forms(identity)` picks one of them as `(kind, form)`;
- `embedded(form)`: the form inside realistic post / report / follow-up-answer text;
- `canary_texts()`: all of the above in one draw, `(identity, kind, text)`;

and, independent of the code under test, an oracle:

- `normalise_for_grep(text)`: NFKC, zero-width and other format characters removed, Greek and
  Cyrillic look-alikes folded to Latin, case folded, digits written as words or as O/l turned
  into digits, "at"/"dot" words and all separators dropped;
- `survivors(identity, text, parts=False)`: which canary needles still appear in `text` under
  that normalisation (`parts=True` also looks for the first and last name alone, which is what
  a member's own text must lose).

It deliberately does not import the scrubber: it is the yardstick the scrubber is measured by.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from hypothesis import strategies as st

# --- canary identities ----------------------------------------------------------------------

# Syllables that make pronounceable, made-up names ("Zorvex Quilamon"): no English word, drug
# or clinical term is built from two of them, so a needle found in scrubbed text is a leak.
_SYLLABLES = (
    "zor", "vex", "quil", "mox", "yul", "tryn", "kef", "blor", "zan", "pryn", "gox", "wim",
    "thra", "vok", "dra", "xel", "fyr", "qua", "jox", "brel", "skav", "nyx", "ulm", "orv",
)
_TLDS = ("com", "org", "net", "de", "co.uk", "fr")


@dataclass(frozen=True)
class Identity:
    """A canary member: what registration stores in the vault."""

    first: str
    last: str
    email: str
    country_code: str  # "44"
    national: str  # national significant number, digits only: "7700900123"
    phone: str  # as registered: "+44 7700 900123"

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    def values(self) -> tuple[str, str, str]:
        """The vault values (name, email, phone), as `vault_identity_store` takes them."""
        return (self.name, self.email, self.phone)

    def needles(self, *, parts: bool = False) -> dict[str, str]:
        """Normalised strings whose presence in normalised output means a leak."""
        first, last = normalise_for_grep(self.first), normalise_for_grep(self.last)
        found = {
            "name": first + last,
            "name reversed": last + first,
            "email": normalise_for_grep(self.email.split("@")[0]),
            "phone": self.national[-7:],
        }
        if parts:
            found["first name"] = first
            found["last name"] = last
        return found


# Choices inside one drawn form come from one seeded Random that hypothesis draws: far faster
# than a strategy draw per choice, and still reproducible (hypothesis replays the seed).
_RANDOM = st.randoms(use_true_random=True)


def _word(rnd, min_syllables: int, max_syllables: int) -> str:
    n = rnd.randint(min_syllables, max_syllables)
    return "".join(rnd.choice(_SYLLABLES) for _ in range(n)).capitalize()


# (country code, trunk prefix, national number strategy, how the registration form writes it)
def _digits(rnd, n: int) -> str:
    return "".join(rnd.choice("0123456789") for _ in range(n))


# National significant numbers libphonenumber accepts as valid, per country code.
_REGIONS = {
    # US/Canada: real area codes, exchange 2-9XX.
    "1": lambda r: r.choice(("212", "415", "617", "312", "610", "303", "206", "512"))
    + r.choice("23456789") + _digits(r, 6),
    # UK: a mobile range (07400) and Ofcom's drama range 020 7946 0xxx.
    "44": lambda r: r.choice(("7400" + _digits(r, 6), "2079460" + _digits(r, 3))),
    # Germany: Berlin landline 030 + 8 digits.
    "49": lambda r: "30" + r.choice("123456789") + _digits(r, 7),
    # France and the Netherlands: mobiles 06 + 8 digits (French 06x but not 063, Dutch 061-065).
    "33": lambda r: "6" + r.choice("0124567") + _digits(r, 7),
    "31": lambda r: "6" + r.choice("12345") + _digits(r, 7),
}


def _registered_phone(cc: str, national: str) -> str:
    if cc == "1":
        return f"+1 {national[:3]} {national[3:6]} {national[6:]}"
    return f"+{cc} {national[:-6]} {national[-6:-3]} {national[-3:]}".replace("  ", " ")


@st.composite
def identities(draw) -> Identity:
    rnd = draw(_RANDOM)
    first = _word(rnd, 2, 2)
    last = _word(rnd, 2, 3)
    while last.lower() == first.lower():
        last = _word(rnd, 2, 3)
    if rnd.random() < 0.5 and len(last) < 12:
        # Hyphenated given names ("Jean-Luc") are token sequences too.
        extra = _word(rnd, 1, 2)
        if extra != last and extra not in first:
            first = first + "-" + extra
    local = rnd.choice(("{f}.{l}", "{f}{l}", "{f}_{l}", "{l}.{f}", "{x}{d}")).format(
        f=first.lower().replace("-", ""), l=last.lower(), x=_word(rnd, 3, 3).lower(),
        d=_digits(rnd, 2),
    )
    email = f"{local}@{_word(rnd, 2, 3).lower()}.{rnd.choice(_TLDS)}"
    cc = rnd.choice(sorted(_REGIONS))
    national = _REGIONS[cc](rnd)
    return Identity(first, last, email, cc, national, _registered_phone(cc, national))


# --- character-level obfuscations -----------------------------------------------------------

# Latin letter -> look-alikes from Greek and Cyrillic (Unicode confusables).
HOMOGLYPHS: dict[str, str] = {
    "a": "аα", "c": "сϲ", "e": "еε", "i": "іι", "j": "ј", "k": "κ", "o": "оο", "p": "рρ",
    "s": "ѕ", "x": "хχ", "y": "уγ", "v": "ν", "u": "υ", "h": "һ", "n": "η",
    "A": "АΑ", "B": "ВΒ", "C": "СϹ", "E": "ЕΕ", "H": "НΗ", "I": "ІΙ", "J": "Ј", "K": "КΚ",
    "M": "МΜ", "N": "Ν", "O": "ОΟ", "P": "РΡ", "S": "Ѕ", "T": "ТΤ", "X": "ХΧ", "Y": "ҮΥ",
    "Z": "Ζ",
}
_FOLD = {look: latin for latin, looks in HOMOGLYPHS.items() for look in looks}
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")


def _fullwidth(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch


@st.composite
def _scramble(draw, text: str, *, case: bool = True) -> str:
    """Apply some of: case changes, homoglyphs, full-width letters, zero-width characters."""
    # Per-character choices come from one drawn, seeded Random: far faster than a draw per
    # character, and still reproducible (hypothesis draws the seed).
    rnd = draw(_RANDOM)
    if case:
        style = rnd.choice(("keep", "lower", "upper", "title", "random"))
        if style == "random":
            text = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in text)
        elif style != "keep":
            text = getattr(text, style)()
    out = []
    glyph_rate = rnd.choice((0, 0, 0.25, 0.5, 0.75))
    wide_rate = rnd.choice((0, 0, 0.25, 1))
    zw_rate = rnd.choice((0, 0, 0.25, 0.5))
    for ch in text:
        if ch in HOMOGLYPHS and rnd.random() < glyph_rate:
            ch = rnd.choice(HOMOGLYPHS[ch])
        elif ch.isascii() and ch.isalnum() and rnd.random() < wide_rate:
            ch = _fullwidth(ch)
        out.append(ch)
        if rnd.random() < zw_rate:
            out.append(rnd.choice(ZERO_WIDTH))
    return "".join(out)


# --- written forms ----------------------------------------------------------------------------


@st.composite
def name_forms(draw, identity: Identity) -> str:
    """The member's full name as people write it: any separator, joined, reversed, scrambled."""
    rnd = draw(_RANDOM)
    first, last = identity.first, identity.last
    if rnd.random() < 0.5:
        first = first.replace("-", rnd.choice(("", " ", "-")))
    order = rnd.choice(("first last", "last first", "last, first"))
    sep = rnd.choice((" ", "  ", ".", "_", "-", "", " . "))
    if order == "first last":
        text = first + sep + last
    elif order == "last first":
        text = last + sep + first
    else:
        text = f"{last}, {first}"
    return draw(_scramble(text))


@st.composite
def email_forms(draw, identity: Identity) -> str:
    """The email plain, spelled out (at/dot), bracketed, spaced, or mixed."""
    rnd = draw(_RANDOM)
    local, domain = identity.email.split("@")
    at = rnd.choice(("@", " @ ", " at ", " AT ", " (at) ", " [at] ", "(at)", " {at} ",
                               " <at> ", "[@]", " at sign "))
    dot = rnd.choice((".", " dot ", " DOT ", " (dot) ", " [dot] ", "[.]", " . ",
                                "(dot)", " point "))
    # "name.part at example.com": often only the @ is spelled out.
    local_dot = rnd.choice((".", dot))
    domain_dot = rnd.choice((".", dot))
    text = local.replace(".", local_dot) + at + domain.replace(".", domain_dot)
    return draw(_scramble(text, case=rnd.random() < 0.5))


_DIGIT_WORDS = {
    "0": ("zero", "oh", "o", "nought"), "1": ("one",), "2": ("two",), "3": ("three",),
    "4": ("four",), "5": ("five",), "6": ("six",), "7": ("seven",), "8": ("eight",),
    "9": ("nine",),
}


def _grouped(rnd, digits: str) -> str:
    groups, i = [], 0
    while i < len(digits):
        n = rnd.randint(1, 4)
        groups.append(digits[i : i + n])
        i += n
    sep = rnd.choice((" ", "-", ".", "", " - ", "/"))
    return sep.join(groups)


@st.composite
def phone_forms(draw, identity: Identity) -> str:
    """The phone with any grouping, +cc / 00cc / trunk 0, parentheses, words, O and l."""
    rnd = draw(_RANDOM)
    cc, national = identity.country_code, identity.national
    prefix = rnd.choice(("+cc", "00cc", "national", "+cc (0)"))
    if prefix == "national":
        lead = "" if cc == "1" else "0"
        body = lead + national
    else:
        body = national
    style = rnd.choice(("grouped", "paren", "words", "mixed-words", "ol"))
    if style == "paren":
        split = 3 if cc == "1" else rnd.randint(1, 3)
        head = body[: split + (len(body) - len(national))]
        text = f"({head}) " + _grouped(rnd, body[len(head):])
    elif style in ("words", "mixed-words"):
        words = []
        for d in body:
            spell = style == "words" or rnd.random() < 0.5
            words.append(rnd.choice(_DIGIT_WORDS[d]) if spell else d)
        text = rnd.choice((" ", ", ", "-")).join(words)
    else:
        text = _grouped(rnd, body)
        if style == "ol":
            subs = {"0": ("O", "o"), "1": ("l", "I")}
            text = "".join(rnd.choice(subs[c]) if c in subs and rnd.random() < 0.7 else c
                           for c in text)
    if prefix == "+cc":
        text = f"+{cc} {text}" if rnd.random() < 0.5 else f"+{cc}{text}"
    elif prefix == "00cc":
        text = f"00{cc} {text}"
    elif prefix == "+cc (0)":
        text = f"+{cc} (0) {text}"
    return draw(_scramble(text, case=False)) if rnd.random() < 0.5 else text


def written_forms(identity: Identity) -> st.SearchStrategy[tuple[str, str]]:
    """One obfuscated written form of one of the identity's values, as (kind, form)."""
    return st.one_of(
        name_forms(identity).map(lambda f: ("name", f)),
        email_forms(identity).map(lambda f: ("email", f)),
        phone_forms(identity).map(lambda f: ("phone", f)),
    )


# --- realistic surrounding text ----------------------------------------------------------------

TEMPLATES = (
    "Hi all, {x} here. Been on sertraline 50 mg since 2024-01-15 and the nausea is awful.",
    "Started metformin 500 mg twice daily three weeks ago, now constant diarrhoea. {x}",
    "You can reach me at {x} if the doctors want more details about the rash.",
    "Yes, the rash started on 3 March after the second dose. Contact: {x}. Thanks!",
    "My ALT was 1234.5 U/L on day 12, Dr Patel stopped the statin. — {x}",
    "Answer to your question: no, I did not take anything else. Best, {x}",
    "{x} writing: the headache came back after I restarted 20 mg of citalopram.",
    "if anyone from the drug company wants to talk, my details are {x}, happy to help",
    "Follow-up: symptoms resolved after 10 days.\nRegards,\n{x}",
    "(I'm {x} btw) the swelling in my ankles got worse on amlodipine 10mg",
)


def embedded(form: str) -> st.SearchStrategy[str]:
    """`form` inside realistic post, report or follow-up-answer text."""
    return st.sampled_from(TEMPLATES).map(lambda t: t.format(x=form))


@st.composite
def canary_texts(draw) -> tuple[Identity, str, str]:
    """(identity, kind of value written, realistic text holding one obfuscated form of it)."""
    identity = draw(identities())
    kind, form = draw(written_forms(identity))
    return identity, kind, draw(embedded(form))


# --- the oracle -----------------------------------------------------------------------------

_WORD_DIGIT = {w: d for d, words in _DIGIT_WORDS.items() for w in words}
_TOKEN = re.compile(r"[^\W\d_]+|\d+")  # letters and digits apart: "+49three"
_DIGITISH = re.compile(r"[0-9oli]+")  # after casefolding: O -> o, I -> i
_SPELLED = re.compile(r"\b(?:at|dot|point|sign)\b")


def _digits_token(token: str) -> str:
    if token in _WORD_DIGIT:
        return _WORD_DIGIT[token]
    # "555-0l00": O and l/I among digits are digits; so are short tokens of them ("lOO").
    # Strict on purpose: the oracle may over-report a leak, never under-report one.
    if _DIGITISH.fullmatch(token) and (any(c.isdigit() for c in token) or len(token) <= 4):
        return token.replace("o", "0").replace("l", "1").replace("i", "1")
    return token


def normalise_for_grep(text: str) -> str:
    """Fold `text` so that any obfuscated canary form becomes its plain needle.

    NFKC (full-width -> ASCII), drop format characters (zero-width, soft hyphen), fold
    Greek/Cyrillic look-alikes to Latin, casefold, turn digit words and O/l/I among digits into
    digits, drop the words at/dot/point/sign, then drop every separator.
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(_FOLD.get(ch, ch) for ch in text if unicodedata.category(ch) != "Cf")
    text = _SPELLED.sub(" ", text.casefold())
    return "".join(_digits_token(t) for t in _TOKEN.findall(text))


def survivors(identity: Identity, text: str, *, parts: bool = False) -> list[str]:
    """The kinds of canary needle still present in `text` (empty list: nothing leaked)."""
    haystack = normalise_for_grep(text)
    return [kind for kind, needle in identity.needles(parts=parts).items() if needle in haystack]
