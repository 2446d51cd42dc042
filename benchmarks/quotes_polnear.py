"""Quotation extraction and speakers on PolNeAR, and the quotation checks of the samples.

    .venv/bin/python benchmarks/quotes_polnear.py [--split dev|train] [--data DIR] [--errors N]

PolNeAR (Newell, Margolin & Ruths, LREC 2018) annotates attribution relations in
political news: ``source`` (speaker), ``cue`` and ``content`` spans. Its direct
quotations are the ``content`` spans inside quotation marks. Gold quotations here:
for every attributed content span (first annotator of each article), each stretch
of it between a pair of double quotation marks (straight, curly or guillemets;
marks just outside the span count), trimmed like retold trims its own. Content
spans with no quotation mark (indirect speech) are not quotations.

Each document goes through ``clean_document`` and ``extract_quotes`` exactly as in
the pipeline, so a quotation that cleaning took for boilerplate is a miss.

* recall@t: share of gold quotations covered at least ``t`` by one extracted quotation
  (t = 30% and 80% of the gold span's characters);
* precision@t: share of extracted quotations covering at least ``t`` of some gold one;
* speaker right: among gold quotations with a source that were found (30%), share
  whose extracted speaker overlaps the source: the speaker string shares a word with
  the source text, or the mention next to the quotation overlaps the source span
  (a pronoun "he" is right where the gold source is "he");
* speaker string right: the first criterion alone.

The samples part runs ``quotes_for`` on ``examples/seeds`` and applies the quotation
checks of ``../shared/tools/score_seeds.py``: every annotated variant found (an
occurrence's span holds the start of the excerpt), the speaker's last word in the
quotation's speaker, variants grouped into one quotation, an altered one flagged.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from retold.clean import clean_document
from retold.config import CleanConfig
from retold.model import Document, Span
from retold.quotes import QuoteMention, extract_quotes, quotes_for

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data" / "polnear"
SEEDS = ROOT / "examples" / "seeds"
SEEDS_GOLD = SHARED / "data" / "seeds" / "gold.json"
LOOSE, STRICT = 0.3, 0.8
TARGET_RECALL = 0.90
TARGET_PRECISION = 0.90
TARGET_SPEAKER = 0.85
_OPENING = frozenset("“„«")
_CLOSING = frozenset("”»")
_MARKS = _OPENING | _CLOSING | {'"'}
# Characters around a content span that may hold its quotation marks: ' "…," he said'.
_REACH = 3
_WORD = re.compile(r"[^\W_]+")
_IGNORED_WORDS = frozenset(["the", "a", "an", "of", "and", "mr", "mrs", "ms", "dr"])


@dataclass(frozen=True, slots=True)
class GoldQuote:
    doc: str
    span: Span
    source_spans: tuple[Span, ...]
    source_text: str | None


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum() and text[end - 1] not in ".?!":
        end -= 1
    return Span(start, end) if end > start else None


def _marked_stretches(text: str, start: int, end: int) -> list[Span]:
    """Stretches of ``text[start:end]`` between quotation marks, pairing marks in order."""
    lo = start
    while lo > 0 and start - lo < _REACH and (text[lo - 1] in _MARKS or text[lo - 1] in " ,"):
        lo -= 1
    hi = end
    while hi < len(text) and hi - end < _REACH and (text[hi] in _MARKS or text[hi] in " ,.?!"):
        hi += 1
    marks = [i for i in range(lo, hi) if text[i] in _MARKS]
    if not marks:
        return []
    out: list[tuple[int, int]] = []
    opened: int | None = None
    for n, i in enumerate(marks):
        char = text[i]
        if opened is None:
            if char in _CLOSING:
                if n == 0:
                    out.append((lo, i))  # the quotation opened before the content span
            else:
                opened = i + 1
        elif char in _OPENING and char != '"':
            opened = i + 1
        else:
            out.append((opened, i))
            opened = None
    if opened is not None:
        out.append((opened, hi))
    spans = []
    for a, b in out:
        span = _trim(text, max(a, start - _REACH), min(b, end + _REACH))
        if span is not None:
            spans.append(span)
    return spans


def gold_quotes(record: dict) -> list[GoldQuote]:
    text = record["text"]
    annotations = record.get("annotations") or []
    if not annotations:
        return []
    found: dict[tuple[int, int], GoldQuote] = {}
    for attribution in annotations[0]["attributions"]:
        content = attribution.get("content")
        if not content:
            continue
        source = attribution.get("source") or {}
        source_spans = tuple(Span(a, b) for a, b in source.get("spans") or [])
        for a, b in content["spans"]:
            for span in _marked_stretches(text, a, b):
                found.setdefault(
                    (span.start, span.end), GoldQuote(record["doc_id"], span, source_spans, source.get("text"))
                )
    return list(found.values())


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if w not in _IGNORED_WORDS}


def speaker_matches(mention: QuoteMention, gold: GoldQuote) -> tuple[bool, bool]:
    """(string right, string or mention span right)."""
    by_string = bool(mention.speaker and gold.source_text and _words(mention.speaker) & _words(gold.source_text))
    by_span = mention.speaker_span is not None and any(_overlap(mention.speaker_span, s) for s in gold.source_spans)
    return by_string, by_string or by_span


@dataclass
class Tally:
    gold: int = 0
    found_loose: int = 0
    found_strict: int = 0
    predicted: int = 0
    correct_loose: int = 0
    correct_strict: int = 0
    with_source: int = 0
    speaker_string: int = 0
    speaker_any: int = 0
    in_boilerplate: int = 0
    seconds: float = 0.0


def _read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def evaluate(path: Path, show_errors: int = 0) -> Tally:
    tally = Tally()
    errors: list[str] = []
    config = CleanConfig()
    for record in _read_jsonl(path):
        text = record["text"]
        doc = Document(id=record["doc_id"], text=text, path=str(path), date=record.get("publication_date"))
        started = time.perf_counter()
        cleaned = clean_document(doc, config)
        mentions = extract_quotes(doc, cleaned)
        tally.seconds += time.perf_counter() - started
        golds = gold_quotes(record)
        tally.gold += len(golds)
        tally.predicted += len(mentions)
        for gold in golds:
            if not any(body.contains(gold.span) for body in cleaned.body):
                tally.in_boilerplate += 1
            best = max(mentions, key=lambda m: _overlap(m.span, gold.span), default=None)
            cover = _overlap(best.span, gold.span) / len(gold.span) if best else 0.0
            tally.found_loose += cover >= LOOSE
            tally.found_strict += cover >= STRICT
            if best is not None and cover >= LOOSE and gold.source_spans:
                tally.with_source += 1
                by_string, by_any = speaker_matches(best, gold)
                tally.speaker_string += by_string
                tally.speaker_any += by_any
                if not by_any and len(errors) < show_errors:
                    where = best.speaker_span
                    written = text[where.start : where.end] if where else None
                    errors.append(
                        f"SPEAKER {gold.source_text!r} got {best.speaker!r} ({written!r}): {best.text[:70]!r}"
                    )
            elif cover < LOOSE and len(errors) < show_errors:
                errors.append(f"MISSED {text[gold.span.start : gold.span.end][:90]!r}")
        for mention in mentions:
            covers = [_overlap(mention.span, g.span) / len(g.span) for g in golds]
            best_cover = max(covers, default=0.0)
            tally.correct_loose += best_cover >= LOOSE
            tally.correct_strict += best_cover >= STRICT
            if best_cover < LOOSE and len(errors) < show_errors:
                errors.append(f"EXTRA {mention.speaker!r}: {mention.text[:90]!r}")
    for line in errors:
        print(line)
    return tally


def _seed_documents() -> list[tuple[Document, object]]:
    gold = json.loads(SEEDS_GOLD.read_text(encoding="utf-8")) if SEEDS_GOLD.exists() else {"documents": {}}
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        date = gold["documents"].get(path.name[:3], {}).get("date")
        doc = Document(id=path.stem, text=path.read_text(encoding="utf-8"), path=str(path), date=date)
        out.append((doc, clean_document(doc, CleanConfig())))
    return out


def seed_checks() -> tuple[int, int, list[str]]:
    """The quotation checks of score_seeds.py on ``quotes_for`` over the samples."""
    if not SEEDS_GOLD.exists():
        return 0, 0, ["seeds gold not found"]
    gold = json.loads(SEEDS_GOLD.read_text(encoding="utf-8"))
    documents = _seed_documents()
    texts = {doc.id[:3]: doc.text for doc, _ in documents}
    quotes = quotes_for(documents)  # type: ignore[arg-type]
    results: list[tuple[bool, str]] = []
    for q in gold["quotes"]:
        holders = []
        for variant in q["variants"]:
            for gid in variant["docs"]:
                pos = texts[gid].find(variant["excerpt"])
                found = None
                for quote in quotes:
                    for occ in quote.occurrences:
                        if occ.doc[:3] == gid and occ.span.start <= pos < occ.span.end:
                            found = (quote, occ)
                results.append((found is not None, f"quote in {gid}: {variant['excerpt'][:50]!r}"))
                if found:
                    last = q["speaker"].split()[-1].lower()
                    speaker = found[0].speaker or ""
                    results.append((last in speaker.lower(), f"  speaker {q['speaker']!r} (got {speaker!r})"))
                    holders.append(found)
        if len(holders) > 1:
            grouped = len({id(h[0]) for h in holders}) == 1
            results.append((grouped, f"  variants of {q['variants'][0]['excerpt'][:40]!r} grouped"))
            if len(q["variants"]) > 1:
                results.append((any(h[1].altered for h in holders), "  altered variant flagged"))
    failed = [what for ok, what in results if not ok]
    return len(results) - len(failed), len(failed), failed


def _ratio(n: int, d: int) -> float:
    return n / d if d else 0.0


def _table(rows: Sequence[tuple[str, str, str, str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for k, row in enumerate(rows):
        lines.append(
            "  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
        )
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "train"), default="dev")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--errors", type=int, default=0, help="print this many misses, extras and wrong speakers")
    args = parser.parse_args(argv)
    path = args.data / f"articles_{args.split}.jsonl"
    if not path.exists():
        print(f"PolNeAR data not found at {path}", file=sys.stderr)
        return 2
    t = evaluate(path, args.errors)
    passed, failed, failures = seed_checks()
    rec30, rec80 = _ratio(t.found_loose, t.gold), _ratio(t.found_strict, t.gold)
    prec30, prec80 = _ratio(t.correct_loose, t.predicted), _ratio(t.correct_strict, t.predicted)
    spk, spk_str = _ratio(t.speaker_any, t.with_source), _ratio(t.speaker_string, t.with_source)
    f1 = 2 * prec30 * rec30 / (prec30 + rec30) if prec30 + rec30 else 0.0

    def ok(value: float, target: float) -> str:
        return "yes" if value >= target else "NO"

    rows = [
        ("measure", "value", "target", "met"),
        (f"PolNeAR {args.split}: gold quotations", str(t.gold), "", ""),
        ("  of which inside boilerplate", str(t.in_boilerplate), "", ""),
        ("extracted quotations", str(t.predicted), "", ""),
        ("recall @30% overlap", f"{rec30:.3f}", f">= {TARGET_RECALL}", ok(rec30, TARGET_RECALL)),
        ("recall @80% overlap", f"{rec80:.3f}", "", ""),
        ("precision @30% overlap", f"{prec30:.3f}", f">= {TARGET_PRECISION}", ok(prec30, TARGET_PRECISION)),
        ("precision @80% overlap", f"{prec80:.3f}", "", ""),
        ("F1 @30%", f"{f1:.3f}", "", ""),
        (
            f"speaker right ({t.with_source} found with source)",
            f"{spk:.3f}",
            f">= {TARGET_SPEAKER}",
            ok(spk, TARGET_SPEAKER),
        ),
        ("  speaker string alone", f"{spk_str:.3f}", "", ""),
        ("extraction ms / document", f"{1000 * t.seconds / max(1, sum(1 for _ in _read_jsonl(path))):.1f}", "", ""),
        ("samples: quotation checks passed", f"{passed}/{passed + failed}", "all", ok(float(not failed), 1.0)),
    ]
    print(_table(rows))
    for what in failures:
        print("FAIL", what)
    return 0


if __name__ == "__main__":
    sys.exit(main())
