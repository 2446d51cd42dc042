"""Pattern rules for republishers' furniture: one table, each rule named by the reason it reports.

A rule's scope says how much of the raw text a match claims:

- ``line``: the whole line (trimmed of surrounding whitespace);
- ``paragraph``: the line and the rest of its paragraph (a name wrapped onto the next line);
- ``tail``: the line, and the page from there on when article text came before it
  (a comment section: everything after "Leave a Reply" is the form and the comments);
- ``inline``: only the matched characters, so a prompt glued to the end of a sentence
  ("...is in order.NEWSWEEK SUBSCRIPTION OFFERS >") goes and the sentence stays.

Line rules see the line's *plain* form (markdown links reduced to their text, emphasis
marks dropped, whitespace collapsed) unless ``plain=False``; inline rules see the raw line
so that match offsets are raw offsets.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from retold.clean.metadata import DATE, is_name_like, is_outlet_like

Scope = Literal["line", "paragraph", "tail", "inline"]

# Lines longer than these are prose that merely mentions the words, not furniture.
SHORT_LINE = 200
MEDIUM_LINE = 400
# Photo captions run long (001's is 557 characters); bound them anyway.
CAPTION_MAX_CHARS = 1000
# A keyword line lists at least this many short comma-separated items.
KEYWORD_MIN_ITEMS = 5
KEYWORD_MAX_CHARS = 160
# An ALL-CAPS photo credit ("SPECIALIST DEREK MUSTARD/.../U.S. ARMY") is at least this long,
# so a sentence ending in "the US/UK" is not one.
CREDIT_MIN_CHARS = 12

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(?<!\w)[*_]+|[*_]+(?!\w)")
_LEAD = re.compile(r"^(?:#{1,6}\s+|>\s*|[-•·]\s+)+")


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    scope: Scope = "line"
    max_chars: int | None = None
    plain: bool = True
    check: Callable[[re.Match[str]], bool] | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    rule: Rule
    match: re.Match[str]


def plain_text(line: str) -> str:
    """A line as a reader sees it: link text without targets, no emphasis marks, one-space gaps."""
    text = _LINK.sub(r"\1", line)
    text = _EMPHASIS.sub("", text)
    text = _LEAD.sub("", text.strip())
    return " ".join(text.split())


def _rule(
    name: str,
    *patterns: str,
    scope: Scope = "line",
    max_chars: int | None = None,
    flags: int = re.IGNORECASE,
    plain: bool = True,
    check: Callable[[re.Match[str]], bool] | None = None,
) -> Rule:
    # Alternatives of one rule share a regex so a line costs one search per rule.
    source = patterns[0] if len(patterns) == 1 else "|".join(f"(?:{p})" for p in patterns)
    return Rule(name, re.compile(source, flags), scope, max_chars, plain, check)


def _keyword_check(m: re.Match[str]) -> bool:
    return not m.group().endswith(".")


def _byline_check(m: re.Match[str]) -> bool:
    return is_name_like(m["name"].strip(" ,"))


def _dateline_check(m: re.Match[str]) -> bool:
    return is_outlet_like(m["outlet"].strip())


_ITEM = r"[^\W_][\w’'&.\-]*(?: [^\W_][\w’'&.\-]*){0,2}"
_CAPS = r"[A-Z][A-Z.’'&\-– ]*"
# What may follow a dateline's date: a time and a zone ("| 10:32 am EST"), nothing that reads on.
_TIME = r"(?:\s*(?:,|\||-|–|at)?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,5})?)?"

RULES: tuple[Rule, ...] = (
    # Comment sections: the heading starts the page tail.
    _rule(
        "comment form",
        r"^(?:leave a (?:reply|comment)|post a comment|add (?:a |your )?comment"
        r"|join the (?:discussion|conversation)|(?:\d+|no) (?:comments?|responses?|replies)|comments?)"
        r"\s*[:.!]?(?:\s*cancel reply)?$",
        r"^\d+ thoughts? on\b",
        scope="tail",
        max_chars=SHORT_LINE,
    ),
    _rule(
        "comment form",
        r"^fill in your details below\b",
        r"^you are commenting using your\b",
        r"\blog\s*out\s*/\s*change\b",
        r"^connecting to %s$",
        r"^(?:google|twitter|facebook|wordpress(?:\.com)?) (?:photo|picture|account)$",
        r"^notify me of (?:new|follow-up) (?:comments|posts)\b",
        r"^cancel reply$",
        r"^post was not sent\b",
        r"^your email address will not be published\b",
        r"^required fields are marked\b",
        r"^save my name, email\b",
        r"^you must be (?:logged|signed) in to post a comment\b",
        r"^this site uses akismet\b",
        max_chars=SHORT_LINE,
    ),
    _rule(
        "comment prompt",
        r"^comment on\b.{0,80}\b(?:facebook|twitter|page|forum)\b",
        max_chars=SHORT_LINE,
    ),
    # Prompts glued to a sentence: ALL-CAPS words ending in an arrow.
    _rule(
        "subscription prompt",
        r"(?<!\w)(?:[A-Z][A-Z’'&.]*\s+){0,4}"
        r"(?:SUBSCRIPTION OFFERS|SUBSCRIBE(?: NOW| TODAY)?|SIGN UP(?: NOW| TODAY)?)\s*[>»›]+",
        scope="inline",
        flags=0,
        plain=False,
    ),
    _rule(
        "read more link",
        r"(?<!\w)(?:READ MORE|CONTINUE READING|Read more|Continue reading)\s*[>»›]+",
        scope="inline",
        flags=0,
        plain=False,
    ),
    _rule(
        "subscription prompt",
        r"^(?:subscribe(?: now| today| here)?\b|subscribers? only\b|already a subscriber\b"
        r"|(?:start|get) (?:your )?(?:free )?trial\b)",
        max_chars=SHORT_LINE,
    ),
    _rule(
        "newsletter prompt",
        r"\bnewsletter\b.{0,80}\bclick here\b",
        r"^(?:to receive|sign up (?:for|to)|subscribe to|get) .{0,60}"
        r"\b(?:newsletters?|daily digest|email alerts)\b",
        max_chars=MEDIUM_LINE,
    ),
    _rule(
        "share prompt",
        r"^note to readers\s*:",
        r"\bclick the share buttons?\b",
        r"^(?:please )?share (?:this|on|via)\b",
        r"^click to (?:share|email|print)\b",
        r"^forward this (?:article|story)\b",
        r"^(?:share|tweet|print|email|pin it)"
        r"(?:\s*[|/·•,]\s*"
        r"(?:share|tweet|print|email|pin it|facebook|twitter|whatsapp|linkedin|reddit|telegram))*$",
        max_chars=MEDIUM_LINE,
    ),
    _rule(
        "follow prompt",
        r"^(?:visit and )?follow us\b",
        r"^like us on facebook\b",
        r"\bfollow us on (?:instagram|twitter|facebook|telegram|youtube|x)\b",
        max_chars=SHORT_LINE,
    ),
    _rule(
        "site notice",
        r"\bcan be read in \d+ languages\b",
        r"\btranslate website\b",
        max_chars=MEDIUM_LINE,
    ),
    _rule(
        "membership prompt",
        r"^become a (?:member|patron|supporter|subscriber)\b",
        r"^(?:support|donate to) (?:us|our (?:work|journalism|site))\b",
        r"^(?:join|donate)(?: now| today)?$",
        max_chars=SHORT_LINE,
    ),
    _rule(
        "disclaimer",
        r"^disclaimer\b",
        r"^the views (?:and opinions )?expressed (?:in this (?:article|piece) )?"
        r"are (?:solely )?(?:those|the views) of\b",
        r"^the (?:contents|opinions) (?:of|expressed in) this article are\b.{0,40}\bresponsibility\b",
    ),
    _rule(
        "copyright notice",
        r"^(?:copyright\b|©|\(c\)\s*\d{4})",
        r"\bcontains copyrighted material\b",
    ),
    _rule("copyright notice", r"\ball rights reserved\b", max_chars=MEDIUM_LINE),
    _rule(
        "source note",
        r"^the original source of this article is\b",
        r"^(?:this (?:article|story|piece) (?:was|is) )?"
        r"(?:originally|first) (?:published|appeared|posted) (?:on|in|at|by)\b",
        r"^source\s*:\s*\S",
        max_chars=MEDIUM_LINE,
    ),
    _rule(
        "contact line",
        r"^for (?:media|press) (?:inquiries|enquiries)\b",
        r"^contact us\b",
        r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$",
        max_chars=SHORT_LINE,
    ),
    _rule(
        "photo caption",
        r"^(?:featured image|photo|image|picture|illustration|pictured|top photo|main photo|header image)"
        r"\s*:",
        max_chars=CAPTION_MAX_CHARS,
    ),
    _rule(
        "photo caption",
        # A caption that ends in its credit in capitals, "...later.SPECIALIST DEREK MUSTARD/.../U.S. ARMY".
        rf"(?:(?<=[\s.!?”\"’)])|^)(?=[A-Z.’'&\-– /]{{{CREDIT_MIN_CHARS}}}){_CAPS}(?:/{_CAPS})+$",
        flags=0,
        max_chars=CAPTION_MAX_CHARS,
    ),
    _rule(
        "photo credit",
        r"\((?:photo|image|picture|pic)s?(?:\s+(?:credit|courtesy|by))?\s*:[^()]*\)$",
        max_chars=CAPTION_MAX_CHARS,
    ),
    _rule(
        "photo credit",
        r"^(?:photo|image|picture)s?\s+(?:credit|courtesy|by)\b",
        r"^(?:getty images|shutterstock|ap photo|afp via getty images)\b",
        max_chars=SHORT_LINE,
    ),
    _rule("URL line", r"^<?(?:https?://|www\.)\S+?>?$"),
    _rule("link-only line", r"^(?:[*_]*!?\[[^\]]*\]\([^)]*\)[*_]*[\s,;|·•/–-]*)+$", plain=False),
    _rule(
        "read more link",
        r"^(?:read more|continue reading"
        r"|read the (?:full|original|rest of the) (?:article|story|report|post))\b[^.!?]*$",
        max_chars=SHORT_LINE,
    ),
    _rule(
        "related links",
        r"^(?:related(?: articles?| stories| posts| news| coverage)?|see also|recommended(?: for you)?"
        r"|more from\b|you (?:may|might) also like)\b[^.!?]*$",
        max_chars=SHORT_LINE,
    ),
    _rule("keyword line", r"^(?:topics?|tags?|keywords?)\s*:\s*\S", max_chars=SHORT_LINE),
    _rule(
        "category line",
        r"^(?:region|theme|categor(?:y|ies)|filed under|in-depth report|section|posted in)\s*:\s*\S",
        max_chars=SHORT_LINE,
    ),
    _rule(
        "keyword line",
        rf"^{_ITEM}(?:,\s?{_ITEM}){{{KEYWORD_MIN_ITEMS - 1},}}$",
        max_chars=KEYWORD_MAX_CHARS,
        check=_keyword_check,
    ),
    _rule(
        "byline",
        r"^(?:by|written by|words by|authors?:)\s+(?P<name>[^!?:;]{2,80}?)\s*$",
        max_chars=SHORT_LINE,
        check=_byline_check,
    ),
    _rule("author line", r"^articles? by\s*:?\s*\S", scope="paragraph", max_chars=SHORT_LINE),
    _rule(
        "dateline header",
        rf"^(?P<outlet>[^\W\d_][^\d,:;.!?]{{0,60}}?),?\s+(?P<date>{DATE}){_TIME}$",
        max_chars=SHORT_LINE,
        check=_dateline_check,
    ),
    _rule(
        "dateline header",
        r"^(?:(?:published|posted|updated|last updated|first published)(?: on)?:?\s+)?"
        rf"(?P<date>{DATE}){_TIME}$",
        max_chars=SHORT_LINE,
    ),
    _rule("separator line", r"^[*\-_=~#•·.\s]+$", plain=False),
)

LINE_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.scope != "inline")
INLINE_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.scope == "inline")


def match_line(raw_line: str, plain: str) -> Hit | None:
    """The first whole-line rule that matches a (trimmed) line, in table order."""
    for rule in LINE_RULES:
        text = plain if rule.plain else raw_line
        if rule.max_chars is not None and len(text) > rule.max_chars:
            continue
        m = rule.pattern.search(text)
        if m is not None and (rule.check is None or rule.check(m)):
            return Hit(rule, m)
    return None


def match_inline(raw_line: str) -> list[tuple[int, int, str]]:
    """``(start, end, reason)`` of inline prompts in a raw line, non-overlapping, in order."""
    found: list[tuple[int, int, str]] = []
    for rule in INLINE_RULES:
        for m in rule.pattern.finditer(raw_line):
            if m.end() > m.start() and all(m.end() <= s or m.start() >= e for s, e, _ in found):
                found.append((m.start(), m.end(), rule.name))
    return sorted(found)
