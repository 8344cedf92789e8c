"""The negated, hypothetical, historical and family flags of an event with a trigger near it."""

from __future__ import annotations

import bisect

from intake.nlp.context.words import (
    _ANSWERS,
    _ANYONE,
    _ASKS_IF_IT_DOES,
    _ASKS_IF_IT_WILL,
    _BECAUSE,
    _BEFORE_MONTH,
    _BEGUN,
    _CAUSATIVE,
    _CAUSED_BY,
    _CLAUSE_VERBS,
    _DETERMINERS,
    _DOSING_VERBS,
    _FIRST_PERSON,
    _GOES_AWAY,
    _HEDGE_GLUE,
    _HOPE,
    _IF_GOES_AWAY,
    _NO_ANSWERS,
    _NO_LONGER,
    _NOBODY,
    _NOT_YET,
    _OTHER_DRUG,
    _PAST,
    _REAL_AFTER_MODAL,
    _SINCE_THEN,
    _SOME,
    _SPEECH,
    _STILL_GONE,
    _TO_START,
    _UNWARNED,
    _WOULD_MIGHT,
    FAMILY,
    HISTORICAL_POST,
    HISTORICAL_PRE,
    HYPOTHETICAL,
    NEGATIONS,
    PSEUDO_NEGATIONS,
    a_time_span,
)


def _gone_now(post: list[str]) -> bool:
    """"no longer there / a problem / bothers me" right after an event (not "no longer
    controlled": worse)."""
    i = post.index("longer")
    return 0 < i < 3 and post[i - 1] == "no" and not _STILL_GONE.isdisjoint(post[i + 1:i + 2])


def _flags(norms: list[str], start: int, pre: list[tuple[int, str]], post: list[str],
           pre_set: set[str], ended_by: str, c_end: int) -> tuple[bool, bool, bool, bool]:
    """(negated, hypothetical, historical, family) of an event with some trigger near it."""
    n = len(norms)
    # The rules with a reach of at most 9 words only look at the end of `pre` (ascending).
    near = pre[bisect.bisect_left(pre, (start - 9,)):]
    # What answers a question ("nausea? no, none at all" / "insomnia? yes, every night").
    answer = norms[c_end + 1] if ended_by == "?" and c_end + 1 < n else ""
    negated = not NEGATIONS.isdisjoint(pre_set) and _negation_reaches(norms, start, pre, near)
    if negated and ("before" in post or ended_by in ("until", "till")) and "never" in pre_set:
        # "never had headaches before (taking X)", "never had a panic attack until I took
        # X": new, not absent
        negated = False
    if not negated and ("no" in pre_set or "not" in pre_set) and any(
            tok in ("no", "not") and (norms[p + 1:p + 3] in _NO_LONGER or (
                p + 2 == start and norms[p + 1] == "longer"))
            for p, tok in near if start - p <= 6):
        negated = True  # "I no longer have suicidal thoughts", "I'm no longer depressed": gone
    if not negated and "longer" in post[:3] and _gone_now(post):
        negated = True  # "the nausea is no longer there", "headaches no longer bother me"
    if not negated and "not" in post[:4] and any(t in ("issue", "problem") for t in post[:8]):
        negated = True  # "weight gain has not been an issue"
    if not negated and answer in _NO_ANSWERS:
        negated = True
    # A question reaches back over no comma: "urine retention ?, edema" doubts one item of
    # a list, "I get headaches , is that normal ?" asks about a real one.
    hypothetical = (ended_by == "?" and answer not in _ANSWERS and "," not in post and (
        not (_ASKS_IF_IT_WILL.isdisjoint(pre_set) and _ASKS_IF_IT_WILL.isdisjoint(post)) or (
            not (_ASKS_IF_IT_DOES.isdisjoint(pre_set) and _ASKS_IF_IT_DOES.isdisjoint(post))
            and _says_nothing_of_self(norms, pre, c_end)))) or (
        not HYPOTHETICAL.isdisjoint(pre_set)) and _hypothetical_trigger(norms, start, near) or (
        not _ANYONE.isdisjoint(pre_set) and _asks_others(norms, pre, start, c_end))
    if hypothetical and (_real_despite_trigger(pre, post, start) or (
            "else" in pre_set and _asks_who_else(pre))):
        hypothetical = False
    if post[:1] in (["risk"], ["risks"]):
        hypothetical = True  # "the clot risk is in the black box", "a bleeding risk too"
    as_a = {p for p, _ in pre if p >= 2 and norms[p - 2:p] == ["as", "a"]} if (
        "a" in pre_set or "as" in pre_set) else set()  # "as a child"
    historical = bool(as_a) or (not HISTORICAL_PRE.isdisjoint(pre_set) and any(
        tok in HISTORICAL_PRE and (tok != "used" or (
            p + 1 < n and norms[p + 1] == "to" and norms[p - 1:p] not in (
                ["got"], ["get"], ["getting"])))
        and (tok != "past" or (norms[p - 1:p] == ["the"] and not _recent_span(norms[p + 1:p + 5])))
        for p, tok in pre)) or (
        not HISTORICAL_POST.isdisjoint(post[:6]) and any(
            tok in HISTORICAL_POST and (tok != "before" or (any(
                t in ("started", "starting", "taking", "took", "began") for t in post)
                and "never" not in pre_set))
            # "past" after an event is a time only as "the past" ("in the past"), not a
            # place ("so swollen i cant lift it past my shoulder")
            and (tok != "past" or (post[i - 1:i] == ["the"] and not _recent_span(
                post[i + 1:i + 5])))
            for i, tok in enumerate(post[:6]) if tok in HISTORICAL_POST))
    if not historical and "before" in pre_set:
        historical = _before_the_drug(norms, pre, start)
    family = (not FAMILY.isdisjoint(pre_set)) and any(
        tok in FAMILY and start - p <= 8 and p not in as_a
        and not _reports_on_me(norms, p, start) for p, tok in near) or (
        "runs" in post[:3] and "family" in post[:6])
    return negated, hypothetical, historical, family


