"""Where an event mention starts and ends: docs/annotation.md's span conventions.

Applied after the context rules (which read the words around each mention as found):
body locations in ("pain in my legs", "gums bleeding"), quantifiers, intensity words,
the subject and auxiliaries out ("a lot of joint pain" -> "joint pain", "I was dizzy" ->
"dizzy"), trailing times, frequencies and circumstances out ("dizzy standing up" ->
"dizzy"), and a bare body part is never an event.
"""

from __future__ import annotations

import bisect


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())

# Left out at an event's start (rules 2 and 5): quantifiers, intensity and frequency words,
# determiners, the subject and auxiliaries.
TRIM_LEFT = _words("""
a an the my some any lot lots of bit little very really so quite pretty super such too
terrible terribly horrible horribly awful awfully severe severely constant constantly
occasional occasionally mild mildly extreme extremely bad badly slight slightly major minor
huge massive intense intensely serious seriously crazy insane excruciating unbearable nasty
i was were am is are been be had have has having felt feel feels feeling got get gets
getting also just more random weird strange odd almost plus twice noticed showed woke up
""")
# Words never needed by a phrase ("my legs ache" is "legs ache" whatever the lexicon says).
_TRIM_ALWAYS = _words("""
a an the my i was were am is are been be had have has having also just so very really plus
""")
# Left out at an event's end (rule 1: the location ends at its noun; frequency words out).
TRIM_RIGHT = _words("""
all the time times at night nights during day days throughout every each morning mornings
evening evenings afternoon week weeks month months first few couple of too also everywhere
lately constantly again anymore now still sometimes often daily today in on a an and or for
to by with after since about from like that which almost nearly over
whole mid hours hour minutes mins af lol
""")
# A trailing circumstance starts here ("dizzy standing up", "vomiting if I eat", "swelling in
# my legs is bad", "itchy as hell"): the span ends before it (the annotators' clarification:
# trailing values, times, frequencies and places that are not body parts are out).
_CUT = _words("""
when whenever if while after before around until unless because but though so as like that
which where who standing getting climbing walking lying sitting typing driving going is was
were are hit calmed every all each most at during one not
""")
# Before "not" in a lost ability ("couldn't get up the stairs"): not a circumstance cut.
_NEGATED_VERBS = _words("could can cannot would did does do was is wont will")
# Body parts (rule 1: "pain in my legs"; rule 6: alone, never an event).
BODY_PARTS = _words("""
head face forehead eyes eye eyelid eyelids ears ear nose lips lip mouth tongue gums gum
teeth tooth jaw jaws throat neck shoulders shoulder arms arm elbows elbow forearms forearm
wrists wrist hands hand palms palm fingers finger fingertips thumb thumbs nails nail chest
breast breasts nipples nipple ribs rib stomach belly tummy abdomen gut back spine hips hip
pelvis groin butt buttocks legs leg thighs thigh knees knee calves calf shins shin ankles
ankle feet foot heels heel toes toe toenail toenails skin scalp hair body muscles muscle
joints joint bones bone kidneys kidney liver bladder bowels bowel sinuses sinus brain heart
lungs lung veins vein side sides crown temples temple armpits armpit chin cheeks cheek
foreskin
""")
# Before the location's noun: "pain in (both) my (lower) legs", "rash all over my back".
_LOC_PREP = frozenset({"in", "on", "under", "around", "behind", "across", "along", "over",
                       "inside", "of", "at", "above", "below", "near", "between", "through"})
_LOC_FILL = frozenset({"my", "his", "her", "their", "the", "both", "left", "right", "upper",
                       "lower", "inside", "outside", "front", "top", "bottom", "whole", "entire",
                       "middle", "base", "side", "sides", "of", "all", "over", "a", "one",
                       "other", "big", "little", "small"})
_LIST = frozenset({"and", ",", "or", "&", "/"})
# "gums (are) bleeding", "tummy hurts", "face turns red": a body part before the event, with
# at most one of these between.
_LINK = frozenset({"are", "is", "was", "were", "got", "get", "felt", "feel", "feels",
                   "turned", "turns", "went", "started", "became", "kept", "would", "have"})
_NOT_LEFT_PARTS = frozenset({"back", "side", "sides", "body", "heart", "hair"})


def body_part_only(norms: list[str], a: int, b: int) -> bool:
    """A span of body parts and filler only ("thighs", "behind my eyes")."""
    words = norms[a:b]
    return any(w in BODY_PARTS for w in words) and all(
        w in BODY_PARTS or w in _LOC_FILL or w in _LOC_PREP or w in _LIST for w in words)


