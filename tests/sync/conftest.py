"""Builders the sync tests share: in-memory boards, snapshots, a file mirror, one sync run."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import ClassVar

import pytest

from agilemarketing.adapter import (
    Adapter,
    Capabilities,
    Cursor,
    HistoryFidelity,
    ItemRecord,
    ReadResult,
    UpdateFields,
)
from agilemarketing.history import ItemHistory
from agilemarketing.mirror import Mirror
from agilemarketing.sync import ConflictPolicy, SyncConfig, SyncReport, apply, plan
from agilemarketing.testing import InMemoryAdapter, read_state, sample_histories

SYNCED = ("summary", "type", "status", "points", "labels")


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    """A mirror file, ``state.db`` in the test's folder."""
    with Mirror(tmp_path / "state.db") as m:
        yield m


@pytest.fixture(scope="session")
def memory() -> Callable[..., InMemoryAdapter]:
    """Builds the in-memory board ``memory:<label>`` holding the given histories."""

    def build(label: str, histories: Sequence[ItemHistory] = ()) -> InMemoryAdapter:
        adapter = InMemoryAdapter(label)
        adapter.seed(histories)
        return adapter

    return build


@pytest.fixture(scope="session")
def sync() -> Callable[..., SyncReport]:
    """Runs one sync: plan, then apply."""

    def run(
        source: Adapter,
        target: Adapter,
        mirror: Mirror,
        policy: ConflictPolicy | str | None = None,
        config: SyncConfig | None = None,
    ) -> SyncReport:
        return apply(plan(source, target, mirror, policy, config=config))

    return run


@pytest.fixture(scope="session")
def synced() -> Callable[[Adapter], dict[str, tuple[object, ...]]]:
    """What a sync keeps equal: the compared fields of every item of a board, by key."""

    def compared(adapter: Adapter) -> dict[str, tuple[object, ...]]:
        return {
            key: tuple(
                sorted(r.get(f)) if f == "labels" else r.get(f)  # type: ignore[arg-type]
                for f in SYNCED
            )
            for key, r in read_state(adapter).items()
        }

    return compared


@pytest.fixture(scope="session")
def order() -> Callable[[Adapter], list[str]]:
    """The keys of a board in its order."""

    def keys(adapter: Adapter) -> list[str]:
        return [record.key for record in adapter.read()]

    return keys


@pytest.fixture
def data_version(mirror: Mirror) -> Iterator[Callable[[], int]]:
    """``PRAGMA data_version`` of the mirror file seen from a second connection: it moves
    when anyone else commits."""
    watchers: list[sqlite3.Connection] = []

    def version() -> int:
        if not watchers:
            watchers.append(sqlite3.connect(mirror.path))
        return int(watchers[0].execute("PRAGMA data_version").fetchone()[0])

    yield version
    for watcher in watchers:
        watcher.close()


class Snapshot(Adapter):
    """A read-only export with no history, like a plain CSV file: each read is a full one."""

    name: ClassVar[str] = "snapshot"
    capabilities: ClassVar[Capabilities] = Capabilities(history=HistoryFidelity.NONE)

    def __init__(self, location: str, items: Sequence[ItemHistory]) -> None:
        super().__init__(location)
        self.items = list(items)

    def read(self, since: Cursor | None = None) -> ReadResult:
        return ReadResult(iter([ItemRecord(h) for h in self.items]), Cursor("all"), True)


@pytest.fixture(scope="session")
def snapshot() -> Callable[[Mapping[str, str]], Snapshot]:
    """Builds the snapshot ``snapshot:export.csv`` of items in the given statuses, by key."""

    def build(statuses: Mapping[str, str]) -> Snapshot:
        return Snapshot(
            "export.csv",
            [ItemHistory(key, summary=f"item {key}", status=s) for key, s in statuses.items()],
        )

    return build


@pytest.fixture
def diverged(
    mirror: Mirror,
    memory: Callable[..., InMemoryAdapter],
    sync: Callable[..., SyncReport],
) -> tuple[InMemoryAdapter, InMemoryAdapter, Mirror]:
    """MKT-2's summary edited on both sides since the last sync; MKT-3 on the source only."""
    source, target = memory("board", sample_histories(4)), memory("copy")
    sync(source, target, mirror)
    source.apply(UpdateFields("MKT-2", {"summary": "Source title"}))
    target.apply(UpdateFields("MKT-2", {"summary": "Target title"}))
    source.apply(UpdateFields("MKT-3", {"summary": "Only the source changed this"}))
    return source, target, mirror
