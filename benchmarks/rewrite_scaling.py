"""Scaling of ``retold.analyze`` with planted rewrites and reprints, stage by stage.

    .venv/bin/python benchmarks/rewrite_scaling.py [--sizes 10000 20000] [--seed 13] [--workers N]
        [--dated 0.5] [--work DIR] [--profile] [--recurring-min-docs N] [--distinct | --markov]

For each size N, a corpus of N news-like articles: base articles from the dedup
benchmark's generator (``corpus.py``: paragraphs of real text read in place from
``/work/shared/data``, no two base articles sharing more than 30% of their words;
paragraphs come from a fixed pool of ~63k, so the more articles, the more of them
share a paragraph; with ``--distinct`` no two share one, up to ~6,000 documents;
with ``--markov`` they are written by a word Markov chain trained on the pool
(``markov.py``), in any number, sharing a 12-word run with another as rarely as
unrelated news does), and planted copies of some of them:

* ~5% rewrites, half of them *spun* (content words replaced through the thesaurus
  below, at a rate drawn from 20-40%, reached as far as the thesaurus covers the
  text: it covers ~22% of the content words, so the achieved rate, printed, is
  lower) and half *condensed* (30-50% of the sentences dropped, never the first,
  the rest spun the same way);
* ~3% reprints: the body verbatim, wrapped in 1-3 republisher lines on top and 1-3
  of ``corpus.py``'s boilerplate lines at the bottom.

Each planted copy derives from a different base article. A share ``--dated`` of the
families carry dates (the copy 1-3 days after its original), so direction can come
from dates there and only from the texts elsewhere; base articles outside a family
are dated with the same probability. Sizes are nested: every size takes the first
base articles of one list built for the largest.

``retold.analyze`` runs on each corpus with the default settings (``--workers`` and
``--recurring-min-docs`` aside), with a store in a temporary folder and no output
folder. Timing:

* stages from the ``progress`` callback: each stage lasts from its first call until
  the next stage's (``read`` from the start). The callback says nothing when
  verification starts or ends (its first ``verify`` call comes after 500 pairs), so
  the benchmark wraps ``retold.pipeline._verify`` (a timer around the call, nothing
  else) to split ``candidates`` from ``verify`` (align and relate every candidate
  pair) and count the pairs verified; ``store pairs`` runs from there to the next
  stage; the last stage includes building the result tables;
* candidate pairs per route are recomputed from the store after the run:
  ``store.fingerprints(num_perm)``, then ``exact_pairs`` / ``lsh_pairs`` /
  ``anchor_pairs`` / ``neighbour_pairs`` with the pipeline's own settings, each timed.

A stage that fails does not stop the benchmark: the error is printed with the
stage, the pairs are read back from the store (they are written before the stages
after verification) and, with ``--work``, the store is kept there.

Quality on the planted pairs: a rewrite is found when the pair is labelled
``rewrite`` or ``reprint`` (a spun copy keeps enough verbatim runs to read as a
lightly edited reprint); a reprint when labelled ``reprint`` or ``duplicate`` (its
body is the original's once the wrapper is removed). ``+src`` also needs ``source``
= the original. Source accuracy is the share of found pairs whose source is the
original, on dated and undated families.

Prints one markdown table, a row per size, then notes per size: planted pairs among
each route's candidates, related pairs per route, what a higher neighbour cosine
would keep, how much text corpus boilerplate (lines recurring in >=
``recurring_min_docs`` documents) took and what that did to the planted pairs, and
source by kind. ``--profile`` profiles verification (align + relate) on a sample of
the first size's candidate pairs (pyinstrument, one process, after the timed run).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

import retold
import retold.pipeline as pipeline
from corpus import (
    ARTICLE_WORDS,
    SENTENCE_END,
    SOURCES_PER_ARTICLE,
    ParagraphPool,
    _boilerplate,
    build_articles,
    load_pool,
)
from markov import build_markov_articles
from retold.candidates import anchor_pairs, exact_pairs, lsh_pairs, neighbour_pairs, normalize_pairs
from retold.clean.recurrence import RECURRING_REASON
from retold.config import CleanConfig, Settings

DEFAULT_SIZES = (10_000, 20_000)
DEFAULT_SEED = 13
REWRITE_SHARE = 0.05  # of the corpus; half spun, half condensed
REPRINT_SHARE = 0.03
SPIN_RATE = (0.2, 0.4)  # share of content words replaced
DROP_SENTENCES = (0.3, 0.5)  # share of sentences a condensed copy drops
WRAP_LINES = (1, 3)  # boilerplate lines above and below a reprint
DATED_SHARE = 0.5
DAYS = (date(2014, 1, 1), date(2018, 12, 31))
PROFILE_PAIRS = 2_000
COSINE_CUTS = (0.6, 0.7, 0.8, 0.85, 0.9)  # neighbour thresholds tried on the candidates afterwards

# Reprint headers in the style of republishing sites (corpus.py's lines are footers).
HEADERS = (
    "This story was originally published by {outlet}.",
    "Republished from {outlet} under a content-sharing agreement.",
    "By {name} | {outlet} | Updated {day}",
    "Posted {day} in News by {name}",
    "Source: {outlet}",
)

WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")

# Words a spinner leaves alone (the rest are content words).
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
    nor not now of off on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours yourself yourselves
    mr mrs ms dr st""".split()
)

