"""Sync over a changing source, step by step (issue 11): a hypothesis state machine.

A source board (in memory) changes under the machine: items are created, edited, moved, deleted
and brought back; the target gets items of its own; a sync is sometimes killed halfway through
its apply. The target is either the mirror's own board or a tool that assigns its own keys
(:class:`~agilemarketing.testing.KeyAssigningAdapter`, synced with a mirror file as its state).
After every sync, and after the re-run that follows a killed one:

* the target holds every live source item as the source has it (fields, status and order);
* an item the source deleted is marked removed in the mirror, never lost, never live;
* no item is held twice (one row per key, one tool item per source item);
* running the sync again plans nothing, whether or not it skips the reads (a memory source
  into the mirror names its state cheaply: an unchanged pair plans nothing unread), and a full
  run agrees.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import attrs
import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from agilemarketing.adapter import (
    AnyChange,
    ChangeResult,
    CreateItem,
    ItemRecord,
    MoveStatus,
    UpdateFields,
)
from agilemarketing.mirror import Mirror, MirrorAdapter
from agilemarketing.sync import SyncReport, apply, plan
from agilemarketing.sync.keymaps import KeyMap
from agilemarketing.testing import InMemoryAdapter, KeyAssigningAdapter, sample_histories

STATUSES = ("To Do", "In Progress", "Review", "Done")
COMPARED = ("summary", "type", "status", "points", "labels")
BURST = st.integers(min_value=0, max_value=6)  # where a killed apply dies (0: before any write)


class Killed(BaseException):
    """Stands for the sync process dying mid-apply: nothing in the engine catches it."""


class _Dies:
    """A target that dies after ``dies_after`` more changes (None: never)."""

    dies_after: int | None = None

    def _tick(self) -> None:
        if self.dies_after is not None:
            if self.dies_after <= 0:
                raise Killed("the sync was killed while applying")
            self.dies_after -= 1


class DyingMirror(_Dies, MirrorAdapter):
    """The mirror's own board as a target that can die mid-batch (its batch is one
    transaction: the changes of the batch it dies in are rolled back, the journal keeps them
    planned)."""

    def apply(self, change: AnyChange) -> ChangeResult:
        self._tick()
        return super().apply(change)


class DyingTool(_Dies, KeyAssigningAdapter):
    """A tool that assigns its own keys and can die after any change (what it applied stays)."""

    def apply(self, change: AnyChange) -> ChangeResult:
        self._tick()
        return super().apply(change)


def compared(record: ItemRecord) -> tuple[object, ...]:
    return tuple(
        tuple(sorted(record.get("labels") or ())) if f == "labels" else record.get(f)
        for f in COMPARED
    )


class SyncOverAChangingSource(RuleBasedStateMachine):
    """A source that changes, synced into a target; the model is the source itself plus what
    the machine knows it did (deleted keys, target-side items)."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="sync-machine-"))
        self.source = InMemoryAdapter("board")
        self.made = 0
        self.target_made = 0
        self.gone: set[str] = set()  # deleted at the source (and not created again)
        self.ever_synced: set[str] = set()
        self.target_items: set[str] = set()  # created on the target itself (its own keys)
        self.checked = False  # the last step ended with a sync: the invariants apply

    # --- the two kinds of target ------------------------------------------------------------

    @initialize(to_tool=st.booleans(), n=st.integers(0, 6))
    def start(self, to_tool: bool, n: int) -> None:
        self.state = Mirror(self.folder / "state.db")
        self.to_tool = to_tool
        self.target: DyingMirror | DyingTool = (
            DyingTool("tool") if to_tool else DyingMirror.of(self.state)  # type: ignore[assignment]
        )
        self.source.seed(sample_histories(n))
        self.made = n
        self._sync()

    def teardown(self) -> None:
        if hasattr(self, "state"):
            self.state.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _live(self) -> list[str]:
        return sorted(r.key for r in self.source.read())

    def _sync(self, *, full: bool = False) -> SyncReport:
        report = apply(plan(self.source, self.target, self.state, full=full))
        self.ever_synced |= set(self._live())
        self.checked = True
        return report

    # --- what happens at the source ---------------------------------------------------------

    @rule(status=st.sampled_from(STATUSES), then_sync=st.booleans())
    def create(self, status: str, then_sync: bool) -> None:
        self.made += 1
        key = f"MKT-{self.made}"
        self.source.apply(CreateItem(key, f"Item {key}", type="Task", status=status))
        self._after(then_sync)

    @precondition(lambda self: len(self.source) > 0)
    @rule(
        data=st.data(),
        field=st.sampled_from(("summary", "points", "labels")),
        then_sync=st.booleans(),
    )
    def edit(self, data: st.DataObject, field: str, then_sync: bool) -> None:
        key = data.draw(st.sampled_from(self._live()), label="key")
        value: object = {
            "summary": data.draw(st.sampled_from(("Launch", "Webinar", "Nurture")), label="v"),
            "points": data.draw(st.sampled_from((1.0, 2.0, 3.0, 5.0)), label="v"),
            "labels": data.draw(st.sampled_from((("email",), ("seo", "q1"), ())), label="v"),
        }[field]
        self.source.apply(UpdateFields(key, {field: value}))
        self._after(then_sync)

    @precondition(lambda self: len(self.source) > 0)
    @rule(data=st.data(), status=st.sampled_from(STATUSES), then_sync=st.booleans())
    def move(self, data: st.DataObject, status: str, then_sync: bool) -> None:
        key = data.draw(st.sampled_from(self._live()), label="key")
        self.source.apply(MoveStatus(key, status))
        self._after(then_sync)

    @precondition(lambda self: len(self.source) > 0)
    @rule(data=st.data(), then_sync=st.booleans())
    def delete(self, data: st.DataObject, then_sync: bool) -> None:
        key = data.draw(st.sampled_from(self._live()), label="key")
        self.source.remove(key)
        self.gone.add(key)
        self._after(then_sync)

    @precondition(lambda self: bool(self.gone))
    @rule(data=st.data(), status=st.sampled_from(STATUSES), then_sync=st.booleans())
    def restore(self, data: st.DataObject, status: str, then_sync: bool) -> None:
        key = data.draw(st.sampled_from(sorted(self.gone)), label="key")
        self.gone.remove(key)
        self.source.apply(CreateItem(key, f"Back {key}", type="Task", status=status))
        self._after(then_sync)

    # --- what happens at the target ----------------------------------------------------------

    @rule(status=st.sampled_from(STATUSES))
    def create_on_the_target(self, status: str) -> None:
        self.target_made += 1
        key = f"TGT-{self.target_made}"
        result = self.target.write([CreateItem(key, f"Own {key}", type="Task", status=status)])[0]
        assert result.ok
        self.target_items.add(result.key or key)
        self.checked = False

    # --- syncs --------------------------------------------------------------------------------

    @rule(full=st.booleans())
    def sync(self, full: bool) -> None:
        """An incremental sync (removals arrive as ``removed``) or a full one (as absence)."""
        self._sync(full=full)

    @rule(dies_after=BURST, full=st.booleans())
    def killed_then_rerun(self, dies_after: int, full: bool) -> None:
        self.target.dies_after = dies_after
        try:
            self._sync()
        except Killed:
            pass
        finally:
            self.target.dies_after = None
        self._sync(full=full)

    def _after(self, then_sync: bool) -> None:
        if then_sync:
            self._sync()
        else:
            self.checked = False

    # --- invariants ---------------------------------------------------------------------------

    @property
    def deleted(self) -> set[str]:
        """The items a sync saw that the source no longer has."""
        return self.ever_synced - set(self._live())

    def _target_live(self) -> list[ItemRecord]:
        """The target's live items under the sync's keys, in its order."""
        keys = KeyMap.of(self.state.key_map(self.target.identity))
        return [_rekeyed(r, keys.local(r.key)) for r in self.target.read()]

    @invariant()
    def the_target_holds_the_source(self) -> None:
        if not self.checked:
            return
        source = {r.key: r for r in self.source.read()}
        held = self._target_live()
        by_key = {r.key: r for r in held}
        assert len(by_key) == len(held), "an item is held twice"
        others = set(by_key) - set(source) - self.target_items
        if self.to_tool:  # the tool keeps what the source deleted (no removal is written back)
            assert others == self.deleted, f"unexpected items on the tool: {sorted(others)}"
        else:  # the mirror's own board shows live items only
            assert not others, f"unexpected items on the mirror: {sorted(others)}"
        for key, record in source.items():
            assert key in by_key, f"{key} is lost on the target"
            assert compared(by_key[key]) == compared(record), key
        order = [r.key for r in held if r.key in source]
        assert order == [r.key for r in self.source.read()], "the order differs"

    @invariant()
    def deleted_items_are_marked_removed_not_lost(self) -> None:
        if not self.checked:
            return
        if self.to_tool:
            removed = set(self.state.removed(self.source.identity))
        else:
            removed = set(self.state.removed())
            assert not removed & set(self.state.board()), "an item is both removed and live"
            live = {r.key for r in self.state.records()}
            assert self.target_items <= live, "an item made on the target was marked removed"
        assert removed == self.deleted

    @invariant()
    def no_key_twice(self) -> None:
        if not self.checked:
            return
        pairs = self.state.key_map(self.target.identity)
        assert len(set(pairs.values())) == len(pairs)
        if self.to_tool:
            # one tool item per source item ever synced, plus its own ones
            assert len(self.target) == len(self.ever_synced) + len(self.target_items)

    @invariant()
    def a_rerun_plans_nothing(self) -> None:
        if not self.checked:
            return
        again = plan(self.source, self.target, self.state)
        assert again.changes == (), [c.describe() for c in again.changes]
        assert again.removed == again.restored == ()
        # A re-run of a pair unchanged since a clean run plans nothing unread (sync.quiet); a
        # full one reads both sides and must agree.
        full = plan(self.source, self.target, self.state, full=True)
        assert full.changes == (), [c.describe() for c in full.changes]
        assert full.removed == full.restored == ()


def _rekeyed(record: ItemRecord, key: str) -> ItemRecord:
    if record.key == key:
        return record
    return attrs.evolve(record, history=attrs.evolve(record.history, key=key))


def test_sync_over_a_changing_source_keeps_the_target_equal_to_it() -> None:
    run_state_machine_as_test(
        SyncOverAChangingSource,
        settings=settings(
            max_examples=50,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
