"""A set of character spans that answers "does anything here overlap [start, end)?" quickly.

The analysis keeps spans it has already claimed (entity names, dates) and skips a new match
that overlaps one of them.  Scanning every claimed span for each new match made the analysis
quadratic in the length of an article; :class:`Intervals` answers with two binary searches.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable


class Intervals:
    """Spans (start, end) kept as their starts, sorted, and the running maximum of their ends.

    ``overlaps(start, end)`` is true exactly when some kept span (s, e) has ``s < end and
    start < e`` (the test the callers used to run over a list), whatever the spans are:
    overlapping, nested, empty.  Adding a span costs a binary search and a list insertion (a
    memory move, none for a span at or after the last start: text is read left to right); a span
    that overlaps spans after it also raises their running maximum.
    """

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._reach: list[int] = []  # _reach[i]: the largest end of the spans up to i
        for start, end in sorted(spans):
            self.add(start, end)

    def __len__(self) -> int:
        return len(self._starts)

    def add(self, start: int, end: int) -> None:
        k = bisect_right(self._starts, start)
        self._starts.insert(k, start)
        reach = end if k == 0 else max(self._reach[k - 1], end)
        self._reach.insert(k, reach)
        # The running maximum after k rises to ``reach`` where it was lower; it never falls,
        # so the first entry at or above ``reach`` ends the update (at once, for a span that
        # overlaps none of the spans after it).
        i = k + 1
        while i < len(self._reach) and self._reach[i] < reach:
            self._reach[i] = reach
            i += 1

    def overlaps(self, start: int, end: int) -> bool:
        k = bisect_left(self._starts, end)  # the spans that start before ``end``
        return k > 0 and self._reach[k - 1] > start