# A spinner's thesaurus of common news words: word -> substitutes (inflected forms are
# separate entries, as a spinner's table has them).
THESAURUS: dict[str, tuple[str, ...]] = {
    "said": ("stated", "noted", "remarked"),
    "says": ("states", "notes", "remarks"),
    "say": ("state", "claim", "assert"),
    "told": ("informed", "advised"),
    "tell": ("inform", "advise"),
    "asked": ("questioned", "queried"),
    "added": ("continued", "went on"),
    "announced": ("declared", "revealed"),
    "reported": ("disclosed", "stated"),
    "people": ("individuals", "persons", "folks"),
    "government": ("administration", "authorities"),
    "officials": ("authorities", "representatives"),
    "official": ("representative", "functionary"),
    "president": ("head of state", "leader"),
    "country": ("nation", "state"),
    "countries": ("nations", "states"),
    "state": ("region", "province"),
    "states": ("regions", "provinces"),
    "city": ("municipality", "town"),
    "year": ("twelvemonth", "annum"),
    "years": ("annums", "twelvemonths"),
    "week": ("seven days", "sennight"),
    "weeks": ("sennights",),
    "month": ("calendar month",),
    "months": ("calendar months",),
    "day": ("date", "daytime"),
    "days": ("dates",),
    "time": ("period", "moment"),
    "times": ("occasions", "instances"),
    "new": ("fresh", "novel", "recent"),
    "old": ("aged", "former"),
    "first": ("initial", "earliest"),
    "last": ("final", "previous"),
    "many": ("numerous", "several"),
    "most": ("majority of", "largest part of"),
    "major": ("main", "significant"),
    "large": ("big", "sizable"),
    "big": ("large", "huge"),
    "small": ("little", "minor"),
    "important": ("crucial", "vital", "significant"),
    "public": ("general population", "community"),
    "political": ("governmental", "partisan"),
    "campaign": ("drive", "crusade"),
    "election": ("poll", "vote"),
    "vote": ("ballot", "poll"),
    "votes": ("ballots",),
    "voters": ("electors", "constituents"),
    "party": ("faction", "group"),
    "support": ("backing", "endorsement"),
    "supporters": ("backers", "advocates"),
    "plan": ("scheme", "proposal"),
    "plans": ("schemes", "proposals"),
    "policy": ("strategy", "approach"),
    "policies": ("strategies", "approaches"),
    "law": ("statute", "legislation"),
    "laws": ("statutes", "regulations"),
    "bill": ("measure", "proposed law"),
    "issue": ("matter", "problem"),
    "issues": ("matters", "problems"),
    "problem": ("difficulty", "trouble"),
    "problems": ("difficulties", "troubles"),
    "help": ("assist", "aid"),
    "helped": ("assisted", "aided"),
    "make": ("create", "produce"),
    "made": ("created", "produced"),
    "get": ("obtain", "acquire"),
    "got": ("obtained", "received"),
    "take": ("seize", "grab"),
    "took": ("seized", "grabbed"),
    "give": ("provide", "offer"),
    "gave": ("provided", "offered"),
    "use": ("utilize", "employ"),
    "used": ("utilized", "employed"),
    "show": ("demonstrate", "reveal"),
    "showed": ("demonstrated", "revealed"),
    "shows": ("demonstrates", "reveals"),
    "found": ("discovered", "uncovered"),
    "find": ("discover", "uncover"),
    "began": ("started", "commenced"),
    "start": ("begin", "commence"),
    "started": ("began", "commenced"),
    "end": ("finish", "conclusion"),
    "ended": ("finished", "concluded"),
    "called": ("termed", "labelled"),
    "call": ("phone", "ring"),
    "want": ("wish", "desire"),
    "wanted": ("wished", "desired"),
    "need": ("require", "must have"),
    "needs": ("requires",),
    "think": ("believe", "reckon"),
    "believe": ("think", "trust"),
    "know": ("realize", "understand"),
    "known": ("recognized", "famous"),
    "work": ("labor", "job"),
    "worked": ("labored", "toiled"),
    "working": ("laboring", "toiling"),
    "job": ("position", "post"),
    "jobs": ("positions", "posts"),
    "money": ("cash", "funds"),
    "million": ("mn",),
    "billion": ("bn",),
    "percent": ("per cent", "pct"),
    "increase": ("rise", "growth"),
    "increased": ("rose", "grew"),
    "decrease": ("decline", "drop"),
    "high": ("elevated", "lofty"),
    "higher": ("greater", "loftier"),
    "low": ("reduced", "minimal"),
    "lower": ("reduced", "smaller"),
    "group": ("organization", "association"),
    "groups": ("organizations", "associations"),
    "company": ("firm", "business", "corporation"),
    "companies": ("firms", "businesses"),
    "business": ("commerce", "trade"),
    "market": ("marketplace", "exchange"),
    "economy": ("financial system",),
    "economic": ("financial", "fiscal"),
    "report": ("account", "study"),
    "reports": ("accounts", "studies"),
    "news": ("information", "reports"),
    "statement": ("declaration", "announcement"),
    "interview": ("conversation", "discussion"),
    "house": ("home", "residence"),
    "home": ("house", "residence"),
    "world": ("globe", "planet"),
    "national": ("nationwide", "countrywide"),
    "international": ("global", "worldwide"),
    "local": ("regional", "neighborhood"),
    "police": ("law enforcement", "cops"),
    "court": ("tribunal",),
    "judge": ("justice", "magistrate"),
    "case": ("instance", "lawsuit"),
    "war": ("conflict", "warfare"),
    "military": ("armed forces", "army"),
    "security": ("safety", "protection"),
    "attack": ("assault", "strike"),
    "attacks": ("assaults", "strikes"),
    "killed": ("slain", "murdered"),
    "death": ("demise", "passing"),
    "leader": ("head", "chief"),
    "leaders": ("heads", "chiefs"),
    "member": ("associate", "participant"),
    "members": ("associates", "participants"),
    "family": ("household", "relatives"),
    "children": ("kids", "youngsters"),
    "women": ("ladies", "females"),
    "men": ("males", "guys"),
    "school": ("academy", "institution"),
    "students": ("pupils", "learners"),
    "health": ("wellness", "wellbeing"),
    "care": ("treatment", "attention"),
    "hospital": ("infirmary", "clinic"),
    "water": ("H2O",),
    "power": ("authority", "influence"),
    "control": ("command", "management"),
    "change": ("alter", "modify"),
    "changes": ("alterations", "modifications"),
    "chief": ("head", "principal"),
    "director": ("manager", "head"),
    "spokesman": ("representative", "mouthpiece"),
    "spokeswoman": ("representative", "mouthpiece"),
    "during": ("throughout", "amid"),
    "also": ("additionally", "likewise", "furthermore"),
    "however": ("nevertheless", "nonetheless"),
    "because": ("since", "as"),
    "including": ("such as", "counting"),
    "still": ("yet", "even now"),
    "already": ("previously", "by now"),
    "recently": ("lately", "newly"),
    "later": ("afterwards", "subsequently"),
    "often": ("frequently", "regularly"),
    "never": ("not ever", "at no time"),
    "really": ("truly", "actually"),
    "around": ("about", "approximately"),
    "nearly": ("almost", "practically"),
    "almost": ("nearly", "practically"),
    "likely": ("probable", "expected"),
    "possible": ("feasible", "potential"),
    "different": ("distinct", "various"),
    "several": ("various", "numerous"),
    "good": ("fine", "excellent"),
    "best": ("finest", "greatest"),
    "better": ("superior", "finer"),
    "bad": ("poor", "terrible"),
    "long": ("lengthy", "extended"),
    "great": ("tremendous", "terrific"),
    "little": ("small", "tiny"),
    "right": ("correct", "proper"),
    "hard": ("difficult", "tough"),
    "early": ("premature", "initial"),
    "real": ("genuine", "actual"),
    "clear": ("obvious", "evident"),
    "strong": ("powerful", "robust"),
    "full": ("complete", "entire"),
    "whole": ("entire", "complete"),
    "next": ("following", "subsequent"),
    "area": ("region", "zone"),
    "areas": ("regions", "zones"),
    "part": ("portion", "section"),
    "number": ("amount", "quantity"),
    "way": ("method", "manner"),
    "ways": ("methods", "manners"),
    "place": ("location", "spot"),
    "life": ("existence", "lifetime"),
    "story": ("tale", "account"),
    "question": ("query", "inquiry"),
    "questions": ("queries", "inquiries"),
    "decision": ("choice", "ruling"),
    "system": ("framework", "structure"),
    "program": ("programme", "scheme"),
    "service": ("provision", "facility"),
    "services": ("provisions", "facilities"),
    "rights": ("entitlements", "liberties"),
    "community": ("neighborhood", "society"),
    "office": ("bureau", "workplace"),
    "agency": ("bureau", "office"),
    "department": ("division", "section"),
    "meeting": ("gathering", "assembly"),
    "deal": ("agreement", "arrangement"),
    "talks": ("negotiations", "discussions"),
    "crisis": ("emergency", "predicament"),
    "cost": ("price", "expense"),
    "costs": ("expenses", "charges"),
    "tax": ("levy", "duty"),
    "taxes": ("levies", "duties"),
    "budget": ("spending plan", "allocation"),
    "fight": ("battle", "struggle"),
    "win": ("triumph", "victory"),
    "won": ("triumphed", "prevailed"),
    "lost": ("misplaced", "forfeited"),
    "move": ("step", "action"),
    "went": ("headed", "proceeded"),
    "came": ("arrived", "appeared"),
    "seen": ("viewed", "observed"),
    "saw": ("viewed", "observed"),
    "look": ("appear", "seem"),
    "left": ("departed", "exited"),
    "across": ("throughout", "over"),
    "among": ("amongst", "amid"),
    "may": ("might", "could"),
    "might": ("may", "could"),
    "like": ("such as", "similar to"),
    "see": ("view", "observe"),
    "even": ("yet", "still"),
    "since": ("given that", "as"),
    "much": ("far", "a great deal"),
    "another": ("one more", "an additional"),
    "based": ("founded", "grounded"),
    "research": ("study", "investigation"),
    "free": ("complimentary", "gratis"),
    "every": ("each", "each and every"),
    "center": ("centre", "hub"),
    "available": ("accessible", "obtainable"),
    "go": ("proceed", "head"),
    "going": ("heading", "proceeding"),
    "development": ("growth", "advancement"),
    "history": ("past", "background"),
    "less": ("fewer", "a smaller amount of"),
    "must": ("has to", "should"),
    "federal": ("national", "central"),
    "using": ("utilizing", "employing"),
    "former": ("previous", "ex"),
    "include": ("contain", "incorporate"),
    "includes": ("contains", "incorporates"),
    "become": ("turn into", "grow to be"),
    "point": ("factor", "aspect"),
    "without": ("lacking", "minus"),
    "whether": ("if", "regardless of whether"),
    "second": ("2nd", "next"),
    "top": ("leading", "highest"),
    "provide": ("supply", "furnish"),
    "provides": ("supplies", "furnishes"),
    "order": ("purchase", "command"),
    "general": ("common", "overall"),
    "experience": ("knowledge", "encounter"),
    "land": ("territory", "ground"),
    "products": ("goods", "items"),
    "play": ("perform", "participate"),
    "example": ("instance", "illustration"),
    "special": ("unique", "particular"),
    "education": ("schooling", "learning"),
    "put": ("place", "set"),
    "test": ("examination", "trial"),
    "within": ("inside", "in"),
    "following": ("subsequent", "after"),
    "able": ("capable", "in a position"),
    "interest": ("curiosity", "attention"),
    "today": ("nowadays", "these days"),
    "child": ("kid", "youngster"),
    "come": ("arrive", "show up"),
    "although": ("though", "even though"),
    "building": ("structure", "edifice"),
    "treatment": ("therapy", "care"),
    "social": ("societal", "communal"),
    "process": ("procedure", "method"),
    "risk": ("danger", "threat"),
    "keep": ("maintain", "retain"),
    "recent": ("latest", "current"),
    "usually": ("generally", "normally"),
    "level": ("degree", "amount"),
    "young": ("youthful", "junior"),
    "together": ("jointly", "collectively"),
    "value": ("worth", "merit"),
    "always": ("constantly", "at all times"),
    "type": ("kind", "sort"),
    "offer": ("provide", "present"),
    "fact": ("truth", "reality"),
    "things": ("items", "matters"),
    "past": ("previous", "prior"),
    "primary": ("main", "principal"),
    "medical": ("clinical", "health care"),
    "current": ("existing", "present"),
    "candidate": ("contender", "nominee"),
    "event": ("occasion", "occurrence"),
    "common": ("typical", "widespread"),
    "industry": ("sector", "trade"),
    "related": ("associated", "connected"),
    "person": ("individual", "human being"),
    "project": ("undertaking", "venture"),
    "led": ("guided", "headed"),
    "learn": ("discover", "find out"),
    "making": ("producing", "creating"),
    "trying": ("attempting", "striving"),
    "enough": ("sufficient", "adequate"),
    "near": ("close to", "nearby"),
    "study": ("research", "analysis"),
    "media": ("press", "news outlets"),
    "especially": ("particularly", "notably"),
    "various": ("different", "assorted"),
    "lead": ("direct", "guide"),
    "try": ("attempt", "strive"),
    "sure": ("certain", "confident"),
    "pay": ("spend", "compensate"),
    "price": ("cost", "charge"),
    "income": ("earnings", "revenue"),
    "given": ("provided", "granted"),
    "rather": ("somewhat", "quite"),
    "additional": ("extra", "further"),
    "american": ("US", "U.S."),
    "americans": ("US citizens", "people in America"),
    "united": ("unified", "joined"),
}


