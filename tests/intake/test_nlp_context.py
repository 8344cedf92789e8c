"""Context attributes on event mentions, with forum phrasing."""

import pytest

from intake.nlp.context import _worse_before
from tests.intake.conftest import events

CASES = [
    # text, event, expected (attributes not named are False, role defaults to reaction)
    ("no headaches on zoloft so far", "headaches", {"negated": True}),
    ("prozac, no nausea but terrible insomnia", "insomnia", {}),
    ("prozac, no nausea but terrible insomnia", "nausea", {"negated": True}),
    ("no side effects except headaches on celexa", "headaches", {}),
    ("seroquel; no dry mouth; heavy sleepiness", "heavy sleepiness", {}),
    ("zoloft made me yawn all day, no headaches tho", "headaches", {"negated": True}),
    ("my doctor said lexapro could cause weight gain", "weight gain", {"hypothetical": True}),
    ("if I get headaches on zoloft I'll stop", "headaches", {"hypothetical": True}),
    # "anyone else ...?" reports the poster's own event (2.2; was hypothetical before)
    ("anyone else get brain zaps on effexor?", "brain zaps", {}),
    # (2.9: the modal is in the span, as in docs/annotation.md's "couldn't sleep"; with PsyTAR
    # counted twice in the tagger's training it is "barely sleep" again: known, docs 2.9)
    pytest.param("I could barely sleep on wellbutrin", "could barely sleep", {},
                 marks=pytest.mark.xfail(strict=True, raises=KeyError,
                                         reason="tagger with PsyTAR x2: 'barely sleep'")),
    ("I could barely sleep on wellbutrin", "barely sleep", {}),
    # topamax is taken for migraine (2.7: the role follows what the post's drug is for)
    ("I used to get migraines before I started topamax", "migraines",
     {"historical": True, "role": "indication"}),
    ("never had headaches before taking lipitor", "headaches", {}),
    ("never had a panic attack until I started zoloft", "panic attack", {}),
    ("my mom gets migraines on her estrogen", "migraines", {"family": True, "role": "other"}),
    ("depression runs in my family, I take prozac", "depression",
     {"family": True, "role": "other"}),
    ("I take zoloft for my depression", "depression", {"role": "indication"}),
    ("gabapentin helps my nerve pain", "nerve pain", {"role": "indication"}),
    ("zoloft for my anxiety but it gave me insomnia", "insomnia", {}),
    ("lexapro made my anxiety worse", "anxiety worse", {}),
]


@pytest.mark.parametrize(("text", "event", "expected"), CASES)
def test_context(screen, text, event, expected):
    m = events(screen(text))[event]
    want = {"negated": False, "hypothetical": False, "historical": False, "family": False,
            "role": "reaction", **expected}
    assert {k: m[k] for k in want} == want


def test_withdrawal_is_flagged(screen):
    m = events(screen("effexor withdrawal gave me brain zaps"))["brain zaps"]
    assert m["withdrawal"] is True
    assert m["role"] == "reaction"


