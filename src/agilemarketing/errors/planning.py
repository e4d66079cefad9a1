"""Errors of the planning practices: intake, Guidepoint, Blueprint, Poker, planning files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agilemarketing.errors.base import AgileMarketingError, InvalidValue

__all__ = [
    "AlreadyDecided",
    "BlueprintOverCapacity",
    "DoesNotServeGuidepoint",
    "NotConverged",
    "NotFacilitator",
    "NotMarketingOwner",
    "OutliersMustExplain",
    "RequestIncomplete",
    "SerializationError",
    "VotesHidden",
]


class NotMarketingOwner(AgileMarketingError, PermissionError):
    """Someone other than the Marketing Owner tried to triage a request or order the backlog.

    Only the Marketing Owner accepts, defers or declines requests; stakeholders bring problems
    to the Owner rather than to a team member.

    Attributes:
        who: who tried (None when no one was named).
        owner: the Marketing Owner.
        action: what they tried to do.
    """

    def __init__(
        self,
        who: str | None,
        *,
        owner: str,
        action: str,
        where: str = "triage",
        fix: str | None = None,
    ) -> None:
        self.who = who
        self.owner = owner
        self.action = action
        what = (
            f"no one was named to {action}: only the Marketing Owner ({owner!r}) decides"
            if who is None
            else f"{who!r} cannot {action}: only the Marketing Owner ({owner!r}) decides"
        )
        super().__init__(
            what,
            where=where,
            fix=fix or f"bring the request to {owner}, who accepts, defers or declines it",
        )


class RequestIncomplete(InvalidValue):
    """A request states a solution (or nothing) instead of a problem with a measurable outcome.

    Attributes:
        request: the request key.
        missing: the missing parts (``"desired outcome"``, ``"success criterion"``...).
        questions: the questions to send back to the requester.
    """

    def __init__(self, request: str, *, missing: Sequence[str], questions: Sequence[str]) -> None:
        self.request = request
        self.missing = tuple(missing)
        self.questions = tuple(questions)
        super().__init__(
            f"the request is missing: {', '.join(self.missing)}",
            where=f"request {request}",
            fix="send it back and ask: " + " ".join(self.questions),
        )


class DoesNotServeGuidepoint(AgileMarketingError):
    """Work was to enter the backlog or Blueprint without serving a current Guidepoint outcome.

    Attributes:
        subject: the request, item or priority.
        outcome: the outcome it names (None when it names none).
        outcomes: the Guidepoint's current outcomes.
    """

    def __init__(self, subject: str, *, outcome: str | None, outcomes: Sequence[str]) -> None:
        self.subject = subject
        self.outcome = outcome
        self.outcomes = tuple(outcomes)
        named = "names no outcome" if outcome is None else f"serves {outcome!r}"
        super().__init__(
            f"it {named}, which is not an outcome of the current Guidepoint",
            where=subject,
            fix=f"link it to one of {', '.join(self.outcomes) or '(no outcomes yet)'}, "
            "or decline/defer it",
        )


class AlreadyDecided(AgileMarketingError):
    """A request was triaged a second time, or a poker round / experiment is already closed.

    Attributes:
        subject: what was already decided.
        decision: the earlier decision.
    """

    def __init__(self, subject: str, *, decision: str, fix: str | None = None) -> None:
        self.subject = subject
        self.decision = decision
        super().__init__(
            f"already decided ({decision})",
            where=subject,
            fix=fix or "record a new request or start a new round instead",
        )


class BlueprintOverCapacity(AgileMarketingError):
    """A Blueprint priority does not fit the team's fixed capacity in some month.

    Nothing is silently overbooked: the error lists what must move out, and by how much, for the
    new priority to fit. Re-prioritise with :meth:`Blueprint.reprioritise`.

    Attributes:
        priority: the priority that was to be added.
        shortfall: points missing per month (``{"2026-05": 5.0}``).
        must_move_out: ``(priority name, month, points)`` triples that would make room.
    """

    def __init__(
        self,
        priority: str,
        *,
        shortfall: dict[str, float],
        must_move_out: Sequence[tuple[str, str, float]],
    ) -> None:
        self.priority = priority
        self.shortfall = dict(shortfall)
        self.must_move_out = tuple(must_move_out)
        months = ", ".join(f"{m} by {p:g} pt" for m, p in self.shortfall.items())
        moves = "; ".join(f"{n} ({p:g} pt in {m})" for n, m, p in self.must_move_out)
        super().__init__(
            f"adding {priority!r} overbooks {months}",
            where="Blueprint",
            fix=(
                f"move out {moves} with Blueprint.reprioritise()"
                if moves
                else "the priority is larger than the month's whole capacity; split it"
            ),
        )


class VotesHidden(AgileMarketingError):
    """Planning Poker votes were read before everyone had voted (votes are revealed at once).

    Attributes:
        waiting_for: participants who have not voted yet.
    """

    def __init__(self, item: str, *, waiting_for: Sequence[str]) -> None:
        self.item = item
        self.waiting_for = tuple(waiting_for)
        super().__init__(
            "votes stay hidden until everyone has voted",
            where=f"planning poker on {item}",
            fix=f"wait for {', '.join(self.waiting_for)}",
        )


class OutliersMustExplain(AgileMarketingError):
    """A Planning Poker re-vote was started before the outliers explained their votes.

    Attributes:
        outliers: participants who still owe an explanation.
    """

    def __init__(self, item: str, *, outliers: Sequence[str]) -> None:
        self.item = item
        self.outliers = tuple(outliers)
        super().__init__(
            "the highest and lowest voters explain before the team votes again",
            where=f"planning poker on {item}",
            fix=f"record an explanation from {', '.join(self.outliers)} with explain()",
        )


class NotConverged(AgileMarketingError):
    """A Planning Poker estimate was asked for before the votes converged.

    Attributes:
        votes: the last revealed votes.
    """

    def __init__(self, item: str, *, votes: dict[str, str]) -> None:
        self.item = item
        self.votes = dict(votes)
        shown = ", ".join(f"{k}={v}" for k, v in self.votes.items()) or "no votes yet"
        super().__init__(
            f"the votes have not converged ({shown})",
            where=f"planning poker on {item}",
            fix="let the outliers explain and vote again; after the last round the team (before "
            "it, only the facilitator) may settle() with a recorded reason",
        )


class SerializationError(InvalidValue):
    """A planning JSON document does not match the shape of the object it should become.

    Attributes:
        path: where in the document (``"$.blueprint.priorities[2].effort"``).
        expected: the expected type.
    """

    def __init__(self, path: str, *, expected: str, value: Any = None) -> None:
        self.path = path
        self.expected = expected
        super().__init__(
            f"expected {expected}",
            where=path,
            fix="write the document with agilemarketing.serialize.dumps, or fix that value",
            value=value,
        )


class NotFacilitator(AgileMarketingError, PermissionError):
    """Someone other than the facilitator (the Agile Champion) cut a Planning Poker vote short.

    Votes are revealed, the outliers explain and the team votes again until the votes converge;
    only the facilitator may settle an estimate before that (or before the last round).

    Attributes:
        who: who tried.
        facilitator: the session's facilitator (None when it names none).
        item: the item being sized.
    """

    def __init__(self, who: str, *, facilitator: str | None, item: str, rounds: str) -> None:
        self.who = who
        self.facilitator = facilitator
        self.item = item
        fix = (
            f"vote again until the votes converge, or let {facilitator} (the facilitator) "
            "settle it with a reason"
            if facilitator
            else "vote again until the votes converge or the last round is played, or name the "
            "Agile Champion: PokerSession(..., facilitator='<name>')"
        )
        super().__init__(
            f"{who!r} cannot settle the estimate after {rounds}: before the votes converge or "
            "the last round, only the facilitator (the Agile Champion) may",
            where=f"planning poker on {item}",
            fix=fix,
        )
