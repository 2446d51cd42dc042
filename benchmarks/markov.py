"""Base articles in any number, none sharing a passage with another: text written by
a word Markov chain of order 2 trained on the real paragraphs of ``corpus.py``.

Recombining real paragraphs (``rewrite_scaling.build_articles``) reuses a fixed pool
of ~63,000 of them, so the bigger the corpus, the more base articles share one and the
more related pairs each document has; taking each paragraph once
(``build_distinct_articles``) stops at ~6,000 articles. A chain keeps the pool's
vocabulary, word frequencies, names, numbers and sentence lengths and writes new
sentences: two generated articles share a run of words only where the chain passes
through a context with a single continuation, as two unrelated news articles share a
stock phrase. ``python benchmarks/markov.py`` measures that sharing (12-word runs in
common between generated articles) so the claim can be checked.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from corpus import ARTICLE_WORDS, ParagraphPool, load_pool

ORDER = 2
SENTENCE_WORDS = (6, 60)  # a sentence shorter is continued, one longer is cut at the next end
SENTENCES_PER_PARAGRAPH = (1, 4)
MIN_CHOICES = 3
_ENDINGS = (".", "!", "?", '."', '?"', '!"', ".”", "?”", "!”")


def _ends_sentence(token: str) -> bool:
    return token.endswith(_ENDINGS)


@dataclass(frozen=True, slots=True)
class Chain:
    """Successors of every two-word and one-word context, as CSR tables over token ids.

    A two-word context followed by fewer than ``MIN_CHOICES`` distinct words in the
    training text would copy it verbatim: there the chain backs off to the last word.
    """

    vocabulary: list[str]
    context_of: dict[tuple[int, int], int]
    starts: np.ndarray  # per context, first index into ``successors``
    counts: np.ndarray  # per context, number of successors (with repetition = frequency)
    successors: np.ndarray
    # The same for one-word contexts, indexed by token id.
    word_starts: np.ndarray
    word_counts: np.ndarray
    word_successors: np.ndarray
    openings: np.ndarray  # (k, 2) the first two tokens of every training sentence

    @classmethod
    def train(cls, paragraphs: Sequence[str]) -> Chain:
        ids: dict[str, int] = {}
        contexts: dict[tuple[int, int], list[int]] = {}
        openings: list[tuple[int, int]] = []
        for paragraph in paragraphs:
            words = paragraph.split()
            tokens = [ids.setdefault(t, len(ids)) for t in words]
            if len(tokens) < ORDER + 1:
                continue
            sentence_start = True
            for k in range(len(tokens) - ORDER):
                if sentence_start:
                    openings.append((tokens[k], tokens[k + 1]))
                contexts.setdefault((tokens[k], tokens[k + 1]), []).append(tokens[k + 2])
                sentence_start = _ends_sentence(words[k])
        vocabulary = [""] * len(ids)
        for token, i in ids.items():
            vocabulary[i] = token
        by_word: list[list[int]] = [[] for _ in vocabulary]
        for (_, b), following in contexts.items():
            by_word[b].extend(following)
        varied = {key: v for key, v in contexts.items() if len(set(v)) >= MIN_CHOICES}
        starts, counts, successors = _csr(list(varied.values()))
        word_starts, word_counts, word_successors = _csr(by_word)
        context_of = {key: i for i, key in enumerate(varied)}
        return cls(
            vocabulary,
            context_of,
            starts,
            counts,
            successors,
            word_starts,
            word_counts,
            word_successors,
            np.asarray(openings, dtype=np.int32),
        )

    def sentence(self, rng: random.Random) -> list[str]:
        low, high = SENTENCE_WORDS
        while True:
            a, b = (int(x) for x in self.openings[rng.randrange(len(self.openings))])
            out = [a, b]
            while True:
                context = self.context_of.get((a, b))
                if context is not None:
                    nxt = int(self.successors[self.starts[context] + rng.randrange(int(self.counts[context]))])
                elif self.word_counts[b]:
                    nxt = int(self.word_successors[self.word_starts[b] + rng.randrange(int(self.word_counts[b]))])
                else:
                    break
                out.append(nxt)
                a, b = b, nxt
                if _ends_sentence(self.vocabulary[nxt]) and len(out) >= low:
                    break
                if len(out) >= 2 * high:
                    break
            if low <= len(out) and _ends_sentence(self.vocabulary[out[-1]]):
                return [self.vocabulary[t] for t in out]

    def article(self, rng: random.Random) -> list[str]:
        """Paragraphs of one article, its length drawn like ``corpus.build_article``'s."""
        low, high = ARTICLE_WORDS
        target = int(math.exp(rng.uniform(math.log(low), math.log(high))))
        paragraphs: list[str] = []
        size = 0
        while size < target:
            sentences = [self.sentence(rng) for _ in range(rng.randint(*SENTENCES_PER_PARAGRAPH))]
            paragraphs.append(" ".join(" ".join(s) for s in sentences))
            size += sum(len(s) for s in sentences)
        return paragraphs


def _csr(lists: Sequence[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    counts = np.fromiter((len(v) for v in lists), dtype=np.int64, count=len(lists))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    flat = np.fromiter((x for v in lists for x in v), dtype=np.int32, count=int(counts.sum()))
    return starts, counts, flat


def build_markov_articles(rng: random.Random, pool: ParagraphPool, count: int) -> list[list[str]]:
    chain = Chain.train(pool.paragraphs)
    return [chain.article(rng) for _ in range(count)]


def shared_runs(articles: Sequence[list[str]], run: int = 12) -> tuple[int, int]:
    """(articles sharing at least one ``run``-word stretch with another, pairs of articles that do)."""
    holders: dict[int, set[int]] = {}
    for k, paragraphs in enumerate(articles):
        tokens = " ".join(paragraphs).lower().split()
        for i in range(len(tokens) - run + 1):
            holders.setdefault(hash(tuple(tokens[i : i + run])), set()).add(k)
    pairs: set[tuple[int, int]] = set()
    docs: Counter[int] = Counter()
    for owners in holders.values():
        if 1 < len(owners) <= 50:
            ordered = sorted(owners)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    pairs.add((a, b))
    for a, b in pairs:
        docs[a] += 1
        docs[b] += 1
    return len(docs), len(pairs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="How much generated articles share by chance")
    parser.add_argument("--articles", type=int, nargs="+", default=[2_000, 8_000])
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    chain = Chain.train(load_pool().paragraphs)
    rng = random.Random(args.seed)
    articles = [chain.article(rng) for _ in range(max(args.articles))]
    print("| articles | sharing a 12-word run with another | pairs sharing one | pairs per article |")
    print("|---|---|---|---|")
    for n in sorted(args.articles):
        docs, pairs = shared_runs(articles[:n])
        print(f"| {n:,} | {docs:,} ({docs / n:.1%}) | {pairs:,} | {pairs / n:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