WITHDRAWAL_CASES = [
    # text, event, is it a withdrawal symptom (2.3: the cue's reach, not the whole sentence)
    ("during withdrawal I had headaches, dizziness and brain zaps", "dizziness", True),
    ("I get dizzy upon a missed dose", "dizzy", True),
    ("sweating like crazy, tingles in my hands and if I miss a dose I get dizzy",
     "tingles in my hands", False),
    ("sweating like crazy, tingles in my hands and if I miss a dose I get dizzy", "dizzy", True),
    ("Caused psychotic episodes, and had horrible withdrawal symptoms", "psychotic episodes",
     False),
    ("The weight gain is the only reason I stopped taking it", "weight gain", False),
    ("I ran out of it for 4 days and experienced lightheadedness", "lightheadedness", True),
    ("cant get off to sleep although very tired on zoloft", "tired", False),
    ("I get so irritable when I don't take my zoloft", "irritable", True),
    ("If I forget my gabapentin I get really anxious", "anxious", True),
    ("I missed 3 to 4 days of effexor and felt dizzy", "dizzy", True),
    ("Woozy feeling when I miss dosing", "woozy feeling", True),
    ("Been 3 weeks off and have had pretty bad joint pain", "joint pain", True),
    ("I went a few days without taking it and felt nauseous", "nauseous", True),
    ("I miss the old days when zoloft made me calm, no headaches", "headaches", False),
    ("Please do not take this drug, after 5 days my hair fell out", "hair fell out", False),
    ("dont stop taking it all at once because you get really dizzy", "dizzy", True),
    # 2.5: "when I quit", "got off the meds", "without my prescription"
    ("When i quit effexor could not eat for days , nausea feeling sick", "could not eat",
     True),
    ("After I quit , I have had brain zaps", "brain zaps", True),
    ("when I quit smoking on zoloft I got headaches", "headaches", False),
    ("I stopped because of the weight gain", "weight gain", False),
    ("tried to get off the meds and had electric shocks through my body",
     "electric shocks through my body", True),
    ("my mood was off the charts and I had headaches on zoloft", "headaches", False),
    ("I went a week without my prescription and had terrible vertigo", "vertigo",
     True),
]


@pytest.mark.parametrize(("text", "event", "withdrawal"), WITHDRAWAL_CASES)
def test_withdrawal_reach(screen, text, event, withdrawal):
    assert events(screen(text))[event]["withdrawal"] is withdrawal


@pytest.mark.parametrize(("text", "event", "hypothetical"), [
    # "would" telling what used to happen, a consequence of taking the drug: real (2.3)
    ("On lexapro I would get the shakes before my second dose", "shakes", False),
    ("if I miss a dose of effexor I get dizzy", "dizzy", False),
    ("If I take zoloft at night I get insomnia", "insomnia", False),
    ("I knew there would be weight gain on zoloft", "weight gain", True),
    ("if I get headaches on zoloft I'll stop", "headaches", True),
])
def test_habitual_is_not_hypothetical(screen, text, event, hypothetical):
    assert events(screen(text))[event]["hypothetical"] is hypothetical


def test_treated_condition_in_a_list_of_reactions_is_a_reaction(screen):
    # the tagger reads "confused" as the treated condition; its list neighbours are reactions
    found = events(screen("Overall stoned feeling , tingly sensations , confused , could not "
                          "stop crying , dizzy and disoriented on zoloft ."))
    assert found["confused"]["role"] == "reaction"
    assert events(screen("I take zoloft for depression , anxiety"))["anxiety"]["role"] == \
        "indication"


@pytest.mark.parametrize(("text", "event", "expected"), [
    ("It didn't make me feel like I was zoned out on lexapro", "zoned out", {"negated": True}),
    ("Zoloft stabilized my mood swings", "mood swings", {"role": "indication"}),
    ("I'm not happy about the weight gain on zoloft", "weight gain", {}),
    # an indication cue reaches along a list of conditions, not over other words
    ("I take zoloft for my anxiety, insomnia and irritability", "irritability",
     {"role": "indication"}),
    ("I took zoloft for 2 weeks and got headaches", "headaches", {}),
    ("I no longer have headaches on topamax", "headaches", {"negated": True}),
    # "no longer" right before or after the event: gone as well; not when it came back
    ("Since Zoloft I'm no longer depressed", "depressed", {"negated": True}),
    ("on topamax the nausea is no longer there", "nausea", {"negated": True}),
    ("on topamax the headaches no longer bother me", "headaches", {"negated": True}),
    ("the headaches on topamax lasted longer than a week", "headaches", {}),
    # a negation does not reach over a comma once what it negated has ended
    ("On zoloft I had acid reflux which I never had before , constipation", "constipation", {}),
    ("On zoloft I couldn't talk without stuttering , was very confused", "confused", {}),
    ("no nausea, vomiting or diarrhea on zoloft", "vomiting", {"negated": True}),
    ("I was put on prednisone to subdue the swelling", "swelling", {"role": "indication"}),
])

