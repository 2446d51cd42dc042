"""Quotations: extraction (marks, paragraphs, boilerplate), speakers, grouping across documents."""

from __future__ import annotations

import json
import random
import sys

import pytest

from conftest import ROOT, SEEDS, SHARED
from retold.clean import clean_document
from retold.clean.spans import body_spans
from retold.config import CleanConfig
from retold.model import Boilerplate, CleanDocument, Document, Quote, Span
from retold.quotes import QuoteMention, extract_quotes, group_quotes, lexical_similarity, quotes_for, word_diff
from retold.quotes.group import LINK_THRESHOLD, candidate_pairs

SEED_DATES = {"000": "2021-11-23", "002": "2021-11-20", "004": "2021-12-13"}

# Every quotation a careful reader finds in the samples: the speaker (its last word must
# appear in the quotation's speaker) and, per wording, the documents quoting it and the
# start of the quoted words. Wordings listed together are one quotation.
SEED_QUOTES: list[tuple[str, list[tuple[list[str], str]]]] = [
    (
        "Iraqi Resistance Coordination Commission",
        [
            (["000", "002"], "We affirm that the weapons of the honorable resistance, which have been much discussed"),
            (["001"], "We affirm that the weapons of the honorable resistance, which have been talked about a lot"),
        ],
    ),
    (
        "Iraqi Resistance Coordination Commission",
        [
            (["000"], "despite the fact that only 42 days separate us from 12/31/2021"),
            (["002"], "despite the fact that only 42 days separate us from December 31, 2021"),
        ],
    ),
    (
        "Iraqi Resistance Coordination Commission",
        [(["000"], "not yet observed any symptoms of withdrawal"), (["002"], "not yet witnessed any symptoms")],
    ),
    (
        "Iraqi Resistance Coordination Commission",
        [(["000", "001", "002"], "not to withdraw from the country under the pretext that there was a request")],
    ),
    (
        "Jessica McNulty",
        [
            (["001"], "The United States will uphold the commitments it made during the July 2021"),
            (["000"], "The United States will honor its commitments made during the July 2021"),
        ],
    ),
    (
        "Jessica McNulty",
        [
            (["001"], "U.S. forces will remain in Iraq, at the invitation of the Government of Iraq"),
            (["000"], "United States military will remain in Iraq at the invitation of the Iraqi government"),
        ],
    ),
    ("Tahsin Al-Khafaji", [(["001"], "talking about extending the date for the withdrawal")]),
    ("Tahsin Al-Khafaji", [(["001"], "The relationship between the two parties after the departure")]),
    ("Hadi al-Ameri", [(["003"], "Our sovereignty is a red line")]),
    ("Hadi al-Ameri", [(["003"], "we do not accept any manipulation, fraud, or changes to missions")]),
    ("Qasim al-Araji", [(["004"], "today we finished the last round of dialogue with the international coalition")]),
    ("John Kirby", [(["004"], "there won’t be a dramatic shift")]),
    ("Kadhim al-Fartousi", [(["004"], "changing clothes and appearances is not withdrawal")]),
]


def _seed_documents() -> list[tuple[Document, CleanDocument]]:
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        doc = Document(
            id=path.stem, text=path.read_text(encoding="utf-8"), path=str(path), date=SEED_DATES.get(path.name[:3])
        )
        out.append((doc, clean_document(doc, CleanConfig())))
    return out


@pytest.fixture(scope="module")
def seed_quotes() -> tuple[list[Quote], dict[str, str]]:
    documents = _seed_documents()
    return quotes_for(documents), {doc.id[:3]: doc.text for doc, _ in documents}


def _holding(quotes: list[Quote], texts: dict[str, str], gid: str, excerpt: str) -> tuple[Quote, int]:
    """The quotation and occurrence index whose span holds the start of ``excerpt`` in document ``gid``."""
    pos = texts[gid].find(excerpt)
    assert pos >= 0, excerpt
    for quote in quotes:
        for k, occ in enumerate(quote.occurrences):
            if occ.doc[:3] == gid and occ.span.start <= pos < occ.span.end:
                return quote, k
    raise AssertionError(f"no quotation in {gid} holds {excerpt!r}")


