"""The fast paths of the quotes stage give exactly what the straightforward code gives.

Each fast path is checked against a plain reference kept here (the code it replaced):
tokens and their features, sentences read without tokenising (``may_have_cue``),
one-word name runs, word counts of plain text, and entities found only when a mention
needs them; then the whole extraction on a sample document is pinned.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEEDS, SHARED
from retold.clean import clean_document
from retold.clean.spans import body_spans
from retold.config import CleanConfig
from retold.model import CleanDocument, Document, QuoteMention, Span
from retold.quotes import extract, extract_quotes, speakers
from retold.quotes.cues import DASHES, clauses, mask, may_have_cue
from retold.quotes.lexicon import (
    ABBREVIATIONS,
    NAME_PARTICLES,
    NOT_NAMES,
    ORGANISATION_CONNECTORS,
    ORGANISATION_HEADS,
    REPORTING_VERBS,
    TITLES,
)
from retold.quotes.marks import find_regions, paragraphs
from retold.quotes.phrases import Mention, Token, classify_run, tokenize
from retold.quotes.resolve import Entity, EntityIndex
from retold.text import words

# --- the reference: tokens as they were made and read before (properties on each read)

_REFERENCE_TOKEN = re.compile(r"(?P<quote>_+)|(?P<word>[^\W_](?:[^\W_]|['’.\-&](?=[^\W_]))*)|(?P<other>\S)")
_QUOTE_CHARS = frozenset('"“”„‟«»')
_TRIGGERS = REPORTING_VERBS | {"according"}

Row = tuple[str, int, int, str, str, bool, bool, bool, bool, bool]


def _reference_features(text: str, kind: str) -> tuple[str, bool, bool, bool, bool, bool]:
    key = text.casefold().replace(".", "").replace("’", "'")
    is_word = kind == "word"
    capitalised = is_word and text[0].isupper()
    possessive = is_word and key.endswith("'s") and len(key) > 2
    head, _, rest = text.partition("-")
    particle = key in NAME_PARTICLES or (bool(rest) and head.casefold() in NAME_PARTICLES and rest[:1].isupper())
    name_part = is_word and (capitalised or particle) and not possessive
    cue = is_word and text[0].islower() and key in REPORTING_VERBS
    return key, is_word, capitalised, possessive, name_part, cue


def _reference_tokens(text: str, start: int, end: int) -> list[Row]:
    out: list[Row] = []
    for m in _REFERENCE_TOKEN.finditer(text, start, end):
        if m.lastgroup == "quote":
            word, stop, kind = m.group(), m.end(), "quote"
        elif m.lastgroup == "word":
            word, stop, kind = m.group(), m.end(), "word"
            if (
                stop < len(text)
                and text[stop] == "."
                and (word.casefold() in ABBREVIATIONS or len(word) == 1 or "." in word)
            ):
                word, stop = word + ".", stop + 1
        else:
            word, stop = m.group(), m.end()
            kind = "mark" if word in _QUOTE_CHARS else "punct"
        out.append((word, m.start(), stop, kind, *_reference_features(word, kind)))
    return out


def _rows(tokens: Sequence[Token]) -> list[Row]:
    return [
        (t.text, t.start, t.end, t.kind, t.key, t.is_word, t.capitalised, t.possessive, t.name_part, t.cue)
        for t in tokens
    ]


def _reference_classify(run: Sequence[Token], keep: str = "last") -> Mention | None:
    """``classify_run`` without its one-word shortcut: the general rules alone."""
    tokens = list(run)
    while tokens and (tokens[0].key in NOT_NAMES or tokens[0].key in ORGANISATION_CONNECTORS):
        tokens.pop(0)
    while tokens and tokens[-1].key in ORGANISATION_CONNECTORS:
        tokens.pop()
    if not tokens:
        return None
    heads = [i for i, t in enumerate(tokens) if t.key in ORGANISATION_HEADS and t.capitalised]
    connectors = [i for i, t in enumerate(tokens) if t.key in ORGANISATION_CONNECTORS and not t.capitalised]
    if connectors and not heads:
        cut = connectors[-1] + 1 if keep == "last" else 0
        stop = len(tokens) if keep == "last" else connectors[0]
        return _reference_classify(tokens[cut:stop], keep)
    titles = [i for i, t in enumerate(tokens) if t.key in TITLES]
    last_title = titles[-1] if titles else -1
    after = tokens[last_title + 1 :]
    span = Span(tokens[0].start, tokens[-1].end)
    named_by_head = any(i > last_title for i in heads) or any(c > heads[0] for c in connectors) if heads else False
    text = " ".join(t.text for t in tokens)
    if named_by_head or (heads and not after):
        if len(tokens) == 1:
            return Mention(span, "group", text, tokens[-1].key)
        return Mention(span, "organisation", text)
    if after:
        if any(t.key in ORGANISATION_CONNECTORS for t in after):
            return None
        name = after[-4:]
        return Mention(Span(name[0].start, name[-1].end), "person", " ".join(t.text for t in name), outer=span)
    return Mention(span, "description", text, tokens[-1].key)


# --- text to try them on

_WORDS = [
    *sorted(REPORTING_VERBS)[:60],
    *sorted(TITLES)[:20],
    *sorted(ORGANISATION_HEADS)[:20],
    *sorted(NAME_PARTICLES),
    *"According according to the The of and he she it they his Obama's McNulty Jessica Kirby".split(),
    *"U.S. U.S Rep. Mr. a.m. F. al-Ameri bin-Laden SAID Said s.aid said..x x.said well-known".split(),
    *"İstanbul straße ﬁnal K Ǆemal 2021 42 _____ __".split(),
]
_CHARS = "aZé,.;:!?()'’\"“”„«»-–—―…&_ \t\n\u00a0\u00ad"
_text = st.lists(st.one_of(st.sampled_from(_WORDS), st.text(_CHARS, max_size=3)), max_size=40).map(" ".join)


def _seed_sentences() -> list[str]:
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        doc = Document(id=path.stem, text=path.read_text(encoding="utf-8"), path=str(path))
        cleaned = clean_document(doc, CleanConfig())
        masked = mask(doc.text, find_regions(doc.text, cleaned.body))
        out += [masked[s.start : s.end] for s in clauses(masked, paragraphs(doc.text, cleaned.body))]
    return out


SEED_SENTENCES = _seed_sentences()


# --- tokens


@given(_text, st.integers(0, 5), st.integers(0, 5))
@settings(max_examples=400, deadline=None)
def test_tokens_and_features_match_the_reference(text: str, cut_start: int, cut_end: int) -> None:
    start, end = min(cut_start, len(text)), max(min(cut_start, len(text)), len(text) - cut_end)
    assert _rows(tokenize(text, start, end)) == _reference_tokens(text, start, end)


def test_tokens_of_the_samples_match_the_reference() -> None:
    for sentence in SEED_SENTENCES:
        assert _rows(tokenize(sentence, 0, len(sentence))) == _reference_tokens(sentence, 0, len(sentence))


def test_a_token_made_directly_has_its_features() -> None:
    bare = Token("Obama", 3, 8, "word")  # as speakers makes one from "Obama's"
    features = (bare.key, bare.capitalised, bare.name_part, bare.possessive, bare.cue)
    assert features == ("obama", True, True, False, False)
    assert Token("Obama's", 3, 10, "word").possessive
    assert Token("said", 0, 4, "word") == Token("said", 0, 4, "word")
    assert Token(",", 0, 1, "punct").key == ","


# --- sentences read without tokenising


def _reference_has_trigger(sentence: str) -> bool:
    return any(row[4] in _TRIGGERS or row[0] in DASHES for row in _reference_tokens(sentence, 0, len(sentence)))


@given(_text)
@settings(max_examples=600, deadline=None)
def test_may_have_cue_misses_no_cue_start(sentence: str) -> None:
    if _reference_has_trigger(sentence):
        assert may_have_cue(sentence)


def test_may_have_cue_on_the_samples() -> None:
    skipped = 0
    for sentence in SEED_SENTENCES:
        if _reference_has_trigger(sentence):
            assert may_have_cue(sentence), sentence
        skipped += not may_have_cue(sentence)
    assert skipped > len(SEED_SENTENCES) // 4  # the point: many sentences are never tokenised


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The weather was fine on Monday.", False),
        ("The well-known dates are 2021-22.", False),
        ("He said so.", True),
        ("He SAID so.", True),
        ("It was, according to the report, fine.", True),
        ("“_____” — Jane Doe", True),
        ("Trump s.aid so.", True),  # a period inside a word: only tokenising tells
        ("Trump said...and left.", True),
        ("Erdoğan went home.", True),  # not plain text: only tokenising tells
    ],
)
def test_may_have_cue_examples(sentence: str, expected: bool) -> None:
    assert may_have_cue(sentence) is expected


# --- one-word runs


@given(st.sampled_from(_WORDS + [w.capitalize() for w in _WORDS]), st.sampled_from(["first", "last"]))
def test_one_word_runs_follow_the_general_rules(word: str, keep: str) -> None:
    token = Token(word, 10, 10 + len(word), "word")
    assert classify_run([token], keep) == _reference_classify([token], keep)  # type: ignore[arg-type]
    before = Token("The", 6, 9, "word")
    assert classify_run([before, token], keep) == _reference_classify([before, token], keep)


# --- word counts of plain text


@given(st.text(st.sampled_from("ab Z09_-'’‘“”—–.,\u00e9\u00ad\u2026\u00a0\t\n"), max_size=20), st.integers(1, 3))
@settings(max_examples=400, deadline=None)
def test_fewer_words_counts_as_words_does(text: str, n: int) -> None:
    assert extract._fewer_words(text, n) == (len(words(text)) < n)


# --- entities found only when needed


def _eager_index(starts: Sequence[int], texts: Sequence[str], find: object) -> EntityIndex:
    assert callable(find)
    return EntityIndex.of([e for k in range(len(starts)) for e in find(k)])


def _extract_eagerly(monkeypatch: pytest.MonkeyPatch, doc: Document, cleaned: CleanDocument) -> list[QuoteMention]:
    """Every sentence tokenised and all entities found up front, as before."""
    with monkeypatch.context() as patch:
        patch.setattr(speakers, "EntityIndex", _eager_index)
        patch.setattr(speakers, "may_have_cue", lambda sentence: True)
        return extract_quotes(doc, cleaned)


_SENTENCE_PARTS = [
    '"We will stay," ',
    "“They must leave now.” ",
    "Jessica McNulty said. ",
    "McNulty told reporters ",
    "he added. ",
    "She said that ",
    "it said in a statement: ",
    "The Defense Department said ",
    "the department ",
    "according to the Iraqi Resistance Coordination Commission. ",
    "Pentagon spokesman John Kirby ",
    "Kirby ",
    "— Jane Doe\n",
    "U.S. officials, ",
    "the commission warned. ",
    "\n",
    "In response, ",
    "“a total ban” ",
    "his call for ",
]


@given(st.lists(st.sampled_from(_SENTENCE_PARTS), min_size=1, max_size=30).map("".join))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_lazy_reading_matches_eager_reading_on_made_up_text(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    doc = Document(id="d", text=text, path="d.txt")
    cleaned = CleanDocument(doc_id="d", body=body_spans(text, ()), boilerplate=())
    assert extract_quotes(doc, cleaned) == _extract_eagerly(monkeypatch, doc, cleaned)


def _polnear_documents(limit: int) -> list[Document]:
    path = SHARED / "data" / "polnear" / "articles_dev.jsonl"
    if not path.exists():
        return []
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:limit] if line.strip()]
    return [Document(id=r["doc_id"], text=r["text"], path=str(path)) for r in records]


def test_lazy_reading_matches_eager_reading_on_real_text(monkeypatch: pytest.MonkeyPatch) -> None:
    documents = [
        Document(id=p.stem, text=p.read_text(encoding="utf-8"), path=str(p)) for p in sorted(SEEDS.glob("*.txt"))
    ]
    documents += _polnear_documents(40)
    found = 0
    for doc in documents:
        cleaned = clean_document(doc, CleanConfig())
        mentions = extract_quotes(doc, cleaned)
        assert mentions == _extract_eagerly(monkeypatch, doc, cleaned), doc.id
        found += len(mentions)
    assert found > 30


def test_entity_index_of_known_entities() -> None:
    a = Entity("Jessica McNulty", "person", 5, True, 2)
    b = Entity("Defense Department", "organisation", 40, True, 2)
    index = EntityIndex.of([b, a])
    assert list(index.before(41)) == [b, a]
    assert list(index.before(40)) == [a]
    assert index.holding("mcnulty") == [a, b]  # at least those holding it, in text order


# --- a whole document, pinned


def test_sample_004_mentions_are_pinned() -> None:
    path = next(SEEDS.glob("004_*.txt"))
    doc = Document(id=path.stem, text=path.read_text(encoding="utf-8"), path=str(path))
    mentions = extract_quotes(doc, clean_document(doc, CleanConfig()))

    def spans(span: Span | None) -> tuple[int, int] | None:
        return (span.start, span.end) if span else None

    got = [(m.span.start, m.span.end, m.speaker, spans(m.speaker_span), spans(m.cue)) for m in mentions]
    assert got == [
        (1385, 1572, "Qasim al-Araji", (1320, 1334), (1371, 1378)),
        (3013, 3028, None, None, None),
        (3445, 3476, "John Kirby", (3410, 3412), (3414, 3422)),
        (3483, 3621, "John Kirby", (3410, 3412), (3414, 3422)),
        (3842, 3905, "Some of them", (3759, 3771), (3827, 3835)),
        (4208, 4258, "Iranian Press TV", (4261, 4278), (4280, 4288)),
        (4493, 4543, "Kadhim al-Fartousi", (4353, 4371), (4480, 4486)),
        (4550, 4615, "Kadhim al-Fartousi", (4353, 4371), (4480, 4486)),
        (4636, 4657, "Kadhim al-Fartousi", (4617, 4619), (4625, 4631)),
    ]