def test_context_2_3(screen, text, event, expected):
    m = events(screen(text))[event]
    want = {"negated": False, "role": "reaction", **expected}
    assert {k: m[k] for k in want} == want


@pytest.mark.parametrize(("text", "event"), [
    ("my dad has diabetes and takes metformin", "diabetes"),
    ("my grandma fell and broke her hip on ambien", "fell"),
])
def test_a_dictionary_event_grows_over_no_context_word(screen, text, event):
    # the CRF extent of a dictionary event stops at "my dad has" (2.3)
    m = events(screen(text))[event]
    assert m["family"] is True and m["role"] == "other"


@pytest.mark.parametrize(("text", "event", "role"), [
    # 2.5: the tagger's "treated condition" gives way to onset on a drug or a worsening after
    ("since starting lexapro I have been depressed", "depressed", "reaction"),
    ("my mood swings are worse on birth control", "mood swings", "reaction"),
    ("right after I started zoloft my crying spells stopped", "crying spells", "indication"),
    ("I take zoloft for my depression", "depression", "indication"),
])
def test_onset_or_worsening_outweighs_the_treated_condition(screen, text, event, role):
    assert events(screen(text))[event]["role"] == role


def test_a_worsened_condition_is_a_reaction(screen):
    found = events(screen("On cymbalta: vivid nightmares, sweats, higher anxiety levels, "
                          "memory problems"))
    assert found["anxiety"]["role"] == "reaction"


def _one(norms: list[str], event: tuple[int, int], **kwargs) -> dict:
    from intake.nlp.context import assign_context

    (ctx,) = assign_context(norms, [(0, len(norms))], [event], set(range(*event)),
                            has_drug=True, indication_prior={}, keys=[None],
                            labels=["ADR"], **kwargs)
    return ctx


def test_reaction_in_a_sentence_the_classifier_rejects_becomes_other():
    norms = ["the", "weight", "gain", "is", "a", "small", "price", "to", "pay"]
    assert _one(norms, (1, 3))["role"] == "reaction"
    assert _one(norms, (1, 3), supported=[True])["role"] == "reaction"
    assert _one(norms, (1, 3), supported=[False])["role"] == "other"
    # unless a cue ties it to a drug, or the sentence names one
    cued = ["it", "gave", "me", "weight", "gain"]
    assert _one(cued, (3, 5), supported=[False])["role"] == "reaction"
    assert _one(norms, (1, 3), supported=[False], drug_sentences={0})["role"] == "reaction"


@pytest.mark.parametrize(("text", "event", "hypothetical"), [
    ("Anyone else get really bad headaches from Topamax?", "headaches", False),
    ("Is anyone else on Wellbutrin having trouble sleeping?", "trouble sleeping", False),
    ("Does Zoloft cause weight gain?", "weight gain", True),
    ("can anyone tell me if lexapro causes hair loss?", "hair loss", True),
])
def test_asking_who_else_has_it_reports_it(screen, text, event, hypothetical):
    (m,) = [m for k, m in events(screen(text)).items() if event in k]
    assert m["hypothetical"] is hypothetical


@pytest.mark.parametrize(("text", "event", "hypothetical"), [
    # 2.5: the event is there, what is wished for or asked is its end or its cause
    ("I would love to get rid of the fatigue from lexapro", "fatigue", False),
    ("on zoloft, waiting to see if this head pressure will go away", "head pressure", False),
    ("wondering whether the nausea will go away on prozac", "nausea", False),
    ("if I get nausea on prozac will it go away?", "nausea", True),
    ("side effects of paxil: possible loss of libido", "loss of libido", False),
    ("seroquel could possibly cause weight gain", "weight gain", True),
    # a question reaches back over no comma
    ("I get headaches on zoloft, is that normal?", "headaches", False),
    ("does lexapro cause hair loss?", "hair loss", True),
    # "in case" is conditional, "in my case" is not
    ("in case I get dizzy on propranolol, what should I do?", "dizzy", True),
    ("in my case I get dizzy on propranolol", "dizzy", False),
])
def test_real_events_despite_a_hypothetical_word(screen, text, event, hypothetical):
    m = events(screen(text))[event]
    assert m["hypothetical"] is hypothetical
    assert m["role"] == "reaction"


