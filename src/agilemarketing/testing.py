"""The public test kit for adapters: one contract every adapter proves, and an in-memory adapter.

Every adapter's test suite subclasses :class:`AdapterContract` and defines one fixture,
``make_adapter``, which returns a function building a fresh adapter that holds exactly the
histories it is given. The contract then checks round trips, paging, history, incremental reads,
idempotent writes, error behaviour and that the declared :class:`~agilemarketing.adapter.
Capabilities` are honoured (read-only adapters refuse writes clearly)::

    import pytest
    from agilemarketing.testing import AdapterContract, InMemoryAdapter

    class TestInMemoryAdapter(AdapterContract):
        @pytest.fixture
        def make_adapter(self):
            def make(histories):
                adapter = InMemoryAdapter("contract")
                adapter.seed(histories)
                return adapter
            return make

:class:`InMemoryAdapter` (adapter name ``memory``) is a complete, writable, ranked, incremental
adapter kept in a Python dict: the reference implementation of the contract and a handy source
and target for tests of sync and reports.

>>> adapter = InMemoryAdapter("demo")
>>> adapter.seed(sample_histories(3))
>>> ", ".join(record.key for record in adapter.read())
'MKT-1, MKT-2, MKT-3'
>>> adapter.apply(MoveStatus("MKT-1", "Done")).status
<ChangeStatus.APPLIED: 'applied'>
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypeAlias

import attrs

from agilemarketing.adapter import (
    Adapter,
    AnyChange,
    CarriedHistory,
    ChangeStatus,
    CreateItem,
    Cursor,
    HistoryFidelity,
    ItemRecord,
    MoveStatus,
    RankScope,
    Rerank,
    UpdateFields,
)
from agilemarketing.errors import (
    ChangeConflict,
    InvalidCursor,
    NotFound,
    UnsupportedChange,
)
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.liveboards import ListRankedAdapter, LiveBoardContract, per_status
from agilemarketing.testing_keys import (
    CountingAdapter,
    KeyAssigningAdapter,
    KeysAndDeletionsContract,
)

__all__ = [
    "AdapterContract",
    "AdapterFactory",
    "CountingAdapter",
    "InMemoryAdapter",
    "KeyAssigningAdapter",
    "KeysAndDeletionsContract",
    "ListRankedAdapter",
    "LiveBoardContract",
    "per_status",
    "random_plan",
    "read_state",
    "sample_histories",
]

AdapterFactory: TypeAlias = Callable[[Sequence[ItemHistory]], Adapter]
"""Builds a fresh adapter holding exactly the given histories (what ``make_adapter`` returns)."""

_STATUSES = ("To Do", "In Progress", "Review", "Done")
_TYPES = ("Email", "Campaign", "Content", "Event")
_POINTS = (1.0, 2.0, 3.0, 5.0, 8.0, None)
_START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _spread_ranks(count: int) -> list[str]:
    """``count`` fixed-width base-36 ranks, evenly spread and increasing."""
    width = 1
    while 36**width < 4 * (count + 1):
        width += 1
    step = 36**width // (count + 1)
    ranks = []
    for i in range(1, count + 1):
        value = i * step
        if value % 36 == 0:  # a rank never ends in 0
            value += 1
        digits = []
        for _ in range(width):
            value, digit = divmod(value, 36)
            digits.append("0123456789abcdefghijklmnopqrstuvwxyz"[digit])
        ranks.append("".join(reversed(digits)))
    return ranks


def sample_histories(count: int, *, prefix: str = "MKT") -> list[ItemHistory]:
    """``count`` varied, deterministic item histories for tests: keys ``MKT-1`` ... in rank
    order, each with transitions through part of To Do / In Progress / Review / Done, points,
    labels, cycles, and some blocked periods.

    >>> h = sample_histories(4)[3]
    >>> h.key, h.status, [t.to_status for t in h.transitions]
    ('MKT-4', 'Done', ['To Do', 'In Progress', 'Review', 'Done'])
    """
    ranks = _spread_ranks(count)
    histories = []
    for i in range(count):
        created = _START + timedelta(hours=7 * i)
        steps = i % len(_STATUSES)
        transitions = [Transition(created, None, _STATUSES[0])]
        at = created
        for step in range(1, steps + 1):
            at = at + timedelta(hours=5 + (i * 13 + step * 7) % 40)
            transitions.append(Transition(at, _STATUSES[step - 1], _STATUSES[step]))
        status = _STATUSES[steps]
        blocked = (
            (BlockedPeriod(created + timedelta(hours=1), created + timedelta(hours=3)),)
            if i % 5 == 2
            else ()
        )
        histories.append(
            ItemHistory(
                key=f"{prefix}-{i + 1}",
                summary=f"Marketing work item {i + 1}",
                type=_TYPES[i % len(_TYPES)],
                status=status,
                created=created,
                resolved=at if status == "Done" else None,
                points=_POINTS[i % len(_POINTS)],
                labels=("q1", "webinar") if i % 3 == 0 else ("q1",),
                sprints=(f"Cycle {1 + i // 10}",) if steps else (),
                transitions=transitions,
                blocked=blocked,
                rank=ranks[i],
            )
        )
    return histories


def read_state(adapter: Adapter) -> dict[str, ItemRecord]:
    """A full read of ``adapter`` as ``{key: record}`` (for comparing states in tests).

    >>> adapter = InMemoryAdapter()
    >>> adapter.seed(sample_histories(2))
    >>> " ".join(sorted(read_state(adapter)))
    'MKT-1 MKT-2'
    """
    return {record.key: record for record in adapter.read(None)}


from agilemarketing.adapter.memory import InMemoryAdapter  # noqa: E402 - re-exported

# --- the contract ---------------------------------------------------------------------------------

_ALL_FIELDS = frozenset(
    {
        "summary",
        "type",
        "status",
        "created",
        "resolved",
        "points",
        "labels",
        "sprints",
        "transitions",
        "blocked",
        "rank",
    }
)


def random_plan(
    histories: Sequence[ItemHistory], *, seed: int, steps: int, rank: bool = True
) -> list[AnyChange]:
    """A reproducible plan of ``steps`` changes over ``histories``: creates, field updates,
    moves (some stale), re-ranks (when ``rank``), and a few changes to unknown items. Each
    change has its own ``origin``, so none is a replay of another.

    >>> [c.kind for c in random_plan(sample_histories(3), seed=1, steps=4)]
    ['update', 'move', 'create', 'move']
    """
    chooser = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    keys = [h.key for h in histories]
    plan: list[AnyChange] = []
    kinds = ["create", "update", "move", "move", "unknown"] + (["rerank"] * 2 if rank else [])
    for step in range(steps):
        origin = f"plan {seed} step {step}"
        kind = chooser.choice(kinds)
        if kind == "create" or not keys:
            key = f"NEW-{seed}-{step}"
            plan.append(
                CreateItem(
                    key,
                    f"New work {step}",
                    type=chooser.choice(_TYPES),
                    status=_STATUSES[0],
                    points=chooser.choice(_POINTS),
                    labels=chooser.sample(["q1", "q2", "webinar"], 2),
                    origin=origin,
                )
            )
            keys.append(key)
        elif kind == "update":
            values: dict[str, Any] = chooser.choice(
                [
                    {"summary": f"Retitled at step {step}"},
                    {"points": chooser.choice([1, 2, 3, 5, 8])},
                    {"labels": chooser.sample(["q1", "q2", "webinar", "event"], 2)},
                    {"type": chooser.choice(_TYPES), "summary": f"Retyped at step {step}"},
                ]
            )
            plan.append(UpdateFields(chooser.choice(keys), values, origin=origin))
        elif kind == "move":
            from_status = chooser.choice([None, None, *_STATUSES])
            plan.append(
                MoveStatus(
                    chooser.choice(keys),
                    chooser.choice(_STATUSES),
                    from_status=from_status,
                    origin=origin,
                )
            )
        elif kind == "rerank" and len(keys) > 1:
            key, neighbour = chooser.sample(keys, 2)
            if chooser.random() < 0.5:
                plan.append(Rerank(key, before=neighbour, origin=origin))
            else:
                plan.append(Rerank(key, after=neighbour, origin=origin))
        else:
            plan.append(MoveStatus(f"GONE-{step}", _STATUSES[-1], origin=origin))
    return plan


def _pytest() -> Any:
    # The contract runs under pytest, but importing this module (for InMemoryAdapter, or the
    # built-in "memory" adapter) must not need pytest installed.
    import pytest

    return pytest


class AdapterContract(LiveBoardContract, KeysAndDeletionsContract):
    """The tests every adapter passes. Subclass it as ``Test<YourAdapter>`` and define a
    ``make_adapter`` fixture returning an :data:`AdapterFactory` (pytest reports a missing one
    as "fixture 'make_adapter' not found").

    Class attributes a subclass may narrow:

    * ``preserved_fields``: the :class:`~agilemarketing.history.ItemHistory` fields the adapter
      keeps on a round trip (all of them by default; a CSV without blocked periods drops
      ``"blocked"``). ``key`` is always compared; ``transitions`` follow
      :attr:`Capabilities.history <agilemarketing.adapter.Capabilities.history>`.
    * ``large_count``: how many items the paging test seeds (default 250).

    Tests that need a capability the adapter does not declare are skipped with the reason; a
    read-only adapter instead proves that it refuses writes.
    """

    preserved_fields: ClassVar[frozenset[str]] = _ALL_FIELDS
    large_count: ClassVar[int] = 250

    # --- helpers ----------------------------------------------------------------------------------

    def _adapter(self, make_adapter: AdapterFactory, count: int = 6) -> Adapter:
        return make_adapter(sample_histories(count))

    def _histories(self, count: int) -> list[ItemHistory]:
        return sample_histories(count)

    def _needs(
        self,
        adapter: Adapter,
        *,
        write: bool = False,
        rank: bool = False,
        carries: bool = False,
        keeps_keys: bool = False,
    ) -> None:
        caps = adapter.capabilities
        if keeps_keys and caps.assigns_keys:
            _pytest().skip(f"{adapter.name} assigns its own keys (KeysAndDeletionsContract)")
        if write and not caps.write:
            _pytest().skip(f"{adapter.name} is read-only")
        if carries and not caps.carries_history:
            _pytest().skip(f"{adapter.name} stamps its own history on writes")
        if rank and not caps.rank:
            _pytest().skip(f"{adapter.name} keeps no rank")

    def _same_history(self, adapter: Adapter, got: ItemHistory, want: ItemHistory) -> None:
        fields = self.preserved_fields - {"transitions"}
        if not adapter.capabilities.rank:
            fields -= {"rank"}
        for name in sorted(fields):
            assert getattr(got, name) == getattr(want, name), (
                f"{want.key}: {name} read back as {getattr(got, name)!r}, "
                f"seeded as {getattr(want, name)!r}"
            )
        fidelity = adapter.capabilities.history
        if "transitions" not in self.preserved_fields or fidelity is HistoryFidelity.NONE:
            return
        if fidelity is HistoryFidelity.EXACT:
            assert got.transitions == want.transitions, f"{want.key}: transitions differ"
        else:
            moves = [(t.from_status, t.to_status) for t in got.transitions]
            assert moves == [(t.from_status, t.to_status) for t in want.transitions]

    # --- reading ----------------------------------------------------------------------------------

    def test_reads_back_every_seeded_item_unchanged(self, make_adapter: AdapterFactory) -> None:
        seeded = sample_histories(12)
        adapter = make_adapter(seeded)
        state = read_state(adapter)
        assert sorted(state) == sorted(h.key for h in seeded)
        for history in seeded:
            self._same_history(adapter, state[history.key].history, history)

    def test_a_full_read_is_complete(self, make_adapter: AdapterFactory) -> None:
        result = self._adapter(make_adapter).read(None)
        assert result.complete
        assert isinstance(result.cursor, Cursor)

    def test_large_reads_return_every_item_exactly_once(self, make_adapter: AdapterFactory) -> None:
        seeded = sample_histories(self.large_count)
        adapter = make_adapter(seeded)
        keys = [record.key for record in adapter.read(None)]
        assert len(keys) == len(set(keys)) == self.large_count
        assert set(keys) == {h.key for h in seeded}

    def test_history_keeps_transitions_in_order(self, make_adapter: AdapterFactory) -> None:
        seeded = sample_histories(8)
        adapter = make_adapter(seeded)
        if adapter.capabilities.history is HistoryFidelity.NONE:
            _pytest().skip(f"{adapter.name} reads no history")
        state = read_state(adapter)
        for history in seeded:
            got = state[history.key].history.transitions
            assert [t.to_status for t in got] == [t.to_status for t in history.transitions]
            assert [t.at for t in got] == sorted(t.at for t in got)

    def test_a_reader_without_incremental_reads_returns_everything_for_a_cursor(
        self, make_adapter: AdapterFactory
    ) -> None:
        adapter = self._adapter(make_adapter)
        if adapter.capabilities.incremental_read:
            _pytest().skip(f"{adapter.name} reads incrementally")
        first = adapter.read(None)
        keys = [r.key for r in first]
        again = adapter.read(first.cursor)
        assert again.complete
        assert [r.key for r in again] == keys

    def test_incremental_read_returns_only_what_changed(self, make_adapter: AdapterFactory) -> None:
        adapter = self._adapter(make_adapter)
        if not adapter.capabilities.incremental_read:
            _pytest().skip(f"{adapter.name} has no incremental reads")
        self._needs(adapter, write=True)
        first = adapter.read(None)
        list(first)
        assert list(adapter.read(first.cursor)) == []
        result = adapter.apply(UpdateFields("MKT-3", {"summary": "Changed since the cursor"}))
        assert result.status is ChangeStatus.APPLIED
        second = adapter.read(first.cursor)
        assert not second.complete
        changed = list(second)
        assert [r.key for r in changed] == ["MKT-3"]
        assert changed[0].history.summary == "Changed since the cursor"
        assert list(adapter.read(second.cursor)) == []

    def test_a_cursor_it_never_made_is_refused(self, make_adapter: AdapterFactory) -> None:
        adapter = self._adapter(make_adapter)
        if not adapter.capabilities.incremental_read:
            _pytest().skip(f"{adapter.name} has no incremental reads")
        with _pytest().raises(InvalidCursor) as caught:
            adapter.read(Cursor("not-a-cursor-of-this-adapter"))
        assert "not-a-cursor-of-this-adapter" in str(caught.value)

    # --- writing ----------------------------------------------------------------------------------

    def test_a_created_item_reads_back_equal(self, make_adapter: AdapterFactory) -> None:
        adapter = self._adapter(make_adapter)
        self._needs(adapter, write=True)
        change = CreateItem(
            "MKT-900",
            "Partner webinar invitation",
            type="Email",
            status="To Do",
            points=3,
            labels=("webinar", "q2"),
        )
        result = adapter.apply(change)
        assert result.status is ChangeStatus.APPLIED, result.error
        state = read_state(adapter)
        assert result.key in state
        record = state[result.key]
        assert change.satisfied_by(record)
        assert record.history.status == "To Do"
        if adapter.capabilities.history is not HistoryFidelity.NONE:
            assert [t.to_status for t in record.history.transitions][-1:] == ["To Do"]

    def test_a_create_carrying_history_reads_back_with_it(
        self, make_adapter: AdapterFactory
    ) -> None:
        """A create copied from another board (``history=``) keeps that board's history: its
        created and resolved times, sprints, transitions with their ``observed`` flags and
        blocked periods, as far as the adapter keeps them; nothing stamped with the write."""
        adapter = self._adapter(make_adapter)
        self._needs(adapter, write=True, carries=True)
        source = sample_histories(8, prefix="SRC")[7]  # Done, with every kind of history
        source = attrs.evolve(
            source,
            transitions=(
                *source.transitions[:-1],
                attrs.evolve(source.transitions[-1], observed=True),
            ),
        )
        change = CreateItem(
            "MKT-901",
            source.summary,
            type=source.type,
            status=source.status,
            history=CarriedHistory.of(source),
        )
        result = adapter.apply(change)
        assert result.status is ChangeStatus.APPLIED
        got = read_state(adapter)[result.key].history  # the key the tool gave, if it assigns
        for name in sorted(self.preserved_fields & {"created", "resolved", "sprints", "blocked"}):
            assert getattr(got, name) == getattr(source, name), f"{name} read back differently"
        if adapter.capabilities.history is HistoryFidelity.EXACT:
            assert got.transitions == source.transitions

    def test_a_move_carrying_history_keeps_the_sources_time(
        self, make_adapter: AdapterFactory
    ) -> None:
        adapter = self._adapter(make_adapter)
        self._needs(adapter, write=True, carries=True)
        before = read_state(adapter)["MKT-1"].history
        at = max([t.at for t in before.transitions], default=_START) + timedelta(days=1)
        moved = Transition(at, before.status, "In Progress", observed=True)
        source = attrs.evolve(before, transitions=(*before.transitions, moved))
        change = MoveStatus(
            "MKT-1", "In Progress", from_status=before.status, history=CarriedHistory.of(source)
        )
        assert adapter.apply(change).status is ChangeStatus.APPLIED
        after = read_state(adapter)["MKT-1"].history
        if adapter.capabilities.history is HistoryFidelity.EXACT:
            assert after.transitions == (*before.transitions, moved)

    def test_updated_fields_read_back(self, make_adapter: AdapterFactory) -> None:
        adapter = self._adapter(make_adapter)
        self._needs(adapter, write=True)
        change = UpdateFields("MKT-2", {"summary": "New title", "points": 8, "labels": ["q3"]})
        assert adapter.apply(change).status is ChangeStatus.APPLIED
        record = read_state(adapter)["MKT-2"]
        assert change.satisfied_by(record)

    def test_a_move_appends_a_transition(self, make_adapter: AdapterFactory) -> None:
        adapter = self._adapter(make_adapter)
        self._needs(adapter, write=True)
        before = read_state(adapter)["MKT-1"].history
        change = MoveStatus("MKT-1", "In Progress", from_status=before.status)
        assert adapter.apply(change).status is ChangeStatus.APPLIED
        after = read_state(adapter)["MKT-1"].history
        assert after.status == "In Progress"
        if adapter.capabilities.history is not HistoryFidelity.NONE:
            assert after.transitions[: len(before.transitions)] == before.transitions
            assert after.transitions[-1].to_status == "In Progress"

    def test_rerank_puts_the_item_next_to_its_neighbour(self, make_adapter: AdapterFactory) -> None:
        adapter = self._adapter(make_adapter)
        self._needs(adapter, write=True, rank=True)
        if adapter.capabilities.rank_scope is not RankScope.BOARD:
            _pytest().skip(f"{adapter.name} ranks within each status")
        for change in (Rerank("MKT-5", before="MKT-2"), Rerank("MKT-1", after="MKT-6")):
            assert adapter.apply(change).status is ChangeStatus.APPLIED
        state = read_state(adapter)
        order = [k for k, _ in sorted(state.items(), key=lambda kv: kv[1].history.rank or "")]
        assert order == ["MKT-5", "MKT-2", "MKT-3", "MKT-4", "MKT-6", "MKT-1"]

    def test_the_same_change_twice_is_already_applied_and_changes_nothing(
        self, make_adapter: AdapterFactory
    ) -> None:
        adapter = self._adapter(make_adapter)
        self._needs(adapter, write=True)
        changes: list[AnyChange] = [
            CreateItem("MKT-901", "Trade show booth", type="Event", status="To Do"),
            UpdateFields("MKT-2", {"summary": "Retitled once"}),
            MoveStatus("MKT-3", "Done"),
        ]
        if adapter.capabilities.rank:
            changes.append(Rerank("MKT-5", before="MKT-1"))  # one status: any rank scope
        for change in changes:
            first = adapter.apply(change)
            assert first.status is ChangeStatus.APPLIED, (change, first.error)
            state = read_state(adapter)
            second = adapter.apply(change)
            assert second.status is ChangeStatus.ALREADY_APPLIED, change
            assert second.change_id == first.change_id
            assert second.key == first.key
            assert read_state(adapter) == state, f"{change.describe()} changed state twice"

    def test_write_reports_one_result_per_change_in_order(
        self, make_adapter: AdapterFactory
    ) -> None:
        adapter = self._adapter(make_adapter)
        self._needs(adapter, write=True)
        changes: list[AnyChange] = [
            MoveStatus("MKT-1", "Review"),
            UpdateFields("NOPE-404", {"summary": "x"}),
            MoveStatus("MKT-1", "Review"),
        ]
        results = adapter.write(changes)
        assert [r.change for r in results] == changes
        assert [r.status for r in results] == [
            ChangeStatus.APPLIED,
            ChangeStatus.FAILED,
            ChangeStatus.ALREADY_APPLIED,
        ]

    def test_random_plans_end_where_the_reference_adapter_ends(
        self, make_adapter: AdapterFactory
    ) -> None:
        """Model-based: the same random plans applied here and to :class:`InMemoryAdapter`
        give the same results and the same items (core fields, status, order)."""
        self._needs(self._adapter(make_adapter), write=True, keeps_keys=True)
        for seed in (1, 2, 3):
            self._check_plan_against_reference(make_adapter, seed)

    def _check_plan_against_reference(self, make_adapter: AdapterFactory, seed: int) -> None:
        seeded = sample_histories(6)
        adapter = make_adapter(seeded)
        by_status = adapter.capabilities.rank_scope is RankScope.STATUS
        reference: InMemoryAdapter | ListRankedAdapter = (
            ListRankedAdapter("reference") if by_status else InMemoryAdapter("reference")
        )
        reference.seed(seeded)
        rank = adapter.capabilities.rank
        for step, change in enumerate(random_plan(seeded, seed=seed, steps=30, rank=rank)):
            got, want = adapter.apply(change), reference.apply(change)
            assert got.status is want.status, (
                f"plan {seed}, step {step}, {change.describe()}: {got.status.value} here, "
                f"{want.status.value} in the reference ({got.error or want.error})"
            )
        state, expected = read_state(adapter), read_state(reference)
        assert sorted(state) == sorted(expected)
        for key, record in expected.items():
            got_history, want_history = state[key].history, record.history
            for name in ("summary", "type", "status", "points", "labels"):
                assert getattr(got_history, name) == getattr(want_history, name), (key, name)
            if adapter.capabilities.history is not HistoryFidelity.NONE:
                assert [t.to_status for t in got_history.transitions] == [
                    t.to_status for t in want_history.transitions
                ], key
        if rank and by_status:
            assert per_status(adapter) == per_status(reference)
        elif rank:
            order = sorted(state, key=lambda k: (state[k].history.rank or "", k))
            assert order == [r.key for r in reference.read()]

    # --- errors -----------------------------------------------------------------------------------

    def test_a_change_to_an_unknown_item_fails_naming_it_and_changes_nothing(
        self, make_adapter: AdapterFactory
    ) -> None:
        adapter = self._adapter(make_adapter)
        self._needs(adapter, write=True)
        state = read_state(adapter)
        changes: list[AnyChange] = [
            UpdateFields("NOPE-404", {"summary": "Nobody"}),
            MoveStatus("NOPE-404", "Done"),
        ]
        if adapter.capabilities.rank:
            changes += [Rerank("NOPE-404", before="MKT-1"), Rerank("MKT-1", after="NOPE-404")]
        for change in changes:
            result = adapter.apply(change)
            assert result.status is ChangeStatus.FAILED
            assert isinstance(result.error, NotFound)
            assert "NOPE-404" in str(result.error)
        assert read_state(adapter) == state

    def test_a_stale_move_conflicts_and_changes_nothing(self, make_adapter: AdapterFactory) -> None:
        adapter = self._adapter(make_adapter)
        self._needs(adapter, write=True)
        state = read_state(adapter)
        current = state["MKT-2"].history.status
        stale = next(s for s in _STATUSES if s != current)
        target = next(s for s in _STATUSES if s not in (current, stale))
        result = adapter.apply(MoveStatus("MKT-2", target, from_status=stale))
        assert result.status is ChangeStatus.FAILED
        assert isinstance(result.error, ChangeConflict)
        assert "MKT-2" in str(result.error)
        assert read_state(adapter) == state

    def test_creating_over_a_different_item_conflicts_and_changes_nothing(
        self, make_adapter: AdapterFactory
    ) -> None:
        adapter = self._adapter(make_adapter)
        self._needs(adapter, write=True, keeps_keys=True)
        state = read_state(adapter)
        result = adapter.apply(CreateItem("MKT-1", "Something else entirely", status="To Do"))
        assert result.status is ChangeStatus.FAILED
        assert isinstance(result.error, ChangeConflict)
        assert read_state(adapter) == state

    # --- capabilities -----------------------------------------------------------------------------

    def test_a_read_only_adapter_refuses_writes_clearly(self, make_adapter: AdapterFactory) -> None:
        adapter = self._adapter(make_adapter)
        if adapter.capabilities.write:
            _pytest().skip(f"{adapter.name} writes")
        state = read_state(adapter)
        for change in (MoveStatus("MKT-1", "Done"), UpdateFields("MKT-1", {"summary": "x"})):
            with _pytest().raises(UnsupportedChange) as caught:
                adapter.write([change])
            assert adapter.name in str(caught.value)
            with _pytest().raises(UnsupportedChange):
                adapter.apply(change)
        assert read_state(adapter) == state

    def test_an_unranked_adapter_refuses_reranks_clearly(
        self, make_adapter: AdapterFactory
    ) -> None:
        adapter = self._adapter(make_adapter)
        if adapter.capabilities.rank or not adapter.capabilities.write:
            _pytest().skip(f"{adapter.name} ranks or does not write")
        state = read_state(adapter)
        with _pytest().raises(UnsupportedChange):
            adapter.write([MoveStatus("MKT-1", "Done"), Rerank("MKT-1", before="MKT-2")])
        assert read_state(adapter) == state, "a refused batch must apply none of its changes"

    def test_its_name_and_url_are_consistent(self, make_adapter: AdapterFactory) -> None:
        adapter = self._adapter(make_adapter)
        assert adapter.name
        assert adapter.url == f"{adapter.name}:{adapter.location}"
        assert adapter.name in repr(adapter)
