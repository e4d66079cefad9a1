"""The workflow a board describes, for commands given no ``--workflow`` or ``--stages``.

``report``, ``forecast`` and ``showcase`` read a mirror (or a board whose adapter describes it)
without a workflow option by asking the board itself (:func:`agilemarketing.report.load_board`):
its stages in order, the statuses each holds, WIP limits, start and done. ``--start`` and
``--done`` still choose where cycle time starts and ends.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import click

from agilemarketing.adapter import BoardDescription
from agilemarketing.report import load_board
from agilemarketing.workflow import Workflow

__all__ = ["board_of", "board_workflow", "shorthand"]


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