def _mention_follows(pre: list[tuple[int, str]], i: int, start: int) -> bool:
    """Whether a mention (no free word) comes right after the word `pre[i]`, before the
    event at `start`."""
    p = pre[i][0]
    return p + 1 < start and (pre[i + 1][0] if i + 1 < len(pre) else start) > p + 1


def _before_the_drug(norms: list[str], pre: list[tuple[int, str]], start: int) -> bool:
    """"before Prozac I had terrible insomnia", "Before being prescribed Zoloft I was very
    depressed": "before" opening the event's clause on the drug (a mention right after it,
    or words of starting one) and a past tense after it date the event before the drug;
    not a routine ("before I go to bed I get headaches"), nor another drug ("before Humira I
    was on prednisone which gave me ..."), nor a clause moving on ("and since then")."""
    for i, (p, w) in enumerate(pre):
        if w != "before":
            continue
        # the words after the first mention (the drug) that follows "before"
        gap = next((k for k in range(i + 1, len(pre)) if pre[k][0] > pre[k - 1][0] + 1),
                   len(pre))
        rest = {t for _, t in pre[gap:]}
        if (_mention_follows(pre, i, start) or not _BEGUN.isdisjoint(norms[p + 1:p + 3])) \
                and not _PAST.isdisjoint(rest) and _SINCE_THEN.isdisjoint(rest) \
                and _OTHER_DRUG.isdisjoint(rest):
            return True
    return False


def _hypothetical_trigger(norms: list[str], start: int, near: list[tuple[int, str]]) -> bool:
    """Whether a word within 8 before the event makes it hypothetical ("if", "could",
    "worried"), leaving out "could barely", "would get" (what used to happen) and "if I
    take it ..." (a consequence of dosing, which happened)."""
    for p, tok in near:
        if tok in HYPOTHETICAL and start - p <= 8:
            after = norms[p + 1]  # p < start, so p + 1 is a position of the text
            if tok == "case" and (p == 0 or norms[p - 1] != "in"):
                continue  # "in case I get dizzy", not "in my case"
            if tok == "may" and (p and norms[p - 1] in _BEFORE_MONTH or after.isdigit()):
                continue  # "in may I woke up with ...": the month
            if tok == "if" and p and norms[p - 1] == "as":
                continue  # "I feel as if I'm in a fog": a simile for what is felt
            if tok in _UNWARNED and not _NOBODY.isdisjoint(norms[max(0, p - 2):p]):
                continue  # "nobody warned me about the loose skin": real, not foretold
            if tok in ("would", "can", "could") and after == "say" and p and norms[
                    p - 1] == "i" and not _FIRST_PERSON.isdisjoint(norms[p + 2:max(start, p + 5)]):
                continue  # "I would say my feelings are muted": the writer's hedge on a report
            if not (tok in ("could", "can") and after in _REAL_AFTER_MODAL) and not (
                    tok == "would" and after not in _WOULD_MIGHT) and not (
                    tok == "if" and not _DOSING_VERBS.isdisjoint(norms[p + 1:start])):
                return True
    return False


def _negation_reaches(norms: list[str], start: int, pre: list[tuple[int, str]],
                      near: list[tuple[int, str]]) -> bool:
    """Whether a negation among the words `near` the event negates it: within 6 words (9
    after "didn't make me ..."), not "not only" / "no doubt", not closed before the event."""
    for p, tok in near:  # a loop, not any(): this runs for every event near a negation
        if tok in NEGATIONS:
            after = norms[p + 1]  # p < start, so p + 1 is a position of the text
            if start - p <= (9 if after in _CAUSATIVE else 6) and after not in \
                    PSEUDO_NEGATIONS and not (after == "one" and norms[p + 2:p + 3] and norms[
                        p + 2] in _UNWARNED) and not _negation_closed(norms, p, start, pre):
                return True
    return False


