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
    several times.

    * ``FIRST_ENTRY``: start is the first entry into the start stage, done the first entry into
      the done stages. Rework after a reopen is not counted.
    * ``LAST_ENTRY``: start is the last entry into the start stage, done the last entry into the
      done stages: the clock restarts when work restarts.
    * ``ADD_REOPENED``: start is the first entry, done the last: the whole span, rework included.

    >>> FlowPolicy("last").backwards is Backwards.LAST_ENTRY
    True
    """

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
    <Backwards.FIRST_ENTRY: 'first'>
    """

    backwards: Backwards = attrs.field(default=Backwards.FIRST_ENTRY, converter=Backwards)
