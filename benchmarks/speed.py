"""Speed of the core: analyze one article and compare the seed pair, cold and warm; peak memory.

Cold = a fresh `storylens` process (start-up, imports and model loading included), as a user
meets it. Warm = in one process after a first run, analysis cached, i.e. the compare step alone.
Run: .venv/bin/python benchmarks/speed.py   (writes benchmarks/speed_RESULTS.md)
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STORYLENS_SHARED", REPO.parent / "shared"))
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
CLI = [sys.executable, "-m", "storylens"]


def cold(args: list[str], repeat: int = 3) -> tuple[float, float]:
    times, peaks = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=REPO)
        times.append(time.perf_counter() - start)
        assert proc.returncode == 0, proc.stderr
        # Largest resident set of any child so far (KiB on Linux).
        peaks.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return statistics.median(times), max(peaks)


def warm(repeat: int = 20) -> dict[str, float]:
    import storylens
    from storylens.nlp.pipeline import analyze

    raw = [storylens.read(p) for p in SEEDS]
    analyze(raw[0])  # load models
    t = []
    for _ in range(5):
        start = time.perf_counter()
        analyze(raw[0])
        t.append(time.perf_counter() - start)
    analysed = [analyze(r) for r in raw]
    storylens.compare(*analysed)
    c = []
    for _ in range(repeat):
        start = time.perf_counter()
        storylens.compare(*analysed)
        c.append(time.perf_counter() - start)
    # The same compare with the embedding cache emptied first: two articles never seen before.
    from storylens.config import settings
    from storylens.embed import get_embedder

    embedder = get_embedder(settings().embedding.backend, settings().embedding.threads)
    fresh = []
    for _ in range(5):
        embedder._cache.clear()  # type: ignore[attr-defined]
        start = time.perf_counter()
        storylens.compare(*analysed)
        fresh.append(time.perf_counter() - start)
    return {
        "analyze_one": statistics.median(t),
        "compare_after_analysis": statistics.median(c),
        "compare_uncached": statistics.median(fresh),
    }


def main() -> None:
    assert len(SEEDS) == 2, f"seeds not found in {SHARED}"
    cold_analyze, mem_analyze = cold(["analyze", str(SEEDS[0]), "--json"])
    cold_compare, mem_compare = cold(["compare", str(SEEDS[0]), str(SEEDS[1]), "--json"])
    w = warm()
    words = len(SEEDS[0].read_text("utf-8").split())
    lines = [
        "# Speed benchmark (core)",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        f"Command: `.venv/bin/python benchmarks/speed.py`. Article: seed A ({words} words).",
        "",
        "| measurement | result | target |",
        "|---|---|---|",
        f"| cold `storylens analyze` (process start included) | {cold_analyze:.2f} s | |",
        f"| cold `storylens compare` seed pair (process start included) | {cold_compare:.2f} s | ≤ 5 s |",
        f"| warm analyze one article | {w['analyze_one'] * 1000:.0f} ms | |",
        f"| warm compare seed pair, after analysis | {w['compare_after_analysis'] * 1000:.0f} ms | ≤ 150 ms |",
        f"| warm compare seed pair, after analysis, embedding cache emptied "
        f"| {w['compare_uncached'] * 1000:.0f} ms | |",
        f"| peak memory, cold analyze | {mem_analyze:.0f} MiB | |",
        f"| peak memory, cold compare | {mem_compare:.0f} MiB | |",
        "",
        "Medians of 3 cold runs, 20 warm runs (5 with the embedding cache emptied).",
        f"Load average when finished: {os.getloadavg()[0]:.1f} (other jobs share the 2 cores).",
    ]
    out = REPO / "benchmarks" / "speed_RESULTS.md"
    out.write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
