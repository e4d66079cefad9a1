"""Every public error of agilemarketing, in one place.

Each error says three things: **what** was wrong, **where** (the item, stage, file, row or
column), and **what to do** about it. The offending data is kept on the exception as attributes,
so tools can react to it without parsing the message::

    >>> from agilemarketing.errors import InvalidValue
    >>> err = InvalidValue("size must not be negative", where="item CAMP-7, field 'size'",
    ...                    fix="give a size of 0 or more", value=-3)
    >>> print(err)
    item CAMP-7, field 'size': size must not be negative (got -3). Fix: give a size of 0 or more.
    >>> err.value
    -3

When several problems are found at once (a whole file, a whole request), they are raised together
as an :class:`InvalidInputGroup` (an :class:`ExceptionGroup`), so a user fixes them all in one go.

Secrets never appear in an error: adapters pass tokens through :func:`redact` before any message
is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "AdapterUrlError",
    "AgileMarketingError",
    "AntiMetricError",
    "ChangeConflict",
    "CsvError",
    "CsvFileError",
    "CsvRowError",
    "CycleStateError",
    "HistoryFormatError",
    "InvalidCursor",
    "InvalidInputGroup",
    "InvalidValue",
    "MissingExtraError",
    "MissingSecret",
    "NotDone",
    "NotFacilitator",
    "NotFound",
    "OverCommitted",
    "PluginConflict",
    "UnknownPlugin",
    "UnsupportedChange",
    "WipBreach",
    "raise_all",
    "redact",
]


class AgileMarketingError(Exception):
    """Base of every error raised on purpose by agilemarketing.

    Args:
        what: what was wrong, as a short sentence without a final full stop.
        where: where it was wrong (``"item CAMP-7"``,
            ``"file export.csv, row 12, column 'Sprint'"``).
        fix: what the user can do about it.
    """

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"{self.where}: {self.what}" if self.where else self.what
        if self.fix:
            text += f". Fix: {self.fix.rstrip('.')}."
        return text


class InvalidValue(AgileMarketingError, ValueError):
    """A value breaks a rule of the model (a negative size, a naive timestamp, min > max...).

    Attributes:
        value: the offending value.
    """

    def __init__(
        self,
        what: str,
        *,
        where: str | None = None,
        fix: str | None = None,
        value: Any = None,
    ) -> None:
        self.value = value
        if value is not None:
            what = f"{what} (got {value!r})"
        super().__init__(what, where=where, fix=fix)


class NotFound(AgileMarketingError, LookupError):
    """Something named by the caller does not exist (an item key, a stage, a cycle).

    Attributes:
        name: what was looked for.
        kind: what kind of thing it is (``"item"``, ``"stage"``...).
    """

    def __init__(self, kind: str, name: str, *, where: str | None = None, fix: str | None = None):
        self.kind = kind
        self.name = name
        super().__init__(
            f"no {kind} named {name!r}",
            where=where,
            fix=fix or f"check the {kind} name; it must match exactly",
        )


class AntiMetricError(AgileMarketingError):
    """A measure that agile marketing deliberately does not offer was asked for.

    Individual utilisation, per-person throughput, story-point comparisons between teams and task
    counts as a measure of value all push teams toward looking busy instead of delivering
    outcomes. The message explains why and names the team-level metric to use instead.

    Attributes:
        asked: what was asked for.
        instead: the team-level measure to use instead.
    """

    def __init__(self, asked: str, *, why: str, instead: str) -> None:
        self.asked = asked
        self.why = why
        self.instead = instead
        super().__init__(f"{asked} is not offered: {why}", fix=f"use {instead} instead")


class InvalidInputGroup(ExceptionGroup[AgileMarketingError]):
    """Several problems found in one input, reported together.

    Catch it with ``except* InvalidValue`` or ``except InvalidInputGroup``; ``exceptions`` holds
    every problem, each an :class:`AgileMarketingError` with its own ``where``.
    """


def raise_all(problems: Sequence[AgileMarketingError], summary: str) -> None:
    """Raise nothing, the one problem, or all of them together as an :class:`InvalidInputGroup`."""
    if not problems:
        return
    if len(problems) == 1:
        raise problems[0]
    raise InvalidInputGroup(f"{summary}: {len(problems)} problems", list(problems))


def redact(text: str, *secrets: str | None) -> str:
    """Return ``text`` with every non-empty secret replaced by ``***``.

    >>> redact("GET /1/boards?token=s3cr3t failed", "s3cr3t")
    'GET /1/boards?token=*** failed'
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


