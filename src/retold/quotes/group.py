"""One quotation across documents: grouping reworded and partial occurrences, the
canonical wording, and a word-level diff of every occurrence against it.

Grouping never compares all pairs. Candidate pairs of distinct wordings come from two
blocks, each capped in size so a common key cannot blow up:

* shared word trigrams of the normalised quotation (a reworded or partial quotation
  keeps some three-word runs: "any symptoms of", "remain in iraq");
* the same resolved speaker (the route a paraphrase with no shared trigram can take
  once an embedding similarity is plugged in).

Each candidate pair is verified with a similarity function (lexical by default) and
linked when it reaches the threshold; the quotations are the connected components.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

import xxhash

from retold.model import Quote, QuoteOccurrence
from retold.quotes.extract import QuoteMention
from retold.text import tokens as text_tokens
from retold.text import words

Similarity = Callable[[str, str], float]

NGRAM = 3
# A key shared by more distinct wordings than this is too common to block on
# ("by the end", a stock phrase); dropping it costs nothing when the pair shares rarer ones.
MAX_BUCKET = 64
# Pairs sharing fewer trigrams than this are not verified, unless a wording is too short
# to have that many.
MIN_SHARED_NGRAMS = 2
# Lexical similarity at which two wordings are one quotation: about two words in three
# shared in order ("will remain in Iraq at the invitation of the Iraqi government, …").
LINK_THRESHOLD = 0.5
# Two wordings attributed to different speakers must agree more closely.
OTHER_SPEAKER_THRESHOLD = 0.8
# Fewest words two wordings must share, in order, to be linked at all: "safer
# locations" and "safer streets" are not one quotation.
MIN_SHARED_WORDS = 4
# A fragment inside a longer quotation counts fully once it holds this many content
# words; shorter fragments ("by the end of the year") count proportionally less.
FRAGMENT_CONTENT_WORDS = 5
ID_DIGITS = 12
_FUNCTION_WORDS = frozenset(
    ["a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "there", "their", "they", "he", "she", "we", "i", "you", "not", "no", "so", "if", "than", "then", "will", "would", "can", "could", "has", "have", "had"]
)


def _matched(a: Sequence[str], b: Sequence[str]) -> int:
    return sum(block.size for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())


def lexical_similarity(a: str, b: str) -> float:
    """Similarity of two quotations' wordings in [0, 1], order-aware.

    The larger of: Dice over the words both share in order (a reworded quotation), and
    the share of the shorter quotation found in the longer one (a partial quotation),
    the latter scaled down for fragments of fewer than ``FRAGMENT_CONTENT_WORDS``
    content words. Case, punctuation and quote marks do not count.
    """
    return _similarity(words(a), words(b))


def _similarity(a: Sequence[str], b: Sequence[str]) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    matched = _matched(a, b)
    if matched < min(MIN_SHARED_WORDS, len(a), len(b)):
        return 0.0
    dice = 2 * matched / (len(a) + len(b))
    shorter = a if len(a) <= len(b) else b
    content = sum(1 for w in shorter if w not in _FUNCTION_WORDS)
    containment = matched / len(shorter) * min(1.0, content / FRAGMENT_CONTENT_WORDS)
    return max(dice, containment)


def _ngram_keys(wording: Sequence[str]) -> set[int]:
    if len(wording) < NGRAM:
        return {xxhash.xxh3_64_intdigest(" ".join(wording).encode("utf-8"))}
    return {
        xxhash.xxh3_64_intdigest(" ".join(wording[i : i + NGRAM]).encode("utf-8"))
        for i in range(len(wording) - NGRAM + 1)
    }


def _speaker_key(speaker: str | None) -> str | None:
    if not speaker:
        return None
    parts = words(speaker)
    return parts[-1] if parts else None


def _candidates(wordings: Sequence[tuple[str, ...]], speakers: Sequence[set[str]]) -> set[tuple[int, int]]:
    """Pairs of wording indices worth verifying, from trigram and speaker blocks."""
    shared: Counter[tuple[int, int]] = Counter()
    buckets: defaultdict[int, list[int]] = defaultdict(list)
    for i, wording in enumerate(wordings):
        for key in _ngram_keys(wording):
            buckets[key].append(i)
    for members in buckets.values():
        if 1 < len(members) <= MAX_BUCKET:
            for pair in combinations(members, 2):
                shared[pair] += 1
    pairs = {
        (i, j)
        for (i, j), n in shared.items()
        if n >= MIN_SHARED_NGRAMS or min(len(wordings[i]), len(wordings[j])) <= NGRAM + MIN_SHARED_NGRAMS - 2
    }
    by_speaker: defaultdict[str, list[int]] = defaultdict(list)
    for i, keys in enumerate(speakers):
        for key in keys:
            by_speaker[key].append(i)
    for members in by_speaker.values():
        if 1 < len(members) <= MAX_BUCKET:
            pairs.update(combinations(members, 2))
    return pairs


class _Components:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


@dataclass(frozen=True, slots=True)
class _Occurrence:
    mention: QuoteMention
    words: tuple[str, ...]
    order: tuple[bool, str, str, int]  # undated last, then date, document, position


def _contains(longer: Sequence[str], shorter: Sequence[str]) -> bool:
    n = len(shorter)
    return n > 0 and any(tuple(longer[i : i + n]) == tuple(shorter) for i in range(len(longer) - n + 1))


def _canonical(members: Sequence[_Occurrence]) -> _Occurrence:
    """The wording most occurrences agree with (a fragment agrees with every wording
    holding it); ties go to the earliest dated, then the longest."""
    by_wording: dict[tuple[str, ...], _Occurrence] = {}
    for occ in sorted(members, key=lambda o: o.order):
        by_wording.setdefault(occ.words, occ)

    def rank(item: tuple[tuple[str, ...], _Occurrence]) -> tuple[int, bool, str, int, str]:
        wording, first = item
        support = sum(1 for o in members if _contains(wording, o.words))
        undated, date, _, _ = first.order
        return (-support, undated, date, -len(wording), " ".join(wording))

    return min(by_wording.items(), key=rank)[1]


def word_diff(canonical: str, text: str) -> tuple[tuple[tuple[str, str], ...], bool]:
    """Word-level diff of ``text`` against ``canonical`` and whether ``text`` alters it.

    Ops are ``("=", words)``, ``("-", words only in the canonical)`` and ``("+", words
    only in this occurrence)``, words shown as written. Canonical words before the
    first or after the last shared word are left out: quoting part of a statement is
    not altering it. Extra words at either end (a longer quotation) are shown but do not
    count as an alteration; any other difference of words does. Case, punctuation,
    spacing and quote marks are not differences.
    """
    a, b = text_tokens(canonical), text_tokens(text)
    ops = SequenceMatcher(None, a.words, b.words, autojunk=False).get_opcodes()
    while ops and ops[0][0] == "delete":
        ops = ops[1:]
    while ops and ops[-1][0] == "delete":
        ops = ops[:-1]
    inner = ops
    while inner and inner[0][0] == "insert":
        inner = inner[1:]
    while inner and inner[-1][0] == "insert":
        inner = inner[:-1]
    altered = any(op != "equal" for op, *_ in inner) or not any(op == "equal" for op, *_ in ops)

    def raw(toks, source: str, i: int, j: int) -> str:
        return " ".join(source[int(toks.starts[i]) : int(toks.ends[j - 1])].split())

    diff: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in ops:
        if op in ("delete", "replace"):
            diff.append(("-", raw(a, canonical, i1, i2)))
        if op in ("insert", "replace"):
            diff.append(("+", raw(b, text, j1, j2)))
        if op == "equal":
            diff.append(("=", raw(b, text, j1, j2)))
    return tuple(diff), altered


def _quote_id(canonical: Sequence[str]) -> str:
    return "q" + xxhash.xxh3_64_hexdigest(" ".join(canonical).encode("utf-8"))[:ID_DIGITS]


def _speaker(members: Sequence[_Occurrence]) -> str | None:
    """The speaker most occurrences name; ties go to the earliest occurrence's."""
    counts = Counter(o.mention.speaker for o in members if o.mention.speaker)
    if not counts:
        return None
    top = max(counts.values())
    return next(o.mention.speaker for o in members if o.mention.speaker and counts[o.mention.speaker] == top)