def _document(text: str, doc_id: str = "d") -> tuple[Document, CleanDocument]:
    doc = Document(id=doc_id, text=text, path=f"{doc_id}.txt")
    return doc, CleanDocument(doc_id=doc_id, body=body_spans(text, ()), boilerplate=())


def _mentions(text: str) -> list[QuoteMention]:
    return extract_quotes(*_document(text))


def _one(text: str) -> QuoteMention:
    found = _mentions(text)
    assert len(found) == 1, found
    return found[0]


# The samples -----------------------------------------------------------------------


def test_every_seed_quotation_is_found_with_its_speaker(seed_quotes: tuple[list[Quote], dict[str, str]]) -> None:
    quotes, texts = seed_quotes
    for speaker, variants in SEED_QUOTES:
        for docs, excerpt in variants:
            for gid in docs:
                quote, _ = _holding(quotes, texts, gid, excerpt)
                assert speaker.split()[-1].casefold() in (quote.speaker or "").casefold(), (excerpt, quote.speaker)


def test_seed_variants_are_one_quotation_with_an_altered_occurrence(
    seed_quotes: tuple[list[Quote], dict[str, str]],
) -> None:
    quotes, texts = seed_quotes
    for _, variants in SEED_QUOTES:
        holders = [_holding(quotes, texts, gid, excerpt) for docs, excerpt in variants for gid in docs]
        assert len({quote.id for quote, _ in holders}) == 1, variants[0][1]
        if len(variants) > 1:
            assert any(quote.occurrences[k].altered for quote, k in holders), variants[0][1]


def test_the_pentagon_alteration_is_flagged_with_its_word_diff(
    seed_quotes: tuple[list[Quote], dict[str, str]],
) -> None:
    quotes, texts = seed_quotes
    quote, k_rewrite = _holding(quotes, texts, "000", "The United States will honor its commitments")
    _, k_original = _holding(quotes, texts, "001", "The United States will uphold the commitments")
    # Newsweek's wording is canonical: a second occurrence in 001 quotes part of it.
    assert quote.text.startswith("The United States will uphold the commitments it made")
    assert quote.speaker == "Jessica McNulty"
    rewrite, original = quote.occurrences[k_rewrite], quote.occurrences[k_original]
    assert not original.altered and original.diff == (("=", " ".join(original.text.split())),)
    assert rewrite.altered
    assert ("-", "uphold the") in rewrite.diff and ("+", "honor its") in rewrite.diff
    assert rewrite.diff[0] == ("=", "The United States will")


def test_a_fragment_of_a_longer_quotation_joins_it(seed_quotes: tuple[list[Quote], dict[str, str]]) -> None:
    quotes, texts = seed_quotes
    fragment, _ = _holding(
        quotes, texts, "001", "there will be no U.S. forces with a combat role by the end of the year,”"
    )
    whole, _ = _holding(quotes, texts, "001", "The United States will uphold")
    assert fragment.id == whole.id
    partial = next(o for o in fragment.occurrences if o.speaker == "Defense Department")
    assert not partial.altered  # quoting part of a statement is not altering it


def test_seed_quotation_ids_are_deterministic(seed_quotes: tuple[list[Quote], dict[str, str]]) -> None:
    quotes, _ = seed_quotes
    again = quotes_for(_seed_documents())
    assert [q.id for q in again] == [q.id for q in quotes]
    assert all(q.id.startswith("q") for q in quotes)
    assert len({q.id for q in quotes}) == len(quotes)


