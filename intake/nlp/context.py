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
from operator import itemgetter

TERMINATORS = frozenset({";", "but", "though", "although", "however", "except", "?", "!", ".",
                         "yet", "whereas", "besides", "apart", "other", "aside", "otherwise",
                         "still", "until", "unfortunately", "now", "then", "only", "instead"})
NEGATIONS = frozenset({"no", "not", "never", "without", "nor", "zero", "none", "denies",
                       "denied", "neither", "free", "lack", "absence"})
# "not only", "no doubt", "not sure" ... look like negation but are not.
PSEUDO_NEGATIONS = frozenset({"only", "just", "doubt", "sure", "idea", "wonder", "longer",
                              "matter", "joke", "kidding", "bad", "certain", "know", "even",
                              "able", "until", "because", "realize", "realise", "expect",
                              "believe", "mention", "forget", "to",
                              # "not happy about the weight gain", "couldn't handle the
                              # headaches": an attitude to an event that is there
                              "happy", "complaining", "complain", "like", "handle", "endure",
                              "stand", "bear", "tolerate", "enjoy", "thrilled", "fond"})
HYPOTHETICAL = frozenset({"if", "could", "might", "may", "would", "should", "worried", "worry",
                          "worrying", "afraid", "scared", "fear", "fearful", "concerned",
                          "risk", "risks", "chance", "possible", "possibly", "potential",
                          "warned", "warn", "warning", "warnings", "prevent", "avoid", "hope",
                          "hoping", "hopefully", "wonder", "wondering", "anyone", "anybody",
                          "supposed", "expect", "expecting", "likely", "unless", "whether",
                          "include", "includes", "including", "list", "read", "heard",
                          "can", "rare", "common", "commonly", "potentially",
                          "incase", "case"})
# "I would get the shakes before my second dose" tells what used to happen; "there would be
# side effects" / "would rather" / "would probably" what might.
_WOULD_MIGHT = frozenset({"be", "have", "rather", "probably", "likely", "expect", "think",
                          "say", "love", "like", "want", "prefer", "assume", "guess", "imagine",
                          "cause", "happen"})
# "If I take it at night I can't sleep": a consequence of taking the drug, which happened.
_DOSING_VERBS = frozenset({"take", "took", "taking", "takes", "increase", "increased", "up",
                           "upped", "raise", "raised", "lower", "lowered", "double", "doubled",
                           "drink", "eat", "ate", "use", "used", "had", "miss", "missed",
                           "skip", "skipped", "forget", "forgot"})
# After these, "could"/"can" is about what happened, not what might ("could barely sleep").
_REAL_AFTER_MODAL = frozenset({"not", "barely", "hardly", "only", "feel", "tell", "see",
                               "definitely", "really", "actually", "literally"})
HISTORICAL_PRE = frozenset({"used", "history", "previously", "past", "formerly", "childhood",
                            "younger", "teen", "teenager"})
HISTORICAL_POST = frozenset({"past", "ago", "younger", "childhood", "kid", "child", "college",
                             "teens", "teenager", "before"})
FAMILY = frozenset({"mom", "mother", "mum", "dad", "father", "sister", "brother", "husband",
                    "wife", "son", "daughter", "friend", "friends", "grandmother", "grandma",
                    "grandpa", "grandfather", "aunt", "uncle", "cousin", "boyfriend",
                    "girlfriend", "partner", "kid", "kids", "child", "children", "niece",
                    "nephew", "fiance", "fiancee", "roommate", "coworker", "neighbor",
                    "neighbour", "family", "parents", "parent", "sibling", "siblings", "bf",
                    "gf", "hubby", "relative", "relatives", "baby", "dog", "cat"})
INDICATION_PRE = frozenset({"for", "treat", "treating", "treats", "treatment", "diagnosed",
                            "diagnosis", "suffer", "suffering", "suffered", "suffers",
                            "struggle", "struggled", "struggling", "struggles", "battling",
                            "battled", "prescribed", "helps", "helped", "help", "helping",
                            "control", "controls", "manage", "managing", "cure", "cured",
                            "relieve", "relieved", "relieves", "improve", "improved",
                            "improves", "cope", "coping", "deal", "dealing", "combat",
                            "fight", "fighting", "ease", "eased", "eases", "reduce",
                            "reduced", "lessen", "lessened", "alleviate", "alleviated",
                            "stabilized", "stabilised", "stabilize", "stabilise",
                            "subdue", "counter", "counteract", "offset",
                            "generalized", "postpartum", "ptsd", "ocd", "bipolar", "gad",
                            "mdd", "less"})
