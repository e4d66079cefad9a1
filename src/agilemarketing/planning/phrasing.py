"""The shape of a request that prescribes a tactic: a directive whose object is a channel.

:class:`~agilemarketing.planning.stakeholders.ImperativeTactic` reads a request's summary with
this small English grammar instead of matching a list of verbs. Only closed word classes are
listed (determiners, pronouns, prepositions, auxiliaries, lead-ins such as "we need"); any
other word in the verb's place is taken as the verb, and the team's ``channels`` (the nouns
they publish through) are the only vocabulary. A request prescribes a tactic when it is

* an imperative whose object (or whose "on ..." / "in ..." place) is a channel:
  "Send a newsletter", "Please translate the landing page", "Post it on Instagram";
* a channel word used as the verb: "Tweet about the launch", "Email everyone on the list";
* a wish whose object is a channel: "We need a LinkedIn post", "I'd like a webinar on pricing";
* a bare noun phrase naming a channel: "Email blast to all customers", "New flyer for the fair".

A statement (a subject and a verb: "Customers ignore emails", "Nobody reads the newsletter",
"Email open rates dropped") is not one, and neither is an outcome ("Grow trial sign-ups by 10%"),
whose object is not a channel.

>>> channels = frozenset({"email", "newsletter", "post", "blast"})
>>> tactic_in("Please send a newsletter", channels)
Tactic(verb='send', channel='newsletter')
>>> tactic_in("Email blast to all customers", channels)
Tactic(verb=None, channel='blast')
>>> tactic_in("Customers ignore emails", channels) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

__all__ = ["FUNCTION_WORDS", "Tactic", "tactic_in"]


def _closed(words: str) -> frozenset[str]:
    """A closed word class, written as one string."""
    return frozenset(words.split())


_DETERMINERS = _closed(
    "a an the some any more many several few all every each this that these those our my "
    "your their his her its another other no"
)
_PRONOUNS = _closed(
    "i you he she it we they me him us them nobody everybody everyone someone somebody "
    "anyone anybody noone nothing something everything"
)
_AUXILIARIES = _closed(
    "is are was were be been being am has have had do does did not never can could will "
    "would shall should may might must isn't aren't wasn't weren't don't doesn't didn't "
    "can't won't hasn't haven't"
)
_PREPOSITIONS = _closed(
    "to for about on in at with before after by next into onto from via through across over "
    "around until till during of per within ahead"
)
_PARTICLES = _closed("together up out off down back")
_QUESTION_WORDS = _closed("why how what when where who which whether if")
_QUANTITIES = _closed("series set couple pair bunch batch round number lot handful run")
_PLACES = _closed("on in via through across onto into")
_CLAUSE_WORDS = _AUXILIARIES | _QUESTION_WORDS  # "Email is broken" is a statement
_FUNCTION = (
    _DETERMINERS | _PRONOUNS | _AUXILIARIES | _PREPOSITIONS | _PARTICLES | _QUESTION_WORDS
    | frozenset({"and", "or", "but", "please", "too", "so", "very"})
)  # fmt: skip

FUNCTION_WORDS: frozenset[str] = _FUNCTION
"""The closed word classes the grammar knows; any other word in a verb's place is a verb."""

# Lead-ins before a verb ("can you", "we need to") or before a noun phrase ("we need").
_VERB_LEAD = re.compile(
    r"^(?:(?:i|we|you)(?:'d| would)?\s+(?:want|need|like|love)\s+(?:you\s+|the team\s+)?to"
    r"|(?:can|could|would|will)\s+(?:you|we|someone|somebody|(?:the|our|your)\s+[a-z-]+)"
    r"|(?:we|you)\s+(?:need|have|ought)\s+to|(?:we|you)\s+(?:should|must)"
    r"|let'?s|let us|(?:is it|would it be)\s+possible\s+to)\s+"
)
_NOUN_LEAD = re.compile(
    r"^(?:(?:i|we)(?:'d| would)?\s+(?:want|need|like|love)|(?:we|i)\s+(?:need|want|require)"
    r"|(?:can|could)\s+(?:we|i)\s+(?:have|get)|(?:we|i)\s+(?:are|am)\s+after)\s+"
)
_GREETING = re.compile(r"^(?:(?:please|pls|hi|hello|hey|team|all|folks)[,!]?\s+)+")


