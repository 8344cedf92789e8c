"""Scrubber throughput against every registered member's values, on one core.

    taskset -c 0 .venv/bin/python benchmarks/scrub_throughput.py [--members 100000]
        [--narratives 20000] [--repeat 5]

Builds the all-members automaton (`pv.privacy.known.KnownValues`) from synthetic members
(common first and last names, emails, phones in five countries; deterministic), then scrubs
~500-character case narratives (forum-style text with doses, dates, lab values; 5% mention a
member's name, email or phone in an obfuscated form) with the case member's own values and the
automaton, as `pv.services.privacy.partner_scrubber` does. Prints the automaton build time and
size, peak RSS, and narratives per second (CPU time of this process; median and best of the
repeats). Target: >= 5,000 narratives/s against 100,000 members.

`--baseline REF` also times `pv/privacy/scrub.py` as it was at git REF (own values only; the
old scrubber had no all-members automaton) on the same narratives, on short E2B-style fields,
and inside E2B building (CPU time of `build_batch_tree` for the rich case of
benchmarks/e2b_build_validate.py, with either scrubber), to show what the hot path of E2B
building and intake pays for the stronger scrubber.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from pv.privacy.known import KnownValues  # noqa: E402
from pv.privacy.scrub import scrub_text  # noqa: E402

_FIRST = (
    "james mary robert patricia john jennifer michael linda david elizabeth william barbara "
    "richard susan joseph jessica thomas sarah charles karen christopher lisa daniel nancy "
    "matthew betty anthony margaret mark sandra donald ashley steven kimberly paul emily andrew "
    "donna joshua michelle kenneth carol kevin amanda brian dorothy george melissa timothy "
    "deborah ronald stephanie edward rebecca jason sharon jeffrey laura ryan cynthia jacob "
    "kathleen gary amy nicholas angela eric shirley jonathan anna stephen brenda larry pamela "
    "justin emma scott nicole brandon helen benjamin samantha samuel katherine gregory christine "
    "alexander debra frank rachel patrick carolyn raymond janet jack catherine dennis maria "
    "jerry heather tyler diane aaron ruth jose julie adam olivia nathan joyce henry virginia "
    "ottilie jean-luc sophie lukas marie leon hannah felix mia noah lea luca chloe hugo ines"
)
_LAST = (
    "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez "
    "gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white "
    "harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres "
    "nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts "
    "gomez phillips evans turner diaz parker cruz edwards collins reyes stewart morris morales "
    "murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed kelly howard ramos "
    "kim cox ward richardson watson brooks chavez wood james bennett gray mendoza ruiz hughes "
    "price alvarez castillo sanders patel myers long ross foster jimenez muller schmidt "
    "schneider fischer weber meyer wagner becker schulz hoffmann dubois durand lefebvre moreau "
    "laurent simon michel garnier dupont bakker janssen visser smit meijer brandt"
)
FIRST, LAST = _FIRST.split(), _LAST.split()
DOMAINS = ("gmail.com", "yahoo.co.uk", "outlook.com", "web.de", "orange.fr", "ziggo.nl")
FRAGMENTS = (
    "Started sertraline 50 mg on 2024-01-15 and the nausea has been awful since day 3.",
    "My GP switched me to 20mg citalopram in March; headaches every morning, BP 135/85.",
    "ALT was 123.5 U/L on 12/03/2024, the statin was stopped and it came down to 48.",
    "Took 2 x 500 mg metformin twice daily, then diarrhoea for 10 days, lost 3.5 kg.",
    "Rash on both arms after the second dose of amoxicillin, itchy, resolved in a week.",
    "I was admitted to hospital overnight, they gave me 1 L of fluids and sent me home.",
    "No other medicines except paracetamol 1 g as needed and vitamin D 1000 IU daily.",
    "Dr Patel thinks it is the lisinopril, the cough started 2 weeks after I began it.",
    "The swelling in my ankles got worse on amlodipine 10 mg, better after reducing to 5.",
    "HbA1c 7.2%, weight 82 kg, on insulin glargine 14 units at night since 2023.",
)


def make_members(n: int, seed: int = 11) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    members = []
    for i in range(n):
        first, last = rng.choice(FIRST).title(), rng.choice(LAST).title()
        email = f"{first.lower()}.{last.lower()}{i}@{rng.choice(DOMAINS)}"
        cc = rng.choice(("+44 7400 ", "+1 415 ", "+49 30 ", "+33 6", "+31 6"))
        digits = "".join(rng.choice("0123456789") for _ in range(8 if cc.endswith("6") else 6))
        members.append((f"{first} {last}", email, cc + digits))
    return members


def make_narratives(n: int, members, seed: int = 7) -> list[tuple[str, tuple[str, ...]]]:
    """(narrative, the case member's own values)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        text = ""
        while len(text) < 480:
            text += rng.choice(FRAGMENTS) + " "
        text = text[:520].strip()
        own = rng.choice(members)
        if rng.random() < 0.05:
            other = rng.choice(members)
            form = rng.choice((
                other[0].upper(), other[0].replace(" ", ""), other[1].replace("@", " at "),
                other[2].replace(" ", "-"), own[0].split()[0],
            ))
            text = f"{text} Thanks, {form}"
        out.append((text, own))
    return out


SHORT_FIELDS = (
    "Atorvastatin 20 mg tablets", "Rhabdomyolysis", "muscle pain after dose increase",
    "Hypertension", "oral", "Type 2 diabetes mellitus", "Lot 12AB34",
)


def _baseline(ref: str):
    source = subprocess.run(
        ["git", "show", f"{ref}:pv/privacy/scrub.py"], check=True, capture_output=True, text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location("scrub_baseline", handle.name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.scrub_text


def _rate(func, texts, own, repeat: int) -> float:
    rates = []
    for _ in range(repeat):
        start = time.process_time()
        for text in texts:
            func(text, own)
        rates.append(len(texts) / (time.process_time() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--narratives", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", metavar="REF", help="also time scrub.py at this git ref")
    args = parser.parse_args()

    members = make_members(args.members)
    t0 = time.perf_counter()
    known = KnownValues.build(members)
    build = time.perf_counter() - t0
    narratives = make_narratives(args.narratives, members)
    avg_len = sum(len(t) for t, _ in narratives) / len(narratives)
    print(f"automaton: {args.members:,} members, built in {build:.2f} s")

    def run(with_known: bool) -> float:
        start = time.process_time()
        for text, own in narratives:
            scrub_text(text, own, known=known if with_known else None)
        return len(narratives) / (time.process_time() - start)

    run(True)  # warm the per-member caches and the character folds
    rates = [run(True) for _ in range(args.repeat)]
    alone = [run(False) for _ in range(max(1, args.repeat // 2))]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"narratives: {len(narratives):,}, {avg_len:.0f} chars on average, 5% with a value")
    print(f"with all members: median {statistics.median(rates):,.0f} narratives/s, "
          f"best {max(rates):,.0f} (CPU time, {args.repeat} runs)")
    print(f"own values only:  median {statistics.median(alone):,.0f} narratives/s")
    print(f"peak RSS: {rss:,.0f} MB")
    if args.baseline:
        old = _baseline(args.baseline)
        own = ("Jane Doe", "jane.doe@example.org", "+44 20 7946 0958")
        texts = [t for t, _ in narratives[:2000]]
        fields = list(SHORT_FIELDS) * 300
        for label, sample in (("narratives", texts), ("short fields", fields)):
            before = _rate(old, sample, own, args.repeat)
            after = _rate(scrub_text, sample, own, args.repeat)
            print(f"{label}, one member's values: {args.baseline} {before:,.0f}/s, "
                  f"now {after:,.0f}/s ({1e6 / before:.1f} -> {1e6 / after:.1f} us each)")
        _e2b_build(old, args.baseline, args.repeat)


def _e2b_build(old, ref: str, repeat: int) -> None:
    from datetime import UTC, datetime

    from e2b_build_validate import make_case

    import submissions.e2b.build as build
    from submissions.e2b.snapshot import BatchHeader

    header = BatchHeader(batch_number="BENCH", sender_id="PVPLATFORM", receiver_id="ZZFDA",
                         message_receiver_id="CDER",
                         created_at=datetime(2025, 1, 10, 12, 0, 1, tzinfo=UTC))
    cases = [make_case(i) for i in range(500)]
    current = build.scrub_text
    rates = {}
    try:
        for label, func in ((ref, old), ("now", current)):
            build.scrub_text = func
            build.build_batch_tree(header, cases[:1])
            rates[label] = _rate(lambda case, _own: build.build_batch_tree(header, [case]),
                                 cases, (), repeat)
    finally:
        build.scrub_text = current
    print(f"E2B build (rich case, CPU): {ref} {rates[ref]:,.0f} ICSRs/s, now "
          f"{rates['now']:,.0f}/s ({1e3 / rates[ref]:.2f} -> {1e3 / rates['now']:.2f} ms each)")


if __name__ == "__main__":
    main()