STRONG_REACTION_CUES = frozenset({"side", "effect", "effects", "caused", "causing", "gave",
                                  "giving", "made", "makes", "increased", "increase", "more",
                                  "worse", "worsened", "worsening", "developed", "extreme",
                                  "severe", "terrible", "horrible", "from", "since"})
# After an event ("anxiety worsened") and, with these, before it ("higher anxiety levels").
_WORSENED = frozenset({"worse", "worsened", "worsening", "increased", "increasing"})
_WORSENING = _WORSENED | {"higher", "increase", "heightened", "more", "extra", "exacerbated",
                          "new"}
INDICATION_POST = frozenset({"better", "improved", "improving", "lifted", "gone", "disappeared",
                             "helped", "helps", "control", "controlled", "manageable",
                             "bearable", "lessened", "eased", "subsided", "relieved", "less",
                             "decreased", "reduced", "improvement", "cured", "lifting",
                             "vanished", "fine", "good", "great", "okay", "ok"})
REACTION_CUES = frozenset({"side", "effect", "effects", "caused", "causes", "causing", "gave",
                           "giving", "gives", "made", "makes", "making", "since", "after",
                           "started", "starting", "developed", "experienced", "experiencing",
                           "experience", "noticed", "noticing", "increased", "increase",
                           "more", "worse", "worsened", "worsening", "got", "get", "getting",
                           "having", "had", "have", "feel", "felt", "feeling", "terrible",
                           "horrible", "extreme", "severe", "bad", "awful", "constant",
                           # an event that took the patient to hospital is reported as one
                           "er", "hospital", "hospitalized", "hospitalised", "ambulance",
                           "emergency"})
WITHDRAWAL = frozenset({"withdrawal", "withdrawals", "withdrawl", "withdrawls", "withdraw",
                        "withdrawing", "weaning", "weaned", "wean", "ween", "weening",
                        "tapering", "tapered", "taper", "discontinued", "discontinuing",
                        "discontinuation", "turkey",
                        "missed", "skipped", "skip", "miss", "missing", "forget", "forgot",
                        "off", "ran", "run", "stop", "stopped", "stopping", "quit", "quitting",
                        "lowering", "lowered", "not", "dont", "didnt", "late", "decrease",
                        "decreasing", "cutting", "reduce", "reducing", "without"})
# Words that only make a withdrawal cue together with what follows them ("" = alone).
_WITHDRAWAL_NEEDS_NEXT: dict[str, str | tuple[str, ...] | None] = {
    "off": None, "missed": "dose", "skipped": "dose", "skip": "dose", "miss": "dose",
    "missing": "dose", "late": "dose", "decrease": "dose", "decreasing": "dose",
    "cutting": "dose", "reduce": "dose", "reducing": "dose", "lowering": "dose",
    "lowered": "dose", "forget": ("take", "my"), "forgot": ("take", "my"),
    "without": ("taking", "it", "them", "meds", "medication", "medicine", "prescription",
                "pills"), "ran": "out", "run": "out", "stop": "taking",
    "stopped": "taking", "stopping": "taking", "quit": "taking", "quitting": "taking",
    # "when I don't take it" (norms: "do", "not", "take")
    "not": "take", "dont": "take", "didnt": "take"}
_GOING_OFF = frozenset({"came", "coming", "come", "got", "get", "getting", "went", "go", "going",
                        "being", "am", "was", "been", "i'm", "im", "stay", "stayed", "days",
                        "weeks", "months"})
# "came off the meds" (not "off the charts"); "when I quit, ..." (not "when I quit smoking").
_OFF_THE = frozenset({"meds", "med", "medication", "medications", "medicine", "drug", "drugs",
                      "pills", "pill", "stuff"})
