"""The local engine: runs the stages in order over an embedded store.

ingest:   read → clean (rules) → fingerprint → store, in batches on all cores
finalize: corpus boilerplate → candidates → verify → align → relate → store

Ingest commits one batch per transaction, and finalize is a pure function of
the stored documents, so a killed run, run again, ends exactly where an
uninterrupted one would. Pairs verified before are reused while both bodies
are unchanged, so adding documents costs in proportion to what they touch.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import xxhash

from . import __version__
from . import clean as cleaning
from .align_semantic import align
from .candidates import (
    anchor_pairs,
    components,
    exact_pairs,
    lsh_pairs,
    neighbour_pairs,
    normalize_pairs,
    pairs_not_in,
)
from .config import Settings
from .embed import get_embedder
from .fingerprint import (
    content_words,
    fingerprint,
    jaccard_and_containment,
    overlap_scores,
    shared_share,
    shingle_overlap,
    shingles,
)
from .model import (
    Boilerplate,
    CleanDocument,
    Cluster,
    Document,
    Pair,
    PairScores,
    Passage,
    Quote,
    QuoteMention,
    RunSummary,
    Skipped,
    Span,
    Story,
    StoryInput,
)
from .quotes import extract_quotes, group_quotes
from .read import iter_documents
from .relate import relate
from .store import FinalUpdate, PreparedDocument, Store, StoredFingerprints, StoreError
from .stories import StoryIndex
from .stories.pairs import same_story_pairs

Mode = Literal["analyze", "dedup"]
# Verified pairs are committed in chunks of this many, so a killed run resumes
# verification where it stopped.
VERIFY_CHUNK = 500
# Aligning a pair takes milliseconds, so a task of this many pairs outweighs its
# shipping; below this many pairs per worker a pool costs more than it saves.
PAIRS_PER_TASK = 32
MIN_PAIRS_PER_WORKER = 200
# Candidate pairs verified per block, with the texts and shingles of that block's
# documents (at most twice this many) in memory and no others.
VERIFY_BLOCK = 20_000
# Texts hashed together: large enough to amortise NumPy call overhead, small
# enough for the arrays to stay in cache.
SHINGLE_BATCH = 256
ProgressCallback = Callable[[str, int, int | None], None]


def _no_progress(stage: str, done: int, total: int | None) -> None:
    return None


def whole_text(doc: Document) -> CleanDocument:
    """Dedup looks at the text as given: one body span, no boilerplate."""
    start = len(doc.text) - len(doc.text.lstrip())
    end = len(doc.text.rstrip())
    body = (Span(start, end),) if end > start else ()
    return CleanDocument(doc_id=doc.id, body=body, boilerplate=(), title=doc.title, date=doc.date, outlet=doc.outlet)


def raw_hash(text: str) -> str:
    return xxhash.xxh3_128_hexdigest(text.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True, slots=True)
class _Computed:
    """What a worker sends back for one document (not the text: the caller has it)."""

    raw_hash: str
    cleaned: CleanDocument
    lines: np.ndarray
    body_hash: str
    signature: np.ndarray
    anchors: np.ndarray
    vector: np.ndarray
    mentions: tuple[QuoteMention, ...]


def _embed_bodies(texts: Sequence[str], settings: Settings) -> np.ndarray:
    """float16 document vectors of body texts (the mean of their tokens' embeddings)."""
    return get_embedder(settings.embedder).encode(list(texts)).astype(np.float16)


def _compute(docs: Sequence[Document], settings: Settings, mode: Mode) -> list[_Computed]:
    """Clean and fingerprint a batch of documents (runs in worker processes)."""
    empty_lines = np.zeros(0, dtype=np.uint64)
    cleaned: list[CleanDocument] = []
    lines: list[np.ndarray] = []
    for doc in docs:
        if mode == "analyze":
            c = cleaning.clean_document(doc, settings.clean)
            cleaned.append(c)
            lines.append(cleaning.line_fingerprints(doc, c, settings.clean))
        else:
            cleaned.append(whole_text(doc))
            lines.append(empty_lines)
    bodies = [c.body_text(d.text) for d, c in zip(docs, cleaned, strict=True)]
    prints = fingerprint(bodies, settings.dedup, with_anchors=mode == "analyze")
    vectors = _embed_bodies(bodies, settings) if mode == "analyze" else np.zeros((len(docs), 0), np.float16)
    return [
        _Computed(
            raw_hash=raw_hash(doc.text),
            cleaned=c,
            lines=line_hashes,
            body_hash=prints.content_hashes[i],
            signature=prints.signatures[i],
            anchors=prints.anchors[i],
            vector=vectors[i],
            mentions=tuple(extract_quotes(doc, c)) if mode == "analyze" else (),
        )
        for i, (doc, c, line_hashes) in enumerate(zip(docs, cleaned, lines, strict=True))
    ]


def prepare(docs: Sequence[Document], settings: Settings, mode: Mode) -> list[PreparedDocument]:
    """Clean and fingerprint a batch of documents in this process."""
    return _attach(docs, _compute(docs, settings, mode))


def _attach(docs: Sequence[Document], computed: Sequence[_Computed]) -> list[PreparedDocument]:
    return [
        PreparedDocument(doc, c.raw_hash, c.cleaned, c.lines, c.body_hash, c.signature, c.anchors, c.vector, c.mentions)
        for doc, c in zip(docs, computed, strict=True)
    ]


def _batches(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _worker_count(settings: Settings, mode: Mode) -> int:
    if settings.workers:
        return settings.workers
    # Dedup's per-document work (~0.2 ms) is less than shipping a document to a
    # worker and back: on 2 cores, one process ran 3,100 docs/s against 1,860 with
    # two workers (benchmarks/dedup_speed.py). Analyze cleans and embeds, which pays.
    return 1 if mode == "dedup" else os.cpu_count() or 1


def _prepared_in_order(
    batches: Iterator[list[Document]], settings: Settings, mode: Mode
) -> Iterator[list[PreparedDocument]]:
    """Prepare batches on all cores, in input order, with a bounded number in flight
    so memory does not grow with the corpus."""
    workers = _worker_count(settings, mode)
    if workers <= 1:
        for batch in batches:
            yield prepare(batch, settings, mode)
        return
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(workers) as pool:
        pending: deque = deque()
        for batch in batches:
            pending.append((batch, pool.apply_async(_compute, (batch, settings, mode))))
            if len(pending) >= 2 * workers:
                done, result = pending.popleft()
                yield _attach(done, result.get())
        while pending:
            done, result = pending.popleft()
            yield _attach(done, result.get())


def ingest(
    inputs: Sequence[str | os.PathLike[str]],
    store: Store,
    settings: Settings,
    mode: Mode,
    summary: RunSummary,
    on_skip: Callable[[Skipped], None],
    progress: ProgressCallback = _no_progress,
) -> None:
    """Read the inputs and store the documents not stored yet."""

    def skip(item: Skipped) -> None:
        summary.skipped.append(item)
        on_skip(item)

    def fresh(batch: list[Document]) -> Iterator[list[Document]]:
        known = store.known([d.id for d in batch])
        keep: list[Document] = []
        for doc in batch:
            stored = known.get(doc.id)
            if stored is None:
                keep.append(doc)
            elif stored == raw_hash(doc.text):
                summary.unchanged += 1
            else:
                skip(Skipped(doc.path, doc.location, f"id {doc.id!r} is already in the store with another text"))
        if keep:
            yield keep

    def counted(docs: Iterator[Document]) -> Iterator[Document]:
        for doc in docs:
            summary.read += 1
            yield doc

    documents = counted(iter_documents(inputs, settings.read, skip))
    batches = (kept for batch in _batches(documents, settings.batch_size) for kept in fresh(batch))
    for prepared in _prepared_in_order(batches, settings, mode):
        summary.new += store.add(prepared)
        progress("read", summary.read, None)


def _recurring_key(hashes: np.ndarray) -> str:
    return xxhash.xxh3_64_hexdigest(np.sort(hashes).tobytes()) if len(hashes) else ""


def apply_corpus_boilerplate(store: Store, settings: Settings) -> int:
    """Mark lines that recur across the corpus as boilerplate and refresh the
    fingerprints of the documents whose body changed. Returns how many changed."""
    seqs, lines = store.line_hashes()
    if not len(seqs):
        return 0
    recurring = cleaning.find_recurring_lines(zip((str(s) for s in seqs), lines, strict=True), settings.clean)
    stored_keys = store.recurring_keys()
    changed: dict[int, str] = {}
    for seq, doc_lines in zip(seqs.tolist(), lines, strict=True):
        key = _recurring_key(doc_lines[np.isin(doc_lines, recurring)]) if len(recurring) else ""
        if key != stored_keys.get(seq, ""):
            changed[seq] = key
    if not changed:
        return 0
    ordered = sorted(changed)
    docs = list(store.documents(ordered))
    rules = dict(store.rule_cleaned(ordered))
    finals: list[CleanDocument] = []
    for seq, doc in zip(ordered, docs, strict=True):
        base = rules[seq]
        finals.append(cleaning.apply_recurring(doc, base, recurring, settings.clean) if changed[seq] else base)
    bodies = [c.body_text(d.text) for d, c in zip(docs, finals, strict=True)]
    prints = fingerprint(bodies, settings.dedup)
    vectors = _embed_bodies(bodies, settings)
    store.update_final(
        [
            FinalUpdate(
                seq=seq,
                final=finals[i] if changed[seq] else None,
                recurring_key=changed[seq],
                body_hash=prints.content_hashes[i],
                signature=prints.signatures[i],
                anchors=prints.anchors[i],
                vector=vectors[i],
                mentions=tuple(extract_quotes(docs[i], finals[i])),
            )
            for i, seq in enumerate(ordered)
        ]
    )
    return len(changed)


@dataclass(frozen=True, slots=True)
class Finalized:
    pairs: list[Pair]
    clusters: list[Cluster]
    quotes: list[Quote]
    stories: list[Story]


def finalize(store: Store, settings: Settings, mode: Mode, progress: ProgressCallback = _no_progress) -> Finalized:
    """Compute every result from the stored documents."""
    if mode == "analyze":
        progress("boilerplate", 0, None)
        apply_corpus_boilerplate(store, settings)
    config = settings.dedup
    stored = store.fingerprints(config.num_perm, with_relations=mode == "analyze")
    seqs, ids, body_hashes = stored.seqs, stored.ids, stored.body_hashes
    progress("candidates", 0, None)
    routes = [exact_pairs(body_hashes), lsh_pairs(stored.signatures, config)]
    if mode == "analyze":
        routes.append(anchor_pairs(stored.anchors)[0])
    candidates = normalize_pairs(np.concatenate(routes))
    if mode == "analyze" and stored.vectors.shape[1] and settings.neighbours:
        neighbours = neighbour_pairs(stored.vectors, settings.neighbours, settings.min_neighbour_cosine)
        progress("gate", 0, None)
        kept = share_content_words(
            store, settings, seqs, pairs_not_in(normalize_pairs(neighbours), candidates, len(ids))
        )
        candidates = normalize_pairs(np.concatenate([candidates, kept]))

    store.forget_pairs_unless(f"{__version__}:{mode}")
    cache = store.cached_pairs()
    rows: list[tuple[str, str, str, str, Pair | None]] = []
    todo: list[tuple[int, int]] = []
    for i, j in candidates.tolist():
        a, b = sorted((i, j), key=lambda k: ids[k])
        hit = cache.get((ids[a], ids[b]))
        if hit and hit[0] == body_hashes[a] and hit[1] == body_hashes[b]:
            rows.append((ids[a], ids[b], hit[0], hit[1], hit[2]))
        else:
            todo.append((a, b))
    rows.extend(_verify(store, settings, mode, seqs, ids, body_hashes, todo, progress))
    rows.sort(key=lambda r: (r[0], r[1]))
    pairs = [r[4] for r in rows if r[4] is not None]
    clusters = _clusters(store, settings, seqs, ids, pairs) if mode == "dedup" else []
    # Only documents that joined another's cluster are stored: every other document is
    # its own representative, and listing a million of them doubled dedup's memory.
    grouped = [
        [c.id, c.cluster, c.representative, c.similarity] for c in clusters if c.id != c.cluster or c.similarity < 1
    ]
    store.replace_pairs(rows, {"clusters": grouped})
    quotes: list[Quote] = []
    stories: list[Story] = []
    if mode == "analyze":
        progress("quotations", 0, None)
        quotes = group_quotes(*store.quote_inputs())
        progress("stories", 0, None)
        stories = _update_stories(store, stored, pairs)
        pairs = sorted([*pairs, *same_story_pairs(stories, pairs)], key=lambda p: (p.a, p.b))
    return Finalized(pairs=pairs, clusters=clusters, quotes=quotes, stories=stories)


STORY_STATE = "story_index"


def _update_stories(store: Store, stored: StoredFingerprints, pairs: list[Pair]) -> list[Story]:
    """Add the documents the story index has not seen, and save it.

    Stories are incremental: documents join existing stories and events or open
    new ones, so a corpus added in several runs may group slightly differently
    from one run over everything (see benchmarks/stories_incremental.py).
    """
    saved = store.load_state(STORY_STATE)
    index = StoryIndex.from_bytes(saved) if saved else StoryIndex()
    new = [int(seq) for seq, doc_id in zip(stored.seqs, stored.ids, strict=True) if doc_id not in index]
    if new:
        cleaned = {seq: c for seq, c, _ in store.cleaned(new)}
        items = [
            StoryInput(
                id=doc.id,
                title=cleaned[seq].title or doc.title,
                date=cleaned[seq].date or doc.date,
                outlet=cleaned[seq].outlet or doc.outlet,
                text=cleaned[seq].body_text(doc.text),
            )
            for seq, doc in zip(new, store.documents(new), strict=True)
        ]
    else:
        items = []
    # Pairs found this run between documents indexed before must still join them.
    index.add(items, pairs)
    state = index.to_bytes()
    if state != saved:
        store.save_state(STORY_STATE, state)
    return index.stories()


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything known about one pair: the evidence, and the relation if there is one."""

    doc_a: Document
    clean_a: CleanDocument
    doc_b: Document
    clean_b: CleanDocument
    scores: PairScores
    passages: list[Passage]
    pair: Pair | None


def compare_documents(
    doc_a: Document,
    clean_a: CleanDocument,
    doc_b: Document,
    clean_b: CleanDocument,
    scores: PairScores,
    same_body: bool,
) -> Comparison:
    """Align two cleaned documents and relate them."""
    # Sentence alignment by tf-isf words only: with the static embeddings as a
    # second seed signal, independent reports of one story gained false reworded
    # passages on the samples (003-004: 13% of 003) and the rewrite 000-001 gained
    # nothing. Embeddings find the candidates instead.
    passages = align(doc_a.text, clean_a.body, doc_b.text, clean_b.body)
    pair = relate(doc_a, clean_a, doc_b, clean_b, scores, passages, same_body)
    return Comparison(doc_a, clean_a, doc_b, clean_b, scores, passages, pair)


def compare(doc_a: Document, doc_b: Document, settings: Settings) -> Comparison:
    """Clean, fingerprint, align and relate two documents on their own (no corpus)."""
    clean_a = cleaning.clean_document(doc_a, settings.clean)
    clean_b = cleaning.clean_document(doc_b, settings.clean)
    prints = fingerprint([clean_a.body_text(doc_a.text), clean_b.body_text(doc_b.text)], settings.dedup)
    scores = PairScores(*jaccard_and_containment(prints.shingles.of(0), prints.shingles.of(1)))
    same = prints.content_hashes[0] == prints.content_hashes[1]
    return compare_documents(doc_a, clean_a, doc_b, clean_b, scores, same)


def share_content_words(store: Store, settings: Settings, seqs: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The pairs whose bodies share at least ``settings.min_shared_content_words`` of the
    shorter one's distinct content words (see ``fingerprint.content_words``)."""
    if not len(pairs) or settings.min_shared_content_words <= 0.0:
        return pairs
    involved = np.unique(pairs)
    words_of: dict[int, np.ndarray] = {}
    for start in range(0, len(involved), SHINGLE_BATCH):
        chunk = [int(k) for k in involved[start : start + SHINGLE_BATCH]]
        chunk_seqs = [int(seqs[k]) for k in chunk]
        cleaned = {seq: c for seq, c, _ in store.cleaned(chunk_seqs)}
        bodies = [
            cleaned[seq].body_text(doc.text) for seq, doc in zip(chunk_seqs, store.documents(chunk_seqs), strict=True)
        ]
        words_of.update(zip(chunk, content_words(bodies, settings.dedup.seed), strict=True))
    threshold = settings.min_shared_content_words
    keep = [shared_share(words_of[i], words_of[j]) >= threshold for i, j in pairs.tolist()]
    return pairs[np.asarray(keep, dtype=bool)]


def worth_aligning(
    overlap: tuple[int, int, int], same_body: bool, content_share: Callable[[], float], settings: Settings
) -> bool:
    """Whether analyze aligns a candidate pair whose shingle ``overlap`` is ``(shared,
    |A|, |B|)``: bodies alike, enough shared 5-grams (``settings.min_shared_shingles``,
    or half of the shorter text's), or else enough shared content words
    (``content_share()``, computed only then), the test the embedding route passes."""
    shared, size_a, size_b = overlap
    if same_body or shared >= settings.min_shared_shingles or 2 * shared >= min(size_a, size_b):
        return True
    return content_share() >= settings.min_shared_content_words


@dataclass(frozen=True, slots=True)
class _PairVerifier:
    """The documents of the candidate pairs, ready to verify any pair among them."""

    mode: Mode
    settings: Settings
    ids: list[str]
    body_hashes: list[str]
    docs: dict[int, Document]
    clean_of: dict[int, CleanDocument]
    shingles_of: dict[int, np.ndarray]
    # Content words of the documents asked about so far (``worth_aligning``).
    words_of: dict[int, np.ndarray] = field(default_factory=dict)

    def verify(self, a: int, b: int) -> Pair | None:
        overlap = shingle_overlap(self.shingles_of[a], self.shingles_of[b])
        jaccard, contained_a, contained_b = overlap_scores(*overlap)
        scores = PairScores(jaccard, contained_a, contained_b)
        same = self.body_hashes[a] == self.body_hashes[b]
        if self.mode == "dedup":
            if same or jaccard >= self.settings.dedup.threshold:
                return Pair(self.ids[a], self.ids[b], "duplicate", scores, reasons=(f"Jaccard {jaccard:.3f}",))
            return None
        if not worth_aligning(overlap, same, lambda: shared_share(self._words(a), self._words(b)), self.settings):
            return None
        docs, clean_of = self.docs, self.clean_of
        return compare_documents(docs[a], clean_of[a], docs[b], clean_of[b], scores, same).pair

    def _words(self, k: int) -> np.ndarray:
        if k not in self.words_of:
            body = self.clean_of[k].body_text(self.docs[k].text)
            self.words_of[k] = content_words([body], self.settings.dedup.seed)[0]
        return self.words_of[k]


# Set before the verification pool forks, so workers inherit the documents instead of
# receiving them pair by pair.
_FORKED_VERIFIER: _PairVerifier | None = None


def _verify_in_worker(pairs: list[tuple[int, int]]) -> list[Pair | None]:
    assert _FORKED_VERIFIER is not None
    return [_FORKED_VERIFIER.verify(a, b) for a, b in pairs]


def _verified_in_order(verifier: _PairVerifier, todo: list[tuple[int, int]], workers: int) -> Iterator[Pair | None]:
    """``verifier.verify`` of each pair, in order; on several cores when there are enough pairs."""
    if workers <= 1 or len(todo) < MIN_PAIRS_PER_WORKER * workers or os.name != "posix":
        yield from (verifier.verify(a, b) for a, b in todo)
        return
    global _FORKED_VERIFIER
    _FORKED_VERIFIER = verifier
    try:
        chunks = (todo[i : i + PAIRS_PER_TASK] for i in range(0, len(todo), PAIRS_PER_TASK))
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for results in pool.imap(_verify_in_worker, chunks):
                yield from results
    finally:
        _FORKED_VERIFIER = None


def _load_verifier(
    store: Store,
    settings: Settings,
    mode: Mode,
    seqs: np.ndarray,
    ids: list[str],
    body_hashes: list[str],
    pairs: list[tuple[int, int]],
) -> _PairVerifier:
    """The documents, cleaning and shingles of every document in ``pairs``."""
    involved = sorted({k for pair in pairs for k in pair})
    seq_of = {k: int(seqs[k]) for k in involved}
    docs = dict(zip(involved, store.documents([seq_of[k] for k in involved]), strict=True))
    cleaned = {seq: c for seq, c, _ in store.cleaned([seq_of[k] for k in involved])}
    clean_of = {k: cleaned[seq_of[k]] for k in involved}
    shingles_of: dict[int, np.ndarray] = {}
    for start in range(0, len(involved), SHINGLE_BATCH):
        chunk = involved[start : start + SHINGLE_BATCH]
        batch = shingles(
            [clean_of[k].body_text(docs[k].text) for k in chunk], settings.dedup.ngram, settings.dedup.seed
        )
        shingles_of.update((k, batch.of(i)) for i, k in enumerate(chunk))
    return _PairVerifier(mode, settings, ids, body_hashes, docs, clean_of, shingles_of)


def _verify(
    store: Store,
    settings: Settings,
    mode: Mode,
    seqs: np.ndarray,
    ids: list[str],
    body_hashes: list[str],
    todo: list[tuple[int, int]],
    progress: ProgressCallback,
) -> list[tuple[str, str, str, str, Pair | None]]:
    """Exact Jaccard and containment for each candidate pair; in analyze mode also
    alignment and a label. Pairs go in blocks, each with only its own documents in
    memory, so memory does not grow with the corpus."""
    out: list[tuple[str, str, str, str, Pair | None]] = []
    workers = _worker_count(settings, mode)
    for block_start in range(0, len(todo), VERIFY_BLOCK):
        block = todo[block_start : block_start + VERIFY_BLOCK]
        verifier = _load_verifier(store, settings, mode, seqs, ids, body_hashes, block)
        for (a, b), pair in zip(block, _verified_in_order(verifier, block, workers), strict=True):
            out.append((ids[a], ids[b], body_hashes[a], body_hashes[b], pair))
            if len(out) % VERIFY_CHUNK == 0:
                store.cache_pairs(out[-VERIFY_CHUNK:])
                progress("verify", len(out), len(todo))
    return out


def _clusters(store: Store, settings: Settings, seqs: np.ndarray, ids: list[str], pairs: list[Pair]) -> list[Cluster]:
    """Dedup clusters in which every member is a near-duplicate of its representative.

    Verified pairs (exact Jaccard >= threshold) are grouped into connected
    components; inside a component, documents are taken in reading order and
    each joins the first representative it is a near-duplicate of, or becomes a
    representative itself. Plain connected components would chain copies of
    copies into clusters whose ends share little.
    """
    n = len(ids)
    involved = {doc for p in pairs for doc in (p.a, p.b)}
    index = {doc_id: k for k, doc_id in enumerate(ids) if doc_id in involved}
    edges = np.asarray([[index[p.a], index[p.b]] for p in pairs], dtype=np.int64).reshape(-1, 2)
    labels = components(n, edges)
    known = {(index[p.a], index[p.b]): p.scores.jaccard for p in pairs}
    # Only documents with a near-duplicate need a decision; the rest (most of a
    # corpus) are their own representatives, and no per-document structure is built.
    sizes = np.bincount(labels, minlength=n)
    grouped = np.flatnonzero(sizes[labels] > 1).tolist()
    members: dict[int, list[int]] = {}
    for k in grouped:
        members.setdefault(int(labels[k]), []).append(k)
    # Most comparisons below are verified pairs; shingles are read only for the others
    # (members of a chain of copies compared with a representative they were not paired with).
    shingles_of: dict[int, np.ndarray] = {}

    def shingles_of_doc(k: int) -> np.ndarray:
        if k not in shingles_of:
            (doc,) = store.documents([int(seqs[k])])
            text = whole_text(doc).body_text(doc.text)
            shingles_of[k] = shingles([text], settings.dedup.ngram, settings.dedup.seed).of(0)
        return shingles_of[k]

    def similarity(i: int, j: int) -> float:
        key = (min(i, j), max(i, j))
        if key not in known:
            known[key] = jaccard_and_containment(shingles_of_doc(i), shingles_of_doc(j))[0]
        return known[key]

    representative: dict[int, int] = {}
    score: dict[int, float] = {}
    for group in members.values():
        centers: list[int] = []
        for k in group:
            joined = next((c for c in centers if similarity(k, c) >= settings.dedup.threshold), None)
            if joined is None:
                centers.append(k)
                representative[k], score[k] = k, 1.0
            else:
                representative[k], score[k] = joined, similarity(k, joined)
    return [
        Cluster(doc_id, doc_id, doc_id, 1.0)
        if k not in representative
        else Cluster(doc_id, ids[representative[k]], ids[representative[k]], score[k])
        for k, doc_id in enumerate(ids)
    ]


def run(
    inputs: Sequence[str | os.PathLike[str]],
    store: Store,
    settings: Settings,
    mode: Mode,
    on_skip: Callable[[Skipped], None],
    progress: ProgressCallback = _no_progress,
) -> tuple[RunSummary, Finalized]:
    """Ingest then finalize; the shared core of ``analyze`` and ``dedup``."""
    started = time.perf_counter()
    store.bind_settings(
        {
            "mode": mode,
            "ngram": settings.dedup.ngram,
            "num_perm": settings.dedup.num_perm,
            "seed": settings.dedup.seed,
            "embedder": get_embedder(settings.embedder).model_id if mode == "analyze" else None,
        }
    )
    summary = RunSummary()
    ingest(inputs, store, settings, mode, summary, on_skip, progress)
    result = finalize(store, settings, mode, progress)
    summary.documents = store.count()
    summary.pairs = len(result.pairs)
    summary.clusters = len({c.cluster for c in result.clusters})
    for pair in result.pairs:
        summary.labels[pair.label] = summary.labels.get(pair.label, 0) + 1
    summary.seconds = time.perf_counter() - started
    return summary, result


__all__ = ["Boilerplate", "Finalized", "StoreError", "finalize", "ingest", "prepare", "run", "whole_text"]
