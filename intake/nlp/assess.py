"""Seriousness cues, the four minimum criteria, drug-event pairs, candidate flag and priority.

Plain functions over the mentions the pipeline found; the regulatory meaning lives here so the
service and the command line agree on it.
"""

from __future__ import annotations

import bisect
import re

# ICH E2A seriousness criteria, as patients write them. Order = priority weight (highest first).
SERIOUSNESS: dict[str, tuple[float, str]] = {
    "death": (100.0, r"\b(?:died|dies|death|passed away|fatal|killed (?:him|her|my)|"
                     r"(?:is|was) dead\b(?! inside))"),
    "life_threatening": (90.0, r"\b(?:life[- ]threatening|almost died|nearly died|could have "
                               r"died|overdosed?|od'd|od'?ed|icu|intensive care|resuscitated|"
                               r"anaphyla\w*|stopped breathing|heart stopped|suicide attempt|"
                               r"attempted suicide|tried to kill myself|code blue)\b"),
    "congenital_anomaly": (80.0, r"\b(?:birth defects?|congenital|born with|cleft (?:lip|palate)"
                                 r"|heart defect|spina bifida)\b"),
    "disability": (70.0, r"\b(?:disabled|disability|permanent(?:ly)? (?:damage|disabled|"
                         r"blind|deaf)|bedridden|bed-ridden|wheelchair|paralyz\w*|paralys\w*|"
                         r"lost my job|can(?:'|no)?t work anymore|went blind|lost my (?:sight|"
                         r"hearing|vision))\b"),
    "hospitalisation": (60.0, r"\b(?:hospitali[sz]\w*|(?:in|to) (?:the )?hospitals?|admitted|"
                              r"emergency room|(?:the|to) er|a&e|ambulances?|inpatient|"
                              r"psych ward|intensive care)\b"),
    "other_medically_important": (50.0, r"\b(?:seizures?|convulsions?|suicidal|suicide|stroke|"
                                        r"liver (?:failure|damage)|kidney failure|pancreatitis|"
                                        r"serotonin syndrome|stevens[- ]johnson|psychosis|"
                                        r"psychotic|blood clots?|heart attack|miscarr\w*|"
                                        r"self[- ]harm\w*|cutting myself|passed out|"
                                        r"fainted|arrhythmia|mania|manic episode)\b"),
}
_SERIOUS_RE = {k: re.compile(v, re.IGNORECASE) for k, (_, v) in SERIOUSNESS.items()}
_NEG_BEFORE = re.compile(r"\b(?:no|not|never|didn'?t|don'?t|wasn'?t|without|avoid\w*|"
                         r"if|could|might|may|risk of|worried|afraid)\b[^.;!?]{0,25}$",
                         re.IGNORECASE)
_AGE_RE = re.compile(
    r"\b(?:(?:i am|i'm|im|i’m)\s+(?:a\s+)?(?P<a>\d{1,2})(?!\s*(?:mg|%|weeks?|days?|months?))\b|"
    r"(?P<b>\d{1,2})\s*(?:yo|y/o|y\.o\.|yrs? old|years? old|year-old|yr old)\b|"
    r"[(\[](?P<c>\d{1,2})\s*[mfMF][)\]]|\b(?P<d>\d{1,2})[mfMF]\b)", re.IGNORECASE)
_SEX_RE = re.compile(r"\b(?:i am|i'm|im|i’m|as)\s+(?:a\s+)?(?:\d{1,2}\s*(?:yo|year old)?\s*)?"
                     r"(?:woman|man|female|male|girl|guy|mother|mom|mum|dad|father|wife|"
                     r"husband|lady|gal|dude)\b", re.IGNORECASE)


# One pass: every criterion's pattern (they all start with a word boundary) in one alternation
# over the lower-cased text; about seven times faster than six IGNORECASE scans.
_ANY_SERIOUS = re.compile(r"\b(?=[a-z])(?:" + "|".join(
    f"(?P<{k}>{v[2:]})" for k, (_, v) in SERIOUSNESS.items()) + ")")
_SERIOUS_LOWER = {k: re.compile(v) for k, (_, v) in SERIOUSNESS.items()}


