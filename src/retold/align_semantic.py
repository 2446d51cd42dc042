"""Sentence-level alignment for reworded text, and the combined aligner.

The method follows the PAN 2014 text-alignment winner (Sanchez-Perez, Sidorov &
Gelbukh, "A Winning Approach to Text Alignment for Text Reuse Detection at PAN
2014"), with a pluggable second similarity:

1. **Units.** Sentences of the body (:func:`retold.sentences.sentences`); a sentence
   with fewer than ``min_unit_terms`` content words (a subhead, "He added.") is
   joined to the next sentence of its body span, so every unit carries enough words
   to be compared.
2. **Vectors.** Content words are the normalised words of :mod:`retold.text` less
   stop words, reduced by a light suffix stemmer; each unit is a tf-isf vector (term
   frequency times the log inverse share of the pair's units holding the term) and a
   set of terms.
3. **Seeds.** Unit pairs whose tf-isf cosine and Dice coefficient of term sets both
   reach their thresholds: cosine alone lets one rare shared name carry a pair, Dice
   alone lets common words do it. When ``sentence_vectors`` is given (a sentence
   embedder, rows L2-normalised), a pair whose embedding cosine reaches
   ``min_embedding`` is a seed as well: that finds sentences reworded with few words
   in common.
4. **Extension.** Seeds within ``max_gap`` units of each other in *both* documents
   are linked; each connected group is a candidate passage from its first to its
   last unit on each side. Linking is not required to be monotone: reworded text
   often reorders sentences. A candidate whose two sides are not similar as wholes
   (cosine of the summed tf-isf vectors under ``min_validation``) is clustered again
   with a smaller gap, down to ``min_gap``: a loose chain of chance seeds falls apart.
5. **Summaries.** Text condensed from a longer one keeps its order but skips much of
   the original, so the longer side's seeds lie far apart. A second pass links seeds
   with ``summary_max_gap`` on the longer side and ``summary_gap`` on the shorter
   one; its candidates are kept only where the longer side is at least
   ``summary_ratio`` times the shorter one, at least two sentences match on each
   side (one sentence matching many is a repeated line, not a summary) and they
   validate.
6. **Resolution.** Candidates are accepted greedily, heaviest first (sum of seed
   similarities); one overlapping an accepted passage on either side loses the
   overlapping units and is clustered again from its remaining seeds. So passages
   overlap in neither document. Passages shorter than ``min_words`` on either side
   are dropped, and so is a *weak* passage (one sentence on a side, mean similarity
   under ``min_single_similarity``) unless another passage lies within ``max_gap``
   units of it on both sides: independent reports of one story share single facts
   in similar words; next to reused text the same pair is part of the reuse.
7. **Whole-text paraphrase.** A text reworded sentence by sentence in another tone
   keeps few words of each sentence, often no more than independent reports of the
   story share, so the seeds above miss most of it. What gives it away is the whole:
   each sentence restates its counterpart in turn, and the names and numbers, which
   rewording cannot change, all come back. The *sentence order* of a pair
   (:func:`sentence_order`) is the chain, in order on both sides, of unit pairs that
   are each other's best tf-isf match that covers the most of the two texts. When it
   links at least ``paraphrase_min_links`` units and covers ``paraphrase_cover`` of
   *each* text's sentences, and ``paraphrase_names`` of each text's names and numbers
   recur in the other, its links that no passage holds become reworded passages too.

:func:`align` runs the lexical aligner (:func:`retold.align.align_lexical`) first and
gives the semantic aligner only what the lexical passages leave: lexical passages are
exact about where copying starts and ends, sentence alignment is not.

Only text inside the body spans is read; a passage may run across boilerplate lying
between two body spans whose sentences are aligned, as lexical passages may.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import heapq
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from retold.align import AlignConfig, _body_words, align_lexical
from retold.model import Passage, PassageKind, Span
from retold.sentences import sentences
from retold.text import ENGLISH_STOPWORDS

SentenceVectors = Callable[[list[str]], np.ndarray]


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


@dataclass(frozen=True, slots=True)
class SemanticAlignConfig:
    """Parameters of :func:`align_sentences` and :func:`align`.

    Seeds: ``min_cosine`` (tf-isf cosine) and ``min_dice`` (Dice of term sets) are the
    PAN 2014 winner's 0.33; ``min_embedding`` is the embedding cosine that alone makes a
    seed (about half of a spun article's sentences reach 0.8 against their source, under
    a tenth of an independent report's). ``min_unit_terms``: content words a unit needs;
    shorter sentences join the next one.

    Extension: ``max_gap`` units may separate linked seeds in each document; a
    candidate failing ``min_validation`` is re-clustered with one less, down to
    ``min_gap``. Summaries: ``summary_max_gap`` on the longer side and ``summary_gap``
    on the shorter, kept when the longer side is ``summary_ratio`` times the shorter.

    Output: ``min_words`` is the fewest words a passage has on each side (about one
    sentence). ``min_single_similarity``: a passage resting on one sentence on either
    side, with a mean seed similarity under this, is kept only next to another passage
    (within ``max_gap`` units on both sides): two reports of one story share single
    facts, in similar words, all the time; next to copied text the same pair is the
    reworded part of a reuse.
    ``edited_min_overlap`` is the word overlap (``2 * common / (words_a + words_b)``,
    common words in order) from which a passage counts as ``edited`` rather than
    ``reworded`` (the lexical aligner's edited passages on the samples score 0.86-0.98,
    a spun sentence against its source about 0.5). ``claim_fraction``: in
    :func:`align`, a unit with at least this share of its characters inside lexical
    passages is left to them.

    Terms: ``stopwords`` are dropped; ``stem_length`` caps stems, merging derivations.
    ``lexical`` configures the lexical aligner that :func:`align` runs first.

    Whole-text paraphrase (step 7): the sentence order (the in-order chain of mutual best
    tf-isf matches) must link ``paraphrase_min_links`` units and cover
    ``paraphrase_cover`` of the sentence characters of *each* text, and
    ``paraphrase_names`` of each text's names and numbers (as terms: words holding a
    digit, capitalised words that do not open their sentence) must recur in the other,
    before the order's links become passages. One link is weak evidence: a sentence of
    001 re-toned by a language model (``tests/data/retoned_001.txt``) scores a tf-isf
    cosine as low as 0.11 against its source, and 000's lead 0.15 against the lead of
    002, a different article on the story. Two signals tell them apart:
    - *extent in both texts*: a paraphrase restates every sentence of its source in
      turn (the order covers 94% of the first 14 paragraphs of 001 and 98% of their
      re-toned text), where articles that share passages, even in the same order, each
      have sentences of their own (000 and 002: 68% and 77%; 001 and 002: 36% and 68%;
      independent reports among the samples under 40%); a rewrite that condenses its
      source is the seeds' to find (000 and 001: 90% and 61%);
    - *the same names and numbers*: short wire reports of one event at different stages
      can follow each other sentence for sentence (a constructed pair in the tests,
      and one of the 2,925 same-event pairs of the ECB+ dev half: order 93-100% of
      both) but each has its own dates, ages, places and people (names recurring: 43%
      and 48-54%), where the re-toned text keeps 81% and 100% (titles and a date
      written out are what it drops) and the copies among those ECB+ pairs 74-100%.
    The floor on links keeps two reports of two or three sentences, which line up by
    chance, out. A text without names or numbers (all lower case, no digits) is never
    taken for a whole-text paraphrase.
    """

    min_cosine: float = 0.33
    min_dice: float = 0.33
    min_embedding: float = 0.8
    min_unit_terms: int = 3
    max_gap: int = 4
    min_gap: int = 0
    min_validation: float = 0.34
    summary_max_gap: int = 24
    summary_gap: int = 2
    summary_ratio: float = 3.0
    min_words: int = 12
    min_single_similarity: float = 0.55
    edited_min_overlap: float = 0.8
    claim_fraction: float = 0.5
    stem_length: int = 7
    paraphrase_cover: float = 0.8
    paraphrase_names: float = 0.7
    paraphrase_min_links: int = 5
    stopwords: frozenset[str] = ENGLISH_STOPWORDS
    lexical: AlignConfig = field(default_factory=AlignConfig)

    def __post_init__(self) -> None:
        for name in (
            "min_cosine",
            "min_dice",
            "min_embedding",
            "min_validation",
            "edited_min_overlap",
            "min_single_similarity",
            "paraphrase_cover",
            "paraphrase_names",
        ):
            value = getattr(self, name)
            _require(0.0 <= value <= 1.0, f"{name} must be in [0, 1], got {value}")
        _require(0.0 < self.claim_fraction <= 1.0, f"claim_fraction must be in (0, 1], got {self.claim_fraction}")
        _require(self.min_unit_terms >= 1, f"min_unit_terms must be >= 1, got {self.min_unit_terms}")
        _require(0 <= self.min_gap <= self.max_gap, f"need 0 <= min_gap <= max_gap, got {self.min_gap}, {self.max_gap}")
        _require(self.summary_gap >= 0, f"summary_gap must be >= 0, got {self.summary_gap}")
        _require(
            self.summary_max_gap >= self.max_gap,
            f"summary_max_gap must be >= max_gap ({self.max_gap}), got {self.summary_max_gap}",
        )
        _require(self.summary_ratio >= 1.0, f"summary_ratio must be >= 1, got {self.summary_ratio}")
        _require(self.min_words >= 1, f"min_words must be >= 1, got {self.min_words}")
        _require(self.stem_length >= 3, f"stem_length must be >= 3, got {self.stem_length}")
        _require(self.paraphrase_min_links >= 1, f"paraphrase_min_links must be >= 1, got {self.paraphrase_min_links}")


DEFAULT_SEMANTIC_CONFIG = SemanticAlignConfig()


@functools.lru_cache(maxsize=1 << 17)
def stem(word: str) -> str:
    """A light English suffix stemmer: inflections off, then a length cap.

    Porter-like enough for sentence similarity ("forces", "forced", "forcing" and
    "force" meet at "forc"; "militias" at "militia"), and harmless on other languages:
    only Latin-script words longer than four letters are touched, and the cap merely
    merges derivations ("governments", "governor").
    """
    if len(word) <= 4 or not word.isascii():
        return word
    if word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") or word.endswith("ly"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if word.endswith("y") and len(word) > 3:
        word = word[:-1] + "i"
    return word


@dataclass(frozen=True, slots=True)
class _Side:
    """One document's units and words.

    Words are the body words of :func:`retold.align._body_words` in text order;
    ``word_unit`` and ``word_term`` say which unit holds each and which content term
    it is (-1: outside every sentence, or a stop word).
    """

    starts: np.ndarray  # raw start of each unit (its first sentence's start)
    ends: np.ndarray  # raw end of each unit (its last sentence's end)
    word_ids: np.ndarray  # int64 pair-vocabulary id of each body word, for overlap and kinds
    word_starts: np.ndarray  # raw start of each body word
    word_ends: np.ndarray
    word_unit: np.ndarray  # unit of each word, -1 outside every sentence
    word_term: np.ndarray  # pair term id of each word, -1 for a stop word
    word_opens: np.ndarray  # whether each word is the first of its sentence

    def __len__(self) -> int:
        return len(self.starts)

    def text(self, raw: str, unit: int) -> str:
        return raw[int(self.starts[unit]) : int(self.ends[unit])]


def _term_ids(vocab: list[str], config: SemanticAlignConfig) -> np.ndarray:
    """Term id of each distinct word of the pair (-1 for stop words), stemming each word once."""
    terms: dict[str, int] = {}
    ids = np.full(len(vocab), -1, dtype=np.int64)
    stopwords, cap = config.stopwords, config.stem_length
    for k, word in enumerate(vocab):
        # One-letter Latin words are initials or list marks; other scripts' single
        # characters (Chinese) are words.
        if word in stopwords or (len(word) == 1 and word.isascii()):
            continue
        ids[k] = terms.setdefault(stem(word)[:cap], len(terms))
    return ids


def _side(
    raw: str,
    body: Sequence[Span],
    words: tuple[list[str], np.ndarray, np.ndarray],
    word_ids: np.ndarray,
    term_of_word: np.ndarray,
    config: SemanticAlignConfig,
) -> _Side:
    _, word_starts, word_ends = words
    word_term = term_of_word[word_ids] if len(word_ids) else word_ids
    spans = sentences(raw, body)
    if not spans:
        empty = np.zeros(0, dtype=np.int64)
        none = np.zeros(len(word_ids), dtype=bool)
        return _Side(empty, empty, word_ids, word_starts, word_ends, np.full(len(word_ids), -1), word_term, none)
    sent_starts = np.fromiter((s.start for s in spans), np.int64, len(spans))
    sent_ends = np.fromiter((s.end for s in spans), np.int64, len(spans))
    # Sentences are cut between words, so bisection finds each word's sentence.
    where = np.searchsorted(sent_starts, word_starts, side="right") - 1
    inside = (where >= 0) & (word_ends <= sent_ends[np.maximum(where, 0)])
    word_sentence = np.where(inside, where, -1)
    content = (word_sentence >= 0) & (word_term >= 0)
    sizes = np.bincount(word_sentence[content], minlength=len(spans)).tolist()
    # Short sentences join the next one of their body span; a body span boundary is never crossed.
    span_of = np.searchsorted(np.fromiter((s.start for s in sorted(body)), np.int64), sent_starts, side="right")
    span_of = span_of.tolist()
    unit_of = [0] * len(spans)
    units = 0
    pending_terms = 0
    pending_from = 0
    for k in range(len(spans)):
        pending_terms += sizes[k]
        last_of_span = k + 1 == len(spans) or span_of[k + 1] != span_of[k]
        if pending_terms >= config.min_unit_terms or last_of_span:
            joins_previous = (
                pending_terms < config.min_unit_terms and units > 0 and span_of[pending_from - 1] == span_of[k]
            )
            unit = units - 1 if joins_previous else units
            for m in range(pending_from, k + 1):
                unit_of[m] = unit
            units = unit + 1
            pending_terms, pending_from = 0, k + 1
    unit_of_sentence = np.asarray(unit_of, dtype=np.int64)
    starts = np.full(units, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(starts, unit_of_sentence, sent_starts)
    ends = np.zeros(units, dtype=np.int64)
    np.maximum.at(ends, unit_of_sentence, sent_ends)
    word_unit = np.where(word_sentence >= 0, unit_of_sentence[np.maximum(word_sentence, 0)], -1)
    opens = word_sentence >= 0
    opens[1:] &= word_sentence[1:] != word_sentence[:-1]
    return _Side(starts, ends, word_ids, word_starts, word_ends, word_unit, word_term, opens)


def _sides(
    raw_a: str, body_a: Sequence[Span], raw_b: str, body_b: Sequence[Span], config: SemanticAlignConfig
) -> tuple[_Side, _Side]:
    words_a = _body_words(raw_a, body_a)
    words_b = _body_words(raw_b, body_b)
    vocab = {word: k for k, word in enumerate(dict.fromkeys(words_a[0] + words_b[0]))}
    ids_a = np.fromiter(map(vocab.__getitem__, words_a[0]), np.int64, len(words_a[0]))
    ids_b = np.fromiter(map(vocab.__getitem__, words_b[0]), np.int64, len(words_b[0]))
    term_of_word = _term_ids(list(vocab), config)
    return (
        _side(raw_a, body_a, words_a, ids_a, term_of_word, config),
        _side(raw_b, body_b, words_b, ids_b, term_of_word, config),
    )


@dataclass(frozen=True, slots=True)
class _Similarity:
    """Unit-by-unit similarities of a pair, and what validation needs to weigh ranges of units."""

    cosine: np.ndarray  # (units_a, units_b) tf-isf cosine
    dice: np.ndarray  # Dice coefficient of term sets
    embedding: np.ndarray | None  # embedding cosine, when an embedder was given
    isf: np.ndarray  # weight of each term
    terms_a: np.ndarray  # term of each content word of a, in text order
    units_a: np.ndarray  # unit of each of them (non-decreasing)
    terms_b: np.ndarray
    units_b: np.ndarray

    def range_cosine(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """Cosine of the summed tf-isf vectors of units ``[i0, i1]`` of a and ``[j0, j1]`` of b."""
        size = len(self.isf)
        lo, hi = np.searchsorted(self.units_a, (i0, i1 + 1))
        va = np.bincount(self.terms_a[lo:hi], minlength=size) * self.isf
        lo, hi = np.searchsorted(self.units_b, (j0, j1 + 1))
        vb = np.bincount(self.terms_b[lo:hi], minlength=size) * self.isf
        denominator = float(np.linalg.norm(va) * np.linalg.norm(vb))
        return float(va @ vb) / denominator if denominator > 0 else 0.0


def _content(side: _Side) -> tuple[np.ndarray, np.ndarray]:
    keep = (side.word_unit >= 0) & (side.word_term >= 0)
    return side.word_term[keep], side.word_unit[keep]


def _similarity(raw_a: str, a: _Side, raw_b: str, b: _Side) -> _Similarity:
    terms_a, units_a = _content(a)
    terms_b, units_b = _content(b)
    na, nb = len(a), len(b)
    size = int(max(terms_a.max(initial=-1), terms_b.max(initial=-1))) + 1
    # (unit, term) pairs with their counts, units of b numbered after those of a.
    keys = np.concatenate((units_a * size + terms_a, (units_b + na) * size + terms_b))
    pairs, counts = np.unique(keys, return_counts=True)
    unit, term = pairs // max(size, 1), pairs % max(size, 1)
    # Inverse sentence frequency over the units of both documents: with two documents,
    # document frequency could not tell a word from another.
    unit_freq = np.bincount(term, minlength=size)
    isf = np.log((na + nb) / np.maximum(unit_freq, 1))
    weight = counts * isf[term]
    norms = np.sqrt(np.bincount(unit, weights=weight * weight, minlength=na + nb))
    set_sizes = np.bincount(unit, minlength=na + nb).astype(np.float64)
    # Only terms present on both sides contribute to a dot product. Sparse products:
    # each unit holds a dozen terms, and BLAS threads stall on a busy machine.
    in_a = np.zeros(size, dtype=bool)
    in_a[term[unit < na]] = True
    in_b = np.zeros(size, dtype=bool)
    in_b[term[unit >= na]] = True
    shared = in_a & in_b
    hit = shared[term]
    from_a = hit & (unit < na)
    from_b = hit & (unit >= na)
    weights_a = sparse.csr_matrix((weight[from_a], (unit[from_a], term[from_a])), shape=(na, size))
    weights_b = sparse.csr_matrix((weight[from_b], (unit[from_b] - na, term[from_b])), shape=(nb, size))
    dot = (weights_a @ weights_b.T).toarray()
    norm_product = norms[:na, None] * norms[None, na:]
    cosine = np.divide(dot, norm_product, out=np.zeros_like(dot), where=norm_product > 0)
    weights_a.data[:] = 1.0
    weights_b.data[:] = 1.0
    common = (weights_a @ weights_b.T).toarray()
    size_sum = set_sizes[:na, None] + set_sizes[None, na:]
    dice = np.divide(2.0 * common, size_sum, out=np.zeros_like(common), where=size_sum > 0)
    for array in (cosine, dice, isf, terms_a, units_a, terms_b, units_b):
        array.setflags(write=False)  # cached by _pair
    return _Similarity(cosine, dice, None, isf, terms_a, units_a, terms_b, units_b)


def _with_embedding(
    sim: _Similarity, raw_a: str, a: _Side, raw_b: str, b: _Side, sentence_vectors: SentenceVectors
) -> _Similarity:
    """``sim`` with the embedding cosine of every unit pair."""
    va = np.asarray(sentence_vectors([a.text(raw_a, u) for u in range(len(a))]), dtype=np.float32)
    vb = np.asarray(sentence_vectors([b.text(raw_b, u) for u in range(len(b))]), dtype=np.float32)
    _require(
        va.ndim == 2 and vb.ndim == 2 and va.shape[0] == len(a) and vb.shape[0] == len(b),
        "sentence_vectors must return one row per sentence",
    )
    return dataclasses.replace(sim, embedding=(va @ vb.T).astype(np.float64))


@functools.lru_cache(maxsize=2)
def _pair(
    raw_a: str, body_a: tuple[Span, ...], raw_b: str, body_b: tuple[Span, ...], config: SemanticAlignConfig
) -> tuple[_Side, _Side, _Similarity | None]:
    """Units of both documents and their tf-isf similarities (None when a side has no
    unit). Cached for the last two pairs, read-only: :func:`retold.relate.relate` asks for
    the sentence order of the pair that :func:`align` has just read."""
    a, b = _sides(raw_a, body_a, raw_b, body_b, config)
    if len(a) == 0 or len(b) == 0:
        return a, b, None
    return a, b, _similarity(raw_a, a, raw_b, b)


# A seed: unit i of a, unit j of b, and the similarity that made it.
Seed = tuple[int, int, float]


def _seeds(sim: _Similarity, config: SemanticAlignConfig) -> list[Seed]:
    lexical = (sim.cosine >= config.min_cosine) & (sim.dice >= config.min_dice)
    strength = sim.cosine
    if sim.embedding is not None:
        semantic = sim.embedding >= config.min_embedding
        lexical |= semantic
        strength = np.maximum(strength, sim.embedding)
    i, j = np.nonzero(lexical)
    return list(zip(i.tolist(), j.tolist(), strength[i, j].tolist(), strict=True))


class _Claims:
    """Units already taken on each side, with prefix counts for O(1) range checks."""

    def __init__(self, claimed_a: np.ndarray, claimed_b: np.ndarray) -> None:
        self.a = claimed_a.copy()
        self.b = claimed_b.copy()
        self._refresh()

    def _refresh(self) -> None:
        self.prefix_a = np.concatenate(([0], np.cumsum(self.a))).tolist()
        self.prefix_b = np.concatenate(([0], np.cumsum(self.b))).tolist()

    def free(self, i0: int, i1: int, j0: int, j1: int) -> bool:
        """No claimed unit in ``[i0, i1]`` on a nor in ``[j0, j1]`` on b."""
        return self.prefix_a[i1 + 1] == self.prefix_a[i0] and self.prefix_b[j1 + 1] == self.prefix_b[j0]

    def take(self, i0: int, i1: int, j0: int, j1: int) -> None:
        self.a[i0 : i1 + 1] = True
        self.b[j0 : j1 + 1] = True
        self._refresh()


def _cluster(seeds: list[Seed], gap_a: int, gap_b: int, claims: _Claims) -> list[list[Seed]]:
    """Connected groups of seeds, two seeds linked when at most ``gap_a`` units separate them
    in a and ``gap_b`` in b and no claimed unit lies between them on either side."""
    if not seeds:
        return []
    ordered = sorted(seeds)
    parent = list(range(len(ordered)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    window = 0
    for k, (i, j, _) in enumerate(ordered):
        while ordered[window][0] < i - gap_a - 1:
            window += 1
        for m in range(window, k):
            i2, j2, _ = ordered[m]
            if abs(j - j2) > gap_b + 1:
                continue
            lo_j, hi_j = min(j, j2), max(j, j2)
            if claims.free(i2, i, lo_j, hi_j):
                root_k, root_m = find(k), find(m)
                if root_k != root_m:
                    parent[max(root_k, root_m)] = min(root_k, root_m)
    groups: dict[int, list[Seed]] = {}
    for k, seed in enumerate(ordered):
        groups.setdefault(find(k), []).append(seed)
    return list(groups.values())


@dataclass(frozen=True, slots=True)
class _Candidate:
    seeds: list[Seed]
    i0: int
    i1: int
    j0: int
    j1: int

    @property
    def weight(self) -> float:
        return sum(s[2] for s in self.seeds)


def _candidate(seeds: list[Seed]) -> _Candidate:
    return _Candidate(
        seeds, min(s[0] for s in seeds), max(s[0] for s in seeds), min(s[1] for s in seeds), max(s[1] for s in seeds)
    )


def _valid(c: _Candidate, sim: _Similarity, config: SemanticAlignConfig) -> bool:
    """Whether the two sides are similar as wholes: cosine of their summed tf-isf vectors,
    or (seeds found by the embedder) the mean embedding similarity of the seeds."""
    if sim.embedding is not None:
        mean = float(np.mean([sim.embedding[i, j] for i, j, _ in c.seeds]))
        if mean >= config.min_embedding:
            return True
    return sim.range_cosine(c.i0, c.i1, c.j0, c.j1) >= config.min_validation


def _extend(
    seeds: list[Seed], gap_a: int, gap_b: int, sim: _Similarity, claims: _Claims, config: SemanticAlignConfig
) -> list[_Candidate]:
    """Validated candidates from seeds: cluster, and re-cluster what fails with smaller gaps."""
    out: list[_Candidate] = []
    stack = [(seeds, gap_a, gap_b)]
    while stack:
        group, ga, gb = stack.pop()
        for members in _cluster(group, ga, gb, claims):
            candidate = _candidate(members)
            if _valid(candidate, sim, config):
                out.append(candidate)
            elif len(members) > 1 and max(ga, gb) > config.min_gap:
                stack.append((members, max(ga - 1, config.min_gap), max(gb - 1, config.min_gap)))
    return out


def _chars(side: _Side, u0: int, u1: int) -> int:
    return int(side.ends[u1] - side.starts[u0])


def _summaries(
    seeds: list[Seed], a: _Side, b: _Side, sim: _Similarity, claims: _Claims, config: SemanticAlignConfig
) -> list[_Candidate]:
    """Candidates in which one side condenses the other, tried both ways."""
    out: list[_Candidate] = []
    for gap_a, gap_b in ((config.summary_gap, config.summary_max_gap), (config.summary_max_gap, config.summary_gap)):
        for c in _extend(seeds, gap_a, gap_b, sim, claims, config):
            short, long = _chars(a, c.i0, c.i1), _chars(b, c.j0, c.j1)
            if gap_a > gap_b:
                short, long = long, short
            # A summary condenses several sentences: one sentence matching many is a repeat.
            if (
                long >= config.summary_ratio * short
                and min(len({s[0] for s in c.seeds}), len({s[1] for s in c.seeds})) > 1
            ):
                out.append(c)
    return out


def _resolve(
    candidates: list[_Candidate],
    sim: _Similarity,
    claims: _Claims,
    config: SemanticAlignConfig,
    keep: Callable[[_Candidate], bool],
) -> list[_Candidate]:
    """Greedy non-overlapping selection, heaviest first; losers keep their unclaimed seeds and retry."""
    heap: list[tuple[float, int, int, int, _Candidate]] = []
    serial = 0

    def push(c: _Candidate) -> None:
        nonlocal serial
        if keep(c):
            heapq.heappush(heap, (-c.weight, c.i0, c.j0, serial, c))
            serial += 1

    for c in candidates:
        push(c)
    accepted: list[_Candidate] = []
    while heap:
        *_, c = heapq.heappop(heap)
        if claims.free(c.i0, c.i1, c.j0, c.j1):
            claims.take(c.i0, c.i1, c.j0, c.j1)
            accepted.append(c)
            continue
        rest = [s for s in c.seeds if not claims.a[s[0]] and not claims.b[s[1]]]
        if rest:
            for piece in _extend(rest, config.max_gap, config.max_gap, sim, claims, config):
                push(piece)
    return accepted


def _words_in(side: _Side, start: int, end: int) -> tuple[int, int]:
    """Index range ``[w0, w1)`` of the body words inside raw ``[start, end)``."""
    w0 = int(np.searchsorted(side.word_starts, start, side="left"))
    w1 = int(np.searchsorted(side.word_ends, end, side="right"))
    return w0, max(w0, w1)


def _kind(a_ids: list[int], b_ids: list[int], config: SemanticAlignConfig) -> PassageKind:
    """``verbatim`` when the normalised words are equal (the rule of :mod:`retold.align`),
    ``edited`` when the word overlap ``2 * common / (words_a + words_b)`` (common words in
    order, as difflib matches them) reaches ``edited_min_overlap``, ``reworded`` otherwise."""
    if a_ids == b_ids:
        return "verbatim"
    matcher = difflib.SequenceMatcher(None, a_ids, b_ids, autojunk=False)
    common = sum(block.size for block in matcher.get_matching_blocks())
    overlap = 2 * common / max(len(a_ids) + len(b_ids), 1)
    return "edited" if overlap >= config.edited_min_overlap else "reworded"


def _passage(a: _Side, b: _Side, span_a: Span, span_b: Span, score: float, config: SemanticAlignConfig) -> Passage:
    a0, a1 = _words_in(a, span_a.start, span_a.end)
    b0, b1 = _words_in(b, span_b.start, span_b.end)
    kind = _kind(a.word_ids[a0:a1].tolist(), b.word_ids[b0:b1].tolist(), config)
    return Passage(span_a, span_b, kind, min(1.0, score))


def _long_enough(a: _Side, b: _Side, span_a: Span, span_b: Span, min_words: int) -> bool:
    a0, a1 = _words_in(a, span_a.start, span_a.end)
    b0, b1 = _words_in(b, span_b.start, span_b.end)
    return a1 - a0 >= min_words and b1 - b0 >= min_words


def _run(
    raw_a: str,
    body_a: Sequence[Span],
    raw_b: str,
    body_b: Sequence[Span],
    config: SemanticAlignConfig,
    sentence_vectors: SentenceVectors | None,
    claimed_a: np.ndarray | None = None,
    claimed_b: np.ndarray | None = None,
    anchors: Sequence[tuple[int, int, int, int]] = (),
) -> tuple[_Side, _Side, list[_Candidate]]:
    """The pair's units and its accepted candidates on the units not claimed (none by
    default); ``anchors`` are unit ranges of other passages (lexical ones), which let a
    weak candidate next to them stand."""
    a, b, tfisf = _pair(raw_a, tuple(body_a), raw_b, tuple(body_b), config)
    claimed_a = np.zeros(len(a), dtype=bool) if claimed_a is None else claimed_a
    claimed_b = np.zeros(len(b), dtype=bool) if claimed_b is None else claimed_b
    if tfisf is None:
        return a, b, []
    sim = tfisf if sentence_vectors is None else _with_embedding(tfisf, raw_a, a, raw_b, b, sentence_vectors)
    seeds = [s for s in _seeds(sim, config) if not claimed_a[s[0]] and not claimed_b[s[1]]]
    claims = _Claims(claimed_a, claimed_b)

    def keep(c: _Candidate) -> bool:
        span_a = Span(int(a.starts[c.i0]), int(a.ends[c.i1]))
        span_b = Span(int(b.starts[c.j0]), int(b.ends[c.j1]))
        return _long_enough(a, b, span_a, span_b, config.min_words)

    normal = _extend(seeds, config.max_gap, config.max_gap, sim, _Claims(claimed_a, claimed_b), config)
    summary = _summaries(seeds, a, b, sim, _Claims(claimed_a, claimed_b), config)
    accepted = _resolve(normal + summary, sim, claims, config, keep)
    strong = [c for c in accepted if not _weak(c, config)]
    boxes = [(c.i0, c.i1, c.j0, c.j1) for c in strong] + list(anchors)
    accepted = [c for c in accepted if not _weak(c, config) or _near(c, boxes, config.max_gap)]
    order = _order(raw_a, a, raw_b, b, tfisf, config, names=False)
    if order.paraphrase:
        taken = _Claims(claimed_a, claimed_b)
        for c in accepted:
            taken.take(c.i0, c.i1, c.j0, c.j1)
        accepted += _order_candidates(order.links, taken, config, keep)
    return a, b, accepted


def _order_links(sim: _Similarity, a: _Side, b: _Side) -> list[Seed]:
    """The sentence order: of the unit pairs that are each other's best tf-isf match (ties
    to the earlier unit) and share a term, the chain increasing on both sides that holds
    the most characters of the two texts (each text's share, summed)."""
    cosine = sim.cosine
    if cosine.size == 0:
        return []
    best_b = cosine.argmax(axis=1)
    best_a = cosine.argmax(axis=0)
    i = np.flatnonzero(best_a[best_b] == np.arange(len(best_b)))
    j = best_b[i]
    keep = cosine[i, j] > 0
    i, j = i[keep], j[keep]
    length_a, length_b = a.ends - a.starts, b.ends - b.starts
    weight = length_a[i] / max(int(length_a.sum()), 1) + length_b[j] / max(int(length_b.sum()), 1)
    chain = _heaviest_chain(j.tolist(), weight.tolist(), len(b))
    return [(int(i[k]), int(j[k]), float(cosine[i[k], j[k]])) for k in chain]


def _heaviest_chain(j: Sequence[int], weight: Sequence[float], size: int) -> list[int]:
    """Indices of the strictly increasing subsequence of ``j`` (values in ``[0, size)``)
    with the largest total weight (positive weights; ties to the chain found first).

    A Fenwick tree holds the best chain ending at or below each value: O(n log size).
    """
    tree_value = [0.0] * (size + 1)
    tree_at = [-1] * (size + 1)
    total = [0.0] * len(j)
    back = [-1] * len(j)
    for k, (jk, wk) in enumerate(zip(j, weight, strict=True)):
        best, at, m = 0.0, -1, jk  # the best chain over values below jk: tree prefix [1, jk]
        while m > 0:
            if tree_value[m] > best:
                best, at = tree_value[m], tree_at[m]
            m -= m & -m
        total[k], back[k] = best + wk, at
        m = jk + 1
        while m <= size:
            if total[k] > tree_value[m]:
                tree_value[m], tree_at[m] = total[k], k
            m += m & -m
    chain: list[int] = []
    k = max(range(len(total)), key=total.__getitem__, default=-1)
    while k >= 0:
        chain.append(k)
        k = back[k]
    return chain[::-1]


def _unit_share(side: _Side, units: Sequence[int]) -> float:
    """Share of the characters of the side's units inside the given units."""
    lengths = side.ends - side.starts
    total = int(lengths.sum())
    return float(lengths[np.asarray(units, dtype=np.int64)].sum()) / total if total > 0 else 0.0


_DIGIT = re.compile(r"\d")


def _names(raw: str, side: _Side) -> set[int]:
    """Terms of the side's names and numbers: content words inside a sentence that hold a
    digit, or start with a capital letter without opening their sentence."""
    starts = side.word_starts
    if not len(starts):
        return set()
    digits = np.fromiter((m.start() for m in _DIGIT.finditer(raw)), np.int64)
    holder = np.searchsorted(starts, digits, side="right") - 1
    holder = holder[(holder >= 0) & (digits < side.word_ends[np.maximum(holder, 0)])]
    has_digit = np.zeros(len(starts), dtype=bool)
    has_digit[holder] = True
    capital = np.fromiter((raw[k].isupper() for k in starts.tolist()), bool, len(starts))
    name = (side.word_unit >= 0) & (side.word_term >= 0) & (has_digit | (capital & ~side.word_opens))
    return set(side.word_term[name].tolist())


def _share(mine: set[int], theirs: set[int]) -> float:
    return len(mine & theirs) / len(mine) if mine else 0.0


@dataclass(frozen=True, slots=True)
class _Order:
    links: list[Seed]
    covered_a: float
    covered_b: float
    names_a: float | None  # None: not measured (the links fall short already)
    names_b: float | None
    paraphrase: bool


def _order(
    raw_a: str, a: _Side, raw_b: str, b: _Side, sim: _Similarity, config: SemanticAlignConfig, names: bool
) -> _Order:
    """The sentence order of a pair and whether it shows a whole-text paraphrase (step 7);
    names and numbers are read only when ``names`` is set or the links reach their marks."""
    links = _order_links(sim, a, b)
    covered_a = _unit_share(a, [s[0] for s in links])
    covered_b = _unit_share(b, [s[1] for s in links])
    extent = len(links) >= config.paraphrase_min_links and min(covered_a, covered_b) >= config.paraphrase_cover
    names_a = names_b = None
    if names or extent:
        found_a, found_b = _names(raw_a, a), _names(raw_b, b)
        names_a, names_b = _share(found_a, found_b), _share(found_b, found_a)
    paraphrase = extent and min(names_a or 0.0, names_b or 0.0) >= config.paraphrase_names
    return _Order(links, covered_a, covered_b, names_a, names_b, paraphrase)


def _order_candidates(
    order: list[Seed], claims: _Claims, config: SemanticAlignConfig, keep: Callable[[_Candidate], bool]
) -> list[_Candidate]:
    """The sentence order's links on unclaimed units, as candidates: consecutive links
    within ``max_gap`` units of each other on both sides, with no claimed unit between,
    make one."""
    runs: list[list[Seed]] = []
    for link in order:
        i, j, _ = link
        if claims.a[i] or claims.b[j]:
            continue
        if runs:
            i0, j0, _ = runs[-1][-1]
            if i - i0 - 1 <= config.max_gap and j - j0 - 1 <= config.max_gap and claims.free(i0, i, j0, j):
                runs[-1].append(link)
                continue
        runs.append([link])
    out: list[_Candidate] = []
    for run in runs:
        c = _candidate(run)
        if keep(c):
            claims.take(c.i0, c.i1, c.j0, c.j1)
            out.append(c)
    return out


def _weak(c: _Candidate, config: SemanticAlignConfig) -> bool:
    """One sentence on a side, with a middling similarity: a shared fact as likely as reuse."""
    single = c.i0 == c.i1 or c.j0 == c.j1
    return single and c.weight / len(c.seeds) < config.min_single_similarity


def _near(c: _Candidate, boxes: Sequence[tuple[int, int, int, int]], gap: int) -> bool:
    """Whether another passage lies within ``gap`` units of ``c`` on both sides."""
    for i0, i1, j0, j1 in boxes:
        if (i0, i1, j0, j1) == (c.i0, c.i1, c.j0, c.j1):
            continue
        if max(i0 - c.i1, c.i0 - i1) - 1 <= gap and max(j0 - c.j1, c.j0 - j1) - 1 <= gap:
            return True
    return False


def align_sentences(
    raw_a: str,
    body_a: Sequence[Span],
    raw_b: str,
    body_b: Sequence[Span],
    config: SemanticAlignConfig = DEFAULT_SEMANTIC_CONFIG,
    sentence_vectors: SentenceVectors | None = None,
) -> list[Passage]:
    """Passages the two documents share sentence by sentence, reworded or not.

    Args:
        raw_a, raw_b: the raw texts.
        body_a, body_b: the spans of main text in each; nothing outside them is read.
        config: parameters.
        sentence_vectors: optional sentence embedder, ``texts -> (len(texts), dim)``
            array of L2-normalised rows; its cosine is a second seed signal.

    Returns:
        Passages sorted by ``a_span.start``, non-overlapping in both documents, each
        from the start of its first sentence to the end of its last on both sides.
        ``kind`` is ``verbatim`` (equal normalised words), ``edited`` (word overlap
        at least ``edited_min_overlap``) or ``reworded``; ``score`` is the mean
        similarity of its seed sentence pairs (tf-isf cosine, or the embedding cosine
        where higher). Deterministic.
    """
    a, b, accepted = _run(raw_a, body_a, raw_b, body_b, config, sentence_vectors)
    passages = []
    for c in accepted:
        span_a = Span(int(a.starts[c.i0]), int(a.ends[c.i1]))
        span_b = Span(int(b.starts[c.j0]), int(b.ends[c.j1]))
        passages.append(_passage(a, b, span_a, span_b, c.weight / len(c.seeds), config))
    passages.sort(key=lambda p: (p.a_span.start, p.b_span.start))
    return passages


@dataclass(frozen=True, slots=True)
class SentenceOrder:
    """How far two texts follow each other sentence by sentence (step 7 of the module notes).

    ``links`` are the linked units (a sentence, or short sentences joined to the next),
    as spans of a and of b, in order on both sides; ``covered_a`` and ``covered_b`` the
    share of each text's sentence characters inside linked units; ``names_a`` and
    ``names_b`` the share of each text's names and numbers (as terms) that the other
    has; ``paraphrase`` whether they show a whole-text paraphrase: at least
    ``paraphrase_min_links`` links, ``paraphrase_cover`` and ``paraphrase_names`` on
    both sides.
    """

    links: tuple[tuple[Span, Span], ...]
    covered_a: float
    covered_b: float
    names_a: float
    names_b: float
    paraphrase: bool


def sentence_order(
    raw_a: str,
    body_a: Sequence[Span],
    raw_b: str,
    body_b: Sequence[Span],
    config: SemanticAlignConfig = DEFAULT_SEMANTIC_CONFIG,
) -> SentenceOrder:
    """The sentence order of a pair (step 7 of the module notes): the heaviest chain, in
    order on both sides, of sentences that are each other's best tf-isf match, with the
    share of each text it covers and of each text's names and numbers the other has.
    See :class:`SemanticAlignConfig` for what they tell. Asked right after :func:`align`
    on the same pair and config, it reuses the units and similarities align computed."""
    a, b, sim = _pair(raw_a, tuple(body_a), raw_b, tuple(body_b), config)
    if sim is None:
        return SentenceOrder((), 0.0, 0.0, 0.0, 0.0, False)
    order = _order(raw_a, a, raw_b, b, sim, config, names=True)
    links = tuple(
        (Span(int(a.starts[i]), int(a.ends[i])), Span(int(b.starts[j]), int(b.ends[j]))) for i, j, _ in order.links
    )
    return SentenceOrder(
        links, order.covered_a, order.covered_b, order.names_a or 0.0, order.names_b or 0.0, order.paraphrase
    )


def _claimed_units(side: _Side, spans: list[Span], fraction: float) -> np.ndarray:
    """Units with at least ``fraction`` of their word characters inside ``spans``."""
    if not spans or not len(side):
        return np.zeros(len(side), dtype=bool)
    covered = np.zeros(len(side.word_starts), dtype=bool)
    for span in spans:
        w0, w1 = _words_in(side, span.start, span.end)
        covered[w0:w1] = True
    lengths = side.word_ends - side.word_starts
    all_chars = np.concatenate(([0], np.cumsum(lengths)))
    covered_chars = np.concatenate(([0], np.cumsum(np.where(covered, lengths, 0))))
    first = np.searchsorted(side.word_starts, side.starts, side="left")
    last = np.searchsorted(side.word_ends, side.ends, side="right")
    total = all_chars[last] - all_chars[first]
    return (total > 0) & (covered_chars[last] - covered_chars[first] >= fraction * total)


def _unit_range(side: _Side, span: Span) -> tuple[int, int]:
    """First and last unit overlapping ``span`` (first > last when none does)."""
    first = int(np.searchsorted(side.ends, span.start, side="right"))
    last = int(np.searchsorted(side.starts, span.end, side="left")) - 1
    return first, last


def _clip(
    a: _Side, b: _Side, span_a: Span, span_b: Span, lexical: list[Passage], min_words: int
) -> list[tuple[Span, Span]]:
    """A semantic passage's spans clear of the lexical passages on both sides.

    Unit claims keep lexical passages away from all but partly covered sentences, mostly
    at a passage's edges: cutting those leaves one piece per side. If a lexical passage
    lies inside (a copied clause in a reworded sentence), the pieces are paired in order
    when both sides have as many, else the longest piece of each side is kept. Pieces
    shorter than ``min_words`` on either side are dropped.
    """
    taken_a = [p.a_span for p in lexical if p.a_span.start < span_a.end and span_a.start < p.a_span.end]
    taken_b = [p.b_span for p in lexical if p.b_span.start < span_b.end and span_b.start < p.b_span.end]
    if not taken_a and not taken_b:
        return [(span_a, span_b)]  # untouched: sentence edges stay
    pieces_a = _free_pieces(a, span_a, taken_a)
    pieces_b = _free_pieces(b, span_b, taken_b)
    if not pieces_a or not pieces_b:
        return []
    if len(pieces_a) == len(pieces_b):
        pairs = list(zip(pieces_a, pieces_b, strict=True))
    else:
        pairs = [(max(pieces_a, key=len), max(pieces_b, key=len))]
    return [(x, y) for x, y in pairs if _long_enough(a, b, x, y, min_words)]


def _free_pieces(side: _Side, span: Span, taken: list[Span]) -> list[Span]:
    """``span`` less the ``taken`` spans, each piece shrunk to whole words."""
    pieces: list[Span] = []
    position = span.start
    for t in sorted(taken):
        if t.end <= position or t.start >= span.end:
            continue
        if t.start > position:
            pieces.append(Span(position, t.start))
        position = max(position, t.end)
    if position < span.end:
        pieces.append(Span(position, span.end))
    out = []
    for piece in pieces:
        w0, w1 = _words_in(side, piece.start, piece.end)
        if w1 > w0:
            out.append(Span(int(side.word_starts[w0]), int(side.word_ends[w1 - 1])))
    return out


def align(
    raw_a: str,
    body_a: Sequence[Span],
    raw_b: str,
    body_b: Sequence[Span],
    config: SemanticAlignConfig = DEFAULT_SEMANTIC_CONFIG,
    sentence_vectors: SentenceVectors | None = None,
) -> list[Passage]:
    """Lexical and semantic passages of a pair, overlapping in neither document.

    The lexical aligner runs first (``config.lexical``); its passages stand as they
    are. Sentence alignment then works on the units the lexical passages leave (a
    unit is left to them when ``claim_fraction`` of it lies inside one), and its
    passages are cut clear of the lexical ones at word boundaries. Passages are sorted
    by ``a_span.start``; see :func:`retold.align.align_lexical` and
    :func:`align_sentences` for kinds and scores.
    """
    lexical = align_lexical(raw_a, body_a, raw_b, body_b, config.lexical)
    a, b, _ = _pair(raw_a, tuple(body_a), raw_b, tuple(body_b), config)
    claimed_a = _claimed_units(a, [p.a_span for p in lexical], config.claim_fraction)
    claimed_b = _claimed_units(b, [p.b_span for p in lexical], config.claim_fraction)
    anchors = [(*_unit_range(a, p.a_span), *_unit_range(b, p.b_span)) for p in lexical]
    _, _, accepted = _run(raw_a, body_a, raw_b, body_b, config, sentence_vectors, claimed_a, claimed_b, anchors)
    passages = list(lexical)
    for c in accepted:
        span_a = Span(int(a.starts[c.i0]), int(a.ends[c.i1]))
        span_b = Span(int(b.starts[c.j0]), int(b.ends[c.j1]))
        for x, y in _clip(a, b, span_a, span_b, lexical, config.min_words):
            passages.append(_passage(a, b, x, y, c.weight / len(c.seeds), config))
    passages.sort(key=lambda p: (p.a_span.start, p.b_span.start))
    return passages


__all__ = [
    "DEFAULT_SEMANTIC_CONFIG",
    "ENGLISH_STOPWORDS",
    "SemanticAlignConfig",
    "SentenceOrder",
    "SentenceVectors",
    "align",
    "align_sentences",
    "sentence_order",
    "stem",
]
