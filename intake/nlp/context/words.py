"""The word sets the context rules read: triggers, cues, and the words that end or join
their reach."""

from __future__ import annotations

TERMINATORS = frozenset({";", "but", "though", "although", "however", "except", "?", "!", ".",
                         "yet", "whereas", "besides", "apart", "other", "aside", "otherwise",
                         "still", "until", "till", "unfortunately", "now", "then", "only",
                         "instead"})
NEGATIONS = frozenset({"no", "not", "never", "without", "nor", "zero", "none", "denies",
                       "denied", "neither", "free", "lack", "absence"})
# "nobody warned me about the hair loss", "no one told me about the loose skin", "my doctor
# never mentioned the weight gain": the event is real and was not foretold.
_UNWARNED = frozenset({"warned", "warn", "told", "tell", "mentioned", "mention"})
_NOBODY = frozenset({"nobody", "noone", "never", "not", "no"})
# "not only", "no doubt", "not sure", "never warned" ... look like negation but are not.
PSEUDO_NEGATIONS = frozenset({"only", "just", "doubt", "sure", "idea", "wonder", "longer",
                              "warned", "warn", "told", "tell", "mentioned",
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
                          "hoping", "hopefully", "wonder", "wondering",
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
# Between a stop word and the drug it names ("stopped the zoloft", "quit my lexapro").
_DRUG_DETERMINERS = frozenset({"the", "my", "his", "her", "their", "taking", "using", "all"})
_QUIT_WHAT = frozenset({"smoking", "drinking", "my", "work", "job", "caffeine", "alcohol",
                        "coffee", "tea", "soda", "breastfeeding", "nursing", "exercise",
                        "exercising", "running", "gym", "for", "eating", "dieting", "dairy",
                        "sugar", "gluten", "vaping", "weed", "driving"})
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
# Words saying an event went away.
_WENT_AWAY = frozenset({"gone", "disappeared", "stopped", "vanished", "better", "improved",
                        "subsided", "eased", "lifted", "cured", "relieved", "resolved"})
# A positive dechallenge: an event that ended when the drug stopped was a reaction on the
# drug ("the rash cleared after I stopped", "once I stopped the statin the muscle pain got
# better")
_ENDED = _WENT_AWAY | frozenset({"disappear", "cleared", "clear", "clearing", "faded", "ceased",
                                 "ended", "wore", "improve", "less", "fewer"})
# ... and one that outlasted it, told with "after" / "since" ("lasted 3 days after stopping";
# "lasted most of the taper" is withdrawal).
_LASTED = frozenset({"persisted", "persists", "lasted", "lingered", "continued", "remained",
                     "stayed", "still"})
# Two-word endings ("went away", "back to normal", "went down"): the second word with the
# first words it needs.
_ENDED_PAIRS = {"away": frozenset({"went", "go", "goes", "going", "gone"}),
                "normal": frozenset({"to"}), "down": frozenset({"went", "gone", "come", "came"})}
# How far after an event its ending is looked for ("the rash on my arms and legs cleared"),
# up to the end of its list item.
ENDED_REACH = 6
_LIST_BREAK = frozenset({",", ";", ":", "but", "(", ")", "-"})
# Between a stopping cue and an event, words saying the event came after it ("since stopping
# I get headaches that never go away", "I had dizziness that went away"): not a dechallenge.
_CAME_AFTER = frozenset({"i", "im", "had", "have", "has", "get", "gets", "got", "getting",
                         "felt", "feel", "feeling", "developed", "started", "began",
                         "experienced", "noticed", "was", "were"})
# What ties a stopping word after an event to it as the event's time, right before the
# stopping ("dizzy when I stopped", "zaps upon a missed dose", "sick if I skip a day");
# without one the stopping came after the event ("I got dizzy and stopped taking it").
_WHEN_STOPPING = frozenset({"when", "whenever", "after", "upon", "on", "once", "since", "if",
                            "while", "during", "as", "between", "time", "into", "post",
                            "throughout"})
# The words that may stand between that word and the stopping ("when I was coming off").
_STOPPING_SUBJECT = frozenset({"i", "im", "i'm", "m", "was", "am", "had", "have", "been", "a",
                               "the", "my", "first", "last", "finally", "tried", "try",
                               "trying", "to",
                               "he", "she", "we", "they", "you", "did", "do"})
# Missed-dose cues: a symptom that goes away after one was withdrawal ("the dizziness goes
# away once I take it"); after stopping, tapering or a lower dose it may have been a reaction
# that ended (a dechallenge).
_MISSED_DOSE = frozenset({"missed", "skipped", "skip", "miss", "missing", "late", "forget",
                          "forgot", "ran", "run", "not", "dont", "didnt", "without"})
# Taking the drug again after a symptom ended: it was withdrawal ("goes away once I take it").
_RESUMED = frozenset({"take", "took", "taking", "restarted", "resumed"})
# The reason a drug was stopped, right before the event ("stopped my crestor b/c insomnia").
_REASON = frozenset({"because", "bc", "b/c", "cause", "cos", "coz", "cuz", "due"})
_REASON_GLUE = frozenset({"of", "to", "the", "my", "a", "an", "all", "this", "that", "these"})
# Withdrawal cues that are nouns: they name the time themselves ("headaches from withdrawal").
_WITHDRAWAL_NOUNS = frozenset({"withdrawal", "withdrawals", "withdrawl", "withdrawls",
                               "discontinuation", "turkey", "rebound"})
# Before a participle cue ("tapering", "coming off"), these make it a clause of its own ("my
# doctor is tapering me off", "and I'm coming off it"), not the event's time.
_CLAUSE_BEFORE = frozenset({"am", "m", "im", "i'm", "is", "are", "was", "were", "be", "been",
                            "i", "he", "she", "we", "they", "and", "then", "so", "now"})
# A cue before an event reaches forward to the sentence end, unless the sentence turns.
_WITHDRAWAL_FORWARD_STOPS = frozenset({"but", "however", "though", "although", "while",
                                       "whereas", ";", "except", "restarted", "resumed",
                                       "rechallenged"})


# Words of coming off that an intention can govern ("might go off it", "thinking of
# stopping", "going to taper"), and the intentions: a plan is no withdrawal (yet).
_STOPPING = frozenset({"stop", "stopping", "quit", "quitting", "off", "wean", "weaning",
                       "taper", "tapering", "discontinuing", "withdraw", "withdrawing",
                       "reduce", "reducing", "decrease", "decreasing", "lowering", "cutting"})
_INTENT = frozenset({"might", "may", "wanna", "gonna", "want", "wants", "plan", "planning",
                     "considering", "should", "tempted"})


# "..., and I" / "and my lips swelled" (2.7): a new clause; a set probe is quicker than
# "i".__eq__ per token
_I = frozenset({"i", "my"})


# Feelings that, followed by what they are about, are the writer's attitude, not a reaction.
_EMOTIONS = frozenset({"nervous", "panic", "panicked", "panicking", "scared", "terrified",
                       "angry", "mad", "worried", "freaked", "upset", "frustrated", "afraid",
                       "anxious", "annoyed", "furious", "out", "so", "honestly", "really"})
_ABOUT = frozenset({"about", "that", "thinking", "of", "when", "because", "to", "i", "it",
                    "every", "since", "at", "with", "by"})


# A lab value or vital sign that changed on the drug is an event even if the drug treats it.
_CHANGE = frozenset({"went", "dropped", "drops", "rose", "spiked", "shot", "increased",
                     "crashed", "plummeted", "tanked", "fell", "jumped", "climbed", "doubled",
                     "tripled", "skyrocketed", "crazy", "dipped"})


# Words saying an event is new (brought on), not a condition the patient already had.
_NEW_EVENT = STRONG_REACTION_CUES | {"got", "getting", "developed", "develop", "started",
                                     "starting", "experiencing", "experienced", "noticed",
                                     "broke", "woke", "began"}


_ONSET = frozenset({"since", "after"})
_STARTING = frozenset({"starting", "started", "beginning", "began", "taking", "start", "begin"})
_RELIEVED = INDICATION_POST | {"stopped", "ended", "went"}  # "my crying spells stopped"


_LIST_GLUE = frozenset({",", "and", "/", "&", "or", "-"})


MAX_REACH = 25
# Words the rules read as context: a mention's extent does not take them in.
CONTEXT_WORDS = (NEGATIONS | HYPOTHETICAL | HISTORICAL_PRE | HISTORICAL_POST | FAMILY
                 | INDICATION_PRE | WITHDRAWAL | TERMINATORS
                 | frozenset({"she", "he", "her", "his", "they", "their", "them", "him"}))
_ANY_POST = HISTORICAL_POST | {"not", "runs", "risk", "risks", "longer"}
# "didn't make me feel like I was zoned out": a negated causative reaches further.
_CAUSATIVE = frozenset({"make", "made", "makes", "cause", "caused", "causes", "give", "gave",
                        "gives"})
# After "no longer" following an event: it is gone ("the nausea is no longer there").
_STILL_GONE = frozenset({"there", "present", "around", "an", "a", "bothers", "bother",
                         "bothering", "happens", "happening", "occurs", "noticeable"})
_NO_LONGER = [["longer", w] for w in ("have", "has", "had", "get", "gets", "feel", "experience",
                                       "suffer", "am")]
# A question doubts its event only when it asks whether it will happen or is caused ("will it
# give me diabetes?", "is insomnia common with it?"); "is it normal to be so hungry on
# Zoloft?" asks about a real one (docs/annotation.md: a question counts when the writer has it).
_ASKS_IF_IT_WILL = frozenset({"will", "gonna", "would", "could", "might", "may", "should"})
# "Does gabapentin cause hair loss?" asks whether it does: about the writer's own hair loss in a
# post where the writer tells of themselves ("I'm on 600 a day"), general talk otherwise.
_ASKS_IF_IT_DOES = frozenset({"cause", "causes", "make", "makes", "give", "gives", "link",
                              "linked", "chance", "chances", "common", "commonly"})
# "Has anyone had hair loss on it?" reports the writer's own event when the post is about the
# writer elsewhere; asked alone it is a question about others.
_ANYONE = frozenset({"anyone", "anybody"})
_FIRST_PERSON = frozenset({"i", "me", "my", "mine", "im", "i'm", "ive", "i've", "id", "i'd",
                           "myself"})
# "I start zoloft next week", "scared to start", "have not started it yet": not on it yet.
_TO_START = frozenset({"start", "starting", "begin", "beginning", "try", "trying", "take"})
_NOT_YET = frozenset({"will", "to", "next", "tomorrow", "soon", "about", "going", "gonna",
                      "supposed", "should", "monday", "tuesday", "wednesday", "thursday",
                      "friday", "saturday", "sunday"})
_NO_ANSWERS = frozenset({"no", "nope", "none", "never", "nah", "not", "zero", "nothing"})
_ANSWERS = _NO_ANSWERS | {"yes", "yep", "yeah", "yup", "definitely", "absolutely", "sadly"}
_ANY_PRE = NEGATIONS | HYPOTHETICAL | HISTORICAL_PRE | FAMILY | _ANYONE | {"as", "before"}
# "hoping the nausea goes away": the nausea is real, what is hoped for is its end.
_HOPE = frozenset({"hope", "hoping", "hopefully", "praying", "wish", "wishing"})
_IF_GOES_AWAY = _HOPE | {"if", "whether", "wonder", "wondering"}
_CAUSED_BY = frozenset({"from", "caused", "causing", "related", "due", "because"})
_DETERMINERS = frozenset({"the", "my", "this", "that", "these", "those"})
_HEDGE_GLUE = frozenset({"a", "bit", "of", "some", "little", "slight", "mild", "minor"})
_GOES_AWAY = frozenset({"away", "subside", "subsides", "ease", "eases", "stop", "stops",
                        "pass", "passes", "off", "fade", "fades", "improve", "improves",
                        "better", "lessen", "lessens", "settle", "settles", "disappear",
                        "disappears", "down", "less", "lift", "lifts", "clear", "clears",
                        "resolve", "resolves", "calm", "calms", "wear", "wears"})
# "because of the weight gain" / "due to the rash": the event is the reason, so it happened.
# "because of (the) weight gain", "get rid of (the) fatigue": the event is there.
_BECAUSE = (("because", "of"), ("due", "to"), ("thanks", "to"), ("cause", "of"), ("rid", "of"))
# "my mom said I ...": the family member is reporting on the patient.
_SPEECH = frozenset({"said", "says", "say", "told", "tells", "thinks", "think", "noticed",
                     "notices", "noticing", "commented", "mentioned", "swears", "complains",
                     "complained", "suggested", "wants", "wanted"})


# "before Prozac I had ...": the words that start the drug after "before", the clause words
# that move on from the time before it, the past tense that dates the event to that time.
_BEGUN = _STARTING | {"prescribed", "being", "put", "took", "tried"}
_SINCE_THEN = frozenset({"since", "after", "till"})  # now / then / but / until end the clause
# "before Humira i was on prednisone which gave me ...", "before trileptal i tried topamax
# and got ...": the event is dated to another drug, not to the time before the treatment.
_OTHER_DRUG = frozenset({"on", "tried", "took", "taking", "gave", "caused", "made"})
_PAST = frozenset({"was", "were", "had", "used", "felt", "suffered", "did", "got", "struggled",
                   "dealt", "battled"})


_BEFORE_MONTH = frozenset({"in", "since", "last", "early", "late", "mid", "of", "by", "until",
                           "till", "through", "from"})


_CLAUSE_VERBS = frozenset({"was", "were", "is", "am", "are", "had", "have", "has", "got", "get",
                           "felt", "feel", "became", "become", "started", "i"})


# A positive quantifier opening a list item ("no anxiety at all , some weight gain", "...,
# a little dizziness"): what comes after the comma is had, not negated. ("mild", "slight" are
# left out: "did not have nausea , mild headaches or dizziness" is one negated list.)
_SOME = frozenset({"some", "occasional", "little", "bit"})


_POST_CUES = frozenset({"from", "after", "since", "on"})
_NOT_INDICATION = frozenset({"side", "effect", "effects", "caused", "gave", "made"})
_STRONG_POST = frozenset({"worse", "increased", "increasing", "from"})


# Tagger labels of dictionary events it doubts (pipeline/components.py: "LOW" below
# LEXICON_MIN_P_ADR, "DOUBT" below IN_SCOPE_MIN_P_ADR).
_DOUBTED = frozenset({"LOW", "DOUBT"})


_STARTED = _STARTING - {"taking"}  # "taking lexapro for 2 years and have asthma": no onset
# "never had a panic attack until I started / took / went on zoloft": new on the drug; not
# "never realized how bad my anxiety was until I started lexapro".
_BEGAN_A_DRUG = _STARTED | {"took", "went", "put", "switched", "tried"}
_REALIZED = frozenset({"realized", "realised", "knew", "noticed", "understood", "appreciated"})


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
# A span of time: "3 weeks", "a few days", "couple of months", "the past year", "hours".
_TIME_UNITS = frozenset({"second", "seconds", "minute", "minutes", "min", "mins", "hour", "hours",
                         "hr", "hrs", "day", "days", "week", "weeks", "wk", "wks", "month",
                         "months", "year", "years", "yr", "yrs", "decade", "decades"})
_AMOUNT = frozenset({"a", "an", "one", "few", "couple", "of", "several", "many", "some", "past",
                     "last", "first", "next", "the"})
_PLURAL_TIMES = frozenset({"hours", "hrs", "days", "weeks", "wks", "months", "years", "yrs",
                           "decades", "ages", "awhile"})


def a_time_span(words: list[str]) -> bool:
    """Whether `words` open a span of time: an amount ("3", "a few", "couple of", "the past")
    then a unit of time ("3 weeks", "the past few days", "a while"), or a plural unit alone
    ("hours", "years", "ages"). "long", "day time", "nights I cant sleep" are not."""
    k = 0
    while k < len(words) and k < 4 and (words[k] in _AMOUNT or words[k].isdigit()):
        k += 1
    if k == len(words):
        return False
    if k == 0:
        return words[0] in _PLURAL_TIMES
    return words[k] in _TIME_UNITS or (words[k] == "while" and words[k - 1] == "a")


# "side effects for me : ...", "worked for him": whom it is for ("for her" may be "for her
# anxiety": left out).
_FOR_WHOM = frozenset({"me", "him", "us", "them", "you", "myself", "himself", "herself"})
# "except for the headaches", "apart from": the event is the exception, not the indication.
_EXCEPT = frozenset({"except", "accept", "apart", "aside", "besides", "but"})
