"""A deterministic news-like corpus with planted near-duplicates, for the dedup benchmark.

Base articles are recombined from paragraphs of real text, read in place at run
time (the licences forbid copying them into the repository):

* PolNeAR news articles (``polnear/articles_{train,dev}.jsonl``), paragraphs split on blank lines;
* PAN 2013 source and suspicious documents (``pan13/docs_{src,susp}.jsonl``), split on lines.

Paragraphs that are not prose (tables, lists, code) or whose sentences were seen
before (PAN's plagiarised passages, wire copies) are left out. Each base article
takes runs of consecutive paragraphs from 2-4 different source texts until it
reaches a length drawn log-uniformly from 300-1,200 words; paragraphs are reused
across articles, but no base article shares more than 30% of its words with
another, so no two base articles are near-duplicates.

A share of the corpus are planted copies of base articles (1-3 per family, like a
wire story reprinted by several outlets). Each copy aims at a Jaccard similarity
drawn uniformly from [0.5, 1.0] (or exactly 1.0 for a share of them), reached by
a mix of paragraph drops, added boilerplate lines and scattered word
substitutions, deletions and insertions; some also get whitespace and case
changes, which leave the normalised words alone. The TRUE Jaccard of the word
5-gram shingle sets (``retold.text.words`` and Python sets, independent of
retold's hashing) is recorded for every pair within a family, copy-copy pairs included.
"""

from __future__ import annotations

import json
import math
import random
import re
import string
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from pathlib import Path

from retold.text import words

DATA_DIR = Path("/work/shared/data")
BLANK_LINE = re.compile(r"\n\s*\n")
NEWLINE = re.compile(r"\n")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# (file under DATA_DIR, how its texts split into paragraphs)
SOURCE_FILES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("polnear/articles_train.jsonl", BLANK_LINE),
    ("polnear/articles_dev.jsonl", BLANK_LINE),
    ("pan13/docs_src.jsonl", NEWLINE),
    ("pan13/docs_susp.jsonl", NEWLINE),
)

NGRAM = 5
MIN_PARAGRAPH_WORDS = 20  # shorter lines are headings, menus, bylines
MAX_PARAGRAPH_WORDS = 200  # longer ones are cut at sentence ends into pieces of about half this size
MIN_SENTENCE_WORDS = 8  # sentences this long identify a paragraph seen before
MIN_ALPHABETIC_SHARE = 0.75  # of a paragraph's tokens; below, it is a table, a list or code
PUNCTUATION = string.punctuation + "“”‘’—–…"
ARTICLE_WORDS = (300, 1200)
SOURCES_PER_ARTICLE = (2, 4)
MAX_SHARED_SHARE = 0.3  # of the shorter base article's words, with any other base article
VOCABULARY_SAMPLE = 3000  # paragraphs whose words feed substitutions and insertions

COPY_SHARE = 0.15  # of the corpus
COPIES_PER_FAMILY = (1, 2, 3)
COPIES_PER_FAMILY_WEIGHTS = (0.7, 0.2, 0.1)
EXACT_COPY_SHARE = 0.1  # of the copies: same words, at most whitespace and case changed
TARGET_JACCARD = (0.5, 1.0)
DROP_PROBABILITY = 0.35
BOILERPLATE_PROBABILITY = 0.35
COSMETIC_PROBABILITY = 0.3
HEADER_PROBABILITY = 0.3  # boilerplate goes on top rather than at the bottom
BOILERPLATE_LINE_COUNT = (1, 3)
DROP_SHARE = (0.3, 1.0)  # of the structural loss budget taken by paragraph drops
YEARS = (2014, 2018)
# Paragraph drops and boilerplate take at most this share of a copy's shingle loss;
# word edits make up the rest, so the copy lands near its target.
STRUCTURAL_SHARE = 0.8
EDIT_KINDS = ("substitute", "delete", "insert")
EDIT_WEIGHTS = (0.6, 0.2, 0.2)

