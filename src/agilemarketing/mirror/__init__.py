"""The mirror: a local SQLite database that remembers what every sync saw and did.

The mirror is what makes :mod:`agilemarketing.sync` incremental, idempotent, resumable and able
to detect conflicts. It holds, in one file:

* **boards**: for every system a sync has read or written (named by its adapter URL), the last
  synced state of each item with its full history. That state is the *merge base* of the
  three-way comparison. The mirror also has a board of its own, :data:`OWN_BOARD`, which is what
  ``mirror:team.db`` reads and writes when the mirror is used as an adapter;
* the **history** of every item, transition by transition, each with an ``observed`` flag: a
  source that has no history (a plain CSV export, a snapshot) still accrues one, because each sync
  records the status changes it sees, at the time it saw them;
* a **sync cursor** per board (where the next incremental read starts);
* the **journal** of changes sent to a target: planned before they are sent, applied (or failed)
  after, so a sync killed halfway is resumed instead of repeated;
* named JSON **documents**, such as the team's planning file
  (:meth:`agilemarketing.serialize.PlanningFile.save_to_mirror`);
* per source and target pair, what the last clean sync left behind (:meth:`Mirror.sync_state`),
  so an unchanged re-sync plans nothing without reading either side.

The schema is versioned (a ``schema_version`` table, mirrored in ``PRAGMA user_version``) and
upgraded in place by ordered migration steps. The database runs in WAL mode with foreign keys
on, and every step of a sync is one transaction. The SQL is standard (no SQLite-only upserts),
so a fleet of sync jobs could later point the same schema at a server database.

>>> from agilemarketing.history import ItemHistory, Transition
>>> with Mirror(":memory:") as mirror:
...     with mirror.transaction():
...         _ = mirror.save_board("csv:export.csv", [
...             ItemHistory("MKT-1", summary="Spring webinar", status="Doing",
...                         transitions=[Transition("2026-03-02T09:00:00Z", None, "Doing")]),
...         ])
...     [h.key for h in mirror.histories("csv:export.csv")], mirror.schema_version
(['MKT-1'], 9)
"""

from agilemarketing.mirror.adapter import MirrorAdapter
from agilemarketing.mirror.bases import TARGET_SIDE, target_base
from agilemarketing.mirror.integrity import MirrorCheck, check_mirror
from agilemarketing.mirror.journal import JournalEntry, JournalStatus
from agilemarketing.mirror.schema import SCHEMA_VERSION
from agilemarketing.mirror.store import OWN_BOARD, Mirror

__all__ = [
    "OWN_BOARD",
    "SCHEMA_VERSION",
    "TARGET_SIDE",
    "JournalEntry",
    "JournalStatus",
    "Mirror",
    "MirrorAdapter",
    "MirrorCheck",
    "check_mirror",
    "target_base",
]
