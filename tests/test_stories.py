"""Stories and events: the samples exactly, constructed cases, incremental use, persistence."""

from __future__ import annotations

import json
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from retold.clean import clean_document
from retold.config import CleanConfig
from retold.model import Document, Pair, PairScores, Story
from retold.stories import StoryConfig, StoryIndex, StoryInput, build_stories
from retold.stories.evaluate import adjusted_rand, bcubed, merged_topics, pairwise
from retold.stories.features import entities, fold, numbers
from retold.stories.link import ChannelSums, Linkage, StoryEvents, conflicting, regroup

NO_SCORES = PairScores(0.0, 0.0, 0.0)
# Dates the annotation gives (001 and 003 carry none).
SEED_DATES = {"000": "2021-11-23", "002": "2021-11-20", "004": "2021-12-13"}


def pair(a: str, b: str, label: str, source: str | None = None) -> Pair:
    a, b = sorted((a, b))
    return Pair(a=a, b=b, label=label, scores=NO_SCORES, source=source)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path, seeds_expected: dict) -> list[StoryInput]:
    """The five samples as the pipeline gives them: cleaned body and outlet, the
    annotated headline and date."""
    items = []
    for short, expected in sorted(seeds_expected["documents"].items()):
        path = seeds_dir / expected["file"]
        raw = path.read_text(encoding="utf-8")
        cleaned = clean_document(Document(id=short, text=raw, path=str(path)), CleanConfig())
        items.append(
            StoryInput(
                id=short,
                title=expected["titles"][0],
                date=SEED_DATES.get(short),
                outlet=cleaned.outlet,
                text=cleaned.body_text(raw),
            )
        )
    return items


# The relations the pipeline finds between the samples.
SEED_PAIRS = (pair("000", "001", "rewrite", source="001"), pair("000", "002", "partial"), pair("001", "002", "partial"))


def shape(stories: list[Story]) -> list[tuple[tuple[str, ...], list[tuple[str, ...]]]]:
    return [(tuple(sorted(s.documents)), sorted(tuple(sorted(e)) for e in s.events)) for s in stories]


# -- the samples ----------------------------------------------------------------------
def test_seeds_one_story_three_events(seeds: list[StoryInput]) -> None:
    stories = build_stories(seeds, SEED_PAIRS)
    assert shape(stories) == [(("000", "001", "002", "003", "004"), [("000", "001", "002"), ("003",), ("004",)])]


def test_seeds_timeline(seeds: list[StoryInput]) -> None:
    (story,) = build_stories(seeds, SEED_PAIRS)
    assert story.first == "002"  # the earliest date
    assert story.dates == ("2021-11-20", "2021-12-13")
    # 001 is undated but 000 rewrites it, so it is placed no later than 000, ahead of it.
    assert [t.doc for t in story.timeline] == ["002", "001", "000", "004", "003"]
    assert {t.doc: t.role for t in story.timeline} == {
        "002": "first",
        "001": "report",
        "000": "rewrite",
        "004": "report",
        "003": "report",
    }
    assert story.documents == ("002", "001", "000", "004", "003")
    assert story.events == (("002", "001", "000"), ("004",), ("003",))
    assert [t.event for t in story.timeline] == [0, 0, 0, 1, 2]
    assert story.timeline[3].outlet == "Global Research"
    titles = {s.title for s in seeds}
    assert story.title in titles
    assert story.id.startswith("story-")


def test_seeds_one_by_one_equal_one_batch(seeds: list[StoryInput]) -> None:
    batch = build_stories(seeds, SEED_PAIRS)
    index = StoryIndex()
    for item in seeds:
        index.add([item], SEED_PAIRS)  # every pair each time: each takes effect once
    assert index.stories() == batch


def test_seeds_from_text_alone(seeds: list[StoryInput]) -> None:
    """Without the pairs and the dates, the words, names and numbers still group them so."""
    bare = [StoryInput(s.id, s.title, None, s.outlet, s.text) for s in seeds]
    stories = build_stories(bare)
    assert shape(stories) == [(("000", "001", "002", "003", "004"), [("000", "001", "002"), ("003",), ("004",)])]


