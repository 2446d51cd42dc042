"""Terminal views: a pair's aligned passages side by side."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .model import Quote
from .pipeline import Comparison

KIND_STYLE = {"verbatim": "bold yellow", "edited": "dark_orange", "reworded": "cyan"}
# Longer passages are cut in the middle so a screen shows several of them.
MAX_PASSAGE_CHARS = 700


def _excerpt(raw: str, start: int, end: int) -> str:
    text = " ".join(raw[start:end].split())
    if len(text) <= MAX_PASSAGE_CHARS:
        return text
    half = MAX_PASSAGE_CHARS // 2
    return f"{text[:half]} […] {text[-half:]}"


def print_comparison(comparison: Comparison, width: int | None = None, console: Console | None = None) -> None:
    console = console or Console(width=width, highlight=False)
    a, b, pair = comparison.doc_a, comparison.doc_b, comparison.pair
    scores = pair.scores if pair else comparison.scores
    if pair:
        source = pair.source or "not determined"
        console.print(
            Text.assemble(
                (f"{pair.label}", "bold magenta"), f"  source: {source}", f"  confidence {pair.confidence:.2f}"
            )
        )
        for reason in pair.reasons:
            console.print(f"  • {reason}")
    else:
        console.print(Text("unrelated: no shared or restated passage worth a claim", style="bold"))
    console.print(
        f"Jaccard {scores.jaccard:.3f} · containment {scores.containment_a:.2f} / {scores.containment_b:.2f}"
        f" · aligned {scores.aligned_a:.0%} / {scores.aligned_b:.0%} · {len(comparison.passages)} passage(s)"
    )
    if not comparison.passages:
        return
    table = Table(show_lines=True, expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column(f"A  {a.id}", ratio=1)
    table.add_column(f"B  {b.id}", ratio=1)
    for number, passage in enumerate(comparison.passages, 1):
        style = KIND_STYLE.get(passage.kind, "")
        left = Text(f"[{passage.a_span.start}:{passage.a_span.end}] ", style="dim")
        left.append(_excerpt(a.text, passage.a_span.start, passage.a_span.end), style=style)
        right = Text(f"[{passage.b_span.start}:{passage.b_span.end}] ", style="dim")
        right.append(_excerpt(b.text, passage.b_span.start, passage.b_span.end), style=style)
        table.add_row(f"{number}\n{passage.kind}\n{passage.score:.2f}", left, right)
    console.print(table)


def print_quotes(quotes: Sequence[Quote], dates: dict[str, str | None], console: Console | None = None) -> None:
    """Each quotation seen in several documents or altered first, then the rest."""
    console = console or Console(highlight=False)
    ordered = sorted(
        quotes,
        key=lambda q: (-len({o.doc for o in q.occurrences}), not any(o.altered for o in q.occurrences), q.id),
    )
    for quote in ordered:
        docs = {o.doc for o in quote.occurrences}
        console.print(Text.assemble((quote.speaker or "unknown speaker", "bold"), f"  ({len(docs)} document(s))"))
        console.print(Text(f"  “{quote.text}”", style="italic"))
        for occurrence in quote.occurrences:
            line = Text(
                f"    {occurrence.doc} {dates.get(occurrence.doc) or 'undated'} "
                f"[{occurrence.span.start}:{occurrence.span.end}] "
            )
            if occurrence.altered:
                line.append("altered: ", style="bold red")
                for op, words in occurrence.diff:
                    style = "strike red" if op == "-" else "underline green" if op == "+" else ""
                    line.append(words + " ", style=style)
            else:
                line.append("same wording", style="dim")
            console.print(line)
