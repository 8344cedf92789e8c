"""Command-line entry points of the screening core (no database, no Django).

    pv screen [FILE|-] [-o OUT]      JSONL {"id", "text", "about_drug"?, ...} in -> one JSONL
                                     result per line ("about_drug": the drug a review thread
                                     is about, by name; true = some drug)
    pv screen-eval [--split test]    precision/recall/F1 on PsyTAR + pv's own annotated sets
    pv screen-eval --set forum_a     ... on an evaluation set in docs/annotation.md's format
                                     (refused when it no longer matches its .sha256)
    pv screen-eval --cv | --cv-forum 5-fold cross-validation within PsyTAR train, or by post
                                     over the forum training posts (intake.nlp.crossval)
    pv screen-train [--out PATH] [--tagger-out PATH] [--sentences-out PATH]
                                     re-learn intake/nlp/data/learned.json.gz, train the span
                                     tagger (intake/nlp/data/tagger.npz) and the sentence-level
                                     ADR classifier (intake/nlp/data/sentences.npz) from PsyTAR
                                     train and the annotated forum posts of
                                     intake/nlp/data/forum_train/ (classifier threshold chosen
                                     on dev) [--forum PATH.jsonl ...] [--forum-weight N]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


def _parse_lines(stream: TextIO, errors: list[str]) -> Iterator[dict]:
    for lineno, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {lineno}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(item, dict):
            errors.append(f"line {lineno}: expected a JSON object")
            continue
        if "text" in item and item["text"] is not None and not isinstance(item["text"], str):
            errors.append(f"line {lineno}: \"text\" must be a string")
            continue
        if "text" not in item:
            errors.append(f"line {lineno}: missing \"text\"")
            continue
        about = item.get("about_drug")
        if about is not None and not isinstance(about, str | bool):
            errors.append(f"line {lineno}: \"about_drug\" must be a drug name (or true/null)")
            continue
        yield item


class _Progress:
    """A one-line counter on stderr, only when stderr is a terminal (never in pipes or CI)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.n = 0

    def tick(self) -> None:
        self.n += 1
        if self.enabled and self.n % 500 == 0:
            sys.stderr.write(f"\rscreened {self.n:,} texts")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.n >= 500:
            sys.stderr.write(f"\rscreened {self.n:,} texts\n")


def screen_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pv screen", description="Screen JSONL texts for "
                                     "drug and adverse-event mentions (one JSONL result each).")
    parser.add_argument("input", nargs="?", default="-", help="JSONL file, or - for stdin")
    parser.add_argument("-o", "--output", default="-", help="output JSONL file (default stdout)")
    args = parser.parse_args(argv)
    from intake.nlp import screen_texts  # heavy import after argument errors are reported

    errors: list[str] = []
    src = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8",  # noqa: SIM115
                                                   errors="replace")
    dst = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    progress = _Progress(sys.stderr.isatty())
    try:
        for result in screen_texts(_parse_lines(src, errors)):
            dst.write(json.dumps(result, ensure_ascii=False) + "\n")
            progress.tick()
    finally:
        progress.close()
        if src is not sys.stdin:
            src.close()
        if dst is not sys.stdout:
            dst.close()
        else:
            dst.flush()
    for message in errors:
        sys.stderr.write(f"pv screen: skipped {message}\n")
    if errors:
        sys.stderr.write(f"pv screen: {len(errors)} malformed line(s) skipped\n")
        return 1
    return 0


def _write_mentions(out: TextIO, title: str, scores: dict) -> None:
    out.write(f"{title}: ADR mentions (gold {scores['strict']['gold']})\n")
    for kind in ("strict", "overlap"):
        r = scores[kind]
        out.write(f"  {kind:8s} P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}\n")
    r = scores.get("strict_convention")
    if r:  # both sides trimmed the same way: where the event is, not whose convention
        out.write(f"  strict, both sides under docs/annotation.md's trimming  "
                  f"P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}\n")