# --- Errors of the domain model (backlog, prioritisation, workflow, done, cycles) -----------
# (added below by the modules that raise them; keep one section per module)


# --- backlog.py, prioritization.py (the ranked Marketing Backlog and prioritisation) ---------


class ItemNotInBacklog(NotFound):
    """An item key named in a backlog operation is not in the backlog.

    Attributes:
        key: the key that was looked for (also ``name``).
    """

    def __init__(self, key: str, *, where: str = "backlog") -> None:
        self.key = key
        super().__init__(
            "item",
            key,
            where=where,
            fix="check the key (keys match exactly), or insert the item first",
        )


class DuplicateItem(InvalidValue):
    """An item was added to a backlog (or a ranking, or a ballot) that already holds its key.

    Attributes:
        key: the duplicated key.
    """

    def __init__(self, key: str, *, where: str = "backlog", fix: str | None = None) -> None:
        self.key = key
        super().__init__(
            f"item {key} is already there; keys must be unique",
            where=where,
            fix=fix
            or "use Backlog.replace() to store a new version of an item, "
            "or give the new item its own key",
        )


class SelfRelativeMove(InvalidValue):
    """An item was to be moved before or after itself.

    Attributes:
        key: the item's key.
    """

    def __init__(self, key: str, *, relation: str) -> None:
        self.key = key
        self.relation = relation
        super().__init__(
            f"cannot move {key} {relation} itself",
            where=f"backlog, item {key}",
            fix="name a different item as the anchor of the move",
        )


class PositionOutOfRange(InvalidValue, IndexError):
    """A backlog position outside ``0 .. len(backlog)`` (or ``len - 1`` for moves).

    Attributes:
        position: the position asked for.
        size: the number of valid positions' upper bound (inclusive).
    """

    def __init__(self, position: int, *, last: int, where: str = "backlog") -> None:
        self.position = position
        self.last = last
        super().__init__(
            "position is out of range",
            where=where,
            fix=f"use a position from 0 to {last} (0 is the top)",
            value=position,
        )


class NotAReordering(InvalidValue):
    """A new order is not a reordering of the backlog's items: keys are missing, extra or repeated.

    Attributes:
        missing: keys of the old order absent from the new one.
        unknown: keys of the new order that the old one does not have.
        repeated: keys named more than once in the new order.
    """

    def __init__(
        self,
        *,
        missing: Sequence[str] = (),
        unknown: Sequence[str] = (),
        repeated: Sequence[str] = (),
        where: str = "backlog reorder",
    ) -> None:
        self.missing = tuple(missing)
        self.unknown = tuple(unknown)
        self.repeated = tuple(repeated)
        parts = []
        for label, keys in (
            ("missing", self.missing),
            ("unknown", self.unknown),
            ("repeated", self.repeated),
        ):
            if keys:
                shown = ", ".join(keys[:10]) + (
                    f" (+{len(keys) - 10} more)" if len(keys) > 10 else ""
                )
                parts.append(f"{label}: {shown}")
        super().__init__(
            "the new order is not a reordering of the same items (" + "; ".join(parts) + ")",
            where=where,
            fix="name every item exactly once (a ranking of a subset must only name known keys)",
        )


class StalePrunePlan(AgileMarketingError):
    """A prune plan was applied to a backlog that changed (or is another backlog) since planning.

    Attributes:
        planned_version: the backlog version the plan was made against.
        current_version: the backlog's version now.
    """

    def __init__(self, *, planned_version: int, current_version: int, same_backlog: bool) -> None:
        self.planned_version = planned_version
        self.current_version = current_version
        self.same_backlog = same_backlog
        what = (
            f"the backlog changed since the plan was made (version {planned_version} "
            f"then, {current_version} now)"
            if same_backlog
            else "the plan was made for a different backlog"
        )
        super().__init__(
            what,
            where="apply_prune",
            fix="make a new plan with Backlog.plan_prune(...), review it, then apply that one",
        )


