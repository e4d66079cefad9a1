"""What a closed cycle delivered (:class:`CycleReport`): committed, completed, unplanned,
carried over, predictability and velocity, counted by the team's Definition of Done.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from agilemarketing._text import count, table
from agilemarketing.cycles.timebox import (
    CapacityOverride,
    Cycle,
)
from agilemarketing.done import DefinitionOfDone
from agilemarketing.errors import (
    InvalidValue,
)
from agilemarketing.items import WorkItem
from agilemarketing.utc import ensure_utc
from agilemarketing.validators import a, instances

_ITEMS = instances(WorkItem, "CycleReport items", fix="give the cycle's WorkItem values")


def _items(value: Any) -> tuple[WorkItem, ...]:
    return _ITEMS(value)


def _completions(value: Iterable[tuple[str, datetime]]) -> tuple[tuple[str, datetime], ...]:
    pairs = []
    for entry in instances(tuple, "CycleReport.completions", fix=_PAIRS)(value):
        if len(entry) != 2 or not isinstance(entry[0], str):
            raise InvalidValue("expected (key, time) pairs", where="CycleReport.completions",
                               fix=_PAIRS, value=entry)  # fmt: skip
        pairs.append((entry[0], ensure_utc(entry[1], where=f"completion of {entry[0]}")))
    return tuple(pairs)


def _closed_at(value: datetime | str) -> datetime:
    return ensure_utc(value, where="CycleReport.closed_at")


_PAIRS = "give (item key, completed at) pairs, as CycleRun.close() records them"


@attrs.frozen
class CycleReport:
    """What a closed cycle delivered: the input to the Team Showcase and to the next plan.

    ``committed`` is the plan made at Cycle Planning; ``unplanned`` is work added while the
    cycle ran. Unplanned work is never counted as committed, so it cannot flatter
    predictability; it shows up in velocity and throughput (it was delivered) and on its own line.

    **Completed means done.** ``completions`` are the items marked complete; when the report
    knows the team's ``definition_of_done`` (from the run, or :meth:`judged`), an item whose
    checklist does not hold is *not done* (:attr:`not_done`): it counts in none of
    :attr:`completed`, :attr:`predictability`, :attr:`velocity` or :attr:`throughput`, and is
    carried over. Without a Definition of Done every completion counts, and the text says so
    ("DoD not checked"). :attr:`marked_complete` keeps the count of everything marked complete.

    >>> from agilemarketing.cycles import Capacity, Cycle, CycleRun
    >>> from datetime import UTC
    >>> from agilemarketing.items import Size
    >>> run = CycleRun(Cycle("Cycle 8", datetime(2026, 3, 16, tzinfo=UTC), Capacity.points(8)))
    >>> run.commit([WorkItem("A", "Webinar", size=Size.points(5)),
    ...             WorkItem("B", "Ebook", size=Size.points(3))], at="2026-03-13T15:00Z")
    >>> run.complete("A", at="2026-03-20T10:00Z")
    >>> run.add_unplanned(WorkItem("U", "Typo fix", size=Size.points(1)), at="2026-03-21T10:00Z")
    >>> report = run.close(at="2026-03-30T09:00Z")
    >>> print(report)
    Cycle 8: 16 Mar - 30 Mar 2026, capacity 8 pt
      Committed     2 items  8 pt
      Completed     1 of 2   predictability 50%, DoD not checked
      Unplanned     1 item   0 completed
      Carried over  1 item   B
      Velocity      5 pt     throughput 1 item
    >>> len(report.committed) == len(report.completed_committed) + len(report.carried_over)
    True
    >>> from agilemarketing.done import DefinitionOfDone
    >>> judged = report.judged(DefinitionOfDone(["Proofread"]))
    >>> judged.completed, judged.not_done, judged.predictability, judged.marked_complete
    ((), ('A',), 0.0, ('A',))
    """

    cycle: Cycle = attrs.field(
        validator=a(Cycle, "CycleReport.cycle", fix="give the Cycle the report is about")
    )
    closed_at: datetime = attrs.field(converter=_closed_at)
    committed: tuple[WorkItem, ...] = attrs.field(default=(), converter=_items)
    unplanned: tuple[WorkItem, ...] = attrs.field(default=(), converter=_items)
    completions: tuple[tuple[str, datetime], ...] = attrs.field(default=(), converter=_completions)
    overrides: tuple[CapacityOverride, ...] = ()
    early_close: str | None = None
    definition_of_done: DefinitionOfDone | None = None

    def judged(
        self, definition_of_done: DefinitionOfDone, *, items: Iterable[WorkItem] | None = None
    ) -> CycleReport:
        """This report with every count judged by ``definition_of_done``.

        ``items`` are the items' current versions (what their checklists say now, e.g. from
        the board); the report's own copies are used for the others.
        """
        if not isinstance(definition_of_done, DefinitionOfDone):
            raise InvalidValue(
                "expected a DefinitionOfDone",
                where=f"cycle {self.cycle.name!r}, judged",
                fix="pass the team's DefinitionOfDone([...])",
                value=type(definition_of_done).__name__,
            )
        current = {i.key: i for i in items or () if isinstance(i, WorkItem)}

        def now(work: tuple[WorkItem, ...]) -> list[WorkItem]:
            return [current.get(i.key, i) for i in work]

        return attrs.evolve(
            self,
            committed=now(self.committed),
            unplanned=now(self.unplanned),
            definition_of_done=definition_of_done,
        )

    @property
    def marked_complete(self) -> tuple[str, ...]:
        """Keys of every item marked complete, done by the Definition of Done or not, in order."""
        return tuple(key for key, _ in self.completions)

    @property
    def not_done(self) -> tuple[str, ...]:
        """Keys marked complete whose Definition of Done does not hold (none without one)."""
        dod = self.definition_of_done
        if dod is None:
            return ()
        by_key = {i.key: i for i in (*self.committed, *self.unplanned)}
        return tuple(
            key
            for key in self.marked_complete
            if key in by_key and not dod.check(by_key[key]).is_done
        )

    @property
    def completed(self) -> tuple[str, ...]:
        """Keys of every item completed (and done) in the cycle, committed and unplanned."""
        gone = set(self.not_done)
        return tuple(key for key in self.marked_complete if key not in gone)

    @property
    def completed_committed(self) -> tuple[str, ...]:
        """Keys of committed items that were completed."""
        done = set(self.completed)
        return tuple(i.key for i in self.committed if i.key in done)

    @property
    def completed_unplanned(self) -> tuple[str, ...]:
        """Keys of unplanned items that were completed."""
        done = set(self.completed)
        return tuple(i.key for i in self.unplanned if i.key in done)

    @property
    def carried_over(self) -> tuple[str, ...]:
        """Keys of committed items not completed: they go back to the backlog or the next plan."""
        done = set(self.completed)
        return tuple(i.key for i in self.committed if i.key not in done)

    @property
    def unfinished(self) -> tuple[WorkItem, ...]:
        """Every item not completed, committed or unplanned, in that order."""
        done = set(self.completed)
        return tuple(i for i in (*self.committed, *self.unplanned) if i.key not in done)

    @property
    def predictability(self) -> float | None:
        """Completed committed items over committed items, from 0.0 to 1.0 (None if none).

        This is the team's reliability as stakeholders feel it: a team that commits to 10 items
        and finishes all 10 (1.0) lets them plan around it; one that starts 15 and finishes 4
        (0.27) leaves eleven promises broken, however busy it was. Unplanned work does not count
        either way, so taking on extra work mid-cycle cannot hide a missed plan.
        """
        if not self.committed:
            return None
        return len(self.completed_committed) / len(self.committed)

    @property
    def committed_points(self) -> float:
        """Points committed at planning."""
        return float(sum(i.points for i in self.committed))

    @property
    def velocity(self) -> float:
        """Points completed in the cycle, committed and unplanned (team-level, this team only)."""
        done = set(self.completed)
        return float(sum(i.points for i in (*self.committed, *self.unplanned) if i.key in done))

    @property
    def throughput(self) -> int:
        """Items completed in the cycle, committed and unplanned."""
        return len(self.completed)

    def to_text(self) -> str:
        """A short, aligned summary for the Team Showcase or a chat message."""
        c = self.cycle
        pct = "-" if self.predictability is None else f"{self.predictability:.0%}"
        rows = [
            ["Committed", count(len(self.committed), "item"), f"{self.committed_points:g} pt"],
            [
                "Completed" if self.definition_of_done is None else "Done",
                f"{len(self.completed_committed)} of {len(self.committed)}",
                f"predictability {pct}"
                + (", DoD not checked" if self.definition_of_done is None else ""),
            ],
            [
                "Unplanned",
                count(len(self.unplanned), "item"),
                f"{len(self.completed_unplanned)} completed",
            ],
            ["Carried over", count(len(self.carried_over), "item"), ", ".join(self.carried_over)],
            *(
                [
                    [
                        "Not done",
                        count(len(self.not_done), "item"),
                        ", ".join(self.not_done) + " (completed, Definition of Done unmet)",
                    ]
                ]
                if self.not_done
                else []
            ),
            ["Velocity", f"{self.velocity:g} pt", f"throughput {count(self.throughput, 'item')}"],
        ]
        head = f"{c.name}: {c.start:%d %b} - {c.end:%d %b %Y}, capacity {c.capacity}" + (
            f", {count(len(self.overrides), 'capacity override')}" if self.overrides else ""
        )
        lines = [head, *table(["", "", ""], rows)[1:]]
        if self.closed_at < c.end:  # same width as the "Carried over" label above
            why = self.early_close or "no reason recorded"
            lines.append(f"  Closed early  {self.closed_at:%d %b %Y}: {why}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()