_WHEN_I = frozenset({"when", "after", "since", "once", "until", "till"})
_QUIT_WHAT = frozenset({"smoking", "drinking", "my", "work", "job", "caffeine", "alcohol"})
# What a missed or cut dose is called ("missed 3 days", "late for a dose", "miss dosing").
_DOSE_WORDS = frozenset({"dose", "doses", "dosing", "dosage", "pill", "pills", "meds", "day",
                         "days"})
# "missed a day", "skipped 2 days" (not "I miss the old days").
_HOW_MANY = frozenset({"a", "one", "two", "three", "few", "couple", "several"})
# A cue after an event reaches back over its own list item only ("dizziness upon missed
# dose"): these end the reach, as do "and if" / "and when" (a new clause) and words saying
# the event was why the patient stopped ("the weight gain is why I quit").
_WITHDRAWAL_BACK_STOPS = frozenset({",", ";", ":", "(", ")", "-", "but", ".", "because",
                                    "reason", "why", "so", "made", "make", "making"})
# A cue before an event reaches forward to the sentence end, unless the sentence turns.
_WITHDRAWAL_FORWARD_STOPS = frozenset({"but", "however", "though", "although", "while",
                                       "whereas", ";", "except"})


# Words of coming off that an intention can govern ("might go off it", "thinking of
# stopping", "going to taper"), and the intentions: a plan is no withdrawal (yet).
_STOPPING = frozenset({"stop", "stopping", "quit", "quitting", "off", "wean", "weaning",
                       "taper", "tapering", "discontinuing", "withdraw", "withdrawing",
                       "reduce", "reducing", "decrease", "decreasing", "lowering", "cutting"})
_INTENT = frozenset({"might", "may", "wanna", "gonna", "want", "wants", "plan", "planning",
                     "considering", "should", "tempted"})


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
    after it ("since stopping i get palpitations", not "since stopping smoking"). It reaches
    forward only: "the hives went away after stopping" were reactions on the drug."""
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
    first events were on the drug."""
    for c in cues:
        if c < start:
            if _WITHDRAWAL_FORWARD_STOPS.isdisjoint(sentence[c + 1:start]):
                return True
        elif c >= end and _WITHDRAWAL_BACK_STOPS.isdisjoint(sentence[end:c]) and not (
                _WITHDRAWAL_NEEDS_NEXT.get(sentence[c]) == "taking"  # a stop/quit word
                and _when_quitting(sentence, c)) and not any(
                a == "and" and b in ("if", "when", "whenever")
                for a, b in zip(sentence[end:c], sentence[end + 1:c], strict=False)):
            return True
    return False


# "..., and I" / "and my lips swelled" (2.7): a new clause; a set probe is quicker than
# "i".__eq__ per token
_I = frozenset({"i", "my"})


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
                   treated: list[str | None] | None = None) -> list[dict]:
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
    decide).
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
            cached = withdrawal_of[si] = (sentence, _withdrawal_cues(sentence))
        sentence, cues = cached
        # The cue's reach decides; a span the tagger itself calls withdrawal only needs a
        # cue somewhere in its sentence.
        withdrawal = bool(cues) and (label == "WD" or _is_withdrawal(
            sentence, cues, start - s_start, end - s_start))
        worsened = norms[end - 1] in _WORSENED or _worse_before(norms, pre, start)
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
                                withdrawal=withdrawal, before=treats == "before")
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


_WENT_AWAY = frozenset({"gone", "disappeared", "stopped", "vanished", "better", "improved",
                        "subsided", "eased", "lifted", "cured", "relieved", "resolved"})


# Feelings that, followed by what they are about, are the writer's attitude, not a reaction.
_EMOTIONS = frozenset({"nervous", "panic", "panicked", "panicking", "scared", "terrified",
                       "angry", "mad", "worried", "freaked", "upset", "frustrated", "afraid",
                       "anxious", "annoyed", "furious", "out", "so", "honestly", "really"})
_ABOUT = frozenset({"about", "that", "thinking", "of", "when", "because", "to", "i", "it",
                    "every", "since", "at", "with", "by"})


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


# A lab value or vital sign that changed on the drug is an event even if the drug treats it.
_CHANGE = frozenset({"went", "dropped", "drops", "rose", "spiked", "shot", "increased",
                     "crashed", "plummeted", "tanked", "fell", "jumped", "climbed", "doubled",
                     "tripled", "skyrocketed", "crazy", "dipped"})


