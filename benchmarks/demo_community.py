"""Time generating the full synthetic demo community (was a timed test; speed is not a test).

.venv/bin/python benchmarks/demo_community.py [--repeat 5]
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo.community import generate_community  # noqa: E402

if __name__ == "__main__":
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 5
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        data = generate_community()
        times.append(time.perf_counter() - start)
    times.sort()
    best, median = times[0], times[len(times) // 2]
    print(
        f"demo community: {len(data['members'])} members, {len(data['posts'])} posts, "
        f"{len(data['reports'])} reports; best {best:.2f} s, median {median:.2f} s "
        f"of {repeat} (target: under 2 s)"
    )
