"""One story across its sources: JSON and a self-contained HTML page (all text escaped)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from storylens.model import Article
from storylens.nlp import names
from storylens.nlp.headlines import rule_names, with_topics
from storylens.report import PAGE_CSS, UNATTRIBUTED, counted

# An archived page's address: the archive's, then the original's ("https://web.archive.org/web/
# 20200102195404id_/https://www.rnd.de/...").
_ARCHIVED = re.compile(r"^https?://(?:web\.)?archive\.org/web/[0-9]+[a-z_]*/(?P<url>.+)$", re.I)


def source_of(row: dict[str, Any]) -> str | None:
    """Who published an article: its source, else the host of its address (of the original
    page, for a copy in the Internet Archive)."""
    if row.get("source"):
        return str(row["source"])
    url = row.get("url") or ""
    archived = _ARCHIVED.match(url)
    if archived:
        inner = archived.group("url")
        url = inner if "://" in inner else "http://" + inner
    host = urlparse(url).hostname
    return host.removeprefix("www.") if host else None


def title_terms(
    titles: list[str], n: int = 5, languages: list[str | None] | None = None,
    found: Sequence[Sequence[str] | None] | None = None,
) -> list[str]:
    """Cheap top entities for listings: the names in the titles, most shared across articles
    first; spellings of one name count together (Netanjahu, Netanyahu, Netanjahus;
    Thyssen-Krupp, Thyssenkrupp), under the spelling most titles use.

    ``found``: each title's names as ingest stored them (:func:`headlines.headline_names`);
    where it gives None (an article stored before ingest kept names) the rules read the title
    (:func:`headlines.rule_names`).  The ``story`` view replaces these with real entities.
    """
    forms: dict[str, Counter[str]] = {}
    languages = languages or [None] * len(titles)
    for title, language, stored in zip(titles, languages, found or [None] * len(titles), strict=True):
        read = stored if stored is not None else with_topics(
            title or "", sorted(rule_names(title or "", english=language == "en")))
        for name in read:
            key = _listing_key(name)
            forms.setdefault(key, Counter())[name] += 1
    for key in [k for k in forms if k.endswith("s") and k[:-1] in forms]:
        forms[key[:-1]].update(forms.pop(key))  # genitive: Netanjahus is Netanjahu
    _merge_short_forms(forms)
    # Ties by name: a set's order changes from run to run (string hashing is salted).
    # Each name under its most used spelling (the one without a genitive s on a tie).
    ranked = [(sum(c.values()), min(c, key=lambda f: (-c[f], f.endswith("s"), f)))
              for c in forms.values()]
    return [name for _, name in sorted(ranked, key=lambda cf: (-cf[0], cf[1]))[:n]]


def _listing_key(name: str) -> str:
    """What two spellings of one name in a listing share (Netanyahu, Netanjahu; Thyssen-Krupp,
    Thyssenkrupp)."""
    return re.sub(r"[\s-]", "", names.entity_key(name, "MISC"))


def _merge_short_forms(forms: dict[str, Counter[str]]) -> None:
    """A one-word name that opens a longer name of the same listing is that name, shortened as
    headlines shorten it: "Bayern" is "Bayern München", "Eintracht" is "Eintracht Frankfurt".
    Only the first word: a last word is often a place inside an organisation's name
    ("Deutschland" in "Alternative für Deutschland", "Berlin" in "Hertha Berlin")."""
    firsts: dict[str, list[tuple[str, str]]] = {}
    for key, counts in forms.items():
        form = max(counts, key=counts.__getitem__)
        if " " in form:
            first = _listing_key(form.split()[0])
            firsts.setdefault(first, []).append((key, form))
    for key, longer in firsts.items():
        if key in forms and len(longer) == 1:  # two longer names: which one is meant is unknown
            into, form = longer[0]
            forms[into][form] += sum(forms.pop(key).values())  # shown under the longer name


def summary_entry(story: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    sources = sorted({s for s in (source_of(r) for r in rows) if s})
    return {
        "id": story["id"],
        "size": story["size"],
        "first_seen": story["first_seen"],
        "last_seen": story["last_seen"],
        "label": story["label"],
        "sources": sources,
        "top_entities": title_terms([r.get("title") or "" for r in rows],
                                    languages=[r.get("language") for r in rows],
                                    found=[_stored_names(r) for r in rows]),
        "articles": [
            {k: r.get(k) for k in ("id", "url", "title", "source", "published")} for r in rows
        ],
    }


def _stored_names(row: dict[str, Any]) -> list[str] | None:
    stored = row.get("title_names")
    return None if stored is None else list(json.loads(stored))


def _figure_class(row: dict[str, Any]) -> str:
    return "conflict" if row["conflict"] else "updated" if row.get("updated") else "agree"


def _label(a: Article, number: dict[str, int] | None = None) -> str:
    """How an article is named in tables: its source (or host), and its number in the story."""
    tag = f"#{number[a.id]}" if number and a.id in number else a.id
    source = source_of({"source": a.source, "url": a.url})
    return f"{source} {tag}" if source else tag


def _entities(articles: list[Article], number: dict[str, int]) -> list[dict[str, Any]]:
    """Entities across sources: which articles (and sources) name each, with the variants."""
    found: dict[str, dict[str, Any]] = {}
    for a in articles:
        counts = Counter(m.entity_id for m in a.mentions)
        variants: dict[str, set[str]] = {}
        for m in a.mentions:
            variants.setdefault(m.entity_id or "", set()).add(m.text)
        label = _label(a, number)
        for e in a.entities:
            row = found.setdefault(e.id, {"id": e.id, "name": e.name, "type": e.type,
                                          "articles": [], "sources": [], "mentions": 0,
                                          "variants": []})
            row["articles"].append(a.id)
            if label not in row["sources"]:
                row["sources"].append(label)
            row["mentions"] += counts.get(e.id, 0)
            row["variants"].extend(variants.get(e.id, ()))
    for row in found.values():
        row["variants"] = names.spellings(row["name"], row["variants"])
    return sorted(found.values(), key=lambda r: (-len(r["articles"]), -r["mentions"], r["name"]))


# How much of what an article alone reports the story view lists, per kind.
ADDS_SHOWN = 8


def _adds(articles: list[Article], figures: list[dict[str, Any]], entities: list[dict[str, Any]],
          quotes: list[dict[str, Any]]) -> dict[str, dict[str, list[str]]]:
    """What each article adds to the story: the figures no other article gives (the same
    value for the same thing), the entities no other article names, and the speakers no other
    article quotes. Empty for a story of one article (everything would be new)."""
    if len(articles) < 2:
        return {}
    adds: dict[str, dict[str, list[str]]] = {
        a.id: {"figures": [], "entities": [], "speakers": []} for a in articles
    }
    for row in figures:
        for r in row["reports"]:
            others = {o["article"] for o in row["reports"] if o["value"] == r["value"]} - {r["article"]}
            kept = adds[r["article"]]["figures"]
            if not others and r["text"] not in kept:
                kept.append(r["text"])
    for e in entities:
        if len(set(e["articles"])) == 1:
            adds[e["articles"][0]]["entities"].append(e["name"])
    for group in quotes:
        said = {q["article"] for q in group["quotes"]}
        if len(said) == 1 and group["speaker"] != UNATTRIBUTED:
            adds[next(iter(said))]["speakers"].append(group["speaker"])
    return {a: {k: v[:ADDS_SHOWN] for k, v in kinds.items()} for a, kinds in adds.items()}


def _speaker_key(speaker: str | None) -> str:
    # The person key entity linking uses: "Präsident Tokajew", "Kassym-Jomart Tokayev" and
    # "Tokajew" meet.
    return names.entity_key(speaker, "PER") if speaker else "?"


def _quote_groups(articles: list[Article], number: dict[str, int]) -> list[dict[str, Any]]:
    """Quotes by speaker across sources, speakers quoted by most sources first."""
    groups: dict[str, dict[str, Any]] = {}
    for a in articles:
        for q in a.quotes:
            group = groups.setdefault(_speaker_key(q.speaker),
                                      {"speaker": q.speaker or UNATTRIBUTED, "quotes": []})
            group["quotes"].append({"article": a.id, "source": _label(a, number),
                                    "text": q.text})
    for group in groups.values():
        group["sources"] = len({q["source"] for q in group["quotes"]})
    return sorted(groups.values(), key=lambda g: (-g["sources"], -len(g["quotes"]), g["speaker"]))


def story_report(
    story: dict[str, Any], rows: list[dict[str, Any]], articles: list[Article],
    provenance: dict[str, dict[str, Any]] | None = None, asked: str | None = None,
    relations: list[dict[str, Any]] | None = None, vectors: list[np.ndarray] | None = None,
    figures: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Everything ``storylens story`` shows; ``articles`` are analysed, in time order;
    ``vectors`` their story vectors (unit length), for the similarity matrix; ``figures`` the
    story's figure table with its conflicts (``storylens.compare.figures.figure_table``)."""
    out = summary_entry(story, rows)
    number = {a.id: i + 1 for i, a in enumerate(articles)}
    leads = {a.id: a.headline(90) for a in articles}
    for row in out["articles"]:
        row["number"], row["headline"] = number.get(row["id"]), leads.get(row["id"])
    if asked and asked != story["id"]:
        out["merged_from"] = asked
    entities = _entities(articles, number)
    if entities:
        out["top_entities"] = [e["name"] for e in entities[:5]]
    timeline = Counter((r.get("published") or "unknown") for r in rows)
    out["timeline"] = [{"date": d, "articles": n} for d, n in sorted(timeline.items())]
    out["figures"] = figures or []
    out["entities"] = entities
    out["quotes"] = [
        {"article": a.id, "source": a.source, "speaker": q.speaker, "text": q.text}
        for a in articles for q in a.quotes
    ]
    out["quotes_by_speaker"] = _quote_groups(articles, number)
    adds = _adds(articles, out["figures"], entities, out["quotes_by_speaker"])
    for row in out["articles"]:
        row["adds"] = adds.get(row["id"], {"figures": [], "entities": [], "speakers": []})
    if provenance is not None:
        out["provenance"] = provenance
    out["relations"] = relations or []
    if vectors and len({v.shape for v in vectors}) == 1:
        out["similarity"] = _similarity(articles, vectors)
    return out


