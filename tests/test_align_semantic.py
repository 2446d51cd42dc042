"""Semantic (sentence) alignment and the combined aligner, on the sample articles and generated pairs."""

from __future__ import annotations

import itertools
import re
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retold.align import coverage
from retold.align_semantic import SemanticAlignConfig, _heaviest_chain, align, align_sentences, sentence_order, stem
from retold.clean.document import clean_document
from retold.config import CleanConfig
from retold.model import Document, Passage, Span
from retold.sentences import sentences
from retold.text import words

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "seeds"


def seed(prefix: str) -> tuple[str, list[Span]]:
    """A sample article and its body as cleaning finds it (boilerplate left out)."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    raw = path.read_text(encoding="utf-8")
    cleaned = clean_document(Document(id=path.stem, text=raw, path=str(path)), CleanConfig())
    return raw, list(cleaned.body)


def whole(text: str) -> list[Span]:
    return [Span(0, len(text))]


def find(raw: str, text: str) -> Span:
    """Where ``text`` is in ``raw``, any white space (the samples have no-break spaces) matching any."""
    found = re.search(r"\s+".join(map(re.escape, text.split())), raw)
    assert found is not None, text
    return Span(found.start(), found.end())


def holding(passages: list[Passage], raw_a: str, text_a: str, raw_b: str, text_b: str) -> list[Passage]:
    """Passages whose a side contains ``text_a`` and whose b side contains ``text_b``."""
    at_a, at_b = find(raw_a, text_a), find(raw_b, text_b)
    return [p for p in passages if p.a_span.contains(at_a) and p.b_span.contains(at_b)]


RAW_000, BODY_000 = seed("000")
RAW_001, BODY_001 = seed("001")
RAW_002, BODY_002 = seed("002")
RAW_003, BODY_003 = seed("003")
RAW_004, BODY_004 = seed("004")

SPUN_000 = (
    "Despite local militias’ warnings, a Pentagon official told The Washington Newsday that US forces will "
    "remain in Iraq after combat operations cease on December 31."
)
SOURCE_001 = (
    "Defying a warning from local militias, a Pentagon official has told Newsweek that U.S. forces will "
    "remain in Iraq after the scheduled end of combat operations on December 31."
)


# --- the sample articles ---------------------------------------------------------------


def test_spun_rewrite_is_aligned_sentence_by_sentence_as_reworded() -> None:
    passages = align_sentences(RAW_000, BODY_000, RAW_001, BODY_001)
    # Measured: 0.95 of 000's body and 0.67 of 001's (000 condenses the first two thirds of 001).
    assert coverage(passages, BODY_000, "a") >= 0.85
    assert coverage(passages, BODY_001, "b") >= 0.5
    (found,) = holding(passages, RAW_000, SPUN_000, RAW_001, SOURCE_001)
    assert found.kind == "reworded"
    assert 0.3 < found.score <= 1.0


def test_combined_alignment_keeps_the_copied_clauses_lexical_and_fills_in_the_rewording() -> None:
    passages = align(RAW_000, BODY_000, RAW_001, BODY_001)
    kinds = {p.kind for p in passages}
    assert {"edited", "reworded"} <= kinds
    # Measured: 0.86 of 000's body in all.
    assert coverage(passages, BODY_000, "a") >= 0.75
    assert coverage([p for p in passages if p.kind == "reworded"], BODY_000, "a") >= 0.3
    statement = "The United States will honor its commitments made during the July 2021 U.S.-Iraq Strategic Dialogue"
    source = "The United States will uphold the commitments it made during the July 2021 U.S.-Iraq Strategic Dialogue"
    edited = [p for p in passages if p.kind == "edited"]
    assert any(
        _overlaps(p.a_span, find(RAW_000, statement)) and _overlaps(p.b_span, find(RAW_001, source)) for p in edited
    )


def _overlaps(x: Span, y: Span) -> bool:
    return x.start < y.end and y.start < x.end


def test_independent_reports_of_one_story_share_nothing_of_note() -> None:
    for (raw_a, body_a), (raw_b, body_b) in [
        ((RAW_003, BODY_003), (RAW_004, BODY_004)),
        ((RAW_001, BODY_001), (RAW_003, BODY_003)),
        ((RAW_002, BODY_002), (RAW_004, BODY_004)),
    ]:
        for method in (align_sentences, align):
            passages = method(raw_a, body_a, raw_b, body_b)
            assert coverage(passages, body_a, "a") <= 0.05
            assert coverage(passages, body_b, "b") <= 0.05


def test_shared_statement_of_000_and_002_is_verbatim() -> None:
    passages = align(RAW_000, BODY_000, RAW_002, BODY_002)
    statement = re.compile(r"We affirm that the weapons of the honorable resistance.*?December 31, 2021")
    in_a, in_b = statement.search(RAW_000), statement.search(RAW_002)
    assert in_a is not None and in_b is not None
    (found,) = holding(passages, RAW_000, in_a.group(), RAW_002, in_b.group())
    assert found.kind == "verbatim" and found.score == 1.0
    # Sentence alignment alone finds the statement too, inside a passage of its paragraph's neighbours.
    assert holding(align_sentences(RAW_000, BODY_000, RAW_002, BODY_002), RAW_000, in_a.group(), RAW_002, in_b.group())


# A paragraph of 001, spun by hand the way content farms do: synonyms, reordered
# clauses, the same facts.
PARAGRAPH_001 = (
    "Defense Secretary Lloyd Austin expressed a similar sentiment over the weekend during a meeting in the "
    "Bahraini capital of Manama with his Iraqi Defense Minister Jumah Inad Sadun al-Jaburi"
)
SPUN_PARAGRAPH = (
    "Pentagon chief Lloyd Austin voiced a comparable view at the weekend in talks held in Manama, the Bahraini "
    "capital, with Iraq's defence minister Jumah Inad Sadun al-Jaburi, assuring him that no American troops "
    "would have a fighting role once the year ends, the Defense Department said. According to Saturday's "
    "readout, the two men talked about the coming stage of the American military mission in Iraq, which is to "
    "concentrate on counselling, helping and exchanging intelligence with the Iraqi Security Forces as they "
    "fight to defeat ISIS."
)


def test_a_synonym_spun_paragraph_is_found_as_reworded() -> None:
    paragraphs = RAW_003.split("\n\n")
    doc = "\n\n".join([*paragraphs[:4], SPUN_PARAGRAPH, *paragraphs[4:9]])
    for method in (align_sentences, align):
        passages = method(doc, whole(doc), RAW_001, BODY_001)
        (found,) = holding(passages, doc, SPUN_PARAGRAPH[:60], RAW_001, PARAGRAPH_001)
        assert found.kind == "reworded"
        start = doc.index(SPUN_PARAGRAPH)
        assert found.a_span == Span(start, start + len(SPUN_PARAGRAPH))
        # Nothing of 003 around it is claimed.
        assert coverage(passages, whole(doc), "a") < 1.3 * len(SPUN_PARAGRAPH) / len(doc)


# --- the embedding signal ----------------------------------------------------------------

SYNONYMS = {
    "leader": "president",
    "promised": "vowed",
    "soldiers": "troops",
    "exit": "leave",
    "nation": "country",
    "ahead": "before",
    "december": "winter",
    "festivities": "holidays",
    "coming": "arrived",
    "season": "year",
}
SENTENCE_A = "The president vowed that the troops would leave the country before the winter holidays arrived this year."
SENTENCE_B = (
    "The leader promised that the soldiers would exit the nation ahead of the December festivities coming this season."
)
FILLER_A = (
    "Markets were calm on Monday as traders waited for the central bank to publish its quarterly report on prices."
)
FILLER_B = (
    "A storm closed the harbour on Tuesday, and fishing boats stayed tied up while forecasters warned of more rain."
)


def concept_vectors(texts: list[str]) -> np.ndarray:
    """A stand-in sentence embedder: synonyms folded together, words hashed into 256 dimensions."""
    rows = np.zeros((len(texts), 256), dtype=np.float32)
    for row, text in zip(rows, texts, strict=True):
        for word in words(text):
            row[zlib.crc32(SYNONYMS.get(word, word).encode()) % 256] += 1.0
        row /= max(float(np.linalg.norm(row)), 1e-9)
    return rows


def test_embeddings_find_what_shares_no_words() -> None:
    a = f"{FILLER_A} {SENTENCE_A}"
    b = f"{SENTENCE_B} {FILLER_B}"
    assert align_sentences(a, whole(a), b, whole(b)) == []
    passages = align_sentences(a, whole(a), b, whole(b), sentence_vectors=concept_vectors)
    assert [(a[p.a_span.start : p.a_span.end], b[p.b_span.start : p.b_span.end], p.kind) for p in passages] == [
        (SENTENCE_A, SENTENCE_B, "reworded")
    ]
    assert passages[0].score > 0.8
    assert align(a, whole(a), b, whole(b), sentence_vectors=concept_vectors) == passages


def test_an_embedder_must_return_one_row_per_sentence() -> None:
    with pytest.raises(ValueError, match="one row per sentence"):
        align_sentences(
            RAW_000, BODY_000, RAW_001, BODY_001, sentence_vectors=lambda texts: np.zeros((1, 4), dtype=np.float32)
        )


# --- whole-text paraphrase --------------------------------------------------------------

# 001's first fourteen paragraphs restated in a brasher tone (see tests/test_relate.py).
RETONED_001 = (Path(__file__).resolve().parent / "data" / "retoned_001.txt").read_text(encoding="utf-8")
_START, _END = RAW_001.index("Defying a warning"), RAW_001.index("Leave a Reply")
FIRST_14_OF_001 = "\n\n".join(RAW_001[_START:_END].strip().split("\n\n")[:14])
NO_PARAPHRASE = SemanticAlignConfig(paraphrase_min_links=1_000_000)


def cleaned(text: str, name: str) -> tuple[str, list[Span]]:
    found = clean_document(Document(id=name, text=text, path=f"{name}.txt"), CleanConfig())
    return text, list(found.body)


ORDER_CASES = {
    "retoned": (*cleaned(FIRST_14_OF_001, "a"), *cleaned(RETONED_001, "b")),
    "000-001": (RAW_000, BODY_000, RAW_001, BODY_001),
    "000-002": (RAW_000, BODY_000, RAW_002, BODY_002),
    "001-002": (RAW_001, BODY_001, RAW_002, BODY_002),
    "003-004": (RAW_003, BODY_003, RAW_004, BODY_004),
}


@pytest.mark.parametrize(
    ("case", "links", "covered", "names", "paraphrase"),
    [
        # Every sentence restated in turn, the names and numbers kept.
        ("retoned", 14, (0.9393, 0.9805), (0.8125, 1.0), True),
        # A rewrite that condenses its source: the seeds find it, not this.
        ("000-001", 10, (0.8957, 0.6052), (0.9268, 0.5588), False),
        # Articles on one story sharing passages in the same order: each has its own
        # sentences, and names what the other does not.
        ("000-002", 7, (0.6811, 0.7742), (0.4634, 0.8261), False),
        ("001-002", 5, (0.3619, 0.6764), (0.2794, 0.8261), False),
        # Independent reports.
        ("003-004", 4, (0.2941, 0.1649), (0.4516, 0.2593), False),
    ],
)
def test_sentence_order_tells_a_whole_text_paraphrase_from_articles_sharing_passages(
    case: str, links: int, covered: tuple[float, float], names: tuple[float, float], paraphrase: bool
) -> None:
    order = sentence_order(*ORDER_CASES[case])
    assert len(order.links) == links
    assert (round(order.covered_a, 4), round(order.covered_b, 4)) == covered
    assert (round(order.names_a, 4), round(order.names_b, 4)) == names
    assert order.paraphrase is paraphrase


def test_a_whole_text_paraphrase_is_aligned_whole() -> None:
    raw_a, body_a, raw_b, body_b = ORDER_CASES["retoned"]
    seeds_only = align(raw_a, body_a, raw_b, body_b, NO_PARAPHRASE)
    assert coverage(seeds_only, body_a, "a") < 0.4 and coverage(seeds_only, body_b, "b") < 0.4
    passages = align(raw_a, body_a, raw_b, body_b)
    assert coverage(passages, body_a, "a") > 0.9 and coverage(passages, body_b, "b") > 0.9
    assert {p.kind for p in passages} >= {"reworded"}
    order = sentence_order(raw_a, body_a, raw_b, body_b)
    # Every sentence of the order is aligned, by the order or by a lexical passage.
    for span_a, span_b in order.links:
        assert any(p.a_span.start < span_a.end and span_a.start < p.a_span.end for p in passages)
        assert any(p.b_span.start < span_b.end and span_b.start < p.b_span.end for p in passages)


def test_articles_sharing_passages_gain_nothing_from_the_order() -> None:
    for case in ("000-001", "000-002", "001-002", "003-004"):
        assert align(*ORDER_CASES[case]) == align(*ORDER_CASES[case], NO_PARAPHRASE)


# Two reports of one court case at different stages, written in the same wire style:
# sentence for sentence in the same order, but each with its own dates, ages and people.
BRIEF_A = """A Texas man has pleaded not guilty to murder charges over the death of a Dallas nurse.

