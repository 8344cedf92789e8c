"""ConText-style attributes for event mentions, written for forum phrasing.

Each event gets `negated`, `hypothetical`, `historical`, `family`, `withdrawal` and a `role`
(reaction | indication | other). Triggers are looked up on normalised tokens around the
mention, inside its clause: a clause ends at ";", "but", "though"/"tho", "except", "however",
"?", "!" or "." (so "no nausea tho" negates nausea and nothing after it, and
"no side effects except headaches" does not negate the headaches). Triggers that sit inside
another mention ("no appetite", "not sleeping") are part of that mention, not context.
"""

from __future__ import annotations

import bisect
from itertools import compress, count, filterfalse

from intake.nlp.context.flags import _flags
from intake.nlp.context.roles import (
    _attitude,
    _drug_aware_role,
    _listed_with_reactions,
    _reaction_cue,
    _role,
    _started_a_drug,
    _strong_reaction_cue,
    _tagged_role,
    _worse_before,
)
from intake.nlp.context.withdrawal import _is_withdrawal, _withdrawal_cues
from intake.nlp.context.words import (
    _ANY_POST,
    _ANY_PRE,
    _BEGAN_A_DRUG,
    _DOUBTED,
    _I,
    _REALIZED,
    _WORSENED,
    CONTEXT_WORDS,
    MAX_REACH,
    NEGATIONS,
    TERMINATORS,
)

# The pipeline imports these from here; tests also import the private helpers
# `_worse_before`, `_withdrawal_cues` and `_is_withdrawal` from here (assign_context uses them).
__all__ = ["CONTEXT_WORDS", "NEGATIONS", "assign_context"]


def _clause_bounds(norms: list[str]) -> tuple[list[int], list[int]]:
    """(clause starts, terminator positions) of a whole text, computed once per text.

    A clause starts after a terminator, or at "I" in "..., and I" / "so I" (a new clause:
    earlier triggers do not reach over it)."""
    # compress/map scan the text at C speed; only the few "i" tokens are looked at in Python.
    terms = list(compress(count(), map(TERMINATORS.__contains__, norms)))
    new_i = {p for p in compress(count(), map(_I.__contains__, norms))
             if p and norms[p - 1] in ("and", ",", "so")} if (
        not _I.isdisjoint(norms)) else set()
    starts = sorted({p + 1 for p in terms} | new_i) if new_i else [p + 1 for p in terms]
    return starts, terms


