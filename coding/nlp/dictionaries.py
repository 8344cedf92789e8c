"""Drug and event dictionaries as plain in-memory objects (no Django).

The embedded open defaults load from the gzip'd JSON that `python -m coding.nlp.build`
generates; `coding.nlp.loaders` builds the same objects from licensed files a user brings
(MedDRA, RxNorm, WHODrug). Everything downstream (matching, suggestions, screening) only sees
these two classes, so a licensed dictionary drops in without code changes.
"""

from __future__ import annotations

import functools
import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _read_json_gz(name: str):
    with gzip.open(DATA / name, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def starts_a_name(first: str) -> bool:
    """Whether a name's first token may start a match: one-letter starts count too ("Z-pak",
    "d-mannose", "L-glutamine", "5-FU"), except "a" and "I", which start half of all phrases."""
    return len(first) > 1 or (first.isalnum() and first not in ("a", "i"))


@dataclass
class DrugDictionary:
    """Drug concepts and the names that point at them.

    concepts: code -> {"code", "name", "kind": ingredient|combination|class|product,
                       "drugbank_id", "ingredients": [codes], "members": [codes] (classes)}
    names:    normalised name -> [[code, is_brand], ...]
    exact_only: names that fuzzy matching must not aim at (rare brands of a long list)
    context_only: names that are a product only where the post takes them ("i take iron",
        "iron pills"), not where they are a food or a lab value ("my iron was low")
    readings: names of substances also measured in blood tests ("b12", "uric acid"): no
        product where a reading follows or a test precedes them ("my b12 was low")
    values: readings never taken as a dosed product: a number after them is a value
    """

    meta: dict
    concepts: dict[str, dict]
    names: dict[str, list]
    exact_only: tuple[str, ...] = ()
    context_only: tuple[str, ...] = ()
    readings: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    _first_words: dict[str, int] = field(default_factory=dict, repr=False)

    @classmethod
    def from_raw(cls, raw: dict) -> DrugDictionary:
        """The dictionary of a drug artefact as `coding.nlp.build` writes it (JSON)."""
        return cls(meta=raw["meta"], concepts=raw["concepts"], names=raw["names"],
                   exact_only=tuple(raw.get("exact_only", ())),
                   context_only=tuple(raw.get("context_only", ())),
                   readings=tuple(raw.get("readings", ())),
                   values=tuple(raw.get("values", ())))

    def __post_init__(self) -> None:
        # Longest name (in tokens) starting with each first token: bounds the phrase lookups.
        for key in self.names:
            parts = key.split(" ")
            if starts_a_name(parts[0]):
                self._first_words[parts[0]] = max(self._first_words.get(parts[0], 0), len(parts))

    @property
    def terminology(self) -> dict:
        return {"name": self.meta["name"], "version": self.meta["version"]}

    def lookup(self, norm: str) -> list[dict]:
        """Concepts for an exact normalised name, each with `brand` set when it is a brand."""
        return [dict(self.concepts[code], brand=bool(brand)) for code, brand in
                self.names.get(norm, ()) if code in self.concepts]

    def max_len(self, first_token: str) -> int:
        return self._first_words.get(first_token, 0)


@dataclass
class EventDictionary:
    """A five-level event terminology (LLT -> PT -> HLT -> HLGT -> SOC).

    llts:  normalised LLT text -> [pt_code, llt_text, source, llt_code]
    names: any code -> its term name
    paths: pt_code -> [hlt_code, hlgt_code, soc_code] (the primary path), or
    parents: code -> parent code, from which paths are derived on demand (HPO default).
    smqs:  SMQ code -> {"name", "narrow": [pt_code...], "broad": [pt_code...]} (MedDRA only).
    """

    meta: dict
    llts: dict[str, list]
    names: dict[str, str]
    paths: dict[str, list] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    root: str = ""
    # MedDRA SMQs when the release has smq_list.asc / smq_content.asc: code -> {"name",
    # "narrow": [pt codes], "broad": [pt codes]} (broad = narrow + broad-scope terms).
    smqs: dict[str, dict] = field(default_factory=dict)
    _first_words: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for key in self.llts:
            parts = key.split(" ")
            self._first_words[parts[0]] = max(self._first_words.get(parts[0], 0), len(parts))

    @property
    def terminology(self) -> dict:
        return {"name": self.meta["name"], "version": self.meta["version"]}

    def max_len(self, first_token: str) -> int:
        return self._first_words.get(first_token, 0)

    def path(self, pt_code: str) -> list[str]:
        """[hlt, hlgt, soc] codes for a PT along its one fixed path."""
        if pt_code in self.paths:
            return self.paths[pt_code]
        chain = [pt_code]
        while chain[-1] in self.parents and self.parents[chain[-1]] != self.root:
            chain.append(self.parents[chain[-1]])
            if len(chain) > 50:  # cycles cannot happen in HPO; do not hang if a file has one
                break
        # chain = [pt, parent, ..., soc]; shallow PTs reuse the level above for missing levels.
        soc = chain[-1]
        hlgt = chain[-2] if len(chain) >= 3 else soc
        hlt = chain[1] if len(chain) >= 4 else hlgt
        path = [hlt, hlgt, soc]
        self.paths[pt_code] = path
        return path

    def code(self, pt_code: str, llt_text: str | None = None, llt_code: str | None = None) -> dict:
        """The full five-level coding of a PT (and the LLT it was reached by)."""
        hlt, hlgt, soc = self.path(pt_code)
        return {
            "llt": llt_text or self.names.get(pt_code, pt_code), "llt_code": llt_code or pt_code,
            "pt": self.names.get(pt_code, pt_code), "pt_code": pt_code,
            "hlt": self.names.get(hlt, hlt), "hlt_code": hlt,
            "hlgt": self.names.get(hlgt, hlgt), "hlgt_code": hlgt,
            "soc": self.names.get(soc, soc), "soc_code": soc,
            "terminology": self.meta["name"], "terminology_version": self.meta["version"],
        }


@functools.cache
def default_drugs() -> DrugDictionary:
    """The embedded open drug dictionary (loaded once per process)."""
    return DrugDictionary.from_raw(_read_json_gz("drugs.json.gz"))


@functools.cache
def default_events() -> EventDictionary:
    """The embedded HPO-derived event dictionary (loaded once per process)."""
    raw = _read_json_gz("events.json.gz")
    names = {code: v[0] for code, v in raw["terms"].items()}
    parents = {code: v[1] for code, v in raw["terms"].items()}
    llts = {k: [v[0], v[1], v[2], v[0]] for k, v in raw["llts"].items()}
    return EventDictionary(meta=raw["meta"], llts=llts, names=names, parents=parents,
                           root="HP:0000118")


@functools.cache
def english_words() -> frozenset[str]:
    """Ordinary English words: the guard that keeps fuzzy matching off normal text."""
    return frozenset(_read_json_gz("english_words.json.gz"))


@functools.cache
def common_words() -> frozenset[str]:
    """Frequent English words (4+ letters, not drug names): a token that is one, or that is
    as close to one as to a drug name, is never fuzzy-matched to a drug."""
    return frozenset(_read_json_gz("common_words.json.gz"))


@functools.cache
def drug_indications() -> dict[str, frozenset[str]]:
    """Drug concept code -> the event (HPO) codes it is taken for (`drug_indications.tsv`,
    built into `indications.json.gz`); empty when the file is absent."""
    if not (DATA / "indications.json.gz").exists():
        return {}
    raw = _read_json_gz("indications.json.gz")
    return {code: frozenset(hpo) for code, hpo in raw["treats"].items()}


def dictionary_versions() -> dict:
    """Terminology name + version of the embedded defaults, for storing with results."""
    return {"drugs": default_drugs().terminology, "events": default_events().terminology}
