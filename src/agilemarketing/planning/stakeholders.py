"""Stakeholders and their requests: who asks the team for work, and what a good request says.

**Who is a stakeholder.** Someone who asked the team for work, whom the team keeps informed,
who asked for a status report, or who owns a business goal the team's work serves: the four
identification questions (:data:`IDENTIFICATION_QUESTIONS`). A :class:`StakeholderRegister`
records who they are, why (:class:`Reason`), and the goals they own.

**Requests bring a problem, not a solution.** A :class:`Request` says who the customer or
market is, what it should achieve for the stakeholder, which business goal or Guidepoint outcome
it serves and what success looks like (a measurable criterion such as "50 qualified new leads").
:func:`check_request` reports what is missing and returns the questions to send back ("What do
you want to achieve?", "What does success look like?"); a request that only prescribes a tactic
("send an email to everyone") is flagged by :class:`TacticDetector` s, pluggable.

The Marketing Owner's triage of requests is the :class:`~agilemarketing.planning.intake.Intake`.

>>> check = check_request(Request(
...     "REQ-1", "Sam (Sales)",
...     "I want you to send an email to everyone on our list about the new banking app"))
>>> check.tactic_only, check.questions[:2]
(True, ('What do you want to achieve?', 'What does success look like?'))
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import attrs

from agilemarketing.errors import InvalidValue, NotFound, RequestIncomplete
from agilemarketing.items import Size, WorkItem
from agilemarketing.planning.experiments import SuccessCriterion
from agilemarketing.planning.guidepoint import Guidepoint
from agilemarketing.planning.phrasing import tactic_in
from agilemarketing.utc import optional_utc
from agilemarketing.validators import Choices, choice, instances, sequence, stripped, texts

__all__ = [
    "DEFAULT_DETECTORS",
    "IDENTIFICATION_QUESTIONS",
    "QUESTIONS",
    "ImperativeTactic",
    "Reason",
    "Request",
    "RequestCheck",
    "Stakeholder",
    "StakeholderRegister",
    "TacticDetector",
    "check_request",
]


class Reason(Choices):
    """Why someone is a stakeholder of the team (the four identification questions)."""

    ASKED_FOR_WORK = "asked for work"
    KEPT_INFORMED = "kept informed"
    ASKED_FOR_STATUS = "asked for status"
    OWNS_BUSINESS_GOAL = "owns a business goal"


IDENTIFICATION_QUESTIONS: dict[Reason, str] = {
    Reason.ASKED_FOR_WORK: "Has this person asked the team for work?",
    Reason.KEPT_INFORMED: "Do I regularly keep this person informed of the team's work?",
    Reason.ASKED_FOR_STATUS: "Has this person asked for a status report before?",
    Reason.OWNS_BUSINESS_GOAL: (
        "Is this person responsible for business goals directly tied to the team's work?"
    ),
}
"""The four questions that tell whether someone is a stakeholder of the team."""


_REASONS = "use the four questions' reasons: " + ", ".join(repr(r.value) for r in Reason)
_ONE_REASON = choice(Reason, "Stakeholder.reasons, reason")


def _one_reason(value: Any) -> Reason:
    return _ONE_REASON(value)


def _reasons(value: Iterable[Reason | str]) -> frozenset[Reason]:
    given = (
        [value] if isinstance(value, str) else sequence(value, "Stakeholder.reasons", fix=_REASONS)
    )
    return frozenset(_one_reason(v) for v in given)


def _goals(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(texts("Stakeholder.goals", fix="name the goals they own")(value)))


@attrs.frozen
class Stakeholder:
    """Someone with a vital stake in the team's work (typically sales, product, service).

    Rules: at least one identification :class:`Reason`; owning goals and the reason
    ``OWNS_BUSINESS_GOAL`` go together (goals imply the reason; the reason needs a goal).

    >>> s = Stakeholder("Sam", {"asked for work"}, department="sales", goals=["pipeline"])
    >>> sorted(s.reasons)
    [<Reason.ASKED_FOR_WORK: 'asked for work'>, <Reason.OWNS_BUSINESS_GOAL: 'owns a business goal'>]
    """

    name: str = attrs.field(converter=stripped)
    reasons: frozenset[Reason] = attrs.field(converter=_reasons)
    department: str = attrs.field(default="", converter=stripped)
    goals: tuple[str, ...] = attrs.field(default=(), converter=_goals)

    def __attrs_post_init__(self) -> None:
        if not self.name:
            raise InvalidValue("a stakeholder has a name", where="Stakeholder", fix="name them")
        if self.goals and Reason.OWNS_BUSINESS_GOAL not in self.reasons:
            object.__setattr__(self, "reasons", self.reasons | {Reason.OWNS_BUSINESS_GOAL})
        if not self.reasons:
            raise InvalidValue(
                "no identification question applies, so this is not a stakeholder of the team",
                where=f"stakeholder {self.name!r}",
                fix="record which apply: " + " ".join(IDENTIFICATION_QUESTIONS.values()),
            )
        if Reason.OWNS_BUSINESS_GOAL in self.reasons and not self.goals:
            raise InvalidValue(
                "owns a business goal, but no goal is named",
                where=f"stakeholder {self.name!r}",
                fix="list the goals they own (goals=[...])",
            )

    def with_reason(self, reason: Reason | str) -> Stakeholder:
        """A copy with one more identification reason."""
        return attrs.evolve(self, reasons=self.reasons | {Reason(reason)})


def _by_name(value: Iterable[Stakeholder]) -> dict[str, Stakeholder]:
    people = value.values() if isinstance(value, dict) else value
    known = instances(Stakeholder, "StakeholderRegister(people)", fix="give Stakeholder values")
    return {s.name.casefold(): s for s in known(people)}


@attrs.define
class StakeholderRegister:
    """Who the team's stakeholders are, why, and which goals they own.

    >>> reg = StakeholderRegister()
    >>> reg.identify("Sam", department="sales", asked_for_work=True, goals=["pipeline"]).name
    'Sam'
    >>> reg.identify("Pat", department="finance") is None   # no question applies
    True
    >>> [s.name for s in reg.owners_of("pipeline")]
    ['Sam']
    """

    _people: dict[str, Stakeholder] = attrs.field(factory=dict, alias="people", converter=_by_name)

    def __len__(self) -> int:
        return len(self._people)

    def __iter__(self) -> Iterator[Stakeholder]:
        return iter(self._people.values())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.strip().casefold() in self._people

    def add(self, stakeholder: Stakeholder) -> Stakeholder:
        """Register someone; registering a known name merges reasons and goals."""
        key = stakeholder.name.casefold()
        known = self._people.get(key)
        if known is not None:
            stakeholder = Stakeholder(
                known.name,
                known.reasons | stakeholder.reasons,
                department=stakeholder.department or known.department,
                goals=[*known.goals, *stakeholder.goals],
            )
        self._people[key] = stakeholder
        return stakeholder

    def identify(
        self,
        name: str,
        *,
        department: str = "",
        asked_for_work: bool = False,
        kept_informed: bool = False,
        asked_for_status: bool = False,
        goals: Iterable[str] = (),
    ) -> Stakeholder | None:
        """Ask the four questions; register and return the person if any answer is yes."""
        goal_list = _goals(goals)
        reasons = {
            r
            for r, yes in (
                (Reason.ASKED_FOR_WORK, asked_for_work),
                (Reason.KEPT_INFORMED, kept_informed),
                (Reason.ASKED_FOR_STATUS, asked_for_status),
                (Reason.OWNS_BUSINESS_GOAL, bool(goal_list)),
            )
            if yes
        }
        if not reasons:
            return None
        return self.add(Stakeholder(name, reasons, department=department, goals=goal_list))

    def get(self, name: str) -> Stakeholder:
        """The stakeholder called ``name`` (case-insensitive)."""
        try:
            return self._people[name.strip().casefold()]
        except KeyError:
            raise NotFound(
                "stakeholder",
                name,
                where="stakeholder register",
                fix="register them first with identify() or add()",
            ) from None

    def owners_of(self, goal: str) -> list[Stakeholder]:
        """Who owns ``goal`` (case-insensitive)."""
        wanted = goal.strip().casefold()
        return [s for s in self._people.values() if wanted in {g.casefold() for g in s.goals}]


@attrs.frozen
class Request:
    """A stakeholder's request for work: ideally a problem, not a solution.

    Attributes:
        key: the request's id.
        requester: who asked.
        summary: what they asked, in their words.
        customer: who the customer or market is.
        desired_outcome: what it should achieve for the stakeholder.
        serves: the business goal or Guidepoint outcome it serves.
        success: what success looks like, measurably ("at least 50 qualified new leads").
        details: anything else.
        received_at: when it came in.
    """

    key: str = attrs.field(converter=stripped)
    requester: str = attrs.field(converter=stripped)
    summary: str = attrs.field(converter=stripped)
    customer: str | None = None
    desired_outcome: str | None = None
    serves: str | None = None
    success: str | None = None
    details: str = ""
    received_at: datetime | None = attrs.field(default=None, converter=optional_utc)

    def __attrs_post_init__(self) -> None:
        for name in ("customer", "desired_outcome", "serves", "success"):
            value = getattr(self, name)
            if value is not None and not str(value).strip():
                object.__setattr__(self, name, None)
        if not (self.key and self.requester and self.summary):
            raise InvalidValue(
                "a request needs a key, a requester and a summary",
                where=f"request {self.key or '?'}",
                fix="say who asks and what they ask for",
            )

    @property
    def success_criterion(self) -> SuccessCriterion | None:
        """The success text as a :class:`~agilemarketing.planning.experiments.SuccessCriterion`.

        None when missing or not measurable.

        >>> Request("R", "Sam", "x", success="50 qualified new leads").success_criterion.threshold
        50.0
        """
        if self.success is None:
            return None
        try:
            return SuccessCriterion.parse(self.success)
        except InvalidValue:
            return None

    def to_item(
        self, *, key: str | None = None, kind: str = "campaign", size: Size | None = None
    ) -> WorkItem:
        """The backlog item this request becomes (stakeholder and outcome carried over)."""
        return WorkItem(
            key or self.key,
            self.summary,
            kind=kind,
            size=size,
            stakeholder=self.requester,
            outcome=self.serves,
            created_at=self.received_at,
            fields={
                "request": self.key,
                "customer": self.customer,
                "desired_outcome": self.desired_outcome,
                "success": self.success,
            },
        )


@runtime_checkable
class TacticDetector(Protocol):
    """Says why a request only prescribes a tactic (or None when it does not).

    Teams plug in their own (their channels, their language) through
    :class:`~agilemarketing.planning.intake.Intake` or :func:`check_request`.
    """

    def __call__(self, request: Request) -> str | None:
        """A reason such as "prescribes 'send' + 'email'", or None."""
        ...


_SUGGESTION = re.compile(r"\b(?:how|what)\s+about\b", re.I)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+(?:-[a-z]+)*", text.casefold())


@attrs.frozen
class ImperativeTactic:
    """The default detector: a directive whose object is a channel, and no outcome or success.

    A request is flagged when it lacks a desired outcome or a measurable success criterion and
    its summary has the shape of a directive about a channel (read by
    :func:`~agilemarketing.planning.phrasing.tactic_in`, a small grammar rather than a list of
    verbs): an imperative with any verb ("Send a newsletter", "Please translate the landing
    page"), a wish ("We need a LinkedIn post"), a bare noun phrase ("Email blast to all
    customers"), or a suggestion ("how about ..." / "what about ..." and a channel). A
    statement ("Customers ignore emails") or an outcome ("Grow trial sign-ups by 10%") is not
    one. ``channels`` are the nouns the team publishes through; pass your own to adapt it.

    >>> detect = ImperativeTactic()
    >>> detect(Request("R1", "Sam", "Send an email to everyone on our mailing list"))
    "prescribes a tactic ('send' + 'email') without saying what it should achieve or how success is measured"
    >>> detect(Request("R2", "Sam", "Email blast to all customers"))
    "asks for a tactic (a 'blast') without saying what it should achieve or how success is measured"
    >>> detect(Request("R3", "Sam", "Send an email to everyone", desired_outcome="pipeline",
    ...                success="50 qualified new leads")) is None
    True
    >>> detect(Request("R4", "Sam", "Our trial users churn after a week")) is None
    True
    """  # noqa: E501

    channels: frozenset[str] = frozenset(
        {
            "email", "e-mail", "emails", "mail", "mailing", "mailer", "mailshot", "newsletter",
            "newsletters", "blast", "flyer", "flyers", "brochure", "brochures", "leaflet",
            "webinar", "webinars", "post", "posts", "tweet", "tweets", "video", "videos",
            "banner", "banners", "ad", "ads", "advert", "adverts", "advertisement", "landing",
            "page", "social", "linkedin", "twitter", "facebook", "instagram", "tiktok",
            "youtube", "blog", "article", "articles", "press", "release", "billboard", "event",
            "booth", "podcast", "campaign", "website", "sms", "push", "publication", "magazine",
            "case", "infographic", "ebook", "whitepaper",
        }
    )  # fmt: skip

    def __call__(self, request: Request) -> str | None:
        """A reason when the request prescribes a tactic without an outcome, else None."""
        if request.desired_outcome and request.success_criterion is not None:
            return None
        suggestion = _SUGGESTION.search(request.summary)
        if suggestion is not None:
            # "How about a new product flyer?", "how about we advertise with them?"
            channel = next((w for w in _words(request.summary) if w in self.channels), None)
            if channel is not None:
                return (
                    f"suggests a tactic ({suggestion.group(0).strip().lower()} ... {channel!r}) "
                    "without saying what it should achieve or how success is measured"
                )
        tactic = tactic_in(request.summary, self.channels)
        if tactic is None:
            return None
        if tactic.verb is None:
            shown = f"asks for a tactic (a {tactic.channel!r})"
        else:
            shown = f"prescribes a tactic ({tactic.verb!r} + {tactic.channel!r})"
        return f"{shown} without saying what it should achieve or how success is measured"


DEFAULT_DETECTORS: tuple[TacticDetector, ...] = (ImperativeTactic(),)
"""The detectors used when none are given."""

QUESTIONS: dict[str, str] = {
    "desired outcome": "What do you want to achieve?",
    "success criterion": "What does success look like?",
    "measurable success criterion": "What does success look like, in numbers (e.g. 50 "
    "qualified new leads)?",
    "customer or market": "Who is the customer or market?",
    "business goal or Guidepoint outcome": "Which business goal or Guidepoint outcome does it "
    "serve?",
}
"""The question to send back for each missing part of a request."""


@attrs.frozen
class RequestCheck:
    """What a request lacks, and the questions to send back.

    Attributes:
        request: the request's key.
        missing: the missing parts, in the order of :data:`QUESTIONS`.
        tactics: why detectors think it only prescribes a tactic.
        off_guidepoint: the outcome it names when that is not on the current Guidepoint.
    """

    request: str
    missing: tuple[str, ...]
    tactics: tuple[str, ...] = ()
    off_guidepoint: str | None = None

    @property
    def tactic_only(self) -> bool:
        """Whether some detector flagged the request as a prescribed tactic."""
        return bool(self.tactics)

    @property
    def ok(self) -> bool:
        """Whether the request states a complete problem (it may still be declined)."""
        return not self.missing and not self.tactics

    @property
    def questions(self) -> tuple[str, ...]:
        """The questions to ask the requester; a tactic is always met with the first two."""
        asked = list(self.missing)
        if self.tactics:
            asked = ["desired outcome", "success criterion", *asked]
        return tuple(dict.fromkeys(QUESTIONS[m] for m in asked))

    def raise_if_incomplete(self) -> None:
        """Raise :class:`~agilemarketing.errors.RequestIncomplete` unless :attr:`ok`."""
        if not self.ok:
            parts = list(self.missing) or ["a problem instead of a tactic"]
            raise RequestIncomplete(self.request, missing=parts, questions=self.questions)


def check_request(
    request: Request,
    *,
    guidepoint: Guidepoint | None = None,
    detectors: Sequence[TacticDetector] = DEFAULT_DETECTORS,
) -> RequestCheck:
    """Check that a request states a problem: customer, outcome, goal and measurable success.

    >>> check = check_request(Request("R1", "Sam", "Grow the pipeline for the banking app",
    ...                               customer="retail banking customers",
    ...                               desired_outcome="sales can follow up new prospects",
    ...                               serves="pipeline", success="more leads"))
    >>> check.missing, check.questions
    (('measurable success criterion',), ('What does success look like, in numbers (e.g. 50 qualified new leads)?',))
    """  # noqa: E501
    missing: list[str] = []
    if request.desired_outcome is None:
        missing.append("desired outcome")
    if request.success is None:
        missing.append("success criterion")
    elif request.success_criterion is None:
        missing.append("measurable success criterion")
    if request.customer is None:
        missing.append("customer or market")
    if request.serves is None:
        missing.append("business goal or Guidepoint outcome")
    tactics = tuple(reason for d in detectors if (reason := d(request)) is not None)
    off = None
    if guidepoint is not None and request.serves is not None:
        off = None if guidepoint.serves(request.serves) else request.serves
    return RequestCheck(request.key, tuple(missing), tactics, off)
