"""The sentence-level ADR classifier (intake.nlp.sentences) and its part in the output."""

import numpy as np
import pytest

from intake.nlp import screen_texts
from intake.nlp.pipeline import _sentence_model, adr_scores, adr_threshold
from intake.nlp.sentences import (
    BUCKETS,
    N_FEATURES,
    SentenceModel,
    train_weights,
    unit_features,
)
from intake.nlp.train import screened_units

TEXTS = [
    "zoloft gave me headaches",
    "Lexapro made me gain 20 lbs. I also could not sleep at all!\nBut it helped my anxiety.",
    "It works great, no side effects at all.",
    "",
    "?!",
    "My sister took prozac and had nausea. I never did.",
    "I need my brain back! Effexor withdrawal was awful",
    "headaches headaches headaches on zoloft and zoloft again",
]


def test_every_result_has_an_adr_score_and_verdict(screen):
    result = screen("zoloft gave me terrible headaches")
    assert 0.0 <= result["adr_score"] <= 1.0
    assert result["adr"] is (result["adr_score"] >= adr_threshold())
    empty = screen("")
    assert empty["adr_score"] == 0.0 and empty["adr"] is False


def test_fast_path_equals_the_reference_features():
    # given texts screened in one batch (the fast path: cumulative sums over the tagger batch)
    fast = [r["adr_score"] for r in screen_texts(
        {"id": i, "text": t, "about_drug": True} for i, t in enumerate(TEXTS))]
    # then the reference path (one feature list per sentence) gives the same scores
    slow = adr_scores(screened_units(TEXTS))
    assert fast == pytest.approx(slow, abs=1e-3)


def test_reference_scores_are_the_sum_of_the_unit_features():
    model = _sentence_model()
    assert model is not None
    weights = np.zeros(N_FEATURES)
    weights[:BUCKETS] = model.hashed
    norms = ["<drug>", "gave", "me", "headaches"]
    (score,) = model.scores([(norms, [(0, 4)], [True], [0.35])])[0:1]
    z = weights[unit_features(norms, True, 0.35)[:-6]].sum()  # hashed part only
    z += model.bias + model.mention[1] + model.p_table[3]
    assert score[0] == pytest.approx(1 / (1 + np.exp(-z)), abs=1e-6)


def test_training_is_deterministic_and_learns_a_separable_toy_set():
    units = [unit_features(t.split(), m, p) for t, m, p in [
        ("it gave me headaches", True, 0.9), ("it works well", False, 0.0),
        ("i could not sleep", True, 0.7), ("my dose is 20 mg", False, 0.1)] * 5]
    labels = [1, 0, 1, 0] * 5
    a = train_weights(units, labels, epochs=3, lr=0.2, l2=1e-6, seed=13)
    b = train_weights(units, labels, epochs=3, lr=0.2, l2=1e-6, seed=13)
    assert np.array_equal(a, b)
    model = SentenceModel(a, 0.5, {})
    probs = [s[0] for s in model.scores([(t.split(), [(0, len(t.split()))], [m], [p])
                                          for t, m, p in [("it gave me headaches", True, 0.9),
                                                          ("it works well", False, 0.0)]])]
    assert probs[0] > 0.5 > probs[1]


def test_a_score_does_not_depend_on_the_rest_of_the_batch():
    alone = [next(screen_texts([{"id": i, "text": t}]))["adr_score"] for i, t in enumerate(TEXTS)]
    batch = [r["adr_score"] for r in screen_texts({"id": i, "text": t}
                                                  for i, t in enumerate(TEXTS))]
    assert batch == alone