BOILERPLATE_LINES = (
    "Copyright {year} {outlet}. All rights reserved. This material may not be published, broadcast, "
    "rewritten or redistributed.",
    "Follow {outlet} on Twitter and Facebook for the latest updates on this story.",
    "Sign up for the {outlet} morning newsletter and get the day's top stories delivered to your inbox.",
    "This article originally appeared on {outlet} and is republished here with permission.",
    "Reporting by {name}; additional reporting by {other}; editing by {third}.",
    "Click here to read more stories like this one from the {outlet} politics desk.",
    "Have a news tip? Contact the {outlet} newsroom by email or through our secure tip line.",
    "{outlet} may earn a commission from purchases made through links on this page.",
    "Related coverage: what you need to know about the campaign this week, by {name}.",
    "The views expressed in this piece are those of the author and do not necessarily reflect those of {outlet}.",
    "Comments on this article are closed. Read our community guidelines before you post on {outlet}.",
    "{name} contributed to this report from Washington; {other} contributed from New York.",
)
OUTLETS = ("Daily Ledger", "Morning Courier", "Metro Wire", "The Beacon", "Capital Dispatch", "Evening Post")
NAMES = ("Ana Ruiz", "Tom Becker", "Li Wei", "Sara Okafor", "Jon Meyer", "Priya Nair", "Omar Haddad")


@dataclass(frozen=True, slots=True)
class PlantedPair:
    """Two documents of one family and the true Jaccard of their word 5-gram sets."""

    a: str
    b: str
    jaccard: float
    kind: str  # "base-copy" or "copy-copy"
    edits: str  # what was done to the copy (to b, or to both copies)


@dataclass(frozen=True, slots=True)
class Corpus:
    path: Path
    truth_path: Path
    documents: int
    base_articles: int
    copies: int
    pairs: list[PlantedPair]


@dataclass(frozen=True, slots=True)
class ParagraphPool:
    """Usable paragraphs of the source texts, and per source text the indices of its own, in order."""

    paragraphs: list[str]
    sizes: list[int]  # words per paragraph
    sources: list[list[int]]


def _split_long(paragraph: str) -> Iterator[str]:
    """The paragraph, or pieces of it cut at sentence ends; a piece still too long
    (tables, lists, code) is dropped."""
    if len(paragraph.split()) <= MAX_PARAGRAPH_WORDS:
        yield paragraph
        return
    piece: list[str] = []
    size = 0
    for sentence in SENTENCE_END.split(paragraph):
        piece.append(sentence)
        size += len(sentence.split())
        if size >= MAX_PARAGRAPH_WORDS // 2:
            if size <= MAX_PARAGRAPH_WORDS:
                yield " ".join(piece)
            piece, size = [], 0
    if piece:
        yield " ".join(piece)


def _is_prose(tokens: list[str]) -> bool:
    alphabetic = sum(token.strip(PUNCTUATION).isalpha() for token in tokens)
    return alphabetic >= MIN_ALPHABETIC_SHARE * len(tokens)


def load_pool(data_dir: Path = DATA_DIR) -> ParagraphPool:
    """Paragraphs of prose from the source files. A paragraph most of whose sentences
    were seen before (PAN's plagiarised passages, wire copies among the news) is
    skipped, so the pool holds no near-duplicate paragraphs."""
    seen: set[str] = set()
    pool = ParagraphPool([], [], [])
    for name, separator in SOURCE_FILES:
        with (data_dir / name).open(encoding="utf-8") as handle:
            for line in handle:
                own: list[int] = []
                for raw in separator.split(json.loads(line)["text"]):
                    for paragraph in _split_long(" ".join(raw.split())):
                        tokens = paragraph.split()
                        if not MIN_PARAGRAPH_WORDS <= len(tokens) <= MAX_PARAGRAPH_WORDS or not _is_prose(tokens):
                            continue
                        keys = [paragraph.casefold()] + [
                            " ".join(sentence.casefold().split())
                            for sentence in SENTENCE_END.split(paragraph)
                            if len(sentence.split()) >= MIN_SENTENCE_WORDS
                        ]
                        if 2 * sum(key in seen for key in keys) > len(keys):
                            continue
                        seen.update(keys)
                        own.append(len(pool.paragraphs))
                        pool.paragraphs.append(paragraph)
                        pool.sizes.append(len(tokens))
                if own:
                    pool.sources.append(own)
    return pool


def build_article(rng: random.Random, pool: ParagraphPool) -> list[int]:
    """Paragraph indices of one base article: runs of consecutive paragraphs from several sources."""
    low, high = ARTICLE_WORDS
    target = int(math.exp(rng.uniform(math.log(low), math.log(high))))
    per_source = target // rng.randint(*SOURCES_PER_ARTICLE) + 1
    used: set[int] = set()
    article: list[int] = []
    size = 0
    while size < target:
        index = rng.randrange(len(pool.sources))
        if index in used:
            continue
        used.add(index)
        source = pool.sources[index]
        taken = 0
        for paragraph in source[rng.randrange(len(source)) :]:
            if taken >= per_source or size >= target:
                break
            article.append(paragraph)
            taken += pool.sizes[paragraph]
            size += pool.sizes[paragraph]
    return article