# The matrix grows with the square of the story: beyond this many articles, the first ones.
SIMILARITY_MAX = 40


def _similarity(articles: list[Article], vectors: list[np.ndarray]) -> dict[str, Any]:
    """Cosine of the story vectors (lead and names, as the clusterer saw them) between every
    two articles: who retells whom, and which reports stand apart."""
    m = np.stack(vectors[:SIMILARITY_MAX]).astype(np.float64)
    m /= np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)
    cos = np.clip(m @ m.T, -1.0, 1.0)
    return {"articles": [a.id for a in articles[:SIMILARITY_MAX]],
            "matrix": [[round(float(x), 3) for x in row] for row in cos],
            "shown": len(cos), "of": len(articles)}


# The timeline's geometry: pixels per day at most, the axis's length at most, a dot's step.
DAY_PX, AXIS_PX, DOT_STEP = 70, 760, 14


def iso_day(value: str | None, *, to_the_day: bool = False) -> dt.date | None:
    """The day of an ISO date or timestamp ("2022-01-07", "2022-01-07T10:00"); a month or a
    year ("2022-01", "2022") gives its first day, or None ``to_the_day`` (no place on a day
    axis)."""
    if not value:
        return None
    text = str(value)[:10]
    for candidate in (text, f"{text}-01", f"{text}-01-01")[: 1 if to_the_day else 3]:
        try:
            return dt.date.fromisoformat(candidate)
        except ValueError:
            continue
    return None