@pytest.mark.parametrize(("text", "drug"), [
    ("After my second Pfizer shot I had a fever", "pfizer"),  # form words out (forum_c gold)
    ("sore arm from the flu shot", "flu shot"),
    ("Moderna booster knocked me out for a day", "moderna"),
])
def test_lay_vaccine_names_are_drugs(screen, text, drug):
    assert drug in {m["text"].lower() for m in screen(text)["mentions"] if m["kind"] == "drug"}


@pytest.mark.parametrize(("text", "event", "historical"), [
    ("before prozac I had terrible insomnia", "insomnia", True),
    ("Before being prescribed Zoloft I was very depressed and suicidal.", "suicidal", True),
    # the clause moves on to another drug, or to now: not dated before the treatment
    ("before trileptal i tried topamax and got kidney stones", "kidney stones", False),
    ("before humira i was on prednisone which gave me moon face", "moon face", False),
    ("before zoloft I was fine and since then I have headaches", "headaches", False),
    ("I take it before bed and get headaches", "headaches", False),
    # a routine before a dose or bedtime is no history
    ("Before I go to bed I get terrible headaches.", "headaches", False),
    ("Before taking my dose each morning I feel dizzy.", "dizzy", False),
    ("Right before Adderall wears off I get really irritable.", "irritable", False),
    ("Before lexapro I suffered from terrible insomnia.", "insomnia", True),
])
def test_before_the_drug_dates_an_event_before_it(screen, text, event, historical):
    assert events(screen(text))[event]["historical"] is historical


@pytest.mark.parametrize(("text", "event"), [
    ("vivid nightmares, sweats, higher anxiety levels, memory problems", "anxiety"),
    ("headaches, vomiting, increase in anxiety, blurred vision", "increase in anxiety"),
])
def test_a_condition_made_worse_is_a_reaction_whatever_labels_it(screen, text, event):
    # a review of a named drug (as PsyTAR's sentences are): the condition's prior says
    # indication, the word before it says worse
    assert events(screen(text, about_drug=True))[event]["role"] == "reaction"


@pytest.mark.parametrize(("words", "worse"), [
    (["higher", "anxiety"], True),
    (["increase", "in", "anxiety"], True),
    (["worsening", "of", "my", "anxiety"], True),
    (["relief", "of", "my", "anxiety"], False),
    (["more", "of", "a", "friend", "than", "anxiety"], False),
])
def test_a_word_of_worsening_reaches_over_in_of_and_a_determiner(words, worse):
    start = len(words) - 1  # the event is the last word; every word before it is free
    pre = list(enumerate(words[:start]))
    assert _worse_before(words, pre, start) is worse


@pytest.mark.parametrize(("text", "withdrawal"), [
    ("Now I have acne and might go off it all together.", False),
    ("Might stop taking it, the acne is awful.", False),
    ("I am thinking of coming off it because of the acne", False),
    ("I am going to go off it because of the acne", False),
    ("when I stopped it I got acne", True),
    # intentions that govern no stopping word leave real withdrawal cues alone
    ("In May I stopped taking it and had acne.", True),
    ("Sometimes I will forget to take my dose and get acne.", True),
    ("I have been going to bed without taking it and wake up with acne.", True),
])
def test_an_intended_stop_is_no_withdrawal(screen, text, withdrawal):
    assert events(screen(text))["acne"]["withdrawal"] is withdrawal


