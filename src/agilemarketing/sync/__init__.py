"""The sync engine: plan the changes that bring a target in line with a source, then apply them.

A sync reads a **source** adapter and a **target** adapter and compares both with the state the
:class:`~agilemarketing.mirror.Mirror` remembers from the last sync (the *merge base*):

* a field the source changed and the target did not is written to the target;
* a field the target changed and the source did not is kept (never silently overwritten);
* a field both changed to different values is a :class:`Conflict`, reported with the base and
  both current values, and settled by the :class:`ConflictPolicy` (fail, prefer-source,
  prefer-target, skip);
* a field both changed to the same value, or that neither changed, needs nothing.

:func:`plan` only reads; it returns a :class:`SyncPlan` you can print (a dry run) or turn into
JSON. :func:`apply` sends the plan's changes in batches: each batch is journalled as *planned*
in the mirror (one transaction) before it is sent and as *applied* or *failed* after (another
transaction), together with the new merge base of its items. A sync killed halfway is simply
run again: changes the target already holds are recognised (their ``change_id`` is stable and
the target's state is checked), nothing is sent twice, and a run with nothing to do writes
nothing.

Sources without history (a plain CSV export) still accrue one in the mirror: every sync that
sees an item in a new status records the transition at the time it saw it, marked ``observed``.

>>> from agilemarketing.adapter import MoveStatus
>>> from agilemarketing.mirror import Mirror
>>> from agilemarketing.testing import InMemoryAdapter, sample_histories
>>> source, target = InMemoryAdapter("team-board"), InMemoryAdapter("copy")
>>> source.seed(sample_histories(3))
>>> with Mirror(":memory:") as mirror:
...     first = plan(source, target, mirror)
...     print(first.summary())
...     print(apply(first).summary())
...     _ = source.apply(MoveStatus("MKT-1", "Done"))
...     print(plan(source, target, mirror))
memory:team-board -> memory:copy: 3 creates, 0 moves, 0 updates, 0 conflicts, 0 unchanged
3 created, 0 updated, 0 moved: 3 applied, 0 already applied, 0 failed, 0 conflicts
Sync plan (on conflict: fail)
memory:team-board -> memory:copy: 0 creates, 1 moves, 0 updates, 0 conflicts, 0 unchanged
  move MKT-1 'To Do' -> 'Done'
"""

from agilemarketing.sync.applying import apply
from agilemarketing.sync.config import FieldMapping, SyncConfig
from agilemarketing.sync.conflicts import Conflict, ConflictPolicy
from agilemarketing.sync.history import accrue_history
from agilemarketing.sync.locking import locked
from agilemarketing.sync.planning import plan
from agilemarketing.sync.progress import Progress
from agilemarketing.sync.report import ExitCode, FailedChange, SyncReport
from agilemarketing.sync.syncplan import SyncPlan

__all__ = [
    "Conflict",
    "ConflictPolicy",
    "ExitCode",
    "FailedChange",
    "FieldMapping",
    "Progress",
    "SyncConfig",
    "SyncPlan",
    "SyncReport",
    "accrue_history",
    "apply",
    "locked",
    "plan",
]