def test_seeds_in_reverse_order(seeds: list[StoryInput]) -> None:
    stories = build_stories(seeds[::-1], SEED_PAIRS)
    assert shape(stories) == [(("000", "001", "002", "003", "004"), [("000", "001", "002"), ("003",), ("004",)])]


# -- constructed cases ----------------------------------------------------------------
QUAKE_A = [
    "A magnitude 6.1 earthquake struck West Papua province in Indonesia on Sunday, killing five people in "
    "Manokwari and injuring 200, the Meteorology Agency said. Governor Dominggus Mandacan said 40 houses collapsed.",
    "Five people died in Manokwari when a 6.1 magnitude quake hit Indonesia's West Papua on Sunday. Governor "
    "Dominggus Mandacan said rescuers were searching collapsed houses; some 200 people were injured.",
    "The West Papua earthquake of magnitude 6.1 killed five in Manokwari, Indonesian officials said, and "
    "Governor Dominggus Mandacan declared an emergency as aftershocks shook the coast.",
]
QUAKE_B = [
    "A magnitude 7.8 earthquake hit central Chile near Valparaiso on Tuesday, killing 12 people, the National "
    "Emergency Office said. President Gabriel Boric flew to Valparaiso, where a church tower fell.",
    "Twelve people were killed after a 7.8 magnitude quake shook Valparaiso in central Chile on Tuesday. "
    "President Gabriel Boric said the army would help clear roads blocked by landslides.",
    "Chile counted 12 dead from Tuesday's magnitude 7.8 earthquake near Valparaiso; President Gabriel Boric "
    "visited the port, where the National Emergency Office reported 3,000 homes damaged.",
]
FILLER = [
    "The central bank raised interest rates by a quarter point to fight inflation, its governor said.",
    "The football club signed a new striker from Brazil for a record transfer fee on Friday.",
    "A new museum of modern art opened in the capital with works by local painters and sculptors.",
    "Farmers protested against cheap imports of grain, blocking motorways with tractors for hours.",
]


def quake_inputs(dated: bool) -> list[StoryInput]:
    items = []
    for n, text in enumerate(QUAKE_A):
        items.append(StoryInput(f"a{n}", None, "2023-01-08" if dated else None, None, text))
    for n, text in enumerate(QUAKE_B):
        items.append(StoryInput(f"b{n}", None, "2024-06-11" if dated else None, None, text))
    for n, text in enumerate(FILLER):
        items.append(StoryInput(f"f{n}", None, None, None, text))
    return items


def event_sets(stories: list[Story]) -> set[frozenset[str]]:
    return {frozenset(e) for s in stories for e in s.events}


def story_of(stories: list[Story], doc: str) -> str:
    return next(s.id for s in stories if doc in s.documents)


@pytest.mark.parametrize("dated", [False, True])
def test_two_earthquakes_are_two_events(dated: bool) -> None:
    stories = build_stories(quake_inputs(dated))
    events = event_sets(stories)
    assert frozenset({"a0", "a1", "a2"}) in events
    assert frozenset({"b0", "b1", "b2"}) in events


def test_two_earthquakes_a_year_apart_are_two_stories() -> None:
    stories = build_stories(quake_inputs(dated=True))
    assert story_of(stories, "a0") != story_of(stories, "b0")


def test_a_copy_joins_its_sources_event_whatever_its_text() -> None:
    items = quake_inputs(dated=False)
    index = StoryIndex()
    index.add(items)
    # A reprint that kept only a few words of the report: the pair, not the text, places it.
    copy = StoryInput("c", "Quake", None, "Blog", "Reprinted from the wire. Photos below.")
    index.add([copy], [pair("b1", "c", "reprint", source="b1")])
    stories = index.stories()
    event = next(e for s in stories for e in s.events if "b1" in e)
    assert "c" in event
    roles = {t.doc: t.role for s in stories for t in s.timeline}
    assert roles["c"] == "copy"