def build_articles(rng: random.Random, pool: ParagraphPool, count: int) -> list[list[int]]:
    """``count`` base articles, none sharing more than ``MAX_SHARED_SHARE`` of its words
    with an earlier one (paragraphs are reused across articles, so this is checked)."""
    users: dict[int, list[int]] = defaultdict(list)
    articles: list[list[int]] = []
    sizes: list[int] = []
    while len(articles) < count:
        article = build_article(rng, pool)
        size = sum(pool.sizes[p] for p in article)
        shared: dict[int, int] = defaultdict(int)
        for paragraph in article:
            for other in users[paragraph]:
                shared[other] += pool.sizes[paragraph]
        if any(words > MAX_SHARED_SHARE * min(size, sizes[other]) for other, words in shared.items()):
            continue
        for paragraph in article:
            users[paragraph].append(len(articles))
        articles.append(article)
        sizes.append(size)
    return articles


def shingle_set(text: str) -> set[tuple[str, ...]]:
    """Word 5-gram shingles of the normalised words (the whole text when it is shorter)."""
    w = words(text)
    if len(w) < NGRAM:
        return {tuple(w)} if w else set()
    return set(zip(*(w[k:] for k in range(NGRAM)), strict=False))


def true_jaccard(a: str, b: str) -> float:
    sa, sb = shingle_set(a), shingle_set(b)
    if not sa and not sb:
        return 1.0
    inter = len(sa & sb)
    return inter / (len(sa) + len(sb) - inter)


def _boilerplate(rng: random.Random, lines: int) -> list[str]:
    outlet = rng.choice(OUTLETS)
    names = rng.sample(NAMES, 3)
    fields = {"year": rng.randint(*YEARS), "outlet": outlet, "name": names[0], "other": names[1], "third": names[2]}
    return [template.format(**fields) for template in rng.sample(BOILERPLATE_LINES, lines)]


def _drop(rng: random.Random, paragraphs: list[list[str]], budget: float) -> tuple[list[list[str]], int]:
    """Drop whole paragraphs (never the first, never all) totalling at most ``budget`` words."""
    order = list(range(1, len(paragraphs)))
    rng.shuffle(order)
    dropped: set[int] = set()
    size = 0
    for index in order:
        count = len(paragraphs[index])
        if size + count <= budget and len(paragraphs) - len(dropped) > 2:
            dropped.add(index)
            size += count
    return [p for i, p in enumerate(paragraphs) if i not in dropped], len(dropped)


def _edit_words(
    rng: random.Random, paragraphs: list[list[str]], rate: float, vocabulary: Sequence[str]
) -> tuple[list[list[str]], int]:
    """Scattered word substitutions, deletions and insertions at ``rate`` per word."""
    edited: list[list[str]] = []
    count = 0
    for paragraph in paragraphs:
        out: list[str] = []
        for token in paragraph:
            if rng.random() >= rate:
                out.append(token)
                continue
            count += 1
            kind = rng.choices(EDIT_KINDS, EDIT_WEIGHTS)[0]
            if kind == "substitute":
                out.append(rng.choice(vocabulary))
            elif kind == "insert":
                out.extend((token, rng.choice(vocabulary)))
        edited.append(out or paragraph[:1])
    return edited, count


def _cosmetic(rng: random.Random, paragraphs: list[str]) -> tuple[list[str], str]:
    """Whitespace and case changes only: the normalised words stay the same."""
    kind = rng.choice(("upper-first", "lower-all", "spaces", "crlf"))
    if kind == "upper-first":
        return [paragraphs[0].upper(), *paragraphs[1:]], kind
    if kind == "lower-all":
        return [p.lower() for p in paragraphs], kind
    if kind == "spaces":
        return ["  ".join(p.split(" ")) + " \t" for p in paragraphs], kind
    return [p.replace(" ", "\r\n", 1) for p in paragraphs], kind


