"""Tokens and the noun phrases that name a speaker, read around a reporting verb.

No parser and no model: a speaker is a pronoun, a run of capitalised words (a name,
with its titles, or an organisation), or a short description opened by a
determiner ("the statement", "a Pentagon official"). That covers the attribution
constructions of news prose; what it misses (a long relative clause between a
subject and its verb) is left unattributed rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from retold.model import Span
from retold.quotes.lexicon import (
    ABBREVIATIONS,
    CATENATIVE,
    CATENATIVE_MOTION,
    DETERMINERS,
    DOCUMENT_NOUNS,
    INTERVENING,
    NAME_PARTICLES,
    NOT_NAMES,
    OBJECT_MARKERS,
    ORGANISATION_CONNECTORS,
    ORGANISATION_HEADS,
    PRONOUNS,
    RELATIVE_PRONOUNS,
    REPORTING_VERBS,
    TIME_HEADS,
    TIME_WORDS,
    TITLES,
)

# A masked quotation ("_" for each quoted character), a word (letters and digits with
# inner apostrophes, hyphens and dots: "Kata’ib", "al-Ameri", "U.S"), a quotation mark,
# or one punctuation character.
# (The word pattern reads "letters, then any number of joiner-and-letters": the same
# maximal match as "letters or a joiner followed by a letter", found with less backtracking.)
_TOKEN = re.compile(r"(?P<quote>_+)|(?P<word>[^\W_]+(?:['’.\-&][^\W_]+)*)|(?P<other>\S)")
_QUOTE_GROUP = _TOKEN.groupindex["quote"]
_WORD_GROUP = _TOKEN.groupindex["word"]
_QUOTE_CHARS = frozenset('"“”„‟«»')
# Longest description read backwards from a verb ("the assistant leader of the caucus").
MAX_DESCRIPTION = 6
# Longest appositive skipped between a name and its verb ("X, a Pentagon spokesperson, said").
MAX_APPOSITIVE = 24
# Longest noun phrase read forwards after a verb or at the start of a sentence.
MAX_FORWARD = 10
# Quantifiers that stand alone as a subject: "most said", "others added".
_STANDALONE = frozenset(
    {"most", "many", "some", "others", "several", "few", "all", "both", "everyone", "someone", "nobody", "anyone"}
)
_APPOSITIVE_MARKS = frozenset({",", "—", "–", "―", "--"})
# Words that end a phrase read forwards or backwards.
_CLAUSE_WORDS = frozenset({"that", "which", "who", "whom", "whose", "and", "or", "but", "to", "yet", "if", "because"})


MentionKind = Literal["person", "organisation", "pronoun", "document", "group", "description"]


TokenKind = Literal["word", "quote", "mark", "punct"]
# Spellings whose features are kept, of each kind (see ``_features``); past this the
# cache is emptied and starts again, so a long run cannot grow it without bound.
_FEATURES_CACHED = 1 << 16
_Features = tuple[str, bool, bool, bool, bool, bool]


def _key(text: str) -> str:
    """Case-folded, dots and apostrophe shapes unified: "U.S" -> "us", "Mr." -> "mr"."""
    return text.casefold().replace(".", "").replace("’", "'")


def _particle_name(text: str, key: str) -> bool:
    """ "al-Ameri", "bin", "van": lower-case parts of names."""
    if key in NAME_PARTICLES:
        return True
    head, _, rest = text.partition("-")
    return bool(rest) and head.casefold() in NAME_PARTICLES and rest[:1].isupper()


# Features by kind, then spelling (a token's kind is not always told by its spelling:
# ``Token`` may be made with any).
_cache: dict[TokenKind, dict[str, _Features]] = {"word": {}, "quote": {}, "mark": {}, "punct": {}}


def _features(text: str, kind: TokenKind) -> _Features:
    """``key``, ``is_word``, ``capitalised``, ``possessive``, ``name_part`` and ``cue`` of a token.

    Cached by spelling: news prose repeats its words, and a sentence's tokens are made
    once but read by every rule, so their features are computed when they are made.
    """
    cache = _cache[kind]
    found = cache.get(text)
    if found is None:
        key = _key(text)
        if kind == "word":
            capitalised = text[0].isupper()
            possessive = key.endswith("'s") and len(key) > 2
            name_part = (capitalised or _particle_name(text, key)) and not possessive
            cue = text[0].islower() and key in REPORTING_VERBS
            found = (key, True, capitalised, possessive, name_part, cue)
        else:
            found = (key, False, False, False, False, False)
        if len(cache) >= _FEATURES_CACHED:
            cache.clear()
        cache[text] = found
    return found


# Compared and hashed on its text, offsets and kind, like the frozen dataclass it was;
# not frozen because a frozen dataclass's ``__init__`` is several times slower, and
# making tokens is the hot loop of the quotes stage. A token is never changed once made.
@dataclass(slots=True, init=False, unsafe_hash=True)
class Token:
    """One token of a (masked) sentence, with the features every rule reads, computed
    once from its spelling when the token is made (they are read millions of times):

    - ``key``: case-folded, dots and apostrophe shapes unified ("U.S" -> "us", "Mr." -> "mr");
    - ``is_word``: a word (not a masked quotation, a quotation mark or punctuation);
    - ``capitalised``: a word starting with a capital;
    - ``possessive``: a word ending in "'s" ("Obama's");
    - ``name_part``: a word that may be part of a name: capitalised or a particle
      ("al-Ameri", "bin"), and not possessive;
    - ``cue``: a word that is a lower-case reporting verb.
    """

    text: str
    start: int
    end: int
    kind: TokenKind
    key: str = field(compare=False, repr=False)
    is_word: bool = field(compare=False, repr=False)
    capitalised: bool = field(compare=False, repr=False)
    possessive: bool = field(compare=False, repr=False)
    name_part: bool = field(compare=False, repr=False)
    cue: bool = field(compare=False, repr=False)

    def __init__(self, text: str, start: int, end: int, kind: TokenKind) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.kind = kind
        # Most tokens were seen before: their features are one dictionary look-up away.
        features = _cache[kind].get(text) or _features(text, kind)
        self.key, self.is_word, self.capitalised, self.possessive, self.name_part, self.cue = features


@dataclass(frozen=True, slots=True)
class Mention:
    """A phrase naming a speaker: where it is, what kind, and its core text.

    ``text`` is a person's name without titles, an organisation's name without a
    leading article, the pronoun, or the description as written; ``head`` is the
    last word of a description ("statement", "commission"). ``span`` covers what
    ``text`` names; ``outer`` the whole phrase with its titles ("US Senator Jeff
    Sessions"), when longer.
    """

    span: Span
    kind: MentionKind
    text: str
    head: str = ""
    outer: Span | None = None

    @property
    def extent(self) -> Span:
        return self.outer or self.span


def tokenize(text: str, start: int, end: int) -> list[Token]:
    out: list[Token] = []
    append = out.append
    size = len(text)
    for m in _TOKEN.finditer(text, start, end):
        group = m.lastindex  # which alternative of _TOKEN matched (an int test is cheaper than a name)
        if group == _WORD_GROUP:
            word = m.group()
            first, last = m.span()
            if (
                last < size
                and text[last] == "."
                and (word.casefold() in ABBREVIATIONS or len(word) == 1 or "." in word)
            ):
                # "Rep. Hakeem Jeffries", "John F. Kennedy", "U.S.": the period is part of the
                # word. (The period is still read as a token of its own after it.)
                word, last = word + ".", last + 1
            append(Token(word, first, last, "word"))
        elif group == _QUOTE_GROUP:
            append(Token(m.group(), m.start(), m.end(), "quote"))
        else:
            char = m.group()
            append(Token(char, m.start(), m.end(), "mark" if char in _QUOTE_CHARS else "punct"))
    return out


def name_token(token: Token) -> bool:
    """A word that may be part of a name (``Token.name_part``)."""
    return token.name_part


def is_cue(token: Token) -> bool:
    """A lower-case reporting verb (``Token.cue``)."""
    return token.cue


def _pronoun(token: Token) -> Mention | None:
    if token.kind == "word" and token.key in PRONOUNS and (token.text.islower() or token.text.istitle()):
        return Mention(Span(token.start, token.end), "pronoun", token.key)
    return None


def _join(tokens: Sequence[Token], text: str | None = None) -> str:
    if text is not None:
        return " ".join(text[tokens[0].start : tokens[-1].end].split())
    return " ".join(t.text for t in tokens)


def classify_run(run: Sequence[Token], keep: Literal["first", "last"] = "last") -> Mention | None:
    """A run of capitalised words as a person (titles dropped), an organisation, or None.

    Runs joined by connectors ("of", "and") are one organisation when they name one
    ("Coordinating Committee of the Iraqi Resistance"); otherwise only the part next
    to the verb is kept (``keep``): "Kadhimi and Biden said" is Biden speaking.
    """
    tokens = list(run)
    while tokens and (tokens[0].key in NOT_NAMES or tokens[0].key in ORGANISATION_CONNECTORS):
        tokens.pop(0)
    while tokens and tokens[-1].key in ORGANISATION_CONNECTORS:
        tokens.pop()
    if not tokens:
        return None
    if len(tokens) == 1:
        return _one_word(tokens[0])  # most runs are one word
    heads = [i for i, t in enumerate(tokens) if t.key in ORGANISATION_HEADS and t.capitalised]
    connectors = [i for i, t in enumerate(tokens) if t.key in ORGANISATION_CONNECTORS and not t.capitalised]
    if connectors and not heads:
        # Not one organisation: keep the part on the verb's side of the last (or first) connector.
        cut = connectors[-1] + 1 if keep == "last" else 0
        stop = len(tokens) if keep == "last" else connectors[0]
        return classify_run(tokens[cut:stop], keep)
    titles = [i for i, t in enumerate(tokens) if t.key in TITLES]
    last_title = titles[-1] if titles else -1
    after = tokens[last_title + 1 :]
    span = Span(tokens[0].start, tokens[-1].end)
    named_by_head = any(i > last_title for i in heads) or any(c > heads[0] for c in connectors) if heads else False
    if named_by_head or (heads and not after):
        if len(tokens) == 1:
            # "The Committee", "the Post": a bare head word stands for a named organisation.
            return Mention(span, "group", _join(tokens), tokens[-1].key)
        return Mention(span, "organisation", _join(tokens))
    if after:
        if any(t.key in ORGANISATION_CONNECTORS for t in after):
            return None
        name = after[-4:]  # a name is rarely longer; a longer run is a headline fragment
        return Mention(Span(name[0].start, name[-1].end), "person", _join(name), outer=span)
    return Mention(span, "description", _join(tokens), tokens[-1].key)


def _one_word(token: Token) -> Mention:
    """``classify_run`` of a one-word run (neither a connector nor in NOT_NAMES): what its
    rules give for one word, without building their lists. A capitalised organisation
    head is a group ("the Committee"), a title alone a description ("the Senator"),
    anything else a person's name ("McNulty")."""
    span = Span(token.start, token.end)
    if token.capitalised and token.key in ORGANISATION_HEADS:
        return Mention(span, "group", token.text, token.key)
    if token.key in TITLES:
        return Mention(span, "description", token.text, token.key)
    return Mention(span, "person", token.text, outer=span)


def _run_back(tokens: Sequence[Token], j: int, lo: int) -> int:
    """Index of the first token of the name run ending at ``j``."""
    k = j
    while k - 1 >= lo:
        prev = tokens[k - 1]
        if prev.name_part:
            k -= 1
        elif prev.key in ORGANISATION_CONNECTORS and not prev.capitalised and k - 2 >= lo:
            # "Committee of the Iraqi Resistance": a connector (or two) between capitals.
            m = k - 1
            while m - 1 >= lo and tokens[m - 1].key in ORGANISATION_CONNECTORS and not tokens[m - 1].capitalised:
                m -= 1
            if m - 1 >= lo and tokens[m - 1].name_part and k - m <= 2:
                k = m - 1
            else:
                break
        else:
            break
    return k


def _run_forward(tokens: Sequence[Token], i: int, hi: int) -> int:
    """Index after the last token of the name run starting at ``i``."""
    k = i
    while k < hi:
        tok = tokens[k]
        if tok.name_part:
            k += 1
            continue
        if tok.key in ORGANISATION_CONNECTORS and not tok.capitalised and k > i:
            m = k
            while m < hi and tokens[m].key in ORGANISATION_CONNECTORS and not tokens[m].capitalised:
                m += 1
            if m < hi and tokens[m].name_part and m - k <= 2:
                k = m
                continue
        break
    return k


def _describes(tokens: Sequence[Token]) -> Mention:
    head = tokens[-1].key
    span = Span(tokens[0].start, tokens[-1].end)
    text = _join(tokens)
    if head in DOCUMENT_NOUNS:
        return Mention(span, "document", text, head)
    if head in ORGANISATION_HEADS:
        return Mention(span, "group", text, head)
    return Mention(span, "description", text, head)


def _stops_phrase(token: Token) -> bool:
    return (
        token.kind != "word"
        or token.key in INTERVENING
        or token.key in OBJECT_MARKERS
        or token.key in _CLAUSE_WORDS
        or token.cue
    )


def phrase_at(tokens: Sequence[Token], j: int, lo: int) -> Mention | None:
    """The speaker phrase ending at token ``j`` (not before ``lo``), or None."""
    if j < lo:
        return None
    tok = tokens[j]
    if (pronoun := _pronoun(tok)) is not None:
        return pronoun
    if tok.name_part:
        k = _run_back(tokens, j, lo)
        return classify_run(tokens[k : j + 1], "last")
    if tok.key in _STANDALONE and tok.text.islower():
        return _describes([tok])  # "most said", "others added"
    if tok.kind != "word" or _stops_phrase(tok):
        return None
    # A description read backwards to its determiner: "the statement", "a Pentagon official".
    k = j
    while k >= lo and j - k < MAX_DESCRIPTION:
        cur = tokens[k]
        if k < j and (cur.key in DETERMINERS or cur.possessive):
            return _describes(tokens[k : j + 1])
        if k < j and _stops_phrase(cur):
            break
        k -= 1
    # No determiner: a bare plural ("sources said", "officials told") right after a clause break.
    if tok.key.endswith("s") and not tok.key.endswith("ss") and j - k <= 2:
        start = max(k + 1, lo)
        if start == lo or _stops_phrase(tokens[start - 1]) or tokens[start - 1].kind != "word":
            return _describes(tokens[start : j + 1])
    return None


def _index_at(tokens: Sequence[Token], offset: int) -> int:
    return next(i for i, t in enumerate(tokens) if t.start >= offset)


def _object_before(tokens: Sequence[Token], start: int, lo: int) -> bool:
    """Whether the phrase starting at ``start`` follows a preposition or "told": an object, not a subject."""
    k = start - 1
    if k >= lo and tokens[k].key in DETERMINERS:
        k -= 1
    return k >= lo and tokens[k].key in OBJECT_MARKERS


def skip_back(tokens: Sequence[Token], j: int, lo: int) -> int:
    """Index of the last token of the subject, skipping what may stand between a
    subject and its verb: auxiliaries and adverbs ("has also", "similarly"), a time
    phrase ("less than two weeks ago", "in the past"), a catenative verb ("went on
    to"), a parenthesis ("(headline photo)", "(D-S.C.)")."""
    while j >= lo:
        tok = tokens[j]
        if tok.key in INTERVENING or (tok.is_word and tok.text.islower() and tok.key.endswith("ly")):
            j -= 1
        elif tok.key in TIME_HEADS:
            j -= 1
            while j >= lo and tokens[j].is_word and (tokens[j].key in TIME_WORDS or tokens[j].key.isdigit()):
                j -= 1
        elif tok.key == "to" and j - 1 >= lo and tokens[j - 1].key in CATENATIVE:
            j -= 2
            if j >= lo and tokens[j].key in CATENATIVE_MOTION:
                j -= 1
        elif tok.text == ")":
            while j >= lo and tokens[j].text != "(":
                j -= 1
            j -= 1
        else:
            return j
    return j


def phrase_before(tokens: Sequence[Token], j: int, lo: int) -> Mention | None:
    """The subject of a reporting verb whose token precedes ``j + 1``.

    Skips what ``skip_back`` skips, goes from a relative pronoun to its antecedent
    ("Mike Pence, who called …"), and past an appositive between commas or dashes
    ("X, a Pentagon spokesperson, said"); a phrase that follows a preposition is an
    object and is passed over for the one before it.
    """
    j = skip_back(tokens, j, lo)
    if j >= lo and tokens[j].key in RELATIVE_PRONOUNS and tokens[j].text.islower():
        j -= 1
        if j >= lo and tokens[j].text in _APPOSITIVE_MARKS:
            j -= 1
        return phrase_at(tokens, skip_back(tokens, j, lo), lo)
    if j < lo:
        return None
    if tokens[j].text not in _APPOSITIVE_MARKS:
        return phrase_at(tokens, j, lo)
    # An appositive: try the phrase before each earlier comma or dash, nearest first.
    k = j - 1
    while k >= lo and j - k <= MAX_APPOSITIVE:
        if tokens[k].text in _APPOSITIVE_MARKS:
            found = phrase_at(tokens, skip_back(tokens, k - 1, lo), lo)
            if found is not None and not _object_before(tokens, _index_at(tokens, found.span.start), lo):
                return found
        k -= 1
    if k < lo:
        # "Smith, the lawyer, said" with the name opening the sentence.
        first = phrase_forward(tokens, lo, j)
        if first is not None and first.kind in ("person", "organisation", "pronoun"):
            return first
    return None


def phrase_forward(tokens: Sequence[Token], i: int, hi: int) -> Mention | None:
    """The speaker phrase starting at token ``i``: after "according to" or an inverted
    "said", or at the start of a sentence."""
    seg_end = i
    while seg_end < hi and seg_end - i < MAX_FORWARD:
        tok = tokens[seg_end]
        if tok.kind != "word" or tok.cue or tok.key in _CLAUSE_WORDS or tok.key in INTERVENING:
            break
        if tok.key in OBJECT_MARKERS and not (seg_end > i and tokens[seg_end - 1].capitalised):
            break
        after_name = seg_end > i and tokens[seg_end - 1].capitalised
        if tok.text.islower() and (tok.key.endswith("ly") or (after_name and tok.key.endswith("ed"))):
            break  # "Hillary Clinton immediately posted", "Trump returned": the verb phrase starts
        seg_end += 1
    if seg_end == i:
        return None
    first = tokens[i]
    if (pronoun := _pronoun(first)) is not None:
        return pronoun
    runs: list[Mention] = []
    k = i
    while k < seg_end:
        if tokens[k].name_part:
            stop = _run_forward(tokens, k, seg_end)
            found = classify_run(tokens[k:stop], "first")
            if found is not None:
                runs.append(found)
            k = stop
        else:
            k += 1
    people = [m for m in runs if m.kind == "person"]
    if first.key in DETERMINERS or first.possessive:
        head = next(
            (
                h
                for h in range(i + 1, seg_end)
                if not tokens[h].capitalised
                and (tokens[h].key in DOCUMENT_NOUNS or tokens[h].key in ORGANISATION_HEADS or tokens[h].key in TITLES)
            ),
            None,
        )
        if head is not None:
            after = [m for m in people if m.span.start > tokens[head].start]
            if after:
                return after[0]  # "the former governor John Smith"
            return _describes(tokens[i : head + 1])
        if runs:
            return runs[0]
        return _describes(tokens[i : min(seg_end, i + 3)])
    if people:
        return people[-1]  # "chief Pentagon spokesperson John Kirby"
    if runs:
        return runs[0]
    if first.key.endswith("s") and not first.capitalised:
        return _describes(tokens[i : i + 1])
    return None


__all__ = [
    "Mention",
    "MentionKind",
    "Token",
    "classify_run",
    "is_cue",
    "name_token",
    "phrase_at",
    "phrase_before",
    "phrase_forward",
    "skip_back",
    "tokenize",
]
