"""Seriousness, minimum criteria, candidate flag and priority."""

from intake.nlp.assess import seriousness


def test_seriousness_cues_and_negation():
    assert seriousness("I had a seizure and ended up in the hospital") == [
        "hospitalisation", "other_medically_important"]
    assert seriousness("thankfully I didn't have to go to the hospital") == []
    assert seriousness("felt dead inside") == []
    assert "death" in seriousness("my brother died after the overdose")


def test_serious_candidate_outranks_plain_candidate(screen):
    serious = screen("zoloft gave me a seizure and I was hospitalized")
    plain = screen("zoloft gave me headaches")
    assert serious["candidate"]
    assert plain["candidate"]
    assert serious["serious"]
    assert not plain["serious"]
    assert serious["priority"] > plain["priority"]


def test_four_criteria_from_profile_and_text(screen):
    r = screen("zoloft gave me headaches", profile={"age": 34, "sex": "F"}, reporter_known=True)
    assert r["criteria"] == {"patient": True, "reporter": True, "product": True, "event": True}
    r = screen("I'm a 34 year old woman and zoloft gave me headaches", reporter_known=False)
    assert r["criteria"]["patient"] is True
    assert r["criteria"]["reporter"] is False
    r = screen("zoloft gave me headaches")
    assert r["criteria"]["patient"] is False


def test_no_candidate_without_drug_or_reaction(screen):
    assert screen("my headaches are awful this week")["candidate"] is False
    assert screen("no nausea on zoloft")["candidate"] is False
    assert screen("my sister gets headaches on zoloft")["candidate"] is False


def test_odd_inputs_are_handled(screen):
    assert screen("")["mentions"] == []
    html = screen("<p>Zoloft gave me <b>headaches</b> &amp; more</p>")
    assert {m["text"] for m in html["mentions"]} == {"Zoloft", "headaches"}
    assert screen("🙂🙂 zoloft 😭 headaches 😭")["candidate"] is True
    assert screen("Ich habe Kopfschmerzen und Übelkeit")["candidate"] is False
    long = screen("zoloft gave me headaches. " * 4000)  # 100,000 characters
    assert long["candidate"] is True
    assert len(long["mentions"]) == 8000
    assert screen("x")["pipeline_version"].startswith("pv-screen/")


def test_seriousness_word_boundaries_and_quick_exit():
    # "odd" and "admittedly" are not overdose / hospital admission
    assert seriousness("zoloft made me feel odd") == []
    assert seriousness("admittedly it was fine") == []
    assert seriousness("I OD'd on my pills") == ["life_threatening"]
    assert seriousness("ended up in hospitals twice") == ["hospitalisation"]
    # the token prefilter gives the same answer as the full scan
    for text in ("went to the A&E", "self-harm again", "bed-ridden for weeks", "nothing here"):
        words = text.lower().replace("-", " ").split()
        assert seriousness(text, words) == seriousness(text)


def test_patient_from_text_agrees_with_the_readable_patterns():
    # given: texts around every alternative of the age and sex patterns, and near misses
    import itertools
    import re

    from intake.nlp.assess import _AGE_RE, _SEX_RE, patient_from_text

    age = re.compile(_AGE_RE.pattern.replace("[mfMF]", "[mf]"))  # on lower-cased text
    sex = re.compile(_SEX_RE.pattern)

    atoms = ["I", "i'm", "im", "i’m", "am", "as", "a", "has", "34", "7", "345", "(", "[", ")",
             "]", "m", "F", "yo", "y/o", "y.o.", "yrs", "years", "year-old", "old", "mg",
             "weeks", "%", "woman", "Mom", "dude", "x", "_", "é", "٣"]
    texts = [" ".join(c) for c in itertools.product(atoms, repeat=3)]
    texts += ["".join(c) for c in itertools.product(atoms, repeat=3)]
    texts += ["I'm 34", "34yo", "(34F)", "x(34 f]", "34m", "I am a 34 year old woman",
              "as a mom", "has a mom", "I am 34 mg", "i’m  a\n25 yo guy"]
    for text in texts:
        # when / then
        expected = bool(age.search(text.lower()) or sex.search(text.lower()))
        assert patient_from_text(text) == expected, text


def test_seriousness_fast_regex_finds_what_the_readable_one_finds():
    # given: every alternative's words, joined with and without spaces, plus near misses
    import itertools

    from intake.nlp.assess import _ANY_SERIOUS, _ANY_SERIOUS_FAST

    atoms = ["died", "is dead", "was dead inside", "passed away", "killed her", "life-threatening",
             "could have died", "od'd", "oded", "icu", "intensive care", "anaphylaxis",
             "heart stopped", "heart attack", "attempted suicide", "suicidal", "birth defects",
             "cleft palate", "permanently blind", "bed-ridden", "paralysed", "can't work anymore",
             "lost my vision", "hospitalised", "in the hospital", "to er", "the er", "a&e",
             "ambulances", "psych ward", "seizures", "stevens johnson", "self-harming",
             "passed out", "manic episode", "x", "-", "é", "_", "1", "admittedly", "odd"]
    texts = [" ".join(c) for c in itertools.product(atoms, repeat=2)]
    texts += ["".join(c) for c in itertools.product(atoms, repeat=2)]
    for text in texts:
        # when / then
        expected = [(m.start(), m.group()) for m in _ANY_SERIOUS.finditer(text)]
        assert [(m.start(), m.group()) for m in _ANY_SERIOUS_FAST.finditer(text)] == expected, text