def test_a_pair_waits_for_its_second_document() -> None:
    items = quake_inputs(dated=False)
    index = StoryIndex()
    index.add(items[:3], [pair("a0", "x", "duplicate")])  # "x" comes later
    index.add([StoryInput("x", None, None, None, "Something else entirely about a cooking contest.")])
    event = next(e for s in index.stories() for e in s.events if "a0" in e)
    assert "x" in event
    roles = {t.doc: t.role for s in index.stories() for t in s.timeline}
    assert roles["x"] == "copy"  # no source given: the later-added of a duplicate is the copy


def test_a_pair_between_indexed_documents_merges_their_clusters() -> None:
    index = StoryIndex()
    index.add(quake_inputs(dated=False))
    assert story_of(index.stories(), "f0") != story_of(index.stories(), "f1")
    index.add([], [pair("f0", "f1", "same_story")])
    stories = index.stories()
    assert story_of(stories, "f0") == story_of(stories, "f1")
    assert frozenset({"f0", "f1"}) not in event_sets(stories)  # one story, still two events
    index.add([], [pair("f0", "f1", "partial")])
    assert frozenset({"f0", "f1"}) in event_sets(index.stories())


def test_same_input_same_output(seeds: list[StoryInput]) -> None:
    one, two = StoryIndex(), StoryIndex()
    one.add(seeds, SEED_PAIRS)
    two.add(seeds, SEED_PAIRS)
    assert one.stories() == two.stories()
    assert one.to_bytes() == two.to_bytes()


def test_chunks_are_batches() -> None:
    """``add`` of a batch larger than a chunk is the same as adding its chunks one by one."""
    items = quake_inputs(dated=True)
    config = StoryConfig(chunk_size=4)
    whole = StoryIndex(config)
    whole.add(items)
    parts = StoryIndex(config)
    for start in range(0, len(items), 4):
        parts.add(items[start : start + 4])
    assert whole.stories() == parts.stories()
    assert whole.to_bytes() == parts.to_bytes()


def many_inputs() -> list[StoryInput]:
    """Sixteen short reports: the two quakes and the fillers, each told twice."""
    items = quake_inputs(dated=True)
    extra = [StoryInput(f"{i.id}-bis", i.title, i.date, i.outlet, i.text.replace(" said", " reported")) for i in items]
    return (items + extra)[:16]


def test_warm_up_regroups_from_scratch() -> None:
    """At 16 documents the index regroups what it holds as one batch would."""
    items = many_inputs()
    index = StoryIndex()
    for item in items:
        index.add([item])
    assert index.stories() == build_stories(items)
    cold = StoryIndex(StoryConfig(warmup_docs=0))
    for item in items:
        cold.add([item])
    assert sorted(d for s in cold.stories() for d in s.documents) == sorted(i.id for i in items)


def test_round_trip_during_warm_up() -> None:
    items = many_inputs()
    straight = StoryIndex()
    straight.add(items[:10])
    restored = StoryIndex.from_bytes(straight.to_bytes())
    for item in items[10:]:
        straight.add([item])
        restored.add([item])
    assert restored.to_bytes() == straight.to_bytes()


# -- persistence ----------------------------------------------------------------------
def test_round_trip_and_carry_on(seeds: list[StoryInput]) -> None:
    straight = StoryIndex()
    straight.add(seeds[:3], SEED_PAIRS)
    saved = straight.to_bytes()
    restored = StoryIndex.from_bytes(saved)
    assert restored.to_bytes() == saved
    assert restored.stories() == straight.stories()
    straight.add(seeds[3:], SEED_PAIRS)
    restored.add(seeds[3:], SEED_PAIRS)
    assert restored.stories() == straight.stories()
    assert restored.to_bytes() == straight.to_bytes()


def test_state_keeps_no_text(seeds: list[StoryInput]) -> None:
    index = StoryIndex()
    index.add(seeds, SEED_PAIRS)
    state = zlib.decompress(index.to_bytes()).decode("utf-8")
    assert "honorable resistance" not in state  # a phrase of the bodies
    assert len(index) == 5 and "003" in index and index.story_of("003") == index.stories()[0].id


def test_from_bytes_rejects_other_data() -> None:
    with pytest.raises(ValueError, match="not a saved story index"):
        StoryIndex.from_bytes(b"hello")


