"""Records, read results, change results and capabilities: the contract's values."""

from __future__ import annotations

import attrs
import pytest

from agilemarketing.adapter import (
    Capabilities,
    ChangeResult,
    ChangeStatus,
    CreateItem,
    Cursor,
    HistoryFidelity,
    ItemRecord,
    MoveStatus,
    ReadResult,
    Rerank,
)
from agilemarketing.errors import InvalidValue, NotFound
from agilemarketing.history import ItemHistory


def test_a_record_is_a_hashable_frozen_value() -> None:
    record = ItemRecord(ItemHistory("MKT-1", status="Done"), fields={"b": 1, "a": ["x"]})
    assert list(record.fields) == ["a", "b"]
    assert record.fields["a"] == ("x",)
    with pytest.raises(TypeError):
        record.fields["c"] = 3  # type: ignore[index]
    assert hash(record) == hash(ItemRecord(ItemHistory("MKT-1", status="Done"), fields={}))
    assert record.get("status") == "Done"
    assert record.key == "MKT-1"


def test_a_record_refuses_a_naive_update_time() -> None:
    from datetime import datetime

    with pytest.raises(InvalidValue, match="timezone"):
        ItemRecord(ItemHistory("MKT-1"), updated=datetime(2026, 1, 1))


def test_a_failed_result_carries_its_error_and_only_then() -> None:
    change = MoveStatus("MKT-1", "Done")
    error = NotFound("item", "MKT-1")
    failed = ChangeResult(change, ChangeStatus.FAILED, error=error)
    assert not failed.ok
    assert failed.key == "MKT-1"
    with pytest.raises(InvalidValue):
        ChangeResult(change, ChangeStatus.FAILED)
    with pytest.raises(InvalidValue):
        ChangeResult(change, ChangeStatus.APPLIED, error=error)
    created = ChangeResult(CreateItem("tmp-1", "X"), ChangeStatus.APPLIED, key="JIRA-77")
    assert created.key == "JIRA-77"


def test_a_read_result_is_iterated_once() -> None:
    result = ReadResult([ItemRecord(ItemHistory("MKT-1"))], Cursor(7), complete=False)
    assert result.cursor == Cursor("7")
    assert [r.key for r in result] == ["MKT-1"]
    assert list(result) == []


def test_capabilities_decide_which_changes_are_supported() -> None:
    read_only = Capabilities()
    ranked = Capabilities(write=True, rank=True, history="observed")
    move, rerank = MoveStatus("A-1", "Done"), Rerank("A-1", before="A-2")
    assert not read_only.supports(move)
    assert not read_only.supports(rerank)
    assert ranked.supports(move)
    assert ranked.supports(rerank)
    assert ranked.history is HistoryFidelity.OBSERVED
    assert not Capabilities(rank=True).supports(rerank)


def test_records_are_comparable_after_evolve() -> None:
    record = ItemRecord(ItemHistory("MKT-1", status="To Do"))
    moved = attrs.evolve(record, history=attrs.evolve(record.history, status="Done"))
    assert moved != record
    assert moved.get("status") == "Done"
