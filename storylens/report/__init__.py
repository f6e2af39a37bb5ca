"""Renderings of analyses and comparisons: terminal (rich), HTML, JSON."""

# Shown for a quote whose speaker the analysis did not find.
UNATTRIBUTED = "speaker not identified"

# The page and table style the story and stories pages share (each adds its own rules).
PAGE_CSS = (
    "body{font-family:sans-serif;max-width:72em;margin:auto;padding:0 1em}\n"
    "table{border-collapse:collapse} td,th{vertical-align:top;padding:3px 8px;text-align:left}\n"
    "tr:nth-child(even){background:#f6f6f6}"
)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """"1 article", "3 articles": a count with its noun in the right number."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
