"""A workflow inferred from the statuses items went through, for a report without a workflow.

Statuses come in their usual order of appearance; conventional to-do and done names (and the
status of resolved items) set where cycle time starts and ends. Statuses that mean the work was
dropped (Won't Do, Cancelled, Rejected, Duplicate and the like, any case) are **abandoned**: they
stay out of the stages, so an item ending there is abandoned, never done, and never counts as
throughput.

>>> from agilemarketing.history import ItemHistory, Transition
>>> def h(key, *path):
...     moves = [Transition(f"2026-01-0{i + 5}T09:00Z", a, b)
...              for i, (a, b) in enumerate(zip(("To Do",) + path, path))]
...     return ItemHistory(key, status=path[-1], created="2026-01-05T08:00Z", transitions=moves)
>>> inferred = infer_workflow([h("A", "Doing", "Done"), h("B", "Doing", "Won't Do")])
>>> print(inferred.shorthand())
--stages "Doing,Done" --start "Doing" --done "Done" (abandoned: "Won't Do")
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from agilemarketing.errors import InvalidValue
from agilemarketing.history import ItemHistory
from agilemarketing.workflow import Workflow

__all__ = ["InferredWorkflow", "infer_workflow", "is_abandoned_status"]

_TO_DO = {"backlog", "to do", "todo", "open", "new", "selected for development", "ready", "idea"}
_DONE = {"done", "closed", "resolved", "released", "published", "complete", "completed", "live"}
_ABANDONED = re.compile(
    r"won'?t (do|fix)|wont|will not|not doing|cancel|reject|duplicate|abandon|declin|obsolete"
    r"|invalid|discard|dropped|withdrawn|not planned|out of scope"
)


def is_abandoned_status(status: str) -> bool:
    """Whether a status name means the work was dropped, not done (any case).

    >>> [is_abandoned_status(s) for s in ("Won't Do", "CANCELED", "Duplicate", "Done")]
    [True, True, True, False]
    """
    name = status.casefold().replace("\u2019", "'").replace("_", " ").replace("-", " ")
    return _ABANDONED.search(name) is not None


@attrs.frozen
class InferredWorkflow:
    """The inferred :class:`~agilemarketing.workflow.Workflow` and the statuses left out of it
    as abandoned."""

    workflow: Workflow
    abandoned: tuple[str, ...]

    def shorthand(self) -> str:
        """The command-line options that give this workflow, and the abandoned statuses."""
        wf = self.workflow
        text = f'--stages "{",".join(wf.names)}" --start "{wf.start}" --done "{wf.done}"'
        if self.abandoned:
            text += " (abandoned: " + ", ".join(f'"{s}"' for s in self.abandoned) + ")"
        return text


def infer_workflow(
    histories: Iterable[ItemHistory],
    start: str | None = None,
    done: str | None = None,
    waiting: tuple[str, ...] = (),
) -> InferredWorkflow:
    """The workflow the statuses suggest (see the module docs); ``start``/``done``/``waiting``
    override the guesses. Raises :class:`~agilemarketing.errors.InvalidValue` when no status
    means done."""
    positions: dict[str, list[float]] = {}
    done_statuses: set[str] = set()
    abandoned: set[str] = set()
    for history in histories:
        path = [t.to_status for t in history.transitions] or [history.status]
        path = [status for status in path if status]
        for index, status in enumerate(path):
            if is_abandoned_status(status):
                abandoned.add(status)
                continue
            positions.setdefault(status, []).append(index / max(len(path) - 1, 1))
        if history.resolved is not None and history.status in positions:
            done_statuses.add(history.status)
    done_statuses |= {s for s in positions if s.casefold() in _DONE}
    order = sorted(
        positions, key=lambda s: (s in done_statuses, sum(positions[s]) / len(positions[s]))
    )
    to_do = [s for s in order if s.casefold() in _TO_DO and s not in done_statuses]
    if not order or not done_statuses:
        raise InvalidValue(
            "cannot tell which status means done from the data",
            where="the inferred workflow",
            fix='say how the board flows: --workflow FILE.toml, or --stages "Backlog,Doing,Done"'
            " (with --start and --done)",
        )
    order = to_do + [s for s in order if s not in to_do]
    first_in_progress = next((s for s in order if s not in to_do), order[-1])
    workflow = Workflow.from_shorthand(
        order,
        start=start or first_in_progress,
        done=done or next(s for s in order if s in done_statuses),
        waiting=waiting,
    )
    return InferredWorkflow(workflow, tuple(sorted(abandoned)))
