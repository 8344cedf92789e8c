"""Withdrawal: the words saying the patient was coming off the drug, and the events they
reach."""

from __future__ import annotations

from intake.nlp.context.words import (
    _BEFORE_MONTH,
    _DOSE_WORDS,
    _ENDED,
    _ENDED_BACK,
    _GOING_OFF,
    _HOW_MANY,
    _INTENT,
    _NOUN_CUES,
    _OFF_THE,
    _QUIT_WHAT,
    _STOPPING,
    _WHEN_I,
    _WHEN_STOPPING,
    _WITHDRAWAL_BACK_STOPS,
    _WITHDRAWAL_FORWARD_STOPS,
    _WITHDRAWAL_NEEDS_NEXT,
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


def _withdrawal_cues(sentence: list[str]) -> list[int]:
    """Positions (in `sentence`) of the words saying the patient was coming off the drug:
    "withdrawal", "weaning", "when I miss a dose", "came off", "ran out", "stopped taking"."""
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
    or right after it in its own list item ("dizziness upon missed dose"): in "nausea, and
    withdrawal was hell" or "tingles in my hands and if I miss a dose I get dizzy" the
    first events were on the drug. An event that ended when the drug stopped ("the rash
    cleared after I stopped", "since stopping the leg pain is gone") and one the stopping
    followed ("I got dizzy and stopped taking it") were reactions on the drug."""
    for c in cues:
        if c < start:
            if _WITHDRAWAL_FORWARD_STOPS.isdisjoint(sentence[c + 1:start]) and \
                    _ENDED.isdisjoint(sentence[end:end + 4]):
                return True
        elif c >= end and _WITHDRAWAL_BACK_STOPS.isdisjoint(sentence[end:c]) and not any(
                a == "and" and b in ("if", "when", "whenever")
                for a, b in zip(sentence[end:c], sentence[end + 1:c], strict=False)) and \
                _ENDED_BACK.isdisjoint(sentence[end:c]) and _stopping_is_its_time(
                    sentence, end, c):
            return True
    return False


def _stopping_is_its_time(sentence: list[str], end: int, c: int) -> bool:
    """The stopping cue at `c`, after an event ending at `end`, dates the event: a word of
    time between them ("when I stopped", "upon a missed dose"), a participle ("coming off
    it", "tapering down") or a noun cue ("headaches from the withdrawal")."""
    cue = sentence[c]
    return cue in _NOUN_CUES or cue.endswith("ing") or sentence[c - 1].endswith("ing") or \
        not _WHEN_STOPPING.isdisjoint(sentence[end:c])
