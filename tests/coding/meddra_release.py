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
) -> Path:
    """`terms`: one dict per PT: {"pt": (code, name), "soc": key of SOCS,
    "llts": [(code, name, current: bool), ...]}. The PT's own name is always an LLT too
    (code = PT code), as in MedDRA. Returns the folder."""
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
    for name, lines in rows.items():
        (folder / f"{name}.asc").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "meddra_release.asc").write_text(f"{version}$English$pv TEST release$\n")
    return folder
