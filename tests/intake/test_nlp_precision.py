"""2.9 precision: a dictionary event the forum-trained tagger doubts is no reaction, even with
a drug in scope, unless a strong cue ties it to a drug (docs/screening.md, "2.9 precision")."""

import pytest

from intake.nlp import pipeline
from intake.nlp.context import _is_withdrawal, _withdrawal_cues, assign_context


def _role(norms: list[str], event: tuple[int, int], label: str | None, *,
          drug_at: int) -> dict:
    # given one sentence with a drug in scope (its position is a mention, not a trigger)
    return assign_context(norms, [(0, len(norms))], [event], {drug_at}, has_drug=True,
                          indication_prior={}, keys=[None], labels=[label],
                          drug_sentences={0})[0]


ASTHMA = ["i", "have", "asthma", "and", "my", "cardiologist", "started", "me", "on", "aspirin"]


@pytest.mark.parametrize("label", ["LOW", "DOUBT"])
def test_a_doubted_condition_next_to_a_drug_is_not_a_reaction(label):
    # when the tagger gives "asthma" little chance of being an ADR
    ctx = _role(ASTHMA, (2, 3), label, drug_at=9)
    # then the drug in the sentence no longer makes it one (weak cue "have" does not either)
    assert ctx["role"] == "other"


def test_an_event_the_tagger_does_not_doubt_stays_a_reaction():
    assert _role(ASTHMA, (2, 3), None, drug_at=9)["role"] == "reaction"


@pytest.mark.parametrize(("text", "event", "drug_at"), [
    ("aspirin gave me asthma", (3, 4), 0),             # a causative before it
    ("my asthma got worse on aspirin", (1, 2), 5),     # made worse, after it
    ("asthma since starting aspirin", (0, 1), 3),      # onset on the drug
    ("rash from the aspirin", (0, 1), 3),              # "from" right after it
])
def test_a_strong_cue_keeps_a_doubted_event_a_reaction(text, event, drug_at):
    assert _role(text.split(), event, "DOUBT", drug_at=drug_at)["role"] == "reaction"


def test_flags_keep_their_role_for_a_doubted_event():
    # "no asthma while i take aspirin": negated, and no strong cue ("on" right after the event
    # would keep it a reaction by itself); the role stays what the context set expects of it
    ctx = _role(["no", "asthma", "while", "i", "take", "aspirin"], (1, 2), "DOUBT", drug_at=5)
    assert ctx["negated"] and ctx["role"] == "reaction"


def test_doubt_marks_dictionary_events_by_the_taggers_p_adr():
    event = (0, 1, "asthma", False, None)
    low, doubt = pipeline.LEXICON_MIN_P_ADR, pipeline.IN_SCOPE_MIN_P_ADR
    assert low < doubt
    assert pipeline._doubted(event, low / 2)[4] == "LOW"
    assert pipeline._doubted(event, (low + doubt) / 2)[4] == "DOUBT"
    assert pipeline._doubted(event, doubt) is event


def test_an_event_named_as_a_risk_is_hypothetical():
    # "his rheum said the clot risk is in the black box": a risk, not a clot
    norms = ["his", "rheum", "said", "the", "clot", "risk", "is", "in", "the", "black", "box"]
    ctx = assign_context(norms, [(0, len(norms))], [(4, 5)], set(), has_drug=True,
                         indication_prior={}, keys=[None], labels=[None])[0]
    assert ctx["hypothetical"]
    # while "a clot in my leg" is not
    norms = ["i", "got", "a", "clot", "in", "my", "leg"]
    ctx = assign_context(norms, [(0, len(norms))], [(3, 4)], set(), has_drug=True,
                         indication_prior={}, keys=[None], labels=[None])[0]
    assert not ctx["hypothetical"]


