"""Screening throughput on one core, peak RSS and pipeline load time.

    taskset -c 0 .venv/bin/python benchmarks/screen_throughput.py [--posts 5000] [--repeat 5]

Posts are ~460-character forum-style texts assembled from fixed fragments (deterministic), run
through the full pipeline (`screen_texts`, i.e. tokenizer, sentencizer, matching, context,
pairing, seriousness, criteria and the output dicts). Targets: >= 2,000 posts/s, peak RSS
<= 1 GB, load <= 5 s.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

FRAGMENTS = [
    "started lexapro 2 wks ago and cant sleep, hair falling out too, no nausea tho.",
    "My doctor said lipitor could cause muscle pain but so far my legs are fine.",
    "zoloft gave me brain zaps and I felt like a zombie for the first month;",
    "I take cymbalta for my back pain and it helps, except the night sweats are awful.",
    "Has anyone else gained 20 lbs on seroquel? I'm worried about diabetes.",
    "my mom gets migraines on her estrogen, I never had headaches before.",
    "Went for a walk today, the weather was lovely and I felt calm for once.",
    "Effexor withdrawal is no joke, dizzy and nauseous every time I miss a dose.",
    "Threw up twice after the new metformin dose and ended up in the ER overnight.",
    "Honestly the wellbutrin has been great, more energy and no weight gain at all.",
]


def make_posts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    posts = []
    for _ in range(n):
        text = ""
        while len(text) < 440:
            text += rng.choice(FRAGMENTS) + " "
        posts.append(text[:470].strip())
    return posts


def psytar_posts(n: int) -> list[str]:
    """~460-character posts made of consecutive real PsyTAR sentences (all splits, in file
    order): real vocabulary and misspellings, so caches help far less than with FRAGMENTS."""
    from intake.nlp.psytar import psytar_dir, read_binary

    sentences = [r["text"] for split in ("train", "dev", "test")
                 for r in read_binary(psytar_dir() / "binary" / f"{split}.csv")]
    posts, text, i = [], "", 0
    while len(posts) < n:
        text += sentences[i % len(sentences)] + " "
        i += 1
        if len(text) >= 440:
            posts.append(text[:470].strip())
            text = ""
    return posts


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--source", choices=["fragments", "psytar"], default="fragments",
                        help="synthetic posts from fixed fragments, or real PsyTAR sentences "
                        "(each repeat sees the same posts: later repeats find warm caches)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    from intake.nlp import load_pipeline, screen_texts

    load_pipeline()
    list(screen_texts([{"id": 0, "text": "warm up zoloft headaches"}]))
    load_s = time.perf_counter() - t0
    posts = make_posts(args.posts) if args.source == "fragments" else psytar_posts(args.posts)
    avg = sum(map(len, posts)) / len(posts)
    walls, cpus = [], []
    for _ in range(args.repeat):
        t1, c1 = time.perf_counter(), time.process_time()
        n = sum(1 for _ in screen_texts({"id": i, "text": t} for i, t in enumerate(posts)))
        walls.append(time.perf_counter() - t1)
        cpus.append(time.process_time() - c1)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"posts: {n}, average length {avg:.0f} chars")
    print(f"pipeline load (import + build + first call): {load_s:.2f} s")
    # On a shared machine the wall clock includes time other processes held the core; CPU time
    # is what this process used. Best of the repeats (like timeit), and the median.
    for label, times in (("wall", walls), ("CPU time", cpus)):
        best, med = min(times), statistics.median(times)
        print(f"throughput ({label}): best {n / best:,.0f} posts/s, median {n / med:,.0f} "
              f"posts/s over {len(times)} runs, first (cold caches) {n / times[0]:,.0f} "
              f"posts/s (one process, one core)")
    print(f"load average: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    print(f"peak RSS: {rss_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
