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


def _word(min_syllables: int, max_syllables: int) -> st.SearchStrategy[str]:
    return st.lists(
        st.sampled_from(_SYLLABLES), min_size=min_syllables, max_size=max_syllables
    ).map(lambda parts: "".join(parts).capitalize())


# (country code, trunk prefix, national number strategy, how the registration form writes it)
def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=n, max_size=n)


_REGIONS = {
    # US/Canada: real area codes, exchange 2-9XX.
    "1": st.tuples(
        st.sampled_from(("212", "415", "617", "312", "610", "303", "206", "512")),
        st.sampled_from("23456789"), _digits(2), _digits(4),
    ).map("".join),
    # UK: a mobile range libphonenumber accepts (07400) and Ofcom's drama range 020 7946 0xxx.
    "44": st.one_of(
        _digits(6).map(lambda d: "7400" + d), _digits(3).map(lambda d: "2079460" + d)
    ),
    # Germany: Berlin landline 030 + 8 digits.
    "49": st.tuples(st.just("30"), st.sampled_from("123456789"), _digits(7)).map("".join),
    # France and the Netherlands: mobiles 06 + 8 digits (French 060-066, Dutch 061-065).
    "33": st.tuples(st.just("6"), st.sampled_from("0123456"), _digits(7)).map("".join),
    "31": st.tuples(st.just("6"), st.sampled_from("12345"), _digits(7)).map("".join),
}


def _registered_phone(cc: str, national: str) -> str:
    if cc == "1":
        return f"+1 {national[:3]} {national[3:6]} {national[6:]}"
    return f"+{cc} {national[:-6]} {national[-6:-3]} {national[-3:]}".replace("  ", " ")


@st.composite
def identities(draw) -> Identity:
    first = draw(_word(2, 2))
    last = draw(_word(2, 3).filter(lambda w: w.lower() != first.lower()))
    if draw(st.booleans()) and len(last) < 12:
        # Hyphenated given names ("Jean-Luc") are token sequences too.
        first = first + "-" + draw(_word(1, 2))
    local = draw(st.sampled_from(("{f}.{l}", "{f}{l}", "{f}_{l}", "{l}.{f}", "{x}{d}")))
    local = local.format(
        f=first.lower().replace("-", ""), l=last.lower(), x=draw(_word(3, 3)).lower(),
        d=draw(_digits(2)),
    )
    email = f"{local}@{draw(_word(2, 3)).lower()}.{draw(st.sampled_from(_TLDS))}"
    cc = draw(st.sampled_from(sorted(_REGIONS)))
    national = draw(_REGIONS[cc])
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
    if case:
        style = draw(st.sampled_from(("keep", "lower", "upper", "title", "random")))
        if style == "random":
            flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
            text = "".join(c.upper() if f else c.lower() for c, f in zip(text, flips, strict=True))
        elif style != "keep":
            text = getattr(text, style)()
    out = []
    glyph_rate = draw(st.sampled_from((0, 0, 1, 2, 3)))  # in quarters of eligible letters
    wide_rate = draw(st.sampled_from((0, 0, 1, 4)))
    zw_rate = draw(st.sampled_from((0, 0, 1, 2)))
    for ch in text:
        roll = draw(st.integers(0, 3))
        if ch in HOMOGLYPHS and roll < glyph_rate:
            ch = draw(st.sampled_from(HOMOGLYPHS[ch]))
        elif ch.isascii() and ch.isalnum() and roll < wide_rate:
            ch = _fullwidth(ch)
        out.append(ch)
        if roll < zw_rate:
            out.append(draw(st.sampled_from(ZERO_WIDTH)))
    return "".join(out)


# --- written forms ----------------------------------------------------------------------------


@st.composite
def name_forms(draw, identity: Identity) -> str:
    """The member's full name as people write it: any separator, joined, reversed, scrambled."""
    first, last = identity.first, identity.last
    if draw(st.booleans()):
        first = first.replace("-", draw(st.sampled_from(("", " ", "-"))))
    order = draw(st.sampled_from(("first last", "last first", "last, first")))
    sep = draw(st.sampled_from((" ", "  ", ".", "_", "-", "", " . ")))
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
    local, domain = identity.email.split("@")
    at = draw(st.sampled_from(("@", " @ ", " at ", " AT ", " (at) ", " [at] ", "(at)", " {at} ",
                               " <at> ", "[@]", " at sign ")))
    dot = draw(st.sampled_from((".", " dot ", " DOT ", " (dot) ", " [dot] ", "[.]", " . ",
                                "(dot)", " point ")))
    # "name.part at example.com": often only the @ is spelled out.
    local_dot = draw(st.sampled_from((".", dot)))
    domain_dot = draw(st.sampled_from((".", dot)))
    text = local.replace(".", local_dot) + at + domain.replace(".", domain_dot)
    return draw(_scramble(text, case=draw(st.booleans())))


_DIGIT_WORDS = {
    "0": ("zero", "oh", "o", "nought"), "1": ("one",), "2": ("two",), "3": ("three",),
    "4": ("four",), "5": ("five",), "6": ("six",), "7": ("seven",), "8": ("eight",),
    "9": ("nine",),
}


@st.composite
def _grouped(draw, digits: str) -> str:
    groups, i = [], 0
    while i < len(digits):
        n = draw(st.integers(1, 4))
        groups.append(digits[i : i + n])
        i += n
    sep = draw(st.sampled_from((" ", "-", ".", "", " - ", "/")))
    return sep.join(groups)


@st.composite
def phone_forms(draw, identity: Identity) -> str:
    """The phone with any grouping, +cc / 00cc / trunk 0, parentheses, words, O and l."""
    cc, national = identity.country_code, identity.national
    prefix = draw(st.sampled_from(("+cc", "00cc", "national", "+cc (0)")))
    if prefix == "national":
        lead = "" if cc == "1" else "0"
        body = lead + national
    else:
        body = national
    style = draw(st.sampled_from(("grouped", "paren", "words", "mixed-words", "ol")))
    if style == "paren":
        split = 3 if cc == "1" else draw(st.integers(1, 3))
        head = body[: split + (len(body) - len(national))]
        text = f"({head}) " + draw(_grouped(body[len(head):]))
    elif style in ("words", "mixed-words"):
        words = []
        for d in body:
            spell = style == "words" or draw(st.booleans())
            words.append(draw(st.sampled_from(_DIGIT_WORDS[d])) if spell else d)
        text = draw(st.sampled_from((" ", ", ", "-"))).join(words)
    else:
        text = draw(_grouped(body))
        if style == "ol":
            subs = {"0": ("O", "o"), "1": ("l", "I")}
            text = "".join(draw(st.sampled_from(subs[c])) if c in subs and draw(st.booleans())
                           else c for c in text)
    if prefix == "+cc":
        text = f"+{cc} {text}" if draw(st.booleans()) else f"+{cc}{text}"
    elif prefix == "00cc":
        text = f"00{cc} {text}"
    elif prefix == "+cc (0)":
        text = f"+{cc} (0) {text}"
    return draw(_scramble(text, case=False)) if draw(st.booleans()) else text


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
_TOKEN = re.compile(r"[^\W_]+")
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
