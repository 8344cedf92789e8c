"""``pv signals compute``: disproportionality for a report-level CSV, no database needed.

    pv signals compute INPUT.csv[.gz] -o OUT.csv [--id-col id --drug-col var1 --event-col var2]
        [--strata COL,...] [--hyper a1,b1,a2,b2,p] [--hyper-out FILE.json]
        [--engine auto|numpy|pandas]

Exit codes: 0 success, 2 bad usage or malformed input (one clear line on stderr, no traceback).
Progress lines go to stderr only when stderr is a terminal, so pipes and logs stay clean.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

# pandas, scipy and the statistics core are imported when a computation starts, not with this
# module: `--help`, a usage error or a missing file answer without paying for them. A caers-sized
# input takes the numpy-only path (signals.stats.lite) and never imports pandas or scipy at all
# (tests/signals/test_cli_startup.py; docs/signals.md, "Start-up").
if TYPE_CHECKING:
    import pandas as pd

    from signals.stats.theta import Hyperparameters

EXIT_BAD_INPUT = 2
# --engine auto takes the numpy-only path for files up to this size (gzip: a quarter of it).
# The csv module reads ~2-3x slower per row than pandas' C parser, but pandas and scipy cost
# ~0.8 s to import: below a few hundred thousand rows the numpy path finishes first.
LITE_MAX_BYTES = 8 * 2**20
# Compressed formats pandas reads by extension that the numpy path does not (gzip it does).
_PANDAS_ONLY_SUFFIXES = (".bz2", ".zip", ".xz", ".zst", ".tar", ".tgz")


class InputError(Exception):
    """A problem with the user's file or arguments, reported as one line, exit code 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pv signals compute",
        description="PRR, ROR, chi2, IC and MGPS EBGM for every observed drug-event pair, "
        "counting distinct report ids as openEBGM does.",
    )
    parser.add_argument(
        "input",
        metavar="INPUT.csv[.gz]",
        help="report-level CSV (optionally .gz): one row per mention",
    )
    parser.add_argument("-o", "--output", required=True, metavar="OUT.csv", help="output CSV")
    parser.add_argument(
        "--id-col", default="id", metavar="COL", help="report id column (default: id)"
    )
    parser.add_argument(
        "--drug-col", default="var1", metavar="COL", help="drug column (default: var1)"
    )
    parser.add_argument(
        "--event-col", default="var2", metavar="COL", help="event column (default: var2)"
    )
    parser.add_argument(
        "--strata", default="", metavar="COL,...", help="comma-separated stratum columns for E"
    )
    parser.add_argument(
        "--hyper", metavar="a1,b1,a2,b2,p", help="score with theta a1,b1,a2,b2,p instead of fitting"
    )
    parser.add_argument(
        "--hyper-out", metavar="FILE.json", help="write theta and -loglik to this JSON file"
    )
    parser.add_argument("--pearson", action="store_true", help="chi2 without Yates correction")
    parser.add_argument(
        "--fit-policy",
        choices=["fallback", "refuse", "keep"],
        default="fallback",
        help="a fitted theta failing the quality gate (too few points, out of bounds, starts"
        " disagreeing): score with the documented fallback prior (default), exit 2, or keep it",
    )
    parser.add_argument(
        "--exact-names",
        action="store_true",
        help="keep drug and event names exactly as written (default: names differing only in"
        " case or spacing are one name, spelt as most often seen)",
    )
    parser.add_argument(
        "--squash",
        choices=["auto", "yes", "no"],
        default="auto",
        help="data squashing for the fit (auto: only above 20,000 distinct (N, E) points)",
    )
    parser.add_argument(
        "--engine",
        choices=["auto", "numpy", "pandas"],
        default="auto",
        help="numpy: the numpy-only path (fast start-up; no --strata, no squashing); pandas:"
        " the pandas/scipy core; auto (default): numpy for files up to 8 MB without --strata,"
        " --squash yes or a fit above 20,000 points, else pandas",
    )
    return parser


def _parse_hyper(text: str) -> Hyperparameters:
    from signals.stats.theta import Hyperparameters  # noqa: PLC0415  (see the imports above)

    try:
        values = [float(v) for v in text.split(",")]
        return Hyperparameters.from_sequence(values)
    except ValueError as exc:
        raise InputError(f"--hyper {text!r}: {exc}") from None