class InvalidPriorityInput(InvalidValue):
    """A prioritisation input of one item is missing or not usable.

    Attributes:
        key: the item's key.
        field: the input's name (``"reach"``, ``"moscow"``...).
        expected: what a valid input looks like.
        prioritiser: the prioritiser's name (``"rice"``...).
    """

    def __init__(
        self,
        key: str,
        field: str,
        *,
        expected: str,
        prioritiser: str,
        value: Any = None,
        missing: bool = False,
    ) -> None:
        self.key = key
        self.field = field
        self.expected = expected
        self.prioritiser = prioritiser
        self.missing = missing
        super().__init__(
            f"{prioritiser} input {field!r} is missing"
            if missing
            else f"{prioritiser} input {field!r} is not {expected}",
            where=f"item {key}, field {field!r}",
            fix=f"set item.fields[{field!r}] (or the explicit inputs for {key}) to {expected}",
            value=None if missing else value,
        )


class InvalidBallot(InvalidValue):
    """A participant's ballot in a collaborative ranking cannot be counted.

    Attributes:
        participant: whose ballot it is.
        problem: what is wrong with it.
    """

    def __init__(self, participant: str, problem: str, *, fix: str) -> None:
        self.participant = participant
        self.problem = problem
        super().__init__(problem, where=f"ballot of {participant!r}", fix=fix)


# --- done.py, board.py, cycles.py (Definition of Done, live board, launch cycles) -------------


class NotDone(AgileMarketingError):
    """An item was treated as done while its Definition of Done does not hold.

    Attributes:
        key: the item's key.
        unmet: every criterion the item does not meet yet, in checklist order.
        met: the criteria it already meets.
    """

    def __init__(
        self,
        key: str,
        unmet: Sequence[str],
        met: Sequence[str] = (),
        *,
        where: str | None = None,
    ) -> None:
        self.key = key
        self.unmet = tuple(unmet)
        self.met = tuple(met)
        total = len(self.unmet) + len(self.met)
        listed = "; ".join(repr(c) for c in self.unmet)
        super().__init__(
            f"not done, {len(self.met)}/{total} Definition-of-Done criteria met; unmet: {listed}",
            where=where or f"item {key}",
            fix="finish the work each unmet criterion asks for and record it "
            "(item.with_criteria_met(...) or Board.meet(...)), then try again",
        )


class WipBreach(AgileMarketingError):
    """Pulling an item would take a stage over its WIP maximum.

    Attributes:
        key: the item that was to be pulled.
        stage: the full stage.
        limit: the stage's WIP maximum.
        keys: the items already in the stage.
    """

    def __init__(self, key: str, stage: str, limit: int, keys: Sequence[str]) -> None:
        self.key = key
        self.stage = stage
        self.limit = limit
        self.keys = tuple(keys)
        holding = ", ".join(self.keys) if self.keys else "nothing"
        super().__init__(
            f"pulling {key} would exceed the WIP limit of {limit} "
            f"(it already holds {len(self.keys)}: {holding})",
            where=f"stage {stage!r}",
            fix="finish or move on one of those items first (stop starting, start finishing), "
            "or pass override=WipOverride(reason, by) to record a deliberate exception",
        )


class OverCommitted(AgileMarketingError):
    """A cycle plan commits more work than the team's capacity.

    Attributes:
        cycle: the cycle's name.
        planned: the planned amount (points or items).
        capacity: the capacity amount, in the same unit.
        excess: how much the plan is over, ``planned - capacity``.
        unit: ``"points"`` or ``"items"``.
        keys: the keys of the planned items, in plan order.
    """

    def __init__(
        self,
        cycle: str,
        planned: float,
        capacity: float,
        unit: str,
        keys: Sequence[str],
    ) -> None:
        self.cycle = cycle
        self.planned = planned
        self.capacity = capacity
        self.excess = planned - capacity
        self.unit = unit
        self.keys = tuple(keys)

        def amount(value: float) -> str:
            if unit == "points":
                return f"{value:g} pt"
            return f"{value:g} item" if value == 1 else f"{value:g} items"

        super().__init__(
            f"the plan ({amount(planned)}) is {amount(self.excess)} over capacity "
            f"({amount(capacity)})",
            where=f"cycle {cycle!r}",
            fix="leave items at the bottom of the plan in the backlog for a later cycle, "
            "or pass override=CapacityOverride(reason, by) to record a deliberate exception",
        )


