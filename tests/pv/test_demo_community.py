"""Pure tests for the synthetic demo community (no database)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from demo.catalog import CONDITIONS, DRUGS
from demo.community import generate_community

TODAY = date(2026, 11, 23)
OUTCOMES = {
    "recovered",
    "recovering",
    "not_recovered",
    "recovered_with_sequelae",
    "fatal",
    "unknown",
}
CRITERIA = {
    "death",
    "life_threatening",
    "hospitalisation",
    "disability",
    "congenital_anomaly",
    "other_medically_important",
}

# spelling (lower-case) -> catalogue drug key
SPELLING_TO_DRUG = {sp.lower(): key for key, d in DRUGS.items() for sp in d["spellings"]}
DRUG_RE = re.compile(
    r"\b("
    + "|".join(re.escape(s) for s in sorted(SPELLING_TO_DRUG, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def community() -> dict:
    return generate_community(today=TODAY)


@pytest.fixture(scope="module")
def members_by_id(community: dict) -> dict:
    return {m["source_id"]: m for m in community["members"]}


def _ts(value: str) -> datetime:
    assert value.endswith("Z")
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# -- determinism, shape, speed ---------------------------------------------------------------------


def test_same_seed_same_output_and_json_roundtrip(community: dict) -> None:
    again = generate_community(today=TODAY)
    assert json.dumps(again, sort_keys=True) == json.dumps(community, sort_keys=True)
    assert json.loads(json.dumps(community)) == community


def test_different_seed_differs() -> None:
    a = generate_community(seed=1, members=20, posts=200, reports=20, today=TODAY)
    b = generate_community(seed=2, members=20, posts=200, reports=20, today=TODAY)
    assert a["posts"] != b["posts"]


def test_default_today_and_small_sizes() -> None:
    small = generate_community(seed=7, members=8, posts=30, reports=5)
    assert (len(small["members"]), len(small["posts"]), len(small["reports"])) == (8, 30, 5)
    ids = {m["source_id"] for m in small["members"]}
    assert all(p["member_source_id"] in ids for p in small["posts"])


def test_counts(community: dict) -> None:
    assert len(community["members"]) >= 50
    assert len(community["posts"]) >= 2000
    assert len(community["reports"]) >= 100
    kinds = Counter(p["kind"] for p in community["partners"])
    assert kinds == {"regulator": 2, "sponsor": 3}


# -- partners --------------------------------------------------------------------------------------


def test_regulators(community: dict) -> None:
    regs = {p["e2b_receiver_id"]: p for p in community["partners"] if p["kind"] == "regulator"}
    fda, ema = regs["ZZFDA"], regs["EVHUMAN"]
    assert (fda["country"], fda["region"], fda["e2b_profile"]) == ("US", "US", "fda")
    assert (ema["region"], ema["e2b_profile"]) == ("EU", "ema")


def test_sponsors_have_real_products(community: dict) -> None:
    sponsors = [p for p in community["partners"] if p["kind"] == "sponsor"]
    brands = set()
    for sp in sponsors:
        assert 3 <= len(sp["products"]) <= 5
        assert re.fullmatch(r"[A-Z]{2}", sp["country"])
        assert sp["e2b_receiver_id"]
        for prod in sp["products"]:
            brands.add(prod["name"])
            assert prod["ingredients"]
            assert all(i == i.lower() for i in prod["ingredients"])
    assert {"Lexapro", "Zoloft", "Lipitor", "Zocor", "Arthrotec", "Advil"} <= brands
    arthrotec = next(p for sp in sponsors for p in sp["products"] if p["name"] == "Arthrotec")
    assert arthrotec["ingredients"] == ["diclofenac", "misoprostol"]


# -- members ---------------------------------------------------------------------------------------


def test_members(community: dict) -> None:
    members = community["members"]
    ids = [m["source_id"] for m in members]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"m-\d{4}", i) for i in ids)
    assert len({m["name"] for m in members}) == len(members)
    for m in members:
        assert m["sex"] in {"M", "F", "U"}
        assert m["status"] in {"active", "deactivated"}
        assert 1920 < m["birth_year"] <= TODAY.year - 18
        assert m["email"].split("@")[1] in {"example.org", "example.com", "example.net"}
        assert re.search(r"555-01\d\d$", m["phone"])
        assert m["conditions"]
        assert set(m["conditions"]) <= set(CONDITIONS)
    opted = sum(m["opted_out"] for m in members) / len(members)
    deact = sum(m["status"] == "deactivated" for m in members)
    assert 0.05 <= opted <= 0.2
    assert 1 <= deact <= 0.1 * len(members)
    core = {"US", "GB", "DE", "FR", "ES", "IT", "NL", "CA"}
    assert sum(m["country"] in core for m in members) / len(members) >= 0.75


# -- posts -----------------------------------------------------------------------------------------


def test_posts_reference_members_and_ids_unique(community: dict, members_by_id: dict) -> None:
    posts = community["posts"]
    ids = [p["source_id"] for p in posts]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"p-\d{6}", i) for i in ids)
    assert all(p["member_source_id"] in members_by_id for p in posts)
    assert all(p["forum"] and p["thread"] and p["text"].strip() for p in posts)


def test_post_dates_within_last_18_months(community: dict) -> None:
    stamps = [_ts(p["posted_at"]) for p in community["posts"]]
    assert all(TODAY - timedelta(days=550) <= s.date() < TODAY for s in stamps)
    assert stamps == sorted(stamps)  # ids follow time
    assert max(stamps).date() >= TODAY - timedelta(days=30)
    assert min(stamps).date() <= TODAY - timedelta(days=450)


def test_forums_and_threads(community: dict) -> None:
    forums = Counter(p["forum"] for p in community["posts"])
    assert {"depression", "cholesterol", "pain", "diabetes", "migraine"} <= set(forums)
    threads = Counter((p["forum"], p["thread"]) for p in community["posts"])
    assert len(threads) > 100
    assert sum(n > 1 for n in threads.values()) > 50  # threads get replies


def _all_text(community: dict) -> str:
    return "\n".join(p["text"].lower() for p in community["posts"])


PHRASINGS = {
    "misspelling": [
        r"\bliptor\b",
        r"\bzolft\b",
        r"\bsimvistatin\b",
        r"\bibuprofin\b",
        r"\bcymbalata\b",
    ],
    "brand_and_generic": [r"\blipitor\b", r"\batorvastatin\b", r"\bzoloft\b", r"\bsertraline\b"],
    "lay_events": [
        r"can'?t sleep",
        r"brain fog",
        r"hair (is )?falling out",
        r"threw up",
        r"brain zaps",
        r"\bgained \d+",
        r"my legs ache",
        r"zombie",
    ],
    "negation": [r"\bno [\w ]+ (tho|though)\b", r"haven'?t had any"],
    "hypothetical": [r"if i get [\w ]+ should i", r"said it could cause"],
    "family": [r"\bmy (mom|mum|dad|sister|husband|wife|brother)\b.*\b(on|took|takes) "],
    "indication": [r"i take (it|[\w/]+) for"],
    "past": [r"\bused to (get|take)\b"],
    "serious": [r"\bthe er\b", r"hospitali[sz]ed for \d+ days"],
}


@pytest.mark.parametrize("category", sorted(PHRASINGS))
def test_phrasing_categories_present(community: dict, category: str) -> None:
    text = _all_text(community)
    for pattern in PHRASINGS[category]:
        assert re.search(pattern, text), f"{category}: {pattern!r} not found"


def test_post_shapes(community: dict) -> None:
    posts = [p["text"] for p in community["posts"]]
    n = len(posts)
    assert sum(len(t) >= 1500 for t in posts) >= 10
    assert sum(len(t) < 80 for t in posts) >= 0.1 * n
    assert sum("\n\n" in t for t in posts) >= 50
    assert sum("?" in t for t in posts) >= 0.2 * n
    assert sum(t == t.lower() for t in posts) >= 0.1 * n
    assert sum(bool(re.search(r"[\U0001F300-\U0001FAFF]", t)) for t in posts) >= 20
    assert len(set(posts)) >= 0.95 * n  # high variety


def test_about_thirty_percent_without_drug(community: dict) -> None:
    posts = community["posts"]
    without = sum(not DRUG_RE.search(p["text"]) for p in posts) / len(posts)
    assert 0.2 <= without <= 0.4


def test_posts_fit_member_conditions(community: dict, members_by_id: dict) -> None:
    fitting = total = 0
    for p in community["posts"]:
        mentioned = {SPELLING_TO_DRUG[m.lower()] for m in DRUG_RE.findall(p["text"])}
        if not mentioned:
            continue
        member = members_by_id[p["member_source_id"]]
        allowed = {d for c in member["conditions"] for d, _w in CONDITIONS[c]["drugs"]}
        allowed.add("amoxicillin")
        total += 1
        fitting += mentioned <= allowed
    assert fitting / total >= 0.97


# -- reports ---------------------------------------------------------------------------------------


def test_reports_structure(community: dict, members_by_id: dict) -> None:
    reports = community["reports"]
    ids = [r["source_id"] for r in reports]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"r-\d{5}", i) for i in ids)
    for r in reports:
        assert r["member_source_id"] in members_by_id
        assert r["drugs"]
        assert r["events"]
        assert r["free_text"]
        assert set(r["seriousness"]) == CRITERIA
        for d in r["drugs"]:
            assert d["name"].lower() in SPELLING_TO_DRUG
            assert d["dose"]
            assert d["route"]
            assert d["frequency"]
            assert d["indication"]
        for e in r["events"]:
            assert e["text"]
            assert e["outcome"] in OUTCOMES
            assert e["outcome"] != "fatal" or r["seriousness"]["death"]


def test_report_date_logic(community: dict) -> None:
    for r in community["reports"]:
        submitted = _ts(r["submitted_at"]).date()
        assert TODAY - timedelta(days=550) <= submitted < TODAY
        starts = []
        for d in r["drugs"]:
            start, stop = _day(d["start_date"]), _day(d["stop_date"])
            if start:
                starts.append(start)
                assert start <= submitted
            if stop:
                assert stop <= submitted
                assert start is None or start <= stop
        for e in r["events"]:
            onset = _day(e["onset_date"])
            if onset:
                assert onset <= submitted
                assert all(onset >= s for s in starts)


def test_seriousness_mix(community: dict) -> None:
    reports = community["reports"]
    serious = [r for r in reports if any(r["seriousness"].values())]
    assert 0.08 <= len(serious) / len(reports) <= 0.25
    hosp = sum(r["seriousness"]["hospitalisation"] for r in serious)
    assert hosp / len(serious) >= 0.5


# -- privacy canaries ------------------------------------------------------------------------------


def test_canary_members_leak_own_contact_details(community: dict) -> None:
    texts_by_member: dict[str, list[str]] = {}
    for p in community["posts"]:
        texts_by_member.setdefault(p["member_source_id"], []).append(p["text"])
    for r in community["reports"]:
        texts_by_member.setdefault(r["member_source_id"], []).append(r["free_text"])
    canaries = []
    for m in community["members"]:
        own = "\n".join(texts_by_member.get(m["source_id"], [])).lower()
        needles = [m["email"].lower(), m["phone"].lower(), m["name"].lower()]
        if any(n in own for n in needles):
            canaries.append(m["source_id"])
    assert 4 <= len(canaries) <= 8


def test_only_reserved_contact_details_in_text(community: dict) -> None:
    texts = [p["text"] for p in community["posts"]] + [r["free_text"] for r in community["reports"]]
    blob = "\n".join(texts)
    for email in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", blob):
        assert email.split("@")[1] in {"example.org", "example.com", "example.net"}
    for phone in re.findall(r"\d{3}-\d{4}", blob):
        assert phone.startswith("555-01")
