"""A self-contained HTML page: both texts side by side, aligned passages and facts highlighted.

Every piece of article text goes through ``html.escape``; the page carries its own CSS and a
few lines of script, and loads nothing from the network.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from storylens.model import Article, Comparison
from storylens.report import UNATTRIBUTED

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{padding:16px 24px;background:#fff;border-bottom:1px solid #ddd}
.verdict{font-size:20px;font-weight:600}.same{color:#1b7f3b}.diff{color:#b3261e}
.dims{display:flex;gap:8px;margin-top:8px;flex-wrap:wrap}
.dim{background:#eef;border-radius:6px;padding:4px 10px;font-size:13px}
main{display:grid;grid-template-columns:1fr 1fr;gap:16px;padding:16px 24px}
article{background:#fff;border:1px solid #ddd;border-radius:8px;padding:12px 16px}
article h2{font-size:16px;margin:0 0 8px}
.s{border-radius:3px;cursor:default}.s.al{background:#fff4c2}.s.hl{background:#ffd54f}
mark{background:none;border-bottom:2px solid #999;padding:0 1px}
mark.e-shared{border-color:#1b7f3b}mark.e-only{border-color:#aaa;border-bottom-style:dotted}
mark.f-shared{background:#d7ecff}mark.f-only{background:#ffe0c2}mark.f-conflict{background:#ffc9c9;font-weight:600}
section{padding:0 24px 16px}table{border-collapse:collapse;background:#fff;width:100%}
td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top;font-size:14px}
th{background:#f0f0f0}.legend span{margin-right:14px;font-size:13px}
svg text{font-size:9px;fill:#555}
"""

_SCRIPT = """
document.querySelectorAll('.s[data-p]').forEach(function(el){
  el.addEventListener('mouseenter',function(){document.querySelectorAll('.s[data-p="'+el.dataset.p+'"]').forEach(function(x){x.classList.add('hl')})});
  el.addEventListener('mouseleave',function(){document.querySelectorAll('.s.hl').forEach(function(x){x.classList.remove('hl')})});
});
"""


def _marks(article: Article, side: str, c: Comparison) -> list[tuple[int, int, str, str]]:
    """(start, end, css class, tooltip) for entity and figure spans, no overlaps."""
    key = "a" if side == "a" else "b"
    marks: list[tuple[int, int, str, str]] = []
    for group, css in (("shared", "e-shared"), (f"only_{key}", "e-only")):
        for item in c.entities[group]:
            for m in item.get(key, []):
                where = "in both articles" if group == "shared" else f"only in {key.upper()}"
                marks.append((m["start"], m["end"], css, f"{item['entity']} ({item['type']}) {where}"))
    conflict_starts = {item[key]["start"] for item in c.figures["conflicts"]}
    for item in c.figures["shared"]:
        f = item[key]
        css = "f-conflict" if f["start"] in conflict_starts else "f-shared"
        marks.append((f["start"], f["end"], css, f"{item['counts'] or ''} in both"))
    for f in c.figures[f"only_{key}"]:
        css = "f-conflict" if f["start"] in conflict_starts else "f-only"
        marks.append((f["start"], f["end"], css, f"{f['counts'] or ''} only in {key.upper()}"))
    marks.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    clean: list[tuple[int, int, str, str]] = []
    for m in marks:
        if clean and m[0] < clean[-1][1]:
            if m[2].startswith("f-") and clean[-1][2].startswith("e-"):
                clean[-1] = m  # figures matter more than the entity they overlap
            continue
        clean.append(m)
    return clean


def _render_text(article: Article, side: str, c: Comparison, pair_of: dict[int, int]) -> str:
    marks = _marks(article, side, c)
    text = article.text
    out: list[str] = []
    mi = 0
    for s in article.sentences:
        pair = pair_of.get(s.index)
        attrs = f' data-p="{pair}"' if pair is not None else ""
        css = "s al" if pair is not None else "s"
        out.append(f'<span class="{css}"{attrs} id="{side}{s.index}">')
        pos = s.start
        while mi < len(marks) and marks[mi][0] < s.end:
            start, end, mcss, tip = marks[mi]
            mi += 1
            if start < pos:
                continue
            end = min(end, s.end)
            out.append(escape(text[pos:start]))
            out.append(f'<mark class="{mcss}" title="{escape(tip)}">{escape(text[start:end])}</mark>')
            pos = end
        out.append(escape(text[pos : s.end]))
        out.append("</span>")
        nxt = article.sentences[s.index + 1].start if s.index + 1 < len(article.sentences) else len(text)
        gap = text[s.end : nxt]
        out.append("<br><br>" if "\n" in gap else escape(gap))
    return "".join(out)