def _read_rows(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    import pandas as pd  # noqa: PLC0415  (see the imports above)

    try:
        header = list(pd.read_csv(path, nrows=0).columns)
    except (pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: not a readable CSV ({exc})") from None
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputError(
            f"{path}: column {', '.join(map(repr, missing))} not in header "
            f"(found: {', '.join(header)})"
        )
    # Every column is read (not usecols) so that a row with too many fields is an error rather
    # than silently trimmed; non-id columns as categories keep 3M-row files small.
    dtypes = {c: "category" for c in header if c != columns[0]}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            rows = pd.read_csv(
                path, dtype=dtypes, index_col=False, keep_default_na=False, na_values=[""]
            )
    except pd.errors.ParserWarning:
        raise InputError(f"{path}: data row 1 (line 2) has more fields than the header") from None
    except pd.errors.ParserError as exc:
        raise InputError(f"{path}: malformed CSV: {exc}".strip()) from None
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    rows = rows[columns]
    if rows.empty:
        raise InputError(f"{path}: no data rows")
    for col in columns[:3]:
        blank = rows[col].isna().to_numpy()
        if blank.any():
            row = int(blank.argmax()) + 1
            raise InputError(f"{path}: data row {row} (line {row + 1}) has an empty {col!r} value")
    return rows


def _progress() -> Callable[[str], None] | None:
    if not sys.stderr.isatty():
        return None
    started = time.perf_counter()

    def say(message: str) -> None:
        sys.stderr.write(f"[{time.perf_counter() - started:6.1f}s] {message}\n")
        sys.stderr.flush()

    return say


def compute_main(argv: list[str]) -> int:
    """Entry point for ``pv signals compute``; returns the process exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed usage and the reason
        return int(exc.code or 0)
    try:
        return _compute(args)
    except InputError as exc:
        sys.stderr.write(f"pv signals compute: error: {exc}\n")
        return EXIT_BAD_INPUT


def _fit_problems(fit) -> list[str]:
    from signals.stats.quality import fit_problems  # noqa: PLC0415

    return fit_problems(fit)


def _fit_gate(args, fit, problems: list[str]) -> dict:
    """A fitted theta that fails the quality gate (`signals.stats.quality`, as service runs
    apply it): refused (exit 2), kept with a warning, or by default replaced by the documented
    fallback prior. The warning goes to stderr even when piped: it is about the numbers.
    Returns what --hyper-out records about it; non-empty means "rescore with FALLBACK_PRIOR"."""
    from signals.stats.quality import FALLBACK_PRIOR, REASONS  # noqa: PLC0415

    why = "; ".join(REASONS[p] for p in problems)
    head = f"MGPS fit on {fit.n_points:,} points failed the quality gate ({why})"
    if args.fit_policy == "refuse":
        raise InputError(f"{head}; --fit-policy fallback or --hyper scores anyway")
    if args.fit_policy == "keep":
        sys.stderr.write(
            f"pv signals compute: warning: {head}; EBGM may be unstable (--hyper pins theta)\n"
        )
        return {}
    prior = ",".join(f"{v:g}" for v in FALLBACK_PRIOR.as_tuple())
    sys.stderr.write(
        f"pv signals compute: warning: {head}; scored with the fallback prior {prior}"
        " (DuMouchel's FDA estimates; --fit-policy keep uses the fit, --hyper pins theta)\n"
    )
    return {"fallback": True, "fallback_reasons": problems, "rejected_fit": fit.to_dict()}


def _write_hyper_out(args, hyper, scored, starts: list, gate: dict) -> None:
    """theta that scored (``scored``: the fit, or the given / fallback theta on the points),
    the optimiser's starts and the gate's verdict, as JSON."""
    if args.hyper_out:
        info = {**scored.to_dict(), "fitted": hyper is None and not gate,
                "starts": starts, **gate}  # fmt: skip
        Path(args.hyper_out).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def _say_theta(say, fit) -> None:
    h = fit.hyper
    say(
        f"theta = ({h.alpha1:.6g}, {h.beta1:.6g}, {h.alpha2:.6g}, {h.beta2:.6g}, "
        f"{h.p:.6g}), -loglik {fit.neg_log_lik:.6f}; done"
    )


def _compute(args: argparse.Namespace) -> int:
    say = _progress()
    hyper = _parse_hyper(args.hyper) if args.hyper else None
    strata = [c.strip() for c in args.strata.split(",") if c.strip()]
    columns = [args.id_col, args.drug_col, args.event_col, *strata]
    if len(set(columns)) != len(columns):
        raise InputError("the id, drug, event and strata columns must be distinct")
    if _use_lite(args, strata):
        from signals.stats.lite.scoring import NeedsFullPath  # noqa: PLC0415

        try:
            return _compute_lite(args, hyper, columns, say)
        except NeedsFullPath as exc:
            if args.engine == "numpy":
                raise InputError(f"{args.input}: {exc}; use --engine pandas") from None
            if say:
                say(f"{exc}: switching to the pandas path")
    if say:
        say(f"reading {args.input}")
    rows = _read_rows(Path(args.input), columns)
    from signals.csvio import write_csv  # noqa: PLC0415  (see the imports above)
    from signals.stats import OUTPUT_COLUMNS, compute_signals  # noqa: PLC0415
    from signals.stats.counts import canonical_names  # noqa: PLC0415

    # Names differing only in case or spacing are one drug / one event (unless asked not to,
    # e.g. to compare with a reference that kept them apart).
    if not args.exact_names:
        for col in (args.drug_col, args.event_col):
            rows[col] = canonical_names(rows[col])
    try:
        result = compute_signals(
            rows,
            id_col=args.id_col,
            drug_col=args.drug_col,
            event_col=args.event_col,
            strata=strata,
            hyper=hyper,
            yates=not args.pearson,
            squash_data={"auto": None, "yes": True, "no": False}[args.squash],
            progress=say,
        )
    except (ValueError, ArithmeticError) as exc:  # data the statistics cannot handle
        raise InputError(f"{args.input}: {exc}") from None
    fit, gate = result.fit, {}
    problems = _fit_problems(fit) if hyper is None else []
    if problems:
        gate = _fit_gate(args, fit, problems)
        if gate:
            from signals.stats import PAIR_COLUMNS, score_table  # noqa: PLC0415
            from signals.stats.quality import FALLBACK_PRIOR  # noqa: PLC0415

            result = score_table(
                result.table[list(PAIR_COLUMNS)], hyper=FALLBACK_PRIOR, yates=not args.pearson
            )
    if say:
        say(f"writing {len(result.table):,} pairs to {args.output}")
    try:
        # Formatting a 10^6-row table is the slowest step; a second process can nearly halve
        # it when a second core is free.
        workers = min(2, os.cpu_count() or 1)
        write_csv(result.table, args.output, OUTPUT_COLUMNS, workers=workers)
        _write_hyper_out(args, hyper, result.fit, fit.starts, gate)
    except OSError as exc:
        raise InputError(f"cannot write output ({exc})") from None
    if say:
        _say_theta(say, result.fit)
    return 0


def _use_lite(args: argparse.Namespace, strata: list[str]) -> bool:
    """The numpy-only path, unless an option or the input needs pandas/scipy."""
    if args.engine == "pandas":
        return False
    path = Path(args.input)
    needs_pandas = []
    if strata:
        needs_pandas.append("--strata")
    if args.squash == "yes":
        needs_pandas.append("--squash yes")
    if path.name.lower().endswith(_PANDAS_ONLY_SUFFIXES) or path.name.lower().endswith(".tar.gz"):
        needs_pandas.append(f"a {path.suffix} file")
    if args.engine == "numpy":
        if needs_pandas:
            raise InputError(f"--engine numpy cannot take {', '.join(needs_pandas)}")
        return True
    if needs_pandas or not path.is_file():
        return False
    limit = LITE_MAX_BYTES // 4 if path.suffix.lower() == ".gz" else LITE_MAX_BYTES
    return path.stat().st_size <= limit


def _compute_lite(args, hyper, columns: list[str], say) -> int:
    """``_compute`` on the numpy-only path (signals.stats.lite): same output, same gate."""
    from signals.stats.columns import OUTPUT_COLUMNS  # noqa: PLC0415
    from signals.stats.lite import table as lite  # noqa: PLC0415  (see the imports above)
    from signals.stats.lite.scoring import score_pairs  # noqa: PLC0415
    from signals.stats.quality import FALLBACK_PRIOR, fit_problems  # noqa: PLC0415

    path = Path(args.input)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if say:
        say(f"reading {args.input}")
    try:
        mentions = lite.read_mentions(path, columns)
    except lite.CsvError as exc:
        raise InputError(f"{path}: {exc}") from None
    if not args.exact_names:
        drugs, events = (lite.canonical_names(v) for v in (mentions.drugs, mentions.events))
        mentions = lite.Mentions(mentions.ids, drugs, events)
    if say:
        say(f"counting {len(mentions.ids):,} rows")
    try:
        counts = lite.count_pairs(mentions)
        if say and hyper is None:
            say("fitting the MGPS prior")
        result = score_pairs(counts, hyper=hyper, yates=not args.pearson)
    except (ValueError, ArithmeticError) as exc:
        raise InputError(f"{args.input}: {exc}") from None
    fit, gate = result.fit, {}
    problems = fit_problems(fit) if hyper is None else []
    if problems:
        gate = _fit_gate(args, fit, problems)
        if gate:
            result = score_pairs(counts, hyper=FALLBACK_PRIOR, yates=not args.pearson)
    if say:
        say(f"writing {len(counts):,} pairs to {args.output}")
    try:
        lite.write_csv(result.for_csv(OUTPUT_COLUMNS), args.output)
        _write_hyper_out(args, hyper, result.fit, fit.starts, gate)
    except OSError as exc:
        raise InputError(f"cannot write output ({exc})") from None
    if say:
        _say_theta(say, result.fit)
    return 0
