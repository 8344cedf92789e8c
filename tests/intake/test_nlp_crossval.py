"""Cross-validation plumbing: folds and the swap of learned data / tagger (no training here)."""

from intake.nlp import pipeline
from intake.nlp.crossval import folds


def test_folds_are_contiguous_and_cover_every_sentence_once():
    sentences = [{"i": i} for i in range(23)]
    parts = folds(sentences, 5)
    assert [len(p) for p in parts] == [4, 5, 4, 5, 5]
    assert [s for p in parts for s in p] == sentences


def test_trained_on_swaps_the_models_for_the_block_only():
    # given the shipped pipeline
    shipped = pipeline.pipeline_version()["pipeline"]
    assert "+psytar-" in shipped
    # when it runs with empty learned data and no tagger (a path that does not exist)
    with pipeline.trained_on(learned={}, tagger=pipeline.TAGGER.with_name("absent.npz")):
        inside = pipeline.pipeline_version()["pipeline"]
        assert pipeline._tagger() is None
    # then only the block saw them
    assert "+untrained+no-tagger+" in inside
    assert pipeline.pipeline_version()["pipeline"] == shipped
    assert pipeline._tagger() is not None
