"""Reading the PsyTAR corpus (CC BY 4.0): the train/dev/test splits ship gzip'd in
`intake/nlp/data/psytar/` (attribution in NOTICE and SOURCE.md there), so `pv screen-eval` and
`pv screen-train` work from an installed package. `PV_PSYTAR_DIR` may point at another copy
laid out the same way (plain or gzip'd files), e.g. the full corpus folder.

- `all/{train,dev,test}.txt`: CoNLL-style, one `token<TAB>tag` per line, blank line between
  sentences, tags `B-/I-` + ADR, WD (withdrawal), EF (effectiveness), INF, SSI (sign/symptom/
  illness = the treated condition), DI (drug indication); `O` otherwise.
- `conflated/*.txt`: the same sentences with every entity tagged `Entity`.
- `binary/*.csv`: tab-separated, header `sentences ADR WD EF INF SSI DI`, 0/1 per sentence.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import TextIO

_CLITICS = frozenset({"t", "s", "m", "ve", "ll", "re", "d"})


SHIPPED = Path(__file__).resolve().parent / "data" / "psytar"


def psytar_dir() -> Path:
    """`PV_PSYTAR_DIR` if set, else the splits shipped with the package."""
    env = os.environ.get("PV_PSYTAR_DIR")
    return Path(env) if env else SHIPPED


def _open(path: Path) -> TextIO:
    """`path` itself, or its gzip'd sibling `path.gz` (how the package ships the splits)."""
    if not path.exists() and path.with_name(path.name + ".gz").exists():
        path = path.with_name(path.name + ".gz")
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def read_conll(path: Path) -> list[dict]:
    """Sentences as {"text", "spans": [(start, end, label)]}, text rebuilt from the tokens.

    Tokens are joined with single spaces, except that a split clitic ("can ' t") is glued
    back ("can't") the way it was written, so the pipeline sees forum text, not CoNLL.
    """
    sentences: list[dict] = []
    tokens: list[tuple[str, str]] = []
    with _open(path) as fh:
        for line in [*fh, "\n"]:
            line = line.rstrip("\n")
            if not line.strip():
                if tokens:
                    sentences.append(_sentence(tokens))
                    tokens = []
                continue
            word, _, tag = line.rpartition("\t")
            tokens.append((word or tag, tag if word else "O"))
    return sentences


def _sentence(tokens: list[tuple[str, str]]) -> dict:
    text = ""
    offsets = []
    for i, (word, _) in enumerate(tokens):
        glue = (word == "'" and i + 1 < len(tokens) and tokens[i + 1][0].lower() in _CLITICS) or (
            i > 0 and tokens[i - 1][0] == "'" and word.lower() in _CLITICS
            and i > 1 and offsets[-1][1] == len(text))
        if text and not glue:
            text += " "
        offsets.append((len(text), len(text) + len(word)))
        text += word
    spans = []
    cur = None
    for (start, end), (_, tag) in zip(offsets, tokens, strict=True):
        if tag.startswith("B-") or (tag.startswith("I-") and (cur is None or cur[2] != tag[2:])):
            if cur:
                spans.append(tuple(cur))
            cur = [start, end, tag[2:]]
        elif tag.startswith("I-") and cur:
            cur[1] = end
        else:
            if cur:
                spans.append(tuple(cur))
            cur = None
    if cur:
        spans.append(tuple(cur))
    return {"text": text, "spans": spans}


def read_binary(path: Path) -> list[dict]:
    """Rows as {"text", "ADR": 0|1, ...} from a tab-separated `binary/*.csv` file."""
    rows = []
    with _open(path) as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < len(header):
                continue
            # The sentence itself may contain tabs: the labels are always the last columns.
            labels = parts[-(len(header) - 1):]
            row = {"text": "\t".join(parts[: len(parts) - len(labels)])}
            row.update({h: int(v) for h, v in zip(header[1:], labels, strict=True)})
            rows.append(row)
    return rows
