"""The backlog's blocked order under every sequence of edits: after each insert, move, removal
and prune, the order, every position and every rank change's neighbours match a plain list.

The backlog keeps its order in blocks that split when they grow and merge when removals empty
them. With the real block size (hundreds of keys) a property test of a few dozen items never
reaches a split or a merge, so these machines run with blocks of 8 keys, where nearly every
step splits, merges or both.
"""

from __future__ import annotations

import pytest
from builders import work_item
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from agilemarketing import backlog as backlog_module
from agilemarketing.backlog import Backlog
from agilemarketing.ranks import RankChange

SMALL_BLOCKS = 8  # blocks split above 16 keys and merge below 2 (a merge can re-split)


class BacklogAgainstAList(RuleBasedStateMachine):
    """Every edit is applied to a backlog and to a list; they must never disagree."""

    def __init__(self) -> None:
        super().__init__()
        self.backlog = Backlog()
        self.model: list[str] = []
        self.made = 0

    def _new_key(self) -> str:
        self.made += 1
        return f"MKT-{self.made}"

    def _neighbours_agree(self, change: RankChange) -> None:
        at = self.model.index(change.key)
        assert change.new_position == at
        assert change.after == (self.model[at - 1] if at > 0 else None)
        assert change.before == (self.model[at + 1] if at + 1 < len(self.model) else None)

    @initialize(n=st.integers(0, 60))
    def fill(self, n: int) -> None:
        keys = [self._new_key() for _ in range(n)]
        self.backlog.extend(work_item(k) for k in keys)
        self.model.extend(keys)

    @rule(data=st.data())
    def insert(self, data: st.DataObject) -> None:
        key = self._new_key()
        at = data.draw(st.integers(0, len(self.model)))
        change = self.backlog.insert(work_item(key), at=at)
        self.model.insert(at, key)
        self._neighbours_agree(change)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(self.model))
        assert self.backlog.remove(key).key == key
        self.model.remove(key)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def remove_a_run(self, data: st.DataObject) -> None:
        """Removing neighbours one by one empties whole blocks: the merge path."""
        start = data.draw(st.integers(0, len(self.model) - 1))
        for key in self.model[start : start + data.draw(st.integers(1, 12))]:
            self.backlog.remove(key)
            self.model.remove(key)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def move_to(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(self.model))
        position = data.draw(st.integers(0, len(self.model) - 1))
        change = self.backlog.move_to(key, position)
        self.model.remove(key)
        self.model.insert(position, key)
        self._neighbours_agree(change)

    @precondition(lambda self: len(self.model) >= 2)
    @rule(data=st.data())
    def move_before(self, data: st.DataObject) -> None:
        key, other = data.draw(st.permutations(self.model).map(lambda keys: keys[:2]))
        change = self.backlog.move_before(key, other)
        self.model.remove(key)
        self.model.insert(self.model.index(other), key)
        self._neighbours_agree(change)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def prune(self, data: st.DataObject) -> None:
        """A prune drops many keys at once (the rebuild path)."""
        gone = set(data.draw(st.lists(st.sampled_from(self.model), max_size=10)))
        plan = self.backlog.plan_prune(lambda item: "picked" if item.key in gone else None)
        self.backlog.apply_prune(plan)
        self.model = [k for k in self.model if k not in gone]

    @invariant()
    def the_order_is_the_list(self) -> None:
        assert self.backlog.keys() == self.model

    @invariant()
    def blocks_stay_within_their_bounds(self) -> None:
        """The cost guarantee (positions in O(B + n/B)): no block above twice the block size,
        and at most one block (the tail a bulk extend leaves) below a quarter of it."""
        blocks = self.backlog._order._blocks  # the structure under test
        sizes = [len(block.keys) for block in blocks]
        assert max(sizes) <= 2 * SMALL_BLOCKS, sizes
        if len(blocks) > 1:
            assert sum(size < SMALL_BLOCKS // 4 for size in sizes) <= 1, sizes

    @invariant()
    def every_position_is_the_lists_index(self) -> None:
        assert [self.backlog.position(k) for k in self.model] == list(range(len(self.model)))


def test_the_blocked_order_agrees_with_a_list_through_splits_and_merges(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(backlog_module, "_LOAD", SMALL_BLOCKS)
    run_state_machine_as_test(
        BacklogAgainstAList,
        settings=settings(
            max_examples=150,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
