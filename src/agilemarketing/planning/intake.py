"""The request intake: the Marketing Owner's triage of stakeholders' requests.

**Triage is the Marketing Owner's alone.** :class:`Intake` takes requests in; only its ``owner``
accepts one into the :class:`~agilemarketing.backlog.Backlog` at a chosen rank (and only when it
serves the Guidepoint), defers it (to a date or the next planning), declines it with a reason,
or sends it back with questions. Every :class:`TriageDecision` records who and when, and gives
the requester a message. Accepting never puts work into a running cycle: it goes into the
backlog and is planned later, unless the Owner records it explicitly as unplanned work
(:meth:`Intake.accept_unplanned`). What a request should say, and who the stakeholders are, is
in :mod:`agilemarketing.planning.stakeholders`.

>>> from datetime import date, datetime, UTC
>>> from agilemarketing.backlog import Backlog
>>> from agilemarketing.planning.guidepoint import Guidepoint, Outcome
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

from collections.abc import Iterable
from datetime import date, datetime

import attrs

from agilemarketing.backlog import Backlog
from agilemarketing.cycles import CycleRun
from agilemarketing.errors import AlreadyDecided, InvalidValue, NotFound, NotMarketingOwner
from agilemarketing.items import WorkItem
from agilemarketing.planning.guidepoint import Guidepoint
from agilemarketing.planning.stakeholders import (
    DEFAULT_DETECTORS,
    Reason,
    Request,
    RequestCheck,
    StakeholderRegister,
    TacticDetector,
    check_request,
)
from agilemarketing.utc import ensure_utc, utcnow
from agilemarketing.validators import Choices, sequence, stripped

__all__ = ["NEXT_PLANNING", "Intake", "TriageDecision", "Verdict"]


class Verdict(Choices):
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


def _detectors(value: Iterable[TacticDetector]) -> tuple[TacticDetector, ...]:
    fix = "give functions that take a Request and return a reason or None (TacticDetector)"
    found = tuple(sequence(value, "Intake.detectors", fix=fix))
    for detector in found:
        if not callable(detector):
            raise InvalidValue(
                "a tactic detector must be callable",
                where="Intake.detectors",
                fix=fix,
                value=type(detector).__name__,
            )
    return found


@attrs.define
class Intake:
    """The request intake of one team: submissions, and the Marketing Owner's triage.

    ``owner`` is the Marketing Owner, the only person whose triage decisions count. Accepted work
    goes into ``backlog`` (a :class:`~agilemarketing.backlog.Backlog`) and must serve an
    outcome of ``guidepoint``.

    >>> from datetime import date, datetime, UTC
    >>> from agilemarketing.planning.guidepoint import Guidepoint, Outcome
    >>> gp = Guidepoint("x", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline")])
    >>> intake = Intake("Maya", Backlog(), gp)
    >>> _ = intake.submit(Request("REQ-2", "Sam", "Prospects do not know the banking app",
    ...     customer="retail customers", desired_outcome="build the sales pipeline",
    ...     serves="pipeline", success="at least 50 qualified new leads within 30 days"))
    >>> d = intake.accept("REQ-2", by="Maya", position=0, at=datetime(2026, 4, 2, tzinfo=UTC))
    >>> d.verdict, intake.backlog.keys()
    (<Verdict.ACCEPTED: 'accepted'>, ['REQ-2'])
    """

    owner: str = attrs.field(converter=stripped)
    backlog: Backlog = attrs.field(factory=Backlog)
    guidepoint: Guidepoint | None = None
    register: StakeholderRegister | None = None
    detectors: tuple[TacticDetector, ...] = attrs.field(
        default=DEFAULT_DETECTORS, converter=_detectors
    )
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
        change = self.backlog.insert(work, at=position, by=by.strip())
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
        when = cycle.now() if at is None else ensure_utc(at)
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