class CycleStateError(AgileMarketingError):
    """An operation does not fit the cycle's state (planning after it started, changes after close).

    Attributes:
        cycle: the cycle's name.
        state: the state the cycle is in (``"running"``, ``"closed"``).
    """

    def __init__(self, cycle: str, state: str, what: str, *, fix: str) -> None:
        self.cycle = cycle
        self.state = state
        super().__init__(what, where=f"cycle {cycle!r} ({state})", fix=fix)


# --- planning: stakeholders, guidepoint, poker, workshop, experiments, showcase, serialize ---
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


# --- adapter.py, plugins.py (the adapter contract and the plugin system) ---------------------


class AdapterUrlError(InvalidValue):
    """An adapter URL is not of the form ``<adapter name>:<location>``.

    Attributes:
        url: the URL as given.
    """

    def __init__(self, url: str, *, what: str) -> None:
        self.url = url
        super().__init__(
            what,
            where=f"adapter URL {url!r}",
            fix="write it as <adapter>:<location>, e.g. csv:exports/board.csv or memory:demo",
        )


class UnknownPlugin(NotFound):
    """No installed plugin provides an adapter, prioritiser or metric of that name.

    Attributes:
        kind: ``"adapter"``, ``"prioritiser"`` or ``"metric"``.
        name: the name asked for.
        available: the names that are installed, sorted.
        broken: plugins that failed to load (``"csv (agilemarketing-csv 0.1.0): ImportError..."``);
            the one asked for may be among them.
    """

    def __init__(
        self, kind: str, name: str, *, available: Sequence[str], broken: Sequence[str] = ()
    ) -> None:
        self.available = tuple(available)
        self.broken = tuple(broken)
        fix = f"use one of: {', '.join(self.available)}" if self.available else f"install a {kind}"
        if self.broken:
            fix += "; these plugins failed to load: " + "; ".join(self.broken)
        super().__init__(kind, name, where="installed plugins", fix=fix)


class PluginConflict(AgileMarketingError):
    """Two plugins register an adapter, prioritiser or metric under the same name.

    Attributes:
        kind: ``"adapter"``, ``"prioritiser"`` or ``"metric"``.
        name: the contested name.
        first: the class registered first, as ``module.Class (distribution version)``.
        second: the class that clashed with it, in the same form.
    """

    def __init__(self, kind: str, name: str, *, first: str, second: str) -> None:
        self.kind = kind
        self.name = name
        self.first = first
        self.second = second
        super().__init__(
            f"{kind} name {name!r} is claimed by both {first} and {second}",
            where="installed plugins",
            fix="uninstall one of the two distributions, or rename one class's `name`",
        )


class UnsupportedChange(AgileMarketingError):
    """An adapter was asked to do something its capabilities exclude (e.g. write to a read-only
    source, re-rank where the tool has no ranking).

    Attributes:
        adapter: the adapter's name.
        operation: what was asked (``"write"``, ``"rank"``, ``"incremental read"``...).
    """

    def __init__(self, adapter: str, operation: str, *, fix: str | None = None) -> None:
        self.adapter = adapter
        self.operation = operation
        super().__init__(
            f"{operation} is not supported",
            where=f"adapter {adapter!r}",
            fix=fix or f"check Adapter.capabilities before asking for {operation}",
        )


class InvalidCursor(InvalidValue):
    """A read cursor that this adapter did not produce (or that it can no longer use).

    Attributes:
        adapter: the adapter's name.
        token: the cursor's token.
    """

    def __init__(self, adapter: str, token: str, *, why: str) -> None:
        self.adapter = adapter
        self.token = token
        super().__init__(
            f"cursor {token!r} is not usable: {why}",
            where=f"adapter {adapter!r}",
            fix="pass a cursor returned by this adapter's read(), or read from the start (None)",
        )


