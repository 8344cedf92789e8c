"""Deterministic synthetic patient community for the demo (pure Python, no Django).

``generate_community()`` returns plain JSON-able data: partners (regulators and sponsors with their
products), members, forum posts and structured adverse-event reports. Everything is drawn from one
``random.Random(seed)`` so the same seed (and the same ``today``) always yields identical output.
"""

from __future__ import annotations

import copy
import random
from datetime import UTC, date, datetime, timedelta

from demo import phrases as P
from demo.catalog import (
    CONDITIONS,
    DEFAULT_FREQ,
    DRUGS,
    EVENTS,
    REGULATORS,
    SPONSORS,
)
from demo.people import make_members, pick_drug_for
from demo.reports import make_reports
from demo.text import expand, sentence, stylise

WINDOW_DAYS = 540  # ~18 months of history
CANARY_MEMBERS = 5

# (kind, weight). "short" is half with a drug; vent..general never mention a drug.
KINDS: list[tuple[str, float]] = [
    ("experience", 22), ("negation", 6), ("question", 10), ("family", 5), ("indication", 7),
    ("past", 5), ("withdrawal", 5), ("serious", 1.5), ("short", 7), ("long", 4),
    ("vent", 6), ("thanks", 4), ("schedule", 4), ("diet", 6), ("intro", 3), ("general", 3),
]
TITLE_KIND = {"negation": "experience"}
NO_DRUG_KINDS = {"vent", "thanks", "schedule", "diet", "intro", "general"}

PLACES_BY_COUNTRY = {
    "US": ["Ohio", "Texas", "Florida", "the Midwest", "Oregon", "upstate NY", "Arizona"],
    "GB": ["Leeds", "Bristol", "Manchester", "Glasgow", "a small town in Kent", "Cardiff"],
    "DE": ["Munich", "Hamburg", "Cologne", "near Berlin"], "FR": ["Lyon", "Paris", "Bordeaux"],
    "ES": ["Madrid", "Seville", "Valencia"], "IT": ["Milan", "Rome", "Turin"],
    "NL": ["Rotterdam", "Utrecht", "Groningen"], "CA": ["Toronto", "Vancouver", "Calgary"],
    "IE": ["Dublin", "Cork"], "AU": ["Sydney", "Brisbane"], "SE": ["Stockholm", "Malmö"],
    "BE": ["Brussels", "Liège"],
}


def generate_community(
    *, seed: int = 20261123, members: int = 60, posts: int = 2200, reports: int = 120,
    today: date | None = None,
) -> dict:
    """Build the community. ``today`` (UTC date, default: now) anchors all dates for determinism."""
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not security
    today = today or datetime.now(UTC).date()
    member_list = make_members(rng, members, today)
    canaries = rng.sample(member_list, min(CANARY_MEMBERS, len(member_list)))
    canary_ids = {m["source_id"] for m in canaries}
    writer = _Writer(rng, today)
    post_list = writer.posts(member_list, posts, canary_ids)
    report_list = make_reports(rng, member_list, reports, today, canary_ids, writer.spell)
    for m in member_list:
        del m["_ctx"]
    return {
        "partners": copy.deepcopy(REGULATORS + SPONSORS),
        "members": member_list,
        "posts": post_list,
        "reports": report_list,
    }


def _weighted(rng: random.Random, pairs: list[tuple[str, float]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs], k=1)[0]