def test_as_if_is_a_simile_not_a_hypothesis(screen):
    found = events(screen("On the down side, I feel as if I'm in a fog."))
    fog = next(m for text, m in found.items() if text.endswith("in a fog"))  # span: the tagger's
    assert fog["hypothetical"] is False
    assert events(screen("if I get a rash I will stop"))["rash"]["hypothetical"] is True


@pytest.mark.parametrize(("text", "event", "negated"), [
    ("very little to no anxiety at all, some weight gain", "weight gain", False),
    ("no nausea, some vomiting", "vomiting", False),
    ("no nausea, a little dizziness", "dizziness", False),
    ("no nausea, vomiting or diarrhea", "vomiting", True),   # still one negated list
    ("I did not have nausea, mild headaches on it", "headaches", True),
])
def test_a_quantifier_after_a_comma_ends_the_negated_list(screen, text, event, negated):
    assert events(screen(text))[event]["negated"] is negated


@pytest.mark.parametrize(("text", "event", "historical"), [
    # "the past" opening a span of time up to now: the event is current, on the drug
    ("Started Lipitor in May. I have had muscle aches for the past 3 weeks.", "muscle aches",
     False),
    ("Started Lipitor in May. For the past few weeks I have had muscle aches.", "muscle aches",
     False),
    ("on zoloft, and over the past month terrible insomnia", "insomnia", False),
    # "the past" alone dates the event before the drug
    ("In the past I had muscle aches on Zocor, none on Lipitor so far.", "muscle aches", True),
    ("I had migraines in the past, now on topamax", "migraines", True),
])
def test_the_past_few_weeks_is_now_not_history(screen, text, event, historical):
    assert events(screen(text))[event]["historical"] is historical


@pytest.mark.parametrize(("text", "event", "role"), [
    # "for" opening a duration is no "for my ..." indication cue
    ("on effexor: waking up at night for hours, increase in anxiety, blurred vision",
     "increase in anxiety", "reaction"),
    ("on zoloft for 2 weeks, increased anxiety and nausea", "increased anxiety", "reaction"),
    ("I have been taking it for 2 years for my anxiety and it helps", "anxiety", "indication"),
    ("been on zoloft for the past month for depression", "depression", "indication"),
])
def test_for_a_time_is_no_indication_cue(screen, text, event, role):
    assert events(screen(text))[event]["role"] == role


@pytest.mark.parametrize(("text", "event", "hypothetical"), [
    # the writer's hedge on what they report is no hypothesis
    ("on lexapro, I would say my headaches are worse", "headaches", False),
    ("I guess I can say that there are times I feel dizzy on it", "dizzy", False),
    ("I would say you will probably get headaches on it", "headaches", True),
    ("I would say if you get a rash on it stop", "rash", True),
    ("you can get headaches on it", "headaches", True),
])
def test_a_hedged_report_is_no_hypothesis(screen, text, event, hypothetical):
    assert events(screen(text))[event]["hypothetical"] is hypothetical


@pytest.mark.parametrize(("text", "event", "hypothetical"), [
    # docs/annotation.md: a question counts when the writer has the event
    ("the only thing so far is heartburn and some numbness in my fingers? is that the metformin",
     "numbness in my fingers", False),
    ("Is it normal to be this dizzy on lisinopril?", "dizzy", False),
    ("I'm 3 months in. Has anyone had hair loss on clonazepam?", "hair loss", False),
    ("anybody on eliquis get nosebleeds? my third one this week", "nosebleeds", False),
    # ... and not when it asks whether the event will come, or about others only
    ("is insomnia common with wellbutrin?", "insomnia", True),
    ("would zoloft make my anxiety worse?", "anxiety worse", True),
    ("now im terrified after reading this thread. will it give me diabetes?", "diabetes", True),
    ("Has anyone had hair loss from lexapro?", "hair loss", True),
])
def test_a_question_doubts_only_what_may_come(screen, text, event, hypothetical):
    assert events(screen(text))[event]["hypothetical"] is hypothetical


