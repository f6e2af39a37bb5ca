"""One story across its sources: JSON and a self-contained HTML page (all text escaped)."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from storylens.model import Article

_NAME = re.compile(r"\b[A-ZÄÖÜ][\wäöüß-]{2,}")
_STOP = set(
    "Der Die Das Den Dem Des Ein Eine Und Mit Von Nach Für Auf Bei Wie Was Wer Nur Auch Noch"
    " Jetzt Neue Neuer The And For With From How What Why Who New Video Liveblog".split()
)


def source_of(row: dict[str, Any]) -> str | None:
    if row.get("source"):
        return str(row["source"])
    host = urlparse(row.get("url") or "").hostname
    return host.removeprefix("www.") if host else None


def title_terms(titles: list[str], n: int = 5) -> list[str]:
    """Cheap top entities for listings: capitalised title words shared across articles.

    Used where articles are not analysed yet (ingest does not run full NER, for speed); the
    ``story`` view replaces them with real entities.
    """
    counts: Counter[str] = Counter()
    for title in titles:
        counts.update({w for w in _NAME.findall(title or "") if w not in _STOP})
    return [w for w, _ in counts.most_common(n)]


def summary_entry(story: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    sources = sorted({s for s in (source_of(r) for r in rows) if s})
    return {
        "id": story["id"],
        "size": story["size"],
        "first_seen": story["first_seen"],
        "last_seen": story["last_seen"],
        "label": story["label"],
        "sources": sources,
        "top_entities": title_terms([r.get("title") or "" for r in rows]),
        "articles": [
            {k: r.get(k) for k in ("id", "url", "title", "source", "published")} for r in rows
        ],
    }


def _figure_table(articles: list[Article]) -> list[dict[str, Any]]:
    """Figures grouped by what they count and their unit; a group with differing values or
    differing certainty across sources is a conflict."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for a in articles:
        for f in a.figures:
            if not f.counts or f.counts in ("year", "years"):
                continue  # bare numbers and years make noisy tables
            groups.setdefault((f.counts, f.unit or ""), []).append({
                "article": a.id, "source": a.source, "value": f.value, "text": f.text,
                "approx": f.approx, "attribution": f.attribution, "certainty": f.certainty,
            })
    table: list[dict[str, Any]] = []
    for (counts, unit), reports in groups.items():
        by_article: dict[str, set[float]] = {}
        for r in reports:
            by_article.setdefault(r["article"], set()).add(r["value"])
        why = []
        sets = list(by_article.values())
        # Different sources with no value in common disagree; a source that mentions several
        # values (a running toll, an earlier figure) only conflicts where nothing matches.
        if any(not (x & y) for i, x in enumerate(sets) for y in sets[i + 1 :]):
            why.append("different values")
        for value in sorted({r["value"] for r in reports}):
            same = [r for r in reports if r["value"] == value]
            certainty = {r["certainty"] for r in same}
            if len({r["article"] for r in same}) > 1 and len(certainty) > 1:
                why.append(f"{value:g}: " + " vs ".join(sorted(certainty)))
        table.append({"what": counts, "unit": unit or None, "reports": reports,
                      "sources": len(by_article), "conflict": bool(why),
                      "why": "; ".join(why) or None})
    table.sort(key=lambda row: (-row["sources"], not row["conflict"], row["what"]))
    return table


def _entities(articles: list[Article]) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for a in articles:
        counts = Counter(m.entity_id for m in a.mentions)
        for e in a.entities:
            row = found.setdefault(e.id, {"id": e.id, "name": e.name, "type": e.type,
                                          "articles": [], "mentions": 0})
            row["articles"].append(a.id)
            row["mentions"] += counts.get(e.id, 0)
    return sorted(found.values(), key=lambda r: (-len(r["articles"]), -r["mentions"], r["name"]))


