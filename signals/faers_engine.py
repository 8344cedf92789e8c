"""FAERS at full size: count every quarter a user brings out of core, with DuckDB (no Django).

`signals.faers` reads a quarter into pandas, which is right for a few quarters and for the
tests. The whole FAERS archive is tens of millions of rows; holding it in pandas needs more
memory than a workstation has. This module gives DuckDB the same conventions
(`signals.faers`'s docstring) as SQL over the ``$``-separated files themselves, spilling to
disk under a memory limit, and returns only the aggregate: one row per (drug, event) with the
distinct-report margins ``signals.stats.score_table`` needs.

* **Latest version per case** over all quarters: the version with the latest ``fda_dt``, ties
  to the highest version id; caseids in any quarter's deletion list are removed.
* **Roles** PS and SS by default; the drug is ``prod_ai`` (split on ``\\``) when present, else
  ``drugname``; names are trimmed, inner spaces collapsed and upper-cased, then mapped through
  ``name_map`` (brand / salt -> ingredient, e.g. from coding's drug dictionary) when given.
* **Counting unit** the caseid; a case counts once per drug, event and pair (openEBGM's
  distinct-report convention), over cases that have both a drug and an event.

DuckDB was chosen over Polars for this: the whole step is one SQL query with window functions
and DISTINCT counts, DuckDB spills those to disk under a hard memory limit, it reads the
``$``-separated files directly (no conversion step), and it installs as one wheel.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from signals.faers import DEFAULT_ROLES, FaersFormatError, _detect_layout, _members, _quarter

_AGE_YEARS = (
    "CASE upper(age_cod) WHEN 'DEC' THEN 10 WHEN 'YR' THEN 1 WHEN 'MON' THEN 1/12 "
    "WHEN 'WK' THEN 7/365.25 WHEN 'DY' THEN 1/365.25 WHEN 'HR' THEN 1/8766 END"
)


@dataclass
class FaersCount:
    """The aggregate and what it took: ``pairs`` has the PAIR_COLUMNS of the stats core."""

    pairs: pd.DataFrame
    reports: int
    quarters: list[str]
    seconds: dict[str, float] = field(default_factory=dict)


def _file(member: tuple[str, bytes | Path], folder: Path) -> str:
    """A path DuckDB can read: members of a zip are written out to `folder` first."""
    name, data = member
    if isinstance(data, Path):
        return str(data)
    target = folder / Path(name).name
    target.write_bytes(data)
    return str(target)


def _reader(path: str, columns: Mapping[str, str]) -> str:
    """A DuckDB `read_csv` of one FAERS table, every column as text, no quoting (FAERS has
    none), latin-1 as FDA's files are not valid UTF-8 in every quarter; `columns` maps the
    file's column name to the name it gets in the union."""
    literal = path.replace("'", "''")
    select = ", ".join(f'"{src}" AS {dst}' if src else f"NULL AS {dst}"
                       for dst, src in columns.items())  # fmt: skip
    # The path is quoted ('' escapes) and the column names are this module's constants.
    return (
        f"SELECT {select} FROM read_csv('{literal}', delim='$', header=true, quote='',"  # noqa: S608
        " escape='', all_varchar=true, null_padding=true, encoding='latin-1',"
        " strict_mode=false)"
    )


def _quarter_sql(members: dict, folder: Path) -> tuple[str, str, str, str | None, str]:
    if not {"DEMO", "DRUG", "REAC"} <= set(members):
        missing = {"DEMO", "DRUG", "REAC"} - set(members)
        raise FaersFormatError(f"a quarter lacks its {', '.join(sorted(missing))} table")
    layout = _detect_layout(members["DEMO"])
    quarter = _quarter(members["DEMO"][0])
    legacy = layout.version == "isr"
    demo = _reader(_file(members["DEMO"], folder), {
        "primaryid": layout.version, "caseid": layout.case, "fda_dt": "fda_dt",
        "sex": layout.sex, "age": "age", "age_cod": "age_cod"})  # fmt: skip
    drug = _reader(_file(members["DRUG"], folder), {
        "primaryid": layout.version, "role_cod": "role_cod", "drugname": "drugname",
        "prod_ai": "" if legacy else "prod_ai"})  # fmt: skip
    reac = _reader(_file(members["REAC"], folder), {"primaryid": layout.version, "pt": "pt"})
    dele = None
    if "DELE" in members:
        path = _file(members["DELE"], folder).replace("'", "''")
        dele = (f"SELECT trim(column0) AS caseid FROM read_csv('{path}', header=false, "  # noqa: S608
                "columns={'column0': 'VARCHAR'}, delim='$', quote='')")  # fmt: skip
    return demo, drug, reac, dele, quarter


