"""The trained span tagger, its part in the output, and the fixes of pipeline 2.0."""

import numpy as np
import pytest

from intake.nlp import pipeline_version, screen_texts
from intake.nlp.pipeline import annotated_extents
from intake.nlp.tagger import (
    ALLOWED,
    TAGS,
    Tagger,
    _packed,
    _path_spans,
    _unpacked,
    decode_runs,
    split_list,
    train_weights,
)
from intake.nlp.tokens import analyse
from tests.intake.conftest import drugs, events


def test_version_names_the_release_the_learned_data_and_the_tagger():
    version = pipeline_version()["pipeline"]
    assert version.startswith("pv-screen/2.12+psytar-")
    assert "+tagger-" in version
    assert "+sentences-" in version


def test_a_text_gets_the_same_result_whatever_else_is_in_its_batch():
    # given one text alone and the same text between others in one batch
    text = "zoloft gave me headaches"
    alone = next(screen_texts([{"id": 0, "text": text}]))
    crowd = list(screen_texts([{"id": 1, "text": "I felt sick and dizzy all week on it"},
                               {"id": 0, "text": text},
                               {"id": 2, "text": "headaches headaches headaches"}]))
    # then the tagger's windows never reach into the neighbouring texts
    assert crowd[1]["mentions"] == alone["mentions"]


def test_tagged_span_without_dictionary_phrase_is_an_uncoded_reaction(screen):
    result = screen("It took away my emotions and I felt like I was sitting in a chair "
                    "watching the world go by", about_drug=True)
    for m in events(result).values():
        assert m["terminology"]
        if m["code"] is None:
            assert m["pt"] is None and m["soc"] is None


def test_side_effects_are_an_unspecified_reaction_not_an_adr_mention(screen):
    (m,) = [m for m in screen("The side effects were terrible on zoloft")["mentions"]
            if m["kind"] == "event"]
    assert m["unspecified"] is True
    assert m["code"] is None
    assert m["role"] == "reaction"
    (neg,) = [m for m in screen("no side effects at all on zoloft")["mentions"]
              if m["kind"] == "event"]
    assert neg["negated"] is True


def test_sentences_follow_punctuation_and_newlines():
    from intake.nlp.pipeline import load_pipeline

    nlp = load_pipeline()
    text = "Hello!!! World.\n\nnew line here... ok? yes"
    norms, starts, ends, sentences = analyse(nlp.make_doc(text))
    assert [" ".join(norms[a:b]) for a, b in sentences] == [
        "hello ! ! !", "world .", "new line here ...", "ok ?", "yes"]
    assert [text[s:e] for s, e in zip(starts, ends, strict=True)][:2] == ["Hello", "!"]


def _transitions(value: float = 0.0) -> list[list[float]]:
    return np.where(ALLOWED, value, -1e4).tolist()


