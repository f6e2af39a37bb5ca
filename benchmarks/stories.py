"""Story clustering quality: semeval-dev as one stream, plus the seeds and 10kGNAD distractors.

    .venv/bin/python benchmarks/stories.py                  # writes benchmarks/stories_RESULTS.md
    .venv/bin/python benchmarks/stories.py --sweep --no-write   # thresholds, embeddings cached

Every article of ../shared/data/semeval-dev/pairs.jsonl (texts stay in ../shared; they are only
turned into an in-memory stream), the two seeds and the 1,028 10kGNAD test articles go through
``Ingestor`` (the ``storylens ingest`` code path) into a temporary SQLite store in a fixed
shuffled order. The pairwise decisions implied by the stories are scored against the gold:
Overall <= 1.5 means same story, >= 2.5 different, pairs in between are left out.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storylens.cluster.pipeline import Ingestor, clusterer_from_settings  # noqa: E402
from storylens.ingest.reader import make_article, read  # noqa: E402
from storylens.model import Article  # noqa: E402
from storylens.store.sqlite import SQLiteStore  # noqa: E402

SHARED = Path(os.environ.get("STORYLENS_SHARED", ROOT.parent / "shared"))


def load_stream() -> tuple[list[Article], list[tuple[str, str, float]], tuple[str, str], int]:
    """Articles in stream order, gold pairs as (fingerprint, fingerprint, overall), seed ids."""
    by_semeval: dict[str, Article] = {}
    gold: list[tuple[str, str, float]] = []
    with (SHARED / "data" / "semeval-dev" / "pairs.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            ids = row["pair_id"].split("_")
            for side, sid in zip(("1", "2"), ids, strict=True):
                meta = {"title": row.get(f"title{side}"), "url": row.get(f"url{side}"),
                        "lang": row.get(f"lang{side}"), "date": row.get(f"date{side}")}
                by_semeval.setdefault(sid, make_article(row[f"text{side}"], meta, sid))
            gold.append((by_semeval[ids[0]].id, by_semeval[ids[1]].id, row["gold"]["Overall"]))
    seeds = [read(p) for p in sorted((SHARED / "seeds").glob("*.txt"))]
    distractors = []
    with (SHARED / "data" / "10kGNAD" / "test.csv").open(encoding="utf-8") as f:
        for i, rec in enumerate(csv.reader(f, delimiter=";", quotechar="'")):
            distractors.append(make_article(rec[1], {"source": "10kGNAD"}, f"10kGNAD #{i}"))
    stream = list(by_semeval.values()) + seeds + distractors
    random.Random(2022).shuffle(stream)
    return stream, gold, (seeds[0].id, seeds[1].id), len(distractors)


def evaluate(
    story_of: dict[str, str], gold: list[tuple[str, str, float]], seeds: tuple[str, str],
    distractor_ids: set[str],
) -> dict[str, Any]:
    tp = fp = fn = tn = 0
    for a, b, overall in gold:
        if 1.5 < overall < 2.5:
            continue
        same = story_of[a] == story_of[b]
        if overall <= 1.5:
            tp += same
            fn += not same
        else:
            fp += same
            tn += not same
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    stories_with_distractor = {story_of[d] for d in distractor_ids}
    semeval_ids = {x for pair in gold for x in pair[:2]}
    polluted = sum(story_of[x] in stories_with_distractor for x in semeval_ids)
    return {
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "precision": round(p, 3), "recall": round(r, 3),
        "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        "seeds_one_story": story_of[seeds[0]] == story_of[seeds[1]],
        "semeval_articles_sharing_a_story_with_a_distractor": polluted,
        "stories": len(set(story_of.values())),
    }


def run(
    stream: list[Article], verify: bool = False, **params: Any
) -> tuple[dict[str, str], dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp, SQLiteStore(Path(tmp) / "b.db") as store:
        ingestor = Ingestor(store, clusterer=clusterer_from_settings(**params), verify=verify)
        summary = ingestor.run(stream)
        story_of = store.assignments()
    return story_of, summary.as_dict()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="Try several thresholds.")
    parser.add_argument("--no-write", action="store_true", help="Do not write RESULTS.md.")
    parser.add_argument("--threshold", type=float, help="Override [stories] threshold.")
    parser.add_argument("--verify", action="store_true",
                        help="Check uncertain links with the pairwise similarity scorer.")
    args = parser.parse_args()
    stream, gold, seeds, n_distractors = load_stream()
    distractor_ids = {a.id for a in stream if a.source == "10kGNAD"}
    t0 = time.perf_counter()
    params = {"threshold": args.threshold} if args.threshold else {}
    story_of, summary = run(stream, verify=args.verify, **params)
    elapsed = time.perf_counter() - t0
    result = evaluate(story_of, gold, seeds, distractor_ids)
    name = "verify" if args.verify else "default"
    ingest = summary | {"failed": len(summary["failed"])}
    print(json.dumps({name: result, "ingest": ingest}, indent=2))
    sweep = []
    if args.sweep:
        for threshold in (0.5, 0.53, 0.56, 0.6, 0.65):
            for merge in (threshold + 0.04, threshold + 0.1):
                got, _ = run(stream, threshold=threshold, merge_threshold=round(merge, 2))
                row = {"threshold": threshold, "merge_threshold": round(merge, 2)}
                row |= evaluate(got, gold, seeds, distractor_ids)
                sweep.append(row)
                print(json.dumps(row))
    if args.no_write:
        return
    n_eval = result["tp"] + result["fp"] + result["fn"] + result["tn"]
    lines = [
        "# Story clustering quality (benchmarks/stories.py)",
        "",
        f"Stream: {len(stream)} articles ({len(stream) - n_distractors - 2} semeval-dev, 2 seeds,"
        f" {n_distractors} 10kGNAD distractors), fixed shuffled order; {n_eval} gold pairs"
        " decided (Overall <= 1.5 same, >= 2.5 different).",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}.",
        "",
        "| precision | recall | F1 | TP | FP | FN | seeds in one story | stories |",
        "|---|---|---|---|---|---|---|---|",
        f"| {result['precision']} | {result['recall']} | {result['f1']} | {result['tp']} |"
        f" {result['fp']} | {result['fn']} | {result['seeds_one_story']} | {result['stories']} |",
        "",
        f"semeval articles in a story with a 10kGNAD distractor:"
        f" {result['semeval_articles_sharing_a_story_with_a_distractor']}",
        "",
        f"Ingest: {summary['new']} new in {elapsed:.1f} s ({summary['new'] / elapsed:.1f}"
        f" articles/s); time by stage (s): {json.dumps(summary['timings'])}",
    ]
    if sweep:
        lines += ["", "## Threshold sweep", "", "| threshold | merge | P | R | F1 | seeds |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {r['threshold']} | {r['merge_threshold']} | {r['precision']} |"
                  f" {r['recall']} | {r['f1']} | {r['seeds_one_story']} |" for r in sweep]
    out = ROOT / "benchmarks" / "stories_RESULTS.md"
    body = out.read_text("utf-8").split("\n<!-- notes -->")[1] if out.exists() else ""
    out.write_text("\n".join(lines) + "\n\n<!-- notes -->" + body, encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
