"""A board's open lists as stages with WIP limits: what ``Adapter.board()`` will return.

The core will add an ``Adapter.board()`` hook (a board's stages, in order, with their WIP
limits); until then :func:`describe_board` returns the same facts as plain typed data.

Teams write WIP limits into list names, as Trello's own "list limits" habit does: ``Doing [3]``
is the list ``Doing`` with at most 3 cards, ``Review [1-3]`` wants at least 1 and at most 3.
The suffix is not part of the stage's name. A limit set in Trello itself (the list's
``softLimit``) wins over a name suffix.

>>> split_wip("Doing [3]"), split_wip("Review [1-3]"), split_wip("Done")
(('Doing', WipLimit(minimum=None, maximum=3)), ('Review', WipLimit(minimum=1, maximum=3)), \
('Done', None))
>>> split_wip("Ideas [backlog]")
('Ideas [backlog]', None)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from agilemarketing_trello.models import Board, List

__all__ = ["BoardDescription", "Stage", "WipLimit", "describe_board", "split_wip", "stage_name"]

# A trailing "[3]", "[1-3]", "[1 – 3]" (en dash too), "( 3 )" is a WIP suffix; anything else in
# brackets stays part of the name.
_WIP = re.compile(
    r"^(?P<name>.*?)\s*[\[(]\s*(?:(?P<low>\d{1,4})\s*[-\u2013]\s*)?(?P<high>\d{1,4})\s*[\])]\s*$",
    re.S,
)


@attrs.frozen
class WipLimit:
    """A stage's work-in-progress limits: at most ``maximum`` items, at least ``minimum``."""

    minimum: int | None
    maximum: int


@attrs.frozen
class Stage:
    """One open list of the board as a stage: its name without a WIP suffix, its Trello list
    id (renamed lists keep their id) and its WIP limit."""

    name: str
    list_id: str
    wip: WipLimit | None = None


@attrs.frozen
class BoardDescription:
    """A board's workflow as Trello shows it: the open lists in order, left to right.

    ``done`` is the name of the stage whose cards count as done (the ``done_list`` option,
    else the last open list). Trello boards have no cycles: cards move freely between lists,
    and the stages are simply in board order.
    """

    board_id: str
    name: str
    stages: tuple[Stage, ...]
    done: str | None

    def stage(self, name: str) -> Stage | None:
        """The stage called ``name``, or None."""
        return next((s for s in self.stages if s.name == name), None)


def split_wip(list_name: str) -> tuple[str, WipLimit | None]:
    """A list name split into the stage name and the WIP limit its suffix gives (if any).

    A suffix whose minimum is above its maximum (``[5-3]``) is not a limit and stays in the name.
    """
    match = _WIP.match(list_name)
    if match is None or not match["name"].strip():
        return list_name.strip(), None
    high = int(match["high"])
    low = int(match["low"]) if match["low"] is not None else None
    if low is not None and low > high:
        return list_name.strip(), None
    return match["name"].strip(), WipLimit(low, high)


def stage_name(trello_list: List) -> str:
    """The status name of a list: its name without a WIP suffix."""
    return split_wip(trello_list.name)[0]


def _soft_limit(trello_list: List) -> WipLimit | None:
    value = trello_list.soft_limit
    if value is None or value == "":
        return None
    try:
        maximum = int(value)
    except (TypeError, ValueError):
        return None
    return WipLimit(None, maximum) if maximum > 0 else None


def open_lists(board: Board) -> Sequence[List]:
    """The board's open lists in board order (by ``pos``)."""
    return sorted((x for x in board.lists if not x.closed), key=lambda x: x.pos)


def describe_board(board: Board, *, done_list: str | None = None) -> BoardDescription:
    """The board's stages: open lists in order, names without WIP suffix, WIP limits from
    Trello's list limit or else from the name."""
    stages = []
    for trello_list in open_lists(board):
        name, from_name = split_wip(trello_list.name)
        stages.append(Stage(name, trello_list.id, _soft_limit(trello_list) or from_name))
    done = done_list if done_list is not None else (stages[-1].name if stages else None)
    return BoardDescription(board.id, board.name, tuple(stages), done)