def test_quotations_in_boilerplate_are_not_extracted() -> None:
    documents = {doc.id[:3]: (doc, cleaned) for doc, cleaned in _seed_documents()}
    doc, cleaned = documents["004"]
    texts = [m.text for m in extract_quotes(doc, cleaned)]
    assert "Translate Website" not in " ".join(texts)  # a site notice, boilerplate
    text = "Caption: “a quoted caption here,” the photo says.\n\nJohn Smith said “the body quote is here.”"
    caption_end = text.index("\n")
    synthetic = Document(id="b", text=text, path="b.txt")
    boilerplate = (Boilerplate(Span(0, caption_end), "photo caption"),)
    clean = CleanDocument("b", body_spans(text, [Span(0, caption_end)]), boilerplate)
    assert [m.text for m in extract_quotes(synthetic, clean)] == ["the body quote is here."]


# Quotation marks and spans ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ('John Smith said "we will win the vote" on Monday.', "we will win the vote"),
        ("John Smith said “we will win the vote” on Monday.", "we will win the vote"),
        ("Jean Dupont a dit « nous gagnerons le vote » lundi.", "nous gagnerons le vote"),
        ("Hans Müller sagte „wir gewinnen die Wahl“ am Montag.", "wir gewinnen die Wahl"),
        ("Hans Müller sagte »wir gewinnen die Wahl« am Montag.", "wir gewinnen die Wahl"),
        ("Sven Berg sa ”vi vinner valet” i måndags.", "vi vinner valet"),
    ],
)
def test_each_style_of_quotation_mark(text: str, quoted: str) -> None:
    mention = _one(text)
    assert mention.text == quoted
    assert text[mention.span.start : mention.span.end] == quoted  # marks excluded, raw offsets


def test_a_quotation_of_several_sentences_is_one() -> None:
    text = "“We will stay. We will advise. We will leave when asked,” McNulty said."
    mention = _one(text)
    assert mention.text == "We will stay. We will advise. We will leave when asked"
    assert mention.speaker == "McNulty"


def test_a_partial_quotation_inside_a_sentence() -> None:
    text = (
        "The Iraqi Resistance Coordination Commission said its members were "
        "“closely monitoring the outcomes of the dialogue” held in July."
    )
    mention = _one(text)
    assert mention.text == "closely monitoring the outcomes of the dialogue"
    assert mention.speaker == "Iraqi Resistance Coordination Commission"
    assert text[mention.cue.start : mention.cue.end] == "said"


def test_a_quotation_running_over_paragraphs() -> None:
    text = (
        "Jane Doe spoke at the rally.\n\n"
        "“We came here to be heard. Nobody listened before.\n\n"
        "“Now they will listen to us,” she said.\n\n"
        "The rally ended at noon."
    )
    mention = _one(text)
    assert mention.text == "We came here to be heard. Nobody listened before. Now they will listen to us"
    assert text[mention.span.start :].startswith("We came here")
    assert text[: mention.span.end].endswith("listen to us")
    assert mention.speaker == "Jane Doe"


def test_an_unclosed_mark_stops_at_the_end_of_its_paragraph() -> None:
    text = (
        "John Smith said “this quotation is never closed.\n\n"
        "The next paragraph is reporting, with a phrase Smith called “a real quotation here” in it.\n\n"
        "A third paragraph follows."
    )
    first, second = _mentions(text)
    assert first.text == "this quotation is never closed."
    assert first.span.end == text.index("\n")
    assert second.text == "a real quotation here"


def test_markup_attributes_and_stray_marks_are_not_quotations() -> None:
    text = '<tweet author="@someone" date="2016-07-23">A post.</tweet>\n\n”\n\nJohn Smith said “we are ready,” again.”'
    assert [m.text for m in _mentions(text)] == ["we are ready"]


# Speakers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "“We will win the vote,” John Smith said.",
        "“We will win the vote,” said John Smith.",
        "“We will win the vote,” John Smith told Newsweek.",
        "John Smith told Newsweek that “we will win the vote.”",
        "John Smith, a party spokesman, said: “We will win the vote.”",
        "“We will win the vote” — John Smith",
    ],
)
def test_speaker_on_either_side_of_the_cue(text: str) -> None:
    assert _one(text).speaker == "John Smith"