def _alternatives(pattern: str) -> list[str]:
    """`\\b(?:a|b|...)rest` -> ["a" + rest, "b" + rest, ...]; an alternative starting with a
    group "(?:x|y)tail" becomes "x" + tail, "y" + tail (same order, so the same ordered choice)."""
    assert pattern.startswith(r"\b(?:"), pattern
    parts, depth, begin, i = [], 0, 5, 5
    while True:
        c = pattern[i]
        if c == "\\":  # an escape: skip the escaped character
            i += 1
        elif c == "[":  # a character class: skip to its end
            i = pattern.index("]", i + 1)
        elif c == "(":
            depth += 1
        elif c == ")" and depth:
            depth -= 1
        elif depth == 0 and c in "|)":
            parts.append(pattern[begin:i])
            begin = i + 1
            if c == ")":  # the end of the outer group
                break
        i += 1
    rest = pattern[i + 1:]
    out = []
    for part in parts:
        if part.startswith("(?:"):
            head, tail = part[3:].split(")", 1)
            out += [h + tail + rest for h in head.split("|")]
        else:
            out.append(part + rest)
    for alt in out:  # each must start with a plain letter (not quantified, not a group)
        assert alt[0].isalpha(), alt
        assert alt[1:2] not in ("?", "*", "+", "{", "|", ")"), alt
    return out


def _by_first_letter(patterns: list[str]) -> re.Pattern:
    """The alternation of `patterns` (each `\\b(?:...)...`) as one regex whose alternatives are
    grouped under their first letter: "\\b(?:d(?:ied|ies|eath|...)|p(?:assed away|...)|...)".

    At a word start the regex engine then tries that letter's few alternatives, not all of
    them. Same matches: alternatives with different first letters never compete at one
    position, and within a letter they keep their order."""
    groups: dict[str, list[str]] = {}
    for pattern in patterns:
        for alt in _alternatives(pattern):
            groups.setdefault(alt[0], []).append(alt[1:])
    return re.compile(r"\b(?:" + "|".join(f"{c}(?:{'|'.join(alts)})"
                                          for c, alts in groups.items()) + ")")


# `_ANY_SERIOUS` with its alternatives grouped by first letter (twice as fast; tests/intake/
# test_nlp_assess.py checks it finds the same matches).
_ANY_SERIOUS_FAST = _by_first_letter([v for _, v in SERIOUSNESS.values()])


# Every alternative above contains one of these words as a whole token, or one of the stems
# as a substring: texts with neither (most) skip the regex.
_ANCHORS = frozenset((
    "died", "dies", "death", "passed", "fatal", "killed", "dead", "threatening", "overdose",
    "overdosed", "odd", "oded", "icu", "intensive", "resuscitated", "breathing", "heart",
    "suicide", "kill", "blue", "birth", "congenital", "born", "cleft", "spina", "disabled",
    "disability", "permanent", "permanently", "bedridden", "ridden", "wheelchair", "job",
    "anymore", "blind", "lost", "er", "seizure", "seizures", "convulsion", "convulsions",
    "suicidal", "stroke", "liver", "kidney", "pancreatitis", "serotonin", "stevens",
    "psychosis", "psychotic", "blood", "cutting", "fainted", "arrhythmia", "mania", "manic",
))
_STEMS = ("anaphyla", "paraly", "hospital", "miscarr", "harm", "a&e", "admitted", "emergency",
          "ambulance", "inpatient", "psych")


def seriousness(text: str, words=None) -> list[str]:
    """Seriousness criteria cued in `text`, most serious first (negated/hypothetical skipped).

    `words`: the text's normalised tokens, when known, for a quick no-cue exit."""
    found = {e["criterion"] for e in seriousness_evidence(text, words)}
    return [k for k in SERIOUSNESS if k in found]


def _lower_same_length(text: str) -> str:
    """`text.lower()`, keeping offsets: the rare character whose lower case is longer ("İ")
    stays as it is, so a span found in the result is the same span in `text`."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def seriousness_evidence(text: str, words=None) -> list[dict]:
    """What triggered each seriousness criterion: [{criterion, start, end, text}] in text order
    (offsets into `text`; a phrase that cues two criteria, "intensive care", gives a row for
    each). Negated and hypothetical cues are skipped, as in `seriousness`."""
    low = _lower_same_length(text)
    if words is not None and _ANCHORS.isdisjoint(words) and not any(
            stem in low for stem in _STEMS):
        return []
    out: list[dict] = []
    for m in _ANY_SERIOUS_FAST.finditer(low):
        if _NEG_BEFORE.search(text[max(0, m.start() - 40):m.start()]):
            continue
        phrase = m.group()
        out.extend({"criterion": k, "start": m.start(), "end": m.end(),
                    "text": text[m.start():m.end()]}
                   for k, rx in _SERIOUS_LOWER.items() if rx.search(phrase))
    return out


# `_AGE_RE` / `_SEX_RE` split into their alternatives over the lower-cased text, each starting
# with what it must start with (a literal or a digit, the leading \b moved into a lookbehind
# such as `i(?<!\wi)`), so the regex engine skips ahead to candidates instead of trying every
# alternative at every position: a third of the time. Same answer (tests/intake/
# test_nlp_assess.py checks them against the readable patterns above).
_AGE_STATED = re.compile(r"i(?<!\wi)(?: am|'m|m|’m)\s+(?:a\s+)?\d{1,2}"
                         r"(?!\s*(?:mg|%|weeks?|days?|months?))\b")
_AGE_NUMBER = re.compile(r"\d(?<!\w\d)\d?(?:\s*(?:yo|y/o|y\.o\.|yrs? old|years? old|year-old|"
                         r"yr old)\b|[mf]\b)")
_AGE_BRACKET = re.compile(r"[(\[](?<=\w[(\[])\d{1,2}\s*[mf][)\]]")
_SEX_REST = (r"\s+(?:a\s+)?(?:\d{1,2}\s*(?:yo|year old)?\s*)?(?:woman|man|female|male|girl|guy|"
             r"mother|mom|mum|dad|father|wife|husband|lady|gal|dude)\b")
_SEX_I = re.compile(r"i(?<!\wi)(?: am|'m|m|’m)" + _SEX_REST)
_SEX_AS = re.compile(r"as(?<!\was)" + _SEX_REST)


def patient_from_text(text: str) -> bool:
    """Whether the text states the patient's age or sex (`_AGE_RE` or `_SEX_RE` matches)."""
    low = text.lower()
    return bool(_AGE_NUMBER.search(low) or _AGE_STATED.search(low) or (
        ("(" in low or "[" in low) and _AGE_BRACKET.search(low)) or _SEX_I.search(low)
        or _SEX_AS.search(low))


