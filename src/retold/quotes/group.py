"""One quotation across documents: grouping reworded and partial occurrences, the
canonical wording, and a word-level diff of every occurrence against it.

Grouping never compares all pairs. Occurrences with the same normalised wording are
one node from the start; candidate pairs of distinct wordings come from blocks, each
capped in size so that a common key cannot blow up:

* shared word trigrams of the normalised wording (a reworded or partial quotation
  keeps some three-word runs: "any symptoms of", "remain in iraq");
* with a plugged-in similarity, also the same resolved speaker: the route a
  paraphrase with no trigram in common can take once an embedding similarity decides.

Each candidate pair is verified with the similarity (lexical by default) and linked
when it reaches the threshold; quotations are the connected components.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

import xxhash

from retold.model import Quote, QuoteOccurrence
from retold.quotes.extract import QuoteMention
from retold.text import Tokens, tokens, words

Similarity = Callable[[str, str], float]
Diff = tuple[tuple[str, str], ...]

NGRAM = 3
# A key shared by more distinct wordings than this is too common to block on ("by the
# end", a speaker quoted hundreds of times); pairs sharing rarer keys are still found.
MAX_BUCKET = 64
# Pairs sharing fewer trigrams than this are not verified, unless a wording is too short
# to have that many.
MIN_SHARED_NGRAMS = 2
# Lexical similarity at which two wordings are one quotation. The word-spun variants of
# the samples score 0.60 to 0.92 ("U.S. forces will remain in Iraq, at the invitation of
# the Government of Iraq, …" / "United States military will remain in Iraq at the
# invitation of the Iraqi government, …" is 0.60); a four-word slogan inside a
# twelve-word sentence scores 0.5 and must stay apart.
LINK_THRESHOLD = 0.55
# Two wordings attributed to different speakers must agree more closely.
OTHER_SPEAKER_THRESHOLD = 0.8
# Fewest words two wordings must share, in order, to be linked at all: "safer
# locations" and "safer streets" are not one quotation.
MIN_SHARED_WORDS = 4
# Fewest content words (not function words) two wordings must share: "I think it's
# funny" and "I think it's coming" share four words but one content word.
MIN_SHARED_CONTENT = 3
# A fragment inside a longer quotation is the same quotation only if it holds this many
# content words: "Make America great again" inside two speeches does not make them one.
FRAGMENT_CONTENT_WORDS = 5
# A fragment is found in a longer quotation when this share of its words appears there
# in runs of two or more, lying together: the stretch they cover is at most
# FRAGMENT_SPREAD times the fragment's length (plus a couple of words).
FRAGMENT_MIN_SHARE = 0.8
FRAGMENT_SPREAD = 1.5
FRAGMENT_SLACK = 2
ID_DIGITS = 12
_FUNCTION_WORDS = frozenset(
    """
    a an the and or but of to in on at by for with from as is are was were be been it its this that
    these those there their they he she we i you not no so if than then will would can could has have had
    s t d ll re ve m do does did what who which
    """.split()
)


def lexical_similarity(a: str, b: str) -> float:
    """Similarity of two quotations' wordings in [0, 1], order-aware.

    The larger of: Dice over the words both share in order (a reworded quotation of
    similar length), and, when at least ``FRAGMENT_MIN_SHARE`` of the shorter wording
    lies together in the longer one, that share (a partial quotation; only for
    fragments of at least ``FRAGMENT_CONTENT_WORDS`` content words). Fewer than ``MIN_SHARED_WORDS`` shared
    words, or ``MIN_SHARED_CONTENT`` shared content words, score 0. Case, punctuation
    and quote marks do not count.

    >>> round(lexical_similarity("not yet observed any symptoms of withdrawal",
    ...                          "not yet witnessed any symptoms of withdrawal"), 2)
    0.86
    """
    return _similarity(tuple(words(a)), tuple(words(b)))


def _similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    content = sum(1 for w in shorter if w not in _FUNCTION_WORDS)
    # The shared words bound both measures; most candidate pairs stop here.
    common = Counter(a) & Counter(b)
    shared_content = sum(n for w, n in common.items() if w not in _FUNCTION_WORDS)
    if sum(common.values()) < min(MIN_SHARED_WORDS, len(shorter)) or shared_content < min(MIN_SHARED_CONTENT, content):
        return 0.0
    blocks = [bl for bl in SequenceMatcher(None, shorter, longer, autojunk=False).get_matching_blocks() if bl.size]
    matched = sum(bl.size for bl in blocks)
    if matched < min(MIN_SHARED_WORDS, len(shorter)):
        return 0.0
    dice = 2 * matched / (len(a) + len(b))
    if content < FRAGMENT_CONTENT_WORDS:
        return dice
    # A partial quotation: the shorter wording found in runs of two or more words, lying
    # together in the longer one. Scattered single words are not a quotation of it.
    runs = [bl for bl in blocks if bl.size >= 2]
    if not runs:
        return dice
    spread = runs[-1].b + runs[-1].size - runs[0].b
    share = sum(bl.size for bl in runs) / len(shorter)
    inside = share >= FRAGMENT_MIN_SHARE and spread <= FRAGMENT_SPREAD * len(shorter) + FRAGMENT_SLACK
    return max(dice, share if inside else 0.0)


def _ngram_keys(wording: Sequence[str]) -> set[int]:
    if len(wording) < NGRAM:
        return {xxhash.xxh3_64_intdigest(" ".join(wording).encode("utf-8"))}
    return {
        xxhash.xxh3_64_intdigest(" ".join(wording[i : i + NGRAM]).encode("utf-8"))
        for i in range(len(wording) - NGRAM + 1)
    }


def _pairs_in_buckets(keys: Iterable[tuple[int, Iterable[object]]]) -> Counter[tuple[int, int]]:
    """How many keys each pair of items shares, over buckets of at most ``MAX_BUCKET`` items."""
    buckets: defaultdict[object, list[int]] = defaultdict(list)
    for i, item_keys in keys:
        for key in item_keys:
            buckets[key].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in buckets.values():
        if 1 < len(members) <= MAX_BUCKET:
            shared.update(combinations(members, 2))
    return shared


def candidate_pairs(
    wordings: Sequence[tuple[str, ...]], speakers: Sequence[set[str]] | None = None
) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of wordings worth verifying: sharing at least
    ``MIN_SHARED_NGRAMS`` trigrams (one for very short wordings), or, when ``speakers``
    is given, a speaker key."""
    shared = _pairs_in_buckets((i, _ngram_keys(w)) for i, w in enumerate(wordings))
    short = NGRAM + MIN_SHARED_NGRAMS - 2
    pairs = {
        (i, j)
        for (i, j), n in shared.items()
        if n >= MIN_SHARED_NGRAMS or min(len(wordings[i]), len(wordings[j])) <= short
    }
    if speakers is not None:
        pairs.update(_pairs_in_buckets(enumerate(speakers)))
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
    tokens: Tokens  # normalised words of mention.text, with offsets into it
    words: tuple[str, ...]
    order: tuple[bool, str, str, int]  # undated last, then date, document, position