def decode(runs: list[np.ndarray], trans: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Runs (each positions x tags) decoded together: per run, (tag ids, P(ADR))."""
    lengths = np.array([len(r) for r in runs])
    order, going, cols = _packed(np.cumsum([0, *lengths[:-1]]), lengths)
    paths, p = decode_runs(np.concatenate(runs)[cols], going, trans)
    paths, p = _unpacked(paths, going), _unpacked(p, going)
    row_of = {run: row for row, run in enumerate(order.tolist())}
    return [(paths[row_of[i], :n], p[row_of[i], :n]) for i, n in enumerate(lengths.tolist())]


def viterbi(rows: list[list[float]], trans: list[list[float]]) -> list[tuple[int, int, str]]:
    """The best path's spans for one run of emission scores."""
    ((paths, _),) = decode([np.asarray(rows, dtype=np.float64)], np.asarray(trans, dtype=float))
    return [(a, b, label) for _, a, b, label in _path_spans(paths[None],
                                                            np.ones((1, len(rows)), bool))]


def test_viterbi_never_starts_a_span_with_inside():
    low, high = -9.0, -0.01
    # O, B-ADR, I-ADR, B-WD, I-WD, B-IND, I-IND: I-ADR is likeliest on its own everywhere
    rows = [[-2.0, -1.5, high, low, low, low, low]] * 3
    assert viterbi(rows, _transitions()) == [(0, 3, "ADR")]
    assert viterbi([[high, low, -0.5, low, low, low, low]], _transitions()) == []


def test_viterbi_transitions_carry_a_span_over_a_weak_token():
    # given "pain in left arm" where "in" on its own leans to O
    rows = [[-3.0, 0.0, -3.0, -9, -9, -9, -9],
            [0.0, -3.0, -3.5, -9, -9, -9, -9],
            [-3.0, -3.0, 0.0, -9, -9, -9, -9],
            [-3.0, -3.0, 0.0, -9, -9, -9, -9]]
    trans = _transitions()
    # then without transition scores the span breaks at "in"
    assert viterbi(rows, trans) == [(0, 1, "ADR"), (2, 4, "ADR")]
    # and a learned B-ADR/I-ADR -> I-ADR preference keeps it whole
    trans[1][2] = trans[2][2] = 1.0
    assert viterbi(rows, trans) == [(0, 4, "ADR")]


def test_spans_are_cut_at_list_separators():
    norms = ["sweating", ",", "decreased", "appetite", "and", "rash", "."]
    assert split_list(norms, 0, 6) == [(0, 1), (2, 4), (5, 6)]
    assert split_list(norms, 2, 4) == [(2, 4)]
    assert split_list(norms, 1, 2) == []


def test_extents_grow_a_forced_span_where_the_crf_reads_adr():
    # given a batch whose emissions favour ADR on columns 2-4 (and O elsewhere)
    tagger = Tagger(["<unk>", "<pad>"], ["<unk>"], np.zeros((1, len(TAGS))), frozenset(),
                    frozenset(), {})
    emissions = np.zeros((8, len(TAGS)), dtype=np.float32)
    emissions[:, 0] = 2.0
    emissions[2, 1] = emissions[3, 2] = emissions[4, 2] = 4.0
    tagger.last_emissions = emissions
    # when column 3 alone is the dictionary event, in windows of different reach
    got = tagger.extents([(0, 3, 4, 8), (3, 3, 4, 8), (0, 6, 7, 8)])
    # then the span takes in the ADR-looking neighbours, never leaves its window, and an
    # event with nothing ADR-like around it stays as it is
    assert got == [(2, 5), (3, 5), (6, 7)]


def test_events_take_in_the_words_patients_annotate_with_them():
    # given events with "more" / "initial" before them, and "felt" and a time phrase, which
    # docs/annotation.md leaves out (2.7; PsyTAR annotates them)
    norms = ["i", "felt", "dizzy", "and", "tired", "all", "the", "time", ".", "more",
             "zoloft", "more", "rash", "at"]
    sentences = [(0, 9), (9, 14)]
    events = [(2, 3, "k", False, "ADR"), (4, 5, "k", False, "ADR"), (12, 13, "k", False, None)]
    taken = {2, 4, 10, 12}  # the events and a drug
    # when their extents are widened
    got = [e[:2] for e in annotated_extents(norms, sentences, events, taken)]
    # then only "more rash"; a word of another sentence is left out
    assert got == [(2, 3), (4, 5), (11, 13)]
    assert annotated_extents(["more", "rash"], [(0, 1), (1, 2)],
                             [(1, 2, "k", False, None)], {1}) == [(1, 2, "k", False, None)]
    assert annotated_extents(["more", "rash"], [(0, 2)], [(1, 2, "k", False, None)],
                             {0, 1}) == [(1, 2, "k", False, None)]  # "more" is another mention


def test_trimmed_mentions_keep_their_context(screen):
    result = screen("On zoloft I never felt dizzy, but I feel tired during the day.")
    found = {m["text"]: m for m in result["mentions"] if m["kind"] == "event"}
    assert found["tired"]["role"] == "reaction"
    assert not found["tired"]["negated"]
    assert found["dizzy"]["negated"]


def test_list_items_are_not_read_as_an_inverted_catalogue_name(screen):
    # HPO's "Sweating, decreased" must not swallow "sweating , decreased appetite"
    found = events(screen("On zoloft I had sweating , decreased appetite and nausea."))
    assert {"sweating", "decreased appetite"} <= set(found)


def test_training_is_deterministic_and_learns_a_toy_pattern():
    english = frozenset({"i", "have", "a", "and", "the"})
    texts = [(["i", "have", "a", "headache"], [0, 0, 0, 1]),
             (["the", "headache", "and", "i"], [0, 1, 0, 0])] * 20
    gold = [[0, 0, 0, 1], [0, 1, 0, 0]] * 20
    vocab = ["<unk>", "<pad>", "a", "and", "have", "headache", "i", "the"]
    tagger = Tagger(vocab, ["<unk>"], np.zeros((1, len(TAGS))), english,
                    frozenset({"headache"}), {})
    w1, t1 = train_weights(tagger, texts, gold, epochs=3)
    w2, t2 = train_weights(tagger, texts, gold, epochs=3)
    assert np.array_equal(w1, w2) and np.array_equal(t1, t2)
    tagger = Tagger(vocab, ["<unk>"], w1, english, frozenset({"headache"}), {}, t1)
    (spans, _), = tagger.tag([(["i", "have", "a", "headache"], [0, 0, 0, 1])])
    assert [(a, b, label) for a, b, label, _ in spans] == [(3, 4, "ADR")]


@pytest.mark.parametrize(("text", "surface", "term"), [
    ("xanex makes me so sleepy", "xanex", "Alprazolam"),
    ("ambian gives me weird memory gaps", "ambian", "Zolpidem"),
    ("Synthroid makes my heart race", "Synthroid", "Levothyroxine"),
    ("Percocet after my wisdom teeth", "Percocet", "Acetaminophen/oxycodone"),
    ("Augmentin gave me diarrhea", "Augmentin", "Amoxicillin and Clavulanic Acid"),
    ("sore arm after the shingles vaccine", "shingles vaccine",
     "Recombinant Zoster (Shingles) Vaccine (RZV)"),
    ("Yaz gave me migraines", "Yaz", "Ethinylestradiol/drospirenone"),
])
def test_known_drug_misses_are_found(screen, text, surface, term):
    mention = drugs(screen(text))[surface.lower()]
    assert mention["term"] == term
    assert mention["text"] == surface


def test_combination_brand_lists_both_ingredients(screen):
    mention = drugs(screen("Percocet after my wisdom teeth"))["percocet"]
    assert mention["drug_kind"] == "combination"
    assert sorted(i["term"] for i in mention["ingredients"]) == ["Acetaminophen", "Oxycodone"]


@pytest.mark.parametrize("text", ["went to a concert and had a blast",
                                  "Plavix after my stent", "the rental car broke down"])
def test_ordinary_words_near_drug_names_stay_words(screen, text):
    assert set(drugs(screen(text))) <= {"plavix"}


@pytest.mark.parametrize(("text", "event", "expected"), [
    ("hoping the nausea goes away soon on metformin", "nausea", {}),
    ("my mom said I should stop zoloft because of the weight gain", "weight gain", {}),
    ("my husband says I'm more irritable on prozac", "irritable", {}),
    ("nausea? no, none at all on prozac", "nausea", {"negated": True}),
    ("hoping I never get nausea on metformin", "nausea", {"negated": True,
                                                          "hypothetical": True}),
])
def test_known_context_misses(screen, text, event, expected):
    (m,) = [m for k, m in events(screen(text)).items() if event in k]
    want = {"negated": False, "hypothetical": False, "family": False, **expected}
    assert {k: m[k] for k in want} == want


def test_run_on_text_pairs_each_reaction_with_its_nearest_drugs_only(screen):
    # given a long text without any sentence punctuation
    text = "lexapro gave me headaches and zoloft " * 400
    result = screen(text)
    # then each reaction is paired with three drugs at most, the nearest ones
    per_event: dict[int, list[int]] = {}
    for d, e in result["pairs"]:
        per_event.setdefault(e, []).append(d)
    assert per_event
    assert max(map(len, per_event.values())) <= 3
    assert all(min(abs(d - e) for d in ds) <= 2 for e, ds in per_event.items())


@pytest.mark.parametrize(("text", "pt"), [("lost 8 lbs on ozempic", "Weight loss"),
                                          ("gained 35 pounds on seroquel",
                                           "Increased body weight")])
def test_weight_phrases_match_any_number(screen, text, pt):
    assert pt in {m["pt"] for m in events(screen(text)).values()}


def test_withdrawal_symptoms_are_reactions_flagged_withdrawal(screen):
    text = "Effexor withdrawal is no joke, dizzy and nauseous every time I miss a dose."
    for m in events(screen(text)).values():
        assert m["role"] == "reaction"
        assert m["withdrawal"] is True


def test_decoding_matches_brute_force_over_every_path():
    import itertools

    rng = np.random.default_rng(7)
    trans = np.where(ALLOWED, rng.normal(0, 1, (7, 7)), -1e4)
    emit = rng.normal(0, 2, (3, 7))
    # every tag path, entered from O and left to O, scored as the CRF scores it
    scores = {}
    for path in itertools.product(range(7), repeat=3):
        prev, total = 0, 0.0
        for t, tag in enumerate(path):
            total += trans[prev, tag] + emit[t, tag]
            prev = tag
        scores[path] = total + trans[prev, 0]
    best = max(scores, key=scores.get)
    top = max(scores.values())
    z = sum(np.exp(s - top) for s in scores.values())
    p_adr = [sum(np.exp(s - top) for p, s in scores.items() if p[t] in (1, 2)) / z
             for t in range(3)]
    ((paths, p),) = decode([emit], trans)
    assert tuple(paths) == best
    assert np.allclose(p, p_adr)


def test_runs_of_different_lengths_decode_as_if_alone():
    rng = np.random.default_rng(3)
    trans = np.where(ALLOWED, rng.normal(0, 1, (7, 7)), -1e4)
    runs = [rng.normal(0, 2, (n, 7)) for n in (1, 4, 2)]
    together = decode(runs, trans)
    for r, (paths, p) in zip(runs, together, strict=True):
        ((alone_paths, alone_p),) = decode([r], trans)
        assert list(paths) == list(alone_paths)
        assert np.allclose(p, alone_p)


@pytest.mark.parametrize(("text", "event"), [
    ("Amoxicillin - broke out in hives.", "hives"),
    ("Day 5 on Chantix and the dreams are insane, so vivid.", "dreams"),
    ("Ended up in the ER with chest pain two days after starting the new inhaler.",
     "chest pain"),
])
def test_events_the_models_doubt_stay_reactions_when_the_text_says_so(screen, text, event):
    # a drug named in the sentence, or a hospital visit, ties the event to the report
    (m,) = [m for k, m in events(screen(text)).items() if event in k]
    assert m["role"] == "reaction"


def test_or_cuts_a_span_only_between_two_dictionary_events():
    from intake.nlp.tagger.features import LEX_EVENT_B, LEX_NONE

    # "vomiting or diarrhea": two events; "highs or lows", "eating or drinking": one
    norms = ["vomiting", "or", "diarrhea"]
    lex = [LEX_EVENT_B, LEX_NONE, LEX_EVENT_B]
    assert split_list(norms, 0, 3, lex) == [(0, 1), (2, 3)]
    assert split_list(norms, 0, 3) == [(0, 3)]  # without the verdicts: one span
    assert split_list(["not", "eating", "or", "drinking"], 0, 4, [LEX_NONE] * 4) == [(0, 4)]


def test_a_tagged_span_never_runs_over_a_sentence_end():
    from intake.nlp.pipeline.components import _within_sentences

    # a post read as one sequence: a span over a line break is cut where the next line starts
    p_adr = [0.0, 0.9, 0.8, 0.1, 0.7]
    assert _within_sentences([(1, 5, "ADR", 0.6)], [0, 3], p_adr) == [
        (1, 3, "ADR", (0.9 + 0.8) / 2), (3, 5, "ADR", (0.1 + 0.7) / 2)]
    assert _within_sentences([(1, 3, "ADR", 0.85)], [0, 3], p_adr) == [(1, 3, "ADR", 0.85)]


def test_a_list_on_separate_lines_gives_one_event_per_line(screen):
    text = "atorvastatin 80mg.\n- tendons in my heels ache\n- tired all the time\n"
    events = [m["text"] for m in screen(text)["mentions"] if m["kind"] == "event"]
    assert "\n" not in "".join(events) and "tired" in events