def test_for_me_is_whom_not_what_for(screen):
    found = events(screen("ozempic 1mg for type 2. side effects for me: hair falling out, and "
                          "tired the day after"))
    assert found["hair falling out"]["role"] == "reaction"


@pytest.mark.parametrize(("text", "event", "hypothetical"), [
    # "does X cause Y?" in a post where the writer tells of themselves: the writer's own Y
    ("Does lisinopril cause a dry cough? I'm on 10mg since May.", "dry cough", False),
    # ... asked alone: general talk
    ("Does lisinopril cause a dry cough?", "dry cough", True),
])
def test_does_it_cause_asks_about_the_writer_who_speaks_of_themselves(screen, text, event,
                                                                    hypothetical):
    assert events(screen(text))[event]["hypothetical"] is hypothetical


@pytest.mark.parametrize(("text", "event", "negated", "hypothetical"), [
    # an event nobody foretold is real
    ("the thing nobody warned me about on wegovy is loose skin on my arms",
     "loose skin on my arms", False, False),
    ("no one told me about the hair loss on ozempic", "hair loss", False, False),
    ("my doctor warned me about hair loss on ozempic", "hair loss", False, True),
    ("not one headache on it", "headache", True, False),
    # "see if it lifts" / "I'll update if it clears": the event is there
    ("going back down to 2.5 mg to see if the low mood lifts", "low mood", False, False),
    ("I'll update if the confusion clears.", "confusion", False, False),
])
def test_unforetold_and_waiting_to_clear_events_are_real(screen, text, event, negated,
                                                         hypothetical):
    found = events(screen(text))[event]
    assert (found["negated"], found["hypothetical"]) == (negated, hypothetical)


@pytest.mark.parametrize(("text", "event", "attribute", "value"), [
    # review of 2.11's rules: what they must not reach
    ("In the past I had 2 kidney stones. Now on topiramate and have tingling.", "kidney stones",
     "historical", True),
    ("I've had constipation in the past, long before I was on oxycodone.", "constipation",
     "historical", True),
    ("I would say you will probably gain weight on it.", "gain weight", "hypothetical", True),
    ("I start zoloft next week. Does it cause weight gain?", "weight gain", "hypothetical",
     True),
    ("I start Accutane on Monday. Has anyone had depression on it?", "depression",
     "hypothetical", True),
    ("I'm scared to start metformin. Anyone had diarrhea from it?", "diarrhea", "hypothetical",
     True),
    ("Does lisinopril make you cough?", "cough", "hypothetical", True),
    # ... and what they should
    ("Has anyone had hair loss on gabapentin? Mine is falling out in clumps.", "hair loss",
     "hypothetical", False),
    ("Anyone know why I get headaches on lexapro?", "headaches", "hypothetical", False),
    ("Could my headaches be from the lexapro?", "headaches", "hypothetical", False),
    ("I never had a panic attack till I started zoloft.", "panic attack", "negated", False),
])
def test_reviewed_reach_of_the_time_question_and_hedge_rules(screen, text, event, attribute,
                                                             value):
    assert events(screen(text))[event][attribute] is value


@pytest.mark.parametrize(("text", "event", "role"), [
    ("I take naltrexone for long covid brain fog and it helps.", "brain fog", "indication"),
    ("Benadryl for nights I cant sleep.", "cant sleep", "indication"),
    ("I never realized how bad my anxiety was until I started lexapro.", "anxiety",
     "indication"),
    ("I never had high blood pressure until I turned 50, now on lisinopril.",
     "high blood pressure", "indication"),
    ("Never had anxiety until I started adderall.", "anxiety", "reaction"),
])
def test_reviewed_reach_of_the_for_and_until_rules(screen, text, event, role):
    assert events(screen(text))[event]["role"] == role