def assign_context(norms: list[str], sentences: list[tuple[int, int]],
                   events: list[tuple[int, int]], inside: set[int], *, has_drug: bool,
                   indication_prior: dict[str, float], keys: list[str | None],
                   labels: list[str | None] | None = None,
                   supported: list[bool] | None = None,
                   drug_sentences: set[int] | None = None,
                   treated: list[str | None] | None = None,
                   drug_positions: set[int] | frozenset[int] = frozenset()) -> list[dict]:
    """Context attributes for each (start, end) event span in `events` (norm positions).

    `inside`: positions covered by any mention (their words are not triggers).
    `indication_prior`: phrase key -> share of its annotated matches that were the treated
    condition; `keys` gives each event's phrase key. `labels`: the trained tagger's label per
    event (ADR | WD | IND) or None for dictionary-only events; a label decides the role.
    `supported`: per sentence, whether the sentence-level ADR classifier would call it an ADR
    sentence if it held a reaction; a reaction in an unsupported sentence with no cue tying
    it to a drug becomes `other`. `drug_sentences`: sentences with a drug in scope (named in
    it or earlier in the post, or the post is about a named drug); there an event the models
    doubt stays a reaction ("Amoxicillin - broke out in hives"): the models may rank, never
    silently drop such an event. `treated`: per event, "treats" when a drug of the post (or
    the drug it is about) is taken for it, "not_for" when the post's known drugs are not for
    it and it follows them, "before" when they are not for it and it comes before them, None
    when no drug of the post is in the indication table (the PsyTAR-learned prior and the cues
    decide). `drug_positions`: the positions the post's drug mentions cover ("stopped the
    zoloft" is a withdrawal cue as "stopped taking" is).
    """
    out: list[dict] = []
    if not events:
        return out
    starts = [a for a, _ in sentences]
    labels = labels or [None] * len(events)
    treated = treated or [None] * len(events)
    clause_starts, terms = _clause_bounds(norms)
    withdrawal_of: dict[int, tuple[list[str], list[int]]] = {}
    n = len(norms)
    listed = _listed_with_reactions(norms, events, labels)
    # The positions outside every mention and their words, once per text: an event's
    # context words are then two slices found by bisection instead of a scan of its window.
    free = list(filterfalse(inside.__contains__, range(n)))
    free_words = list(map(norms.__getitem__, free))
    free_pairs = list(zip(free, free_words, strict=True))  # an event's `pre` is a slice
    for ei, ((start, end), key, label, treats) in enumerate(zip(events, keys, labels, treated,
                                                                strict=True)):
        si = bisect.bisect_right(starts, start) - 1
        s_start, s_end = sentences[si] if si >= 0 else (0, n)
        k = bisect.bisect_right(clause_starts, start) - 1
        # Triggers act over a few words; a text without punctuation is one endless clause.
        c_start = max(s_start, clause_starts[k] if k >= 0 else 0, start - MAX_REACH)
        k = bisect.bisect_left(terms, end)
        c_end = min(s_end, terms[k] if k < len(terms) else n)
        ended_by = norms[c_end] if c_end < s_end else ""
        c_end = min(c_end, end + MAX_REACH)
        i = bisect.bisect_left(free, c_start)
        j = bisect.bisect_left(free, start, i)
        pre = free_pairs[i:j]
        pre_set = set(free_words[i:j])
        i = bisect.bisect_left(free, end, j)
        post = free_words[i:bisect.bisect_left(free, c_end, i)]
        if ended_by != "?" and _ANY_PRE.isdisjoint(pre_set) and _ANY_POST.isdisjoint(post[:8]):
            # No trigger anywhere near: the common case, decided without the checks below.
            negated = hypothetical = historical = family = False
        else:
            negated, hypothetical, historical, family = _flags(
                norms, start, pre, post, pre_set, ended_by, c_end)
        cached = withdrawal_of.get(si)
        if cached is None:
            sentence = norms[s_start:s_end]
            cached = withdrawal_of[si] = (sentence, _withdrawal_cues(
                sentence, drug_positions, s_start))
        sentence, cues = cached
        # The cue's reach decides; a span the tagger itself calls withdrawal only needs a
        # cue somewhere in its sentence.
        withdrawal = bool(cues) and (label == "WD" or _is_withdrawal(
            sentence, cues, start - s_start, end - s_start))
        # "higher anxiety levels", "anxiety worsened" and "never had a panic attack until I
        # started zoloft" (new on the drug): a reaction whatever the drug is for
        worsened = norms[end - 1] in _WORSENED or _worse_before(norms, pre, start) or (
            ended_by in ("until", "till") and "never" in pre_set and _REALIZED.isdisjoint(
                pre_set) and not _BEGAN_A_DRUG.isdisjoint(norms[c_end + 1:c_end + 4]))
        if treats in ("treats", "not_for"):
            role = _drug_aware_role(label, pre, post, start, treats=treats == "treats",
                                    worsened=worsened, listed=ei in listed,
                                    withdrawal=withdrawal, norms_of_event=norms[start:end])
        elif label is None or label in _DOUBTED:
            # the prior learned on PsyTAR's psychiatric drugs does not apply to a condition
            # the post's known drugs are not for
            role = _role(pre, post, start, has_drug=has_drug,
                         prior=indication_prior.get(key, 0.0) if key and treats is None
                         else 0.0, worsened=worsened)
        else:
            role = _tagged_role(label, norms, pre, post, start, listed=ei in listed,
                                withdrawal=withdrawal, worsened=worsened,
                                before=treats == "before")
        named = drug_sentences is not None and si in drug_sentences
        if label == "LOW" and role == "reaction" and not named and not (
                supported is not None and si >= 0 and supported[si]) and not (
                negated or hypothetical or historical or family or _reaction_cue(pre, post)):
            # The tagger sees no ADR here, no context rule explains why and nothing in the
            # clause ties the event to a drug ("gave me", "after", "from", "on ..."): only
            # the drug being somewhere in the post would have made it a reaction.
            role = "other"
        elif label in _DOUBTED and role == "reaction" and named and not (
                negated or hypothetical or historical or family or withdrawal or worsened
                or _strong_reaction_cue(pre, post) or _started_a_drug(pre, start)):
            # A drug in scope made a dictionary word a reaction, but the tagger (trained on
            # forum posts) gives it little chance and no strong cue ties it to a drug: a
            # condition the patient has ("i have asthma", "after my heart attack"), a word
            # in another sense ("in the fall"), someone else's. Weak cues ("have", "felt")
            # do not keep it: they go with conditions as much as with reactions.
            role = "other"
        if supported is not None and role == "reaction" and si >= 0 and not supported[si] \
                and not named \
                and not (negated or hypothetical or historical or family or withdrawal) \
                and not _reaction_cue(pre, post):
            # Words alone made it a reaction ("on Zoloft" somewhere in the post, a tagged
            # symptom) but the sentence reads as efficacy, dosage or history talk. (The
            # classifier knows ADR sentences, not withdrawal ones: those are left alone.)
            role = "other"
        if role == "reaction" and _attitude(norms, start, end, post):
            role = "other"  # "nervous about any new drug", "panicked thinking it was blood"
        if family:
            role = "other"  # someone else's event is neither our patient's reaction nor indication
        out.append({"negated": negated, "hypothetical": hypothetical, "historical": historical,
                    "family": family, "withdrawal": withdrawal, "role": role})
    return out