def _write_drugs(out: TextIO, scores: dict) -> None:
    for kind in ("strict", "overlap"):
        r = scores[kind]
        out.write(f"  drugs {kind:8s} P {r['precision']:.3f}  R {r['recall']:.3f}  "
                  f"F1 {r['f1']:.3f} (gold {r['gold']}, classes left out)\n")


def _eval_set(name: str, *, as_json: bool, errors: bool) -> int:
    from intake.nlp.forum import EvalSetError, check_frozen, load, resolve, score

    try:
        sets = [(path, check_frozen(path), load(path)) for path in resolve(name)]
    except EvalSetError as exc:
        sys.stderr.write(f"pv screen-eval: {exc}\n")
        return 2
    out = sys.stdout
    for path, digest, rows in sets:
        report = score(rows, errors=errors)
        if as_json:
            out.write(json.dumps({"set": path.name, "sha256": digest, **report},
                                 indent=2, ensure_ascii=False) + "\n")
            continue
        title = f"{path.name} ({report['posts']} posts, sha256 {digest[:12]})"
        _write_mentions(out, title, report["adr"])
        _write_drugs(out, report["drugs"])
        r = report["roles"]
        out.write(f"  roles: {r['accuracy']:.3f} of {r['checked']} gold ADR/IND spans a "
                  f"predicted event overlaps\n")
        for e in report.get("errors", ()):
            out.write(json.dumps(e, ensure_ascii=False) + "\n")
    return 0


def _cv_forum(*, as_json: bool) -> int:
    from intake.nlp.crossval import cross_validate_forum
    from intake.nlp.forum_train import read_rows, training_files
    from intake.nlp.psytar import psytar_dir, read_binary, read_conll

    files = training_files()
    if not files:
        sys.stderr.write("pv screen-eval: no forum training posts (intake/nlp/data/forum_train/"
                         "*.jsonl)\n")
        return 2
    base = psytar_dir()
    cv = cross_validate_forum(read_conll(base / "all" / "train.txt"), read_rows(files),
                              binary=(read_binary(base / "binary" / "train.csv"),
                                      read_binary(base / "binary" / "dev.csv")))
    if as_json:
        sys.stdout.write(json.dumps(cv, indent=2) + "\n")
        return 0
    _write_mentions(sys.stdout, f"forum training posts ({cv['posts']}), "
                    f"{len(cv['folds'])}-fold CV by post", cv["adr"])
    _write_drugs(sys.stdout, cv["drugs"])
    for i, fold in enumerate(cv["folds"]):
        a = fold["adr"]
        sys.stdout.write(f"  fold {i + 1} ({fold['posts']} posts): strict "
                         f"{a['strict']['f1']:.3f}  overlap {a['overlap']['f1']:.3f}\n")
    return 0