def _heatmap(c: Comparison) -> str:
    """Sentence-by-sentence similarity as an SVG grid: where the two texts tell the same thing."""
    na, nb = len(c.a.sentences), len(c.b.sentences)
    if not na or not nb:
        return ""
    cell = max(4, min(12, 480 // max(na, nb)))
    scores = {(p["a"], p["b"]): p["score"] for p in c.alignment}
    rects = []
    for (i, j), score in scores.items():
        alpha = max(0.15, min(1.0, (score - 0.4) / 0.5))
        rects.append(
            f'<rect x="{40 + j * cell}" y="{14 + i * cell}" width="{cell}" height="{cell}" '
            f'fill="rgba(179,38,30,{alpha:.2f})"><title>A{i} ↔ B{j}: {score:.2f}</title></rect>'
        )
    w, h = 40 + nb * cell + 10, 14 + na * cell + 10
    return (
        f'<svg width="{w}" height="{h}" role="img" aria-label="alignment heatmap">'
        f'<rect x="40" y="14" width="{nb * cell}" height="{na * cell}" fill="#f3f3f3"/>'
        + "".join(rects)
        + '<text x="40" y="10">B sentences →</text><text x="0" y="24">A ↓</text></svg>'
    )


def _rows(items: list[dict[str, Any]], cols: list[tuple[str, Any]]) -> str:
    body = "".join("<tr>" + "".join(f"<td>{escape(str(fn(it)))}</td>" for _, fn in cols) + "</tr>" for it in items)
    head = "".join(f"<th>{escape(name)}</th>" for name, _ in cols)
    return f"<table><tr>{head}</tr>{body}</table>"


def render(c: Comparison) -> str:
    sim = c.similarity
    pair_of_a = {p["a"]: k for k, p in enumerate(c.alignment)}
    pair_of_b = {p["b"]: k for k, p in enumerate(c.alignment)}
    verdict = "Same story" if sim.same_story else "Different stories"
    dims = "".join(f'<span class="dim">{escape(k)} {v:.2f}</span>' for k, v in sim.dimensions.items())

    def title(article: Article, label: str) -> str:
        prov = c.provenance[label.lower()]
        extra = []
        if prov["wire_agency"]:
            extra.append(f"wire: {prov['wire_agency']}")
        if prov["likely_translation_from"]:
            extra.append(f"likely translated from {prov['likely_translation_from']}")
        suffix = f" <small>({escape('; '.join(extra))})</small>" if extra else ""
        return f"<h2>{label}: {escape(article.headline())}{suffix}</h2>"

    conflicts = _rows(
        c.figures["conflicts"],
        [
            ("what", lambda x: x["what"]),
            ("A", lambda x: x["a"]["sentence"]),
            ("B", lambda x: x["b"]["sentence"]),
            ("why", lambda x: x["why"]),
        ],
    )
    quotes = _rows(
        c.quotes["shared"],
        [
            ("speaker", lambda x: x["speaker"] or UNATTRIBUTED),
            ("A", lambda x: x["a"]["text"]),
            ("B", lambda x: x["b"]["text"]),
            ("match", lambda x: x["similarity"]),
        ],
    )
    figures_only = _rows(
        [{"side": "A", **f} for f in c.figures["only_a"]] + [{"side": "B", **f} for f in c.figures["only_b"]],
        [
            ("only in", lambda x: x["side"]),
            ("figure", lambda x: x["text"]),
            ("counts", lambda x: x["counts"] or x["unit"] or ""),
            ("sentence", lambda x: x["sentence"]),
        ],
    )
    named = sim.evidence.get("features", {}).get("scorer")
    scorer = f" ({escape(str(named))} scorer)" if named else ""
    return f"""<!doctype html>
<html lang="{escape(c.a.language or "de")}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>storylens: {escape(verdict)}</title><style>{_CSS}</style></head><body>
<header><div class="verdict {"same" if sim.same_story else "diff"}">{verdict}</div>
<div>overall {sim.overall:.2f} on the SemEval scale (1 = very similar, 4 = very dissimilar), confidence {sim.confidence:.0%}{scorer}; {len(c.alignment)} aligned sentence pairs</div>
<div class="dims">{dims}</div>
<div class="legend"><span><mark class="e-shared">entity in both</mark></span><span><mark class="e-only">entity in one</mark></span>
<span><mark class="f-shared">figure in both</mark></span><span><mark class="f-only">figure in one</mark></span><span><mark class="f-conflict">figure in conflict</mark></span>
<span class="s al">aligned passage (hover to see its partner)</span></div></header>
<main><article id="A">{title(c.a, "A")}{_render_text(c.a, "a", c, pair_of_a)}</article>
<article id="B">{title(c.b, "B")}{_render_text(c.b, "b", c, pair_of_b)}</article></main>
<section><h3>Where the texts tell the same thing</h3>{_heatmap(c)}</section>
<section><h3>Disagreements</h3>{conflicts}</section>
<section><h3>Quotes in both</h3>{quotes}</section>
<section><h3>Figures in one article only</h3>{figures_only}</section>
<script>{_SCRIPT}</script></body></html>
"""


def write(c: Comparison, path: Path) -> None:
    path.write_text(render(c), encoding="utf-8")
