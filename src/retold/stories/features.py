"""What a document contributes to story grouping: hashed features per channel, and
the weighted TF-IDF vectors built from them.

Channels: body words, headline words, lead words (the first words of the body),
named entities (offline heuristics: runs of capitalised words, acronyms) and
numbers (counts, scores, years, dates written with digits). Words go through
``retold.text`` normalisation, minus English function words, with plurals folded.

Every feature is hashed (xxh3, one seed per channel) into ``2**hash_bits`` buckets
of its channel, so the index holds document frequencies in one fixed-size array and
never a vocabulary. With 100,000 distinct words in a channel, about 5% share a bucket
with another word at the default 2**20; that only blurs their weights.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import xxhash

from retold.model import StoryInput
from retold.text import Tokens, tokens, words

from .config import StoryConfig

BODY, TITLE, LEAD, ENTITIES, NUMBERS = range(5)
CHANNELS = ("body", "title", "lead", "entities", "numbers")
TEXT_CHANNELS = len(CHANNELS)

# English function words and reporting verbs: they say nothing about which story a
# text tells. Kept short on purpose; IDF down-weights the rest of the common words.
STOPWORDS = frozenset(
    """
    a about above after again against all almost also am among an and another any are around as at be became because
    been before being below between both but by can cannot could did do does doing done down during each either else
    ever every few for from further had has have having he her here hers herself him himself his how however i if in
    into is it its itself just last least less like many may me might more most much must my myself near neither no
    nor not now of off often on once one only or other others our ours ourselves out over own per perhaps rather same
    says said say saying she should since so some still such than that the their theirs them themselves then there
    therefore these they this those though through thus to told too toward towards under until up upon us very via
    was we were what whatever when where whether which while who whom whose why will with within without would yet you
    your yours yourself yourselves mr mrs ms tell tells asked added reported reports according
    """.split()
)
# Lower-case words that may sit inside a name ("Bank of England", "Abu Mahdi al Muhandis").
NAME_CONNECTORS = frozenset("of de du da del della la le van von der den bin ibn al el".split())
_NUMBER = re.compile(r"\d+(?:[.,:/\-]\d+)*")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_SENTENCE_BREAK = frozenset('.!?:;"“”«»\n')
_SEEDS = (0x5EED0001, 0x5EED0002, 0x5EED0003, 0x5EED0004, 0x5EED0005)
# Folding "-ies"/"-s" plurals lets "militias" meet "militia"; words this short or with
# these endings are left alone ("bus", "press", "virus", "crisis").
_MIN_PLURAL_LEN = 4
_NOT_PLURAL_ENDINGS = ("ss", "us", "is")


# A pluggable document-vector function (sentence embeddings): one row per input,
# any fixed width; rows are L2-normalised by the index.
DocVectorFn = Callable[[Sequence[StoryInput]], np.ndarray]


def fold(word: str) -> str:
    """Light plural folding: ``militias`` -> ``militia``, ``countries`` -> ``country``."""
    if len(word) > _MIN_PLURAL_LEN and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) >= _MIN_PLURAL_LEN and word.endswith("s") and not word.endswith(_NOT_PLURAL_ENDINGS):
        return word[:-1]
    return word


def content_words(text: str | list[str]) -> list[str]:
    """Normalised words (of a text, or already normalised) minus function words, single
    characters and bare numbers, plurals folded."""
    found = words(text) if isinstance(text, str) else text
    return [fold(w) for w in found if len(w) > 1 and w not in STOPWORDS and not w.isdigit()]


def entities(text: str, found_tokens: Tokens | None = None) -> Counter[str]:
    """Names by shape: runs of capitalised words (with connectors such as "of" or "al"
    inside) and acronyms. Each name gives its words and, when it has several, the
    whole name, so "McNulty" later in a text meets "Jessica McNulty".

    A capitalised word that opens a sentence and also appears in lower case in the
    text is an ordinary word, not a name ("Following", "Despite"). Headlines are not
    read here: title case would make every word a name.
    """
    if found_tokens is None:
        found_tokens = tokens(text)
    starts = found_tokens.starts.tolist()
    ends = found_tokens.ends.tolist()
    normal = found_tokens.words
    lower_seen = {w for w, s in zip(normal, starts, strict=True) if text[s].islower()}
    found: Counter[str] = Counter()
    run: list[tuple[str, bool, bool]] = []  # (normalised word, opens a sentence, acronym)
    pending: list[tuple[str, bool, bool]] = []  # connectors waiting for a capitalised word
    previous_end = 0
    for word, start, end in zip(normal, starts, ends, strict=True):
        gap = text[previous_end:start]
        previous_end = end
        raw = text[start:end]
        letter = len(raw) == 1 and raw.isupper()
        if letter and gap == "." and run and run[-1][2]:  # "U.S.": letters joined by dots
            last = run.pop()
            run.append((last[0] + word, last[1], True))
            continue
        opens = start == 0 or not _SENTENCE_BREAK.isdisjoint(gap)
        if run and (gap.strip(" \t-") or "\n" in gap):  # punctuation or a line break ends a name
            _add_name(run, lower_seen, found)
            run, pending = [], []
        if raw[0].isupper():
            run.extend(pending)
            pending = []
            run.append((word, opens, raw.isupper() and (len(raw) >= 2 or letter)))
        elif run and word in NAME_CONNECTORS:
            pending.append((word, False, False))
        elif run:
            _add_name(run, lower_seen, found)
            run, pending = [], []
    _add_name(run, lower_seen, found)
    return found


def _add_name(run: list[tuple[str, bool, bool]], lower_seen: set[str], found: Counter[str]) -> None:
    names: list[str] = []
    for index, (word, opens, acronym) in enumerate(run):
        if acronym:
            if len(word) >= 2:  # "US", "ISIS"; a lone capital letter is an initial
                names.append(word)
            continue
        if index == 0 and opens and (word in lower_seen or word in STOPWORDS):
            continue
        if len(word) > 1 and word not in STOPWORDS and word not in NAME_CONNECTORS and not word.isdigit():
            names.append(word)
    for name in names:
        found[name] += 1
    if len(names) > 1:
        found[" ".join(names)] += 1


def numbers(text: str) -> Counter[str]:
    """Numbers written with digits: "2,500" -> "2500", "12/31/2021", "52-3", "6.1".
    Single digits are left out: list items and days of the month say little."""
    found: Counter[str] = Counter()
    for match in _NUMBER.finditer(text):
        value = _THOUSANDS.sub("", match.group(0))
        if len(value) > 1:
            found[value] += 1
    return found


@dataclass(frozen=True, slots=True)
class Terms:
    """Hashed features of one document: per channel, sorted bucket ids and counts."""

    buckets: tuple[np.ndarray, ...]  # int64, global feature ids (channel offset added)
    counts: tuple[np.ndarray, ...]  # float64


def _hashed(counter: Counter[str], channel: int, bits: int) -> tuple[np.ndarray, np.ndarray]:
    if not counter:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    mask = (1 << bits) - 1
    offset = channel << bits
    seed = _SEEDS[channel]
    ids = np.fromiter(
        (offset + (xxhash.xxh3_64_intdigest(t.encode("utf-8"), seed) & mask) for t in counter), np.int64, len(counter)
    )
    values = np.fromiter(counter.values(), np.float64, len(counter))
    # Two terms in one bucket add up; the result is sorted by bucket.
    unique, inverse = np.unique(ids, return_inverse=True)
    return unique, np.bincount(inverse, weights=values)


def extract(item: StoryInput, config: StoryConfig) -> Terms:
    body_tokens = tokens(item.text)
    body = content_words(body_tokens.words)
    channels: list[Counter[str]] = [Counter(), Counter(), Counter(), Counter(), Counter()]
    channels[BODY] = Counter(body)
    if item.title:
        channels[TITLE] = Counter(content_words(item.title))
    channels[LEAD] = Counter(body[: config.lead_words])
    channels[ENTITIES] = entities(item.text, body_tokens)
    channels[NUMBERS] = numbers(item.text)
    pairs = [_hashed(c, channel, config.hash_bits) for channel, c in enumerate(channels)]
    return Terms(tuple(p[0] for p in pairs), tuple(p[1] for p in pairs))


def channel_weights(config: StoryConfig) -> tuple[float, ...]:
    return (config.body_weight, config.title_weight, config.lead_weight, config.entity_weight, config.number_weight)


def idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    """Smoothed inverse document frequency, ``ln((1 + N) / (1 + df)) + 1`` (as scikit-learn's)."""
    return np.log((1.0 + n_docs) / (1.0 + df)) + 1.0


def vectors(
    terms: Sequence[Terms],
    df: np.ndarray,
    n_docs: int,
    config: StoryConfig,
    embeddings: np.ndarray | None = None,
) -> tuple[sp.csr_matrix, np.ndarray | None]:
    """Unit document vectors: per channel sublinear TF times IDF, L2-normalised, scaled
    by the square root of the channel's share of the weights the document has, so the
    dot product of two documents is the weighted mean of their channel cosines.

    Returns the sparse part (documents x features) and the dense embedding part
    (already scaled, or ``None`` without a plugged-in embedding).
    """
    weights = channel_weights(config)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    dense = None
    if embeddings is not None:
        norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
        dense = np.divide(embeddings, norms, out=np.zeros_like(embeddings, dtype=np.float64), where=norms > 0)
    for row, doc in enumerate(terms):
        present = [c for c in range(TEXT_CHANNELS) if len(doc.buckets[c]) and weights[c] > 0]
        total = sum(weights[c] for c in present)
        has_embedding = dense is not None and bool(np.any(dense[row]))
        if has_embedding:
            total += config.embedding_weight
        if total <= 0:
            continue
        for c in present:
            ids = doc.buckets[c]
            w = (1.0 + np.log(doc.counts[c])) * idf(df[ids], n_docs)
            w *= math.sqrt(weights[c] / total) / np.linalg.norm(w)
            rows.append(np.full(len(ids), row, dtype=np.int64))
            cols.append(ids)
            vals.append(w)
        if dense is not None:
            dense[row] *= math.sqrt(config.embedding_weight / total) if has_embedding else 0.0
    width = TEXT_CHANNELS << config.hash_bits
    if rows:
        matrix = sp.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(len(terms), width)
        )
    else:
        matrix = sp.csr_matrix((len(terms), width), dtype=np.float64)
    matrix.sort_indices()
    return matrix, dense


def title_vector(title: str, df: np.ndarray, n_docs: int, config: StoryConfig) -> tuple[np.ndarray, np.ndarray]:
    """A headline's TF-IDF vector in the title channel (unit length), to pick a story's headline."""
    ids, counts = _hashed(Counter(content_words(title)), TITLE, config.hash_bits)
    if not len(ids):
        return ids, counts
    w = (1.0 + np.log(counts)) * idf(df[ids], n_docs)
    return ids, w / np.linalg.norm(w)