def _negation_closed(norms: list[str], p: int, start: int, pre: list[tuple[int, str]]) -> bool:
    """A negation at `p` does not reach an event at `start` over a comma or ")" when what it
    negated ended there: no mention between it and the comma ("acid reflux which I never had
    before , constipation", "no big deal ), difficulty reaching orgasm"), or a new clause
    starts after it ("without stuttering , was very confused"), or a positive quantifier
    opens the next item ("no anxiety at all , some weight gain"). "no nausea , vomiting or
    diarrhea" stays one negated list."""
    free = {q for q, _ in pre}
    for c in range(p + 1, start):
        if norms[c] in (",", ")"):
            nxt = norms[c + 2] if norms[c + 1] == "a" else norms[c + 1]
            if (c + 1 < start and norms[c + 1] in _CLAUSE_VERBS) or nxt in _SOME:
                return True  # "... , was very confused", "no anxiety at all , some weight gain"
            if all(q in free for q in range(p + 1, c)):
                return True
    return False


def _asks_who_else(pre: list[tuple[int, str]]) -> bool:
    """"Anyone else get headaches from Topamax?": the poster reports the event and asks
    whether others share it."""
    toks = [t for _, t in pre]
    return any(t in ("anyone", "anybody") and toks[i + 1:i + 2] == ["else"]
               for i, t in enumerate(toks))


def _asks_others(norms: list[str], pre: list[tuple[int, str]], start: int, c_end: int) -> bool:
    """"Has anyone had hair loss on it?" (within 8 words) asks about others unless the writer
    is on the drug and says so; "anyone know why I get headaches on it?" asks about the
    writer's own."""
    asked = [p for p, t in pre if t in _ANYONE and start - p <= 8]
    return bool(asked) and _FIRST_PERSON.isdisjoint(norms[asked[0] + 1:start]) and \
        _says_nothing_of_self(norms, pre, c_end)


def _says_nothing_of_self(norms: list[str], pre: list[tuple[int, str]], c_end: int) -> bool:
    """Whether a question (its words `pre` to `c_end`) is not about the writer's own event: no
    first-person word outside it, or the writer is not on the drug yet ("I start zoloft next
    week", "scared to start", "have not started"). A post for a relative ("my mom is on
    lisinopril. has anyone had a cough on it?") asks about the relative's own event: the
    person posted for is the patient (docs/annotation.md)."""
    first = pre[0][0] if pre else c_end
    outside = norms[:first] + norms[c_end + 1:]
    if _FIRST_PERSON.isdisjoint(outside):
        return True
    for k, w in enumerate(norms):
        if w in _TO_START and not _NOT_YET.isdisjoint(norms[max(0, k - 2):k + 4]):
            return True
        if w == "not" and norms[k + 1:k + 2] in (["started"], ["taken"], ["tried"]):
            return True
    return False


def _real_despite_trigger(pre: list[tuple[int, str]], post: list[str], start: int) -> bool:
    toks = [t for _, t in pre[-3:]]  # "because of (the)" ends `pre`
    if len(toks) >= 2 and tuple(toks[-2:]) in _BECAUSE or (
            len(toks) >= 3 and tuple(toks[-3:-1]) in _BECAUSE and toks[-1] in _DETERMINERS):
        return True  # "because of the weight gain", "would love to get rid of the fatigue"
    if toks and toks[-1] in _DETERMINERS and pre[-1][0] == start - 1 and any(
            t in _GOES_AWAY for t in post[:6]):
        return True  # "how long did the cough take to go away?": the cough is there
    if toks and toks[-1] in _DETERMINERS and post[:1] == ["be"] and post[1:2] and post[
            1] in _CAUSED_BY:
        return True  # "could my headaches be from the lexapro?": the headaches are there
    triggers = [(p, t) for p, t in pre if t in HYPOTHETICAL and start - p <= 8]
    if not triggers:
        return False
    if all(t in _HOPE for _, t in triggers):
        return any(t in _GOES_AWAY for t in post[:5])
    if all(t in _IF_GOES_AWAY for _, t in triggers) and toks and toks[-1] in _DETERMINERS \
            and any(t in _GOES_AWAY for t in post[:5]):
        return True  # "see if this head pressure will go away": it is there
    # "possible loss of libido", "possibly some tiredness": an uncertain cause, a real event
    return all(t in ("possible", "possibly") and _HEDGE_GLUE.issuperset(
        w for q, w in pre if q > p) for p, t in triggers)


def _reports_on_me(norms: list[str], p: int, start: int) -> bool:
    """A family word that is the speaker of what follows, about the patient
    ("my mom said I should...", "my husband says I'm more irritable")."""
    window = norms[p + 1:start + 4]  # "my wife said the whites of my eyes went yellow"
    return bool(window) and window[0] in _SPEECH and any(t in ("i", "me", "my") for t in window)


def _recent_span(after_past: list[str]) -> bool:
    """"the past" followed by an amount and a unit of time ("for the past 3 weeks", "over the
    past few days", "in the past month") is a span up to now: the event is current, not
    before the drug ("in the past I had 2 kidney stones", "in the past while at uni")."""
    return a_time_span(["the", *after_past])  # "the past month": "the" is its amount
