"""The adapter contract: how agilemarketing reads from and writes to an external system.

An adapter translates one external system (a CSV export, Jira, Trello, the local mirror...) to
and from the library's records, and nothing else: no metrics, no business rules.

* **Reading** yields :class:`ItemRecord` values, each an
  :class:`~agilemarketing.history.ItemHistory` (the item with every status change it went
  through) plus what a sync needs on top of it (extra fields, Definition-of-Done state, the
  source's version marker). :meth:`Adapter.read` takes an opaque :class:`Cursor` from the
  previous read and returns only what changed since, with the next cursor.
* **Writing** applies planned changes from a small closed set of frozen values
  (:class:`CreateItem`, :class:`UpdateFields`, :class:`MoveStatus`, :class:`Rerank`). Each has a
  stable, content-derived :attr:`Change.change_id`, so a sync journal recognises a change whose
  answer was lost, and every application is reported as a :class:`ChangeResult`: applied,
  already applied, or failed with an error (and then nothing of it was applied).
* **Capabilities** (:class:`Capabilities`) say what an adapter can do; callers check them, and
  an adapter refuses what it cannot do with :class:`~agilemarketing.errors.UnsupportedChange`.

Adapters are built from a *location* (the part after ``csv:`` in ``csv:exports/board.csv``) and
an options mapping. Secrets come from environment variables only (:meth:`Adapter.secret`) and
never appear in a repr or an error; :func:`redact_record` and :func:`redacted_errors` keep them
out of what is read from an adapter too.

>>> change = MoveStatus("MKT-1", "In Progress", from_status="To Do")
>>> change.kind, len(change.change_id)
('move', 32)
>>> change.change_id == MoveStatus("MKT-1", "In Progress", from_status="To Do").change_id
True
>>> parse_adapter_url("csv:exports/board.csv")
AdapterUrl(name='csv', location='exports/board.csv')
"""

from agilemarketing.adapter.applying import RecordBoard, apply_change
from agilemarketing.adapter.base import Adapter
from agilemarketing.adapter.capabilities import Capabilities, HistoryFidelity, RankScope
from agilemarketing.adapter.carried import CarriedHistory
from agilemarketing.adapter.changes import (
    AnyChange,
    Change,
    ChangeResult,
    ChangeStatus,
    CreateItem,
    MoveStatus,
    Rerank,
    UpdateFields,
    change_from_dict,
)
from agilemarketing.adapter.description import BoardCycle, BoardDescription, BoardStage
from agilemarketing.adapter.fields import CORE_FIELDS as CORE_FIELDS  # importable here as before
from agilemarketing.adapter.fields import FieldValue
from agilemarketing.adapter.ranks import is_rank, rank_between, rank_order
from agilemarketing.adapter.records import Cursor, ItemRecord, ReadResult
from agilemarketing.adapter.redaction import redact_record, redacted_errors
from agilemarketing.adapter.urls import AdapterUrl, parse_adapter_url
from agilemarketing.errors import AdapterUrlError as AdapterUrlError  # importable here as before

__all__ = [
    "Adapter",
    "AdapterUrl",
    "AnyChange",
    "BoardCycle",
    "BoardDescription",
    "BoardStage",
    "Capabilities",
    "CarriedHistory",
    "Change",
    "ChangeResult",
    "ChangeStatus",
    "CreateItem",
    "Cursor",
    "FieldValue",
    "HistoryFidelity",
    "ItemRecord",
    "MoveStatus",
    "RankScope",
    "ReadResult",
    "RecordBoard",
    "Rerank",
    "UpdateFields",
    "apply_change",
    "change_from_dict",
    "is_rank",
    "parse_adapter_url",
    "rank_between",
    "rank_order",
    "redact_record",
    "redacted_errors",
]
