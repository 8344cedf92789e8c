"""Withdrawal: the words saying the patient was coming off the drug, and the events they
reach."""

from __future__ import annotations

from intake.nlp.context.words import (
    _BEFORE_MONTH,
    _CAME_AFTER,
    _CLAUSE_BEFORE,
    _DOSE_WORDS,
    _DRUG_DETERMINERS,
    _ENDED,
    _ENDED_PAIRS,
    _GOING_OFF,
    _HOW_MANY,
    _INTENT,
    _LASTED,
    _LIST_BREAK,
    _MISSED_DOSE,
    _OFF_THE,
    _QUIT_WHAT,
    _REASON,
    _REASON_GLUE,
    _RESUMED,
    _STOPPING,
    _STOPPING_SUBJECT,
    _TIME_UNITS,
    _WHEN_I,
    _WHEN_STOPPING,
    _WITHDRAWAL_BACK_STOPS,
    _WITHDRAWAL_FORWARD_STOPS,
    _WITHDRAWAL_NEEDS_NEXT,
    _WITHDRAWAL_NOUNS,
    ENDED_REACH,
    WITHDRAWAL,
)


def _intends_to_stop(sentence: list[str], i: int) -> bool:
    """An intention within three words before the stopping word at `i`: "might go off it",
    "thinking of stopping", "going to taper" (not the month "in May I stopped")."""
    lo = max(0, i - 3)
    for q in range(lo, i):
        w = sentence[q]
        if w == "may" and (q and sentence[q - 1] in _BEFORE_MONTH or sentence[q + 1].isdigit()):
            continue
        if w in _INTENT or (w == "thinking" and sentence[q + 1] in ("of", "about")):
            return True
    before = sentence[lo:i]
    return before[-2:] == ["going", "to"] or (
        before[-3:-1] == ["going", "to"] and before[-1] in _GOING_OFF)


def _withdrawal_cues(sentence: list[str], drugs: set[int] | frozenset[int] = frozenset(),
                     offset: int = 0) -> list[int]:
    """Positions (in `sentence`) of the words saying the patient was coming off the drug:
    "withdrawal", "weaning", "when I miss a dose", "came off", "ran out", "stopped taking";
    with `drugs` (the text positions drug mentions cover; the sentence starts at `offset`)
    also a stop word before a drug: "stopped the zoloft", "quit paxil", "came off the
    prednisone"."""
    if WITHDRAWAL.isdisjoint(sentence):
        return []  # the common case, at C speed
    cues = []
    for i, tok in enumerate(sentence):
        if tok not in WITHDRAWAL:
            continue
        if tok in _STOPPING and _intends_to_stop(sentence, i):
            continue  # "might go off it", "thinking of stopping": not (yet) coming off
        need = _WITHDRAWAL_NEEDS_NEXT.get(tok, "")
        nxt = sentence[i + 1:i + 3]
        if need == "":
            cues.append(i)
        elif drugs and need in ("taking", None) and _drug_next(sentence, i, drugs, offset) and (
                need == "taking" or (i and sentence[i - 1] in _GOING_OFF)):
            cues.append(i)  # "stopped the zoloft", "got off the effexor"
        elif need is None:
            # "came off", "being off it", not "get off to sleep" nor "off work"
            if i and sentence[i - 1] in _GOING_OFF and (sentence[i + 1:i + 2] not in (
                    ["to"], ["work"], ["the"]) or not _OFF_THE.isdisjoint(sentence[i + 2:i + 3])):
                cues.append(i)
        elif tok in ("not", "dont", "didnt"):
            # "when I don't take it", "if I didn't take it", not "do not take this drug"
            if need in nxt[:1] and {"when", "whenever", "if", "unless"} & set(
                    sentence[max(0, i - 4):i]):
                cues.append(i)
        elif isinstance(need, tuple):
            if not set(need).isdisjoint(nxt):  # "forgot to take it", "forget my gabapentin"
                cues.append(i)
        elif need == "dose":
            # a dose within four words ("missed 3 to 4 days", "late for a dose"), or just
            # before ("if more than one day's dose was missed")
            if _names_a_dose(sentence[i + 1:i + 5]) or (
                    tok == "missed" and "dose" in sentence[max(0, i - 3):i]):
                cues.append(i)
        elif need in nxt or (need == "taking" and (_when_i_quit(sentence, i) or _when_quitting(
                sentence, i))):
            cues.append(i)  # "stopped taking it"; "when I quit , I could not eat for days"
    return cues


def _drug_next(sentence: list[str], i: int, drugs: set[int] | frozenset[int],
               offset: int) -> bool:
    """A drug mention comes right after the word at `i`, or after one determiner."""
    at = offset + i
    return at + 1 in drugs or (at + 2 in drugs and sentence[i + 1] in _DRUG_DETERMINERS)


def _when_i_quit(sentence: list[str], i: int) -> bool:
    """"when / after / since I quit (stopped) , ..." with nothing quit named after it."""
    return i >= 2 and sentence[i - 1] == "i" and sentence[i - 2] in _WHEN_I and \
        _QUIT_WHAT.isdisjoint(sentence[i + 1:i + 2])


def _when_quitting(sentence: list[str], i: int) -> bool:
    """"since stopping", "after quitting", "when stopped": the drug stopped, nothing quit named
    after it ("since stopping i get palpitations", not "since stopping smoking")."""
    return i >= 1 and sentence[i - 1] in _WHEN_I and \
        _QUIT_WHAT.isdisjoint(sentence[i + 1:i + 2])


