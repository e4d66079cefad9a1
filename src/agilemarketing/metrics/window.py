"""Which past days a throughput sample covers.

>>> Window().days is None
True
"""

from __future__ import annotations

from datetime import date

import attrs
import numpy as np

from agilemarketing.errors import InvalidValue
from agilemarketing.metrics.arrays import BoolArray, DateArray

__all__ = ["Window"]


@attrs.frozen
class Window:
    """Which past days a throughput sample covers: the last ``days`` / ``weeks`` up to the data's
    last day, or the dates ``start`` to ``end`` inclusive. ``Window()`` is everything.

    >>> Window.last(weeks=12).days
    84
    """

    days: int | None = None
    start: date | None = None
    end: date | None = None

    @classmethod
    def last(cls, *, days: int | None = None, weeks: int | None = None) -> Window:
        """The most recent days (or weeks) of the data."""
        if (days is None) == (weeks is None) or (days or weeks or 0) <= 0:
            raise InvalidValue(
                "give exactly one positive days= or weeks=",
                where="Window.last",
                fix="for example Window.last(weeks=12)",
            )
        return cls(days=days if days is not None else 7 * int(weeks or 0))

    @classmethod
    def between(cls, start: date | str, end: date | str) -> Window:
        """The days from ``start`` to ``end`` inclusive."""
        s = start if isinstance(start, date) else date.fromisoformat(start)
        e = end if isinstance(end, date) else date.fromisoformat(end)
        if e < s:
            raise InvalidValue(
                f"window end {e} is before its start {s}", where="Window", fix="swap the dates"
            )
        return cls(start=s, end=e)

    def mask(self, days: DateArray) -> BoolArray:
        """Which of the consecutive ``days`` the window keeps."""
        keep = np.ones(len(days), dtype=bool)
        if self.days is not None:
            keep[: max(len(days) - self.days, 0)] = False
        if self.start is not None:
            keep &= days >= np.datetime64(self.start, "D")
        if self.end is not None:
            keep &= days <= np.datetime64(self.end, "D")
        return keep
