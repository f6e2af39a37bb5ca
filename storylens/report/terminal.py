"""Readable terminal reports (rich): the verdict first, then the differences that matter."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from storylens.model import Article, Comparison
from storylens.report import UNATTRIBUTED

LABELS = {1: "very similar", 2: "somewhat similar", 3: "somewhat dissimilar", 4: "very dissimilar"}


def _clip(text: str, limit: int = 100) -> str:
    text = text.rstrip(" ,")
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _count(article: Article) -> str:
    n = len(article.sentences)
    return f"{n} sentence" if n == 1 else f"{n} sentences"


def _name(article: Article, fallback: str) -> str:
    return escape(article.headline(70) or fallback)


def _figure_line(item: dict[str, Any]) -> str:
    approx = f"{item['approx']} " if item.get("approx") and item["approx"] != "vague" else ""
    return f"{approx}{escape(item['text'])} [dim]({item.get('counts') or item.get('unit') or 'number'})[/dim]"


def print_comparison(c: Comparison, console: Console | None = None) -> None:
    console = console or Console()
    sim = c.similarity
    verdict = "[bold green]SAME STORY[/bold green]" if sim.same_story else "[bold red]DIFFERENT STORIES[/bold red]"
    label = LABELS[max(1, min(4, round(sim.overall)))]
    scorer = sim.evidence.get("features", {}).get("scorer")
    by = " [dim](precise)[/dim]" if scorer == "precise" else ""  # compare --precise: say so
    console.print(f"{verdict}  overall {sim.overall:.2f} ({label}), confidence {sim.confidence:.0%}{by}")
    for label, art in (("A", c.a), ("B", c.b)):
        console.print(f"  {label}: {_name(art, f'article {label}')} [dim]({art.language}, {_count(art)})[/dim]")

    dims = Table(title="Similarity (1 = very similar … 4 = very dissimilar)", title_justify="left")
    for name in ("overall", "geography", "entities", "time", "narrative", "style", "tone"):
        dims.add_column(name)
    dims.add_row(
        *(
            f"{sim.dimensions[n]:.2f}"
            for n in ("overall", "geography", "entities", "time", "narrative", "style", "tone")
        )
    )
    console.print(dims)

    conflicts = c.figures["conflicts"]
    if conflicts:
        console.print("[bold yellow]Disagreements[/bold yellow]")
        for item in conflicts:
            console.print(f"  • {escape(item['what'])}: {escape(item['why'])}")
    figures = Table(title="Figures", title_justify="left", show_lines=False)
    figures.add_column("in both")
    figures.add_column("only in A")
    figures.add_column("only in B")
    shared = [_figure_line({**f, **f["a"]}) for f in c.figures["shared"]]
    only_a = [_figure_line(f) for f in c.figures["only_a"]]
    only_b = [_figure_line(f) for f in c.figures["only_b"]]
    for i in range(max(len(shared), len(only_a), len(only_b))):
        figures.add_row(*(col[i] if i < len(col) else "" for col in (shared, only_a, only_b)))
    console.print(figures)

    if c.quotes["shared"]:
        console.print("[bold]Quotes in both[/bold]")
        for q in c.quotes["shared"]:
            who = escape(q["speaker"] or UNATTRIBUTED)
            console.print(f"  • {who} [dim](match {q['similarity']:.2f})[/dim]")
            console.print(f"      A: „{escape(_clip(q['a']['text']))}“")
            console.print(f"      B: „{escape(_clip(q['b']['text']))}“")
    for side, key in (("A", "only_a"), ("B", "only_b")):
        if c.quotes[key]:
            speakers = sorted({q["speaker"] or UNATTRIBUTED for q in c.quotes[key]})
            console.print(f"  quotes only in {side}: {len(c.quotes[key])} ({escape(', '.join(speakers))})")

    ents = c.entities

    def names(items: list[dict[str, Any]], limit: int = 14) -> str:
        out = []
        for e in items[:limit]:
            variants = e.get("variants")
            out.append(escape(" / ".join(variants[:3]) if variants else e["entity"]))
        more = len(items) - limit
        return ", ".join(out) + (f" … (+{more})" if more > 0 else "")

    console.print(f"[bold]Entities in both[/bold] ({len(ents['shared'])}): {names(ents['shared'])}")
    console.print(f"[bold]Only in A[/bold] ({len(ents['only_a'])}): {names(ents['only_a'])}")
    console.print(f"[bold]Only in B[/bold] ({len(ents['only_b'])}): {names(ents['only_b'])}")

    prov = c.provenance
    for side in ("a", "b"):
        p = prov[side]
        parts = []
        if p["wire_agency"]:
            parts.append(f"wire agency {escape(p['wire_agency'])}")
        if p["likely_translation_from"]:
            signals = ", ".join(escape(s["text"]) for s in p["translation_signals"][:4])
            parts.append(f"reads like a translation from {p['likely_translation_from']} ({signals})")
        if parts:
            console.print(f"[bold]Provenance {side.upper()}[/bold]: " + "; ".join(parts))
    console.print(f"[dim]Relation: {prov['relation']}; {len(c.alignment)} aligned sentence pairs[/dim]")


def print_analysis(article: Article, name: str, console: Console | None = None) -> None:
    console = console or Console()
    d = article.dateline
    console.print(
        f"[bold]{escape(name)}[/bold] "
        f"[dim]{article.language}, {_count(article)}, id {article.id}[/dim]"
    )
    if article.analysed_chars is not None:
        console.print(
            f"  [yellow]analysed the first {article.analysed_chars:,} of {len(article.text):,}"
            " characters (analysis.max_chars)[/yellow]"
        )
    if d:
        console.print(f"  dateline: {escape(d.place or '?')} ({escape(d.agency or '-')})")
    table = Table(title="Entities", title_justify="left")
    table.add_column("entity")
    table.add_column("type")
    table.add_column("mentions", justify="right")
    counts: dict[str, int] = {}
    for m in article.mentions:
        counts[m.entity_id] = counts.get(m.entity_id, 0) + 1
    for e in article.entities:
        table.add_row(escape(e.name), e.type, str(counts.get(e.id, 0)))
    console.print(table)
    for f in article.figures:
        extra = f", {f.certainty}" + (f" ({escape(f.attribution)})" if f.attribution else "")
        what = " ".join(filter(None, [f"{f.value:g}", f.counts or f.unit]))
        console.print(f"  figure: {escape(f.text)} = {what}{extra}")
    for q in article.quotes:
        console.print(f"  quote: {escape(q.speaker or '?')}: „{escape(q.text[:90])}“")
