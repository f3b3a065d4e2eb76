"""Speed of `reportcheck check` on the bundled corpus.

Prints per-report latency (read, analyse = segment + rating + sentences,
whole check), reports/second, peak memory, the cold start of one
`reportcheck check` process, and how the time grows with the corpus size.

    python benchmarks/bench_check.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from reportcheck.io import read_document  # noqa: E402
from reportcheck import annotate, segment  # noqa: E402
from reportcheck.pipeline import analyse, check_document  # noqa: E402
from reportcheck.text import normalize  # noqa: E402


def files() -> list[Path]:
    return sorted(p for p in (REPO / "corpora" / "reports").iterdir() if p.suffix in (".docx", ".txt"))


def forget_text() -> None:
    """Empty the per-text caches so that every measured report counts as unseen."""
    for fn in (normalize.fold, normalize.normalize, normalize.count_words, segment._node_score, segment._variant_score,
               annotate.classify):
        fn.cache_clear()


def per_file(paths: list[Path], repeat: int) -> dict[str, list[float]]:
    times = {"read": [], "analyse": [], "check": []}
    check_document(read_document(paths[0]))  # warm-up: imports, rubrics, lexicons, model
    for _ in range(repeat):
        for path in paths:
            forget_text()
            t0 = time.perf_counter()
            doc = read_document(path)
            t1 = time.perf_counter()
            analyse(doc)
            t2 = time.perf_counter()
            forget_text()
            check_document(doc)
            t3 = time.perf_counter()
            times["read"].append(t1 - t0)
            times["analyse"].append(t2 - t1)
            times["check"].append(t3 - t2)
    return times


def cold_start(path: Path, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "reportcheck", "check", str(path), "--fail-on", "never"],
                       cwd=REPO, capture_output=True, check=True)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    paths = files()
    if not paths:
        sys.exit("no built reports in corpora/reports (run python corpora/build.py)")
    times = per_file(paths, args.repeat)
    tracemalloc.start()
    for p in paths:
        check_document(read_document(p))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"corpus: {len(paths)} reports ({sum(p.suffix == '.docx' for p in paths)} docx), repeat {args.repeat}")
    for stage, values in times.items():
        ms = [v * 1000 for v in values]
        print(f"  {stage:<8} median {statistics.median(ms):6.2f} ms   p95 {sorted(ms)[int(0.95 * (len(ms) - 1))]:6.2f} ms"
              f"   max {max(ms):6.2f} ms")
    total = sum(times["read"]) + sum(times["check"])
    n = len(times["check"])
    print(f"  throughput (read + check, 1 process): {n / total:.1f} reports/s")
    print(f"  peak traced memory: {peak / 1e6:.1f} MB; process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    for k in (1, 2, 4):
        batch = paths * k
        t0 = time.perf_counter()
        for p in batch:
            forget_text()
            check_document(read_document(p))
        dt = time.perf_counter() - t0
        print(f"  scaling: {len(batch):4d} reports in {dt:6.2f} s = {len(batch) / dt:6.1f} reports/s")
    print(f"  cold start, one `python -m reportcheck check` process: {cold_start(paths[0]) * 1000:.0f} ms (best of 3)")


if __name__ == "__main__":
    main()
