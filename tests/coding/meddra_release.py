"""Write a small synthetic release in the MedDRA ASCII layout, for tests only.

Every code here is made up (8-digit codes starting with 7) and the terms are taken from pv's own
open terminology; it is labelled "pv TEST release" and is not MedDRA. It exercises the real
loader (`pv dictionaries load --format meddra`) and the mapping from the open terminology.
"""

from __future__ import annotations

from pathlib import Path

from coding.nlp import default_events
from coding.nlp.text import norm_phrase

SOCS = {"general": "Test SOC general disorders", "nervous": "Test SOC nervous system"}


def open_pt(phrase: str) -> tuple[str, str]:
    """(open PT code, open PT name) of a phrase in pv's open terminology."""
    events = default_events()
    pt_code = events.llts[norm_phrase(phrase)][0]
    return pt_code, events.names[pt_code]


def write_release(
    folder: Path,
    *,
    version: str,
    terms: list[dict],
    smqs: list[dict] | None = None,
) -> Path:
    """`terms`: one dict per PT: {"pt": (code, name), "soc": key of SOCS,
    "llts": [(code, name, current: bool), ...]}. The PT's own name is always an LLT too
    (code = PT code), as in MedDRA. `smqs` (optional; written as smq_list.asc and
    smq_content.asc in MedDRA's layout): {"code", "name", "narrow": [term codes],
    "broad": [term codes], "inactive": [term codes], "children": [smq codes]}; a term code
    that is an LLT's is written at LLT level (5), else at PT level (4). Returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    soc_codes = {key: f"7000000{n}" for n, key in enumerate(sorted(SOCS), 1)}
    rows: dict[str, list[str]] = {
        name: []
        for name in ("llt", "pt", "hlt", "hlgt", "soc", "hlt_pt", "hlgt_hlt", "soc_hlgt", "mdhier")
    }
    for key, code in soc_codes.items():
        rows["soc"].append(f"{code}${SOCS[key]}${key[:4].upper()}$")
    for n, term in enumerate(terms, 1):
        pt_code, pt_name = term["pt"]
        soc = soc_codes[term.get("soc", "general")]
        hlgt, hlt = f"71{n:06d}", f"72{n:06d}"
        hlgt_name, hlt_name = f"Test HLGT {pt_name}", f"Test HLT {pt_name}"
        rows["hlgt"].append(f"{hlgt}${hlgt_name}$")
        rows["hlt"].append(f"{hlt}${hlt_name}$")
        rows["soc_hlgt"].append(f"{soc}${hlgt}$")
        rows["hlgt_hlt"].append(f"{hlgt}${hlt}$")
        rows["hlt_pt"].append(f"{hlt}${pt_code}$")
        rows["pt"].append(f"{pt_code}${pt_name}$${soc}$")
        rows["mdhier"].append(
            f"{pt_code}${hlt}${hlgt}${soc}${pt_name}${hlt_name}${hlgt_name}$SOC$S$${soc}$Y$"
        )
        llts = [(pt_code, pt_name, True), *term.get("llts", [])]
        for llt_code, llt_name, current in llts:
            rows["llt"].append(f"{llt_code}${llt_name}${pt_code}$$$$$$${'Y' if current else 'N'}$")
    llt_only = {c for t in terms for c, _n, _cur in t.get("llts", [])} - {
        t["pt"][0] for t in terms
    }
    if smqs:
        rows["smq_list"], rows["smq_content"] = [], []
        for smq in smqs:
            level = "1" if smq.get("children") else "2"
            rows["smq_list"].append(
                f"{smq['code']}${smq['name']}${level}$Test SMQ$pv test$$98.0$A$N$"
            )
            for scope, key in (("2", "narrow"), ("1", "broad"), ("2", "inactive")):
                for code in smq.get(key, []):
                    status = "I" if key == "inactive" else "A"
                    rows["smq_content"].append(
                        f"{smq['code']}${code}${'5' if code in llt_only else '4'}${scope}$A$0$"
                        f"{status}$98.0$98.0$"
                    )
            for child in smq.get("children", []):
                rows["smq_content"].append(f"{smq['code']}${child}$0$0$A$0$A$98.0$98.0$")
    for name, lines in rows.items():
        (folder / f"{name}.asc").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "meddra_release.asc").write_text(f"{version}$English$pv TEST release$\n")
    return folder
