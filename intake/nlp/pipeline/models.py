"""Loading the learned data, the dictionary matcher, the tagger and the sentence classifier
(each once per process), and the version stored with every result."""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

from coding.nlp.dictionaries import common_words, default_drugs, default_events, english_words
from intake.nlp.matchers import Matcher
from intake.nlp.sentences import SentenceModel
from intake.nlp.sentences import load as load_sentence_model
from intake.nlp.tagger import Tagger
from intake.nlp.tagger import load as load_tagger

PIPELINE_NAME = "pv-screen"
PIPELINE_RELEASE = "2.12"
LEARNED = Path(__file__).parent.parent / "data" / "learned.json.gz"
TAGGER = Path(__file__).parent.parent / "data" / "tagger.npz"
SENTENCES = Path(__file__).parent.parent / "data" / "sentences.npz"


# Learned data and tagger that replace the shipped ones inside `trained_on` (cross-validation).
_overrides: dict = {}


def load_learned(path: Path = LEARNED) -> dict:
    """Phrases, blocked phrases and role priors learned from the PsyTAR train split."""
    if "learned" in _overrides:
        return _overrides["learned"]
    if not path.exists():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@functools.cache
def _matcher() -> Matcher:
    return Matcher(default_drugs(), default_events(), english_words(), load_learned(),
                   common_words())


def event_words(matcher: Matcher) -> frozenset[str]:
    return frozenset(w for key in matcher.event_table for w in key.split(" "))


@functools.cache
def _sentence_model() -> SentenceModel | None:
    return load_sentence_model(_overrides.get("sentences", SENTENCES))


@functools.cache
def _tagger() -> Tagger | None:
    matcher = _matcher()
    return load_tagger(_overrides.get("tagger", TAGGER), matcher.english, event_words(matcher))


@functools.cache
def pipeline_version() -> dict:
    """What produced a result: store it with every screening so old results can be re-run."""
    drugs, events = default_drugs(), default_events()
    learned = load_learned().get("meta", {})
    tagger = _tagger()
    tagger_id = tagger.meta.get("id", "tagger") if tagger else "no-tagger"
    model = _sentence_model()
    sentence_id = model.meta.get("id", "sentences") if model else "no-sentences"
    return {"pipeline": f"{PIPELINE_NAME}/{PIPELINE_RELEASE}+{learned.get('id', 'untrained')}"
                        f"+{tagger_id}+{sentence_id}",
            "drugs": drugs.terminology, "events": events.terminology}
