"""The workflow a board describes, for commands given no ``--workflow`` or ``--stages``.

``report``, ``forecast`` and ``showcase`` read a mirror (or a board whose adapter describes it)
without a workflow option by asking the board itself (:func:`agilemarketing.report.load_board`):
its stages in order, the statuses each holds, WIP limits, start and done. ``--start`` and
``--done`` still choose where cycle time starts and ends. The board's cycles with dates (a Jira
board's sprints) are the report's cycle windows when the history defines none
(:func:`with_board_cycles`).
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import click

from agilemarketing.adapter import BoardDescription
from agilemarketing.historyio import CycleWindow, HistoryTable
from agilemarketing.report import load_board
from agilemarketing.workflow import Workflow

__all__ = ["board_of", "board_workflow", "shorthand", "with_board_cycles"]


def shorthand(workflow: Workflow) -> str:
    """The ``--stages ... --start ... --done ...`` line that gives ``workflow``."""
    return (
        f'--stages "{",".join(workflow.names)}" --start "{workflow.start}" --done "{workflow.done}"'
    )


def board_of(source: str, options: Mapping[str, object] | None = None) -> BoardDescription | None:
    """The description of the board behind ``source`` (None: a file, or no description)."""
    return load_board(source, options)


def board_workflow(
    source: str,
    start: str | None,
    done: str | None,
    *,
    board: BoardDescription | None = None,
    options: Mapping[str, object] | None = None,
) -> Workflow | None:
    """The workflow of the board behind ``source``, with ``--start``/``--done`` applied; None
    when the board describes nothing. Says on stderr where the workflow came from."""
    board = board_of(source, options) if board is None else board
    if board is None:
        return None
    if start is not None or done is not None:
        board = attrs.evolve(board, start=start or board.start, done=done or board.done)
    workflow = board.workflow()
    click.echo(f"Workflow from the board's own description: {shorthand(workflow)}", err=True)
    return workflow


def with_board_cycles(table: HistoryTable, board: BoardDescription | None) -> HistoryTable:
    """``table`` with the board's cycles that have a start before their end as its cycle
    windows, when the table defines none of its own (a mirror's items name their sprints, the
    board holds their dates); ``table`` itself otherwise."""
    if board is None or table.cycles:
        return table
    windows = tuple(
        CycleWindow(c.name, c.start, c.end)
        for c in board.cycles
        if c.start is not None and c.end is not None and c.start < c.end
    )
    return attrs.evolve(table, cycles=windows) if windows else table