def _tokenise_all(texts: Sequence[str]) -> list[Tokens]:
    """``text.tokens`` of many short texts in one pass (a call costs the same for a
    quotation as for a page), offsets relative to each text."""
    joined = "\n".join(texts)
    found = tokens(joined)
    out: list[Tokens] = []
    k = 0
    offset = 0
    for text in texts:
        end = offset + len(text)
        first = k
        while k < len(found) and found.starts[k] < end:
            k += 1
        out.append(Tokens(found.words[first:k], found.starts[first:k] - offset, found.ends[first:k] - offset))
        offset = end + 1
    return out


def _contains(longer: Sequence[str], shorter: Sequence[str]) -> bool:
    n = len(shorter)
    return n > 0 and any(tuple(longer[i : i + n]) == tuple(shorter) for i in range(len(longer) - n + 1))


def _canonical(members: Sequence[_Occurrence]) -> _Occurrence:
    """The wording most occurrences agree with (a fragment agrees with every wording
    holding it); ties go to the earliest dated, then the longest."""
    by_wording: dict[tuple[str, ...], _Occurrence] = {}
    for occ in members:  # members are in order, so the first holder of a wording is kept
        by_wording.setdefault(occ.words, occ)
    if len(by_wording) == 1:
        return members[0]

    def rank(item: tuple[tuple[str, ...], _Occurrence]) -> tuple[int, bool, str, int, str]:
        wording, first = item
        support = sum(1 for o in members if _contains(wording, o.words))
        undated, date, _, _ = first.order
        return (-support, undated, date, -len(wording), " ".join(wording))

    return min(by_wording.items(), key=rank)[1]


def _raw(toks: Tokens, source: str, i: int, j: int) -> str:
    return " ".join(source[int(toks.starts[i]) : int(toks.ends[j - 1])].split())


def _diff(canonical: str, a: Tokens, text: str, b: Tokens) -> tuple[Diff, bool]:
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
    diff: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in ops:
        if op in ("delete", "replace"):
            diff.append(("-", _raw(a, canonical, i1, i2)))
        if op in ("insert", "replace"):
            diff.append(("+", _raw(b, text, j1, j2)))
        if op == "equal":
            diff.append(("=", _raw(b, text, j1, j2)))
    return tuple(diff), altered


def word_diff(canonical: str, text: str) -> tuple[Diff, bool]:
    """Word-level diff of ``text`` against ``canonical`` and whether ``text`` alters it.

    Ops are ``("=", words)``, ``("-", words only in the canonical)`` and ``("+", words
    only in this occurrence)``, words shown as written. Canonical words before the
    first or after the last shared word are left out: quoting part of a statement is
    not altering it. Extra words at either end (a longer quotation) are shown but do not
    count as an alteration; any other difference of words does. Case, punctuation,
    spacing and quote marks are not differences.

    >>> word_diff("will uphold the commitments it made", "will honor its commitments made")[0]
    (('=', 'will'), ('-', 'uphold the'), ('+', 'honor its'), ('=', 'commitments'), ('-', 'it'), ('=', 'made'))
    """
    return _diff(canonical, tokens(canonical), text, tokens(text))


