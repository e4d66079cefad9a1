"""Launch cycles: fixed timeboxes (fortnightly by default), capacity, commitment and predictability.

At **Cycle Planning** the team commits to work from the top of the backlog within its capacity,
a capacity taken from its own past (:func:`capacity_from_history`). While the cycle runs,
ad-hoc requests go to the backlog; work that *is* added to the running cycle is tracked as
**unplanned**. At the end the cycle is closed into a :class:`CycleReport`: committed, completed,
unplanned, carried over, predictability and velocity, all team-level.

>>> from datetime import datetime, UTC
>>> from agilemarketing.items import Size, WorkItem
>>> cycle = Cycle("Cycle 7", datetime(2026, 3, 2, tzinfo=UTC), Capacity.points(8))
>>> cycle.end.date().isoformat()
'2026-03-16'
>>> run = CycleRun(cycle)
>>> run.commit([WorkItem("C-1", "Webinar page", size=Size.points(5)),
...             WorkItem("C-2", "Invite email", size=Size.points(3))],
...            at="2026-02-27T15:00Z")  # Cycle Planning, the Friday before
>>> run.add_unplanned(WorkItem("C-9", "Fix pricing typo", size=Size.points(1)),
...                   at="2026-03-04T10:00Z")
>>> run.complete("C-1", at="2026-03-06T16:00Z")
>>> run.complete("C-9", at="2026-03-04T12:00Z")
>>> report = run.close()
>>> report.completed_committed, report.carried_over, report.predictability
(('C-1',), ('C-2',), 0.5)
>>> report.velocity
6.0
"""

from __future__ import annotations

from agilemarketing.cycles.report import CycleReport
from agilemarketing.cycles.run import CycleRun, capacity_from_history
from agilemarketing.cycles.timebox import (
    FORTNIGHT,
    Capacity,
    CapacityOverride,
    CapacityUnit,
    Cycle,
    ManualClock,
)

__all__ = [
    "FORTNIGHT",
    "Capacity",
    "CapacityOverride",
    "CapacityUnit",
    "Cycle",
    "CycleReport",
    "CycleRun",
    "ManualClock",
    "capacity_from_history",
]