def eval_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pv screen-eval", description="Evaluate screening on "
                                     "PsyTAR (ADR mentions, ADR sentences) and pv's own sets.")
    parser.add_argument("--split", default="test", choices=["train", "dev", "test"])
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--errors", action="store_true", help="list drug/context set errors")
    parser.add_argument("--cv", action="store_true",
                        help="5-fold cross-validation of ADR mentions within the train split "
                        "(rebuilds the phrases and tagger per fold from the other folds and "
                        "the forum training posts, as pv screen-train learns: about 8 minutes)")
    parser.add_argument("--cv-forum", action="store_true",
                        help="5-fold cross-validation (by post) over the forum training posts "
                        "(intake/nlp/data/forum_train/*.jsonl): phrases, tagger and sentence "
                        "classifier retrained per fold on PsyTAR train + the other folds")
    parser.add_argument("--set", dest="eval_set", metavar="NAME",
                        help="score an evaluation set in docs/annotation.md's format instead: "
                        "forum_a … forum_f (any shipped forum_*.jsonl), forum (all) or a path "
                        "to a .jsonl frozen by its .sha256")
    args = parser.parse_args(argv)
    if args.eval_set:
        return _eval_set(args.eval_set, as_json=args.json, errors=args.errors)
    from intake.nlp.evaluate import run_all
    from intake.nlp.psytar import psytar_dir, read_conll

    if not psytar_dir().exists():
        sys.stderr.write(f"pv screen-eval: PsyTAR not found at {psytar_dir()} "
                         "(unset PV_PSYTAR_DIR to use the copy shipped with pv)\n")
        return 2
    if args.cv_forum:
        return _cv_forum(as_json=args.json)
    if args.cv:
        from intake.nlp.crossval import cross_validate
        from intake.nlp.forum_train import read_posts, training_files

        cv = cross_validate(read_conll(psytar_dir() / "all" / "train.txt"),
                            forum_posts=read_posts(training_files()))
        if args.json:
            sys.stdout.write(json.dumps(cv, indent=2) + "\n")
            return 0
        _write_mentions(sys.stdout, "PsyTAR train, 5-fold CV", cv)
        return 0
    report = run_all(args.split)
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return 0
    out = sys.stdout
    m, s = report["psytar_adr_mentions"], report["psytar_adr_sentences"]
    _write_mentions(out, f"PsyTAR {args.split}", m)
    out.write(f"PsyTAR {args.split}: sentence-level ADR  P {s['precision']:.3f}  "
              f"R {s['recall']:.3f}  F1 {s['f1']:.3f}\n")
    d, c = report["drugs"], report["context"]
    out.write(f"pv drugs set ({d['sentences']} sentences): P {d['precision']:.3f}  "
              f"R {d['recall']:.3f}  F1 {d['f1']:.3f}\n")
    out.write(f"pv context set ({c['sentences']} sentences): attribute accuracy "
              f"{c['accuracy']:.3f}, sentences fully correct {c['sentences_all_correct']:.3f}\n")
    if args.errors:
        for e in d["errors"] + c["errors"]:
            out.write(json.dumps(e, ensure_ascii=False) + "\n")
    return 0


def train_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pv screen-train", description="Learn phrases and role "
                                     "priors, and train the span tagger, from the PsyTAR train "
                                     "split (deterministic: the same files come out each time).")
    from intake.nlp.pipeline import LEARNED, SENTENCES, TAGGER

    parser.add_argument("--out", default=str(LEARNED), help="learned phrases (gzip'd JSON)")
    parser.add_argument("--tagger-out", default=str(TAGGER), help="tagger weights (npz)")
    parser.add_argument("--sentences-out", default=str(SENTENCES),
                        help="sentence-level ADR classifier weights (npz)")
    parser.add_argument("--forum", nargs="*", metavar="PATH.jsonl", default=None,
                        help="annotated forum posts to train on as well (docs/annotation.md's "
                        "format; default: every intake/nlp/data/forum_train/*.jsonl; "
                        "--forum alone: PsyTAR only)")
    parser.add_argument("--forum-weight", type=int, default=None,
                        help="times each forum post counts (default: train.FORUM_WEIGHT)")
    args = parser.parse_args(argv)
    from intake.nlp.psytar import psytar_dir
    from intake.nlp.train import FORUM_WEIGHT, train

    if not psytar_dir().exists():
        sys.stderr.write(f"pv screen-train: PsyTAR not found at {psytar_dir()} "
                         "(unset PV_PSYTAR_DIR to use the copy shipped with pv)\n")
        return 2
    forum = None if args.forum is None else [Path(p) for p in args.forum]
    weight = FORUM_WEIGHT if args.forum_weight is None else args.forum_weight
    if weight < 1:
        sys.stderr.write("pv screen-train: --forum-weight must be 1 or more\n")
        return 2
    try:
        meta = train(Path(args.out), tagger_out=Path(args.tagger_out),
                     sentences_out=Path(args.sentences_out), forum_files=forum,
                     forum_weight=weight)
    except ValueError as exc:  # a forum file that is missing or malformed
        sys.stderr.write(f"pv screen-train: {exc}\n")
        return 2
    sys.stdout.write(json.dumps(meta) + "\n")
    return 0