# -- plugged-in embeddings ------------------------------------------------------------
def fake_embed(items: list[StoryInput]) -> np.ndarray:
    """A deterministic stand-in for sentence embeddings: 16 dims from word hashes."""
    out = np.zeros((len(items), 16))
    for row, item in enumerate(items):
        for word in item.text.lower().split():
            out[row, sum(map(ord, word)) % 16] += 1.0
    return out


def test_embedding_channel_round_trip() -> None:
    items = quake_inputs(dated=False)
    index = StoryIndex(embed=fake_embed)
    index.add(items[:5])
    restored = StoryIndex.from_bytes(index.to_bytes(), embed=fake_embed)
    index.add(items[5:])
    restored.add(items[5:])
    assert restored.stories() == index.stories()
    assert frozenset({"a0", "a1", "a2"}) in event_sets(index.stories())
    with pytest.raises(ValueError, match="embed"):
        StoryIndex.from_bytes(index.to_bytes())


# -- validation -----------------------------------------------------------------------
def test_config_is_validated() -> None:
    with pytest.raises(ValueError, match="story_threshold"):
        StoryConfig(story_threshold=0.0)
    with pytest.raises(ValueError, match="must not exceed event_threshold"):
        StoryConfig(story_threshold=0.5, event_threshold=0.4)
    with pytest.raises(ValueError, match="chunk_size"):
        StoryConfig(chunk_size=0)
    assert StoryConfig.from_dict(StoryConfig().to_dict()) == StoryConfig()


def test_documents_without_words() -> None:
    items = [*quake_inputs(dated=False), StoryInput("empty"), StoryInput("dots", "...", None, None, "... !!")]
    stories = build_stories(items)
    assert sorted(d for s in stories for d in s.documents) == sorted(i.id for i in items)
    index = StoryIndex()
    for item in items[::-1]:
        index.add([item])
    assert len(index.stories()) >= 3


def test_bad_input_is_refused() -> None:
    index = StoryIndex()
    index.add([StoryInput("a", text="one")])
    with pytest.raises(ValueError, match="already in the index"):
        index.add([StoryInput("a", text="again")])
    with pytest.raises(ValueError, match="unknown label"):
        index.add([], [Pair("a", "b", "cousin", NO_SCORES)])  # type: ignore[arg-type]


# -- features -------------------------------------------------------------------------
def test_names_numbers_and_plurals() -> None:
    found = entities("Defense Secretary Lloyd Austin met Mustafa al-Kadhimi. Following talks, the U.S. said so.")
    assert found["lloyd austin"] == 1 or found["defense secretary lloyd austin"] == 1
    assert found["kadhimi"] == 1 and found["us"] == 1
    assert "following" not in entities("Following talks. The talks were following a plan.")
    assert numbers("2,500 troops; 12/31/2021; 6.1; 7 days") == {"2500": 1, "12/31/2021": 1, "6.1": 1}
    assert fold("militias") == "militia" and fold("countries") == "country" and fold("crisis") == "crisis"


# -- metrics --------------------------------------------------------------------------
def test_cluster_metrics() -> None:
    gold = ["x", "x", "y", "y"]
    assert bcubed([1, 1, 2, 2], gold).f1 == 1.0
    assert adjusted_rand([5, 5, 7, 7], gold) == 1.0
    merged = bcubed([1, 1, 1, 1], gold)
    assert merged.precision == 0.5 and merged.recall == 1.0
    assert pairwise([1, 1, 1, 1], gold).precision == pytest.approx(2 / 6)
    result = merged_topics([1, 1, 2, 2, 1], ["a1", "a1", "a2", "a2", "a2"], ["a"] * 5)
    assert (result.topics, result.strict, result.whole) == (1, 1, 0)


# -- conflicting specifics (ECB+ development topics, read in place) -------------------
ECBPLUS_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecbplus" / "docs_dev.jsonl"