def _quote_id(canonical: Sequence[str]) -> str:
    return "q" + xxhash.xxh3_64_hexdigest(" ".join(canonical).encode("utf-8"))[:ID_DIGITS]


def _speaker(members: Sequence[_Occurrence]) -> str | None:
    """The speaker most occurrences name; ties go to the earliest occurrence's."""
    counts = Counter(o.mention.speaker for o in members if o.mention.speaker)
    if not counts:
        return None
    top = max(counts.values())
    return next(o.mention.speaker for o in members if o.mention.speaker and counts[o.mention.speaker] == top)


def _speaker_key(speaker: str | None) -> str | None:
    """The last word of a speaker's name: "Jessica McNulty" and "McNulty" agree."""
    found = words(speaker) if speaker else []
    return found[-1] if found else None


def _order(doc: str, start: int, dates: Mapping[str, str | None]) -> tuple[bool, str, str, int]:
    """Undated documents last, then by date, document id and position."""
    date = dates.get(doc)
    return (date is None, date or "", doc, start)


def _quote(members: list[_Occurrence]) -> Quote:
    members.sort(key=lambda o: o.order)
    canonical = _canonical(members)
    out = []
    for occ in members:
        m = occ.mention
        if occ.words == canonical.words:
            diff, altered = (("=", " ".join(m.text.split())),), False
        else:
            diff, altered = _diff(canonical.mention.text, canonical.tokens, m.text, occ.tokens)
        out.append(QuoteOccurrence(m.doc, m.span, m.text, m.speaker, altered, diff))
    return Quote(_quote_id(canonical.words), _speaker(members), canonical.mention.text, tuple(out))


def group_quotes(
    mentions: Sequence[QuoteMention],
    dates: Mapping[str, str | None],
    similarity: Similarity | None = None,
    threshold: float | None = None,
) -> list[Quote]:
    """Group quotation mentions from many documents into quotations.

    Args:
        mentions: quotations as extracted, from any number of documents.
        dates: ISO date (or None) per document id; among equally supported wordings the
            earliest dated one is canonical.
        similarity: ``(text_a, text_b) -> [0, 1]`` deciding whether two wordings are
            one quotation; ``lexical_similarity`` by default. An embedding cosine can be
            plugged in here, with its own ``threshold``; candidate pairs then also come
            from shared speakers, so paraphrases without common words can meet.
        threshold: link threshold for ``similarity`` (default ``LINK_THRESHOLD``). With
            the default similarity, wordings whose speakers are both known and differ
            need ``OTHER_SPEAKER_THRESHOLD``.

    Returns:
        One ``Quote`` per group, single-document ones included, ordered by first
        occurrence (dated before undated). ``text`` is the canonical wording: the one
        most occurrences agree with, then the earliest dated. ``id`` is "q" plus a
        hash of the canonical wording (normalised), stable across runs.
    """
    link = LINK_THRESHOLD if threshold is None else threshold
    strict = max(link, OTHER_SPEAKER_THRESHOLD) if similarity is None else link
    toks = _tokenise_all([m.text for m in mentions])
    occurrences = [
        _Occurrence(m, t, tuple(t.words), _order(m.doc, m.span.start, dates))
        for m, t in zip(mentions, toks, strict=True)
        if t.words
    ]
    occurrences.sort(key=lambda o: o.order)
    index: dict[tuple[str, ...], int] = {}
    texts: list[str] = []
    speakers: list[set[str]] = []
    for occ in occurrences:
        if occ.words not in index:
            index[occ.words] = len(index)
            texts.append(occ.mention.text)
            speakers.append(set())
        if (key := _speaker_key(occ.mention.speaker)) is not None:
            speakers[index[occ.words]].add(key)
    wordings = list(index)

    def score(i: int, j: int) -> float:
        return similarity(texts[i], texts[j]) if similarity is not None else _similarity(wordings[i], wordings[j])

    components = _Components(len(wordings))
    # Each component's longest wording stands for it: two components join only if their
    # representatives agree too, so a short phrase shared by two different statements
    # ("make America great again") cannot chain them into one quotation.
    representative = list(range(len(wordings)))
    for i, j in sorted(candidate_pairs(wordings, speakers if similarity is not None else None)):
        a, b = components.find(i), components.find(j)
        if a == b:
            continue
        differ = bool(speakers[i] and speakers[j] and not speakers[i] & speakers[j])
        if score(i, j) < (strict if differ else link):
            continue
        rep_a, rep_b = representative[a], representative[b]
        if (rep_a, rep_b) != (i, j) and score(rep_a, rep_b) < link:
            continue
        components.union(a, b)
        longest = max(rep_a, rep_b, key=lambda k: (len(wordings[k]), -k))
        representative[components.find(a)] = longest

    groups: defaultdict[int, list[_Occurrence]] = defaultdict(list)
    for occ in occurrences:
        groups[components.find(index[occ.words])].append(occ)
    # Components are numbered by their earliest wording, so this order is the
    # order of first occurrence.
    return [_quote(groups[root]) for root in sorted(groups)]
