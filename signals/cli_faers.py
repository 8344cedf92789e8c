"""`pv signals faers-compute`: every FAERS quarter a user brings, counted out of core and scored.

    pv signals faers-compute QUARTER_DIR_OR_ZIP... -o OUT.csv [--memory-limit 6GB]
        [--roles PS,SS] [--keep-combinations] [--hyper a1,b1,a2,b2,p] [--hyper-out FIT.json]
        [--engine duckdb|dask [--scheduler tcp://HOST:8786]]

Counting runs in DuckDB over the `$`-separated files (`signals.faers_engine`), de-duplicating
cases to their latest version across all quarters and dropping deleted cases; the aggregate
is scored by the same core as `pv signals compute`. No database. Exit 2 with one line on bad
input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from signals.cli import EXIT_BAD_INPUT, InputError, _parse_hyper


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pv signals faers-compute", description=__doc__.splitlines()[0]
    )
    parser.add_argument("sources", nargs="+", metavar="QUARTER", help="FAERS quarter folder or zip")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.csv")
    parser.add_argument("--memory-limit", default="6GB", help="DuckDB memory limit (spills past)")
    parser.add_argument("--roles", default="PS,SS", help="drug roles counted (default PS,SS)")
    parser.add_argument(
        "--keep-combinations",
        action="store_true",
        help="count a combination's prod_ai as one name instead of each ingredient",
    )
    parser.add_argument(
        "--engine",
        choices=["duckdb", "dask"],
        default="duckdb",
        help="count on this machine (DuckDB) or on Dask (needs pv[distributed])",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (default:"
        " Dask's local threads)",
    )
    parser.add_argument("--hyper", metavar="a1,b1,a2,b2,p", help="fixed MGPS theta")
    parser.add_argument("--hyper-out", metavar="FIT.json", help="write the fit here")
    return parser


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.scheduler and args.engine != "dask":
        sys.stderr.write("pv signals faers-compute: error: --scheduler needs --engine dask\n")
        return EXIT_BAD_INPUT
    if args.engine == "dask":
        try:
            import dask.dataframe  # noqa: F401, PLC0415
            import distributed  # noqa: F401, PLC0415
        except ImportError:
            sys.stderr.write(
                "pv signals faers-compute: error: --engine dask needs Dask: "
                "pip install 'pv[distributed]'\n"
            )
            return EXIT_BAD_INPUT
    # Heavy imports (duckdb, pandas, scipy) only once there is something to compute.
    import duckdb  # noqa: PLC0415

    from signals.csvio import write_csv  # noqa: PLC0415
    from signals.faers import FaersFormatError  # noqa: PLC0415
    from signals.faers_engine import faers_count  # noqa: PLC0415
    from signals.stats import OUTPUT_COLUMNS, score_table  # noqa: PLC0415

    try:
        hyper = _parse_hyper(args.hyper) if args.hyper else None
        for source in args.sources:
            if not Path(source).exists():
                raise FaersFormatError(f"{source}: no such folder or zip")
        roles = [r.strip() for r in args.roles.split(",") if r.strip()]
        if args.engine == "dask":
            counted = _count_on_dask(args, roles)
        else:
            counted = faers_count(
                args.sources,
                roles=roles,
                memory_limit=args.memory_limit,
                split_combinations=not args.keep_combinations,
            )
        if counted.pairs.empty:
            raise FaersFormatError("no case has both a counted drug and a reaction")
        result = score_table(counted.pairs, hyper=hyper)
    except (FaersFormatError, InputError, ValueError, duckdb.Error) as exc:
        sys.stderr.write(f"pv signals faers-compute: error: {exc}\n")
        return EXIT_BAD_INPUT
    write_csv(result.table, args.output, OUTPUT_COLUMNS)
    if args.hyper_out:
        info = {**result.fit.to_dict(), "fitted": hyper is None, "reports": counted.reports,
                "quarters": counted.quarters, "seconds": counted.seconds}  # fmt: skip
        Path(args.hyper_out).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    sys.stderr.write(
        f"pv signals faers-compute: {counted.reports:,} cases, {len(result.table):,} pairs,"
        f" quarters {', '.join(q for q in counted.quarters if q)}\n"
    )
    return 0


def _count_on_dask(args: argparse.Namespace, roles: list[str]):
    """The same counts on Dask: on the cluster at --scheduler, else on local threads."""
    import distributed  # noqa: PLC0415

    from signals.faers_dask import faers_count_dask  # noqa: PLC0415

    def count():
        return faers_count_dask(
            args.sources, roles=roles, split_combinations=not args.keep_combinations
        )

    if not args.scheduler:
        return count()
    try:
        client = distributed.Client(args.scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise InputError(f"cannot reach the Dask scheduler {args.scheduler} ({exc})") from None
    with client:
        return count()
