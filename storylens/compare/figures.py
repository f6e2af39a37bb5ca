"""Figures across reports: which two figures give the same value, which disagree, and the merged
table of a story's figures.

Two reports of one story carry many numbers, and most pairs of different numbers of one kind
count different things: last year's share and this year's, the troops sent and the troops
wounded, the bank's profit and its revenue. A disagreement is reported only where the two
numbers must count the same thing:

- an event's toll (killed, injured, arrested, evacuated, soldiers sent, protesters) that each
  report gives once per source (a report that gives several tolls of one kind without naming a
  different source for each counts several things), that the two reports share no value of,
  and that are within 5x of each other unless each report names its own source; or
- any figure of a sentence the other report repeats almost word for word with another number
  (an updated wire copy).

Values written approximately are ranges: "über 300.000" agrees with 342.000, "zwei Millionen"
with 2,1 Millionen, "1,11 Prozent" with 1,114. Reports published on different days that give
different tolls are an update, not a disagreement.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from storylens.compare.facts import grams
from storylens.model import Article, Figure, certainties_disagree
from storylens.nlp.figures import SCALE_WORD

# The tolls of an event: one number per source, which the reports of one story should share.
TOLL_KINDS = frozenset({"killed", "injured", "arrested", "evacuated", "soldiers", "protesters"})
# Where the same number is reported as established by one text and hedged by another, that is
# worth showing (years, durations and ages differ between texts for innocent reasons).
ATTRIBUTION_KINDS = TOLL_KINDS | {"equipment", "money", "share", "people"}
# Other figures are compared only where the other report repeats their sentence.
REWORDED_KINDS = ATTRIBUTION_KINDS - TOLL_KINDS | {"police", "rescuers"}
# A toll more than this many times another is a different count ("drei Soldaten" wounded,
# "750 Soldaten" sent, "7.500" stationed), not a disagreement about one.
MAX_RATIO = 5.0
# Sentences this alike (character 4-grams, numbers left out, shared over the longer one) and
# at least this long are one sentence reworded.
PARAPHRASE = 0.75
PARAPHRASE_WORDS = 6

_AT_LEAST = {"mehr als", "über", "mindestens", "more than", "over", "at least", "gut"}
_AT_MOST = {"bis zu", "weniger als", "up to", "less than"}
_BELOW = {"fast", "knapp", "nahezu", "annähernd", "nearly", "almost"}
_ABOUT = {"rund", "etwa", "ungefähr", "circa", "ca.", "about", "around", "roughly",
          "approximately", "some"}
_DIGITS = re.compile(r"\d[\d.,'\u2019 \u00a0\u202f]*")
# "435 weitere Menschen", "800 more deaths": an increment, not the toll.
_INCREMENT = re.compile(
    r"\b(?:weitere[nmrs]?|zusätzliche[nmrs]?|neue[nmrs]?|more|additional|further|new)\b", re.I
)


def _unit_of_writing(f: Figure) -> float:
    """The precision a figure is written with: every digit written counts, so 1 for "200" or
    "342.000", 0.01 for "1,11", 100,000 for "2,1 Millionen"; a number word with a scale
    ("zwei Millionen") has one significant digit, one without ("drei") is exact."""
    if f.value <= 0:
        return 0.0
    written = _DIGITS.search(f.text)
    if written is None:
        if not SCALE_WORD.search(f.text):
            return 1.0
        significant = 1
    else:
        significant = len(re.sub(r"\D", "", written.group()).lstrip("0")) or 1
    return float(10 ** (math.floor(math.log10(f.value)) - significant + 1))


def value_range(f: Figure) -> tuple[float, float]:
    """The values a figure allows, as written: its approximation word and its precision."""
    v, approx = f.value, (f.approx or "").lower()
    if approx == "vague":  # "Dutzende", "Hunderte": at least that, below the next order
        return v, v * 10
    half = _unit_of_writing(f) / 2
    if approx in _AT_LEAST:
        return v - half, math.inf
    if approx in _AT_MOST:
        return 0.0, v + half
    if approx in _BELOW:
        return v * 0.85 - half, v + half
    if approx in _ABOUT:
        return v * 0.9 - half, v * 1.1 + half
    return v - half, v + half


def values_agree(x: Figure, y: Figure) -> bool:
    """Whether two figures can be the same number (their ranges overlap; "zwei" and "drei",
    each exact to a half, only touch)."""
    return _overlap(value_range(x), value_range(y))


def _overlap(range_x: tuple[float, float], range_y: tuple[float, float]) -> bool:
    return range_x[0] < range_y[1] and range_y[0] < range_x[1]


def _is_increment(f: Figure) -> bool:
    return bool(_INCREMENT.search(f.text))


def _one_count_per_source(figures: Sequence[Figure]) -> bool:
    """Whether a report gives one toll per source: the values it gives must agree, unless each
    names a source of its own ("drei Verletzte" per the police and "vier" per the Red Cross
    is one count per source; 12 dead per the police and 5 dead last year are two counts)."""
    values: list[Figure] = []
    for f in figures:
        if not any(values_agree(f, g) for g in values):
            values.append(f)
    sources = [f.attribution for f in values]
    return len(values) == 1 or (all(sources) and len(set(sources)) == len(sources))


def _far_apart(x: Figure, y: Figure) -> bool:
    """Tolls too far apart to be one count, unless each report names its own source for it
    (5,000 marchers per the police, 30,000 per the organisers)."""
    if x.attribution and y.attribution and x.attribution != y.attribution:
        return False
    low, high = sorted((x.value, y.value))
    return low <= 0 or high / low > MAX_RATIO


_NUMBERS = re.compile(r"\d[\d.,]*")


def reworded(x: str, y: str) -> bool:
    """Whether two sentences are one sentence reworded: long enough to say something of their
    own ("Sie rentierten mit 0,872 Prozent." is a template line) and alike over the longer
    one, numbers left out."""
    gx, gy = _wording(x), _wording(y)
    return bool(gx and gy) and len(gx & gy) / max(len(gx), len(gy)) >= PARAPHRASE


@lru_cache(maxsize=4096)
def _wording(sentence: str) -> frozenset[str]:
    """A sentence's character 4-grams without its numbers; none for a template line shorter
    than PARAPHRASE_WORDS words. (Cached: a story view compares every pair of its reports.)"""
    words = _NUMBERS.sub(" ", sentence)
    return frozenset(grams(words)) if len(words.split()) >= PARAPHRASE_WORDS else frozenset()


def _comparable(f: Figure) -> bool:
    return f.approx != "vague" and not _is_increment(f)


def toll_disagreements(xs: Sequence[Figure], ys: Sequence[Figure]) -> list[tuple[Figure, Figure]]:
    """Pairs of tolls of one kind two reports disagree on (see the module's rules)."""
    out = []
    for kind in sorted(TOLL_KINDS):
        ax = [f for f in xs if f.counts == kind and _comparable(f)]
        by = [f for f in ys if f.counts == kind and _comparable(f)]
        if not ax or not by or not _one_count_per_source(ax) or not _one_count_per_source(by):
            continue
        if any(values_agree(x, y) for x in ax for y in by):
            continue  # the reports share the toll; other numbers of the kind are sub-counts
        out += [(x, y) for x in ax for y in by if x.unit == y.unit and not _far_apart(x, y)]
    return out


def reworded_disagreements(
    xs: Sequence[Figure], ys: Sequence[Figure], sentence_x: Callable[[Figure], str],
    sentence_y: Callable[[Figure], str],
) -> list[tuple[Figure, Figure]]:
    """Figures of one kind in a sentence the other report repeats with another number."""
    out = []
    for x in xs:
        for y in ys:
            if (x.counts == y.counts and x.unit == y.unit and x.counts in REWORDED_KINDS
                    and _comparable(x) and _comparable(y) and not values_agree(x, y)
                    and reworded(sentence_x(x), sentence_y(y))):
                # Not where another figure of that sentence matches ("1,11 ... 1,3 Prozent").
                if not any(z.sentence == y.sentence and values_agree(x, z) for z in ys):
                    out.append((x, y))
    return out


def disagreements(a: Article, b: Article) -> list[tuple[Figure, Figure]]:
    """Every pair of figures of ``a`` and ``b`` that disagree, by the module's rules."""
    return toll_disagreements(a.figures, b.figures) + reworded_disagreements(
        a.figures, b.figures, lambda f: a.sentence_text(f.sentence),
        lambda f: b.sentence_text(f.sentence),
    )


def published_apart(a: Article, b: Article) -> bool:
    """Whether two reports carry publication dates of different days."""
    return bool(a.published and b.published and a.published[:10] != b.published[:10])


# --- two articles -----------------------------------------------------------------------------


def _figure_side(article: Article, f: Figure) -> dict[str, Any]:
    return {
        "text": f.text,
        "sentence": article.sentence_text(f.sentence) if article.sentences else "",
        "sentence_index": f.sentence,
        "start": f.start,
        "end": f.end,
        "approx": f.approx,
        "attribution": f.attribution,
        "certainty": f.certainty,
    }


def _same_thing(x: Figure, y: Figure) -> bool:
    if x.unit != y.unit:
        return False
    if x.counts == y.counts:
        return True
    generic = {None, "people"}
    return x.counts in generic or y.counts in generic


def describe(f: Figure) -> str:
    """A figure in words: "~ 1,200 evacuated", "2,100,000 USD money"."""
    value = f"{f.value:,.0f}" if f.value == int(f.value) else f"{f.value:,}"
    return " ".join(
        filter(None, [f.approx if f.approx != "vague" else "~", value, f.unit, f.counts])
    )


def _per(f: Figure) -> str:
    """Who a text gives a figure to, as a suffix (" (per Polizei)"), or nothing."""
    return f" (per {f.attribution})" if f.attribution else ""


def _attribution_differs(x: Figure, y: Figure) -> str | None:
    if x.counts not in ATTRIBUTION_KINDS and y.counts not in ATTRIBUTION_KINDS:
        return None
    if "vague" in (x.approx, y.approx):
        return None  # "thousands" and "1000" are not one number
    # Different sources for the same number are normal; a disagreement is when one text
    # hedges (unconfirmed, estimate) what the other reports as established.
    if not certainties_disagree((x.certainty, y.certainty)):
        return None

    def say(f: Figure) -> str:
        parts = [f"attributed to {f.attribution}" if f.attribution else "no source given"]
        if f.certainty == "unconfirmed":
            parts.append("explicitly unconfirmed")
        elif f.certainty == "estimated":
            parts.append("an estimate")
        return ", ".join(parts)

    return f"A: {say(x)}; B: {say(y)}"


def compare_figures(a: Article, b: Article, same_story: bool = True) -> dict[str, list[dict[str, Any]]]:
    """Figures of two articles: shared (same value, same thing), only in one, and conflicts:
    the same number hedged by one text only, or, for two reports of one story, numbers that
    disagree (module rules; two different stories give different tolls of different events)."""
    def unique(figures: tuple[Figure, ...]) -> list[Figure]:
        seen: dict[tuple[Any, ...], Figure] = {}
        for f in figures:
            seen.setdefault((f.value, f.unit, f.counts), f)
        return list(seen.values())

    fa, fb = unique(a.figures), unique(b.figures)
    shared, conflicts = [], []
    used_b: set[int] = set()
    matched_a: set[int] = set()
    for i, x in enumerate(fa):
        for j, y in enumerate(fb):
            if j in used_b or x.value != y.value or not _same_thing(x, y):
                continue
            used_b.add(j)
            matched_a.add(i)
            counts = x.counts if x.counts not in (None, "people") else (y.counts or x.counts)
            shared.append({"value": x.value, "unit": x.unit, "counts": counts,
                           "a": _figure_side(a, x), "b": _figure_side(b, y)})
            why = _attribution_differs(x, y)
            if why:
                conflicts.append({"what": describe(x if x.counts == counts else y),
                                  "kind": "attribution", "a": _figure_side(a, x),
                                  "b": _figure_side(b, y), "why": why})
            break
    kind = "update" if published_apart(a, b) else "value"
    for x, y in disagreements(a, b) if same_story else []:
        conflicts.append({
            "what": f"{x.counts}" + (f" ({x.unit})" if x.unit else ""),
            "kind": kind,
            "a": _figure_side(a, x),
            "b": _figure_side(b, y),
            "why": f"A says {describe(x)}{_per(x)}, B says {describe(y)}{_per(y)}"
                   + (f" (A {(a.published or '')[:10]}, B {(b.published or '')[:10]})"
                      if kind == "update" else ""),
        })

    def plain(article: Article, f: Figure) -> dict[str, Any]:
        return {"value": f.value, "unit": f.unit, "counts": f.counts, **_figure_side(article, f)}

    return {
        "shared": shared,
        "only_a": [plain(a, x) for i, x in enumerate(fa) if i not in matched_a],
        "only_b": [plain(b, y) for j, y in enumerate(fb) if j not in used_b],
        "conflicts": conflicts,
    }


# --- a story ----------------------------------------------------------------------------------


def figure_table(articles: Sequence[Article]) -> list[dict[str, Any]]:
    """A story's figures as rows of one quantity each, with who reports what.

    An event's toll (killed, injured, ...) is one row per kind and unit: the reports of a story
    give one each.  Other kinds count many things (a report's percentages are its market shares,
    growth rates and polls), so a row holds the figures of one kind that two reports share (the
    values agree) or that disagree in a sentence one repeats from the other; the figures of a
    kind that no other report gives are one row more, marked ``separate`` (different things,
    each reported once).  A row is in conflict where two of its reports disagree (module rules)
    or where one source hedges (unconfirmed, estimated) a value another reports as established;
    reports of different days that disagree are an update."""
    reports: list[dict[str, Any]] = []
    index: dict[tuple[str, int, int], int] = {}
    for a in articles:
        for f in a.figures:
            if not f.counts or f.counts in ("year", "years"):
                continue  # bare numbers and years make noisy tables
            index[(a.id, f.start, f.end)] = len(reports)
            reports.append({
                "article": a.id, "source": a.source, "value": f.value, "text": f.text,
                "approx": f.approx, "attribution": f.attribution, "certainty": f.certainty,
                "_figure": f,
            })
    parent = list(range(len(reports)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def kind(r: dict[str, Any]) -> tuple[str, str]:
        return (r["_figure"].counts, r["_figure"].unit or "")

    by_kind: dict[tuple[str, str], list[int]] = {}
    for i, r in enumerate(reports):
        by_kind.setdefault(kind(r), []).append(i)
    for (counts, _), members in by_kind.items():
        if counts in TOLL_KINDS:  # one row per toll
            for i in members[1:]:
                parent[find(i)] = find(members[0])
            continue
        # Reports of different articles that give one value; a sweep over the value ranges
        # compares only those that overlap (a story of many reports stays near linear).
        ranges = {i: value_range(reports[i]["_figure"]) for i in members}
        open_: list[int] = []
        for i in sorted(members, key=lambda k: ranges[k][0]):
            open_ = [j for j in open_ if ranges[j][1] > ranges[i][0]]
            here = reports[i]
            for j in open_:
                if here["article"] != reports[j]["article"] and _one_value(
                        here["_figure"], reports[j]["_figure"], ranges[i], ranges[j]):
                    parent[find(i)] = find(j)
            open_.append(i)
    apart: dict[int, list[str]] = {}  # component root -> why its reports disagree
    for i, a in enumerate(articles):
        for b in articles[i + 1 :]:
            reason = "updated" if published_apart(a, b) else "different values"
            for x, y in disagreements(a, b):
                ix, iy = index.get((a.id, x.start, x.end)), index.get((b.id, y.start, y.end))
                if ix is None or iy is None:
                    continue
                parent[find(ix)] = find(iy)
                reasons = apart.setdefault(find(ix), [])
                if reason not in reasons:
                    reasons.append(reason)
    groups: dict[int, list[int]] = {}
    for i in range(len(reports)):
        groups.setdefault(find(i), []).append(i)
    reasons_of: dict[int, list[str]] = {}  # roots may have changed since: merge by the final one
    for root, why in apart.items():
        merged = reasons_of.setdefault(find(root), [])
        merged.extend(w for w in why if w not in merged)
    separate: dict[tuple[str, str], list[int]] = {}
    table: list[dict[str, Any]] = []
    for root, members in groups.items():
        if len({reports[i]["article"] for i in members}) == 1 and reports[root]["_figure"].counts not in TOLL_KINDS:
            separate.setdefault(kind(reports[root]), []).extend(members)
            continue
        table.append(_figure_row(kind(reports[root]), [reports[i] for i in members], reasons_of.get(root, [])))
    for what, members in separate.items():
        table.append(_figure_row(what, [reports[i] for i in sorted(members)], [], separate=True))
    table.sort(key=lambda row: (row["separate"], -row["sources"], not row["conflict"], row["what"]))
    return table


def _one_value(x: Figure, y: Figure, range_x: tuple[float, float], range_y: tuple[float, float]) -> bool:
    """Whether two figures give one value: equal, or both about a number and overlapping
    ("rund 1.200" and 1.200); a bound ("mehr als 2 Prozent", "bis zu sechs") gives none.
    ``range_x``, ``range_y``: their :func:`value_range`, which the caller has."""
    if x.value == y.value:
        return True
    bounded = all(lo > 0 and math.isfinite(hi) for lo, hi in (range_x, range_y))
    return bounded and _overlap(range_x, range_y)


def _figure_row(what: tuple[str, str], reports: list[dict[str, Any]], why: list[str],
                separate: bool = False) -> dict[str, Any]:
    why = list(why)
    for value in sorted({r["value"] for r in reports}):
        same = [r for r in reports if r["value"] == value]
        certainty = {r["certainty"] for r in same}
        if len({r["article"] for r in same}) > 1 and certainties_disagree(certainty):
            why.append(f"{value:g}: " + " vs ".join(sorted(certainty)))
    counts, unit = what
    return {"what": counts, "unit": unit or None,
            "reports": [{k: v for k, v in r.items() if k != "_figure"} for r in reports],
            "sources": len({r["article"] for r in reports}), "conflict": bool(set(why) - {"updated"}),
            "updated": "updated" in why, "separate": separate, "why": "; ".join(why) or None}
