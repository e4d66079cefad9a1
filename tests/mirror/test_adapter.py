"""The mirror as an adapter: the adapter contract, URLs, one transaction per write, ranks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.adapter import Adapter, ChangeStatus, CreateItem, Rerank
from agilemarketing.errors import MirrorError
from agilemarketing.history import ItemHistory
from agilemarketing.mirror import OWN_BOARD, Mirror, MirrorAdapter
from agilemarketing.testing import AdapterContract, AdapterFactory


class TestMirrorAdapterContract(AdapterContract):
    @pytest.fixture
    def make_adapter(self) -> AdapterFactory:
        def make(histories: Sequence[ItemHistory]) -> Adapter:
            adapter = MirrorAdapter(":memory:")
            with adapter.mirror.transaction():
                adapter.mirror.save_board(OWN_BOARD, histories)
            return adapter

        return make


def test_the_mirror_adapter_is_built_from_a_mirror_url(tmp_path: Path) -> None:
    path = tmp_path / "state" / "team.db"
    with MirrorAdapter.from_url(f"mirror:{path}") as adapter:
        assert adapter.name == "mirror"
        adapter.write([CreateItem("MKT-1", "Webinar", status="To Do")])
    with Mirror(path) as reopened:
        assert [h.key for h in reopened.histories()] == ["MKT-1"]


def test_a_mirror_url_without_a_file_is_refused() -> None:
    with pytest.raises(MirrorError, match=r"mirror:team\.db"):
        MirrorAdapter("")


def test_an_adapter_over_an_open_mirror_leaves_it_open(mirror: Mirror) -> None:
    with MirrorAdapter.of(mirror) as adapter:
        adapter.apply(CreateItem("MKT-1", "Webinar", status="To Do"))
    assert mirror.count() == 1


def test_reranking_next_to_items_with_foreign_ranks_renumbers_the_board(
    mirror: Mirror, history: Callable[..., ItemHistory]
) -> None:
    with mirror.transaction():
        mirror.save_board(
            OWN_BOARD,
            [
                history("A", rank="0|hzzzzz:"),
                history("B", rank="0|i00007:"),
                history("C", rank="0|i0000f:"),
            ],
        )
    adapter = MirrorAdapter.of(mirror)
    result = adapter.apply(Rerank("C", before="A"))
    assert result.status is ChangeStatus.APPLIED, result.error
    assert [r.key for r in adapter.read()] == ["C", "A", "B"]


def test_a_write_batch_is_one_transaction(mirror: Mirror) -> None:
    adapter = MirrorAdapter.of(mirror)
    before = mirror.revision()
    adapter.write([CreateItem(f"MKT-{i}", f"item {i}", status="To Do") for i in range(5)])
    assert mirror.count() == 5
    assert mirror.revision() == before + 1  # one bulk write, one commit, one new revision


def test_items_created_one_after_another_keep_short_ranks_in_creation_order(
    mirror: Mirror,
) -> None:
    adapter = MirrorAdapter.of(mirror)
    keys = [f"MKT-{i:04d}" for i in range(1500)]
    adapter.write([CreateItem(key, key, status="To Do") for key in reversed(keys)])
    records = list(adapter.read())
    assert [r.key for r in records] == list(reversed(keys))
    assert max(len(r.history.rank or "") for r in records) <= 6


@given(st.text(alphabet="0123456789abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9))
def test_a_rank_appended_after_any_rank_sorts_after_it_and_is_valid(last: str) -> None:
    from agilemarketing.adapter import is_rank
    from agilemarketing.mirror.adapter import rank_after

    last = last.rstrip("0") or "1"
    after = rank_after(last)
    assert after > last
    assert is_rank(after)