def test_according_to_names_an_organisation() -> None:
    mention = _one("“There will be no U.S. forces with a combat role,” according to the Defense Department.")
    assert mention.speaker == "Defense Department"


def test_titles_and_roles_are_dropped_from_the_name() -> None:
    text = "Pentagon spokesperson Navy Commander Jessica McNulty said “the U.S. position remains unchanged.”"
    assert _one(text).speaker == "Jessica McNulty"
    text = "Qasim al-Araji, Iraq’s national security advisor, tweeted, “today we finished the last round of dialogue.”"
    assert _one(text).speaker == "Qasim al-Araji"


def test_a_pronoun_is_the_nearest_named_speaker_before_it() -> None:
    text = (
        "President Joe Biden spoke in July.\n\n"
        "Iraqi Major General Tahsin Al-Khafaji said Washington and Baghdad were sticking to their deal.\n\n"
        "“The relationship will be an advisory one,” he added."
    )
    mention = _one(text)
    assert mention.speaker == "Tahsin Al-Khafaji"
    assert text[mention.speaker_span.start : mention.speaker_span.end] == "he"


def test_the_statement_speaks_for_the_organisation() -> None:
    text = (
        "The Iraqi Resistance Coordination Commission sent a letter to The Washington Newsday on Friday.\n\n"
        "President Joe Biden stated in July that the mission would end.\n\n"
        "“We affirm that the weapons of the resistance will be ready,” the statement said.\n\n"
        "“We have not yet observed any symptoms of withdrawal,” the commission said."
    )
    statement, commission = _mentions(text)
    assert statement.speaker == "Iraqi Resistance Coordination Commission"  # not the newspaper, not Biden
    assert commission.speaker == "Iraqi Resistance Coordination Commission"


def test_a_short_name_is_the_full_name_used_earlier() -> None:
    text = (
        "Navy Commander Jessica McNulty, a Pentagon spokesperson, responded on Friday.\n\n"
        "“We will honor our commitments,” McNulty told reporters. “Our forces will remain in an advisory role.”"
    )
    first, second = _mentions(text)
    assert first.speaker == second.speaker == "Jessica McNulty"
    assert text[first.speaker_span.start : first.speaker_span.end] == "McNulty"


def test_a_participle_shares_the_subject_of_its_clause() -> None:
    text = (
        "Commenting on the agreement, Sheikh Kadhim al-Fartousi, spokesperson of the group, was quoted by "
        "Rudaw in August saying that “changing clothes and appearances is not withdrawal.”"
    )
    assert _one(text).speaker == "Kadhim al-Fartousi"


def test_an_unattributed_scare_quote_is_not_a_quotation() -> None:
    assert _mentions("It redeployed its troops to “safer” locations over two years.") == []


# Grouping --------------------------------------------------------------------------


def _mention(doc: str, text: str, speaker: str | None = None, start: int = 0) -> QuoteMention:
    return QuoteMention(doc, Span(start, start + len(text)), text, speaker)


def test_reworded_and_partial_occurrences_are_grouped_and_unrelated_ones_are_not() -> None:
    mentions = [
        _mention("a", "We have not yet observed any symptoms of withdrawal from the country", "Commission"),
        _mention("b", "We have not yet witnessed any symptoms of withdrawal from the country", "Commission"),
        _mention("c", "any symptoms of withdrawal from the country", "Commission"),
        _mention("d", "We will not yet accept any withdrawal plan from the government", "Commission"),
        _mention("e", "The weather was fine and the crowd was large on Sunday", None),
    ]
    quotes = group_quotes(mentions, {"a": "2021-11-20", "b": "2021-11-23", "c": None, "d": None, "e": None})
    grouped = [sorted(o.doc for o in q.occurrences) for q in quotes]
    assert sorted(grouped) == [["a", "b", "c"], ["d"], ["e"]]
    first = quotes[0]
    assert first.text == mentions[0].text  # equal support: the earliest dated wording
    by_doc = {o.doc: o for o in first.occurrences}
    assert not by_doc["a"].altered and not by_doc["c"].altered
    assert by_doc["b"].altered and ("-", "observed") in by_doc["b"].diff and ("+", "witnessed") in by_doc["b"].diff


