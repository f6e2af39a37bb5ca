"""How analysis cost grows with the size of one article: `storylens analyze` on 0.25, 1 and
2.5 MB of text (the project's example articles repeated, paragraphs kept), and on one 1 MB
"sentence" without a break, with the analysis limit (`analysis.max_chars`) raised out of the way.
Linear growth is the target: time per MB should stay flat. A last row analyses a 19 MB article
with the default limit, which bounds time and memory for any input.

Run: .venv/bin/python benchmarks/analysis_scale.py   (writes benchmarks/analysis_scale_RESULTS.md)
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "storylens"]
SIZES_MB = (0.25, 1.0, 2.5)


def body(path: Path) -> str:
    """An example article's text without its metadata lines."""
    lines = path.read_text("utf-8").splitlines()
    while lines and ":" in lines[0] and len(lines[0]) < 120:
        lines.pop(0)
    return "\n".join(lines).strip()


def build(size_mb: float, out: Path) -> None:
    texts = [body(p) for p in sorted((REPO / "examples").glob("*.txt"))]
    parts, total, i = [], 0, 0
    while total < size_mb * 1_000_000:
        parts.append(texts[i % len(texts)])
        total += len(parts[-1].encode()) + 2
        i += 1
    out.write_text("\n\n".join(parts), "utf-8")


def timed(path: Path, config: Path | None) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one `analyze --json` process."""
    env = {k: v for k, v in os.environ.items() if k != "STORYLENS_CONFIG"}
    if config is not None:
        env["STORYLENS_CONFIG"] = str(config)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run([*CLI, "analyze", str(path), "--json"], cwd=REPO, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(proc.stderr.strip())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        endless = Path(tmp) / "endless.txt"
        endless.write_text("Passau (dpa) - Das Hochwasser in Passau " + "Wort " * 200_000, "utf-8")
        unlimited = Path(tmp) / "unlimited.toml"
        unlimited.write_text("[analysis]\nmax_chars = 1_000_000_000\n", "utf-8")
        # first: the peak column is a running maximum
        cases: list[tuple[str, Path, Path | None]] = [("1 MB, one sentence", endless, unlimited)]
        for mb in SIZES_MB:
            path = Path(tmp) / f"repeat_{mb}.txt"
            build(mb, path)
            cases.append((f"{mb} MB of articles", path, unlimited))
        huge = Path(tmp) / "repeat_19.txt"
        build(19.0, huge)
        cases.append(("19 MB of articles, default analysis.max_chars (2,000,000)", huge, None))
        for name, path, config in cases:
            size = path.stat().st_size / 1e6
            wall, peak = timed(path, config)
            rows.append((name, size, wall, wall / size, peak))
            print(f"{name}: {wall:.1f} s, {wall / size:.1f} s/MB, peak {peak:.0f} MB", flush=True)
    load = os.getloadavg()[0]
    lines = [
        "# Analysis cost against article size (benchmarks/analysis_scale.py)", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()};"
        f" load average (1 min) {load:.1f} after the run. One `storylens analyze FILE --json` process"
        " per row, cold (start-up and model loading, about 4 s, included). All rows but the last"
        " raise `analysis.max_chars` so that the whole text is analysed.", "",
        "Command: `.venv/bin/python benchmarks/analysis_scale.py`", "",
        "| input | MB | wall s | s per MB | peak MB (largest so far) |", "|---|---:|---:|---:|---:|",
        *(f"| {n} | {s:.2f} | {w:.1f} | {r:.1f} | {p:.0f} |" for n, s, w, r, p in rows), "",
        "Before session 8 the cost grew with the square of the size (2.5 MB: 262 s, 5 MB: over",
        "700 s; syntok padded every paragraph by its offset, and overlap checks scanned every",
        "earlier match), and a sentence without a break was tagged in one piece (3 MB: 10.9 GB).",
        "Before session 9 a 19 MB article was analysed whole: 175 s at 2.55 GB peak.",
    ]
    (REPO / "benchmarks" / "analysis_scale_RESULTS.md").write_text("\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    main()