def _timeline_svg(report: dict[str, Any]) -> str:
    """Articles over time: the days between the first and the last publication date to scale,
    one dot per article stacked on its day, coloured by source (a legend names them); hovering
    a dot shows the article's title. Articles dated only to a month or a year, and undated
    ones, stand in columns of their own after the axis; a story with no dates at all gets a
    sentence, not a column of dots."""
    articles = report.get("articles") or []
    if not articles:
        return ""
    e = html.escape
    if not any(a.get("published") for a in articles):
        return ("<p class=\"no-dates\">No article of this story gives a publication date, so "
                "there is no timeline: the articles are listed in the order storylens read them."
                "</p>")
    sources = report.get("sources") or []
    palette = ["#3b6ea5", "#d1603d", "#3a9d5d", "#8e5ea2", "#c9a227", "#5a5a5a", "#1b998b"]
    colour = {s: palette[i % len(palette)] for i, s in enumerate(sources)}
    on_days: dict[dt.date, list[dict[str, Any]]] = {}
    apart: dict[str, list[dict[str, Any]]] = {}
    for a in articles:
        day = iso_day(a.get("published"), to_the_day=True)
        if day is None:
            apart.setdefault(a.get("published") or "no date", []).append(a)
        else:
            on_days.setdefault(day, []).append(a)
    # x of each column: the days to scale (at most DAY_PX a day), then the undated ones.
    x_of: dict[Any, float] = {}
    left = 45.0
    if on_days:
        first, last = min(on_days), max(on_days)
        span = (last - first).days
        per_day = min(DAY_PX, AXIS_PX / span) if span else 0.0
        x_of.update({d: left + per_day * (d - first).days for d in on_days})
        left += per_day * span
    axis_end = left
    undated = sorted(apart, key=lambda k: (k == "no date", k))  # months and years, then none
    gap = DAY_PX if on_days else 0  # a column's width between the axis and the first of them
    for i, kind in enumerate(undated):
        x_of[kind] = axis_end + gap + DAY_PX * i
    # left to right, so that a day label too close to the one before is left out
    columns: list[tuple[dt.date | str, list[dict[str, Any]]]] = [
        *sorted(on_days.items()), *((kind, apart[kind]) for kind in undated)]
    peak = max(len(v) for _, v in columns)
    height = 30 + DOT_STEP * peak
    width = max(int(max(x_of.values())) + 45, 200)
    base = height - 25
    parts = []
    if on_days:
        parts.append(f'<line x1="25" y1="{base}" x2="{axis_end + 20:.0f}" y2="{base}" stroke="#999"/>')
    labelled_to = -1e9  # where the last day label ends: labels closer than that are left out
    for key, column in columns:
        x = x_of[key]
        dated = isinstance(key, dt.date)
        label = key.isoformat() if isinstance(key, dt.date) else key
        if not dated or x - labelled_to >= 66:
            style = "" if dated else ' font-style="italic"'
            parts.append(f'<text x="{x:.0f}" y="{height - 8}" font-size="10" text-anchor="middle"'
                         f"{style}>{e(label)}</text>")
            labelled_to = x
        for j, a in enumerate(column):
            source = source_of(a) or ""
            fill = colour.get(source, "#999")
            tip = e(f"#{a.get('number')} {a.get('published') or 'no date'} {source}: "
                    f"{a.get('headline') or a['id']}")
            parts.append(f'<circle class="article-dot" cx="{x:.0f}" cy="{base - 10 - DOT_STEP * j}"'
                         f' r="5" fill="{fill}"><title>{tip}</title></circle>')
    legend = " ".join(
        f'<span class="legend"><span style="color:{colour[s]}">&#9679;</span> {e(s)}</span>'
        for s in sources
    )
    svg = (f'<svg class="timeline" width="{width}" height="{height}" role="img"'
           f' aria-label="timeline: articles per day">{"".join(parts)}</svg>')
    return svg + f"<div>{legend}</div>"


