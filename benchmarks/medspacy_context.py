"""The issue's yardstick, measured here: a medspaCy ConText pipeline on the same posts.

    python3 -m venv /tmp/medvenv && /tmp/medvenv/bin/pip install medspacy   # not a pv dependency
    taskset -c 0 /tmp/medvenv/bin/python benchmarks/medspacy_context.py [--posts 5000] [--repeat 3]

medspaCy's default pipeline (spaCy's English tokenizer, the target matcher and ConText with
its default rules; spaCy's rule-based sentencizer in place of PyRuSH, which alone manages
about 90 posts/s here: `--pyrush` keeps it), with one target rule per drug name and per
event term of pv's own embedded dictionaries (`coding/nlp/data/*.json.gz`), so it looks for the
same words pv does. It finds and flags mentions only: no coding, tagger, pairing, seriousness
or result records, so it does less than `screen_throughput.py`'s full pipeline. Run it beside
`screen_throughput.py` (same posts, `make_posts`) at the same moment: this machine's speed
drifts, so only the ratio of two runs side by side means much.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.fspath(ROOT / "benchmarks"))

from screen_throughput import make_posts  # noqa: E402  (stdlib-only module)


def target_rules() -> list:
    from medspacy.ner import TargetRule

    data = ROOT / "coding" / "nlp" / "data"
    with gzip.open(data / "drugs.json.gz", "rt") as fh:
        drugs = json.load(fh)["names"]
    with gzip.open(data / "events.json.gz", "rt") as fh:
        events = json.load(fh)["llts"]
    return ([TargetRule(name, "DRUG") for name in drugs]
            + [TargetRule(term, "EVENT") for term in events])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pyrush", action="store_true",
                        help="medspaCy's own PyRuSH sentence splitter (about 90 posts/s alone) "
                        "instead of spaCy's rule-based sentencizer")
    args = parser.parse_args()
    try:
        import medspacy
    except ImportError:  # `make bench` runs every script with pv's own venv
        print("medspaCy is not installed here: see this script's docstring for its venv")
        return 0
    from loguru import logger  # PyRuSH logs every sentence at DEBUG: that alone costs 10x

    logger.remove()

    t0 = time.perf_counter()
    if args.pyrush:
        nlp = medspacy.load()
    else:
        nlp = medspacy.load(medspacy_disable=["medspacy_pyrush"])
        nlp.add_pipe("sentencizer", first=True)
    rules = target_rules()
    nlp.get_pipe("medspacy_target_matcher").add(rules)
    list(nlp.pipe(["warm up zoloft headaches"]))
    load_s = time.perf_counter() - t0
    posts = make_posts(args.posts)
    rates, ents = [], 0
    for _ in range(args.repeat):
        t = time.process_time()
        docs = list(nlp.pipe(posts))
        rates.append(len(posts) / (time.process_time() - t))
        ents = sum(len(doc.ents) for doc in docs)
    print(f"medspaCy {medspacy.__version__}, pipes {nlp.pipe_names}, {len(rules):,} target rules")
    print(f"posts: {len(posts)}, average length {sum(map(len, posts)) / len(posts):.0f} chars, "
          f"{ents / len(posts):.1f} mentions per post")
    print(f"load (rules included): {load_s:.1f} s")
    print(f"throughput (CPU time): best {max(rates):,.0f} posts/s, median "
          f"{statistics.median(rates):,.0f} posts/s over {len(rates)} runs (one process, one core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
