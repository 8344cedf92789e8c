"""FAERS counting on Dask: the DuckDB engine's conventions for when one machine is not enough.

`signals.faers_engine` counts every quarter on one machine (20 million reports in minutes).
Past that, the same relational steps run on a Dask cluster (``pip install 'pv[distributed]'``;
a `distributed.Client` connected to the cluster is used when one is active, else Dask's local
threads):

1. read each quarter's DEMO, DRUG and REAC files as ``$``-separated text (``dd.read_csv`` in
   blocks, so a file is split across workers), every column as a string, latin-1;
2. the latest version of each case: the greatest (``fda_dt``, version id) per caseid (a
   group-by max, then a join back), deleted caseids removed;
3. suspect drugs (PS, SS by default): ``prod_ai`` else ``drugname``, a combination split on
   ``\\`` into ingredients, names trimmed, inner spaces collapsed, upper-cased, mapped through
   ``name_map``; PTs the same way;
4. the distinct (case, drug, event) relation, then four aggregations: N per pair, distinct
   cases per drug, per event and in total.

Only that aggregate comes back to the caller (`FaersCount.pairs`, the stats core's
PAIR_COLUMNS), to be scored by ``signals.stats.score_table`` as the DuckDB path's is. A test
runs it on a `distributed.LocalCluster` and checks it gives the DuckDB engine's counts exactly.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from signals.faers import DEFAULT_ROLES, FaersFormatError, _detect_layout, _members, _quarter
from signals.faers_engine import FaersCount, _file


def _read(dd, path: str, wanted: Mapping[str, str | None], blocksize: str):
    """A Dask frame of one FAERS table with the `wanted` columns (file column -> name)."""
    with open(path, "rb") as handle:
        header = handle.readline().decode("latin-1").strip().lower().split("$")
    # Legacy AERS lines end with a "$" the header lacks: one spare name takes that field.
    names = [*header, "__spare"]
    frame = dd.read_csv(
        path,
        sep="$",
        header=None,
        skiprows=1,
        names=names,
        dtype=str,
        quoting=3,  # csv.QUOTE_NONE: FAERS has no quoting
        encoding="latin-1",
        keep_default_na=False,
        blocksize=blocksize,
    )
    columns = {name: source for name, source in wanted.items() if source is not None}
    missing = [source for source in columns.values() if source not in header]
    if missing:
        raise FaersFormatError(f"{Path(path).name}: column(s) {', '.join(missing)} missing")
    return frame[list(columns.values())].rename(columns={s: n for n, s in columns.items()})


def _tidy(series: pd.Series) -> pd.Series:
    """Trim, collapse inner whitespace, upper-case (the DuckDB engine's normalisation)."""
    return series.astype(str).str.strip().str.replace(r"\s+", " ", regex=True).str.upper()


def _drug_rows(
    part: pd.DataFrame, *, roles: list[str], split: bool, names: dict[str, str]
) -> pd.DataFrame:
    """(primaryid, drug) of one partition of DRUG rows: suspect roles, prod_ai else drugname,
    split into ingredients, normalised, mapped (plain pandas, run on every partition)."""
    part = part[part["role_cod"].fillna("").str.strip().str.upper().isin(roles)]
    name = part["drugname"].fillna("")
    if "prod_ai" in part.columns:
        ai = part["prod_ai"].fillna("")
        name = ai.where(ai.str.strip() != "", name)
    parts = name.str.split("\\", regex=False) if split else name.map(lambda v: [v])
    out = pd.DataFrame({"primaryid": part["primaryid"].fillna("").str.strip(), "raw": parts})
    out = out.explode("raw")
    drug = _tidy(out["raw"].fillna(""))
    if names:
        drug = drug.map(lambda v: names.get(v, v))
    out = pd.DataFrame({"primaryid": out["primaryid"], "drug": drug})
    return out[out["drug"] != ""].reset_index(drop=True)


def _reac_rows(part: pd.DataFrame) -> pd.DataFrame:
    """(primaryid, event) of one partition of REAC rows, PTs normalised, blanks dropped."""
    out = pd.DataFrame(
        {
            "primaryid": part["primaryid"].fillna("").str.strip(),
            "event": _tidy(part["pt"].fillna("")),
        }
    )
    return out[out["event"] != ""].reset_index(drop=True)


def faers_count_dask(
    sources: Iterable[str | Path],
    *,
    roles: Iterable[str] = DEFAULT_ROLES,
    name_map: Mapping[str, str] | None = None,
    deleted: Iterable[str] = (),
    split_combinations: bool = True,
    blocksize: str = "64MB",
) -> FaersCount:
    """Count (drug, event) pairs over FAERS quarters on Dask; see the module docstring."""
    import dask  # noqa: PLC0415  (optional dependency: pip install 'pv[distributed]')
    import dask.dataframe as dd  # noqa: PLC0415

    clock: dict[str, float] = {}
    tick = time.perf_counter()
    role_set = {r.upper() for r in roles}
    names = {k.upper(): v.upper() for k, v in (name_map or {}).items()}
    gone = {str(d) for d in deleted}
    with tempfile.TemporaryDirectory(prefix="pv-faers-dask-") as scratch:
        folder = Path(scratch)
        demos, drugs, reacs, quarters = [], [], [], []
        for source in sources:
            members = _members(Path(source))
            layout = _detect_layout(members["DEMO"])
            quarters.append(_quarter(members["DEMO"][0]))
            version = layout.version
            demos.append(_read(dd, _file(members["DEMO"], folder),
                               {"primaryid": version, "caseid": layout.case, "fda_dt": "fda_dt"},
                               blocksize))  # fmt: skip
            drugs.append(_read(dd, _file(members["DRUG"], folder),
                               {"primaryid": version, "role_cod": "role_cod",
                                "drugname": "drugname",
                                "prod_ai": "prod_ai" if layout.has_prod_ai else None},
                               blocksize))  # fmt: skip
            reacs.append(_read(dd, _file(members["REAC"], folder),
                               {"primaryid": version, "pt": "pt"}, blocksize))  # fmt: skip
            if "DELE" in members:
                text = Path(_file(members["DELE"], folder)).read_text(encoding="latin-1")
                gone |= {line.split("$")[0].strip() for line in text.splitlines() if line.strip()}
        if not demos:
            raise FaersFormatError("no FAERS quarter given")
        labels = [q for q in quarters if q]
        twice = sorted({q for q in labels if labels.count(q) > 1})
        if twice:
            raise FaersFormatError(f"quarter {', '.join(twice)} given more than once")

        demo = dd.concat(demos)
        demo = demo.assign(
            caseid=demo["caseid"].str.strip(), primaryid=demo["primaryid"].str.strip()
        )
        demo = demo[(demo["caseid"] != "") & ~demo["caseid"].isin(sorted(gone))]
        rank = dd.to_numeric(demo["fda_dt"].str.strip(), errors="coerce").fillna(0).astype("int64")
        version = dd.to_numeric(demo["primaryid"], errors="coerce").fillna(0).astype("int64")
        demo = demo.assign(key=rank * 10_000_000_000 + version)[["caseid", "primaryid", "key"]]
        best = demo.groupby("caseid")["key"].max().reset_index()
        latest = demo.merge(best, on=["caseid", "key"])[["caseid", "primaryid"]]
        latest = latest.drop_duplicates(subset=["caseid"])

        drug = (
            dd.concat(drugs)
            .map_partitions(
                _drug_rows, roles=sorted(role_set), split=split_combinations, names=names
            )
            .drop_duplicates()
        )
        reac = dd.concat(reacs).map_partitions(_reac_rows).drop_duplicates()

        pairs = latest.merge(drug, on="primaryid").merge(reac, on="primaryid")
        pairs = pairs[["caseid", "drug", "event"]].drop_duplicates()
        clock["plan"] = time.perf_counter() - tick
        tick = time.perf_counter()
        n_pair, n_drug, n_event, n_total = dask.compute(
            pairs.groupby(["drug", "event"]).size(),
            pairs[["caseid", "drug"]].drop_duplicates().groupby("drug").size(),
            pairs[["caseid", "event"]].drop_duplicates().groupby("event").size(),
            pairs["caseid"].nunique(),
        )
        clock["compute"] = time.perf_counter() - tick
    table = n_pair.rename("n").reset_index()
    table = table.merge(n_drug.rename("n_drug").reset_index(), on="drug")
    table = table.merge(n_event.rename("n_event").reset_index(), on="event")
    table["n_total"] = np.int64(n_total)
    table["expected"] = table["n_drug"].to_numpy(np.float64) * table["n_event"] / n_total
    table = table.sort_values(["drug", "event"]).reset_index(drop=True)
    for col in ("n", "n_drug", "n_event"):
        table[col] = table[col].astype(np.int64)
    columns = ["drug", "event", "n", "n_drug", "n_event", "n_total", "expected"]
    return FaersCount(pairs=table[columns], reports=int(n_total), quarters=quarters, seconds=clock)
