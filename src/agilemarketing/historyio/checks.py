"""What a history line's values must satisfy beyond their types: sane years, points, order.

A history describes work a team tracked in a tool, so every timestamp lies between
:data:`EARLIEST` (1970, before any such tool) and :data:`LATEST` (2200): outside, the date is a
corrupted one (``202 -01-02`` read as year 202, a placeholder ``9999-12-31``), and downstream
date arithmetic would overflow or run for minutes. Points are not negative; an item is not
resolved before it was created; a blocked period does not end before it starts.

:func:`value_problems` finds them in bulk, as ``(column, row, field, what)``: ``column`` says
whose row it is (``"item"``, ``"transition"``, ``"blocked"``, ``"cycle"``).

>>> import numpy as np
>>> t = np.array(["2026-01-02", "9999-01-01"], dtype="datetime64[us]")
>>> none, nat = t[:0], np.full(2, np.datetime64("NaT", "us"))
>>> for problem in value_problems(created=t, resolved=nat, points=np.array([1.0, -2.0]),
...         tr_at=none, blk_from=none, blk_to=none, cyc_joined=none, cyc_left=none):
...     print(problem[:3], problem[3][:30])
('item', 1, 'created') year 9999 is outside the years
('item', 1, 'points') points are negative: -2
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from agilemarketing.historyio.timestamps import Times, to_datetime64

__all__ = ["EARLIEST", "LATEST", "Problem", "value_fix", "value_problems"]

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
"""The earliest moment a history may hold."""
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
"""The first moment a history may no longer hold (every timestamp is before it)."""

_LO, _HI = to_datetime64(EARLIEST), to_datetime64(LATEST)

Problem = tuple[str, int, str, str]
"""(column, row in that column, field, what is wrong)."""


def _out_of_range(column: str, field: str, values: Times) -> list[Problem]:
    present = ~np.isnat(values)
    rows = np.flatnonzero(present & ((values < _LO) | (values >= _HI)))
    years = values[rows].astype("datetime64[Y]").astype(np.int64) + 1970
    return [
        (
            column,
            row,
            field,
            f"year {year} is outside the years a history can hold "
            f"({EARLIEST.year} to {LATEST.year - 1}): a corrupted date?",
        )
        for row, year in zip(rows.tolist(), years.tolist(), strict=True)
    ]


def _before(column: str, field: str, earlier: Times, later: Times, what: str) -> list[Problem]:
    both = ~np.isnat(earlier) & ~np.isnat(later)
    rows = np.flatnonzero(both & (later < earlier))
    return [
        (column, row, field, f"{what}: {str(later[row])[:19]}Z < {str(earlier[row])[:19]}Z")
        for row in rows.tolist()
    ]


def value_problems(
    *,
    created: Times,
    resolved: Times,
    points: npt.NDArray[np.float64],
    tr_at: Times,
    blk_from: Times,
    blk_to: Times,
    cyc_joined: Times,
    cyc_left: Times,
) -> list[Problem]:
    """Every value of a block that its type allows but a history cannot hold."""
    problems = [
        *_out_of_range("item", "created", created),
        *_out_of_range("item", "resolved", resolved),
        *_out_of_range("transition", "transitions[].at", tr_at),
        *_out_of_range("blocked", "blocked[].from", blk_from),
        *_out_of_range("blocked", "blocked[].to", blk_to),
        *_out_of_range("cycle", "cycles[].joined", cyc_joined),
        *_out_of_range("cycle", "cycles[].left", cyc_left),
    ]
    problems += [
        ("item", row, "points", f"points are negative: {points[row]:g}")
        for row in np.flatnonzero(points < 0).tolist()
    ]
    problems += _before("item", "resolved", created, resolved, "resolved before it was created")
    problems += _before(
        "blocked", "blocked[].to", blk_from, blk_to, "the period ends before it starts"
    )
    problems += _before("cycle", "cycles[].left", cyc_joined, cyc_left, "left before it joined")
    return problems


def value_fix(field: str, what: str) -> str:
    """What to do about one of :func:`value_problems`' findings.

    >>> value_fix("points", "points are negative: -2")
    'give 0 or more points, or leave points out'
    """
    if field == "points":
        return "give 0 or more points, or leave points out"
    if what.startswith("year"):
        return (
            f"correct the date in the tool or the file (every timestamp is from "
            f"{EARLIEST.year} to {LATEST.year - 1}), or leave the field out"
        )
    return "correct the earlier or the later of the two times in the tool or the file"
