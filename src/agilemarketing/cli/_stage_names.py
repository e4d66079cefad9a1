"""Warnings for stage names that match nothing on the board, naming the closest status.

A misspelt ``--waiting "Reveiw"`` or a workflow stage no item ever visited otherwise runs
silently and measures a board nobody has. The command still runs; the warnings go to standard
error.

>>> from agilemarketing.flow import FlowLog
>>> from agilemarketing.history import ItemHistory, Transition
>>> from agilemarketing.workflow import Workflow
>>> wf = Workflow.from_shorthand("To Do,Doing,Reveiw,Done")
>>> moves = [Transition("2026-01-05T09:00Z", "To Do", "Doing"),
...          Transition("2026-01-06T09:00Z", "Doing", "Review")]
>>> log = FlowLog.build([ItemHistory("A", status="Review", created="2026-01-01T09:00Z",
...                                   transitions=moves)], wf)
>>> for line in stage_name_warnings(log, waiting=("Doign",)):
...     print(line)
warning: --waiting 'Doign' is not a stage of the workflow (it is ignored); did you mean 'Doing'?
warning: no item was ever in stage 'Reveiw' of the workflow; did you mean 'Review'?
warning: no item was ever in stage 'Done' of the workflow
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np

from agilemarketing.flow import FlowLog

__all__ = ["stage_name_warnings"]

_CUTOFF = 0.6  # difflib's similarity ratio below which no guess is offered


def _closest(name: str, known: Iterable[str]) -> str:
    """``; did you mean 'X'?`` for the known name closest to ``name`` (ignoring case), or ''."""
    by_fold = {k.casefold(): k for k in known if k != name}
    match = difflib.get_close_matches(name.casefold(), list(by_fold), n=1, cutoff=_CUTOFF)
    return f"; did you mean {by_fold[match[0]]!r}?" if match else ""


def stage_name_warnings(log: FlowLog, waiting: Iterable[str] = ()) -> list[str]:
    """One warning per ``--waiting`` name that is no stage of the log's workflow, then one per
    workflow stage no item was ever in, naming the closest status the board has that the
    workflow does not (the status the stage was probably meant to be)."""
    names = log.workflow.names
    warnings = [
        f"warning: --waiting {name!r} is not a stage of the workflow (it is ignored)"
        + _closest(name, names)
        for name in waiting
        if name not in names
    ]
    visited = set(np.unique(log.seg_stage).tolist())
    unmapped = list(log.quality.unmapped_statuses)  # what a misspelt stage was meant to name
    warnings += [
        f"warning: no item was ever in stage {name!r} of the workflow" + _closest(name, unmapped)
        for i, name in enumerate(names)
        if i not in visited
    ]
    return warnings
