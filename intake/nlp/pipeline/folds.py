"""Screening with other learned data and models inside a block (a fold of a cross-validation);
the cached models of every submodule are dropped on the way in and out."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from intake.nlp.pipeline.components import load_pipeline
from intake.nlp.pipeline.mentions import (
    _drug_fields,
    _drug_templates,
    _event_fields,
    _event_templates,
)
from intake.nlp.pipeline.models import (
    _matcher,
    _overrides,
    _sentence_model,
    _tagger,
    pipeline_version,
)
from intake.nlp.pipeline.screen import _text_analyser


def _clear_models() -> None:
    for cached in (_matcher, _tagger, _sentence_model, load_pipeline, pipeline_version,
                   _drug_fields, _event_fields, _text_analyser):
        cached.cache_clear()
    _drug_templates.clear()
    _event_templates.clear()


@contextlib.contextmanager
def trained_on(*, learned: dict, tagger: Path, sentences: Path | None = None) -> Iterator[None]:
    """Screen with other learned data and tagger weights (and sentence classifier, if given)
    inside the block (a fold of a cross-validation): the cached models are dropped on the way
    in and out."""
    _overrides.update(learned=learned, tagger=tagger)
    if sentences is not None:
        _overrides["sentences"] = sentences
    _clear_models()
    try:
        yield
    finally:
        _overrides.clear()
        _clear_models()
