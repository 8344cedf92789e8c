"""FAERS at full size on one machine: generate a synthetic FAERS-shaped archive, count it out of
core with DuckDB (`signals.faers_engine.faers_count`) and score every pair (`score_table`).

Target (issue): 20 million reports counted and scored in <= 5 minutes and <= 8 GB peak RSS.

    .venv/bin/python benchmarks/faers_full.py --reports 20000000 --dir /tmp/faers20m
    .venv/bin/python benchmarks/faers_full.py --reports 2000000            # a quick look

The archive is written once into --dir (kept; delete it yourself, 20M reports are ~5 GB) in
the current FAERS layout: one folder per quarter with DEMO, DRUG and REAC tables, `$`-separated.
Shape: 1-4 suspect or concomitant drugs and 1-3 PTs per report, drawn from 5,000 drugs and
8,000 PTs with skewed (power-law-like) frequencies; 10 % of cases get a follow-up version in
the next quarter (so de-duplication has work to do); some drug-event pairs are planted with
a raised rate (a PLANTED EVENT on 30 % of the cases whose primary suspect is one of every 50
drugs). Generation time is printed apart and is not part of the figure.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

QUARTERS = ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
# The primary suspect of a case, from its id: the REAC table can then plant events on it.
_FIRST_DRUG = "floor(5000 * pow((hash(caseid * 10 + ver) % 1000003) / 1000003.0, 2.5))::INT"


def generate(folder: Path, reports: int, seed: float = 0.42) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SELECT setseed({seed})")
    con.execute("SET preserve_insertion_order = false")
    per_quarter = reports // len(QUARTERS)
    for qi, quarter in enumerate(QUARTERS):
        yy, q = quarter[2:4], quarter[-1]
        out = folder / quarter.lower()
        out.mkdir(parents=True, exist_ok=True)
        lo = qi * per_quarter
        # Versions in this quarter: its own new cases (version 1) and a follow-up (version 2)
        # of 10 % of the previous quarter's cases.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE v AS
            SELECT c AS caseid, 1 AS ver FROM range({lo}, {lo + per_quarter}) t(c)
            UNION ALL
            SELECT c AS caseid, 2 AS ver FROM range({max(lo - per_quarter, 0)}, {lo}) t(c)
            WHERE c % 10 = 0
        """)
        con.execute(f"""
            COPY (SELECT (caseid * 10 + ver)::VARCHAR AS primaryid, caseid::VARCHAR AS caseid,
                         ver AS caseversion, CASE ver WHEN 1 THEN 'I' ELSE 'F' END AS i_f_code,
                         '20{yy}0{q}01' AS init_fda_dt, '20{yy}0{q}15' AS fda_dt,
                         'EXP' AS rept_cod, (18 + floor(random() * 70))::INT AS age,
                         'YR' AS age_cod, CASE WHEN random() < 0.55 THEN 'F' ELSE 'M' END AS sex,
                         'US' AS reporter_country
                  FROM v)
            TO '{out}/DEMO{yy}Q{q}.txt' (DELIMITER '$', HEADER, QUOTE '')
        """)
        con.execute(f"""
            COPY (SELECT (caseid * 10 + ver)::VARCHAR AS primaryid, caseid::VARCHAR AS caseid,
                         k AS drug_seq,
                         CASE WHEN k = 1 THEN 'PS' WHEN random() < 0.5 THEN 'SS' ELSE 'C' END
                             AS role_cod,
                         'BRAND' || d AS drugname, 'INGREDIENT ' || d AS prod_ai
                  FROM (SELECT caseid, ver, k,
                               CASE WHEN k = 1 THEN {_FIRST_DRUG}
                                    ELSE floor(5000 * pow(random(), 2.5))::INT END AS d
                        FROM v, range(1, 5) t(k)
                        WHERE k = 1 OR random() < 0.4))
            TO '{out}/DRUG{yy}Q{q}.txt' (DELIMITER '$', HEADER, QUOTE '')
        """)
        con.execute(f"""
            COPY (SELECT (caseid * 10 + ver)::VARCHAR AS primaryid, caseid::VARCHAR AS caseid,
                         CASE WHEN k = 1 AND {_FIRST_DRUG} % 50 = 7 AND random() < 0.3
                              THEN 'PLANTED EVENT ' || ({_FIRST_DRUG} % 11)
                              ELSE 'EVENT TERM ' || floor(8000 * pow(random(), 2))::INT END
                             AS pt,
                         '' AS drug_rec_act
                  FROM v, range(1, 4) t(k)
                  WHERE k = 1 OR random() < 0.45)
            TO '{out}/REAC{yy}Q{q}.txt' (DELIMITER '$', HEADER, QUOTE '')
        """)
    con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=20_000_000)
    parser.add_argument("--dir", default="/tmp/pv-faers-synthetic")
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB's limit (it spills past)")
    args = parser.parse_args()
    folder = Path(args.dir) / f"{args.reports}"
    if not (folder / QUARTERS[-1].lower()).exists():
        tick = time.perf_counter()
        generate(folder, args.reports)
        print(
            f"generated {args.reports:,} reports in {time.perf_counter() - tick:.1f} s "
            f"({sum(f.stat().st_size for f in folder.rglob('*.txt')) / 1e9:.2f} GB) -> {folder}"
        )
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from signals.faers_engine import faers_count
    from signals.stats import score_table

    start = time.perf_counter()
    counted = faers_count(
        sorted(p for p in folder.iterdir() if p.is_dir()), memory_limit=args.memory_limit
    )
    mid = time.perf_counter()
    result = score_table(counted.pairs)
    end = time.perf_counter()
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    signals = int((result.table["eb05"] >= 2).sum())
    print(
        f"faers_full: {counted.reports:,} reports (latest versions), {len(counted.pairs):,} pairs,"
        f" {len(counted.quarters)} quarters | count {mid - start:.1f} s"
        f" ({', '.join(f'{k} {v:.1f}' for k, v in counted.seconds.items())}),"
        f" fit+score {end - mid:.1f} s, total {end - start:.1f} s | peak RSS {peak_gb:.2f} GB"
        f" | EB05>=2: {signals:,} | fit agreed={result.fit.agreed} points={result.fit.n_points}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
