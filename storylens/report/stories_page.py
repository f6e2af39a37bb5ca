"""The stories overview page (`storylens stories --html FILE`): when each story ran, how big it
is and who covered it, as a timeline of bars above a table of every story listed.

Every piece of text from articles (labels, sources, entities) goes through html.escape.
"""

from __future__ import annotations

import html
import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from storylens.report import PAGE_CSS, counted
from storylens.report.story import ingest_dated, iso_day, story_when

# The chart shows the largest stories; the table below it lists all of them.
CHART_STORIES = 80
ROW = 18
LEFT = 10
CHART_WIDTH = 900


def _ticks(first: date, last: date, most: int = 8) -> list[date]:
    """Evenly spaced days from ``first`` to ``last`` (both included), at most ``most``."""
    days = (last - first).days
    if days == 0:
        return [first]
    step = max(1, math.ceil(days / (most - 1)))
    ticks = [first + timedelta(days=d) for d in range(0, days + 1, step)]
    return ticks if ticks[-1] == last else [*ticks, last]


def _lightness(size: int, largest: int) -> int:
    """Darker blue for bigger stories (log scale, so a story of 2 is still visible): 35-80%."""
    share = math.log(size + 1) / math.log(largest + 1) if largest > 0 else 1.0
    return round(80 - 45 * share)


# About how wide a character of the 11-pixel labels is, to tell whether a label fits.
CHAR_WIDTH = 6.5


def _bar_label(start: float, width: float, y: int, chars: int, dark: bool) -> str:
    """The opening tag of a bar's label: beside the bar, on the side with room for it, or inside
    the bar where neither side has room (a bar that spans most of the axis, as every story of
    one day does), in white on a dark bar."""
    needed = chars * CHAR_WIDTH + 6
    if CHART_WIDTH - (start + width) >= needed:
        return f'<text x="{start + width + 4:.1f}" y="{y}" font-size="11">'
    if start >= needed:
        return f'<text x="{start - 4:.1f}" y="{y}" font-size="11" text-anchor="end">'
    colour = "#fff" if dark else "#111"
    return f'<text x="{start + 6:.1f}" y="{y}" font-size="11" fill="{colour}" class="inside">'


def timeline_svg(stories: list[dict[str, Any]]) -> str:
    """One bar per story from first to last seen (the largest CHART_STORIES, in order of first
    seen); hovering a bar shows its label, size, dates and sources. Stories dated only by when
    they were ingested are left to the table where others have publication dates: an archive
    ingested today would otherwise stretch the axis from its years to today."""
    published = [s for s in stories if not ingest_dated(s)]
    placed = published or stories
    dated: list[tuple[dict[str, Any], date, date]] = []
    for story in placed:
        begun = iso_day(story.get("first_seen"))
        if begun is not None:
            dated.append((story, begun, iso_day(story.get("last_seen")) or begun))
    if not stories:
        return "<p>No stories to show.</p>"
    if not dated:
        return "<p>No story has a date to place on a timeline.</p>"
    shown = sorted(dated, key=lambda t: (-t[0]["size"], t[1], t[0]["id"]))[:CHART_STORIES]
    shown.sort(key=lambda t: (t[1], -t[0]["size"], t[0]["id"]))
    first = min(a for _, a, _ in shown)
    last = max(b for _, _, b in shown)
    days = (last - first).days + 1  # the plot runs from the start of the first day to the end of the last
    plot = CHART_WIDTH - 2 * LEFT

    def x(day: date) -> float:
        return LEFT + plot * (day - first).days / days

    day_width = max(plot / days, 3.0)
    largest = max(s["size"] for s, _, _ in shown)
    e = html.escape
    height = 30 + ROW * len(shown)
    parts = []
    for tick in _ticks(first, last):
        tx = x(tick)  # the start of the day; its date is written from there
        anchor = "start" if tx < CHART_WIDTH - 70 else "end"
        parts.append(f'<line x1="{tx:.1f}" y1="0" x2="{tx:.1f}" y2="{height - 22}" stroke="#e3e3e3"/>'
                     f'<text x="{tx:.1f}" y="{height - 8}" font-size="10" text-anchor="{anchor}">'
                     f"{tick.isoformat()}</text>")
    for i, (s, a, b) in enumerate(shown):
        y = 4 + ROW * i
        width = max(x(b) - x(a), 0) + day_width
        label = s.get("label") or s["id"]
        short = label if len(label) <= 55 else label[:54] + "…"
        sources = ", ".join(s.get("sources") or []) or "no source named"
        tip = f"{label}: {counted(s['size'], 'article')}, {story_when(s)}; {sources}"
        text = f"{s['size']} · {short}"
        light = _lightness(s["size"], largest)
        parts.append(
            f'<g class="story-row"><title>{e(tip)}</title>'
            f'<rect class="story-bar" x="{x(a):.1f}" y="{y}" width="{width:.1f}" height="{ROW - 5}"'
            f' rx="3" fill="hsl(212, 55%, {light}%)" data-story="{e(s["id"])}"/>'
            + _bar_label(x(a), width, y + ROW - 8, len(text), light < 60)
            + f"{e(text)}</text></g>"
        )
    svg = (f'<svg class="stories-timeline" width="{CHART_WIDTH}" height="{height}" role="img"'
           f' aria-label="stories over time">{"".join(parts)}</svg>')
    note = (f"<p>The {len(shown)} largest of {len(stories)} stories; the table lists all.</p>"
            if len(stories) > len(shown) else "")
    if len(placed) < len(stories):
        left = len(stories) - len(placed)
        which = "story without a publication date is" if left == 1 else "stories without a publication date are"
        note += f"<p>{left} {which} in the table only, marked (ingested).</p>"
    elif not published:
        note += "<p>No article gives a publication date: the bars show when the articles were ingested.</p>"
    return svg + note


def render_html(stories: list[dict[str, Any]], title: str = "Stories") -> str:
    e = html.escape
    total = sum(s["size"] for s in stories)
    rows = "".join(
        f"<tr><td><code>{e(s['id'])}</code></td><td>{s['size']}</td>"
        f"<td>{e(story_when(s))}</td>"
        f"<td>{e(s.get('label') or '')}</td><td>{e(', '.join(s.get('sources') or []))}</td>"
        f"<td>{e(', '.join(s.get('top_entities') or []))}</td></tr>"
        for s in stories
    )
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{e(title)}</title>
<style>{PAGE_CSS}
td{{overflow-wrap:anywhere}} .story-row:hover rect{{stroke:#222}}</style></head><body>
<h1>{e(title)}</h1>
<p>{counted(len(stories), 'story', 'stories')}, {counted(total, 'article')}. Each bar runs from a story's first
to its last article; darker bars are bigger stories. <code>storylens story ID --html FILE</code> shows one
story in full.</p>
<h2>Timeline</h2>{timeline_svg(stories)}
<h2>All stories</h2>
<table id="stories"><tr><th>id</th><th>articles</th><th>when</th><th>label</th><th>sources</th>
<th>top terms</th></tr>{rows}</table>
</body></html>
"""


def write_html(stories: list[dict[str, Any]], path: str | Path, title: str = "Stories") -> None:
    Path(path).write_text(render_html(stories, title), encoding="utf-8")