def test_the_most_supported_wording_is_canonical() -> None:
    spun = "the weapons of the resistance, which have been much discussed in recent days, will be ready"
    mentions = [
        _mention(
            "a", "the weapons of the resistance, which have been talked about a lot in the past days, will be ready"
        ),
        _mention("b", spun),
        _mention("c", spun),
    ]
    (quote,) = group_quotes(mentions, {"a": "2021-01-01", "b": "2021-02-01", "c": "2021-03-01"})
    assert quote.text == spun  # two occurrences against one outweigh the earlier date
    assert [o.altered for o in quote.occurrences] == [True, False, False]


def test_a_plugged_similarity_decides_and_speakers_propose_candidates() -> None:
    mentions = [
        _mention("a", "Our forces stay to advise the Iraqi army", "Jessica McNulty"),
        _mention("b", "American troops remain as counsellors to Baghdad's military", "McNulty"),
    ]
    assert len(group_quotes(mentions, {})) == 2  # no shared words: lexically different

    def same_meaning(x: str, y: str) -> float:
        return 0.9

    (quote,) = group_quotes(mentions, {}, similarity=same_meaning, threshold=0.8)
    assert quote.speaker == "Jessica McNulty"


def test_blocking_does_not_compare_all_pairs() -> None:
    rng = random.Random(3)
    vocabulary = [f"w{i}" for i in range(3000)]
    wordings = [tuple(rng.choice(vocabulary) for _ in range(12)) for _ in range(2000)]
    wordings += [w[:8] for w in wordings[:50]]  # fragments of the first fifty
    pairs = candidate_pairs(wordings)
    assert {(k, 2000 + k) for k in range(50)} <= pairs
    assert len(pairs) < 1000  # against about two million pairs


def test_lexical_similarity() -> None:
    assert lexical_similarity("Our sovereignty is a red line", "“our sovereignty is a red line!”") == 1.0
    assert lexical_similarity("safer locations", "safer streets") == 0.0
    assert lexical_similarity("I think it's funny", "I think it's coming") == 0.0
    fragment = "there will be no U.S. forces with a combat role by the end of the year"
    assert lexical_similarity(fragment, f"We said that {fragment}, as agreed in July.") == 1.0
    slogan = "make America great again"  # too few content words to stand for a whole speech
    assert lexical_similarity(slogan, f"We are going to turn it around and {slogan}") < LINK_THRESHOLD


def test_word_diff_tells_alteration_from_partial_quotation() -> None:
    canonical = "The United States will uphold the commitments it made during the dialogue"
    assert word_diff(canonical, "the commitments it made during the dialogue") == (
        (("=", "the commitments it made during the dialogue"),),
        False,
    )
    longer, altered = word_diff(canonical, f"{canonical}, including the end of combat.")
    assert not altered and longer[-1] == ("+", "including the end of combat")
    assert word_diff(canonical, "The United States will uphold the commitments it made during the talks")[1]
    assert not word_diff(canonical, "“the United States will uphold the commitments, it made during the dialogue.”")[1]


# PolNeAR floors --------------------------------------------------------------------

POLNEAR_DEV = SHARED / "data" / "polnear" / "articles_dev.jsonl"


@pytest.mark.skipif(not POLNEAR_DEV.exists(), reason="PolNeAR data not available")
def test_polnear_dev_floors() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import quotes_polnear
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    tally = quotes_polnear.evaluate(POLNEAR_DEV)
    assert tally.found_loose / tally.gold >= 0.93
    assert tally.correct_loose / tally.predicted >= 0.92
    assert tally.speaker_any / tally.with_source >= 0.85
    assert json.dumps(tally.__dict__)  # the tally is plain data