@pytest.mark.parametrize(("text", "event", "want"), [
    # a reaction that ended when the drug stopped (a positive dechallenge) stays a reaction
    ("my headaches went away when i stopped taking it", (1, 2), False),
    ("the rash cleared after i stopped the amoxicillin", (1, 2), False),
    ("the itching stopped once i was off it", (1, 2), False),
    ("after i quit lipitor the leg cramps were gone in a week", (4, 6), False),
    ("once i stopped the statin the muscle pain got better", (6, 8), False),
    ("after i stopped the amoxicillin the rash on my arms and legs cleared up", (6, 7), False),
    ("the swelling went down after stopping", (1, 2), False),
    ("the hives went away after stopping", (1, 2), False),
    # ... and so does one that outlasted it
    ("the muscle pain persisted for months after stopping simvastatin", (1, 3), False),
    ("the tinnitus is still there after stopping", (1, 2), False),
    # a reaction the stopping followed, whatever words stand between
    ("i got dizzy and stopped taking it", (2, 3), False),
    ("i had headaches every day and stopped taking it", (2, 3), False),
    ("i got heart palpitations from it and stopped taking it", (2, 4), False),
    ("i gained 20 lbs and my doctor is tapering me off", (1, 4), False),
    ("i had bad insomnia and i am weaning off it now", (3, 4), False),
    ("i stopped taking it because of the weight gain", (7, 9), False),
    # stopping something else
    ("i got headaches after stopping coffee", (2, 3), False),
    ("since stopping smoking i get headaches", (5, 6), False),
    # symptoms dated to the stopping are withdrawal, whichever side the cue is on
    ("i had headaches for a week after stopping", (2, 3), True),
    ("but since stopping i get heart palpitations at night", (4, 6), True),
    ("after quitting i was exhausted for 2 weeks", (4, 5), True),
    ("i had brain zaps after tapering", (2, 4), True),
    ("nausea since weaning", (0, 1), True),
    ("dizziness after missed dose", (0, 1), True),
    ("i had brain zaps when i stopped taking it", (2, 4), True),
    ("dizzy and nauseous coming off it", (2, 3), True),
    ("i get dizzy if i miss a dose", (2, 3), True),
    ("i get headaches every time i miss a dose", (2, 3), True),
    ("after i stopped lexapro i had brain zaps for weeks", (6, 8), True),
    ("people feel brain zaps when trying to go off", (2, 4), True),
    ("withdrawal : the tinnitus and the jelly legs lasted most of the taper", (3, 4), True),
    # ... also when they went away later or something else ended
    ("after stopping zoloft i had nausea right away", (5, 6), True),
    ("since stopping lexapro i get headaches that never go away", (5, 6), True),
    ("after quitting i felt dizzy and my appetite disappeared", (3, 4), True),
    ("i stopped cold turkey because of the fatigue and 3 days later chest pain", (12, 14), True),
    # ... and when what ended it was a dose taken again, or the words name it withdrawal
    ("when i miss a dose the dizziness goes away once i take it", (6, 7), True),
    ("the withdrawal headaches finally went away after 10 days", (2, 3), True),
    ("since weaning off klonopin the rebound anxiety has improved a lot", (6, 7), True),
    # a dose lowered ends a reaction as stopping does
    ("my psychiatrist lowered the dose and the urge to gamble faded", (7, 10), False),
    # the time since stopping, in a span of time or a preposition
    ("dizziness and irritability 3 days off lexapro", (0, 1), True),
    ("shaking and sweating 12 hours without my meds", (0, 1), True),
    ("i had nausea and sweats 2 weeks into the taper", (2, 3), True),
    ("i was nauseous for days after my last taper step", (2, 3), True),
])
def test_withdrawal_is_what_the_stopping_brought_not_what_it_ended(text, event, want):
    sentence = text.split()
    assert _is_withdrawal(sentence, _withdrawal_cues(sentence), *event) is want


@pytest.mark.parametrize(("text", "event", "want"), [
    # a stop word before a drug's name is a cue as "stopped taking" is
    ("i stopped the zoloft 2 weeks ago and im so irritable", (8, 9), True),
    ("quit paxil last week and im dizzy all day", (5, 6), True),
    ("coming off the prednisone gave me terrible joint pain", (6, 8), True),
    # ... and the same readings of what came first apply
    ("i got dizzy and stopped the zoloft", (2, 3), False),
    ("stopped my crestor b/c insomnia and weird dreams", (4, 5), False),
    ("stopped the aleve , swelling down by half", (4, 5), False),
    ("stopped the statin for 4 weeks and the arm pain eased , restarted at 20mg", (8, 10), False),
    ("i had a high potassium that meant stopping the ramipril", (4, 5), False),
])
def test_a_stop_word_before_a_drug_name_is_a_cue(screen, text, event, want):
    # given: the drug positions the pipeline found
    drugs = frozenset(m["start"] for m in screen(text)["mentions"] if m["kind"] == "drug")
    sentence = text.split()
    starts = [len(" ".join(sentence[:k])) + (k > 0) for k in range(len(sentence))]
    drug_at = frozenset(k for k, a in enumerate(starts) if a in drugs)
    # when / then
    assert _is_withdrawal(sentence, _withdrawal_cues(sentence, drug_at), *event) is want


def test_starting_the_named_drug_dates_a_doubted_event_to_it():
    # "started lexapro 2 wks ago and cant sleep": the tagger doubts "cant sleep", but the
    # clause opens on starting the drug (a mention right after "started")
    norms = ["started", "lexapro", "2", "wks", "ago", "and", "can", "not", "sleep"]
    assert _role(norms, (6, 9), "DOUBT", drug_at=1)["role"] == "reaction"
    # a starting word with no mention after it is no such cue
    norms = ["aspirin", ",", "i", "started", "work", "and", "have", "asthma"]
    assert _role(norms, (7, 8), "DOUBT", drug_at=0)["role"] == "other"


def test_the_tagger_alone_does_not_demote_an_event_in_an_adr_sentence():
    # "I felt horrible , my mouth tasted like metal": the tagger gives "felt horrible" little
    # chance (LOW), no drug is named; the sentence classifier reads an ADR sentence
    norms = ["i", "felt", "horrible", ",", "my", "mouth", "tasted", "like", "metal"]

    def role(supported):
        return assign_context(norms, [(0, len(norms))], [(1, 3)], {1, 2}, has_drug=True,
                              indication_prior={}, keys=[None], labels=["LOW"],
                              supported=supported)[0]["role"]

    assert role([True]) == "reaction"   # the two models disagree: it is kept
    assert role([False]) == "other"     # both doubt it