class _Writer:
    """Composes posts; keeps per-member spelling habits and per-forum thread state."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.threads: dict[str, list[tuple[str, str | None]]] = {}  # forum -> [(title, drug)]

    # -- words -------------------------------------------------------------------------------------
    def spell(self, member: dict, drug: str) -> str:
        """How this member writes this drug: mostly their habitual spelling, sometimes another."""
        rng = self.rng
        habits = member["_ctx"].setdefault("spellings", {})
        spellings = DRUGS[drug]["spellings"]
        if drug not in habits:
            # misspellers misspell; everybody else mostly uses the first few (correct) forms
            bias = member["_ctx"]["spell_bias"]
            if bias > 0.5:
                pool = spellings[3:] if rng.random() < 0.6 else spellings
            else:
                pool = spellings[:3]
            habits[drug] = rng.choice(pool)
        return habits[drug] if rng.random() < 0.8 else rng.choice(spellings)

    def event(self, drug: str, pool: str = "events", exclude: str | None = None) -> str:
        pairs = [p for p in DRUGS[drug][pool] if p[0] != exclude] or DRUGS[drug]["events"]
        return _weighted(self.rng, pairs)

    def weight(self, member: dict) -> str:
        rng, unit = self.rng, member["_ctx"]["unit"]
        if unit == "lbs":
            return f"{rng.choice([8, 10, 12, 15, 20, 20, 25, 30])} {rng.choice(['lbs', 'pounds'])}"
        if unit == "stone":
            return rng.choice(["a stone", "half a stone", "2 stone", "nearly a stone"])
        return f"{rng.choice([3, 4, 5, 6, 8, 10])} {rng.choice(['kg', 'kilos', 'kg'])}"

    def slots(self, member: dict, drug: str | None) -> dict:
        rng, ctx = self.rng, member["_ctx"]
        conds = member["conditions"]
        drug = drug or pick_drug_for(rng, conds[0])
        cond = ctx["treats"].get(drug) or conds[0]
        others = [d for d in ctx["drugs"] if d != drug]
        drug2 = rng.choice(others) if others and rng.random() < 0.5 else pick_drug_for(
            rng, cond, exclude=[drug])
        past = [d for d in ctx["past"] if d != drug and ctx["treats"].get(d) == cond]
        pdrug = rng.choice(past) if past else pick_drug_for(rng, cond, exclude=[drug])
        ev = self.event(drug)
        ev2 = self.event(drug, exclude=ev)
        pev = self.event(pdrug)
        neg_key = rng.choice([e for e, _w in DRUGS[drug]["events"] if e not in (ev, ev2)]
                             or ["headache"])
        if rng.random() < 0.4:
            neg_key = rng.choice([e for e in ("nausea", "headache", "dizzy", "weight_gain")
                                  if e not in (ev, ev2)])
        sev = rng.choice(DRUGS[drug]["serious"])
        wd = self.event(drug, "withdrawal") if DRUGS[drug]["withdrawal"] else ev
        age = self.today.year - member["birth_year"]
        rel, pron, poss = rng.choice(P.RELS)
        cond2k = rng.choice(conds)
        cond2 = rng.choice(CONDITIONS[cond2k]["lay"])
        spelled = self.spell(member, drug)
        pspelled = self.spell(member, pdrug)
        country = member["country"]

        def np(key: str):
            return lambda r: r.choice(EVENTS[key]["np"])

        def cl(key: str):
            return lambda r: r.choice(EVENTS[key]["cl"])

        return {
            "drug": spelled, "Drug": spelled[:1].upper() + spelled[1:],
            "drug2": self.spell(member, drug2), "pdrug": pspelled,
            "Pdrug": pspelled[:1].upper() + pspelled[1:],
            "dose": rng.choice(DRUGS[drug]["doses"]),
            "freq": rng.choice(DRUGS[drug].get("freq") or DEFAULT_FREQ),
            "cond": rng.choice(CONDITIONS[cond]["lay"]),
            "cond2": cond2, "cond_bare": cond2.removeprefix("my "),
            "ev": np(ev), "ev_cl": cl(ev), "ev2": np(ev2), "ev2_cl": cl(ev2),
            "pev": np(pev), "neg": lambda r: r.choice(EVENTS[neg_key]["neg"]),
            "sev": np(sev), "sev_cl": cl(sev), "wd": np(wd), "wd_cl": cl(wd),
            "fam": lambda r: r.choice(P.FAMILY_OUTCOMES + P.FAMILY_BAD),
            "fam_bad": lambda r: r.choice(P.FAMILY_BAD),
            "wt": lambda _r: self.weight(member),
            "doc": lambda r: r.choice(P.DOCS if r.random() < 0.7 else CONDITIONS[cond]["docs"]),
            "dx": rng.choice(CONDITIONS[cond]["dx"]),
            "dx2": rng.choice(CONDITIONS[cond2k]["dx"]),
            "rel": rel, "pron": pron, "poss": poss,
            "dur": lambda r: r.choice(P.DURS), "month": lambda r: r.choice(P.MONTHS),
            "day": lambda r: r.choice(P.DAYS), "n": lambda r: str(r.randint(2, 9)),
            "wk": lambda r: str(r.randint(1, 12)), "age": str(age),
            "decade": str(max(20, age // 10 * 10)),
            "year": str(self.today.year - rng.randint(2, 12)),
            "hour": rng.choice(["7pm", "8pm", "19:00", "6:30pm", "noon"]),
            "place": rng.choice(PLACES_BY_COUNTRY.get(country, P.PLACES)),
            "has_wd": bool(DRUGS[drug]["withdrawal"]),
            "full": member["name"], "first": ctx["first"], "email": member["email"],
            "phone": member["phone"],
        }

    # -- composition -------------------------------------------------------------------------------
    def say(self, pool: list[str], slots: dict) -> str:
        return sentence(expand(self.rng.choice(pool), self.rng, slots))

    def some(self, pool: list[str], slots: dict, lo: int, hi: int, keep_first: bool = False
             ) -> list[str]:
        rng = self.rng
        k = min(len(pool), rng.randint(lo, hi))
        chosen = ([pool[0]] + rng.sample(pool[1:], k - 1)) if keep_first else rng.sample(pool, k)
        return [sentence(expand(t, rng, slots)) for t in chosen]

    def compose(self, kind: str, s: dict, drug: str | None, new: bool) -> list[str]:
        rng, say = self.rng, self.say
        maybe = rng.random
        out: list[str] = []
        if kind == "experience":
            out += [say(P.EXP_OPEN, s), say(P.EXP_EVENT, s)]
            if maybe() < 0.4:
                out.append(say(P.EXP_EVENT2, s))
            if maybe() < 0.35:
                out.append(say(P.NEGATION, s))
            if maybe() < 0.7:
                out.append(say(P.CLOSE, s))
        elif kind == "negation":
            out += [say(P.EXP_OPEN, s), say(P.NEGATION, s)]
            if maybe() < 0.3:
                out.append(say(P.NEGATION, s))
            if maybe() < 0.5:
                out.append(say(P.INDICATION, s))
        elif kind == "question" and new:
            out.append(say(P.QUESTION_NEW, s))
            if maybe() < 0.4:
                out.append(say(P.QUESTION, s))
        elif kind == "question":
            if maybe() < 0.4:
                out.append(say(P.EXP_OPEN, s))
            out.append(say(P.QUESTION, s))
            if maybe() < 0.3:
                out.append(say(P.QUESTION, s))
            if maybe() < 0.3:
                out.append(say(P.CLOSE, s))
        elif kind == "family":
            out.append(say(P.FAMILY, s))
            if maybe() < 0.5:
                out.append(say(P.QUESTION, s))
        elif kind == "indication":
            out.append(say(P.INDICATION, s))
            if maybe() < 0.5:
                out.append(say(P.NEGATION, s))
            if maybe() < 0.3:
                out.append(sentence(expand("[Only|The only] [side effect|downside] is {ev}", rng,
                                           s)))
        elif kind == "past":
            out.append(say(P.PAST, s))
            if maybe() < 0.5:
                out.append(say(P.EXP_OPEN, s))
            if maybe() < 0.4:
                out.append(say(P.NEGATION, s))
        elif kind == "withdrawal":
            has_wd = drug is not None and bool(DRUGS[drug]["withdrawal"])
            out.append(say(P.WITHDRAWAL if has_wd and maybe() < 0.75 else P.SWITCH, s))
            if maybe() < 0.5:
                out.append(say(P.CLOSE, s))
        elif kind == "serious":
            out.append(say(P.SERIOUS, s))
            out += self.some(P.SERIOUS_FOLLOW, s, 1, 3)
        elif kind == "short":
            out.append(say(P.SHORT_DRUG if drug else P.SHORT, s))
        elif kind == "long":
            return self.long_post(s)
        elif kind == "intro":
            out += self.some(P.INTRO, s, 2, 4, keep_first=True)
        else:
            pool = {"vent": P.VENT, "thanks": P.THANKS, "schedule": P.SCHEDULE, "diet": P.DIET,
                    "general": P.GENERAL}[kind]
            out += self.some(pool, s, 1, 4)
        return out

    def long_post(self, s: dict) -> list[str]:
        """Multi-paragraph rambling post, returned as a single pre-joined element."""
        rng = self.rng
        life = rng.sample(P.LIFE, len(P.LIFE))  # draw without repeats
        story = [t for t in P.STORY[1:] if rng.random() < 0.8]

        used: set[str] = set()

        def ex(templates: list[str]) -> str:
            return " ".join(sentence(expand(t, rng, s)) for t in templates)

        def pick(pool: list[str]) -> str:
            fresh = [t for t in pool if t not in used] or pool
            choice = rng.choice(fresh)
            used.add(choice)
            return choice

        def lives(k: int) -> list[str]:
            return [life.pop() for _ in range(min(k, len(life)))]

        target = rng.choice([rng.randint(700, 1400), rng.randint(1500, 3200)])
        paras = [ex([rng.choice(P.LONG_OPEN)] + lives(rng.randint(1, 2))),
                 ex([P.STORY[0]] + story)]
        blocks = [
            lambda: ex([pick(P.EXP_EVENT), pick(P.EXP_EVENT2),
                        pick(P.NEGATION)] + lives(1)),
            lambda: ex(lives(rng.randint(2, 3))),
            lambda: ex([pick(P.PAST), pick(P.EXP_EVENT), pick(P.QUESTION)]),
            lambda: ex([pick(P.FAMILY), pick(P.QUESTION)] + lives(1)),
            lambda: ex([pick(P.EXP_EVENT), pick(P.EXP_EVENT2), pick(P.CLOSE)]),
            lambda: ex([pick(P.VENT) for _ in range(3)]),
            lambda: ex([pick(P.INDICATION), pick(P.NEGATION),
                        pick(P.NEGATION)]),
            lambda: ex([pick(P.WITHDRAWAL if s["has_wd"] else P.SWITCH)] + lives(1)),
        ]
        order = rng.sample(blocks, len(blocks)) + rng.sample(blocks, len(blocks))
        for block in order:
            if sum(len(p) for p in paras) >= target:
                break
            paras.append(block())
        paras.append(ex([pick(P.QUESTION) for _ in range(rng.randint(1, 2))]
                        + rng.sample(P.THANKS, rng.randint(0, 1))))
        return ["\n\n".join(p for p in paras if p)]

    # -- forums and threads ------------------------------------------------------------------------
    def forum(self, kind: str, member: dict, drug: str | None) -> str:
        rng, ctx = self.rng, member["_ctx"]
        cond = (ctx["treats"].get(drug) if drug else None) or rng.choice(member["conditions"])
        home = CONDITIONS[cond]["forum"]
        r = rng.random()
        if kind == "family" and r < 0.35:
            return "caregivers"
        if kind == "diet" and r < 0.65:
            return "diet-and-exercise"
        if kind == "intro" and r < 0.8:
            return "introductions"
        if kind in ("general", "canary") or (kind in ("thanks", "schedule", "vent") and r < 0.45):
            return rng.choice(["general", "general", "off-topic"])
        return home

    def thread(self, forum: str, kind: str, s: dict, drug: str | None) -> str:
        """Start a thread or reply to a recent one about the same drug (or about no drug)."""
        rng = self.rng
        existing = self.threads.setdefault(forum, [])
        start_p = {"short": 0.0, "intro": 0.85, "long": 0.7, "canary": 0.5}.get(kind, 0.3)
        recent = existing[-15:]
        if kind == "short" and drug is None:
            fitting = recent
        else:
            fitting = [t for t in recent if t[1] == drug]
        if fitting and rng.random() >= start_p:
            return fitting[min(len(fitting) - 1, int(len(fitting) * rng.random() ** 0.5))][0]
        if kind == "short":
            title = rng.choice(["General discussion", "Daily chat", "Side effects megathread",
                                "Quick questions thread"])
        else:
            title = expand(rng.choice(P.TITLES[TITLE_KIND.get(kind, kind)]), rng, s)
        existing.append((title, drug))
        return title

    # -- posts -------------------------------------------------------------------------------------
    def posts(self, members: list[dict], count: int, canary_ids: set[str]) -> list[dict]:
        rng = self.rng
        authors: list[dict] = []
        if members and count >= 2 * len(members):
            for m in members:
                authors += [m] * (2 if m["source_id"] in canary_ids else 1)
        if members:
            weights = [m["_ctx"]["activity"] for m in members]
            authors += rng.choices(members, weights=weights, k=max(0, count - len(authors)))
        authors = authors[:count]
        rng.shuffle(authors)
        # which of the posts are privacy canaries: 1-2 per canary member
        canary_slots: set[int] = set()
        for cid in sorted(canary_ids):
            idx = [i for i, a in enumerate(authors) if a["source_id"] == cid]
            canary_slots.update(rng.sample(idx, min(len(idx), rng.randint(1, 2))))
        end = datetime.combine(self.today, datetime.min.time(), tzinfo=UTC)
        hours = list(range(24))
        hour_w = [2, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 5, 5, 4, 4, 4, 5, 6, 7, 8, 8, 6, 4]
        stamps = []
        for _ in authors:
            day = int(WINDOW_DAYS * rng.random() ** 0.8)  # a community that grew over time
            base = end - timedelta(days=day + 1)
            hour = rng.choices(hours, weights=hour_w, k=1)[0]
            stamps.append(base + timedelta(hours=hour, minutes=rng.randint(0, 59),
                                           seconds=rng.randint(0, 59)))
        order = sorted(range(len(authors)), key=lambda i: (stamps[i], i))
        kinds = [k for k, _w in KINDS]
        kind_w = [w for _k, w in KINDS]
        out: list[dict] = []
        for n, i in enumerate(order, start=1):
            member = authors[i]
            kind = "canary" if i in canary_slots else rng.choices(kinds, weights=kind_w, k=1)[0]
            out.append(self.one_post(n, member, kind, stamps[i]))
        return out

    def one_post(self, n: int, member: dict, kind: str, when: datetime) -> dict:
        rng, ctx = self.rng, member["_ctx"]
        drug: str | None = None
        new = False  # asking about a drug the member is not on (yet)
        if kind not in NO_DRUG_KINDS and not (kind == "short" and rng.random() < 0.5):
            if ctx["drugs"] and not (kind == "question" and rng.random() < 0.25):
                drug = rng.choice(ctx["drugs"])
            else:
                drug = pick_drug_for(rng, rng.choice(member["conditions"]), exclude=ctx["drugs"])
                new = True
                if kind != "family":
                    kind = "question"
        if kind == "family" and rng.random() < 0.5:
            drug = pick_drug_for(rng, rng.choice(member["conditions"]))
        s = self.slots(member, drug)
        if kind == "canary":
            body = [self.say(P.EXP_OPEN, s)] if rng.random() < 0.5 else []
            text = " ".join(body + [self.say(P.CANARY, s)])
        else:
            sentences = self.compose(kind, s, drug, new)
            if len(sentences) > 3 and rng.random() < 0.3:
                cut = rng.randint(1, len(sentences) - 1)
                text = " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
            else:
                text = " ".join(sentences)
            text = stylise(text, ctx["style"], rng)
        forum = self.forum(kind, member, drug)
        return {
            "source_id": f"p-{n:06d}",
            "member_source_id": member["source_id"],
            "forum": forum,
            "thread": self.thread(forum, kind, s, drug),
            "text": text,
            "posted_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