def ecbplus(topics: set[int] | None = None) -> tuple[list[StoryInput], dict[str, str]]:
    """ECB+ development documents (of some topics) as the pipeline would give them: no
    title or date, the source URL line that opens many texts dropped; and each one's
    gold subtopic (the event)."""
    items, subtopic = [], {}
    with ECBPLUS_DEV.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if topics is not None and record["topic"] not in topics:
                continue
            lines = record["text"].split("\n")
            text = "\n".join(lines[1:]) if lines[0].startswith("http") else record["text"]
            items.append(StoryInput(record["doc_id"], text=text))
            subtopic[record["doc_id"]] = record["subtopic"]
    return items, subtopic


def story_subtopics(stories: list[Story], subtopic: dict[str, str], topic: str) -> list[dict[str, int]]:
    """Per story holding documents of ``topic``, how many of each gold subtopic it holds."""
    out = []
    for story in stories:
        counts = Counter(subtopic[d] for d in story.documents if subtopic[d].startswith(f"{topic}_"))
        if counts:
            out.append(dict(sorted(counts.items())))
    return sorted(out, key=lambda c: sorted(c.items()))


def test_two_dui_arrests_are_two_stories() -> None:
    """ECB+ topic 35: two San Diego Chargers players arrested for drunk driving (Vincent
    Jackson; Jamal Williams, whose reports recall Jackson's arrest). The reports share the
    team, the charge and Jackson's name, so the solver makes one story of them; the
    numbers their reports carry disagree, so it is split. Topic 1 (two celebrities in
    rehab) is the rest of the corpus, and keeps its stories."""
    items, subtopic = ecbplus({1, 35})
    stories = build_stories(items)
    dui = [sorted(s.documents) for s in stories if s.documents[0].startswith("35_")]
    assert sorted(dui) == [
        ["35_10ecb", "35_1ecb", "35_2ecb", "35_3ecb", "35_8ecb", "35_9ecb"],
        sorted(f"35_{n}ecbplus" for n in range(1, 12)),
        ["35_4ecb", "35_5ecb", "35_6ecb", "35_7ecb"],
    ]
    assert story_subtopics(stories, subtopic, "1") == [{"1_ecb": 1}, {"1_ecb": 1}, {"1_ecb": 16}, {"1_ecbplus": 21}]
    # Without the check the two arrests are one story.
    unchecked = build_stories(items, config=StoryConfig(story_specifics_floor=0.0))
    assert story_subtopics(unchecked, subtopic, "35") == [{"35_ecb": 10, "35_ecbplus": 11}]


@pytest.mark.parametrize("batch", [1, 10])
def test_two_dui_arrests_stay_apart_added_in_batches(batch: int) -> None:
    items, subtopic = ecbplus({1, 35})
    index = StoryIndex()
    for start in range(0, len(items), batch):
        index.add(items[start : start + batch])
    groups = story_subtopics(index.stories(), subtopic, "35")
    assert all(len(g) == 1 for g in groups)  # no story holds both arrests
    assert sum(g.get("35_ecbplus", 0) for g in groups) == 11


def test_ecbplus_topics_whose_two_events_share_a_story() -> None:
    """The whole development set: 4 of 21 topics have a story holding documents of both
    their events, 2 of them with both events' main parts (11 and 11 before the check)."""
    items, subtopic = ecbplus()
    stories = build_stories(items)
    story_of = {d: n for n, s in enumerate(stories) for d in s.documents}
    ids = [i.id for i in items]
    merged = merged_topics(
        [story_of[i] for i in ids], [subtopic[i] for i in ids], [subtopic[i].split("_")[0] for i in ids]
    )
    assert (merged.strict, merged.whole) == (4, 2)
    mixed = set()
    for story in stories:
        held = {subtopic[d] for d in story.documents}
        mixed |= {int(name.split("_")[0]) for name in held if name.endswith("_ecb") and f"{name}plus" in held}
    assert sorted(mixed) == [5, 9, 23, 27]


def test_same_story_pair_survives_a_split() -> None:
    items, _ = ecbplus({1, 35})
    stories = build_stories(items, [pair("35_1ecb", "35_1ecbplus", "same_story")])
    assert story_of(stories, "35_1ecb") == story_of(stories, "35_1ecbplus")