def _key_span(norms: list[str], a: int, b: int, key: str | None) -> tuple[int, int]:
    """Where the event's dictionary phrase sits inside [a, b) (the whole span if unknown)."""
    if not key:
        return a, b
    words = key.split(" ")
    n = len(words)
    for i in range(a, b - n + 1):
        if norms[i:i + n] == words:
            return i, i + n
    return a, b


def _trim(norms: list[str], a: int, b: int, key: str, table: dict) -> tuple[int, int]:
    ka, kb = _key_span(norms, a, b, key)
    a2 = a
    while b - a2 > 1 and norms[a2] in TRIM_LEFT:
        a2 += 1
    # A word the phrase needs stays ("bad sleep": "sleep" alone is no event).
    if key and ka < a2 < kb and " ".join(norms[a2:b]) not in table:
        a2 = ka
    b2 = b
    # Trailing values and times are out (rule 7): "fever of 39", "headaches the first 2".
    while b2 - a2 > 1 and (norms[b2 - 1] in TRIM_RIGHT or norms[b2 - 1].isdigit()):
        b2 -= 1
    if key and ka < b2 < kb and " ".join(norms[a2:b2]) not in table:
        b2 = kb  # "sweating at night" is its own phrase
    return a2, b2


def _cut_circumstance(norms: list[str], a: int, b: int, key: str | None) -> int:
    """The end of the span before a trailing circumstance, never inside the phrase itself."""
    _ka, kb = _key_span(norms, a, b, key)
    start = max(kb, a + 1) if key else a + 1
    for i in range(start, b):
        if norms[i] in _CUT:
            if not key and norms[i] in ("is", "was", "were", "are"):
                continue  # "gums were bleeding": uncoded, the verb may be the event
            if norms[i] == "not" and norms[i - 1] in _NEGATED_VERBS:
                continue  # "couldn't walk", "can not sit": the negation is the event's
            return i
    return b


def _location(norms: list[str], b: int, hi: int, taken: set[int]) -> int:
    """The end of a body location right after an event ("in my left knee", "all over my back
    and stomach"), or `b` when none follows."""
    i = b
    if i < hi and norms[i] == "all" and i + 1 < hi and norms[i + 1] == "over":
        i += 1
    if not (i < hi and norms[i] in _LOC_PREP):
        return b
    end = b
    j = i + 1
    while j < hi and j not in taken:
        w = norms[j]
        if w in BODY_PARTS:
            end = j + 1
            j += 1
            # one more part after "and" / "," ("hips and knees", "back and stomach")
            if j + 1 < hi and norms[j] in _LIST and (j + 1) not in taken:
                k = j + 1
                while k < hi and norms[k] in _LOC_FILL and k not in taken:
                    k += 1
                if k < hi and norms[k] in BODY_PARTS and k not in taken:
                    end = k + 1
                    j = k + 1
            break
        if w not in _LOC_FILL:
            break
        j += 1
    return end


def _left_part(norms: list[str], a: int, lo: int, taken: set[int]) -> int:
    """The start of a body part right before the event ("gums bleeding", "tummy hurts",
    "gums are swollen"), or `a`."""
    for back in (1, 2):
        p = a - back
        if p < lo or p in taken:
            return a
        w = norms[p]
        if back == 1 and w in _LINK:
            continue
        if w in BODY_PARTS and w not in _NOT_LEFT_PARTS and (back == 1 or norms[a - 1] in _LINK):
            return p
        return a
    return a


def convention_extents(norms: list[str], events: list[tuple], table: dict,
                       sentences: list[tuple[int, int]] | None = None,
                       taken: set[int] | None = None) -> list[tuple]:
    """Events re-drawn to docs/annotation.md's extent (see the module docstring), within
    their sentence and never into another mention (`taken`: all mention positions)."""
    n = len(norms)
    taken = taken or set()
    starts = [s for s, _ in sentences] if sentences else []
    out: list[tuple] = []
    for idx, e in enumerate(events):
        a, b = e[0], e[1]
        key = e[2] or ""
        if sentences:
            si = bisect.bisect_right(starts, a) - 1
            lo, hi = sentences[si] if si >= 0 else (0, n)
        else:
            lo, hi = 0, n
        # neighbours bound the location: never reach into the next or previous event
        if idx + 1 < len(events):
            hi = min(hi, events[idx + 1][0])
        if out:
            lo = max(lo, out[-1][1])
        if b - a > 1:
            b = _cut_circumstance(norms, a, b, e[2])
            a, b = _trim(norms, a, b, key, table)
        others = taken - set(range(e[0], e[1]))
        b = _location(norms, b, hi, others)
        a = _left_part(norms, a, lo, others)
        out.append((a, b, *e[2:]) if (a, b) != (e[0], e[1]) else e)
    return out
