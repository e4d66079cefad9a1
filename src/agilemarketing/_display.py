"""How result objects show themselves: a one-line ``repr`` and a small HTML table for notebooks.

Every metric, forecast and flow result builds a :class:`Summary` (a kind, a few facts, at most
:data:`MAX_ROWS` table rows) and turns it into ``__repr__`` (:meth:`Summary.line`, never longer
than :data:`MAX_LINE` characters) and ``_repr_html_`` (:meth:`Summary.html`, every text
HTML-escaped). No numpy array is ever printed whole.

>>> s = summary("Demo", ["3 items", "p85 8 days"], ["stage", "items"], [("To Do", 2), ("Done", 1)])
>>> s.line()
'<Demo: 3 items, p85 8 days>'
>>> "<td>To Do</td>" in s.html()
True
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import attrs
import numpy as np

__all__ = ["MAX_LINE", "MAX_ROWS", "Summary", "day_span", "number", "summary"]

MAX_LINE = 160
"""The longest one-line ``repr``, in characters."""
MAX_ROWS = 12
"""The most table rows a notebook summary shows."""


def number(value: object) -> str:
    """A value as a short text: thousands separators, three significant digits, ``-`` for a
    missing value (NaN, NaT, None), ISO dates.

    >>> number(12345), number(3.14159), number(float("nan")), number(np.datetime64("2026-01-02"))
    ('12,345', '3.14', '-', '2026-01-02')
    """
    if value is None:
        return "-"
    if isinstance(value, np.generic):
        if isinstance(value, np.datetime64):
            return "-" if np.isnat(value) else str(value.astype("datetime64[D]"))
        value = value.item()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())  # one line: no newlines or runs of spaces


def day_span(days: np.ndarray) -> str:
    """``first to last (N days)`` of a day axis, or ``no days``.

    >>> day_span(np.arange("2026-01-01", "2026-01-04", dtype="datetime64[D]"))
    '2026-01-01 to 2026-01-03 (3 days)'
    """
    if len(days) == 0:
        return "no days"
    return f"{number(days[0])} to {number(days[-1])} ({len(days):,} days)"


@attrs.frozen
class Summary:
    """What a result shows: its ``kind`` (the class name), a few ``facts`` and a small table."""

    kind: str
    facts: tuple[str, ...]
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    more: int = 0
    """Table rows left off."""

    def line(self) -> str:
        """The one-line ``repr``: ``<Kind: fact, fact>``, cut to :data:`MAX_LINE` characters."""
        text = f"<{self.kind}: {', '.join(self.facts)}>" if self.facts else f"<{self.kind}>"
        if len(text) > MAX_LINE:
            text = text[: MAX_LINE - 4] + "...>"
        return text

    def html(self) -> str:
        """A one-line summary and a small table, HTML-escaped, for Jupyter's ``_repr_html_``."""
        esc = html.escape
        parts = [
            '<div class="agilemarketing-summary">',
            f"<p><strong>{esc(self.kind)}</strong>: {esc(', '.join(self.facts))}</p>",
        ]
        if self.columns:
            head = "".join(f"<th>{esc(c)}</th>" for c in self.columns)
            body = "".join(
                "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>"
                for row in self.rows
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        if self.more:
            parts.append(f"<p>... and {self.more:,} more rows</p>")
        parts.append("</div>")
        return "".join(parts)


def summary(
    kind: str,
    facts: Iterable[str],
    columns: Sequence[str] = (),
    rows: Iterable[Sequence[object]] = (),
    *,
    total: int | None = None,
    max_rows: int = MAX_ROWS,
) -> Summary:
    """A :class:`Summary` showing the first ``max_rows`` of ``rows`` (read lazily: a long
    iterable is never walked to its end); ``total`` is how many rows there are in all.

    >>> summary("Demo", ["many"], ["n"], ((i,) for i in range(10**9)), total=10**9).more
    999999988
    """
    shown = tuple(
        tuple(number(cell) for cell in row) for row in itertools.islice(rows, max(max_rows, 0))
    )
    more = max(total - len(shown), 0) if total is not None else 0
    return Summary(kind, tuple(number(f) for f in facts), tuple(columns), shown, more)
