"""The pure priority core: hand-computed scores, vigiGrade completeness, the DME list."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from signals.stats.priority import (
    COMPONENTS,
    DESIGNATED_EVENTS,
    KNOWN_FACTOR,
    WEIGHTS,
    completeness,
    designated_event_index,
    disproportionality,
    name_key,
    priority,
    priority_table,
)


def test_weights_sum_to_ten_so_a_full_source_scores_zero_to_ten():
    assert sum(WEIGHTS.values()) == 10.0
    assert set(COMPONENTS) == set(WEIGHTS)


@pytest.mark.parametrize(
    ("lower", "expected"),
    [(1.0, 0.0), (2.0, 1 / 3), (4.0, 2 / 3), (8.0, 1.0), (64.0, 1.0), (0.5, 0.0),
     (float("nan"), 0.0), (float("inf"), 1.0), (0.0, 0.0)],
)  # fmt: skip
def test_disproportionality_is_log2_of_the_lower_bound_over_three(lower, expected):
    assert disproportionality([lower])[0] == pytest.approx(expected, abs=1e-12)


def test_hand_computed_scores_for_a_case_source():
    # given: two pairs with every component available
    pairs = pd.DataFrame(
        {
            "n": [4, 10],
            "lower": [4.0, 1.0],  # d = 2/3 and 0
            "designated": [True, False],
            "n_serious": [2, 10],  # 0.5, 1
            "n_recent": [1, 0],  # 0.25, 0
            "n_complete": [4, 5],  # 1, 0.5
            "n_dechallenge": [0, 2],  # 0, 0.2
            "countries": [3, 1],  # 1, 0
        }
    )
    # when
    out = priority_table(pairs)
    # then: 10 * sum(w x) / 10
    first = 3 * (2 / 3) + 2 * 1 + 1.5 * 0.5 + 1 * 0.25 + 1 * 1 + 1 * 0 + 0.5 * 1  # 6.5
    second = 0 + 0 + 1.5 * 1 + 0 + 1 * 0.5 + 1 * 0.2 + 0  # 2.2
    assert out["priority_base"].tolist() == pytest.approx([first, second], abs=1e-12)
    assert first == pytest.approx(6.5) and second == pytest.approx(2.2)
    assert out.loc[0, "seriousness"] == 0.5 and out.loc[1, "dechallenge"] == pytest.approx(0.2)


def test_missing_components_leave_the_denominator():
    # given: FAERS-like pairs: no seriousness, completeness, dechallenge or country
    pairs = pd.DataFrame(
        {"n": [5], "lower": [8.0], "designated": [False], "n_recent": [5]}
    )
    # when
    out = priority_table(pairs)
    # then: 10 * (3 * 1 + 2 * 0 + 1 * 1) / (3 + 2 + 1)
    assert out["priority_base"].iat[0] == pytest.approx(10 * 4 / 6)
    for name in ("seriousness", "completeness", "dechallenge", "spread"):
        assert math.isnan(out[name].iat[0])


def test_known_pairs_are_halved_not_hidden():
    assert priority(6.5, known=True) == pytest.approx(6.5 * KNOWN_FACTOR) == 3.25
    assert priority(6.5, known=False) == 6.5
    assert priority(None, known=True) is None


def test_vigigrade_completeness_multiplies_the_penalties_of_what_is_missing():
    everything = dict.fromkeys(
        ("time_to_onset", "indication", "outcome", "sex", "age", "dose", "country",
         "reporter", "report_type", "free_text"), True)  # fmt: skip
    assert completeness(everything) == 1.0
    assert completeness({**everything, "time_to_onset": False}) == 0.5
    assert completeness({**everything, "dose": False, "free_text": False}) == pytest.approx(0.81)
    assert completeness({}) == pytest.approx(0.5 * 0.7**4 * 0.9**5)
    with pytest.raises(ValueError, match="narrative"):
        completeness({"narrative": True})


def test_designated_event_codes_exist_in_the_open_terminology_under_their_concept():
    # given: pv's open event terminology, through coding's loader
    from coding.nlp.dictionaries import default_events  # noqa: PLC0415

    names = default_events().names
    # then: every code the list names is a real concept of that terminology
    for concept, codes, meddra_names in DESIGNATED_EVENTS:
        assert meddra_names, concept
        for code in codes:
            assert code in names, (concept, code)
    index = designated_event_index(names)
    # and open names and MedDRA-style PT names both find their concept
    assert index[name_key("Aplastic anemia")] == "Aplastic anaemia"  # open (HPO) spelling
    assert index[name_key("Aplastic anaemia")] == "Aplastic anaemia"  # MedDRA spelling
    assert index[name_key("STEVENS-JOHNSON SYNDROME")].startswith("Stevens-Johnson")
    assert index[name_key("Anaphylactic shock")] == "Anaphylaxis"
    assert name_key("Nausea") not in index


def test_name_key_is_the_rsi_term_key():
    from pv.models.rsi import term_key  # noqa: PLC0415

    for text in ("Stevens-Johnson  syndrome", "QT (prolonged)", "Hépatite", "a/b"):
        assert name_key(text) == term_key(text)


def test_vectorised_over_many_rows():
    rng = np.random.default_rng(3)
    n = rng.integers(1, 50, 1000)
    pairs = pd.DataFrame({"n": n, "lower": rng.uniform(0.1, 20, 1000),
                          "designated": rng.random(1000) < 0.1,
                          "n_recent": rng.integers(0, 1, 1000) * n})  # fmt: skip
    out = priority_table(pairs)
    assert out["priority_base"].between(0, 10).all()