class ChangeConflict(AgileMarketingError):
    """A change does not fit the item's current state (a create on a key that exists with other
    content, a move from a status the item is no longer in). Nothing was applied.

    Attributes:
        key: the item's key.
        expected: what the change expected to find.
        found: what the adapter found.
    """

    def __init__(self, key: str, *, expected: str, found: str, where: str | None = None) -> None:
        self.key = key
        self.expected = expected
        self.found = found
        super().__init__(
            f"expected {expected}, found {found}",
            where=where or f"item {key}",
            fix="read the item again and plan the change against its current state",
        )


class MissingSecret(AgileMarketingError):
    """An adapter needs a secret from an environment variable that is not set.

    Secrets are only ever taken from the environment, so they stay out of URLs, option files,
    logs and reprs. The message names the variable, never a value.

    Attributes:
        variable: the environment variable's name.
        adapter: the adapter's name.
    """

    def __init__(self, variable: str, *, adapter: str) -> None:
        self.variable = variable
        self.adapter = adapter
        super().__init__(
            f"environment variable {variable} is not set",
            where=f"adapter {adapter!r}",
            fix=f"export {variable}=<your secret> before running",
        )


# --- mirror.py, sync.py (the SQLite mirror and the sync engine) -------------------------------


class MirrorError(AgileMarketingError):
    """The mirror database cannot be opened, upgraded or written as asked.

    The message names the database file (``where``) and what to do about it.
    """


class SyncConfigError(InvalidValue):
    """A sync configuration file (TOML) or option is invalid.

    Attributes:
        path: the configuration file, if the problem is in one.
        key: the offending key (``"status_map"``, ``"fields.points"``...), if known.
    """

    def __init__(
        self,
        what: str,
        *,
        path: str | None = None,
        key: str | None = None,
        fix: str | None = None,
        value: Any = None,
    ) -> None:
        self.path = path
        self.key = key
        where = ", ".join(
            part for part in (path and f"file {path}", key and f"key {key!r}") if part
        )
        super().__init__(what, where=where or "sync configuration", fix=fix, value=value)


class SyncConflictError(AgileMarketingError):
    """Items changed on both sides since the last sync, and the policy is ``fail``.

    Nothing was written. Each conflict names the item, the field, the base value (last synced)
    and both current values.

    Attributes:
        conflicts: the conflicts, as :class:`agilemarketing.sync.Conflict` values.
    """

    def __init__(self, conflicts: Sequence[Any]) -> None:
        self.conflicts = tuple(conflicts)
        shown = "; ".join(str(c) for c in self.conflicts[:5])
        more = f" (and {len(self.conflicts) - 5} more)" if len(self.conflicts) > 5 else ""
        super().__init__(
            f"{len(self.conflicts)} item field(s) changed on both sides since the last sync: "
            f"{shown}{more}",
            where="sync",
            fix="choose a policy (--on-conflict prefer-source, prefer-target or skip), "
            "or make both sides agree and sync again",
        )


# --- Errors of forecast.py, simulate.py and report.py ---------------------------------------


class NoThroughputError(AgileMarketingError):
    """A forecast was asked for from a window of days in which no item was finished.

    Resampling a window with zero throughput can only say "never"; a wider window (or one
    that ends later) holds the team's real pace.

    Attributes:
        first_day: the window's first day (None for an empty window).
        last_day: the window's last day (None for an empty window).
        days: how many days the window covers.
    """

    def __init__(self, first_day: Any, last_day: Any, days: int) -> None:
        self.first_day = first_day
        self.last_day = last_day
        self.days = days
        where = (
            f"throughput window {first_day} to {last_day} ({days} days)"
            if first_day is not None
            else "throughput window (empty)"
        )
        super().__init__(
            "no item finished in the window",
            where=where,
            fix="widen it (more weeks, or a range that includes finished work)",
        )


class HistorySourceError(AgileMarketingError):
    """A report or forecast source could not be read (unknown scheme, missing file).

    Attributes:
        source: the source as the user wrote it.
    """

    def __init__(self, source: str, what: str, *, fix: str) -> None:
        self.source = source
        super().__init__(what, where=f"history source {source!r}", fix=fix)


