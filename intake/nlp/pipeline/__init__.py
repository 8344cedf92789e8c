"""The screening pipeline: spaCy blank English tokenizer + pv components.

    from intake.nlp import screen_texts
    for result in screen_texts([{"id": 1, "text": "started lexapro and cant sleep"}]): ...

Loaded once per process (`load_pipeline()`); nothing is downloaded. Components, run batch-wise:
`pv_mentions` (token path with sentence splitting, drug and dictionary event matching) ->
`pv_tagger` (trained ADR / withdrawal / indication span tagger, `intake.nlp.tagger`) ->
`pv_context` (negation, hypothetical, historical, family, withdrawal, role); the sentence-level
ADR classifier (`intake.nlp.sentences`) is scored with the tagger batch. `screen_texts` then
pairs drugs with reactions and scores seriousness, the four minimum criteria, the candidate
flag, the priority and the post's `adr_score` / `adr` (informational: not used for
`candidate`). Figures and design: docs/screening.md.

Modules, imports running downward: `models` (learned data, matcher, tagger, sentence
classifier, `pipeline_version`) -> `extents` -> `scope` (drugs in scope of a text) ->
`components` (the pv components, `load_pipeline`) -> `mentions` (mention assembly) -> `adr`
(the post's ADR score) -> `screen` (the screen loop) -> `folds` (`trained_on`).
"""

from __future__ import annotations

from intake.nlp.pipeline.adr import (
    adr_score,
    adr_scores,
    adr_threshold,
    evidence_sentences,
    sentence_units,
)
from intake.nlp.pipeline.components import (
    EXTENT_REACH,
    IN_SCOPE_MIN_P_ADR,
    LEXICON_MIN_P_ADR,
    ContextComponent,
    MentionsComponent,
    TaggerComponent,
    lex_tags,
    load_pipeline,
)
from intake.nlp.pipeline.components import _doubted as _doubted
from intake.nlp.pipeline.extents import (
    SPAN_LEFT_WORDS,
    SPAN_RIGHT_PHRASES,
    annotated_extents,
    sentence_around,
)
from intake.nlp.pipeline.folds import _clear_models as _clear_models
from intake.nlp.pipeline.folds import trained_on
from intake.nlp.pipeline.models import (
    LEARNED,
    PIPELINE_NAME,
    PIPELINE_RELEASE,
    SENTENCES,
    TAGGER,
    event_words,
    load_learned,
    pipeline_version,
)
from intake.nlp.pipeline.models import _matcher as _matcher
from intake.nlp.pipeline.models import _sentence_model as _sentence_model
from intake.nlp.pipeline.models import _tagger as _tagger
from intake.nlp.pipeline.scope import about_codes, drug_scope, treated_flags
from intake.nlp.pipeline.screen import _clean as _clean
from intake.nlp.pipeline.screen import screen_docs, screen_texts

# The private names above (`name as name`) are re-exported too: `intake.nlp.train` and the tests
# use them. The caches and globals live in one submodule each (no copies): patch a name in the
# submodule that looks it up.
__all__ = [
    "EXTENT_REACH",
    "IN_SCOPE_MIN_P_ADR",
    "LEARNED",
    "LEXICON_MIN_P_ADR",
    "PIPELINE_NAME",
    "PIPELINE_RELEASE",
    "SENTENCES",
    "SPAN_LEFT_WORDS",
    "SPAN_RIGHT_PHRASES",
    "TAGGER",
    "ContextComponent",
    "MentionsComponent",
    "TaggerComponent",
    "about_codes",
    "adr_score",
    "adr_scores",
    "adr_threshold",
    "annotated_extents",
    "drug_scope",
    "event_words",
    "evidence_sentences",
    "lex_tags",
    "load_learned",
    "load_pipeline",
    "pipeline_version",
    "screen_docs",
    "screen_texts",
    "sentence_around",
    "sentence_units",
    "trained_on",
    "treated_flags",
]