def _insert(con, table: str, rows: list[tuple]) -> None:
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608


def faers_count(
    sources: Iterable[str | Path],
    *,
    roles: Iterable[str] = DEFAULT_ROLES,
    name_map: Mapping[str, str] | None = None,
    deleted: Iterable[str] = (),
    memory_limit: str = "6GB",
    threads: int | None = None,
    temp_directory: str | Path | None = None,
    split_combinations: bool = True,
) -> FaersCount:
    """Count (drug, event) pairs over FAERS quarters (folders or FDA zips), out of core.

    ``split_combinations``: a combination's ``prod_ai`` ("A\\B") counts as each ingredient
    (as the service does); False keeps it as one name, as `signals.faers` does."""
    import duckdb  # noqa: PLC0415  (a heavy import, only for this path)

    clock: dict[str, float] = {}
    tick = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pv-faers-") as scratch:
        folder = Path(scratch)
        parts = [_quarter_sql(_members(Path(s)), folder) for s in sources]
        if not parts:
            raise FaersFormatError("no FAERS quarter given")
        labels = [p[4] for p in parts if p[4]]
        twice = sorted({q for q in labels if labels.count(q) > 1})
        if twice:
            # Cases are de-duplicated by version anyway, but the same quarter named twice is
            # a mistake in the command line (a folder and its zip): refuse it rather than guess.
            raise FaersFormatError(f"quarter {', '.join(twice)} given more than once")
        con = duckdb.connect()
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET temp_directory = '{temp_directory or folder}'")
        con.execute("SET preserve_insertion_order = false")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.execute("CREATE TEMP TABLE role_ok (role VARCHAR)")
        _insert(con, "role_ok", [(r.upper(),) for r in roles])
        con.execute("CREATE TEMP TABLE gone (caseid VARCHAR)")
        _insert(con, "gone", [(str(d),) for d in deleted])
        for _demo, _drug, _reac, dele, _q in parts:
            if dele:
                con.execute(f"INSERT INTO gone {dele}")
        con.execute("CREATE TEMP TABLE names (name VARCHAR, ingredient VARCHAR)")
        _insert(con, "names", [(k.upper(), v.upper()) for k, v in (name_map or {}).items()])
        union = " UNION ALL ".join
        con.execute(f"CREATE TEMP VIEW demo AS {union(p[0] for p in parts)}")
        con.execute(f"CREATE TEMP VIEW drug AS {union(p[1] for p in parts)}")
        con.execute(f"CREATE TEMP VIEW reac AS {union(p[2] for p in parts)}")
        separator = "\\" if split_combinations else chr(0)
        clock["setup"] = time.perf_counter() - tick
        tick = time.perf_counter()
        # Latest version of every case (a hash aggregate, not a sort): the greatest
        # (fda_dt, version id), packed in one integer (yyyymmdd * 1e10 + id < 2^63).
        con.execute("""
            CREATE TEMP TABLE latest AS
            SELECT caseid, max_by(primaryid, coalesce(TRY_CAST(fda_dt AS BIGINT), 0)
                                  * 10000000000 + coalesce(TRY_CAST(primaryid AS BIGINT), 0))
                   AS primaryid
            FROM (SELECT trim(caseid) AS caseid, trim(primaryid) AS primaryid, fda_dt FROM demo)
            WHERE caseid IS NOT NULL AND caseid <> '' AND caseid NOT IN (SELECT caseid FROM gone)
            GROUP BY caseid
        """)
        # Suspect drugs and PTs as written; names are normalised once per distinct spelling.
        con.execute(
            """
            CREATE TEMP TABLE d AS
            SELECT DISTINCT primaryid, part AS raw FROM (
                SELECT trim(primaryid) AS primaryid, unnest(string_split(
                    CASE WHEN coalesce(trim(prod_ai), '') <> '' THEN prod_ai ELSE drugname END,
                    $sep)) AS part
                FROM drug WHERE upper(trim(role_cod)) IN (SELECT role FROM role_ok))
        """,
            {"sep": separator},
        )
        con.execute("""
            CREATE TEMP TABLE dn AS
            SELECT raw, coalesce(n.ingredient, norm) AS drug FROM (
                SELECT raw, upper(regexp_replace(trim(raw), '\\s+', ' ', 'g')) AS norm
                FROM (SELECT DISTINCT raw FROM d)) LEFT JOIN names n ON n.name = norm
            WHERE norm <> ''
        """)
        con.execute("""
            CREATE TEMP TABLE r AS
            SELECT DISTINCT trim(primaryid) AS primaryid, pt AS raw FROM reac
            WHERE coalesce(trim(pt), '') <> ''
        """)
        con.execute("""
            CREATE TEMP TABLE rn AS
            SELECT raw, upper(regexp_replace(trim(raw), '\\s+', ' ', 'g')) AS event
            FROM (SELECT DISTINCT raw FROM r)
        """)
        con.execute("""
            CREATE TEMP TABLE pairs AS
            SELECT DISTINCT l.caseid, dn.drug, rn.event
            FROM latest l
            JOIN d USING (primaryid) JOIN dn ON dn.raw = d.raw
            JOIN r USING (primaryid) JOIN rn ON rn.raw = r.raw
        """)
        clock["dedup_and_join"] = time.perf_counter() - tick
        tick = time.perf_counter()
        # Names travel once, as the categories; the pair rows carry small integer codes (20
        # million pairs as Python strings would cost more memory than the counting itself).
        con.execute("""
            CREATE TEMP TABLE drug_ids AS
            SELECT drug, (row_number() OVER (ORDER BY drug) - 1)::INTEGER AS drug_id,
                   n_drug
            FROM (SELECT drug, count(DISTINCT caseid) AS n_drug FROM pairs GROUP BY drug)
        """)
        con.execute("""
            CREATE TEMP TABLE event_ids AS
            SELECT event, (row_number() OVER (ORDER BY event) - 1)::INTEGER AS event_id,
                   n_event
            FROM (SELECT event, count(DISTINCT caseid) AS n_event FROM pairs GROUP BY event)
        """)
        drugs = [r[0] for r in con.execute("SELECT drug FROM drug_ids ORDER BY drug_id").fetchall()]
        events = [
            r[0] for r in con.execute("SELECT event FROM event_ids ORDER BY event_id").fetchall()
        ]
        coded = con.execute("""
            WITH total AS (SELECT count(DISTINCT caseid) AS n_total FROM pairs),
            by_pair AS (SELECT drug, event, count(*) AS n FROM pairs GROUP BY drug, event)
            SELECT d.drug_id, e.event_id, p.n::INTEGER AS n, d.n_drug::INTEGER AS n_drug,
                   e.n_event::INTEGER AS n_event, t.n_total::INTEGER AS n_total,
                   d.n_drug::DOUBLE * e.n_event / t.n_total AS expected
            FROM by_pair p JOIN drug_ids d USING (drug) JOIN event_ids e USING (event), total t
            ORDER BY d.drug_id, e.event_id
        """).df()
        pairs = pd.DataFrame(
            {
                "drug": pd.Categorical.from_codes(coded.pop("drug_id"), categories=drugs),
                "event": pd.Categorical.from_codes(coded.pop("event_id"), categories=events),
                **{c: coded[c].to_numpy() for c in coded.columns},
            }
        )
        del coded
        reports = int(pairs["n_total"].iloc[0]) if len(pairs) else 0
        clock["count"] = time.perf_counter() - tick
        con.close()
    return FaersCount(pairs=pairs, reports=reports, quarters=[p[4] for p in parts], seconds=clock)