# Words saying an event is new (brought on), not a condition the patient already had.
_NEW_EVENT = STRONG_REACTION_CUES | {"got", "getting", "developed", "develop", "started",
                                     "starting", "experiencing", "experienced", "noticed",
                                     "broke", "woke", "began"}


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
                 start: int, *, listed: bool, withdrawal: bool, before: bool = False) -> str:
    """The role of a span the tagger labelled: its label decides (ADR, WD and "side effects"
    are reactions, IND is the treated condition), with these exceptions."""
    if label == "IND":
        if withdrawal or _worse_before(norms, pre, start):
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


_ONSET = frozenset({"since", "after"})
_STARTING = frozenset({"starting", "started", "beginning", "began", "taking", "start", "begin"})
_RELIEVED = INDICATION_POST | {"stopped", "ended", "went"}  # "my crying spells stopped"


def _onset_on_a_drug(words: list[str]) -> bool:
    """"since starting ...", "after I started ...", "two days after starting the inhaler"
    around the event: its onset on a drug."""
    if _ONSET.isdisjoint(words):
        return False
    return any(w in _ONSET and not _STARTING.isdisjoint(words[i + 1:i + 3])
               for i, w in enumerate(words))


_LIST_GLUE = frozenset({",", "and", "/", "&", "or", "-"})


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


MAX_REACH = 25
# Words the rules read as context: a mention's extent does not take them in.
CONTEXT_WORDS = (NEGATIONS | HYPOTHETICAL | HISTORICAL_PRE | HISTORICAL_POST | FAMILY
                 | INDICATION_PRE | WITHDRAWAL | TERMINATORS
                 | frozenset({"she", "he", "her", "his", "they", "their", "them", "him"}))
_ANY_POST = HISTORICAL_POST | {"not", "runs", "risk", "risks"}
# "didn't make me feel like I was zoned out": a negated causative reaches further.
_CAUSATIVE = frozenset({"make", "made", "makes", "cause", "caused", "causes", "give", "gave",
                        "gives"})
_NO_LONGER = [["longer", w] for w in ("have", "has", "had", "get", "gets", "feel", "experience",
                                       "suffer", "am")]
_NO_ANSWERS = frozenset({"no", "nope", "none", "never", "nah", "not", "zero", "nothing"})
_ANSWERS = _NO_ANSWERS | {"yes", "yep", "yeah", "yup", "definitely", "absolutely", "sadly"}
_ANY_PRE = NEGATIONS | HYPOTHETICAL | HISTORICAL_PRE | FAMILY | {"as", "before"}
# "hoping the nausea goes away": the nausea is real, what is hoped for is its end.
_HOPE = frozenset({"hope", "hoping", "hopefully", "praying", "wish", "wishing"})
_IF_GOES_AWAY = _HOPE | {"if", "whether", "wonder", "wondering"}
_DETERMINERS = frozenset({"the", "my", "this", "that", "these", "those"})
_HEDGE_GLUE = frozenset({"a", "bit", "of", "some", "little", "slight", "mild", "minor"})
_GOES_AWAY = frozenset({"away", "subside", "subsides", "ease", "eases", "stop", "stops",
                        "pass", "passes", "off", "fade", "fades", "improve", "improves",
                        "better", "lessen", "lessens", "settle", "settles", "disappear",
                        "disappears", "down", "less"})
# "because of the weight gain" / "due to the rash": the event is the reason, so it happened.
# "because of (the) weight gain", "get rid of (the) fatigue": the event is there.
_BECAUSE = (("because", "of"), ("due", "to"), ("thanks", "to"), ("cause", "of"), ("rid", "of"))
# "my mom said I ...": the family member is reporting on the patient.
_SPEECH = frozenset({"said", "says", "say", "told", "tells", "thinks", "think", "noticed",
                     "notices", "noticing", "commented", "mentioned", "swears", "complains",
                     "complained", "suggested", "wants", "wanted"})