# ---------------------------------------------------------------- corpus


@dataclass(frozen=True, slots=True)
class Planted:
    """A planted copy: ``copy`` derives from ``original``."""

    original: str
    copy: str
    kind: str  # "spun", "condensed" or "reprint"
    dated: bool
    detail: float  # spun share of content words (rewrites), wrap lines (reprints)


@dataclass(slots=True)
class Generated:
    path: Path
    documents: int
    bases: int
    planted: list[Planted]
    spin_rates: list[float]


def _case_like(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def spin(rng: random.Random, text: str, rate: float) -> tuple[str, int, int]:
    """Replace about ``rate`` of the content words of ``text`` through the thesaurus
    (as many as it covers). Returns the text, content words, words replaced."""
    tokens = list(WORD.finditer(text))
    content = [m for m in tokens if m.group().lower() not in STOPWORDS]
    known = [m for m in content if m.group().lower() in THESAURUS]
    if not known:
        return text, len(content), 0
    chance = min(1.0, rate * len(content) / len(known))
    out: list[str] = []
    last = 0
    replaced = 0
    for m in known:
        if rng.random() >= chance:
            continue
        out.append(text[last : m.start()])
        out.append(_case_like(m.group(), rng.choice(THESAURUS[m.group().lower()])))
        last = m.end()
        replaced += 1
    out.append(text[last:])
    return "".join(out), len(content), replaced


def condense(rng: random.Random, paragraphs: list[str]) -> list[str]:
    """Drop 30-50% of the sentences (never the first), keeping paragraphs and order."""
    split = [SENTENCE_END.split(p) for p in paragraphs]
    total = sum(len(s) for s in split)
    drop_count = round(rng.uniform(*DROP_SENTENCES) * total)
    positions = [(i, k) for i, sents in enumerate(split) for k in range(len(sents))][1:]
    dropped = set(rng.sample(positions, min(drop_count, len(positions))))
    kept = [" ".join(s for k, s in enumerate(sents) if (i, k) not in dropped) for i, sents in enumerate(split)]
    return [p for p in kept if p.strip()]


def wrap(rng: random.Random, paragraphs: list[str], day: str) -> tuple[list[str], int]:
    """The paragraphs verbatim between republisher lines: headers above, corpus.py's
    footer lines below."""
    fields = {
        "outlet": rng.choice(("Metro Wire", "The Beacon", "Daily Ledger", "News Roundup 24", "Capital Dispatch")),
        "name": rng.choice(("Ana Ruiz", "Tom Becker", "Li Wei", "Sara Okafor")),
        "day": day or "today",
    }
    headers = [t.format(**fields) for t in rng.sample(HEADERS, rng.randint(*WRAP_LINES))]
    footers = _boilerplate(rng, rng.randint(*WRAP_LINES))
    return [*headers, *paragraphs, *footers], len(headers) + len(footers)


def _random_day(rng: random.Random) -> date:
    return DAYS[0] + timedelta(days=rng.randrange((DAYS[1] - DAYS[0]).days))


def build_distinct_articles(rng: random.Random, pool: ParagraphPool, count: int) -> list[list[int]]:
    """``count`` base articles of which no two share a paragraph: runs of consecutive
    paragraphs from 2-4 source texts, each paragraph used once (``--distinct``).

    With paragraphs reused (the default), two base articles share a paragraph more and
    more often as the corpus grows, and the related pairs per article grow with it; here
    they stay what was planted, so growth with size can be read as the pipeline's own.
    The pool holds about 4 million words, so about 6,000 such articles.
    """
    sources = [s for s in range(len(pool.sources)) if pool.sources[s]]
    rng.shuffle(sources)
    remaining = {s: deque(pool.sources[s]) for s in sources}
    articles: list[list[int]] = []
    while len(articles) < count:
        if len(sources) < SOURCES_PER_ARTICLE[0]:
            raise SystemExit(f"--distinct: the paragraph pool holds only {len(articles):,} base articles")
        low, high = ARTICLE_WORDS
        target = int(math.exp(rng.uniform(math.log(low), math.log(high))))
        chosen = rng.sample(sources, min(rng.randint(*SOURCES_PER_ARTICLE), len(sources)))
        per_source = target // len(chosen) + 1
        article: list[int] = []
        size = 0
        for source in chosen:
            taken = 0
            left = remaining[source]
            while left and taken < per_source and size < target:
                paragraph = left.popleft()
                article.append(paragraph)
                taken += pool.sizes[paragraph]
                size += pool.sizes[paragraph]
            if not left:
                sources.remove(source)
        articles.append(article)
    return articles


def plan(size: int) -> tuple[int, int, int]:
    """(base articles, rewrites, reprints) for a corpus of ``size``."""
    rewrites = round(size * REWRITE_SHARE)
    reprints = round(size * REPRINT_SHARE)
    return size - rewrites - reprints, rewrites, reprints


def generate(size: int, articles: Sequence[list[str]], work: Path, seed: int, dated_share: float) -> Generated:
    """Write ``corpus.jsonl`` for ``size`` documents from the first base ``articles``."""
    rng = random.Random(seed * 1_000_003 + size)
    bases, rewrites, reprints = plan(size)
    texts: list[list[str]] = [list(a) for a in articles[:bases]]
    days: list[date | None] = [None] * bases
    originals = rng.sample(range(bases), rewrites + reprints)
    kinds = ["spun"] * (rewrites - rewrites // 2) + ["condensed"] * (rewrites // 2) + ["reprint"] * reprints
    families: list[tuple[int, int, str, bool, float]] = []
    spin_rates: list[float] = []
    for original, kind in zip(originals, kinds, strict=True):
        dated = rng.random() < dated_share
        if dated:
            days[original] = _random_day(rng)
        day = days[original] + timedelta(days=rng.randint(1, 3)) if dated else None
        if kind == "reprint":
            paragraphs, detail = wrap(rng, texts[original], day.isoformat() if day else "")
        else:
            source = condense(rng, texts[original]) if kind == "condensed" else texts[original]
            rate = rng.uniform(*SPIN_RATE)
            paragraphs, content, replaced = [], 0, 0
            for p in source:
                spun, c, r = spin(rng, p, rate)
                paragraphs.append(spun)
                content, replaced = content + c, replaced + r
            detail = replaced / max(content, 1)
            spin_rates.append(detail)
        families.append((original, len(texts), kind, dated, detail))
        texts.append(paragraphs)
        days.append(day)
    in_family = set(originals)
    for k in range(bases):
        if k not in in_family and rng.random() < dated_share:
            days[k] = _random_day(rng)

    order = list(range(len(texts)))
    rng.shuffle(order)
    ids = [""] * len(texts)
    for position, index in enumerate(order):
        ids[index] = f"r{position:07d}"
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"rewrites-{size}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for index in order:
            record = {"id": ids[index], "text": "\n\n".join(texts[index])}
            if days[index] is not None:
                record["date"] = days[index].isoformat()
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    planted = [Planted(ids[o], ids[c], kind, dated, detail) for o, c, kind, dated, detail in families]
    return Generated(path, len(texts), bases, planted, spin_rates)


# ---------------------------------------------------------------- run


@dataclass(slots=True)
class StageClock:
    """Stage transitions from the progress callback, plus the wrapped verify call."""

    start: float = 0.0
    order: list[tuple[str, float]] = field(default_factory=list)  # first call of each stage
    verify_start: float | None = None
    verify_end: float | None = None
    verified: int | None = None

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if all(stage != seen for seen, _ in self.order):
            self.order.append((stage, time.perf_counter()))

    @property
    def last_stage(self) -> str:
        marks = [*self.order, *([("verify", self.verify_start)] if self.verify_start else [])]
        return max(marks, key=lambda m: m[1])[0] if marks else "read"

    def seconds(self, end: float) -> dict[str, float]:
        """Seconds per stage, in order: each stage lasts until the next one starts.
        ``verify`` runs from the call of ``_verify`` to its return (the callback's first
        ``verify`` call comes only after 500 pairs); ``store pairs`` from there to the
        next stage."""
        marks = [("read", self.start)] + [(s, t) for s, t in self.order if s not in ("read", "verify")]
        if self.verify_start is not None:
            marks.append(("verify", self.verify_start))
            if self.verify_end is not None:
                marks.append(("store pairs", self.verify_end))
        else:
            marks.extend(("verify (from its 500th pair)", t) for s, t in self.order if s == "verify")
        marks.sort(key=lambda m: m[1])
        stages: dict[str, float] = {}
        for (name, at), following in zip(marks, [m[1] for m in marks[1:]] + [end], strict=True):
            stages[name] = stages.get(name, 0.0) + following - at
        return stages


@dataclass(slots=True)
class Measured:
    size: int
    generated: Generated
    seconds: float
    cpu: float
    stages: dict[str, float]
    error: str | None
    routes: dict[str, int]
    route_seconds: dict[str, float]
    union: int
    verified: int | None
    labels: Counter
    recall: dict[str, tuple[int, int, int]]  # kind -> (planted, label found, label and source)
    source: dict[str, tuple[int, int, int]]  # dated/undated -> (found, source right, source None)
    route_recall: dict[str, dict[str, int]]  # route -> kind -> planted pairs among its candidates
    found_labels: dict[str, Counter]
    source_by_kind: dict[str, tuple[int, int, int]]  # "kind, dated|undated" -> (found, right, None)
    route_yield: dict[str, tuple[int, int, int]]  # route -> (candidates, related, related found by it alone)
    # neighbour candidates by cosine: threshold -> (kept, related kept, related found by neighbours alone
    # kept, planted found by neighbours alone kept); and the totals under key 0.0
    cosine_cut: dict[float, tuple[int, int, int, int]]
    recurring: tuple[int, float]  # documents losing body lines as corpus boilerplate, mean share of body lost
    # planted pairs one of whose documents lost lines as corpus boilerplate: kind -> (planted, found, wrong source)
    touched: dict[str, tuple[int, int, int]]
    untouched: dict[str, tuple[int, int, int]]
    load: tuple[float, float, float]


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _wrap_verify(clock: StageClock) -> Callable[[], None]:
    """Time ``pipeline._verify`` without changing it; returns the undo."""
    original = pipeline._verify

    def timed(store, settings, mode, seqs, ids, body_hashes, todo, progress):  # type: ignore[no-untyped-def]
        clock.verify_start = time.perf_counter()
        clock.verified = len(todo)
        try:
            return original(store, settings, mode, seqs, ids, body_hashes, todo, progress)
        finally:
            clock.verify_end = time.perf_counter()

    pipeline._verify = timed  # type: ignore[assignment]

    def undo() -> None:
        pipeline._verify = original  # type: ignore[assignment]

    return undo


def route_pairs(
    store_path: Path, settings: Settings
) -> tuple[dict[str, np.ndarray], dict[str, float], list[str], np.ndarray]:
    """The pipeline's candidate routes recomputed on the stored fingerprints, each timed;
    and the cosine of each neighbour pair's document vectors."""
    with retold.Store(store_path) as store:
        stored = store.fingerprints(settings.dedup.num_perm)
    routes: dict[str, np.ndarray] = {}
    seconds: dict[str, float] = {}
    calls: list[tuple[str, Callable[[], np.ndarray]]] = [
        ("exact", lambda: exact_pairs(stored.body_hashes)),
        ("lsh", lambda: lsh_pairs(stored.signatures, settings.dedup)),
        ("anchors", lambda: anchor_pairs(stored.anchors)[0]),
    ]
    if stored.vectors.shape[1] and settings.neighbours:
        calls.append(
            ("neighbours", lambda: neighbour_pairs(stored.vectors, settings.neighbours, settings.min_neighbour_cosine))
        )
    for name, call in calls:
        started = time.perf_counter()
        routes[name] = normalize_pairs(call())
        seconds[name] = time.perf_counter() - started
    cosines = np.zeros(0, dtype=np.float32)
    if "neighbours" in routes and len(routes["neighbours"]):
        vectors = stored.vectors.astype(np.float32)
        i, j = routes["neighbours"][:, 0], routes["neighbours"][:, 1]
        cosines = np.einsum("ij,ij->i", vectors[i], vectors[j])
    return routes, seconds, stored.ids, cosines


def recurring_loss(store_path: Path) -> dict[str, float]:
    """Share of each document's text turned into boilerplate as a recurring line
    (corpus boilerplate), for the documents that lost any."""
    lost: dict[str, float] = {}
    with retold.Store(store_path) as store:
        for _, cleaned, changed in store.cleaned():
            if not changed:
                continue
            removed = sum(len(b.span) for b in cleaned.boilerplate if b.reason == RECURRING_REASON)
            body = sum(len(span) for span in cleaned.body)
            if removed:
                lost[cleaned.doc_id] = removed / (removed + body)
    return lost


def measure(generated: Generated, settings: Settings, profile_pairs: int = 0, keep: Path | None = None) -> Measured:
    clock = StageClock()
    undo = _wrap_verify(clock)
    with tempfile.TemporaryDirectory(prefix="retold-scaling-") as folder:
        store_path = Path(folder) / "store.sqlite"
        cpu = cpu_seconds()
        clock.start = time.perf_counter()
        error: str | None = None
        try:
            related = retold.analyze([generated.path], store=store_path, settings=settings, progress=clock).pairs
        except Exception as exc:  # a later stage failing must not lose what the earlier ones measured
            error = f"{type(exc).__name__}: {exc} (stage {clock.last_stage})"
            print(f"  analyze failed: {error}", file=sys.stderr)
            traceback.print_exc()
            related = []
        finally:
            undo()
        end = time.perf_counter()
        cpu = cpu_seconds() - cpu
        if error is not None and clock.verify_end is not None:
            with retold.Store(store_path) as store:
                related = store.related_pairs()  # written before the stages after verification
        routes, route_seconds, ids, cosines = route_pairs(store_path, settings)
        lost = recurring_loss(store_path)
        if error is not None and keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            kept = keep / f"failed-store-{generated.documents}.sqlite"
            shutil.copyfile(store_path, kept)
            print(f"  store kept for the failure: {kept}", file=sys.stderr)
        if profile_pairs:
            profile_verify(store_path, ids, normalize_pairs(np.concatenate(list(routes.values()))), profile_pairs)

    stages = clock.seconds(end)

    key_of = {doc_id: k for k, doc_id in enumerate(ids)}
    route_sets = {name: {(int(i), int(j)) for i, j in pairs.tolist()} for name, pairs in routes.items()}
    union = set().union(*route_sets.values()) if route_sets else set()
    pairs = {(p.a, p.b): p for p in related}
    labels = Counter(p.label for p in related)
    wanted = {"spun": {"rewrite", "reprint"}, "condensed": {"rewrite", "reprint"}, "reprint": {"reprint", "duplicate"}}
    recall: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    source: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    source_by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    route_recall: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    found_labels: dict[str, Counter] = defaultdict(Counter)
    touched: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    untouched: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for planted in generated.planted:
        a, b = sorted((planted.original, planted.copy))
        pair = pairs.get((a, b))
        found_labels[planted.kind][pair.label if pair else "none"] += 1
        # A reprint's wrapper lines are meant to go as boilerplate; its body is the original's.
        hit = planted.original in lost or (planted.kind != "reprint" and planted.copy in lost)
        split = (touched if hit else untouched)[planted.kind]
        split[0] += 1
        if pair is not None and pair.label in wanted[planted.kind]:
            split[1] += 1
            split[2] += pair.source is not None and pair.source != planted.original
        counts = recall[planted.kind]
        counts[0] += 1
        ka, kb = sorted((key_of[planted.original], key_of[planted.copy]))
        for name, found in route_sets.items():
            route_recall[name][planted.kind] += (ka, kb) in found
        route_recall["union"][planted.kind] += (ka, kb) in union
        if pair is None or pair.label not in wanted[planted.kind]:
            continue
        counts[1] += 1
        counts[2] += pair.source == planted.original
        for side in (
            source["dated" if planted.dated else "undated"],
            source_by_kind[f"{planted.kind}, {'dated' if planted.dated else 'undated'}"],
        ):
            side[0] += 1
            side[1] += pair.source == planted.original
            side[2] += pair.source is None
    related_keys = {tuple(sorted((key_of[p.a], key_of[p.b]))) for p in related}
    route_yield: dict[str, tuple[int, int, int]] = {}
    for name, found in route_sets.items():
        others = set().union(*(f for n, f in route_sets.items() if n != name))
        mine = found & related_keys
        route_yield[name] = (len(found), len(mine), len(mine - others))
    cosine_cut: dict[float, tuple[int, int, int, int]] = {}
    if "neighbours" in routes and len(cosines):
        others = set().union(*(f for n, f in route_sets.items() if n != "neighbours"))
        planted_keys = {tuple(sorted((key_of[x.original], key_of[x.copy]))) for x in generated.planted}
        rows = [(int(a), int(b)) for a, b in routes["neighbours"].tolist()]
        is_related = np.fromiter((r in related_keys for r in rows), dtype=bool, count=len(rows))
        alone = np.fromiter((r in related_keys and r not in others for r in rows), dtype=bool, count=len(rows))
        planted_alone = np.fromiter((r in planted_keys and r not in others for r in rows), dtype=bool, count=len(rows))
        for cut in (0.0, *COSINE_CUTS):
            keep = cosines >= cut
            cosine_cut[cut] = (
                int(keep.sum()),
                int((keep & is_related).sum()),
                int((keep & alone).sum()),
                int((keep & planted_alone).sum()),
            )
    return Measured(
        size=generated.documents,
        generated=generated,
        seconds=end - clock.start,
        cpu=cpu,
        stages=stages,
        error=error,
        routes={name: len(found) for name, found in route_sets.items()},
        route_seconds=route_seconds,
        union=len(union),
        verified=clock.verified,
        labels=labels,
        recall={k: tuple(v) for k, v in recall.items()},  # type: ignore[misc]
        source={k: tuple(v) for k, v in source.items()},  # type: ignore[misc]
        route_recall={k: dict(v) for k, v in route_recall.items()},
        found_labels=dict(found_labels),
        source_by_kind={k: tuple(v) for k, v in sorted(source_by_kind.items())},  # type: ignore[misc]
        route_yield=route_yield,
        cosine_cut=cosine_cut,
        recurring=(len(lost), float(np.mean(list(lost.values()))) if lost else 0.0),
        touched={k: tuple(v) for k, v in touched.items()},  # type: ignore[misc]
        untouched={k: tuple(v) for k, v in untouched.items()},  # type: ignore[misc]
        load=os.getloadavg(),
    )


# ---------------------------------------------------------------- report


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "–"


def table(rows: Sequence[Measured]) -> str:
    head = (
        "| docs | total s | s per stage "
        "| candidates: exact / LSH / anchors / neighbours (union) | verified | related by label "
        "| recall rewrites (label / +src) | recall reprints (label / +src) | source accuracy (dated / undated) "
        "| docs/s | growth: time × for docs × (exponent) |"
    )
    lines = [head, "|" + "---|" * head.count(" | ") + "---|"]
    first = rows[0] if rows else None
    for m in rows:
        st = m.stages
        stage = ", ".join(f"{name} {seconds:.1f}" for name, seconds in st.items())
        if m.error:
            stage += f"; FAILED in {m.error.rsplit('(stage ', 1)[-1].rstrip(')')}"
        routes = " / ".join(f"{m.routes.get(k, 0):,}" for k in ("exact", "lsh", "anchors", "neighbours"))
        related = ", ".join(f"{label} {count:,}" for label, count in sorted(m.labels.items()))
        rewrites = [m.recall.get(k, (0, 0, 0)) for k in ("spun", "condensed")]
        rw = tuple(sum(r[i] for r in rewrites) for i in range(3))
        rp = m.recall.get("reprint", (0, 0, 0))
        dated, undated = m.source.get("dated", (0, 0, 0)), m.source.get("undated", (0, 0, 0))
        found = dated[0] + undated[0]
        accuracy = (
            f"{_share(dated[1] + undated[1], found)} ({_share(dated[1], dated[0])} / {_share(undated[1], undated[0])})"
        )
        if first is m or first is None:
            growth = "1.0 for 1.0"
        else:
            t, n = m.seconds / first.seconds, m.size / first.size
            growth = f"{t:.2f} for {n:.2f} ({math.log(t) / math.log(n):.2f})" if n > 1 else f"{t:.2f} for {n:.2f}"
        lines.append(
            f"| {m.size:,} | {m.seconds:.1f}{' ✗' if m.error else ''} | {stage} | {routes} ({m.union:,}) | "
            f"{m.verified if m.verified is not None else '–':,} | {related} | "
            f"{_share(rw[1], rw[0])} / {_share(rw[2], rw[0])} | {_share(rp[1], rp[0])} / {_share(rp[2], rp[0])} | "
            f"{accuracy} | {m.size / m.seconds:,.0f} | {growth} |"
        )
    return "\n".join(lines)


def notes(rows: Sequence[Measured], settings: Settings) -> list[str]:
    out: list[str] = []
    for m in rows:
        g = m.generated
        rates = g.spin_rates
        out.append(
            f"{m.size:,} docs: {g.bases:,} base, planted {sum(p.kind != 'reprint' for p in g.planted):,} rewrites "
            f"({sum(p.kind == 'spun' for p in g.planted):,} spun, {sum(p.kind == 'condensed' for p in g.planted):,} "
            f"condensed; content words replaced: mean {np.mean(rates):.2f}, range {min(rates):.2f}-{max(rates):.2f}), "
            f"{sum(p.kind == 'reprint' for p in g.planted):,} reprints; {sum(p.dated for p in g.planted):,} "
            f"families dated; CPU {m.cpu:.0f} s over {m.seconds:.0f} s wall; load average at the end "
            f"{m.load[0]:.1f}, {m.load[1]:.1f}, {m.load[2]:.1f}"
        )
        per_kind = "; ".join(
            f"{kind}: " + ", ".join(f"{label} {n}" for label, n in counts.most_common())
            for kind, counts in sorted(m.found_labels.items())
        )
        if m.error:
            out.append(f"  analyze FAILED: {m.error}; pairs read back from the store (written before that stage)")
        out.append(f"  labels given to planted pairs: {per_kind}")
        rr = "; ".join(
            f"{route}: " + ", ".join(f"{kind} {n}/{m.recall.get(kind, (0,))[0]}" for kind, n in sorted(kinds.items()))
            for route, kinds in m.route_recall.items()
        )
        out.append(f"  planted pairs among each route's candidates: {rr}")
        out.append(
            "  route seconds (recomputed after the run): "
            + ", ".join(f"{k} {v:.2f}" for k, v in m.route_seconds.items())
            + f"; candidates per document: {m.union / m.size:.2f}"
        )
        out.append(
            "  candidates that ended related (any label), and related found by that route alone: "
            + "; ".join(
                f"{name} {related:,}/{count:,} ({_share(related, count)}), alone {alone:,}"
                for name, (count, related, alone) in m.route_yield.items()
            )
        )
        out.append(
            "  source = original by kind: "
            + "; ".join(
                f"{kind} {right}/{found} ({none} undetermined)"
                for kind, (found, right, none) in m.source_by_kind.items()
            )
        )
        if m.cosine_cut:
            total = m.cosine_cut[0.0]
            out.append(
                "  neighbour candidates kept at a higher cosine (candidates, related, related only this route "
                f"finds, planted only this route finds; all: {total[0]:,}, {total[1]:,}, {total[2]:,}, {total[3]:,}): "
                + "; ".join(
                    f">= {cut}: {v[0]:,}, {v[1]:,}, {v[2]:,}, {v[3]:,}" for cut, v in m.cosine_cut.items() if cut
                )
            )
        out.append(
            f"  corpus boilerplate (recurring lines): {m.recurring[0]:,} documents lost body lines, "
            f"{m.recurring[1]:.0%} of their text on average; planted pairs whose article text lost lines "
            "(found / planted, wrong source): "
            + ", ".join(f"{k} {v[1]}/{v[0]}, {v[2]} wrong" for k, v in sorted(m.touched.items()))
            + "; untouched: "
            + ", ".join(f"{k} {v[1]}/{v[0]}, {v[2]} wrong" for k, v in sorted(m.untouched.items()))
        )
        for side, (found, right, none) in sorted(m.source.items()):
            out.append(
                f"  source on {side} families: {right}/{found} right, {none} undetermined, {found - right - none} wrong"
            )
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        n = b.size / a.size
        growth = []
        for k in ("exact", "lsh", "anchors", "neighbours"):
            if a.routes.get(k) and b.routes.get(k):
                growth.append(f"{k} {math.log(b.routes[k] / a.routes[k]) / math.log(n):.2f}")
        out.append(f"candidate growth exponents {a.size:,} -> {b.size:,} docs (1 = linear): " + ", ".join(growth))
        timing = [
            f"{k} {math.log(b.stages[k] / a.stages[k]) / math.log(n):.2f}"
            for k in a.stages
            if a.stages.get(k) and b.stages.get(k)
        ]
        timing.append(f"verified pairs {math.log((b.verified or 1) / (a.verified or 1)) / math.log(n):.2f}")
        out.append(f"time growth exponents per stage {a.size:,} -> {b.size:,} docs: " + ", ".join(timing))
    out.append(
        f"settings: defaults (threshold {settings.dedup.threshold}, LSH {settings.dedup.bands}x{settings.dedup.rows}, "
        f"neighbours {settings.neighbours} at cosine >= {settings.min_neighbour_cosine}, embedder {settings.embedder}, "
        f"workers {settings.workers or os.cpu_count()}, corpus boilerplate from lines in >= "
        f"{settings.clean.recurring_min_docs} documents)"
    )
    return out


def profile_verify(store_path: Path, ids: list[str], union: np.ndarray, pairs: int) -> None:
    """Profile what verification does per pair (exact Jaccard on shingles, align, relate)
    on a random sample of the candidate pairs, from the run's store, in this process."""
    from pyinstrument import Profiler

    from retold.fingerprint import jaccard_and_containment, shingles
    from retold.model import PairScores

    settings = Settings()
    chosen = union[sorted(random.Random(1).sample(range(len(union)), min(pairs, len(union))))]
    with retold.Store(store_path) as store:
        stored = store.fingerprints(settings.dedup.num_perm)
        involved = sorted({int(k) for pair in chosen.tolist() for k in pair})
        seqs = [int(stored.seqs[k]) for k in involved]
        docs = dict(zip(involved, store.documents(seqs), strict=True))
        cleaned = {seq: c for seq, c, _ in store.cleaned(seqs)}
    clean_of = {k: cleaned[int(stored.seqs[k])] for k in involved}
    profiler = Profiler(interval=0.002)
    started = time.perf_counter()
    profiler.start()
    for i, j in chosen.tolist():
        texts = [clean_of[k].body_text(docs[k].text) for k in (i, j)]
        batch = shingles(texts, settings.dedup.ngram, settings.dedup.seed)
        scores = PairScores(*jaccard_and_containment(batch.of(0), batch.of(1)))
        same = stored.body_hashes[i] == stored.body_hashes[j]
        a, b = sorted((i, j), key=lambda k: ids[k])
        pipeline.compare_documents(docs[a], clean_of[a], docs[b], clean_of[b], scores, same)
    profiler.stop()
    seconds = time.perf_counter() - started
    print(
        f"\n## verify profile: {len(chosen):,} random candidate pairs of the first size, {seconds:.1f} s "
        f"({1000 * seconds / max(len(chosen), 1):.1f} ms per pair, one process)\n"
    )
    print(profiler.output_text(unicode=True, show_all=False, timeline=False))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--workers", type=int, default=0, help="0: one per core (retold's default)")
    parser.add_argument("--dated", type=float, default=DATED_SHARE, help="share of families (and bases) with dates")
    parser.add_argument("--work", type=Path, help="keep the generated corpora here (default: a temporary folder)")
    parser.add_argument("--profile", action="store_true", help="profile verification on the first size")
    parser.add_argument(
        "--recurring-min-docs",
        type=int,
        default=CleanConfig().recurring_min_docs,
        help="CleanConfig.recurring_min_docs (a huge value switches corpus boilerplate off)",
    )
    texts = parser.add_mutually_exclusive_group()
    texts.add_argument(
        "--distinct", action="store_true", help="base articles share no paragraph (up to ~6,000 documents)"
    )
    texts.add_argument(
        "--markov",
        action="store_true",
        help="base articles written by a word Markov chain trained on the pool (markov.py): any number, "
        "none sharing a passage",
    )
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes))
    if sizes[0] < 100:
        parser.error("sizes must be at least 100")
    settings = Settings(workers=args.workers, clean=CleanConfig(recurring_min_docs=args.recurring_min_docs))

    started = time.perf_counter()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load average "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}; Python {platform.python_version()}",
        file=sys.stderr,
    )
    pool = load_pool()
    rng = random.Random(args.seed)
    bases = plan(sizes[-1])[0]
    t = time.perf_counter()
    if args.markov:
        articles = build_markov_articles(rng, pool, bases)
    else:
        build = build_distinct_articles if args.distinct else build_articles
        articles = [[pool.paragraphs[p] for p in a] for a in build(rng, pool, bases)]
    print(
        f"{bases:,} base articles built in {time.perf_counter() - t:.0f} s (smaller sizes take the first ones)",
        file=sys.stderr,
    )
    del pool

    rows: list[Measured] = []
    with tempfile.TemporaryDirectory(prefix="retold-rewrites-") as folder:
        work = args.work or Path(folder)
        for size in sizes:
            generated = generate(size, articles, work, args.seed, args.dated)
            print(f"{size:,} documents written to {generated.path}; analyzing ...", file=sys.stderr)
            profile = PROFILE_PAIRS if args.profile and size == sizes[0] else 0
            rows.append(measure(generated, settings, profile, args.work))
            print(f"  {rows[-1].seconds:.0f} s; the table so far:", file=sys.stderr)
            print(table(rows), file=sys.stderr)
            for line in notes(rows[-1:], settings)[:-1]:
                print(line, file=sys.stderr)
            sys.stderr.flush()
        print(f"\n## retold.analyze with planted rewrites and reprints ({', '.join(f'{s:,}' for s in sizes)} docs)\n")
        print(table(rows))
        print()
        for line in notes(rows, settings):
            print(f"- {line}" if not line.startswith("  ") else f"  - {line.strip()}")
        print(f"\nbenchmark wall time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