def _names_a_dose(words: list[str]) -> bool:
    for j, word in enumerate(words):
        if word in ("day", "days"):  # "missed a day", "skipped 2 days", not "the old days"
            if any(w.isdigit() or w in _HOW_MANY for w in words[:j]):
                return True
        elif word in _DOSE_WORDS:
            return True
    return False


def _is_withdrawal(sentence: list[str], cues: list[int], start: int, end: int) -> bool:
    """An event at [start, end) of `sentence` is a withdrawal symptom when a cue comes before
    it in the sentence with no turn between ("during withdrawal I had headaches, dizziness"),
    or after it as its time ("dizziness upon missed dose", "brain zaps when I stopped"): in
    "nausea, and withdrawal was hell" or "tingles in my hands and if I miss a dose I get dizzy"
    the first events were on the drug. An event that ended with the drug or outlasted it ("the
    rash cleared after I stopped", "the pain persisted after stopping") and one the stopping
    followed ("I got dizzy and stopped taking it") were reactions on the drug."""
    for c in cues:
        if c < start:
            after_cue = sentence[c + 1:start]
            if _WITHDRAWAL_FORWARD_STOPS.isdisjoint(after_cue) and not _why_stopped(
                    after_cue) and not _ended_with_the_drug(sentence, c, start, end):
                return True
        elif c >= end and _dated_by_the_cue_after(sentence, end, c):
            return True
    return False


_NOT_ENDED_BY = _MISSED_DOSE | _WITHDRAWAL_NOUNS  # "the withdrawal headaches went away"


def _ended_with_the_drug(sentence: list[str], c: int, start: int, end: int) -> bool:
    """After the stopping cue at `c`, the event at [start, end) ended: a reaction the stopping
    ended ("after I stopped the amoxicillin the rash cleared"), unless the event came after
    the stopping ("since stopping I get headaches that never go away"), is named withdrawal
    ("the withdrawal headaches went away", "the rebound anxiety improved"), the cue is a
    missed dose, or the drug taken again ended it ("the dizziness goes away once I take it")."""
    after_cue = sentence[c + 1:start]
    return sentence[c] not in _NOT_ENDED_BY and _CAME_AFTER.isdisjoint(after_cue) and \
        _WITHDRAWAL_NOUNS.isdisjoint(sentence[max(c + 1, start - 2):end]) and \
        _ends(sentence[end:end + ENDED_REACH]) and not _resumed(sentence[end:end + 2 * ENDED_REACH])


def _list_item(words: list[str]) -> list[str]:
    """`words` up to the first list break: the event's own list item."""
    end = next((i for i, w in enumerate(words) if w in _LIST_BREAK), len(words))
    return words[:end]


def _resumed(words: list[str]) -> bool:
    """The drug taken again in the event's own clause ("goes away once I take it")."""
    return not _RESUMED.isdisjoint(_list_item(words))


def _why_stopped(words: list[str]) -> bool:
    """"(stopped taking it) because of the weight gain", "due to hair loss", "b/c insomnia"
    right before the event: it was the reason, so it came first ("because you get dizzy" is
    what stopping brings)."""
    k = len(words)
    while k and words[k - 1] in _REASON_GLUE:
        k -= 1
    return k > 0 and (words[k - 1] in _REASON or words[k - 3:k] == ["b", "/", "c"])


def _ends(words: list[str]) -> bool:
    """`words` (after an event) say it ended: "eased", "cleared", "went away", "back to
    normal", "(swelling) down by half"; the first list break ends the search."""
    item = _list_item(words)
    return any(w in _ENDED or (w in _ENDED_PAIRS and (i == 0 or item[i - 1] in _ENDED_PAIRS[w]))
               for i, w in enumerate(item))


_NOT_ITS_OWN = _CLAUSE_BEFORE | _WHEN_STOPPING  # "and I'm tapering", "after stopping"
# A word of time or a span of time right before the stopping ("12 hours without my meds").
_DATES_IT = _WHEN_STOPPING | _TIME_UNITS


def _dated_by_the_cue_after(sentence: list[str], end: int, c: int) -> bool:
    """The stopping cue at `c`, after an event ending at `end`, is the event's time: nothing
    ends the reach between them, the event did not end (or outlast the drug: "lasted 3 days
    after stopping"), and the cue is a noun ("headaches from the withdrawal"), a participle of
    its own ("dizzy coming off it") or follows a word of time ("when I stopped", "upon a
    missed dose")."""
    between = sentence[end:c]
    if not _WITHDRAWAL_BACK_STOPS.isdisjoint(between) or _ends(between) or any(
            a == "and" and b in ("if", "when", "whenever")
            for a, b in zip(between, between[1:], strict=False)):
        return False
    cue = sentence[c]
    if cue in _WITHDRAWAL_NOUNS:
        return True
    first = c - 1 if cue == "off" and c > end else c  # "coming off": the verb comes first
    if sentence[first].endswith("ing") and first >= end and sentence[first] not in (
            "stopping", "quitting") and sentence[first - 1] not in _NOT_ITS_OWN:
        return True  # "dizzy coming off it", "nausea tapering" (not "that meant stopping")
    if first < c and sentence[first] in _TIME_UNITS:
        return True  # "dizzy 3 days off lexapro"
    q = first - 1
    while q >= end and sentence[q] in _STOPPING_SUBJECT:
        q -= 1  # "when I was coming off", "upon a missed dose": back to the word of time
    if q < end or sentence[q] not in _DATES_IT:
        return False
    return sentence[q] not in ("after", "since") or _LASTED.isdisjoint(between)