def test_split_round_trip_and_version_one_state() -> None:
    items, _ = ecbplus({1, 35})
    straight = StoryIndex()
    straight.add(items[:45])
    restored = StoryIndex.from_bytes(straight.to_bytes())
    straight.add(items[45:])
    restored.add(items[45:])
    assert restored.to_bytes() == straight.to_bytes()
    # A state saved before channel masses and same-story links were kept still loads.
    state = json.loads(zlib.decompress(straight.to_bytes()).decode("utf-8"))
    state["version"] = 1
    del state["story_links"]
    for key in ("events", "stories"):
        state[key] = [entry[:11] for entry in state[key]]
    state["mean"] = state["mean"][:10]
    old = StoryIndex.from_bytes(zlib.compress(json.dumps(state).encode("utf-8")))
    assert [s.documents for s in old.stories()] == [s.documents for s in straight.stories()]
    old.add([StoryInput("late", text="Chargers receiver arrested on suspicion of drunken driving.")])
    assert "late" in old


def story_events(link: float, numbers_cosine: float, sizes: tuple[int, ...] = (3, 3)) -> StoryEvents:
    """Events (undated, all documents carrying numbers) whose sums give the solver's
    ``link`` between any two, a numbers cosine of ``numbers_cosine`` between the first two,
    and a third event numbers like the second's (cosine 1) and half like the first's."""
    size = np.array(sizes, dtype=np.float64)
    n = len(size)
    norm = np.sqrt(size)  # each sum's norm
    gram = np.diag(norm**2)
    numbers_gram = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            gram[i, j] = gram[j, i] = link * min(size[i], size[j]) * norm[i if size[i] >= size[j] else j]
            numbers_gram[i, j] = numbers_gram[j, i] = numbers_cosine if (i, j) == (0, 1) else 1.0 if i == 1 else 0.5
    undated = np.full(n, np.nan)
    return StoryEvents(gram, size, undated, undated, [ChannelSums(numbers_gram, np.ones(n), size)])


DEFAULTS = StoryConfig()
LINKAGE = Linkage(
    DEFAULTS.story_threshold,
    DEFAULTS.story_window_days,
    DEFAULTS.story_scale_days,
    DEFAULTS.story_specifics_floor,
    DEFAULTS.story_specifics_min_docs,
)


def test_conflicting_numbers_split_two_events() -> None:
    events = story_events(link=0.2, numbers_cosine=0.05)
    assert conflicting(events, LINKAGE)
    assert regroup(events, LINKAGE).tolist() == [0, 1]
    agreeing = story_events(link=0.2, numbers_cosine=0.6)
    assert not conflicting(agreeing, LINKAGE)
    assert regroup(agreeing, LINKAGE).tolist() == [0, 0]


def test_too_few_documents_say_nothing_and_must_links_hold() -> None:
    assert not conflicting(story_events(link=0.2, numbers_cosine=0.05, sizes=(3, 2)), LINKAGE)
    # Three documents, but only one of them with numbers.
    events = story_events(link=0.2, numbers_cosine=0.05)
    (numbers_,) = events.channels
    one_carrier = ChannelSums(numbers_.gram, numbers_.mass, np.array([3.0, 1.0]))
    assert not conflicting(StoryEvents(events.gram, events.size, events.first, events.last, [one_carrier]), LINKAGE)
    events = story_events(link=0.2, numbers_cosine=0.05)
    tied = StoryEvents(events.gram, events.size, events.first, events.last, events.channels, together=[[0, 1]])
    assert regroup(tied, LINKAGE).tolist() == [0, 0]


def test_a_split_keeps_the_groups_that_do_not_disagree() -> None:
    """A third event, too weakly linked to join on words, goes back with the event it is
    closest to, not off on its own (stories are only split where specifics conflict), and
    does not carry the two that disagree back together."""
    events = story_events(link=0.05, numbers_cosine=0.05, sizes=(3, 3, 3))
    events = StoryEvents(
        events.gram * np.array([[1, 4, 1], [4, 1, 2], [1, 2, 1]]),
        events.size,
        events.first,
        events.last,
        events.channels,
    )
    assert regroup(events, LINKAGE).tolist() == [0, 1, 1]