class Tactic(NamedTuple):
    """What makes a request a tactic: its verb (None for a bare noun phrase) and channel."""

    verb: str | None
    channel: str


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+(?:['-][a-z]+)*", text.casefold().replace("\u2019", "'"))


def _plural(word: str) -> bool:
    """A plural noun or a third-person verb ("customers", "needs"), never a base-form verb."""
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _participle(word: str) -> bool:
    return len(word) > 4 and word.endswith(("ed", "ing"))


class _Phrase(NamedTuple):
    words: tuple[str, ...]  # the content words, modifiers then head
    end: int  # the index after the phrase

    @property
    def head(self) -> str | None:
        return self.words[-1] if self.words else None

    @property
    def clause(self) -> bool:
        """Whether it reads as a subject and its verb ("users churn", "posts get")."""
        return any(_plural(w) for w in self.words[:-1])


def _noun_phrase(words: Sequence[str], at: int) -> _Phrase:
    """The noun phrase starting at ``at``: determiners, then content words ("series of" joins)."""
    i = at
    while i < len(words) and words[i] in _DETERMINERS:
        i += 1
    start = i
    while i < len(words) and words[i] not in _FUNCTION:
        i += 1
    chunk = list(words[start:i])
    while len(chunk) > 1 and _participle(chunk[-1]):  # "a banner printed", "ads running"
        chunk.pop()
    if i < len(words) - 1 and words[i] == "of" and chunk and chunk[-1] in _QUANTITIES:
        rest = _noun_phrase(words, i + 1)  # "a series of LinkedIn posts"
        if rest.words:
            return rest
    return _Phrase(tuple(chunk), i)


def _as_noun_phrase(words: Sequence[str], channels: frozenset[str]) -> Tactic | None:
    """A bare noun phrase naming a channel, then nothing or a preposition."""
    phrase = _noun_phrase(words, 0)
    if phrase.head not in channels or phrase.clause or _AUXILIARIES.intersection(words):
        return None
    if phrase.end < len(words) and words[phrase.end] not in _PREPOSITIONS:
        return None
    return Tactic(None, phrase.head) if phrase.head else None


def _as_imperative(words: Sequence[str], channels: frozenset[str]) -> Tactic | None:
    """A verb (any word in that place) whose object, or whose place, is a channel."""
    verb = words[0]
    if verb in _FUNCTION or _plural(verb):
        return None
    i = 1
    while i < len(words) and words[i] in _PARTICLES:
        i += 1
    following = words[i] if i < len(words) else None
    mentions_channel = True  # no object, or a pronoun: "Post it on Instagram"
    if following in _PRONOUNS:
        i += 1
    elif following is not None and following not in _PREPOSITIONS:
        phrase = _noun_phrase(words, i)
        if phrase.clause:
            return None
        if phrase.head in channels:
            return Tactic(verb, phrase.head)  # "Send a newsletter", "Get a banner printed"
        i, mentions_channel = phrase.end, any(w in channels for w in phrase.words)
    if mentions_channel and i < len(words) and words[i] in _PLACES:
        place = _noun_phrase(words, i + 1)  # "... the new case study on LinkedIn"
        if place.head in channels and not place.clause:
            return Tactic(verb, place.head)
    if verb in channels and (following is None or following in _FUNCTION - _CLAUSE_WORDS):
        return Tactic(verb, verb)  # a channel as the verb: "Tweet about the launch"
    return None


def tactic_in(summary: str, channels: frozenset[str]) -> Tactic | None:
    """The tactic a request's summary prescribes, or None when it states no directive."""
    text = " ".join(_words(summary))
    text = _GREETING.sub("", text, count=1)
    lead = _VERB_LEAD.match(text)
    if lead is not None:
        return _as_imperative(_words(text[lead.end() :]), channels)
    lead = _NOUN_LEAD.match(text)
    if lead is not None:
        words = _words(text[lead.end() :])
        if words[:1] == ["to"]:
            return _as_imperative(words[1:], channels)
        return _as_noun_phrase(words, channels) or _as_imperative(words, channels)
    words = _words(text)
    if not words or words[0] in _PRONOUNS or words[0] in _AUXILIARIES:
        return None
    return _as_noun_phrase(words, channels) or _as_imperative(words, channels)
