"""Renderings of analyses and comparisons: terminal (rich), HTML, JSON."""

# Shown for a quote whose speaker the analysis did not find.
UNATTRIBUTED = "speaker not identified"
