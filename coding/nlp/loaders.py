"""Loaders for licensed dictionaries a user brings: MedDRA ASCII, RxNorm RRF, WHODrug.

Each returns the same plain objects as the embedded defaults (`EventDictionary`,
`DrugDictionary`), so matching and suggestions work unchanged. The files are read as
distributed; nothing licensed ships with pv (tests use small synthetic fixtures).
"""

from __future__ import annotations

import csv
from collections import defaultdict, deque
from pathlib import Path

from coding.nlp.dictionaries import DrugDictionary, EventDictionary
from coding.nlp.text import norm_phrase


class DictionaryFileError(ValueError):
    """A dictionary file is missing or not in the expected layout."""


def _asc_rows(path: Path):
    """Rows of a MedDRA `.asc` file: `$`-separated with a trailing `$`."""
    if not path.exists():
        raise DictionaryFileError(f"missing MedDRA file: {path.name}")
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line:
                continue
            if not line.endswith("$"):
                raise DictionaryFileError(f"{path.name}:{lineno}: line does not end with '$'")
            yield line[:-1].split("$")


def load_meddra(directory: str | Path, *, version: str | None = None,
                language: str = "en") -> EventDictionary:
    """Load a MedDRA ASCII release directory (the `MedAscii` folder).

    Uses llt/pt/hlt/hlgt/soc for names, mdhier.asc for each PT's primary path
    (primary_soc_fg = "Y"), falling back to hlt_pt/hlgt_hlt/soc_hlgt and pt.asc's primary SOC
    when mdhier.asc has no primary row. Non-current LLTs are kept (old reports use them) but
    marked with source "llt-noncurrent".
    """
    d = Path(directory)
    names: dict[str, str] = {}
    for fname in ("soc.asc", "hlgt.asc", "hlt.asc", "pt.asc"):
        for row in _asc_rows(d / fname):
            names[row[0]] = row[1]
    pt_primary_soc = {row[0]: row[3] for row in _asc_rows(d / "pt.asc") if len(row) > 3}
    paths: dict[str, list] = {}
    for row in _asc_rows(d / "mdhier.asc"):
        pt, hlt, hlgt, soc = row[:4]
        if len(row) > 11 and row[11] == "Y":
            paths[pt] = [hlt, hlgt, soc]
    _fill_paths_from_links(d, paths, pt_primary_soc)
    llts: dict[str, list] = {}
    for row in _asc_rows(d / "llt.asc"):
        llt_code, llt_name, pt_code = row[0], row[1], row[2]
        current = len(row) <= 9 or row[9] in ("Y", "")
        source = "llt" if current else "llt-noncurrent"
        key = norm_phrase(llt_name)
        if key not in llts or llts[key][2] != "llt":  # a current LLT wins a shared spelling
            llts[key] = [pt_code, llt_name, source, llt_code]
    version = version or _meddra_version(d)
    meta = {"name": "MedDRA", "version": version, "language": language,
            "source": f"MedDRA ASCII files in {d.name}"}
    llt_pt = {llt[3]: llt[0] for llt in llts.values()}
    smqs = _load_smqs(d, llt_pt) if (d / "smq_list.asc").exists() else {}
    return EventDictionary(meta=meta, llts=llts, names=names, paths=paths, smqs=smqs)


def _load_smqs(d: Path, llt_pt: dict[str, str]) -> dict[str, dict]:
    """SMQs from smq_list.asc and smq_content.asc: each SMQ's active PTs in the narrow and the
    broad search (broad = narrow + broad-scope terms), LLT entries resolved to their PT and
    sub-SMQs (term level 0) expanded into their parents. Algorithmic categories are not
    applied: an algorithmic SMQ counts as its narrow / broad term lists."""
    names = {row[0]: row[1] for row in _asc_rows(d / "smq_list.asc")}
    narrow: dict[str, set] = defaultdict(set)
    broad: dict[str, set] = defaultdict(set)
    children: dict[str, set] = defaultdict(set)
    for lineno, row in enumerate(_asc_rows(d / "smq_content.asc"), 1):
        if len(row) < 7:
            raise DictionaryFileError(f"smq_content.asc:{lineno}: expected 7 or more fields")
        smq, term, level, scope, status = row[0], row[1], row[2], row[3], row[6]
        if status.upper() == "I":
            continue
        if level == "0":
            children[smq].add(term)
            continue
        pt = term if level == "4" else llt_pt.get(term) if level == "5" else None
        if pt is None:
            continue
        (narrow if scope == "2" else broad)[smq].add(pt)

    def expand(smq: str, seen: frozenset = frozenset()) -> tuple[set, set]:
        nar, bro = set(narrow[smq]), set(broad[smq])
        for child in children[smq] - seen - {smq}:
            n, b = expand(child, seen | {smq})
            nar |= n
            bro |= b
        return nar, bro

    out = {}
    for smq, name in names.items():
        nar, bro = expand(smq)
        out[smq] = {"name": name, "narrow": sorted(nar), "broad": sorted(nar | bro)}
    return out


