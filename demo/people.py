"""Fictional community members: names, contact details, demographics, conditions and treatments."""

from __future__ import annotations

import random
import unicodedata
from datetime import date

from demo.catalog import CONDITIONS

# (country, weight, name pool, phone prefix, weight unit)
COUNTRIES: list[tuple[str, int, str, str, str]] = [
    ("US", 34, "en", "+1 {area} ", "lbs"),
    ("GB", 14, "en", "+44 20 ", "stone"),
    ("DE", 9, "de", "+49 30 ", "kg"),
    ("FR", 8, "fr", "+33 1 ", "kg"),
    ("ES", 7, "es", "+34 91 ", "kg"),
    ("IT", 6, "it", "+39 06 ", "kg"),
    ("NL", 6, "nl", "+31 20 ", "kg"),
    ("CA", 8, "en", "+1 {ca_area} ", "lbs"),
    ("IE", 3, "en", "+353 1 ", "kg"),
    ("AU", 2, "en", "+61 2 ", "kg"),
    ("SE", 2, "sv", "+46 8 ", "kg"),
    ("BE", 1, "fr", "+32 2 ", "kg"),
]

US_AREAS = ["212", "312", "415", "617", "713", "206", "404", "303", "602", "503"]
CA_AREAS = ["416", "604", "403", "514", "613"]

FIRST_NAMES: dict[str, dict[str, list[str]]] = {
    "en": {"F": ["Sarah", "Jessica", "Emily", "Karen", "Linda", "Megan", "Rachel", "Laura",
                 "Danielle", "Heather", "Amanda", "Brenda", "Chloe", "Siobhan", "Grace",
                 "Tanya", "Paula", "Denise", "Kayla", "Holly"],
           "M": ["Michael", "James", "David", "Chris", "Brian", "Kevin", "Tom", "Daniel",
                 "Gary", "Steve", "Ryan", "Liam", "Connor", "Derek", "Nathan", "Alan", "Wayne",
                 "Owen"]},
    "de": {"F": ["Anna", "Katrin", "Sabine", "Julia", "Petra", "Lena", "Ute"],
           "M": ["Jürgen", "Thomas", "Stefan", "Lukas", "Markus", "Uwe", "Felix"]},
    "fr": {"F": ["Camille", "Élodie", "Sophie", "Nathalie", "Manon", "Chantal"],
           "M": ["Julien", "Nicolas", "Pierre", "Mathieu", "Thierry", "Hugo"]},
    "es": {"F": ["Maria", "Lucía", "Carmen", "Ana", "Pilar", "Elena"],
           "M": ["José", "Javier", "Carlos", "Miguel", "Álvaro", "Pablo"]},
    "it": {"F": ["Giulia", "Francesca", "Chiara", "Paola", "Elisa"],
           "M": ["Marco", "Luca", "Giuseppe", "Davide", "Andrea"]},
    "nl": {"F": ["Sanne", "Anouk", "Femke", "Marieke", "Lotte"],
           "M": ["Daan", "Joost", "Pieter", "Bram", "Ruud"]},
    "sv": {"F": ["Elin", "Karin", "Maja"], "M": ["Johan", "Erik", "Anders"]},
}

LAST_NAMES: dict[str, list[str]] = {
    "en": ["Whitfield", "Harlow", "Pennington", "Castellano", "Okafor", "Brennan", "Lindqvist",
           "Marsh", "Caldwell", "Dunmore", "Fairbanks", "Hollis", "Kettering", "Lowry",
           "Maddox", "Norwood", "Prescott", "Quinlan", "Redfern", "Stroud", "Tillman",
           "Underwood", "Vance", "Wexley", "Yardley", "Ashby", "Birchall", "Cromwell",
           "Delgado", "Ellsworth", "Fenwick", "Garrity", "Hendry", "Iverson", "Jarvis"],
    "de": ["Brückner", "Hallstein", "Kortmann", "Lindemann", "Pfeiffer", "Riedel", "Scholz",
           "Vogt", "Wendler", "Ziegler"],
    "fr": ["Aubert", "Bonnaire", "Chevalier", "Delacroix", "Fontaine", "Garnier", "Lemaire",
           "Marchand", "Rousseau", "Vidal"],
    "es": ["Lopez", "Herrera", "Navarro", "Ortega", "Quintero", "Serrano", "Vargas", "Iglesias",
           "Castillo", "Morales"],
    "it": ["Bellandi", "Castaldi", "Ferraro", "Galli", "Mancuso", "Rinaldi", "Sartori",
           "Valenti"],
    "nl": ["de Bruijn", "van Dalen", "Hoekstra", "Jansma", "Kuipers", "Mulder", "van Rijn",
           "Visser"],
    "sv": ["Björklund", "Holmgren", "Lindahl", "Sandberg", "Wallin"],
}

