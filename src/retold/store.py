"""The embedded store: one SQLite file (WAL) holding documents, cleaning,
fingerprints and results.

Every write is one transaction, so a run killed at any moment leaves the store
as it was after the last committed batch; running again skips the documents
already stored and recomputes the results, which are a pure function of the
stored documents and the settings.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .model import CleanDocument, Document, Pair, QuoteMention
from .records import (
    cleaned_from_dict,
    cleaned_to_dict,
    mention_from_dict,
    mention_to_dict,
    pair_from_dict,
    pair_to_dict,
)

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    location TEXT NOT NULL,
    text TEXT NOT NULL,
    title TEXT, date TEXT, url TEXT, outlet TEXT, byline TEXT,
    raw_hash TEXT NOT NULL
);
-- What the rules found in each document, before corpus-level boilerplate.
CREATE TABLE IF NOT EXISTS cleaned (
    seq INTEGER PRIMARY KEY REFERENCES documents(seq),
    cleaned TEXT NOT NULL,
    lines BLOB NOT NULL
);
-- Fingerprints of the final body (after corpus-level boilerplate).
CREATE TABLE IF NOT EXISTS fingerprints (
    seq INTEGER PRIMARY KEY REFERENCES documents(seq),
    final TEXT,                 -- final cleaning as JSON; NULL when equal to the rules' cleaning
    recurring_key TEXT NOT NULL,  -- which corpus boilerplate lines were applied ('' for none)
    body_hash TEXT NOT NULL,
    signature BLOB NOT NULL,
    anchors BLOB NOT NULL,
    vector BLOB NOT NULL,         -- float16 document embedding ('' in dedup mode)
    mentions TEXT NOT NULL        -- the quotations found in the final body, as JSON
);
-- Verified candidate pairs (related or not, so they are not verified again)
-- keyed by the body hashes they were computed from.
CREATE TABLE IF NOT EXISTS pairs (
    a TEXT NOT NULL, b TEXT NOT NULL,
    hash_a TEXT NOT NULL, hash_b TEXT NOT NULL,
    label TEXT,
    record TEXT NOT NULL,
    PRIMARY KEY (a, b)
);
CREATE TABLE IF NOT EXISTS results (name TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Incremental state of later stages (the story index), saved whole in one write.
CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, value BLOB NOT NULL);
"""


class StoreError(Exception):
    """The store cannot be used as asked (wrong settings, newer schema, not a store)."""


@dataclass(frozen=True, slots=True)
class StoredFingerprints:
    """Fingerprints of every stored document, row k for ``seqs[k]``."""

    seqs: np.ndarray
    ids: list[str]
    body_hashes: list[str]
    signatures: np.ndarray  # (n, num_perm) uint32
    anchors: list[np.ndarray]
    vectors: np.ndarray  # (n, dim) float32; (n, 0) without embeddings


