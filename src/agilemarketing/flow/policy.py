"""The clean-up policy of the flow log: how backward moves and reopened items count.

>>> FlowPolicy("reopened").backwards
<Backwards.ADD_REOPENED: 'reopened'>
"""

from __future__ import annotations

import enum

import attrs

__all__ = ["Backwards", "FlowPolicy"]


class Backwards(enum.StrEnum):
    """How moves backwards (and reopened items) affect when an item started and finished.

    Every stage has an *entry date* per item; with backward moves an item can enter a stage
    several times. Done is always the moment the item is (last) done; a stay in a status outside
    the workflow is no move for start and done (after done it is not a reopen, unless the item
    then goes back to an earlier stage: the data-quality report's ``reopened``).

    * ``RESTART_FROM_TODO`` (the default): the clock restarts only when the item goes back to a
      stage before the start (parked in to-do); start is the first entry into the start stage
      after that, done the last entry into the done stages. Rework inside the workflow and
      after a reopen counts. The common definition, and jira-agile-metrics' one.
    * ``FIRST_ENTRY``: start is the first entry into the start stage, done the first entry into
      the done stages. Rework after a reopen is not counted.
    * ``LAST_ENTRY``: start is the last entry into the start stage, done the last entry into the
      done stages: the clock restarts on any rework.
    * ``ADD_REOPENED``: start is the first entry, done the last: the whole span, rework and time
      parked in to-do included.

    >>> FlowPolicy("last").backwards is Backwards.LAST_ENTRY
    True
    """

    RESTART_FROM_TODO = "restart"
    FIRST_ENTRY = "first"
    LAST_ENTRY = "last"
    ADD_REOPENED = "reopened"


@attrs.frozen
class FlowPolicy:
    """The clean-up rules the flow log applies to messy histories (see docs/metrics.md).

    Args:
        backwards: how backward moves and reopened items count (:class:`Backwards`).

    Fixed rules (documented, not optional): transitions are sorted by time (stable, so events
    at the same moment keep file order); an event repeated with the same time, from and to
    status is kept once; a skipped start stage counts from the first later stage entered (in
    board order); an item that reaches done without passing an in-progress stage counts in
    throughput but not in cycle time; an item whose last status is not in the workflow is
    abandoned (neither throughput nor cycle time).

    >>> FlowPolicy().backwards
    <Backwards.RESTART_FROM_TODO: 'restart'>
    """

    backwards: Backwards = attrs.field(default=Backwards.RESTART_FROM_TODO, converter=Backwards)