def _heatmap_svg(report: dict[str, Any]) -> str:
    """The similarity matrix as a heatmap: one cell per pair of articles (#1, #2, ... as in the
    table), darker for closer; hovering a cell shows the pair and its cosine."""
    sim = report.get("similarity")
    if not sim or sim["shown"] < 2:
        return ""
    e = html.escape
    number = {a["id"]: a.get("number") for a in report["articles"]}
    labels = [f"#{number.get(i) or '?'}" for i in sim["articles"]]
    n = len(labels)
    cell, pad = 24 if n <= 15 else 12, 34
    parts = []
    for i, row in enumerate(sim["matrix"]):
        y = pad + cell * i
        parts.append(f'<text x="{pad - 4}" y="{y + cell * 0.7:.0f}" font-size="10"'
                     f' text-anchor="end">{e(labels[i])}</text>')
        parts.append(f'<text x="{pad + cell * i + cell / 2:.0f}" y="{pad - 6}" font-size="10"'
                     f' text-anchor="middle">{e(labels[i])}</text>')
        for j, value in enumerate(row):
            shade = max(0.0, min(1.0, (value - 0.3) / 0.5))  # 0.3 and below white, 0.8 up darkest
            r, g, b = (round(255 - shade * (255 - c)) for c in (31, 78, 140))
            parts.append(f'<rect class="sim-cell" x="{pad + cell * j}" y="{y}" width="{cell}"'
                         f' height="{cell}" fill="rgb({r},{g},{b})" stroke="#fff">'
                         f"<title>{e(labels[i])} / {e(labels[j])}: {value:.2f}</title></rect>")
            if cell >= 24 and i != j:
                ink = "#fff" if shade > 0.55 else "#222"
                parts.append(f'<text x="{pad + cell * j + cell / 2:.0f}" y="{y + cell * 0.68:.0f}"'
                             f' font-size="9" text-anchor="middle" fill="{ink}">{value:.2f}</text>')
    size = pad + cell * n + 4
    note = ("" if sim["shown"] == sim["of"]
            else f"<p>The first {sim['shown']} of {sim['of']} articles.</p>")
    return (f'<svg class="heatmap" width="{size}" height="{size}" role="img"'
            f' aria-label="similarity between the articles">{"".join(parts)}</svg>{note}')


