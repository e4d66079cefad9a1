"""A board's open lists as stages with WIP limits: what ``TrelloAdapter.board()`` returns, as
the core's :class:`~agilemarketing.adapter.BoardDescription`.

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

from agilemarketing.adapter import BoardDescription, BoardStage
from agilemarketing_trello.models import Board, List

__all__ = ["WipLimit", "describe_board", "split_wip", "stage_name"]

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


def describe_board(
    board: Board, *, done_list: str | None = None, points_field: str | None = None
) -> BoardDescription:
    """The board's stages: open lists in order, names without WIP suffix, WIP limits from
    Trello's list limit or else from the name; no cycles (Trello has none). Two open lists of
    one name are one status, so one stage (the first's limit).

    >>> from agilemarketing_trello.models import decode_board
    >>> board = decode_board(b'''{"id": "b1", "name": "Launch", "lists": [
    ...     {"id": "l1", "name": "Ideas", "pos": 1}, {"id": "l2", "name": "Doing [3]", "pos": 2},
    ...     {"id": "l3", "name": "Old", "pos": 3, "closed": true},
    ...     {"id": "l4", "name": "Done", "pos": 4}]}''')
    >>> description = describe_board(board, points_field="Points")
    >>> [(s.name, s.wip_max) for s in description.stages], description.workflow().done
    ([('Ideas', None), ('Doing', 3), ('Done', None)], 'Done')
    """
    stages: dict[str, BoardStage] = {}
    for trello_list in open_lists(board):
        name, from_name = split_wip(trello_list.name)
        if not name or name.casefold() in stages:
            continue
        wip = _soft_limit(trello_list) or from_name
        stages[name.casefold()] = BoardStage(
            name,
            wip_min=wip.minimum if wip else None,
            wip_max=wip.maximum if wip else None,
        )
    done = done_list if done_list else None
    return BoardDescription(
        stages=list(stages.values()), done=done, estimation_field=points_field, name=board.name
    )