Trial is set for May 4 for 31-year-old Daniel Reyes of Mesquite, who is accused of stabbing Laura Kent at her home.

The Morning News reports Reyes has been held without bond at the county jail since his arrest on March 2.

Kent's body was found in her apartment on February 27.

Prosecutors allege Reyes attacked Kent after an argument over money.

His lawyers want the court to exclude phone records that police obtained without a warrant."""
BRIEF_B = """The murder trial of a Mesquite man charged in the death of a Dallas nurse opened on Monday.

Prosecutors say 32-year-old Daniel Reyes stabbed 29-year-old Laura Kent at her home in October 2019.

The Dallas Observer reported that the trial is expected to last two weeks.

Detectives found Kent's body in her apartment after neighbours called police.

Prosecutors told jurors that Reyes attacked Kent because she had ended their relationship.

Defense attorney Paul Ortega said phone records show Reyes was at work that night."""


def test_parallel_reports_with_their_own_names_are_no_paraphrase() -> None:
    order = sentence_order(BRIEF_A, whole(BRIEF_A), BRIEF_B, whole(BRIEF_B))
    assert (len(order.links), order.covered_a, order.covered_b) == (6, 1.0, 1.0)
    assert (round(order.names_a, 4), round(order.names_b, 4)) == (0.4286, 0.4286)
    assert not order.paraphrase
    passages = align(BRIEF_A, whole(BRIEF_A), BRIEF_B, whole(BRIEF_B))
    assert coverage(passages, whole(BRIEF_A), "a") < 0.7
    # The order alone would align them whole.
    blind = align(BRIEF_A, whole(BRIEF_A), BRIEF_B, whole(BRIEF_B), SemanticAlignConfig(paraphrase_names=0.0))
    assert coverage(blind, whole(BRIEF_A), "a") > 0.95


def test_names_are_numbers_and_capitalised_words_inside_sentences() -> None:
    a = "In July, President Joe Biden met 42 leaders in Rome. Officials said the talks went well."
    b = "Officials said President Joe Biden met leaders in July."
    order = sentence_order(a, whole(a), b, whole(b))
    # a: july, president, joe, biden, 42, rome; b: president, joe, biden, july. "In" is a
    # stop word and "Officials" opens its sentence.
    assert (order.names_a, order.names_b) == (4 / 6, 1.0)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(1, 5)), max_size=9))
def test_heaviest_chain_is_the_heaviest_increasing_run(items: list[tuple[int, int]]) -> None:
    values = [value for value, _ in items]
    weights = [float(weight) for _, weight in items]
    chain = _heaviest_chain(values, weights, 8)
    assert chain == sorted(set(chain))
    assert all(values[x] < values[y] for x, y in itertools.pairwise(chain))
    best = max(
        (
            sum(weights[k] for k in subset)
            for size in range(len(items) + 1)
            for subset in itertools.combinations(range(len(items)), size)
            if all(values[x] < values[y] for x, y in itertools.pairwise(subset))
        ),
        default=0.0,
    )
    assert sum(weights[k] for k in chain) == best


# --- behaviour -------------------------------------------------------------------------


def test_identical_text_is_one_verbatim_passage() -> None:
    passages = align_sentences(RAW_001, BODY_001, RAW_001, BODY_001)
    assert [p.kind for p in passages] == ["verbatim"]
    assert coverage(passages, BODY_001, "a") > 0.99


def test_deterministic_and_mirrored() -> None:
    forward = align_sentences(RAW_000, BODY_000, RAW_001, BODY_001)
    assert forward == align_sentences(RAW_000, BODY_000, RAW_001, BODY_001)
    backward = align_sentences(RAW_001, BODY_001, RAW_000, BODY_000)
    assert {(p.a_span, p.b_span, p.kind) for p in forward} == {(p.b_span, p.a_span, p.kind) for p in backward}


def test_empty_and_short_texts() -> None:
    for method in (align_sentences, align):
        assert method("", [], "", []) == []
        assert method("Hello there.", whole("Hello there."), "", []) == []
        assert method("Hello there.", whole("Hello there."), "Hello there.", whole("Hello there.")) == []


def test_stemmer_meets_inflections() -> None:
    assert stem("forces") == stem("forced") == stem("forcing") == stem("force")
    assert stem("militias") == stem("militia")
    assert stem("parties") == stem("party")
    assert stem("iraq") == "iraq"  # short words are left alone
    assert stem("militärs") == "militärs"  # and so are non-ASCII words


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_cosine": 1.5}, "min_cosine"),
        ({"min_gap": 5, "max_gap": 4}, "min_gap"),
        ({"summary_max_gap": 2}, "summary_max_gap"),
        ({"summary_ratio": 0.5}, "summary_ratio"),
        ({"min_words": 0}, "min_words"),
        ({"claim_fraction": 0.0}, "claim_fraction"),
        ({"stem_length": 2}, "stem_length"),
        ({"paraphrase_cover": 1.5}, "paraphrase_cover"),
        ({"paraphrase_names": -0.1}, "paraphrase_names"),
        ({"paraphrase_min_links": 0}, "paraphrase_min_links"),
    ],
)
def test_config_is_validated(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SemanticAlignConfig(**kwargs)


# --- properties on generated pairs -----------------------------------------------------

SENTENCES = [
    RAW_001[s.start : s.end] for s in sentences(RAW_001, BODY_001) if len(words(RAW_001[s.start : s.end])) >= 6
]


def _drop_words(sentence: str, every: int) -> str:
    kept = [w for k, w in enumerate(sentence.split()) if k % every]
    return " ".join(kept) if kept else sentence


@st.composite
def pairs(draw: st.DrawFn) -> tuple[str, list[Span], str, list[Span]]:
    """Two texts from 001's sentences: some shared (as is or with words dropped), some not,
    in paragraphs, with random paragraphs left out of the body."""
    picks = st.lists(st.integers(0, len(SENTENCES) - 1), min_size=1, max_size=14)
    a_sentences = [SENTENCES[k] for k in draw(picks)]
    b_sentences = []
    for sentence in a_sentences:
        action = draw(st.sampled_from(["copy", "drop", "skip", "other"]))
        if action == "copy":
            b_sentences.append(sentence)
        elif action == "drop":
            b_sentences.append(_drop_words(sentence, draw(st.integers(2, 5))))
        elif action == "other":
            b_sentences.append(SENTENCES[draw(st.integers(0, len(SENTENCES) - 1))])
    if not b_sentences:
        b_sentences = [SENTENCES[0]]

    def document(parts: list[str]) -> tuple[str, list[Span]]:
        text, body, position = "", [], 0
        for k in range(0, len(parts), 3):
            paragraph = " ".join(parts[k : k + 3])
            if draw(st.booleans()) or k == 0:
                body.append(Span(position, position + len(paragraph)))
            text += paragraph + "\n\n"
            position = len(text)
        return text, body

    raw_a, body_a = document(a_sentences)
    raw_b, body_b = document(b_sentences)
    return raw_a, body_a, raw_b, body_b


def _check_common(passages: list[Passage], raw_a: str, body_a: list[Span], raw_b: str, body_b: list[Span]) -> None:
    assert passages == sorted(passages, key=lambda p: (p.a_span.start, p.b_span.start))
    for side, raw, body in (("a_span", raw_a, body_a), ("b_span", raw_b, body_b)):
        spans = sorted(getattr(p, side) for p in passages)
        assert all(x.end <= y.start for x, y in itertools.pairwise(spans))
        for span in spans:
            assert 0 <= span.start < span.end <= len(raw)
            assert any(b.start <= span.start < b.end for b in body)
            assert any(b.start < span.end <= b.end for b in body)
    for p in passages:
        assert p.kind in ("verbatim", "edited", "reworded")
        assert 0.0 <= p.score <= 1.0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs())
def test_sentence_passages_start_and_end_on_sentence_boundaries(case: tuple[str, list[Span], str, list[Span]]) -> None:
    raw_a, body_a, raw_b, body_b = case
    passages = align_sentences(raw_a, body_a, raw_b, body_b)
    _check_common(passages, raw_a, body_a, raw_b, body_b)
    starts_a = {s.start for s in sentences(raw_a, body_a)}
    ends_a = {s.end for s in sentences(raw_a, body_a)}
    starts_b = {s.start for s in sentences(raw_b, body_b)}
    ends_b = {s.end for s in sentences(raw_b, body_b)}
    for p in passages:
        assert p.a_span.start in starts_a and p.a_span.end in ends_a
        assert p.b_span.start in starts_b and p.b_span.end in ends_b


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs())
def test_combined_passages_never_overlap(case: tuple[str, list[Span], str, list[Span]]) -> None:
    raw_a, body_a, raw_b, body_b = case
    passages = align(raw_a, body_a, raw_b, body_b)
    _check_common(passages, raw_a, body_a, raw_b, body_b)
    # Passage edges are word edges.
    for p in passages:
        for raw, span in ((raw_a, p.a_span), (raw_b, p.b_span)):
            assert raw[span.start].isalnum() or not raw[span.start].isspace()
            assert not raw[span.end - 1].isspace()


@st.composite
def paraphrase_pairs(draw: st.DrawFn) -> tuple[str, list[Span], str, list[Span]]:
    """001's first fourteen paragraphs and their re-toned text, each paragraph left out of
    the body now and then: the sentence order aligns them whole more often than not."""

    def document(text: str) -> tuple[str, list[Span]]:
        body, position = [], 0
        for paragraph in text.split("\n\n"):
            if draw(st.integers(0, 9)):
                body.append(Span(position, position + len(paragraph)))
            position += len(paragraph) + 2
        return text, body

    return (*document(FIRST_14_OF_001), *document(RETONED_001))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paraphrase_pairs())
def test_passages_of_a_paraphrase_never_overlap(case: tuple[str, list[Span], str, list[Span]]) -> None:
    raw_a, body_a, raw_b, body_b = case
    _check_common(align(raw_a, body_a, raw_b, body_b), raw_a, body_a, raw_b, body_b)
    passages = align_sentences(raw_a, body_a, raw_b, body_b)
    _check_common(passages, raw_a, body_a, raw_b, body_b)
    starts_a = {s.start for s in sentences(raw_a, body_a)}
    ends_b = {s.end for s in sentences(raw_b, body_b)}
    assert all(p.a_span.start in starts_a and p.b_span.end in ends_b for p in passages)
