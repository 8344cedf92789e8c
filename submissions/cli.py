"""`pv e2b validate FILE... [--profile ich|fda|ema] [--initial|--follow-up]`: no database.

Prints `FILE: OK` or one line per failed rule, exits 1 if any file is invalid (or unreadable).
Called by `pv/cli.py` through its pure-command table, so it must not import Django.
"""

from __future__ import annotations

import argparse
import sys

from submissions.e2b.safexml import E2BParseError, read_file
from submissions.e2b.validate import PROFILES, errors, validate


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def validate_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="pv e2b validate",
        description="Validate E2B(R3) ICSR batches against the ICH schema and business rules.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--profile", choices=PROFILES, default="ich",
                        help="rule set: ich (core), fda (ICH + FDA regional), ema (ICH + EU)")
    parser.add_argument("--warnings", action="store_true", help="also print warnings")
    transmission = parser.add_mutually_exclusive_group()
    transmission.add_argument("--initial", dest="initial", action="store_true", default=None,
                              help="first transmission of the case (FDA R0101: no C.1.11.1)")
    transmission.add_argument("--follow-up", dest="initial", action="store_false",
                              help="a later version of a case (FDA R0011 does not apply)")
    args = parser.parse_args(argv)

    status = 0
    for path in args.files:
        try:
            data = read_file(path)
        except (OSError, E2BParseError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            sys.stderr.write(f"{path}: ERROR cannot read file: {reason}\n")
            status = 1
            continue
        failures = validate(data, args.profile, initial=args.initial)
        bad = errors(failures)
        if bad:
            status = 1
            for failure in bad:
                _out(f"{path}: {failure}")
        else:
            _out(f"{path}: OK")
        if args.warnings:
            for failure in failures:
                if failure.severity == "warning":
                    _out(f"{path}: {failure}")
    return status
