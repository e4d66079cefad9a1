"""The flow log: every item's path through the workflow, as numpy columns, built once.

:meth:`FlowLog.build` takes histories (a :class:`~agilemarketing.historyio.HistoryTable`, a
history JSON Lines path, or :class:`~agilemarketing.history.ItemHistory` objects) and a
:class:`~agilemarketing.workflow.Workflow`, cleans the histories up according to a
:class:`FlowPolicy`, and records what it had to fix in a :class:`DataQualityReport`. Every metric
in :mod:`agilemarketing.metrics` is then computed from its arrays without looping over items.

Two tables make up the log:

* **segments**, one row per stay of an item in a stage: ``seg_item``, ``seg_stage`` (index into
  ``workflow.stages``; -1 for a status the workflow does not map), ``seg_enter``, ``seg_leave``
  (``NaT`` while the item is still there);
* **items**, one row per item: ``keys``, ``types``, ``points``, ``created``, ``start`` and
  ``done`` (cycle time runs from one to the other; ``NaT`` when not started / not done),
  ``abandoned``, ``current_stage``, labels, blocked periods and cycle memberships.

The package's modules: ``policy`` (:class:`FlowPolicy`), ``quality`` (the data-quality report),
``building`` (the clean-up and the computed columns, step by step) and ``log`` (the class).

>>> from agilemarketing.history import ItemHistory, Transition
>>> from agilemarketing.workflow import Workflow
>>> wf = Workflow.from_shorthand("To Do,Doing,Done")
>>> h = ItemHistory("M-1", status="Done", created="2026-01-05T09:00Z", transitions=[
...     Transition("2026-01-06T09:00Z", "To Do", "Doing"),
...     Transition("2026-01-08T21:00Z", "Doing", "Done")])
>>> log = FlowLog.build([h], wf)
>>> log.seg_stage.tolist(), str(log.start[0]), str(log.done[0])
([0, 1, 2], '2026-01-06T09:00:00.000000', '2026-01-08T21:00:00.000000')
>>> log.quality.ok
True
"""

from __future__ import annotations

from agilemarketing.flow.building import I64 as I64
from agilemarketing.flow.building import NEVER as NEVER
from agilemarketing.flow.building import Times as Times
from agilemarketing.flow.log import FlowLog
from agilemarketing.flow.policy import Backwards, FlowPolicy
from agilemarketing.flow.quality import ISSUES as ISSUES
from agilemarketing.flow.quality import DataQualityReport, QualityIssue

__all__ = [
    "Backwards",
    "DataQualityReport",
    "FlowLog",
    "FlowPolicy",
    "QualityIssue",
]
