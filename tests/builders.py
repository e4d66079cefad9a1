"""Builders shared by the model's tests: one way to make a work item.

The test suites import these (``from builders import work_item``; ``tests/`` is on pytest's
``pythonpath``) instead of each defining its own.

>>> work_item("MKT-1", 3).title, work_item("MKT-1", 3).size.value
('work MKT-1', 3.0)
>>> item_with_fields("MKT-2", reach=500).fields["reach"]
500
"""

from __future__ import annotations

from typing import Any

from agilemarketing.items import Size, WorkItem

__all__ = ["item_with_fields", "work_item"]


def work_item(key: str, points: float | None = None, /, **attributes: Any) -> WorkItem:
    """A work item titled ``work <key>``, sized ``points`` story points if given, with any other
    :class:`~agilemarketing.items.WorkItem` attributes (``outcome=``, ``created_at=``...)."""
    size = None if points is None else Size.points(points)
    return WorkItem(key, f"work {key}", size=size, **attributes)


def item_with_fields(key: str, points: float | None = None, /, **fields: Any) -> WorkItem:
    """A work item whose keyword arguments are its ``fields`` (the inputs prioritisers read)."""
    return work_item(key, points, fields=fields)
