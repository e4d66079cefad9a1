"""The board replayed by hand, one item and one moment at a time: the reference the daily
metrics' property tests compare against (``from naive_board import status_at, end_of_day``;
``tests/`` is on pytest's ``pythonpath``).

>>> from datetime import UTC, date, datetime
>>> from agilemarketing.history import ItemHistory, Transition
>>> h = ItemHistory("A", status="Done", created=datetime(2026, 1, 5, tzinfo=UTC),
...                 transitions=(Transition(datetime(2026, 1, 6, tzinfo=UTC), "To Do", "Done"),))
>>> status_at(h, datetime(2026, 1, 5, 12, tzinfo=UTC)), status_at(h, end_of_day(date(2026, 1, 6)))
('To Do', 'Done')
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from agilemarketing.history import ItemHistory

__all__ = ["end_of_day", "status_at"]


def status_at(h: ItemHistory, moment: datetime) -> str | None:
    """The item's status at a moment: the "to" of its last transition at or before it (the
    first "from" between creation and the first transition; ``None`` before creation)."""
    status = None
    if h.created is not None and h.created <= moment:
        status = h.transitions[0].from_status if h.transitions else h.status
    for t in h.transitions:
        if t.at <= moment:
            status = t.to_status
    return status


def end_of_day(day: date, as_of: datetime | None = None) -> datetime:
    """The day's last moment (UTC), or ``as_of`` if that is earlier: a move at the next 00:00
    belongs to the next day."""
    end = datetime.combine(day, datetime.min.time(), UTC) + timedelta(days=1, microseconds=-1)
    return end if as_of is None else min(end, as_of)
