"""The command line: thin Typer commands over library functions.

Commands live in topic modules (articles, stories) that register themselves on one app.
"""

from storylens.cli.app import app, main

__all__ = ["app", "main"]
