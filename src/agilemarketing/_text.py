"""Plain text shared by the board, cycle reports and examples: tables, durations, short fields."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

__all__ = ["count", "duration", "table"]


def duration(span: timedelta) -> str:
    """A short, human duration: the two largest units of days, hours and minutes.

    >>> duration(timedelta(days=3, hours=4, minutes=5))
    '3d 4h'
    >>> duration(timedelta(hours=5, minutes=30)), duration(timedelta(seconds=50))
    ('5h 30m', '0m')
    """
    total = int(span.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n]
    return sign + (" ".join(parts[:2]) if parts else "0m")


def count(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless ``n`` is 1.

    >>> count(1, "item"), count(3, "item")
    ('1 item', '3 items')
    """
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    indent: str = "  ",
    right: Iterable[int] = (),
) -> list[str]:
    """Rows as aligned text columns under a header line; columns in ``right`` align right.

    >>> print("\\n".join(table(["KEY", "POINTS"], [["A-1", 3], ["B-22", 13]], right=[1])))
      KEY   POINTS
      A-1        3
      B-22      13
    """
    cells = [[str(h) for h in headers], *([str(c) for c in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    align_right = set(right)
    lines = []
    for row in cells:
        parts = [
            cell.rjust(width) if i in align_right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append((indent + "  ".join(parts)).rstrip())
    return lines
