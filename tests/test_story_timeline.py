"""The story page's timeline: days to scale, undated articles apart, no chart without dates."""

from __future__ import annotations

import re

from storylens.report import story


def _report(*published: str | None) -> dict:
    articles = [{"id": f"a{i}", "number": i + 1, "source": "Blatt", "published": p,
                 "headline": f"Bericht {i}"} for i, p in enumerate(published)]
    return {"articles": articles, "sources": ["Blatt"]}


def _dots(svg: str) -> list[tuple[float, float]]:
    """Each article's dot (x, y), in the articles' order (their numbers in the tooltips)."""
    found = re.findall(r'<circle class="article-dot" cx="([\d.]+)" cy="([\d.]+)"[^>]*><title>#(\d+)', svg)
    return [(float(x), float(y)) for x, y, _ in sorted(found, key=lambda f: int(f[2]))]


def test_days_are_drawn_to_scale_and_one_day_stacks():
    svg = story._timeline_svg(_report("2022-01-01", "2022-01-02", "2022-01-09", "2022-01-01"))
    (x1, y1), (x2, _), (x9, _), (x1b, y1b) = _dots(svg)
    assert x1 == x1b and y1b < y1  # the same day: one column, stacked
    assert abs((x9 - x1) / (x2 - x1) - 8) < 0.01  # eight days as far as one, eight times
    labels = re.findall(r">(\d{4}-\d\d-\d\d)</text>", svg)
    assert labels == ["2022-01-01", "2022-01-02", "2022-01-09"]


def test_a_long_story_keeps_its_axis_and_drops_labels_that_would_overlap():
    days = [f"2022-{m:02d}-{d:02d}" for m in range(1, 7) for d in (1, 2, 3)]
    svg = story._timeline_svg(_report(*days))
    xs = sorted({x for x, _ in _dots(svg)})
    assert len(xs) == len(days) and xs[-1] - xs[0] <= story.AXIS_PX + 1
    labelled = [float(x) for x in re.findall(r'<text x="([\d.]+)"[^>]*>\d{4}-\d\d-\d\d<', svg)]
    assert 1 < len(labelled) < len(days)
    assert all(b - a >= 60 for a, b in zip(labelled, labelled[1:], strict=False))


def test_month_only_and_undated_articles_stand_after_the_axis():
    svg = story._timeline_svg(_report("2022-01-05", None, "2022-01", "2022-01-03"))
    dots = _dots(svg)
    dated_right = max(dots[0][0], dots[3][0])
    assert dots[2][0] > dated_right and dots[1][0] > dots[2][0]  # month, then no date
    assert 'font-style="italic">2022-01<' in svg and 'font-style="italic">no date<' in svg


def test_a_story_without_dates_gets_a_sentence_not_a_column_of_dots():
    out = story._timeline_svg(_report(None, None, None))
    assert "<svg" not in out and "No article of this story gives a publication date" in out
    assert story._timeline_svg(_report()) == ""