def _flags(norms: list[str], start: int, pre: list[tuple[int, str]], post: list[str],
           pre_set: set[str], ended_by: str, c_end: int) -> tuple[bool, bool, bool, bool]:
    """(negated, hypothetical, historical, family) of an event with some trigger near it."""
    n = len(norms)
    # The rules with a reach of at most 9 words only look at the end of `pre` (ascending).
    near = pre[bisect.bisect_left(pre, (start - 9,)):]
    # What answers a question ("nausea? no, none at all" / "insomnia? yes, every night").
    answer = norms[c_end + 1] if ended_by == "?" and c_end + 1 < n else ""
    negated = not NEGATIONS.isdisjoint(pre_set) and _negation_reaches(norms, start, pre, near)
    if negated and ("before" in post or ended_by == "until") and "never" in pre_set:
        # "never had headaches before (taking X)", "never had a panic attack until I took
        # X": new, not absent
        negated = False
    if not negated and ("no" in pre_set or "not" in pre_set) and any(
            tok in ("no", "not") and norms[p + 1:p + 3] in _NO_LONGER
            for p, tok in near if start - p <= 6):
        negated = True  # "I no longer have suicidal thoughts": gone
    if not negated and "not" in post[:4] and any(t in ("issue", "problem") for t in post[:8]):
        negated = True  # "weight gain has not been an issue"
    if not negated and answer in _NO_ANSWERS:
        negated = True
    # A question reaches back over no comma: "urine retention ?, edema" doubts one item of
    # a list, "I get headaches , is that normal ?" asks about a real one.
    hypothetical = (ended_by == "?" and answer not in _ANSWERS and "," not in post) or (
        not HYPOTHETICAL.isdisjoint(pre_set)) and _hypothetical_trigger(norms, start, near)
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
        and (tok != "past" or norms[p - 1:p] == ["the"] or norms[p + 1:p + 2] in (
            ["few"], ["year"], ["years"], ["month"], ["months"], ["week"], ["weeks"]))
        for p, tok in pre)) or (
        not HISTORICAL_POST.isdisjoint(post[:6]) and any(
            tok in HISTORICAL_POST and (tok != "before" or (any(
                t in ("started", "starting", "taking", "took", "began") for t in post)
                and "never" not in pre_set))
            # "past" after an event is a time only as "the past" ("in the past"), not a
            # place ("so swollen i cant lift it past my shoulder")
            and (tok != "past" or post[i - 1:i] == ["the"])
            for i, tok in enumerate(post[:6]) if tok in HISTORICAL_POST))
    if not historical and "before" in pre_set:
        historical = _before_the_drug(norms, pre, start)
    family = (not FAMILY.isdisjoint(pre_set)) and any(
        tok in FAMILY and start - p <= 8 and p not in as_a
        and not _reports_on_me(norms, p, start) for p, tok in near) or (
        "runs" in post[:3] and "family" in post[:6])
    return negated, hypothetical, historical, family


# "before Prozac I had ...": the words that start the drug after "before", the clause words
# that move on from the time before it, the past tense that dates the event to that time.
_BEGUN = _STARTING | {"prescribed", "being", "put", "took", "tried"}
_SINCE_THEN = frozenset({"since", "after", "till"})  # now / then / but / until end the clause
# "before Humira i was on prednisone which gave me ...", "before trileptal i tried topamax
# and got ...": the event is dated to another drug, not to the time before the treatment.
_OTHER_DRUG = frozenset({"on", "tried", "took", "taking", "gave", "caused", "made"})
_PAST = frozenset({"was", "were", "had", "used", "felt", "suffered", "did", "got", "struggled",
                   "dealt", "battled"})


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


_BEFORE_MONTH = frozenset({"in", "since", "last", "early", "late", "mid", "of", "by", "until",
                           "till", "through", "from"})


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
                    PSEUDO_NEGATIONS and not _negation_closed(norms, p, start, pre):
                return True
    return False


_CLAUSE_VERBS = frozenset({"was", "were", "is", "am", "are", "had", "have", "has", "got", "get",
                           "felt", "feel", "became", "become", "started", "i"})


# A positive quantifier opening a list item ("no anxiety at all , some weight gain", "...,
# a little dizziness"): what comes after the comma is had, not negated. ("mild", "slight" are
# left out: "did not have nausea , mild headaches or dizziness" is one negated list.)
_SOME = frozenset({"some", "occasional", "little", "bit"})


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