def _link(url: str | None, shown: int = 48) -> str:
    """An article's URL as a link when it is http(s), else as text (javascript: and the like
    never become links). The link shows the address without its scheme, cut after ``shown``
    characters (the whole address is its target and its tooltip), so that a long address does
    not push the table's other columns out of the page."""
    if not url:
        return ""
    text = html.escape(url)
    if urlparse(url).scheme.lower() not in ("http", "https"):
        return text
    short = re.sub(r"^https?://(?:www\.)?", "", url, flags=re.I)
    short = short if len(short) <= shown else short[: shown - 1] + "…"
    return (f'<a href="{text}" title="{text}" rel="noopener noreferrer" target="_blank">'
            f"{html.escape(short)}</a>")


def _provenance_cell(p: dict[str, Any] | None) -> str:
    if not p:
        return ""
    bits = []
    if p.get("wire_agency"):
        bits.append(f"wire: {p['wire_agency']}")
    if p.get("likely_translation_from"):
        bits.append(f"reads like a translation from {p['likely_translation_from']}")
    return html.escape("; ".join(bits))


def render_html(report: dict[str, Any]) -> str:
    """The story page; every piece of article text goes through html.escape."""
    e = html.escape
    titles = {a["id"]: f"#{a.get('number')} {a.get('headline') or a['id']}"
              for a in report["articles"]}
    prov = report.get("provenance") or {}
    tag = {a["id"]: " ".join(x for x in (source_of(a), f"#{a.get('number')}") if x)
           for a in report["articles"]}
    rows = "".join(
        f"<tr><td>#{a.get('number')}</td><td>{e(a.get('published') or '')}</td>"
        f"<td>{e(source_of(a) or '')}</td><td>{e(a.get('headline') or a.get('title') or '')}</td>"
        f"<td class=\"url\">{_link(a.get('url'))}</td>"
        f"<td>{_provenance_cell(prov.get(a['id']))}</td><td>{e(adds_line(a.get('adds')))}</td></tr>"
        for a in report["articles"]
    )
    figures = "".join(
        f"<tr class=\"{_figure_class(f)}\"><td>{e(str(f['what']))}"
        f" {e(f['unit'] or '')}</td><td>"
        + "<br>".join(
            f"{e(r['text'])} ({e(tag.get(r['article'], r['article']))}; {e(r['certainty'])}"
            f"{'; ' + e(r['attribution']) if r['attribution'] else ''})"
            for r in f["reports"]
        )
        + f"</td><td>{'1 each' if f.get('separate') else f['sources']}</td><td>{e(f['why'] or '')}</td></tr>"
        for f in report.get("figures", [])
    )
    entities = "".join(
        f"<tr><td>{e(x['name'])}</td><td>{e(x['type'])}</td>"
        f"<td>{e(', '.join(x.get('variants', [])))}</td>"
        f"<td>{e(', '.join(x.get('sources', [])))}</td><td>{len(x['articles'])}</td></tr>"
        for x in report.get("entities", [])[:40]
    )
    quotes = "".join(
        f"<li><b>{e(g['speaker'])}</b> ({g['sources']} source{'s' if g['sources'] != 1 else ''})<ul>"
        + "".join(f"<li>{e(q['text'])} <i>({e(q['source'])})</i></li>" for q in g["quotes"])
        + "</ul></li>"
        for g in report.get("quotes_by_speaker", [])
    )
    relations = "".join(
        f"<tr><td>{e(str(titles.get(r['copy'], r['copy'])))}</td><td>{e(r['relation'])}</td>"
        f"<td>{e(str(titles.get(r['original'], r['original'] or '(not in this story)')))}</td>"
        f"<td>{e(r['evidence'])}</td>"
        "</tr>"
        for r in report.get("relations", [])
    ) or '<tr><td colspan="4">none found: the articles read as independent reports</td></tr>'
    merged = (f"<p>(You asked for {e(report['merged_from'])}, which was merged into this story.)"
              "</p>" if report.get("merged_from") else "")
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{e(report['label'] or report['id'])}</title>
<style>{PAGE_CSS} tr.conflict{{background:#fde2e1}} tr.updated{{background:#fff4d6}}
.legend{{margin-right:1em;font-size:90%}} td.url{{max-width:16em;overflow-wrap:anywhere}}</style></head><body>
<h1>{e(report['label'] or '')}</h1>{merged}
<p>Story {e(report['id'])}: {counted(report['size'], 'article')}, {e(story_when(report))};
sources: {e(', '.join(report['sources']) or 'none named')}</p>
<h2>Timeline</h2>{_timeline_svg(report)}
<h2>Articles</h2><table id="articles"><tr><th></th><th>date</th><th>source</th><th>title</th><th>url</th>
<th>provenance</th><th>only here</th></tr>{rows}</table>
<h2>How close the articles are</h2>
<p>Cosine of the story vectors (lead and names) between every two articles; darker is closer.</p>
{_heatmap_svg(report)}
<h2>Translations and rewrites</h2>
<table id="relations"><tr><th>article</th><th>is a</th><th>of</th><th>evidence</th></tr>
{relations}</table>
<h2>Figures across sources</h2>
<p>One row per quantity that two or more sources give (an event's toll: one row per kind). The
figures of a kind that each come from one source alone, different things, share a row marked
"1 each".</p>
<table id="figures"><tr><th>what</th><th>who reports what</th><th>sources</th><th>conflict</th>
</tr>{figures}</table>
<h2>Entities across sources</h2><table id="entities"><tr><th>name</th><th>type</th>
<th>written as</th><th>sources</th><th>articles</th></tr>{entities}</table>
<h2>Quotes across sources</h2><ul id="quotes">{quotes}</ul>
</body></html>
"""


def adds_line(adds: dict[str, list[str]] | None) -> str:
    """What an article alone reports, in one line: "2.030 Soldaten, 250 Stück; names: Blinken;
    quotes: Massimow"."""
    if not adds:
        return ""
    parts = []
    if adds.get("figures"):
        parts.append(", ".join(adds["figures"]))
    if adds.get("entities"):
        parts.append("names: " + ", ".join(adds["entities"]))
    if adds.get("speakers"):
        parts.append("quotes: " + ", ".join(adds["speakers"]))
    return "; ".join(parts)


def date_span(first: str | None, last: str | None, sep: str = " to ") -> str:
    """When a story ran: one date, or first to last."""
    return str(first) if first == last else f"{first}{sep}{last}"


def ingest_dated(story: dict[str, Any]) -> bool:
    """Whether a listed story's dates say only when its articles were ingested: none of them
    gives a publication date (an archive ingested today is not today's news)."""
    articles = story.get("articles") or []
    return bool(articles) and not any(a.get("published") for a in articles)


def story_when(story: dict[str, Any], sep: str = " to ") -> str:
    """When a listed story ran, marked "(ingested)" where that is all the store knows."""
    span = date_span(story.get("first_seen"), story.get("last_seen"), sep)
    return f"{span} (ingested)" if ingest_dated(story) else span


def write_html(report: dict[str, Any], path: str | Path) -> None:
    Path(path).write_text(render_html(report), encoding="utf-8")


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
