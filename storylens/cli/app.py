"""The Typer application and the one place user errors become one-line messages."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import typer

from storylens.errors import Code, StorylensError

app = typer.Typer(
    name="storylens",
    help="Find, group and compare news coverage of the same story across outlets and languages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def one_line(text: str) -> str:
    """``text`` with control characters (in an id or a path as typed) escaped the way Python
    writes them, so that a message stays one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


ALLOW_PRIVATE_HELP = "Allow fetching URLs on private or loopback addresses."


def fail(exc: StorylensError | str) -> None:
    """Print a one-line error on stderr and exit 1 (bad input), never a traceback."""
    message = exc.message if isinstance(exc, StorylensError) else exc
    typer.echo(f"error: {one_line(message)}", err=True)
    raise typer.Exit(1)


def write_page(path: Path, write: Callable[[Path], None]) -> None:
    """Write an output file with ``write``; a path that cannot be written is E022, one line."""
    try:
        write(path)
    except OSError as exc:
        fail(StorylensError(Code.E022, path=path, reason=exc.strerror or exc))


def _register() -> None:
    # Importing the command modules attaches their commands to ``app``.
    from storylens.cli import articles, pairs, stories  # noqa: F401


_register()


def main() -> None:
    """The ``storylens`` program."""
    try:
        app()
    except StorylensError as exc:  # pragma: no cover - commands catch their own
        typer.echo(f"error: {one_line(exc.message)}", err=True)
        sys.exit(1)

