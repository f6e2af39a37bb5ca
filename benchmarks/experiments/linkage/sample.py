"""Which 10kGNAD links does the mixed story link remove?  A sample to read.

    .venv/bin/python benchmarks/experiments/linkage/sample.py [--show]

Pairs of 10kGNAD distractors put in one story with centroid share 1 (before session 7) but not
with the shipped 0.25 ("lost"), in both ("kept") and only with 0.25 ("new"); 30, 30 and 10 drawn
with seed 1.  Writes the pairs as 10kGNAD test.csv row numbers (no text leaves ../shared) to
sample.json; ``--show`` prints their openings for reading.  labels.md holds what a reader (the
developer, session 7) made of them.
"""
from __future__ import annotations

import csv
import itertools
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import stories  # noqa: E402

from storylens.cluster.score import TraitVerifier  # noqa: E402
from storylens.config import settings  # noqa: E402
from storylens.ingest.reader import make_article  # noqa: E402


def main() -> None:
    stream, _, _, _ = stories.load_stream()
    _, _, vectors = stories.run(stream)
    by_id = {a.id: a for a in stream}
    row_of = {}
    with (stories.SHARED / "data" / "10kGNAD" / "test.csv").open(encoding="utf-8") as f:
        for i, rec in enumerate(csv.reader(f, delimiter=";", quotechar="'")):
            row_of[make_article(rec[1], {}, "").id] = i
    cfg = settings().stories
    joined = {}
    for share in (1.0, cfg.centroid_share):
        story_of = stories.recluster(
            vectors, TraitVerifier(lambda k: by_id[vectors[k][0]]),
            verify_from=round(cfg.threshold - cfg.cross_language_margin, 3), centroid_share=share)
        members: dict[str, list[int]] = {}
        for article, story in story_of.items():
            if article in row_of:
                members.setdefault(story, []).append(row_of[article])
        joined[share] = {tuple(sorted(p)) for m in members.values() for p in itertools.combinations(m, 2)}
    before, now = joined[1.0], joined[cfg.centroid_share]
    groups = {"lost": sorted(before - now), "kept": sorted(before & now), "new": sorted(now - before)}
    rng = random.Random(1)
    sample = {k: rng.sample(v, min(n, len(v))) for (k, v), n in zip(groups.items(), (30, 30, 10), strict=True)}
    out = {"counts": {k: len(v) for k, v in groups.items()}, "sample": sample}
    Path(__file__).with_name("sample.json").write_text(json.dumps(out) + "\n")
    print(json.dumps(out["counts"]))
    if "--show" in sys.argv:
        text = {row: by_id[a].text for a, row in row_of.items()}
        for kind, pairs in sample.items():
            for i, (a, b) in enumerate(pairs):
                print(f"{kind} {i} #{a}: {text[a][:200]}\n       #{b}: {text[b][:200]}")


if __name__ == "__main__":
    main()