def _fill_paths_from_links(d: Path, paths: dict, pt_primary_soc: dict) -> None:
    hlt_of_pt: dict[str, list] = defaultdict(list)
    hlgt_of_hlt: dict[str, list] = defaultdict(list)
    soc_of_hlgt: dict[str, list] = defaultdict(list)
    for row in _asc_rows(d / "hlt_pt.asc"):
        hlt_of_pt[row[1]].append(row[0])
    for row in _asc_rows(d / "hlgt_hlt.asc"):
        hlgt_of_hlt[row[1]].append(row[0])
    for row in _asc_rows(d / "soc_hlgt.asc"):
        soc_of_hlgt[row[1]].append(row[0])
    for pt, hlts in hlt_of_pt.items():
        if pt in paths:
            continue
        want = pt_primary_soc.get(pt)
        options = [[h, g, s] for h in hlts for g in hlgt_of_hlt[h] for s in soc_of_hlgt[g]]
        primary = [p for p in options if p[2] == want] or options
        if primary:
            paths[pt] = primary[0]


def _meddra_version(d: Path) -> str:
    release = d / "meddra_release.asc"
    if release.exists():
        row = next(_asc_rows(release), None)
        if row:
            return row[0]
    return "unknown"


# RxNorm term types kept as names, and how they relate to ingredients.
_RX_INGREDIENT_TTYS = {"IN", "PIN", "MIN"}
_RX_NAME_TTYS = {"IN", "PIN", "MIN", "BN", "SCD", "SBD", "SY", "TMSY", "PSN"}
_RX_RELAS = {"tradename_of", "has_tradename", "has_ingredient", "ingredient_of",
             "has_ingredients", "ingredients_of", "consists_of", "constitutes",
             "has_part", "part_of", "form_of", "has_form", "has_precise_ingredient",
             "precise_ingredient_of"}


