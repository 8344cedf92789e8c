"""The role of an event (reaction | indication | other): cue words, the tagger's label and
what the post's drugs are for."""

from __future__ import annotations

from operator import itemgetter

from intake.nlp.context.flags import _mention_follows
from intake.nlp.context.words import (
    _ABOUT,
    _CHANGE,
    _CUE_GLUE,
    _DETERMINERS,
    _EMOTIONS,
    _EXCEPT,
    _FOR_WHOM,
    _LIST_GLUE,
    _NEW_EVENT,
    _NOT_INDICATION,
    _ONSET,
    _POST_CUES,
    _RELIEVED,
    _STARTED,
    _STARTING,
    _STRONG_POST,
    _WEAK_INDICATION,
    _WENT_AWAY,
    _WORSENED,
    _WORSENING,
    INDICATION_POST,
    INDICATION_PRE,
    REACTION_CUES,
    STRONG_REACTION_CUES,
    a_time_span,
)

_WORD = itemgetter(1)  # of a (position, word) pair in `pre`


def _attitude(norms: list[str], start: int, end: int, post: list[str]) -> bool:
    return _EMOTIONS.issuperset(norms[start:end]) and bool(post) and post[0] in _ABOUT


def _drug_aware_role(label: str | None, pre: list[tuple[int, str]], post: list[str],
                     start: int, *, treats: bool, worsened: bool, listed: bool,
                     withdrawal: bool, norms_of_event: list[str] = ()) -> str:
    """The role of an event when the post's drugs are known to the indication table: what
    the drug is for decides, not a prior learned from one forum's psychiatric drugs ("pain"
    after starting a statin is a reaction; "depression" on an antidepressant the condition
    treated). Explicit words still win either way ("for my ...", "made me worse")."""
    words = list(map(_WORD, pre))
    if not treats:
        # A condition the drug is not for, after it: a reaction unless the post says the
        # drug is for it ("took it for my back pain", "diagnosed with ..."), or the tagger
        # reads the treated condition and it went away on the drug ("my crying spells
        # stopped"); a reaction that went away stays a reaction ("the rash cleared").
        if label == "IND" and not _WENT_AWAY.isdisjoint(post[:4]) and \
                STRONG_REACTION_CUES.isdisjoint(words) and not worsened:
            return "indication"
        if label in ("ADR", "WD", "SE") or withdrawal:
            return "indication" if _indication_cue(pre, start, strong=True) else "reaction"
        return "indication" if _indication_cue(pre, start) else "reaction"
    if label in ("ADR", "WD", "SE") or withdrawal:
        # the tagger read a reaction: it stays one unless the post says the drug is for it
        return "indication" if _indication_cue(pre, start, strong=True) or _after_my(
            pre, start) else "reaction"
    # The drug is for it: the treated condition unless made worse or brought on by the drug
    # ("started lisinopril for high blood pressure": the cue first).
    if _indication_cue(pre, start) or _after_my(pre, start):
        return "indication"
    if not _CHANGE.isdisjoint(norms_of_event):
        return "reaction"  # "BP went up", "heart rate dropped": a change on the drug
    if worsened or listed or not _NEW_EVENT.isdisjoint(words) or (
            not _STRONG_POST.isdisjoint(post[:3])) or _onset_on_a_drug(words):
        return "reaction"
    return "indication"


def _after_my(pre: list[tuple[int, str]], start: int) -> bool:
    """"(started brilinta) after my heart attack", "since my stroke": a condition a drug
    taken for it was started after."""
    return len(pre) >= 2 and pre[-1][0] == start - 1 and pre[-1][1] in ("my", "a", "the") \
        and pre[-2][1] in ("after", "since") and pre[-2][0] == start - 2


def _worse_before(norms: list[str], pre: list[tuple[int, str]], start: int) -> bool:
    """"higher anxiety levels", "increase in (my) anxiety", "more depressed": a word of
    worsening opening the event or right before it (over "in" / "of" and a determiner)."""
    if norms[start] in _WORSENING:
        return True
    words, q = [], start  # the free words right before the event, nearest first
    for p, w in reversed(pre[-4:]):
        if p != q - 1:
            break
        words.append(w)
        q = p
    k = 0
    while k < len(words) and words[k] in _DETERMINERS:
        k += 1
    if k < len(words) and words[k] in ("in", "of"):
        return k + 1 < len(words) and words[k + 1] in _WORSENING
    return k == 0 and bool(words) and words[0] in _WORSENING


def _tagged_role(label: str, norms: list[str], pre: list[tuple[int, str]], post: list[str],
                 start: int, *, listed: bool, withdrawal: bool, worsened: bool = False,
                 before: bool = False) -> str:
    """The role of a span the tagger labelled: its label decides (ADR, WD and "side effects"
    are reactions, IND is the treated condition), with these exceptions."""
    if label == "IND":
        if withdrawal or worsened or _worse_before(norms, pre, start):
            # symptoms in a withdrawal sentence are withdrawal reactions; "higher anxiety
            # levels", "increase in anxiety": the condition made worse is a reaction
            return "reaction"
        # ("depression got so much worse on Accutane": a drug not for it, named after it)
        if not _indication_cue(pre, start) and (listed or not _WORSENED.isdisjoint(
                post[:4 if before else 2]) or (
                _onset_on_a_drug(list(map(_WORD, pre))) and _RELIEVED.isdisjoint(post[:4]))):
            # listed among reactions ("stoned feeling , tingly sensations , confused"), made
            # worse ("my mood swings are worse"), begun on a drug ("since starting lexapro I
            # have been depressed"), with nothing saying it is treated
            return "reaction"
        return "indication"
    if label in ("ADR", "WD") and _indication_cue(pre, start, strong=True):
        return "indication"  # "for my anxiety", "diagnosed with ..."
    return "reaction"