def patient_from_profile(profile: dict | None) -> bool:
    if not profile:
        return False
    return any(profile.get(k) not in (None, "") for k in ("age", "birth_year", "sex",
                                                          "date_of_birth", "initials"))


MAX_PAIRED_DRUGS = 3


def pair_mentions(mentions: list[dict], sentence_of: list[int]) -> list[list[int]]:
    """[drug_index, event_index] for each reaction: the drugs of its sentence (the nearest
    three at most), else the closest drug mentioned before it, else the post's first drug."""
    drugs = [i for i, m in enumerate(mentions) if m["kind"] == "drug"]
    pairs: list[list[int]] = []
    if not drugs:
        return pairs
    by_sentence: dict[int, list[int]] = {}
    for di in drugs:
        by_sentence.setdefault(sentence_of[di], []).append(di)
    last_drug = -1
    for i, m in enumerate(mentions):  # mentions are in text order
        if m["kind"] == "drug":
            last_drug = i
            continue
        if not is_own_reaction(m):  # an event (drugs were passed above)
            continue
        same = by_sentence.get(sentence_of[i]) or [last_drug if last_drug >= 0 else drugs[0]]
        if len(same) > MAX_PAIRED_DRUGS:  # a run-on text: the nearest drugs, not all of them
            k = bisect.bisect_left(same, i)
            near = same[max(0, k - MAX_PAIRED_DRUGS):k + MAX_PAIRED_DRUGS]
            same = sorted(sorted(near, key=lambda di: abs(di - i))[:MAX_PAIRED_DRUGS])
        pairs.extend([di, i] for di in same)
    return pairs


def is_own_reaction(ctx: dict) -> bool:
    """Context attributes of the patient's own reaction: not negated, hypothetical, someone
    else's or in the past."""
    return (ctx["role"] == "reaction" and not ctx["negated"] and not ctx["hypothetical"]
            and not ctx["family"] and not ctx["historical"])


def is_reportable_reaction(m: dict) -> bool:
    return m["kind"] == "event" and is_own_reaction(m)


def assess(text: str, mentions: list[dict], pairs: list[list[int]], *, profile: dict | None,
           reporter_known: bool, words=None) -> dict:
    """Seriousness, criteria, candidate flag and priority for one screened text."""
    reactions = [i for i, m in enumerate(mentions) if is_reportable_reaction(m)]  # indices
    reaction_idx = set(reactions)
    suspect = {d for d, e in pairs if e in reaction_idx}
    evidence = seriousness_evidence(text, words) if reactions else []
    cued = {e["criterion"] for e in evidence}
    serious = [k for k in SERIOUSNESS if k in cued]
    criteria = {
        "patient": patient_from_profile(profile) or patient_from_text(text),
        "reporter": bool(reporter_known),
        "product": bool(suspect),
        "event": bool(reactions),
    }
    candidate = criteria["product"] and criteria["event"]
    # Seriousness first, then how complete and how rich the report is.
    priority = max((SERIOUSNESS[s][0] for s in serious), default=0.0)
    priority += 5.0 * sum(criteria.values()) + min(len(reactions), 5)
    if not candidate:
        priority /= 10.0
    return {"candidate": candidate, "priority": round(priority, 2), "serious": serious,
            "serious_evidence": evidence, "criteria": criteria}
