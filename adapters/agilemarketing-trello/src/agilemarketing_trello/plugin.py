"""The agilemarketing plugin of this distribution (entry point ``trello`` in the
``agilemarketing`` group): it registers the ``trello`` and ``trello-json`` adapters.

>>> [adapter.name for adapter in register_adapters()]
['trello', 'trello-json']
"""

from __future__ import annotations

from collections.abc import Sequence

from agilemarketing.adapter import Adapter
from agilemarketing.hookspecs import hookimpl
from agilemarketing_trello.adapter import TrelloAdapter
from agilemarketing_trello.export import TrelloJsonAdapter

__all__ = ["register_adapters"]


@hookimpl
def register_adapters() -> Sequence[type[Adapter]]:
    """The Trello adapters: ``trello`` (a board through the REST API, read and written) and
    ``trello-json`` (a board's "Export as JSON" file, read only)."""
    return [TrelloAdapter, TrelloJsonAdapter]
