"""Renderings of analyses and comparisons: terminal (rich), HTML, JSON."""

# Shown for a quote whose speaker the analysis did not find.
UNATTRIBUTED = "speaker not identified"

# The page and table style the story and stories pages share (each adds its own rules).
PAGE_CSS = (
    "body{font-family:sans-serif;max-width:72em;margin:auto;padding:0 1em}\n"
    "table{border-collapse:collapse} td,th{vertical-align:top;padding:3px 8px;text-align:left}\n"
    "tr:nth-child(even){background:#f6f6f6}"
)
