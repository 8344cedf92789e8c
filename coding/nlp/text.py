"""Token normalisation shared by the dictionaries and the screening pipeline.

Dictionary phrases and post text go through the same tokenizer and the same normalisation, so
"can't sleep", "cant sleep" and "Can’t  sleep" all become ("can", "not", "sleep"). Keeping this
in one place is what makes exact phrase lookups work without a lemmatiser.
"""

from __future__ import annotations

import functools
import re

import spacy

# spaCy's English tokenizer splits contractions ("can't" -> "ca" "n't", "cant" -> "ca" "nt");
# map the pieces back to plain words so lexicon entries can be written the way people type.
_NORM = {
    "n't": "not", "nt": "not", "n’t": "not", "ca": "can", "wo": "will", "sha": "shall",
    "'m": "am", "’m": "am", "'ve": "have", "’ve": "have", "'re": "are", "’re": "are",
    "'ll": "will", "’ll": "will", "'d": "would", "’d": "would", "u": "you", "ur": "your",
    "im": "i", "ive": "i", "nite": "night", "wks": "weeks", "wk": "week", "hrs": "hours",
    "lbs": "lbs", "lb": "lbs", "pounds": "lbs", "pound": "lbs", "kgs": "kg", "&": "and",
    "thru": "through", "w/": "with", "b/c": "because", "bc": "because", "cuz": "because",
    "coz": "because", "tho": "though", "altho": "although", "prolly": "probably",
}
# Tokens left out of the normalised sequence: hyphens and quotes inside phrases
# ("flu-like", "short - term") must not break a match.
_SKIP = frozenset({"-", "–", "—", "‐", "'", "’", '"', "“", "”", "*", "~"})
_APOS = re.compile(r"['’]")


def word_set(text: str) -> frozenset[str]:
    """The words of a whitespace-separated list, for the rule modules' word sets."""
    return frozenset(text.split())

# Substance-name words that only name the salt or hydrate: "ATORVASTATIN CALCIUM TRIHYDRATE"
# is atorvastatin (the build), and "metoprolol succinate" is one drug span (the matcher).
SALT_WORDS = word_set("""
hydrochloride hcl sodium calcium potassium magnesium succinate tartrate besylate maleate
mesylate bisulfate trihydrate monohydrate dihydrate hemihydrate sesquihydrate anhydrous citrate
sulfate phosphate acetate fumarate hyclate hydrobromide bromide chloride dipropionate propionate
valerate bitartrate hemifumarate disodium dihydrochloride monosodium mononitrate nitrate lactate
gluconate medoxomil cilexetil axetil pivoxil olamine tromethamine meglumine benzoate salicylate
palmitate decanoate enanthate cypionate
""")
# Form, release and device words after a drug name (docs/annotation.md rule 9 and its
# clarifications): never part of a drug span, and never a drug name on their own.
FORM_WORDS = word_set("""
pill pills tablet tablets tab tabs capsule capsules caps softgel softgels gummy gummies
supplement supplements infusion infusions injection injections shot shots booster boosters
jab jabs vaccine vaccines patch patches spray sprays xl xr er sr cr cd la odt mist
inhaler inhalers ellipta diskus hfa respimat handihaler respiclick pen pens flexpen kwikpen
autoinjector iud cream creams gel ointment lotion drops liquid syrup suppository suppositories
""")


# Names glued to a dose or a bracket ("Crestor(10mg)", "Lipitor20mg", "Zoloft[50mg]"): split
# a bracket off a word of two or more letters it touches, and a trailing number off a word of
# four or more letters ("Lipitor20" once spaCy has taken "mg" off). Short letter-number tokens
# ("B12", "CoQ10", "x2", "D3") and number-first tokens ("10mg", "2x10") stay as they were.
_GLUED_INFIXES = (r"(?<=[A-Za-z]{2})[\(\[](?=[A-Za-z0-9])",
                  r"(?<=[A-Za-z0-9])[\)\]](?=[A-Za-z0-9])")
# A full stop after a one-letter word is a full stop ("and vitamin D. We asked"), not an
# initial: spaCy keeps "D." / "d." as one token (its special cases "a." ... "z." and its suffix
# rule, which splits a stop off lowercase letters only), so "vitamin D." never read as
# "vitamin d". In posts the letter is a vitamin or a list item far more often than a name's
# initial; the stop now splits off (and ends the sentence).
_GLUED_SUFFIXES = (r"(?<=[A-Za-z]{4})[0-9]+(?:\.[0-9]+)?$", r"(?<=^[A-Za-z])\.$")


def split_glued(nlp) -> None:
    """Set up `nlp`'s tokenizer to split names from glued doses and brackets, and a full stop
    from a one-letter word (in place)."""
    from spacy.util import compile_infix_regex, compile_suffix_regex

    nlp.tokenizer.infix_finditer = compile_infix_regex(
        [*nlp.Defaults.infixes, *_GLUED_INFIXES]).finditer
    nlp.tokenizer.suffix_search = compile_suffix_regex(
        [*nlp.Defaults.suffixes, *_GLUED_SUFFIXES]).search
    nlp.tokenizer.rules = {k: v for k, v in (nlp.tokenizer.rules or {}).items()
                           if not (len(k) == 2 and k[1] == "." and k[0].isalpha())}


@functools.cache
def tokenizer():
    """The one spaCy English tokenizer (blank pipeline, no model download)."""
    nlp = spacy.blank("en")
    split_glued(nlp)
    return nlp.tokenizer


def norm_token(lower: str) -> str:
    mapped = _NORM.get(lower)
    if mapped is not None:
        return mapped
    if "'" in lower or "’" in lower:
        return _APOS.sub("", lower)
    return lower


def norm_sequence(tokens) -> tuple[list[str], list[int]]:
    """(normalised token strings, index of each in `tokens`), skipping hyphens and quotes.

    `tokens` is any sequence of spaCy tokens (a Doc or a Span).
    """
    norms: list[str] = []
    index: list[int] = []
    for i, tok in enumerate(tokens):
        low = tok.lower_
        if low in _SKIP or tok.is_space:
            continue
        norms.append(norm_token(low))
        index.append(i)
    return norms, index


def norm_phrase(text: str) -> str:
    """A phrase as the space-joined normalised tokens used as dictionary keys."""
    return " ".join(norm_sequence(tokenizer()(text))[0])


def norm_doc(doc) -> tuple[list[str], list[int], list[int], list[int], list[int]]:
    """Like `norm_sequence` for a whole Doc, without creating Token objects (the hot path).

    Returns (norms, token index, char start, char end, sentence-start flag) per kept token.
    """
    from spacy.attrs import IDX, ORTH, SENT_START

    if len(doc) == 0:
        return [], [], [], [], []
    strings = doc.vocab.strings
    norms: list[str] = []
    index: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    sent: list[int] = []
    pending_start = False
    for i, (orth, idx, sent_start) in enumerate(doc.to_array([ORTH, IDX, SENT_START]).tolist()):
        text = strings[orth]
        low = text.lower()
        if sent_start == 1:
            pending_start = True
        if low in _SKIP or text.isspace():
            continue
        norms.append(norm_token(low))
        index.append(i)
        starts.append(idx)
        ends.append(idx + len(text))
        sent.append(1 if pending_start or not index[:-1] else 0)
        pending_start = False
    return norms, index, starts, ends, sent