class ReportOutputError(AgileMarketingError):
    """A report cannot be written where it was asked to go.

    A report replaces an earlier report in the same directory, but never a file or a
    directory holding anything else.

    Attributes:
        path: the output directory asked for.
    """

    def __init__(self, path: Any, what: str) -> None:
        self.path = path
        super().__init__(
            what,
            where=f"report output {str(path)!r}",
            fix="choose a new directory for --out (or one that holds an earlier report)",
        )


# --- agilemarketing_csv (the CSV adapter: Jira exports, mapped and history CSV, writing) -------


def _csv_where(file: str | None, row: int | None, column: str | None) -> str | None:
    parts = []
    if file is not None:
        parts.append(f"file {file}")
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column!r}")
    return ", ".join(parts) or None


class CsvError(AgileMarketingError):
    """A CSV file cannot be read or written as asked.

    Rows are counted as a spreadsheet shows them: the header is row 1, the first record row 2
    (a record with a quoted line break is still one row).

    Attributes:
        file: the file's path, as given.
        row: the row, or None when the problem is not in one row.
        column: the column's header name, or None when the problem is not in one column.
    """

    def __init__(
        self,
        what: str,
        *,
        file: str | None,
        row: int | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        super().__init__(what, where=_csv_where(file, row, column), fix=fix)


class CsvFileError(CsvError):
    """The file as a whole cannot be read: nothing in it was parsed.

    Attributes:
        reason: one word for why: ``"io"`` (cannot open), ``"empty"``, ``"encoding"``,
            ``"delimiter"``, ``"decimal"``, ``"syntax"`` (broken quoting), ``"option"`` (a bad
            reading option) or ``"header"`` (a required column is missing or a name repeated).
    """

    def __init__(
        self,
        what: str,
        *,
        file: str | None,
        reason: str,
        row: int | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.reason = reason
        super().__init__(what, file=file, row=row, column=column, fix=fix)


class CsvRowError(CsvError, InvalidValue):
    """One row or cell of a CSV file is not what was expected; the other rows may be fine.

    Attributes:
        value: the offending cell text (None for a problem with the row's shape).
        expected: what the cell or row should have held.
    """

    def __init__(
        self,
        what: str,
        *,
        file: str | None,
        row: int,
        column: str | None = None,
        value: str | None = None,
        expected: str | None = None,
        fix: str | None = None,
    ) -> None:
        if value is not None:
            shown = value if len(value) <= 80 else value[:77] + "..."
            what = f"{what} (got {shown!r})"
        if expected:
            what = f"{what}; expected {expected}"
        super().__init__(what, file=file, row=row, column=column, fix=fix)
        self.value = value
        self.expected = expected


# --- historyio.py, flow.py, metrics.py (history JSON Lines and the metrics engine) ----------


class MissingExtraError(AgileMarketingError, ImportError):
    """An optional dependency (an *extra*) is needed for what was asked.

    Attributes:
        extra: the extra to install (``pandas``, ``charts``).
        needed_for: what needs it (``to_pandas()``, ``plot()``).
    """

    def __init__(self, extra: str, needed_for: str) -> None:
        self.extra = extra
        self.needed_for = needed_for
        super().__init__(
            f"{needed_for} needs the optional '{extra}' dependencies, which are not installed",
            fix=f"pip install 'agilemarketing[{extra}]'",
        )


class HistoryFormatError(InvalidValue):
    """One line of a history JSON Lines file is wrong; the message names file, line and field.

    Attributes:
        file: the file name (``<stream>`` for an open stream without a name).
        line: the 1-based line number.
        field: the field path inside the line (``transitions[].at``), or ``(line)``.
        key: the item key, when the line had one.
    """

    def __init__(
        self,
        what: str,
        *,
        file: str,
        line: int,
        field: str,
        key: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.key = key
        where = f"file {file}, line {line}, field {field!r}"
        if key is not None:
            where += f", item {key}"
        super().__init__(
            what,
            where=where,
            fix=fix
            or "make each line one JSON object as docs/history-format.md describes, with "
            "timestamps like 2026-03-02T09:30:00Z",
        )
