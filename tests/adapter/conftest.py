"""Builders the adapter contract's tests share."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agilemarketing.adapter import ItemRecord
from agilemarketing.history import ItemHistory


@pytest.fixture(scope="session")
def make_board() -> Callable[..., dict[str, ItemRecord]]:
    """Builds a board of records (a ``dict`` by key, what ``apply_change`` reads)."""

    def build(*histories: ItemHistory) -> dict[str, ItemRecord]:
        return {h.key: ItemRecord(h) for h in histories}

    return build