def story_report(
    story: dict[str, Any], rows: list[dict[str, Any]], articles: list[Article],
    provenance: Callable[[Article], dict[str, Any]] | None = None, asked: str | None = None,
) -> dict[str, Any]:
    """Everything ``storylens story`` shows; ``articles`` are analysed, in time order."""
    out = summary_entry(story, rows)
    if asked and asked != story["id"]:
        out["merged_from"] = asked
    entities = _entities(articles)
    if entities:
        out["top_entities"] = [e["name"] for e in entities[:5]]
    timeline = Counter((r.get("published") or "unknown") for r in rows)
    out["timeline"] = [{"date": d, "articles": n} for d, n in sorted(timeline.items())]
    out["figures"] = _figure_table(articles)
    out["entities"] = entities
    out["quotes"] = [
        {"article": a.id, "source": a.source, "speaker": q.speaker, "text": q.text}
        for a in articles for q in a.quotes
    ]
    if provenance is not None:
        out["provenance"] = {a.id: provenance(a) for a in articles}
    return out


def _timeline_svg(timeline: list[dict[str, Any]]) -> str:
    if not timeline:
        return ""
    peak = max(t["articles"] for t in timeline)
    width = 40 * len(timeline) + 20
    bars = []
    for i, t in enumerate(timeline):
        h = 80 * t["articles"] / peak
        x = 10 + 40 * i
        label = html.escape(str(t["date"]))
        bars.append(
            f'<rect x="{x}" y="{90 - h:.1f}" width="28" height="{h:.1f}" fill="#3b6ea5">'
            f'<title>{label}: {t["articles"]}</title></rect>'
            f'<text x="{x + 14}" y="105" font-size="8" text-anchor="middle">{label}</text>'
        )
    head = f'<svg width="{width}" height="110" role="img" aria-label="timeline">'
    return head + "".join(bars) + "</svg>"


def render_html(report: dict[str, Any]) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(a.get('published') or '')}</td><td>{e(a.get('source') or '')}</td>"
        f"<td>{e(a.get('title') or '')}</td><td>{e(a.get('url') or '')}</td></tr>"
        for a in report["articles"]
    )
    figures = "".join(
        f"<tr class=\"{'conflict' if f['conflict'] else ''}\"><td>{e(str(f['what']))}"
        f" {e(f['unit'] or '')}</td><td>"
        + "<br>".join(
            f"{e(r['text'])} ({e(r['source'] or r['article'])}; {e(r['certainty'])}"
            f"{'; ' + e(r['attribution']) if r['attribution'] else ''})"
            for r in f["reports"]
        )
        + f"</td><td>{e(f['why'] or '')}</td></tr>"
        for f in report.get("figures", [])
    )
    entities = "".join(
        f"<tr><td>{e(x['name'])}</td><td>{e(x['type'])}</td><td>{len(x['articles'])}</td></tr>"
        for x in report.get("entities", [])[:30]
    )
    quotes = "".join(
        f"<li><b>{e(q['speaker'] or '?')}</b>: {e(q['text'])}"
        f" <i>({e(q['source'] or q['article'])})</i></li>"
        for q in report.get("quotes", [])
    )
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{e(report['label'] or report['id'])}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:auto}}
td{{vertical-align:top;padding:2px 6px}} tr.conflict{{background:#fde2e1}}</style></head><body>
<h1>{e(report['label'] or '')}</h1>
<p>Story {e(report['id'])}: {report['size']} articles,
{e(str(report['first_seen']))} to {e(str(report['last_seen']))};
sources: {e(', '.join(report['sources']))}</p>
<h2>Timeline</h2>{_timeline_svg(report.get('timeline', []))}
<h2>Articles</h2><table><tr><th>date</th><th>source</th><th>title</th><th>url</th></tr>{rows}</table>
<h2>Figures across sources</h2>
<table><tr><th>what</th><th>reports</th><th>conflict</th></tr>{figures}</table>
<h2>Entities</h2><table><tr><th>name</th><th>type</th><th>articles</th></tr>{entities}</table>
<h2>Quotes</h2><ul>{quotes}</ul>
</body></html>
"""


def write_html(report: dict[str, Any], path: str | Path) -> None:
    Path(path).write_text(render_html(report), encoding="utf-8")


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