EMAIL_DOMAINS = ["example.org", "example.com", "example.net"]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return folded.lower().replace(" ", "")


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs], k=1)[0]


def pick_drug_for(rng: random.Random, condition: str, exclude: list[str] | None = None) -> str:
    pairs = [p for p in CONDITIONS[condition]["drugs"] if p[0] not in (exclude or [])]
    if not pairs:
        pairs = CONDITIONS[condition]["drugs"]
    return _weighted(rng, pairs)


def make_members(rng: random.Random, count: int, today: date) -> list[dict]:
    """Members with a private `_ctx` entry (stripped before output) used by the post generator."""
    members: list[dict] = []
    used_names: set[str] = set()
    used_phones: set[str] = set()
    cond_pairs = [(k, v["weight"]) for k, v in CONDITIONS.items()]
    for i in range(count):
        country, _w, pool, phone_prefix, unit = rng.choices(
            COUNTRIES, weights=[c[1] for c in COUNTRIES], k=1
        )[0]
        sex = rng.choices(["F", "M", "U"], weights=[55, 42, 3], k=1)[0]
        for _attempt in range(50):
            first_sex = sex if sex != "U" else rng.choice(["F", "M"])
            first = rng.choice(FIRST_NAMES[pool][first_sex])
            last = rng.choice(LAST_NAMES[pool])
            full = f"{first} {last}"
            if full not in used_names:
                break
            full = f"{first} {last}-{rng.choice(LAST_NAMES['en'])}"
            if full not in used_names:
                last = full.split(" ", 1)[1]
                break
        used_names.add(full)
        sep = rng.choice([".", ".", "_", ""])
        suffix = rng.choice(["", "", "", str(rng.randint(1, 99)), str(rng.randint(60, 99))])
        email = f"{_ascii(first)}{sep}{_ascii(last)}{suffix}@{rng.choice(EMAIL_DOMAINS)}"
        for _attempt in range(200):
            prefix = phone_prefix.format(area=rng.choice(US_AREAS), ca_area=rng.choice(CA_AREAS))
            phone = prefix + f"555-01{rng.randint(0, 99):02d}"
            if phone not in used_phones:
                break
        used_phones.add(phone)
        birth_year = today.year - rng.choices(
            [rng.randint(19, 29), rng.randint(30, 49), rng.randint(50, 64), rng.randint(65, 84)],
            weights=[18, 38, 30, 14], k=1)[0]

        n_cond = rng.choices([1, 2, 3], weights=[50, 38, 12], k=1)[0]
        conditions: list[str] = []
        while len(conditions) < n_cond:
            c = _weighted(rng, cond_pairs)
            if c not in conditions:
                conditions.append(c)
        # treatments: one (sometimes two) drugs per condition; ~5% newly diagnosed with none yet
        treatments: list[str] = []
        treats: dict[str, str] = {}
        newly_diagnosed = rng.random() < 0.05
        for c in conditions:
            if newly_diagnosed and c == conditions[0]:
                continue
            n = 2 if rng.random() < 0.2 else 1
            for _ in range(n):
                d = pick_drug_for(rng, c, exclude=treatments)
                if d not in treatments:
                    treatments.append(d)
                    treats[d] = c
        past: list[str] = []
        if rng.random() < 0.55:
            c = rng.choice(conditions)
            d = pick_drug_for(rng, c, exclude=treatments)
            if d not in treatments:
                past.append(d)
                treats.setdefault(d, c)

        members.append({
            "source_id": f"m-{i + 1:04d}",
            "name": full,
            "email": email,
            "phone": phone,
            "birth_year": birth_year,
            "sex": sex,
            "country": country,
            "conditions": conditions,
            "treatments": [t.replace("+", "/") for t in treatments],
            "opted_out": False,
            "status": "active",
            "_ctx": {
                "first": first, "unit": unit, "drugs": treatments, "past": past,
                "treats": treats, "activity": min(6.0, rng.paretovariate(1.6)),
                # each member sticks to a few favourite spellings of their drugs
                "spell_bias": rng.random(),
                "style": rng.choices(["normal", "lower", "sloppy", "emoji", "formal"],
                                     weights=[40, 20, 14, 12, 14], k=1)[0],
            },
        })
    # exact-ish proportions rather than coin flips, so small communities still show both cases
    for m in rng.sample(members, max(1, round(count * 0.10)) if count else 0):
        m["opted_out"] = True
    for m in rng.sample(members, max(1, round(count * 0.04)) if count else 0):
        m["status"] = "deactivated"
    return members
