"""Structured adverse-event reports filed by members through the community's reporting form."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from demo.catalog import CONDITIONS, DEFAULT_FREQ, DRUGS, EVENTS
from demo.text import expand, sentence

WINDOW_DAYS = 540
SERIOUS_SHARE = 0.15

OUTCOMES_NONSERIOUS = [("recovered", 40), ("recovering", 22), ("not_recovered", 25),
                       ("unknown", 13)]
OUTCOMES_SERIOUS = [("recovered", 30), ("recovering", 35), ("recovered_with_sequelae", 15),
                    ("not_recovered", 12), ("unknown", 8)]

# seriousness patterns for the serious share: (criteria set, weight); hospitalisation dominates
SERIOUS_PATTERNS: list[tuple[tuple[str, ...], int]] = [
    (("hospitalisation",), 55),
    (("hospitalisation", "other_medically_important"), 12),
    (("other_medically_important",), 15),
    (("hospitalisation", "life_threatening"), 10),
    (("disability",), 4),
    (("hospitalisation", "disability"), 4),
]
CRITERIA = ["death", "life_threatening", "hospitalisation", "disability", "congenital_anomaly",
            "other_medically_important"]

OUTCOME_TEXT = {
    "recovered": "[It went away|Fully better now|Symptoms resolved|Back to normal] "
                 "[after I stopped|within a week|after a couple of weeks|]",
    "recovering": "[Getting better slowly|Improving but not 100% yet|Slowly recovering]",
    "recovered_with_sequelae": "[Mostly better but|Better now but] [still not the same|I still "
                               "have some problems from it|left with some lasting issues]",
    "not_recovered": "[Still have it|Still dealing with it|No improvement yet|It hasn't gone away]",
    "unknown": "[Not sure if it's related|Don't know if it's the medicine|Can't tell if it's "
               "getting better]",
}


def _wt(rng: random.Random, member: dict) -> str:
    unit = member["_ctx"]["unit"]
    if unit == "lbs":
        return f"{rng.choice([10, 15, 20, 25])} lbs"
    if unit == "stone":
        return rng.choice(["a stone", "2 stone"])
    return f"{rng.choice([4, 5, 8, 10])} kg"


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _pick(rng: random.Random, pairs: list) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs], k=1)[0]


def make_reports(rng: random.Random, members: list[dict], count: int, today: date,
                 canary_ids: set[str], spell: Callable[[dict, str], str]) -> list[dict]:
    reporters = [m for m in members if m["_ctx"]["drugs"]]
    if not reporters or count <= 0:
        return []
    n_serious = round(count * SERIOUS_SHARE)
    serious_idx = set(rng.sample(range(count), min(count, n_serious)))
    end = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    stamps = sorted(
        end - timedelta(days=1 + int(WINDOW_DAYS * rng.random() ** 0.9),
                        seconds=-rng.randint(0, 86399))
        for _ in range(count)
    )
    weights = [1 + m["_ctx"]["activity"] for m in reporters]
    canary_report_done: set[str] = set()
    out: list[dict] = []
    for n, submitted in enumerate(stamps, start=1):
        member = rng.choices(reporters, weights=weights, k=1)[0]
        serious = (n - 1) in serious_idx
        report = _one(rng, member, submitted, serious, spell)
        mid = member["source_id"]
        if mid in canary_ids and mid not in canary_report_done and rng.random() < 0.6:
            canary_report_done.add(mid)
            report["free_text"] += " " + expand(
                "[You can reach me at|Contact me at|Happy to be contacted:] [{email}|{phone}|"
                "{email} or {phone}]. [{full}|- {full}|Thanks, {full}]", rng,
                {"email": member["email"], "phone": member["phone"], "full": member["name"]})
        report["source_id"] = f"r-{n:05d}"
        out.append({"source_id": report.pop("source_id"), **report})
    return out


def _one(rng: random.Random, member: dict, submitted: datetime, serious: bool,
         spell: Callable[[dict, str], str]) -> dict:
    ctx = member["_ctx"]
    sub_day = submitted.date()
    suspect = rng.choice(ctx["drugs"])
    # dates: start <= onset <= stop <= submission date <= today
    start = sub_day - timedelta(days=rng.randint(10, 900))
    onset = start + timedelta(days=rng.randint(0, min(120, (sub_day - start).days)))
    stopped = rng.random() < (0.8 if serious else 0.5)
    stop = onset + timedelta(days=rng.randint(0, (sub_day - onset).days)) if stopped else None
    drugs = [_drug(rng, member, suspect, start, stop, spell)]
    if rng.random() < 0.1:
        drugs[0]["start_date"] = None  # "can't remember when I started"
    others = [d for d in ctx["drugs"] if d != suspect]
    if others and rng.random() < 0.4:
        c_start = start - timedelta(days=rng.randint(30, 1500)) if rng.random() < 0.7 else None
        c_stop = None
        if c_start and rng.random() < 0.15:
            c_stop = c_start + timedelta(days=rng.randint(0, (sub_day - c_start).days))
        drugs.append(_drug(rng, member, rng.choice(others), c_start, c_stop, spell))

    keys: list[str] = []
    if serious:
        keys.append(rng.choice(DRUGS[suspect]["serious"]))
    for _ in range(rng.choices([1, 2, 3], weights=[55, 35, 10], k=1)[0] - (1 if serious else 0)):
        k = _pick(rng, DRUGS[suspect]["events"])
        if k not in keys:
            keys.append(k)
    if not keys:
        keys.append(_pick(rng, DRUGS[suspect]["events"]))
    flags = dict.fromkeys(CRITERIA, False)
    if serious:
        for c in _pick(rng, SERIOUS_PATTERNS):
            flags[c] = True
    outcome_pool = OUTCOMES_SERIOUS if serious else OUTCOMES_NONSERIOUS
    events = []
    for k in keys:
        outcome = _pick(rng, outcome_pool)
        if not stop and outcome == "recovered" and rng.random() < 0.5:
            outcome = "recovering"
        ev_onset = onset + timedelta(days=rng.randint(0, 14)) if k != keys[0] else onset
        ev_onset = min(ev_onset, sub_day)
        events.append({
            "text": expand(rng.choice(EVENTS[k]["np"] + EVENTS[k]["cl"][:1]), rng,
                           {"wt": _wt(rng, member)}),
            "onset_date": _d(ev_onset) if rng.random() > 0.08 else None,
            "outcome": outcome,
        })
    return {
        "member_source_id": member["source_id"],
        "drugs": drugs,
        "events": events,
        "seriousness": flags,
        "free_text": _narrative(rng, drugs[0], drugs[1:], keys, events[0]["outcome"], flags, start,
                                onset, stop, _wt(rng, member)),
        "submitted_at": submitted.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _drug(rng: random.Random, member: dict, drug: str, start: date | None, stop: date | None,
          spell: Callable[[dict, str], str]) -> dict:
    info = DRUGS[drug]
    cond = member["_ctx"]["treats"].get(drug) or member["conditions"][0]
    name = spell(member, drug)
    if rng.random() < 0.4:
        name = info["spellings"][1] if rng.random() < 0.5 else info["spellings"][0]
    return {
        "name": name,
        "dose": rng.choice(info["doses"]),
        "route": info["route"],
        "frequency": rng.choice(info.get("freq") or DEFAULT_FREQ),
        "start_date": _d(start),
        "stop_date": _d(stop),
        "indication": rng.choice(CONDITIONS[cond]["lay"]),
    }


def _narrative(rng: random.Random, suspect: dict, concomitant: list[dict], keys: list[str],
               outcome: str, flags: dict, start: date, onset: date, stop: date | None,
               wt: str) -> str:
    lag = (onset - start).days
    lag_txt = "the same day" if lag == 0 else (f"{lag} days later" if lag < 21 else
                                               f"about {max(1, lag // 7)} weeks later")
    slots = {
        "drug": suspect["name"], "dose": suspect["dose"], "ind": suspect["indication"],
        "start": start.strftime("%d %B %Y") if rng.random() < 0.5 else start.isoformat(),
        "start_month": start.strftime("%B"), "lag": lag_txt,
        "ev_cl": rng.choice(EVENTS[keys[0]]["cl"]),
        "more": ", ".join(rng.choice(EVENTS[k]["np"]) for k in keys[1:]),
        "stop": stop.isoformat() if stop else "", "n": str(rng.randint(2, 8)), "wt": wt,
    }
    parts = ["[I started|Started|I began taking|Began] {drug} {dose} [on {start}|in {start_month}] "
             "for {ind}",
             "{lag} {ev_cl}"]
    if slots["more"]:
        parts.append("[I also had|Also|Also noticed] {more}")
    if flags["hospitalisation"]:
        parts.append("[I was admitted to hospital|Spent {n} days in hospital|Ended up being "
                     "admitted]")
    elif any(flags.values()):
        parts.append("[Had to see a doctor urgently|Went to urgent care|My doctor said it was "
                     "serious]")
    parts.append("[Stopped|I stopped] it on {stop}[ on my doctor's advice|]" if stop else
                 "[Still taking it|I'm still on it][ at a lower dose| for now|]")
    parts.append(OUTCOME_TEXT[outcome])
    for c in concomitant:
        parts.append(expand("[Also taking|Also on|Other meds:] " + c["name"] + " for "
                            + c["indication"], rng, {}))
    text = " ".join(sentence(expand(p, rng, slots)) for p in parts)
    return text.lower() if rng.random() < 0.2 else text
