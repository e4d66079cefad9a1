"""The agilemarketing plugin of this distribution (entry point ``csv`` in the ``agilemarketing``
group): it registers the ``csv`` and ``jira-csv`` adapters.

>>> [adapter.name for adapter in register_adapters()]
['csv', 'jira-csv']
"""

from __future__ import annotations

from collections.abc import Sequence

from agilemarketing.adapter import Adapter
from agilemarketing.hookspecs import hookimpl
from agilemarketing_csv.adapter import CsvAdapter, JiraCsvAdapter

__all__ = ["register_adapters"]


@hookimpl
def register_adapters() -> Sequence[type[Adapter]]:
    """The CSV adapters: ``csv`` (a history CSV, read and written; a Jira export, recognised by
    its ``Issue key`` column, read only) and ``jira-csv`` (a Jira export, read only)."""
    return [CsvAdapter, JiraCsvAdapter]