@dataclass(frozen=True, slots=True)
class FinalUpdate:
    """New final cleaning (None: the rules' own) and fingerprints of one document."""

    seq: int
    final: CleanDocument | None
    recurring_key: str
    body_hash: str
    signature: np.ndarray
    anchors: np.ndarray
    vector: np.ndarray
    mentions: tuple[QuoteMention, ...] = ()


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A document with everything the ingest stage computed, ready to store in one go."""

    document: Document
    raw_hash: str
    cleaned: CleanDocument
    lines: np.ndarray
    body_hash: str
    signature: np.ndarray
    anchors: np.ndarray
    vector: np.ndarray
    mentions: tuple[QuoteMention, ...] = ()


def _mentions_json(mentions: Sequence[QuoteMention]) -> str:
    return json.dumps([mention_to_dict(m) for m in mentions], ensure_ascii=False)


def _pair_row(row: tuple[str, str, str, str, Pair | None]) -> tuple[str, str, str, str, str | None, str]:
    a, b, hash_a, hash_b, pair = row
    return a, b, hash_a, hash_b, pair.label if pair else None, json.dumps(pair_to_dict(pair)) if pair else "{}"


class Store:
    """A retold workspace in one SQLite file."""

    def __init__(self, path: str | Path, durable: bool = True) -> None:
        """``durable=False`` for a store deleted after the run: writes are not synced to
        disk, which a run that is killed loses anyway."""
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(str(self.path), isolation_level=None, timeout=60)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={'NORMAL' if durable else 'OFF'}")
            self._db.execute("PRAGMA foreign_keys=ON")
            # Idempotent (CREATE ... IF NOT EXISTS); executescript manages its own transaction.
            self._db.executescript(_SCHEMA)
            with self.transaction():
                found = self._meta("schema_version")
                if found is None:
                    self._set_meta("schema_version", str(SCHEMA_VERSION))
                elif int(found) > SCHEMA_VERSION:
                    raise StoreError(f"{self.path}: store schema {found} is newer than this retold ({SCHEMA_VERSION})")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: not a retold store ({error})") from error

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- settings -----------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def bind_settings(self, settings: dict[str, Any]) -> None:
        """Record the settings that stored fingerprints depend on, or check they match."""
        wanted = json.dumps(settings, sort_keys=True)
        found = self._meta("fingerprint_settings")
        if found is None:
            with self.transaction():
                self._set_meta("fingerprint_settings", wanted)
        elif found != wanted:
            raise StoreError(
                f"{self.path}: store was built with {found}; this run asks for {wanted}. "
                "Use another --store or the same settings."
            )

    # -- documents ------------------------------------------------------------

    def known(self, ids: Sequence[str]) -> dict[str, str]:
        """``id -> raw_hash`` of the given ids already stored."""
        found: dict[str, str] = {}
        for start in range(0, len(ids), 900):
            chunk = list(ids[start : start + 900])
            marks = ",".join("?" * len(chunk))
            for doc_id, raw_hash in self._db.execute(
                f"SELECT id, raw_hash FROM documents WHERE id IN ({marks})", chunk
            ):
                found[doc_id] = raw_hash
        return found

    def add(self, prepared: Sequence[PreparedDocument]) -> int:
        """Store a batch of documents atomically; returns how many were added."""
        with self.transaction() as db:
            last = db.execute("SELECT COALESCE(MAX(seq), 0) FROM documents").fetchone()[0]
            seqs = range(last + 1, last + 1 + len(prepared))
            db.executemany(
                "INSERT INTO documents (seq, id, path, location, text, title, date, url, outlet, byline, raw_hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (seq, d.id, d.path, d.location, d.text, d.title, d.date, d.url, d.outlet, d.byline, p.raw_hash)
                    for seq, p in zip(seqs, prepared, strict=True)
                    for d in (p.document,)
                ],
            )
            db.executemany(
                "INSERT INTO cleaned (seq, cleaned, lines) VALUES (?, ?, ?)",
                [
                    (seq, json.dumps(cleaned_to_dict(p.cleaned)), p.lines.astype(np.uint64).tobytes())
                    for seq, p in zip(seqs, prepared, strict=True)
                ],
            )
            db.executemany(
                "INSERT INTO fingerprints (seq, final, recurring_key, body_hash, signature, anchors, vector, mentions)"
                " VALUES (?, NULL, '', ?, ?, ?, ?, ?)",
                [
                    (
                        seq,
                        p.body_hash,
                        p.signature.astype(np.uint32).tobytes(),
                        p.anchors.tobytes(),
                        p.vector.astype(np.float16).tobytes(),
                        _mentions_json(p.mentions),
                    )
                    for seq, p in zip(seqs, prepared, strict=True)
                ],
            )
        return len(prepared)

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def documents(self, seqs: Sequence[int] | None = None) -> Iterator[Document]:
        """Stored documents in insertion order (all, or the given seqs)."""
        columns = "id, text, path, location, title, date, url, outlet, byline"
        for row in self._select(f"SELECT seq, {columns} FROM documents", seqs):
            yield Document(*row[1:])

    def _select(self, query: str, seqs: Sequence[int] | None, column: str = "seq") -> Iterator[tuple]:
        if seqs is None:
            yield from self._db.execute(f"{query} ORDER BY {column}")
            return
        ordered = sorted({int(s) for s in seqs})
        # SQLite caps bound parameters per statement; 900 stays under every build's limit.
        for start in range(0, len(ordered), 900):
            chunk = ordered[start : start + 900]
            marks = ",".join("?" * len(chunk))
            yield from self._db.execute(f"{query} WHERE {column} IN ({marks}) ORDER BY {column}", chunk)

    def line_hashes(self) -> tuple[np.ndarray, list[np.ndarray]]:
        """Seqs of all documents and each one's body line hashes."""
        seqs: list[int] = []
        lines: list[np.ndarray] = []
        for seq, blob in self._db.execute("SELECT seq, lines FROM cleaned ORDER BY seq"):
            seqs.append(seq)
            lines.append(np.frombuffer(blob, dtype=np.uint64))
        return np.asarray(seqs, dtype=np.int64), lines

    def recurring_keys(self) -> dict[int, str]:
        return dict(self._db.execute("SELECT seq, recurring_key FROM fingerprints"))

    def cleaned(self, seqs: Sequence[int] | None = None) -> Iterator[tuple[int, CleanDocument, bool]]:
        """``(seq, final cleaning, whether corpus boilerplate changed it)`` in seq order."""
        query = "SELECT c.seq, c.cleaned, f.final FROM cleaned c JOIN fingerprints f ON f.seq = c.seq"
        for seq, base, final in self._select(query, seqs, column="c.seq"):
            yield seq, cleaned_from_dict(json.loads(final or base)), final is not None

    def rule_cleaned(self, seqs: Sequence[int]) -> Iterator[tuple[int, CleanDocument]]:
        """``(seq, the rules' cleaning)``, before corpus boilerplate."""
        for seq, base in self._select("SELECT seq, cleaned FROM cleaned", seqs):
            yield seq, cleaned_from_dict(json.loads(base))

    def update_final(self, updates: Sequence[FinalUpdate]) -> None:
        """Replace the final cleaning and fingerprints of some documents, atomically."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE fingerprints SET final = ?, recurring_key = ?, body_hash = ?, signature = ?,"
                " anchors = ?, vector = ?, mentions = ? WHERE seq = ?",
                [
                    (
                        None if u.final is None else json.dumps(cleaned_to_dict(u.final)),
                        u.recurring_key,
                        u.body_hash,
                        u.signature.astype(np.uint32).tobytes(),
                        u.anchors.astype(np.uint64).tobytes(),
                        u.vector.astype(np.float16).tobytes(),
                        _mentions_json(u.mentions),
                        u.seq,
                    )
                    for u in updates
                ],
            )

    def fingerprints(self, num_perm: int, with_relations: bool = True) -> StoredFingerprints:
        """Every document's fingerprints, in seq order.

        Signatures are read straight into one array (a million documents: 512 MB, not
        twice that). Without ``with_relations`` (deduplication) anchors and vectors are
        left out: empty anchor arrays and a (n, 0) vector matrix.
        """
        (count,) = self._db.execute("SELECT COUNT(*) FROM fingerprints").fetchone()
        seqs = np.empty(count, dtype=np.int64)
        ids: list[str] = []
        hashes: list[str] = []
        signatures = np.empty((count, num_perm), dtype=np.uint32)
        anchors: list[np.ndarray] = []
        vectors: list[bytes] = []
        columns = "f.anchors, f.vector" if with_relations else "NULL, NULL"
        rows = self._db.execute(
            f"SELECT f.seq, d.id, f.body_hash, f.signature, {columns} FROM fingerprints f"
            " JOIN documents d ON d.seq = f.seq ORDER BY f.seq"
        )
        empty = np.zeros(0, dtype=np.uint64)
        for k, (seq, doc_id, body_hash, signature, anchor_blob, vector) in enumerate(rows):
            seqs[k] = seq
            ids.append(doc_id)
            hashes.append(body_hash)
            signatures[k] = np.frombuffer(signature, dtype=np.uint32)
            if with_relations:
                anchors.append(np.frombuffer(anchor_blob, dtype=np.uint64))
                vectors.append(vector)
        if not with_relations:
            anchors = [empty] * count
        dims = {len(v) for v in vectors}
        matrix = (
            np.frombuffer(b"".join(vectors), dtype=np.float16).reshape(len(vectors), -1).astype(np.float32)
            if len(dims) == 1 and 0 not in dims
            else np.zeros((count, 0), dtype=np.float32)
        )
        return StoredFingerprints(seqs, ids, hashes, signatures, anchors, matrix)

    def load_state(self, name: str) -> bytes | None:
        row = self._db.execute("SELECT value FROM state WHERE name = ?", (name,)).fetchone()
        return bytes(row[0]) if row else None

    def save_state(self, name: str, value: bytes) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO state (name, value) VALUES (?, ?)", (name, value))

    def quote_inputs(self) -> tuple[list[QuoteMention], dict[str, str | None]]:
        """Every stored quotation mention, and each document's date (reader's, else cleaning's)."""
        mentions: list[QuoteMention] = []
        dates: dict[str, str | None] = {}
        for doc_id, date, base, final, found in self._db.execute(
            "SELECT d.id, d.date, c.cleaned, f.final, f.mentions FROM documents d"
            " JOIN cleaned c ON c.seq = d.seq JOIN fingerprints f ON f.seq = d.seq ORDER BY d.seq"
        ):
            dates[doc_id] = date or json.loads(final or base).get("date")
            mentions.extend(mention_from_dict(m) for m in json.loads(found))
        return mentions, dates

    # -- results ----------------------------------------------------------------

    def forget_pairs_unless(self, logic_version: str) -> None:
        """Drop the verified pairs when they were computed by other verification logic
        (another retold version), so they are recomputed rather than reused."""
        if self._meta("pair_logic") != logic_version:
            with self.transaction() as db:
                db.execute("DELETE FROM pairs")
                self._set_meta("pair_logic", logic_version)

    def cached_pairs(self) -> dict[tuple[str, str], tuple[str, str, Pair | None]]:
        """Verified pairs: ``(a, b) -> (hash_a, hash_b, pair or None when unrelated)``."""
        out: dict[tuple[str, str], tuple[str, str, Pair | None]] = {}
        for a, b, hash_a, hash_b, label, record in self._db.execute(
            "SELECT a, b, hash_a, hash_b, label, record FROM pairs"
        ):
            out[(a, b)] = (hash_a, hash_b, pair_from_dict(json.loads(record)) if label else None)
        return out

    def cache_pairs(self, rows: Sequence[tuple[str, str, str, str, Pair | None]]) -> None:
        """Keep verified pairs as they are computed, so a killed run does not verify them again."""
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO pairs (a, b, hash_a, hash_b, label, record) VALUES (?, ?, ?, ?, ?, ?)",
                [_pair_row(row) for row in rows],
            )

    def replace_pairs(self, rows: Sequence[tuple[str, str, str, str, Pair | None]], results: dict[str, Any]) -> None:
        """Replace every verified pair and the named results in one transaction."""
        with self.transaction() as db:
            db.execute("DELETE FROM pairs")
            db.executemany(
                "INSERT INTO pairs (a, b, hash_a, hash_b, label, record) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        a,
                        b,
                        ha,
                        hb,
                        pair.label if pair else None,
                        json.dumps(pair_to_dict(pair)) if pair else "{}",
                    )
                    for a, b, ha, hb, pair in rows
                ],
            )
            for name, value in results.items():
                db.execute("INSERT OR REPLACE INTO results (name, value) VALUES (?, ?)", (name, json.dumps(value)))

    def related_pairs(self) -> list[Pair]:
        return [
            pair_from_dict(json.loads(record))
            for (record,) in self._db.execute("SELECT record FROM pairs WHERE label IS NOT NULL ORDER BY a, b")
        ]

    def result(self, name: str) -> Any:
        row = self._db.execute("SELECT value FROM results WHERE name = ?", (name,)).fetchone()
        return json.loads(row[0]) if row else None
