"""Stakeholders, their requests, and the Marketing Owner's triage.

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

**Triage is the Marketing Owner's alone.** :class:`Intake` takes requests in; only its ``owner``
accepts one into the :class:`~agilemarketing.backlog.Backlog` at a chosen rank (and only when it
serves the Guidepoint), defers it (to a date or the next planning), declines it with a reason,
or sends it back with questions. Every :class:`TriageDecision` records who and when, and gives
the requester a message. Accepting never puts work into a running cycle: it goes into the
backlog and is planned later, unless the Owner records it explicitly as unplanned work
(:meth:`Intake.accept_unplanned`).

>>> from datetime import date, datetime, UTC
>>> from agilemarketing.backlog import Backlog
>>> from agilemarketing.guidepoint import Guidepoint, Outcome
>>> gp = Guidepoint("Pipeline for sales", date(2026, 4, 1), date(2026, 6, 30),
...                 [Outcome("pipeline")])
>>> intake = Intake(owner="Maya", backlog=Backlog(), guidepoint=gp)
>>> check = intake.submit(Request(
...     "REQ-1", "Sam (Sales)",
...     "I want you to send an email to everyone on our list about the new banking app"))
>>> check.tactic_only, check.questions[:2]
(True, ('What do you want to achieve?', 'What does success look like?'))
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Protocol, runtime_checkable

import attrs

from agilemarketing._time import ensure_utc, optional_utc, utcnow
from agilemarketing.backlog import Backlog
from agilemarketing.cycles import CycleRun
from agilemarketing.errors import (
    AlreadyDecided,
    InvalidValue,
    NotFound,
    NotMarketingOwner,
    RequestIncomplete,
)
from agilemarketing.experiments import SuccessCriterion
from agilemarketing.guidepoint import Guidepoint
from agilemarketing.items import Size, WorkItem

__all__ = [
    "DEFAULT_DETECTORS",
    "IDENTIFICATION_QUESTIONS",
    "NEXT_PLANNING",
    "QUESTIONS",
    "ImperativeTactic",
    "Intake",
    "Reason",
    "Request",
    "RequestCheck",
    "Stakeholder",
    "StakeholderRegister",
    "TacticDetector",
    "TriageDecision",
    "Verdict",
    "check_request",
]


class Reason(enum.StrEnum):
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


def _text(value: str) -> str:
    return str(value).strip()


def _reasons(value: Iterable[Reason | str]) -> frozenset[Reason]:
    return frozenset(Reason(v) for v in value)


def _goals(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    return tuple(dict.fromkeys(g.strip() for g in value if g.strip()))


@attrs.frozen
class Stakeholder:
    """Someone with a vital stake in the team's work (typically sales, product, service).

    Rules: at least one identification :class:`Reason`; owning goals and the reason
    ``OWNS_BUSINESS_GOAL`` go together (goals imply the reason; the reason needs a goal).

    >>> s = Stakeholder("Sam", {"asked for work"}, department="sales", goals=["pipeline"])
    >>> sorted(s.reasons)
    [<Reason.ASKED_FOR_WORK: 'asked for work'>, <Reason.OWNS_BUSINESS_GOAL: 'owns a business goal'>]
    """

    name: str = attrs.field(converter=_text)
    reasons: frozenset[Reason] = attrs.field(converter=_reasons)
    department: str = attrs.field(default="", converter=_text)
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
    return {s.name.casefold(): s for s in people}


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

    key: str = attrs.field(converter=_text)
    requester: str = attrs.field(converter=_text)
    summary: str = attrs.field(converter=_text)
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
        """The success text as a :class:`~agilemarketing.experiments.SuccessCriterion`.

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

    Teams plug in their own (their channels, their language) through :class:`Intake` or
    :func:`check_request`.
    """

    def __call__(self, request: Request) -> str | None:
        """A reason such as "prescribes 'send' + 'email'", or None."""
        ...


_LEAD_IN = re.compile(
    r"^\s*(?:(?:please|pls|hi|hello|hey)[,!]?\s+)*"
    r"(?:(?:i|we)(?:'d| would)?\s+(?:want|need|like)\s+(?:you\s+|the team\s+)?to\s+"
    r"|can\s+(?:you|the team)\s+|could\s+(?:you|the team)\s+|(?:we|you)\s+(?:need|have)\s+to\s+"
    r"|let'?s\s+)?",
    re.I,
)


_SUGGESTION = re.compile(r"\b(?:how|what)\s+about\b", re.I)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+(?:-[a-z]+)*", text.casefold())


@attrs.frozen
class ImperativeTactic:
    """The default detector: an imperative channel verb, a channel, and no outcome or success.

    A request is flagged when it lacks a desired outcome or a measurable success criterion and
    either its summary starts (after lead-ins such as "please", "I want you to", "can you")
    with one of ``verbs`` and mentions one of ``channels``, or it suggests a channel with "how
    about ..." / "what about ...". Pass your own word lists to adapt it.

    >>> detect = ImperativeTactic()
    >>> detect(Request("R1", "Sam", "Send an email to everyone on our mailing list"))
    "prescribes a tactic ('send' + 'email') without saying what it should achieve or how success is measured"
    >>> detect(Request("R2", "Sam", "Send an email to everyone", desired_outcome="pipeline",
    ...                success="50 qualified new leads")) is None
    True
    >>> detect(Request("R3", "Sam", "Our trial users churn after a week")) is None
    True
    """  # noqa: E501

    verbs: frozenset[str] = frozenset(
        {
            "send", "post", "create", "make", "design", "write", "run", "launch", "build",
            "publish", "tweet", "print", "advertise", "buy", "book", "produce", "film", "record",
            "email", "blast", "share", "add", "put", "do", "organise", "organize", "arrange",
            "update", "redesign", "set", "schedule", "place", "get",
        }
    )  # fmt: skip
    channels: frozenset[str] = frozenset(
        {
            "email", "e-mail", "mail", "mailing", "newsletter", "flyer", "flyers", "brochure",
            "webinar", "post", "posts", "video", "videos", "banner", "banners", "ad", "ads",
            "advert", "advertisement", "landing", "page", "social", "linkedin", "twitter",
            "facebook", "instagram", "tiktok", "youtube", "blog", "article", "articles",
            "press", "release", "billboard", "event", "booth", "podcast", "campaign",
            "brochures", "website", "sms", "push", "publication", "magazine", "case",
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
        rest = _LEAD_IN.sub("", request.summary, count=1)
        words = _words(rest)
        if not words or words[0] not in self.verbs:
            return None
        channel = next((w for w in words[1:] if w in self.channels), None)
        if channel is None:
            return None
        return (
            f"prescribes a tactic ({words[0]!r} + {channel!r}) without saying what it should "
            "achieve or how success is measured"
        )


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


class Verdict(enum.StrEnum):
    """What the Marketing Owner decided about a request."""

    ACCEPTED = "accepted"
    DEFERRED = "deferred"
    DECLINED = "declined"
    SENT_BACK = "sent back"
    UNPLANNED = "accepted as unplanned work"


NEXT_PLANNING = "the next planning"
"""What a deferral without a date waits for."""


@attrs.frozen
class TriageDecision:
    """One recorded triage decision: what, by whom, when, and why.

    Attributes:
        request: the request's key.
        requester: who asked.
        verdict: the decision.
        by: who decided (always the Marketing Owner).
        at: when.
        reason: why (required to decline).
        position: the backlog rank it was accepted at (0 = top).
        item: the backlog item's key.
        until: the date a deferral waits for (None: the next planning).
        questions: the questions sent back.
        cycle: the running cycle unplanned work was added to.
    """

    request: str
    requester: str
    verdict: Verdict = attrs.field(converter=Verdict)
    by: str
    at: datetime = attrs.field(converter=ensure_utc)
    reason: str = ""
    position: int | None = None
    item: str | None = None
    until: date | None = None
    questions: tuple[str, ...] = ()
    cycle: str | None = None

    def message(self) -> str:
        """A short note to the requester saying what happened to their request.

        >>> from datetime import datetime, UTC
        >>> d = TriageDecision("REQ-7", "Sam", "declined", "Maya",
        ...                    datetime(2026, 4, 2, tzinfo=UTC), reason="no Guidepoint outcome")
        >>> print(d.message())
        Hi Sam, your request REQ-7 was declined by Maya on 2026-04-02: no Guidepoint outcome.
        """
        head = f"Hi {self.requester}, your request {self.request}"
        day = self.at.date().isoformat()
        if self.verdict is Verdict.ACCEPTED:
            rank = "" if self.position is None else f" at rank {self.position + 1}"
            text = (
                f"{head} is in the marketing backlog{rank} as {self.item} (accepted by "
                f"{self.by} on {day}); it will be planned into an upcoming cycle"
            )
        elif self.verdict is Verdict.UNPLANNED:
            text = (
                f"{head} was added to the running cycle {self.cycle} as unplanned work by "
                f"{self.by} on {day}"
            )
        elif self.verdict is Verdict.DEFERRED:
            until = NEXT_PLANNING if self.until is None else self.until.isoformat()
            text = f"{head} was deferred until {until} by {self.by} on {day}"
        elif self.verdict is Verdict.DECLINED:
            text = f"{head} was declined by {self.by} on {day}"
        else:
            text = f"{head} needs a little more before {self.by} can plan it. " + " ".join(
                self.questions
            )
            return text
        return f"{text}: {self.reason}." if self.reason else f"{text}."


@attrs.define
class Intake:
    """The request intake of one team: submissions, and the Marketing Owner's triage.

    ``owner`` is the Marketing Owner, the only person whose triage decisions count. Accepted work
    goes into ``backlog`` (a :class:`~agilemarketing.backlog.Backlog`) and must serve an
    outcome of ``guidepoint``.

    >>> from datetime import date, datetime, UTC
    >>> from agilemarketing.guidepoint import Guidepoint, Outcome
    >>> gp = Guidepoint("x", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline")])
    >>> intake = Intake("Maya", Backlog(), gp)
    >>> _ = intake.submit(Request("REQ-2", "Sam", "Prospects do not know the banking app",
    ...     customer="retail customers", desired_outcome="build the sales pipeline",
    ...     serves="pipeline", success="at least 50 qualified new leads within 30 days"))
    >>> d = intake.accept("REQ-2", by="Maya", position=0, at=datetime(2026, 4, 2, tzinfo=UTC))
    >>> d.verdict, intake.backlog.keys()
    (<Verdict.ACCEPTED: 'accepted'>, ['REQ-2'])
    """

    owner: str = attrs.field(converter=_text)
    backlog: Backlog = attrs.field(factory=Backlog)
    guidepoint: Guidepoint | None = None
    register: StakeholderRegister | None = None
    detectors: tuple[TacticDetector, ...] = attrs.field(default=DEFAULT_DETECTORS, converter=tuple)
    _requests: dict[str, Request] = attrs.field(factory=dict, init=False)
    _decisions: list[TriageDecision] = attrs.field(factory=list, init=False)
    _state: dict[str, TriageDecision | None] = attrs.field(factory=dict, init=False)

    @property
    def requests(self) -> tuple[Request, ...]:
        """Every submitted request (the latest version of each), in submission order."""
        return tuple(self._requests.values())

    @property
    def decisions(self) -> tuple[TriageDecision, ...]:
        """Every triage decision, oldest first."""
        return tuple(self._decisions)

    def request(self, key: str) -> Request:
        """The submitted request with ``key``."""
        try:
            return self._requests[key.strip()]
        except KeyError:
            raise NotFound("request", key, where="intake", fix="submit() it first") from None

    def decision_for(self, key: str) -> TriageDecision | None:
        """The decision in force about a request, or None while (again) untriaged."""
        return self._state.get(key.strip())

    @property
    def pending(self) -> tuple[Request, ...]:
        """Requests waiting for the Owner: untriaged or deferred (sent-back ones wait for a
        revised version, which :meth:`submit` makes pending again)."""
        waiting = []
        for r in self._requests.values():
            d = self.decision_for(r.key)
            if d is None or d.verdict is Verdict.DEFERRED:
                waiting.append(r)
        return tuple(waiting)

    def check(self, request: Request | str) -> RequestCheck:
        """:func:`check_request` with this intake's Guidepoint and detectors."""
        req = self.request(request) if isinstance(request, str) else request
        return check_request(req, guidepoint=self.guidepoint, detectors=self.detectors)

    def submit(self, request: Request) -> RequestCheck:
        """Take a request in (or a revised version of one sent back); return its check.

        The requester is recorded in the register as having asked for work.
        """
        earlier = self.decision_for(request.key)
        if earlier is not None and earlier.verdict not in (Verdict.SENT_BACK, Verdict.DEFERRED):
            raise AlreadyDecided(
                f"request {request.key}",
                decision=earlier.verdict.value,
                fix="submit new work under a new request key",
            )
        self._requests[request.key] = request
        if self.register is not None:
            if request.requester in self.register:
                self.register.add(
                    self.register.get(request.requester).with_reason(Reason.ASKED_FOR_WORK)
                )
            else:
                self.register.identify(request.requester, asked_for_work=True)
        if earlier is not None:
            self._state[request.key] = None  # a revised request waits for triage again
        return self.check(request)

    def _triage(self, key: str, by: str, action: str) -> Request:
        who = by.strip()
        if who.casefold() != self.owner.casefold():
            raise NotMarketingOwner(who, owner=self.owner, action=action)
        request = self.request(key)
        earlier = self.decision_for(request.key)
        if earlier is not None and earlier.verdict is not Verdict.DEFERRED:
            raise AlreadyDecided(
                f"request {request.key}",
                decision=earlier.verdict.value,
                fix="a sent-back request is triaged again after submit() of its revision",
            )
        return request

    def _record(self, decision: TriageDecision) -> TriageDecision:
        self._decisions.append(decision)
        self._state[decision.request] = decision
        return decision

    def _ready(self, request: Request) -> str:
        self.check(request).raise_if_incomplete()
        if self.guidepoint is None:
            raise InvalidValue(
                "no Guidepoint to judge the request against",
                where=f"request {request.key}",
                fix="agree a Guidepoint with the stakeholders and pass it to Intake(guidepoint=)",
            )
        return self.guidepoint.require_serves(f"request {request.key}", request.serves)

    def accept(
        self,
        key: str,
        *,
        by: str,
        position: int | None = None,
        item: WorkItem | None = None,
        at: datetime | str | None = None,
        reason: str = "",
    ) -> TriageDecision:
        """Put the request into the backlog at ``position`` (0 = top; default the bottom).

        Only when the request is complete and serves a current Guidepoint outcome. ``item``
        overrides the work item made from the request (:meth:`Request.to_item`). The item goes
        into the backlog, never into a running cycle.

        Raises:
            NotMarketingOwner: ``by`` is not the Owner.
            RequestIncomplete: the request lacks an outcome, success criterion... (send it back).
            DoesNotServeGuidepoint: it serves no current outcome (decline or defer it).
        """
        request = self._triage(key, by, "accept a request into the backlog")
        outcome = self._ready(request)
        work = item if item is not None else request.to_item()
        if work.outcome is None or not self.guidepoint or not self.guidepoint.serves(work.outcome):
            work = attrs.evolve(work, outcome=outcome)
        change = self.backlog.insert(work, at=position)
        return self._record(
            TriageDecision(
                request.key,
                request.requester,
                Verdict.ACCEPTED,
                by.strip(),
                utcnow() if at is None else at,
                reason.strip(),
                position=change.new_position,
                item=work.key,
            )
        )

    def accept_unplanned(
        self,
        key: str,
        *,
        by: str,
        cycle: CycleRun,
        reason: str,
        item: WorkItem | None = None,
        at: datetime | str | None = None,
    ) -> TriageDecision:
        """Add the request to a *running* cycle, explicitly, as tracked unplanned work.

        The exception, not the rule: ad-hoc requests normally go to the backlog (:meth:`accept`)
        and wait for the next Cycle Planning. A reason is required; the cycle
        (:class:`~agilemarketing.cycles.CycleRun`) tracks the item as unplanned, never as
        committed, and this decision records who took it on and why.
        """
        request = self._triage(key, by, "add unplanned work to a running cycle")
        if not reason.strip():
            raise InvalidValue(
                "unplanned work needs a reason",
                where=f"request {request.key}",
                fix="say why it cannot wait for the next cycle",
            )
        self._ready(request)
        when = utcnow() if at is None else ensure_utc(at)
        work = item if item is not None else request.to_item()
        cycle.add_unplanned(work, at=when)
        return self._record(
            TriageDecision(
                request.key,
                request.requester,
                Verdict.UNPLANNED,
                by.strip(),
                when,
                reason.strip(),
                item=work.key,
                cycle=cycle.cycle.name,
            )
        )

    def defer(
        self,
        key: str,
        *,
        by: str,
        until: date | None = None,
        reason: str = "",
        at: datetime | str | None = None,
    ) -> TriageDecision:
        """Keep the request waiting until a date, or (``until=None``) the next planning."""
        request = self._triage(key, by, "defer a request")
        return self._record(
            TriageDecision(
                request.key,
                request.requester,
                Verdict.DEFERRED,
                by.strip(),
                utcnow() if at is None else at,
                reason.strip(),
                until=until,
            )
        )

    def decline(
        self, key: str, *, by: str, reason: str, at: datetime | str | None = None
    ) -> TriageDecision:
        """Say no, with a reason the requester will read."""
        request = self._triage(key, by, "decline a request")
        if not reason.strip():
            raise InvalidValue(
                "declining needs a reason",
                where=f"request {request.key}",
                fix="say why, e.g. which Guidepoint outcome it does not serve",
            )
        return self._record(
            TriageDecision(
                request.key,
                request.requester,
                Verdict.DECLINED,
                by.strip(),
                utcnow() if at is None else at,
                reason.strip(),
            )
        )

    def send_back(self, key: str, *, by: str, at: datetime | str | None = None) -> TriageDecision:
        """Return an incomplete request to its requester with the questions to answer."""
        request = self._triage(key, by, "send a request back")
        check = self.check(request)
        if check.ok:
            raise InvalidValue(
                "the request already states a complete problem",
                where=f"request {request.key}",
                fix="accept, defer or decline it instead",
            )
        return self._record(
            TriageDecision(
                request.key,
                request.requester,
                Verdict.SENT_BACK,
                by.strip(),
                utcnow() if at is None else at,
                "; ".join(check.tactics),
                questions=check.questions,
            )
        )