def _real_despite_trigger(pre: list[tuple[int, str]], post: list[str], start: int) -> bool:
    toks = [t for _, t in pre[-3:]]  # "because of (the)" ends `pre`
    if len(toks) >= 2 and tuple(toks[-2:]) in _BECAUSE or (
            len(toks) >= 3 and tuple(toks[-3:-1]) in _BECAUSE and toks[-1] in _DETERMINERS):
        return True  # "because of the weight gain", "would love to get rid of the fatigue"
    if toks and toks[-1] in _DETERMINERS and pre[-1][0] == start - 1 and any(
            t in _GOES_AWAY for t in post[:6]):
        return True  # "how long did the cough take to go away?": the cough is there
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


_POST_CUES = frozenset({"from", "after", "since", "on"})
_NOT_INDICATION = frozenset({"side", "effect", "effects", "caused", "gave", "made"})
_STRONG_POST = frozenset({"worse", "increased", "increasing", "from"})


_WORD = itemgetter(1)  # of a (position, word) pair in `pre`


# Tagger labels of dictionary events it doubts (pipeline.py: "LOW" below
# LEXICON_MIN_P_ADR, "DOUBT" below IN_SCOPE_MIN_P_ADR).
_DOUBTED = frozenset({"LOW", "DOUBT"})


def _strong_reaction_cue(pre: list[tuple[int, str]], post: list[str]) -> bool:
    """"gave me", "caused", "worse", "side effect" before it, "from" / "after" / "since" /
    "on" right after it, "worse" / "increased" just after it ("my asthma got worse"), or
    "since starting" around it."""
    words = list(map(_WORD, pre))
    return not STRONG_REACTION_CUES.isdisjoint(words) or not _POST_CUES.isdisjoint(
        post[:2]) or not _STRONG_POST.isdisjoint(post[:3]) or _onset_on_a_drug(words) or \
        _onset_on_a_drug(post)


_STARTED = _STARTING - {"taking"}  # "taking lexapro for 2 years and have asthma": no onset


def _started_a_drug(pre: list[tuple[int, str]], start: int) -> bool:
    """"started Lexapro 2 wks ago and cant sleep": a starting word right before a mention
    (the drug) earlier in the event's clause dates the event's onset to the drug."""
    return any(w in _STARTED and _mention_follows(pre, i, start) for i, (_, w) in enumerate(pre))


def _reaction_cue(pre: list[tuple[int, str]], post: list[str]) -> bool:
    return not REACTION_CUES.isdisjoint(map(_WORD, pre)) or not _POST_CUES.isdisjoint(
        post[:2]) or _onset_on_a_drug(post)


# Patients "suffer", "struggle with" and "deal with" their reactions too ("still suffer
# from the fatigue"): for a span the tagger calls an ADR these words do not overrule it.
_WEAK_INDICATION = frozenset({"suffer", "suffering", "suffered", "suffers", "struggle",
                              "struggled", "struggling", "struggles", "battling", "battled",
                              "cope", "coping", "deal", "dealing", "combat", "fight",
                              "fighting", "manage", "managing", "control", "controls", "less"})
# An indication cue reaches along a list of conditions ("for my anxiety , insomnia and
# irritability"): only these words (other mentions aside) may stand between.
_CUE_GLUE = frozenset({"my", "the", "her", "his", "and", ",", "/", "&", "or", "with", "me",
                       "of", "some", "both"})
# "except for the headaches", "apart from": the event is the exception, not the indication.
_EXCEPT = frozenset({"except", "accept", "apart", "aside", "besides", "but"})


def _indication_cue(pre: list[tuple[int, str]], start: int, *, strong: bool = False) -> bool:
    """"for my ...", "diagnosed with ...", "helps my ..." right before the event
    (`strong`: leave out the words patients also use of reactions)."""
    if INDICATION_PRE.isdisjoint(map(_WORD, pre)):
        return False  # most events: no cue word at all (decided at C speed)
    return any(tok in INDICATION_PRE and not (strong and tok in _WEAK_INDICATION) and not (
        tok == "for" and i and pre[i - 1][1] in _EXCEPT) and (
        start - p <= 4 or _CUE_GLUE.issuperset(t for _, t in pre[i + 1:]))
        for i, (p, tok) in enumerate(pre)) and \
        _NOT_INDICATION.isdisjoint(map(_WORD, pre))


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
