"""Build the drug -> treated conditions table (`indications.json.gz`) from
`drug_indications.tsv`, resolved against the drug and event dictionaries being built.

Drugs: a class code of drug_classes.tsv (the class and every member) or a name the drug
dictionary knows (all the concepts it names that are ingredients, combinations or classes;
combinations containing a listed ingredient inherit its conditions). Conditions: an HPO id,
an HPO label or a phrase the event dictionary knows, plus all its HPO descendants.
"""

from __future__ import annotations

from pathlib import Path

from coding.nlp.text import norm_phrase

DATA = Path(__file__).parent / "data"


def _children(terms: dict[str, dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for tid, t in terms.items():
        if t.get("obsolete"):
            continue
        for parent in t["isa"]:
            out.setdefault(parent, []).append(tid)
    return out


def _descendants(tid: str, children: dict[str, list[str]]) -> set[str]:
    seen, stack = {tid}, [tid]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def build_indications(drugs: dict, events: dict, terms: dict[str, dict]) -> dict:
    """{"meta", "treats": {drug concept code: [HPO ids]}} (sorted, reproducible)."""
    concepts, names, llts = drugs["concepts"], drugs["names"], events["llts"]
    labels = {t["name"].lower(): tid for tid, t in terms.items()
              if tid in events["terms"] and "name" in t}
    children = _children(terms)
    treats: dict[str, set[str]] = {}
    unresolved: list[str] = []
    for n, line in enumerate((DATA / "drug_indications.tsv").read_text(
            encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        drug_field, _, cond_field = line.partition("\t")
        conditions: set[str] = set()
        for phrase in filter(None, (p.strip() for p in cond_field.split("|"))):
            tid = phrase if phrase.startswith("HP:") else labels.get(phrase.lower()) or (
                llts.get(norm_phrase(phrase)) or [None])[0]
            if tid not in events["terms"]:
                unresolved.append(f"line {n}: condition {phrase!r}")
                continue
            conditions |= _descendants(tid, children) & events["terms"].keys()
        for drug in filter(None, (d.strip() for d in drug_field.split("|"))):
            if drug.startswith("class:"):
                if drug not in concepts:
                    unresolved.append(f"line {n}: class {drug!r}")
                    continue
                codes = [drug, *concepts[drug].get("members", [])]
            else:
                codes = [c for c, _ in names.get(norm_phrase(drug), ())
                         if concepts.get(c, {}).get("kind") in ("ingredient", "combination",
                                                                 "class")]
                if not codes:
                    unresolved.append(f"line {n}: drug {drug!r}")
                    continue
            for code in codes:
                treats.setdefault(code, set()).update(conditions)
    if unresolved:
        raise SystemExit("drug_indications.tsv: not in the dictionaries:\n  "
                         + "\n  ".join(unresolved))
    # A combination product treats what its ingredients treat.
    for code, concept in concepts.items():
        if concept.get("kind") == "combination":
            found = set().union(*(treats.get(i, set()) for i in concept.get("ingredients", ())))
            if found:
                treats.setdefault(code, set()).update(found)
    return {"meta": {"name": "pv drug indications", "version": "pv2",
                     "source": "drug_indications.tsv (FDA labels' Indications and Usage, "
                               "NIH ODS fact sheets; public domain), HPO descendants"},
            "treats": {code: sorted(treats[code]) for code in sorted(treats) if treats[code]}}
