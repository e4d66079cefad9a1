"""Keys a tool assigns (issue 11 point 2): the mirror's key map, read and written by a sync.

A tool that gives a created item its own key (Jira's ``MKT-123``, a Trello card id) reports it in
:attr:`~agilemarketing.adapter.ChangeResult.key`. :func:`~agilemarketing.sync.apply` records the
pair (the key the sync knows the item by, the key the tool gave it) in the mirror's key map of
that tool, in the same transaction as the create's journal entry; every later :func:`plan` reads
the tool through the map, in both directions:

- records the tool returns are renamed to the sync's keys (whether the tool is the source or the
  target: a mirror -> tool -> mirror round trip holds the item once);
- changes sent to the tool name its own keys (the item, and a rerank's neighbour).

Keys the map does not hold pass through unchanged (items created in the tool itself, and every
key of a tool that keeps the keys it is given).

>>> keys = KeyMap.of({"MKT-1": "T-1"})
>>> keys.local("T-1"), keys.local("T-9"), keys.tool("MKT-1"), keys.tool("MKT-2")
('MKT-1', 'T-9', 'T-1', 'MKT-2')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

import attrs

from agilemarketing.adapter import AnyChange, ChangeResult, CreateItem, ItemRecord, Rerank

__all__ = ["KeyMap", "new_pairs"]

_C = TypeVar("_C", bound=AnyChange)


@attrs.frozen
class KeyMap:
    """One tool's key map: the sync's key (``local``) <-> the tool's key (``tool``)."""

    to_tool: Mapping[str, str] = attrs.field(factory=dict)
    to_local: Mapping[str, str] = attrs.field(factory=dict)

    @classmethod
    def of(cls, pairs: Mapping[str, str]) -> KeyMap:
        """The map holding ``pairs`` (local key -> tool key)."""
        return cls(dict(pairs), {tool: local for local, tool in pairs.items()})

    def with_pairs(self, pairs: Mapping[str, str]) -> KeyMap:
        """This map and ``pairs`` (local key -> tool key: the keys a write just assigned)."""
        if not pairs:
            return self
        return KeyMap.of({**self.to_tool, **pairs})

    def __bool__(self) -> bool:
        return bool(self.to_tool)

    def local(self, key: str) -> str:
        """The sync's key for the tool's ``key``."""
        return self.to_local.get(key, key)

    def tool(self, key: str) -> str:
        """The tool's key for the sync's ``key``."""
        return self.to_tool.get(key, key)

    def localise(self, records: Mapping[str, ItemRecord]) -> dict[str, ItemRecord]:
        """``records`` (read from the tool) under the sync's keys."""
        if not self:
            return dict(records)
        return {
            self.local(key): _rekeyed(record, self.local(key)) for key, record in records.items()
        }

    def local_keys(self, keys: Iterable[str]) -> tuple[str, ...]:
        """The sync's keys for the tool's ``keys``."""
        return tuple(self.local(key) for key in keys)

    def for_tool(self, change: _C) -> _C:
        """``change`` naming the tool's keys (a create keeps the sync's key: it is the item's
        external reference, which the tool recognises on a retry)."""
        if not self or isinstance(change, CreateItem):
            return change
        if isinstance(change, Rerank):
            return attrs.evolve(
                change,
                key=self.tool(change.key),
                before=None if change.before is None else self.tool(change.before),
                after=None if change.after is None else self.tool(change.after),
            )
        return attrs.evolve(change, key=self.tool(change.key))


def _rekeyed(record: ItemRecord, key: str) -> ItemRecord:
    if record.key == key:
        return record
    return attrs.evolve(record, history=attrs.evolve(record.history, key=key))


def new_pairs(results: Iterable[ChangeResult]) -> dict[str, str]:
    """The (sync key -> tool key) pairs that ``results`` of creates report, where the tool gave
    the item a key of its own.

    >>> from agilemarketing.adapter import ChangeStatus
    >>> done = ChangeResult(CreateItem("MKT-1", "Launch"), ChangeStatus.APPLIED, key="T-1")
    >>> new_pairs([done])
    {'MKT-1': 'T-1'}
    """
    return {
        result.change.key: result.key
        for result in results
        if result.ok and isinstance(result.change, CreateItem) and result.key != result.change.key
    }
