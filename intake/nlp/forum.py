"""Scoring the screening pipeline on evaluation sets in the format of docs/annotation.md
("Files"): one JSON object per line, `{"id", "drug_class", "about_drug", "text",
"spans": [[start, end, label, text], ...]}`, labels ADR / DRUG / IND, frozen by a
`<file>.sha256` beside it (a set whose bytes changed is refused).

Scored with pv's output contract: ADR mentions are the event mentions reported as the
patient's own reactions (not negated, hypothetical, historical, someone else's, withdrawal
or `unspecified`), strict (same characters) and overlap F1; drug mentions leave drug
classes out (`drug_kind: class`), strict and overlap F1; roles: of the gold ADR and IND
spans a predicted event overlaps, the share whose role (and flags) agree.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from intake.nlp.evaluate import adr_spans, mention_scores
from intake.nlp.pipeline import screen_texts

FORUM_DIR = Path(__file__).parent / "eval" / "forum"
LABELS = ("ADR", "DRUG", "IND")


class EvalSetError(ValueError):
    """A set that cannot be scored: missing, changed since frozen, or malformed."""


def resolve(name: str) -> list[Path]:
    """`forum` -> every forum_*.jsonl; `forum_a` -> that file; else a path to a .jsonl."""
    if name == "forum":
        paths = sorted(FORUM_DIR.glob("forum_*.jsonl"))
        if not paths:
            raise EvalSetError(f"no forum_*.jsonl in {FORUM_DIR}")
        return paths
    path = FORUM_DIR / f"{name}.jsonl" if "/" not in name and not name.endswith(
        ".jsonl") else Path(name)
    if not path.exists():
        raise EvalSetError(f"{path}: no such evaluation set")
    return [path]


def check_frozen(path: Path) -> str:
    """The set's SHA-256, after checking it against `<path>.sha256` (first word of it)."""
    stamp = path.with_name(path.name + ".sha256")
    if not stamp.exists():
        raise EvalSetError(f"{path.name}: no {stamp.name} beside it (a set must be frozen)")
    want = (stamp.read_text(encoding="utf-8").split() or [""])[0].lower()
    got = hashlib.sha256(path.read_bytes()).hexdigest()
    if got != want:
        raise EvalSetError(f"{path.name}: SHA-256 {got} does not match {stamp.name} ({want}): "
                           "the set changed after it was frozen")
    return got


def load(path: Path) -> list[dict]:
    """The posts of a set, each span checked (line numbers in the errors)."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalSetError(f"{path.name} line {n}: not JSON ({exc.msg})") from None
        text = row.get("text")
        if not isinstance(text, str) or not isinstance(row.get("spans"), list):
            raise EvalSetError(f"{path.name} line {n}: needs a string 'text' and a list 'spans'")
        about = row.get("about_drug")
        if about is not None and not isinstance(about, str | bool):
            raise EvalSetError(f"{path.name} line {n}: 'about_drug' must be a name or null")
        for span in row["spans"]:
            if not (isinstance(span, list) and len(span) == 4 and span[2] in LABELS
                    and isinstance(span[0], int) and isinstance(span[1], int)
                    and 0 <= span[0] < span[1] <= len(text)):
                raise EvalSetError(f"{path.name} line {n}: bad span {span!r}")
            if text[span[0]:span[1]] != span[3]:
                raise EvalSetError(f"{path.name} line {n}: span {span[:3]} reads "
                                   f"{text[span[0]:span[1]]!r}, not {span[3]!r}")
        rows.append(row)
    return rows


def _overlaps(a: int, b: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < y and x < b for x, y in spans)


def score(rows: list[dict], *, errors: bool = False) -> dict:
    results = list(screen_texts({"id": i, "text": r["text"], "about_drug": r.get("about_drug")}
                                for i, r in enumerate(rows)))
    adr = dict.fromkeys(("predicted", "gold", "strict", "overlap_pred", "overlap_gold"), 0)
    drug = dict.fromkeys(("predicted", "gold", "strict", "overlap_pred", "overlap_gold"), 0)
    role_checks = role_right = 0
    listed = []
    for row, res in zip(rows, results, strict=True):
        gold = {lab: [(s[0], s[1]) for s in row["spans"] if s[2] == lab] for lab in LABELS}
        pred_adr = adr_spans(res)
        pred_drug = [(m["start"], m["end"]) for m in res["mentions"]
                     if m["kind"] == "drug" and m["drug_kind"] != "class"]
        for counts, pred, g in ((adr, pred_adr, gold["ADR"]), (drug, pred_drug, gold["DRUG"])):
            counts["predicted"] += len(pred)
            counts["gold"] += len(g)
            counts["strict"] += len(set(pred) & set(g))
            counts["overlap_pred"] += sum(_overlaps(a, b, g) for a, b in pred)
            counts["overlap_gold"] += sum(_overlaps(a, b, pred) for a, b in g)
        events = [m for m in res["mentions"] if m["kind"] == "event"]
        for lab in ("ADR", "IND"):
            for a, b in gold[lab]:
                m = next((m for m in events if m["start"] < b and a < m["end"]), None)
                if m is None:
                    continue
                role_checks += 1
                # An ADR is right when a reported reaction overlaps it (exact matches do too).
                role_right += (m["role"] == "indication" if lab == "IND"
                               else _overlaps(a, b, pred_adr))  # fmt: skip
        if errors:
            missed = [s for s in row["spans"] if s[2] == "ADR" and (s[0], s[1]) not in pred_adr]
            extra = [res_span for res_span in pred_adr if res_span not in gold["ADR"]]
            if missed or extra:
                listed.append({"id": row.get("id"), "text": row["text"],
                               "missed": missed,
                               "extra": [[a, b, row["text"][a:b]] for a, b in extra]})
    out = {"posts": len(rows), "adr": mention_scores(adr), "drugs": mention_scores(drug),
           "counts": {"adr": adr, "drugs": drug, "roles": [role_right, role_checks]},
           "roles": {"checked": role_checks,
                     "accuracy": round(role_right / role_checks, 4) if role_checks else 0.0}}
    if errors:
        out["errors"] = listed
    return out