def load_rxnorm(directory: str | Path, *, version: str | None = None) -> DrugDictionary:
    """Load RxNorm from `RXNCONSO.RRF` and `RXNREL.RRF` (pipe-separated, trailing `|`).

    Concepts: IN/PIN/MIN (ingredients; a MIN is a combination of its INs). Names: those plus
    BN (brand -> ingredients through tradename links) and SCD/SBD clinical/branded drugs
    (-> their ingredients through consists_of/has_ingredient links). Only SAB=RXNORM rows.
    """
    d = Path(directory)
    conso = d / "RXNCONSO.RRF"
    rel = d / "RXNREL.RRF"
    for f in (conso, rel):
        if not f.exists():
            raise DictionaryFileError(f"missing RxNorm file: {f.name}")
    tty_of: dict[str, str] = {}
    strings: list[tuple[str, str, str]] = []
    with conso.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            f = line.rstrip("\r\n").split("|")
            if len(f) < 15:
                raise DictionaryFileError(f"RXNCONSO.RRF:{lineno}: expected 18 fields")
            rxcui, sab, tty, text, suppress = f[0], f[11], f[12], f[14], f[16]
            if sab != "RXNORM" or suppress in ("O", "Y", "E") or tty not in _RX_NAME_TTYS:
                continue
            if tty in _RX_INGREDIENT_TTYS | {"BN", "SCD", "SBD"}:
                tty_of.setdefault(rxcui, tty)
            strings.append((rxcui, tty, text))
    edges: dict[str, set[str]] = defaultdict(set)
    with rel.open(encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\r\n").split("|")
            if len(f) > 7 and f[7] in _RX_RELAS:
                edges[f[0]].add(f[4])
                edges[f[4]].add(f[0])
    concepts: dict[str, dict] = {}
    preferred = {c: t for c, tty, t in strings if tty in _RX_INGREDIENT_TTYS | {"BN", "SCD", "SBD"}}
    for rxcui, tty in tty_of.items():
        if tty in ("IN", "PIN"):
            concepts[rxcui] = {"code": rxcui, "name": preferred[rxcui], "kind": "ingredient",
                               "drugbank_id": None, "ingredients": [rxcui]}
    for rxcui, tty in tty_of.items():
        if tty == "MIN" or tty not in ("IN", "PIN"):
            ingredients = _rx_ingredients(rxcui, tty_of, edges)
            if tty == "PIN" or not ingredients:
                continue
            kind = "combination" if len(ingredients) > 1 else (
                "ingredient" if tty == "MIN" else "product")
            concepts[rxcui] = {"code": rxcui, "name": preferred[rxcui], "kind": kind,
                               "drugbank_id": None, "ingredients": ingredients}
    names: dict[str, list] = {}
    for rxcui, tty, text in strings:
        # Brand names code to the brand concept whose ingredients carry the meaning.
        if rxcui in concepts:
            names.setdefault(norm_phrase(text), [])
            entry = [rxcui, int(tty in ("BN", "SBD"))]
            if entry not in names[norm_phrase(text)]:
                names[norm_phrase(text)].append(entry)
    meta = {"name": "RxNorm", "version": version or "unknown", "source": f"RxNorm RRF in {d.name}"}
    return DrugDictionary(meta=meta, concepts=concepts, names=names)


def _rx_ingredients(start: str, tty_of: dict, edges: dict) -> list[str]:
    """IN concepts reachable from `start`, stopping at ingredients (BFS, depth <= 3)."""
    found: list[str] = []
    seen = {start}
    queue = deque([(start, 0)])
    while queue:
        node, depth = queue.popleft()
        for nxt in sorted(edges.get(node, ())):
            if nxt in seen:
                continue
            seen.add(nxt)
            tty = tty_of.get(nxt)
            if tty == "IN":
                found.append(nxt)
            elif tty == "MIN":  # a brand of a multi-ingredient: take the MIN's ingredients
                found.extend(x for x in edges.get(nxt, ()) if tty_of.get(x) == "IN")
            elif tty == "PIN" or (tty in ("SCD", "SBD") and tty_of.get(start) == "BN"):
                # A brand's SBDs lead to other brands' combinations: do not walk through them.
                continue
            elif depth < 2:
                queue.append((nxt, depth + 1))
    return sorted(set(found))


# WHODrug files come in several export layouts; the caller says where the fields are.
WHODRUG_DEFAULT_LAYOUT = {
    "delimiter": "\t",      # None for fixed width
    "header": True,          # first row is a header naming the columns below
    "columns": {             # field -> column name (header) or index (delimited) or [start, end)
        "drug_record_number": "drug_record_number",
        "seq1": "seq1",
        "seq2": "seq2",
        "drug_name": "drug_name",
    },
}


def load_whodrug(path: str | Path, *, version: str, layout: dict | None = None) -> DrugDictionary:
    """Load a WHODrug drug-name file with a configurable column layout.

    Each distinct drug record number is one concept; the row with seq1 == "01" and
    seq2 == "001" names it (the preferred base name), the other rows are synonyms and trade
    names (seq2 != "001" marks a trade name). `layout` follows `WHODRUG_DEFAULT_LAYOUT`;
    for fixed-width files give `"delimiter": None` and `[start, end)` character slices.
    """
    lay = {**WHODRUG_DEFAULT_LAYOUT, **(layout or {})}
    cols = {**WHODRUG_DEFAULT_LAYOUT["columns"], **lay.get("columns", {})}
    p = Path(path)
    if not p.exists():
        raise DictionaryFileError(f"missing WHODrug file: {p.name}")
    rows = list(_whodrug_rows(p, lay, cols))
    concepts: dict[str, dict] = {}
    names: dict[str, list] = {}
    for rec in rows:
        code = rec["drug_record_number"]
        if rec["seq1"] == "01" and rec["seq2"] == "001" or code not in concepts:
            concepts[code] = {"code": code, "name": rec["drug_name"], "kind": "ingredient",
                              "drugbank_id": None, "ingredients": [code]}
    for rec in rows:
        entry = [rec["drug_record_number"], int(rec["seq2"] != "001")]
        bucket = names.setdefault(norm_phrase(rec["drug_name"]), [])
        if entry not in bucket:
            bucket.append(entry)
    meta = {"name": "WHODrug", "version": version, "source": f"WHODrug file {p.name}"}
    return DrugDictionary(meta=meta, concepts=concepts, names=names)


def _whodrug_rows(p: Path, lay: dict, cols: dict):
    with p.open(encoding="utf-8-sig", newline="") as fh:
        if lay["delimiter"] is None:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield {k: line[s:e].strip() for k, (s, e) in cols.items()}
                except (TypeError, ValueError) as exc:
                    raise DictionaryFileError(f"{p.name}:{lineno}: bad fixed-width layout") from exc
            return
        reader = csv.reader(fh, delimiter=lay["delimiter"])
        header: list[str] | None = next(reader) if lay["header"] else None
        for lineno, row in enumerate(reader, 2 if header else 1):
            if not row:
                continue
            rec = {}
            for k, col in cols.items():
                idx = header.index(col) if isinstance(col, str) and header else int(col)
                if idx >= len(row):
                    raise DictionaryFileError(f"{p.name}:{lineno}: no column {col!r}")
                rec[k] = row[idx].strip()
            yield rec
