"""The building blocks of the report page: escaped text, tables, cards, lists, the stylesheet.

The stylesheet is the package file ``report.css``, inlined into every page.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable, Sequence
from importlib import resources

__all__ = ["card", "esc", "html_table", "statements", "stylesheet"]


@functools.cache
def stylesheet() -> str:
    """The page's CSS (the package file ``agilemarketing/report/report.css``)."""
    return (
        resources.files("agilemarketing.report").joinpath("report.css").read_text(encoding="utf-8")
    )


def esc(value: object) -> str:
    """``value`` as text, escaped for HTML content and attribute values."""
    return html.escape(str(value), quote=True)


def html_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: set[int] | None = None
) -> str:
    """A table; the columns in ``numeric`` (by position) are right-aligned."""
    right = numeric or set()
    head = "".join(
        f'<th class="num">{esc(h)}</th>' if i in right else f"<th>{esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{esc(c)}</td>' if i in right else f"<td>{esc(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def card(label: str, value: str, note: str = "") -> str:
    """One headline number of the summary: a label, the value, a note below."""
    return (
        f'<div class="card"><div class="label">{esc(label)}</div>'
        f'<div class="value">{esc(value)}</div><div class="note">{esc(note)}</div></div>'
    )


def statements(lines: Iterable[str]) -> str:
    """Sentences as a bulleted list."""
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    return f'<ul class="statements">{items}</ul>'
