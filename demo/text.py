"""A tiny template expander and the "how people actually type" post-processing.

Templates use ``[a|b|c]`` for inline alternatives (nestable, ``[a|]`` means optional) and
``{slot}`` for values supplied by the caller (a string, or a callable taking the RNG, expanded
again after the call).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping

Slot = str | Callable[[random.Random], str]

_ALT = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{(\w+)\}")
# "the a rash" -> "the rash", "no a dry cough" -> "no dry cough"
_DOUBLE_WORD = re.compile(r"\b(about|roughly|the|my) \1\b", re.IGNORECASE)
_DOUBLE_DET = re.compile(r"\b(the|a|an|any|no|my) (?:a|an|the|my) ", re.IGNORECASE)


def expand(template: str, rng: random.Random, slots: Mapping[str, Slot], depth: int = 0) -> str:
    text = template
    while True:
        text, n = _ALT.subn(lambda m: rng.choice(m.group(1).split("|")), text, count=1)
        if not n:
            break

    def fill(m: re.Match[str]) -> str:
        value = slots[m.group(1)]
        if callable(value):
            value = value(rng)
        if depth < 3 and ("{" in value or "[" in value):
            value = expand(value, rng, slots, depth + 1)
        return value

    text = _SLOT.sub(fill, text)
    text = _DOUBLE_DET.sub(r"\1 ", text)
    text = _DOUBLE_WORD.sub(r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text).replace(" ,", ",").replace(" .", ".").strip()


def sentence(text: str) -> str:
    """Capitalise the first letter and make sure the sentence ends with punctuation."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    if text[-1] not in ".!?)" and not text.endswith(("lol", "tho", "...")):
        text += "."
    return text


EMOJI = ["😩", "🙏", "😭", "🤷‍♀️", "😊", "💊", "🥲", "❤️", "😂", "🤞", ":(", ":)", ":/", "😴", "🤢",
         "💪", "😕", "🙄"]

_SLANG = [
    (r"\bbecause\b", ["bc", "cuz", "because"]),
    (r"\bthough\b", ["tho"]),
    (r"\byou\b", ["u", "you"]),
    (r"\bgoing to\b", ["gonna"]),
    (r"\breally\b", ["rly", "realy", "really"]),
    (r"\bdefinitely\b", ["definately", "def"]),
    (r"\bI don't know\b", ["idk", "i dunno"]),
    (r"\bseparate\b", ["seperate"]),
    (r"\bdoctor\b", ["doc", "dr", "doctor"]),
    (r"\bprobably\b", ["prob", "probly"]),
    (r"\bto be honest\b", ["tbh"]),
    (r"\bsomething\b", ["smth", "something"]),
]

_TYPOS = [
    (r"\bthe\b", "teh"), (r"\breceive\b", "recieve"), (r"\bweird\b", "wierd"),
    (r"\buntil\b", "untill"), (r"\bbelieve\b", "beleive"), (r"\bnecessary\b", "neccessary"),
    (r"\btomorrow\b", "tommorow"), (r"\bstomach\b", "stomache"), (r"\bwhich\b", "wich"),
    (r"\bnausea\b", "nausia"), (r"\bdiarrhea\b", "diarrea"), (r"\bdizziness\b", "dizzyness"),
]


def _sub_once(pattern: str, repl: str, text: str) -> str:
    return re.sub(pattern, repl, text, count=1, flags=re.IGNORECASE)


def stylise(text: str, style: str, rng: random.Random) -> str:
    """Apply a member's typing habits (with per-post variation) to a composed post."""
    roll = rng.random()
    if style == "lower" and roll < 0.75:
        text = text.lower()
    elif style == "sloppy" and roll < 0.85:
        text = text.lower().replace("'", "").replace("’", "")
        text = re.sub(r"\.(\s|$)", lambda m: m.group(1) if rng.random() < 0.8 else ". ", text)
        text = re.sub(r",\s", " ", text) if rng.random() < 0.5 else text
        for pattern, choices in _SLANG:
            text = re.sub(pattern, lambda _m, c=choices: rng.choice(c), text, flags=re.I)
    elif style != "formal" and roll < 0.12:
        # occasional casual shortening for everyone else
        for pattern, choices in _SLANG[:4]:
            if rng.random() < 0.5:
                text = re.sub(pattern, rng.choice(choices), text, flags=re.I)
    if style != "formal" and rng.random() < 0.12:
        pattern, repl = rng.choice(_TYPOS)
        text = _sub_once(pattern, repl, text)
    if style in ("lower", "sloppy") and rng.random() < 0.3:
        text = re.sub(r"\bI\b", "i", text)
    if (style == "emoji" and rng.random() < 0.7) or rng.random() < 0.05:
        emo = rng.choice(EMOJI)
        if rng.random() < 0.3:
            emo = emo * rng.randint(2, 3)
        if "\n" in text and rng.random() < 0.5:
            first, rest = text.split("\n", 1)
            text = f"{first} {emo}\n{rest}"
        else:
            text = f"{text} {emo}"
    if style == "sloppy" and rng.random() < 0.25:
        text = text.rstrip(".") + rng.choice(["!!", "??", "...", " lol", ""])
    return text