def _onset_on_a_drug(words: list[str]) -> bool:
    """"since starting ...", "after I started ...", "two days after starting the inhaler"
    around the event: its onset on a drug."""
    if _ONSET.isdisjoint(words):
        return False
    return any(w in _ONSET and not _STARTING.isdisjoint(words[i + 1:i + 3])
               for i, w in enumerate(words))


def _listed_with_reactions(norms: list[str], events: list[tuple[int, int]],
                           labels: list[str | None]) -> set[int]:
    """Events the tagger calls the treated condition that sit in a list next to spans it
    calls reactions ("stoned feeling , tingly sensations , confused , dizzy"): list items of
    one kind, so reactions too, unless an indication cue says otherwise."""
    out: set[int] = set()
    if "IND" not in labels:
        return out  # nothing the tagger calls the treated condition
    grew = True
    while grew:  # "anger , suicidal and omicidal thoughts": the list carries on item by item
        grew = False
        for i in range(len(events)):
            if labels[i] != "IND" or i in out:
                continue
            for j in (i - 1, i + 1):
                if 0 <= j < len(events) and (labels[j] == "ADR" or j in out):
                    a, b = (events[j][1], events[i][0]) if j < i else (events[i][1],
                                                                        events[j][0])
                    if 0 < b - a <= 2 and _LIST_GLUE.issuperset(norms[a:b]):
                        out.add(i)
                        grew = True
                        break
    return out


def _strong_reaction_cue(pre: list[tuple[int, str]], post: list[str]) -> bool:
    """"gave me", "caused", "worse", "side effect" before it, "from" / "after" / "since" /
    "on" right after it, "worse" / "increased" just after it ("my asthma got worse"), or
    "since starting" around it."""
    words = list(map(_WORD, pre))
    return not STRONG_REACTION_CUES.isdisjoint(words) or not _POST_CUES.isdisjoint(
        post[:2]) or not _STRONG_POST.isdisjoint(post[:3]) or _onset_on_a_drug(words) or \
        _onset_on_a_drug(post)


def _started_a_drug(pre: list[tuple[int, str]], start: int) -> bool:
    """"started Lexapro 2 wks ago and cant sleep": a starting word right before a mention
    (the drug) earlier in the event's clause dates the event's onset to the drug."""
    return any(w in _STARTED and _mention_follows(pre, i, start) for i, (_, w) in enumerate(pre))


def _reaction_cue(pre: list[tuple[int, str]], post: list[str]) -> bool:
    return not REACTION_CUES.isdisjoint(map(_WORD, pre)) or not _POST_CUES.isdisjoint(
        post[:2]) or _onset_on_a_drug(post)


def _indication_cue(pre: list[tuple[int, str]], start: int, *, strong: bool = False) -> bool:
    """"for my ...", "diagnosed with ...", "helps my ..." right before the event
    (`strong`: leave out the words patients also use of reactions)."""
    if INDICATION_PRE.isdisjoint(map(_WORD, pre)):
        return False  # most events: no cue word at all (decided at C speed)
    return any(tok in INDICATION_PRE and not (strong and tok in _WEAK_INDICATION) and not (
        tok == "for" and (i and pre[i - 1][1] in _EXCEPT or _for_no_purpose(pre, i))) and (
        start - p <= 4 or _CUE_GLUE.issuperset(t for _, t in pre[i + 1:]))
        for i, (p, tok) in enumerate(pre)) and \
        _NOT_INDICATION.isdisjoint(map(_WORD, pre))


def _for_no_purpose(pre: list[tuple[int, str]], i: int) -> bool:
    """"for" at `pre[i]` opens a span of time ("waking up for hours , increase in anxiety",
    "for 2 weeks", "for the past 3 weeks") or names whom it is for ("side effects for me :
    hair falling out"), not what it treats ("for long covid", "for day time sleepiness")."""
    p = pre[i][0]
    following = []
    for q, w in pre[i + 1:i + 6]:
        if q != p + 1 + len(following):
            break  # a mention comes next: the span of time (if any) ends there
        following.append(w)
    return bool(following) and (following[0] in _FOR_WHOM or a_time_span(following))


def _role(pre: list[tuple[int, str]], post: list[str], start: int, *, has_drug: bool,
          prior: float, worsened: bool) -> str:
    if _indication_cue(pre, start):
        return "indication"
    if prior >= 0.3 and not INDICATION_POST.isdisjoint(post[:4]):
        return "indication"
    # The cue tests only where they decide (most events have no prior, or a drug in the post).
    if prior >= 0.5 and not (worsened or not STRONG_REACTION_CUES.isdisjoint(
            map(_WORD, pre)) or not _STRONG_POST.isdisjoint(post[:3])):
        return "indication"
    return "reaction" if has_drug or _reaction_cue(pre, post) else "other"
