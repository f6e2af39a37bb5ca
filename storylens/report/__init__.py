"""Renderings of analyses and comparisons: terminal (rich), HTML, JSON."""
