"""History JSON Lines: read and write item histories fast, as columns.

One work item per line (the full format is in ``docs/history-format.md``)::

    {"key": "MKT-1", "type": "Email", "status": "Done", "created": "2026-01-05T09:00:00Z",
     "transitions": [{"at": "2026-01-06T10:00:00+01:00", "from": "To Do", "to": "Doing"}]}

:func:`read_history` streams a file in blocks, decodes each block with msgspec into small
structs whose timestamps are still strings, and parses every timestamp of the block at once
with :func:`parse_timestamps` (numpy arithmetic on the bytes, not one ``datetime`` per value).
The result is a :class:`HistoryTable`: numpy columns, one row per item / transition / blocked
period / cycle membership, which :class:`agilemarketing.flow.FlowLog` is built from.

The package's modules, from the bottom up: ``timestamps`` (bulk parsing and conversion),
``columns`` (the table's data, cycle windows, name codes), ``builder`` (tables from chunks),
``objects`` (to and from ``ItemHistory``), ``rewind`` (a table at an earlier moment),
``writing``, ``table`` (the :class:`HistoryTable` class), ``lines`` (the file's lines as msgspec
structs, in blocks) and ``reading``.

>>> import io
>>> text = io.StringIO(
...     '{"key": "MKT-1", "status": "Done", "created": "2026-01-05T09:00:00Z",'
...     ' "transitions": [{"at": "2026-01-06T10:00:00+01:00", "from": "To Do", "to": "Done"}]}\\n'
... )
>>> table = read_history(text)
>>> len(table), table.n_transitions
(1, 1)
>>> str(table.tr_at[0])
'2026-01-06T09:00:00.000000'
>>> [h.key for h in table.histories()]
['MKT-1']
"""

from __future__ import annotations

from agilemarketing.historyio.columns import CycleWindow
from agilemarketing.historyio.columns import Ints as Ints
from agilemarketing.historyio.lines import Source as Source
from agilemarketing.historyio.reading import iter_histories, read_history
from agilemarketing.historyio.table import HistoryTable
from agilemarketing.historyio.timestamps import Times as Times
from agilemarketing.historyio.timestamps import parse_timestamps
from agilemarketing.historyio.writing import write_history

__all__ = [
    "CycleWindow",
    "HistoryTable",
    "iter_histories",
    "parse_timestamps",
    "read_history",
    "write_history",
]
