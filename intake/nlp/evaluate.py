"""Evaluation of the screening pipeline (PsyTAR test split and pv's own annotated sets)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from intake.nlp.pipeline import adr_threshold, screen_texts
from intake.nlp.psytar import psytar_dir, read_binary, read_conll
from intake.nlp.spans import TRIM_LEFT, TRIM_RIGHT

EVAL_DIR = Path(__file__).parent / "eval"
CONTEXT_KEYS = ("negated", "hypothetical", "historical", "family", "role")


def _prf(tp: float, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "predicted": n_pred, "gold": n_gold}


def adr_spans(result: dict, *, exclude_withdrawal: bool = True,
              unspecified: bool = False) -> list[tuple[int, int]]:
    """Event mentions the pipeline considers the patient's own adverse reactions.

    `unspecified`: include "side effects" mentions that name no reaction (they count for
    sentence-level ADR detection, not as ADR mentions: PsyTAR does not annotate them)."""
    return [(m["start"], m["end"]) for m in result["mentions"]
            if m["kind"] == "event" and m["role"] == "reaction" and not (
                m["negated"] or m["hypothetical"] or m["family"] or m["historical"]
                or (exclude_withdrawal and m["withdrawal"])
                or (m.get("unspecified") and not unspecified))]


_WORD_RE = re.compile(r"\w+(?:'\w+)?|[^\w\s]")


def convention_span(text: str, a: int, b: int) -> tuple[int, int]:
    """A span with docs/annotation.md's trimmed words cut off both ends (quantifiers,
    intensity, auxiliaries, "felt" before it; frequency words after it): applied to gold and
    predicted spans alike, it scores a corpus annotated another way (PsyTAR keeps "extreme",
    "felt", "all the time") on where the event is rather than on that convention."""
    words = [(m.start(), m.end(), m.group().lower().replace("'", ""))
             for m in _WORD_RE.finditer(text[a:b])]
    if not words:
        return a, b
    i, j = 0, len(words)
    while j - i > 1 and words[i][2] in TRIM_LEFT:
        i += 1
    while j - i > 1 and words[j - 1][2] in TRIM_RIGHT:
        j -= 1
    return a + words[i][0], a + words[j - 1][1]


def _screen(texts: list[str]) -> list[dict]:
    # PsyTAR sentences come from reviews of a named antidepressant: they are about a drug.
    return list(screen_texts({"id": i, "text": t, "about_drug": True}
                             for i, t in enumerate(texts)))


def mention_counts(sentences: list[dict], *, label: str = "ADR") -> dict:
    """Counts behind the mention scores: predicted and gold spans, exact matches, predicted
    spans overlapping a gold one and gold spans overlapped by a prediction."""
    results = _screen([s["text"] for s in sentences])
    counts = dict.fromkeys(("predicted", "gold", "strict", "overlap_pred", "overlap_gold",
                            "strict_convention"), 0)
    for sent, res in zip(sentences, results, strict=True):
        gold = [(a, b) for a, b, lab in sent["spans"] if lab == label]
        pred = adr_spans(res)
        counts["predicted"] += len(pred)
        counts["gold"] += len(gold)
        counts["strict"] += len(set(pred) & set(gold))
        text = sent["text"]
        counts["strict_convention"] += len({convention_span(text, a, b) for a, b in pred}
                                           & {convention_span(text, a, b) for a, b in gold})
        counts["overlap_pred"] += sum(any(a < gb and ga < b for ga, gb in gold) for a, b in pred)
        counts["overlap_gold"] += sum(any(a < gb and ga < b for a, b in pred) for ga, gb in gold)
    return counts


def mention_scores(counts: dict) -> dict:
    """Strict and overlap precision / recall / F1 from `mention_counts` (summed or not)."""
    n_pred, n_gold = counts["predicted"], counts["gold"]
    strict = _prf(counts["strict"], n_pred, n_gold)
    p = counts["overlap_pred"] / n_pred if n_pred else 0.0
    r = counts["overlap_gold"] / n_gold if n_gold else 0.0
    overlap = {"precision": round(p, 4), "recall": round(r, 4),
               "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
               "predicted": n_pred, "gold": n_gold}
    out = {"strict": strict, "overlap": overlap}
    if "strict_convention" in counts:
        out["strict_convention"] = _prf(counts["strict_convention"], n_pred, n_gold)
    return out


def eval_mentions(sentences: list[dict], *, label: str = "ADR") -> dict:
    return mention_scores(mention_counts(sentences, label=label))


def eval_sentences(rows: list[dict], *, mentions_only: bool = False) -> dict:
    """Sentence-level ADR: the text's `adr_score` reaches the sentence classifier's threshold
    (`mentions_only`: the text has an ADR mention, the 2.0 rule)."""
    results = _screen([r["text"] for r in rows])
    threshold = adr_threshold()
    tp = fp = fn = 0
    for row, res in zip(rows, results, strict=True):
        pred = (bool(adr_spans(res, unspecified=True)) if mentions_only
                else res["adr_score"] >= threshold)
        tp += pred and row["ADR"] == 1
        fp += pred and row["ADR"] == 0
        fn += (not pred) and row["ADR"] == 1
    return _prf(tp, tp + fp, tp + fn)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def eval_drugs(path: Path = EVAL_DIR / "drugs.jsonl") -> dict:
    """Drug mentions: a hit needs the same surface text and the expected concept
    (its name, or one of its ingredients' names)."""
    rows = _jsonl(path)
    results = list(screen_texts({"id": i, "text": r["text"]} for i, r in enumerate(rows)))
    tp = n_pred = n_gold = 0
    errors = []
    for row, res in zip(rows, results, strict=True):
        gold = {(s.lower(), c.lower()) for s, c in row["drugs"]}
        pred = set()
        for m in res["mentions"]:
            if m["kind"] != "drug":
                continue
            names = {m["term"].lower(), m["code"].lower(),
                     *(i["term"].lower() for i in m["ingredients"])}
            match = next(((s, c) for s, c in gold if s == m["text"].lower() and c in names), None)
            pred.add(match or (m["text"].lower(), m["term"].lower()))
        n_pred += len(pred)
        n_gold += len(gold)
        tp += len(pred & gold)
        if pred != gold:
            errors.append({"text": row["text"], "gold": sorted(gold), "pred": sorted(pred)})
    return {**_prf(tp, n_pred, n_gold), "sentences": len(rows), "errors": errors}


def eval_context(path: Path = EVAL_DIR / "context.jsonl") -> dict:
    """Context attributes of one target event per sentence: accuracy per attribute check."""
    rows = _jsonl(path)
    results = list(screen_texts({"id": i, "text": r["text"]} for i, r in enumerate(rows)))
    checks = correct = whole = 0
    errors = []
    for row, res in zip(rows, results, strict=True):
        target = row["event"].lower()
        m = next((m for m in res["mentions"] if m["kind"] == "event"
                  and (target in m["text"].lower() or m["text"].lower() in target)), None)
        ok_all = True
        for key in CONTEXT_KEYS:
            want = row["expect"].get(key, "reaction" if key == "role" else False)
            got = m[key] if m else None
            checks += 1
            correct += got == want
            ok_all &= got == want
            if got != want:
                errors.append({"text": row["text"], "attribute": key, "want": want, "got": got})
        whole += ok_all
    return {"accuracy": round(correct / checks, 4) if checks else 0.0,
            "sentences_all_correct": round(whole / len(rows), 4) if rows else 0.0,
            "sentences": len(rows), "errors": errors}


def run_all(split: str = "test") -> dict:
    base = psytar_dir()
    report: dict = {"split": split}
    report["psytar_adr_mentions"] = eval_mentions(read_conll(base / "all" / f"{split}.txt"))
    report["psytar_adr_sentences"] = eval_sentences(read_binary(base / "binary" / f"{split}.csv"))
    report["drugs"] = eval_drugs()
    report["context"] = eval_context()
    return report