def plant_copy(rng: random.Random, base: list[str], target: float, vocabulary: Sequence[str]) -> tuple[list[str], str]:
    """A copy of ``base`` (paragraphs) whose shingle Jaccard with it should be near ``target``."""
    notes: list[str] = []
    paragraphs = [p.split() for p in base]
    total = sum(len(p) for p in paragraphs)
    header: list[str] = []
    footer: list[str] = []
    if target < 1.0:
        # Shingle loss allowed to structural edits: with J = kept / (n + added),
        # a loss of (1 - J) * n words in all.
        loss = (1.0 - target) * total * STRUCTURAL_SHARE
        if rng.random() < DROP_PROBABILITY:
            paragraphs, dropped = _drop(rng, paragraphs, loss * rng.uniform(*DROP_SHARE))
            if dropped:
                notes.append(f"drop {dropped} para")
        if rng.random() < BOILERPLATE_PROBABILITY:
            kept_words = sum(len(p) for p in paragraphs)
            room = kept_words / target - total  # words that may be added before J falls below target
            lines = _boilerplate(rng, rng.randint(*BOILERPLATE_LINE_COUNT))
            while lines and sum(len(line.split()) for line in lines) > max(room, 0.0):
                lines.pop()
            if lines:
                (header if rng.random() < HEADER_PROBABILITY else footer).extend(lines)
                notes.append(f"boilerplate {len(lines)} lines")
        # Word edits for the rest: each destroys the NGRAM shingles around it and adds as
        # many new ones, so with d destroyed, J = (kept - d) / (total + d + added).
        kept = sum(len(p) for p in paragraphs)
        added = sum(len(line.split()) for line in header + footer)
        destroyed = max(0.0, (kept - target * (total + added)) / (1.0 + target))
        rate = 1.0 - (1.0 - min(destroyed / max(kept, 1), 1.0)) ** (1.0 / NGRAM)
        if rate > 0:
            paragraphs, count = _edit_words(rng, paragraphs, rate, vocabulary)
            notes.append(f"{count} word edits")
    texts = [*header, *(" ".join(p) for p in paragraphs), *footer]
    if rng.random() < COSMETIC_PROBABILITY:
        texts, kind = _cosmetic(rng, texts)
        notes.append(kind)
    return texts, ", ".join(notes) or "identical"


def _family_sizes(rng: random.Random, copies: int) -> list[int]:
    sizes: list[int] = []
    while sum(sizes) < copies:
        sizes.append(min(rng.choices(COPIES_PER_FAMILY, COPIES_PER_FAMILY_WEIGHTS)[0], copies - sum(sizes)))
    return sizes


def generate(documents: int, work: Path, seed: int = 13, data_dir: Path = DATA_DIR) -> Corpus:
    """Write ``corpus.jsonl`` (``{id, text}``) and ``truth.jsonl`` (planted pairs) under ``work``."""
    rng = random.Random(seed)
    pool = load_pool(data_dir)
    vocabulary = [
        token
        for paragraph in rng.sample(pool.paragraphs, min(VOCABULARY_SAMPLE, len(pool.paragraphs)))
        for token in paragraph.split()
        if token.isalpha()
    ]
    copies = round(documents * COPY_SHARE)
    bases = documents - copies
    articles = [[pool.paragraphs[p] for p in article] for article in build_articles(rng, pool, bases)]
    families = _family_sizes(rng, copies)
    originals = rng.sample(range(bases), len(families))

    texts: list[str] = ["\n\n".join(article) for article in articles]
    family_members: list[tuple[int, list[tuple[int, str]]]] = []
    for original, size in zip(originals, families, strict=True):
        members: list[tuple[int, str]] = []
        for _ in range(size):
            target = 1.0 if rng.random() < EXACT_COPY_SHARE else rng.uniform(*TARGET_JACCARD)
            paragraphs, edits = plant_copy(rng, articles[original], target, vocabulary)
            members.append((len(texts), f"target {target:.2f}: {edits}"))
            texts.append("\n\n".join(paragraphs))
        family_members.append((original, members))

    order = list(range(len(texts)))
    rng.shuffle(order)
    ids = [""] * len(texts)
    for position, index in enumerate(order):
        ids[index] = f"n{position:07d}"

    pairs: list[PlantedPair] = []
    for original, members in family_members:
        for index, edits in members:
            pairs.append(
                PlantedPair(ids[original], ids[index], true_jaccard(texts[original], texts[index]), "base-copy", edits)
            )
        for (i, edits_i), (j, edits_j) in combinations(members, 2):
            pairs.append(
                PlantedPair(ids[i], ids[j], true_jaccard(texts[i], texts[j]), "copy-copy", f"{edits_i} | {edits_j}")
            )

    work.mkdir(parents=True, exist_ok=True)
    path = work / "corpus.jsonl"
    truth_path = work / "truth.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for index in order:
            handle.write(json.dumps({"id": ids[index], "text": texts[index]}, ensure_ascii=False) + "\n")
    with truth_path.open("w", encoding="utf-8") as handle:
        for pair in pairs:
            handle.write(json.dumps(asdict(pair)) + "\n")
    return Corpus(path, truth_path, len(texts), bases, copies, pairs)


__all__ = ["Corpus", "ParagraphPool", "PlantedPair", "generate", "load_pool", "true_jaccard"]
