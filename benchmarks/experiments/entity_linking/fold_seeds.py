"""Dimension figures of the three scorers averaged over fold seeds 0-4, to tell a change in the
analysis (entities, places) from the luck of one fold split.  Session 10 ran it on the code
before and after the entity-linking changes (a git worktree of the earlier commit, with
STORYLENS_SHARED pointing at ../shared) and keeps both outputs in ``fold_seeds.json``.

    .venv/bin/python benchmarks/experiments/entity_linking/fold_seeds.py [LABEL]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from storylens.compare import train as T

SEEDS = range(5)
COLUMNS = [("de-de", "overall"), ("de-en", "overall"), ("de-de", "entities"), ("de-en", "entities"),
           ("de-de", "geography"), ("de-en", "geography")]


def main() -> None:
    label = sys.argv[1] if len(sys.argv) > 1 else "current"
    rows = T.load_pairs()
    y = T.gold_matrix(rows)
    result: dict[str, dict[str, float]] = {}
    for scorer in ("precise", "full", "fast"):
        feats = T.feature_rows(rows, Path("build") / "vectors", scorer)
        names = list(T.SCORER_FEATURES[scorer])
        x, groups = T.feature_matrix(feats, names), T.group_vector(feats)
        per_seed = []
        for seed in SEEDS:
            pred, th = T.cross_validate(x, y, rows, groups, seed=seed, selection=T.SELECTION[scorer],
                                        allowed=T.allowed_columns(names))
            table = T.pearson_table(pred, y, rows)
            f1 = T.same_story_prf(pred[:, 0], y[:, 0], th)["f1"]
            per_seed.append([table[k][d] for k, d in COLUMNS] + [f1])
        mean = np.mean(per_seed, axis=0)
        result[scorer] = {f"{k} {d}": round(float(v), 3) for (k, d), v in zip(COLUMNS, mean, strict=False)}
        result[scorer]["same-story F1"] = round(float(mean[-1]), 3)
        print(label, scorer, result[scorer])
    out = Path(__file__).with_name("fold_seeds.json")
    saved = json.loads(out.read_text()) if out.exists() else {}
    saved[label] = result
    out.write_text(json.dumps(saved, indent=1) + "\n")


if __name__ == "__main__":
    main()
