"""The post's sentence-level ADR score (`adr_score` / `adr`, informational) and the input of
the sentence classifier."""

from __future__ import annotations

from intake.nlp.assess import is_own_reaction
from intake.nlp.pipeline.models import _sentence_model
from intake.nlp.pipeline.scope import _sentences_of
from intake.nlp.sentences import DRUG_WORD


def evidence_sentences(pv: dict) -> set[int]:
    """Sentences holding ADR evidence: an event the pipeline reports as the patient's own
    reaction (not negated, hypothetical, historical, someone else's or a withdrawal symptom;
    "side effects" included) that the tagger did not label a withdrawal span."""
    found = _sentences_of(pv["sentence_starts"], [
        event for event, ctx in zip(pv["events"], pv["context"], strict=True)
        if event[4] != "WD" and not ctx["withdrawal"] and is_own_reaction(ctx)])
    found.discard(-1)
    return found


def sentence_units(doc) -> tuple:
    """(norms, sentences, mention evidence per sentence, highest tagger P(ADR) per sentence):
    the input of the sentence classifier for one text."""
    pv = doc.user_data["pv"]
    sentences = pv["sentences"]
    evidence = evidence_sentences(pv)
    flags = [s in evidence for s in range(len(sentences))]
    p_adr = pv.get("p_adr")
    p_max = [max(p_adr[a:b]) for a, b in sentences] if p_adr else [0.0] * len(sentences)
    norms = pv["norms"]
    if pv["drugs"]:  # a drug's name says nothing about the sentence: one placeholder for all
        norms = list(norms)
        for a, b, *_ in pv["drugs"]:
            norms[a:b] = [DRUG_WORD] * (b - a)
    return norms, sentences, flags, p_max


def adr_scores(units: list[tuple]) -> list[float]:
    """Reference path (training): per text, its highest sentence-level ADR probability
    (without a trained sentence model: 1.0 when some sentence holds ADR evidence, else 0.0)."""
    model = _sentence_model()
    if model is None:
        return [1.0 if any(flags) else 0.0 for _, _, flags, _ in units]
    return [max(s, default=0.0) for s in model.scores(units)]


def adr_score(doc) -> float:
    """A text's highest sentence-level ADR probability (fast path: the n-gram and P(ADR)
    part was computed with the tagger batch; only the mention evidence is added here).
    Without a sentence model or tagger: 1.0 when some sentence holds ADR evidence, else 0.0."""
    pv = doc.user_data["pv"]
    partial = pv.get("sentence_z")
    model = _sentence_model()
    evidence = evidence_sentences(pv)
    if partial is None or model is None:
        return 1.0 if evidence else 0.0
    if not partial:
        return 0.0
    # The sigmoid is monotone: the best sentence is the one with the highest logit.
    no, yes = model.mention_logits
    z = list(partial)
    for s in evidence:
        z[s] = partial[s] + yes - no
    return model.sigmoid(max(z) + no)


def adr_threshold() -> float:
    model = _sentence_model()
    return model.threshold if model is not None else 0.5