def group_quotes(
    mentions: Sequence[QuoteMention],
    dates: Mapping[str, str | None],
    similarity: Similarity | None = None,
    threshold: float | None = None,
) -> list[Quote]:
    """Group quotation mentions from many documents into quotations.

    Args:
        mentions: quotations as extracted, from any number of documents.
        dates: ISO date (or None) per document id; the earliest dated wording wins
            ties for the canonical text.
        similarity: ``(text_a, text_b) -> [0, 1]`` deciding whether two wordings are
            one quotation; ``lexical_similarity`` by default. An embedding cosine can be
            plugged in here (with its own ``threshold``).
        threshold: link threshold for ``similarity`` (default ``LINK_THRESHOLD``); pairs
            whose speakers are both known and differ need ``OTHER_SPEAKER_THRESHOLD``.

    Returns:
        One ``Quote`` per group, single-document ones included, ordered by their first
        occurrence. ``Quote.id`` is "q" plus a hash of the canonical wording
        (normalised), so the same quotation keeps its id across runs.
    """
    link = LINK_THRESHOLD if threshold is None else threshold
    strict = max(link, OTHER_SPEAKER_THRESHOLD) if similarity is None else link
    occurrences = [_Occurrence(m, tuple(words(m.text)), _order(m.doc, m.span.start, dates)) for m in mentions]
    occurrences = [o for o in occurrences if o.words]
    index: dict[tuple[str, ...], int] = {}
    for occ in sorted(occurrences, key=lambda o: o.order):
        index.setdefault(occ.words, len(index))
    wordings = list(index)
    texts = [""] * len(wordings)
    speakers: list[set[str]] = [set() for _ in wordings]
    for occ in occurrences:
        i = index[occ.words]
        texts[i] = texts[i] or occ.mention.text
        if (key := _speaker_key(occ.mention.speaker)) is not None:
            speakers[i].add(key)

    components = _Components(len(wordings))
    for i, j in sorted(_candidates(wordings, speakers)):
        if components.find(i) == components.find(j):
            continue
        score = similarity(texts[i], texts[j]) if similarity is not None else _similarity(wordings[i], wordings[j])
        differ = bool(speakers[i] and speakers[j] and not speakers[i] & speakers[j])
        if score >= (strict if differ else link):
            components.union(i, j)

    groups: defaultdict[int, list[_Occurrence]] = defaultdict(list)
    for occ in occurrences:
        groups[components.find(index[occ.words])].append(occ)
    quotes: list[Quote] = []
    for members in groups.values():
        members.sort(key=lambda o: o.order)
        canonical = _canonical(members)
        occ_out = []
        for occ in members:
            diff, altered = word_diff(canonical.mention.text, occ.mention.text)
            occ_out.append(
                QuoteOccurrence(occ.mention.doc, occ.mention.span, occ.mention.text, occ.mention.speaker, altered, diff)
            )
        quotes.append(Quote(_quote_id(canonical.words), _speaker(members), canonical.mention.text, tuple(occ_out)))
    quotes.sort(key=lambda q: min(_order(o.doc, o.span.start, dates) for o in q.occurrences))
    return quotes


def _order(doc: str, start: int, dates: Mapping[str, str | None]) -> tuple[bool, str, str, int]:
    """Undated documents last, then by date, document id and position."""
    date = dates.get(doc)
    return (date is None, date or "", doc, start)
