"""The Marketing Backlog: one ranked list, minimal rank changes, pruning with a reviewed plan."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from builders import work_item as item
from hypothesis import given
from hypothesis import strategies as st

import agilemarketing.backlog as backlog_module
from agilemarketing.backlog import (
    Backlog,
    OutsideOutcomes,
    PrunePlan,
    PruneRule,
    RankChange,
    Stale,
    WontHave,
    rank_changes,
)
from agilemarketing.errors import (
    DuplicateItem,
    InvalidInputGroup,
    InvalidPriorityInput,
    InvalidValue,
    ItemNotInBacklog,
    NotAReordering,
    NotFound,
    NotMarketingOwner,
    PositionOutOfRange,
    SelfRelativeMove,
    StalePrunePlan,
)
from agilemarketing.items import WorkItem

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def backlog_of(*keys: str) -> Backlog:
    return Backlog(item(k) for k in keys)


@contextmanager
def small_blocks(load: int = 4) -> Iterator[None]:
    """Tiny blocks, so that splits and merges happen in small examples."""
    with mock.patch.object(backlog_module, "_LOAD", load):
        yield


def replay(order: list[str], change: RankChange) -> list[str]:
    """A tiny reference applier: place the key by its neighbour, as an external board would."""
    order = list(order)
    if change.old_position is not None:
        assert order.index(change.key) == change.old_position
        order.remove(change.key)
    if change.after is not None:
        order.insert(order.index(change.after) + 1, change.key)
    elif change.before is not None:
        order.insert(order.index(change.before), change.key)
    else:
        order.insert(0, change.key)
    assert order.index(change.key) == change.new_position
    return order


def lis_length(values: list[int]) -> int:
    best = [1] * len(values)
    for i in range(len(values)):
        for j in range(i):
            if values[j] < values[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


# --- ranking --------------------------------------------------------------------------------------


def test_items_keep_the_order_they_were_given_in() -> None:
    backlog = backlog_of("A", "B", "C")
    assert backlog.keys() == ["A", "B", "C"]
    assert [i.key for i in backlog] == ["A", "B", "C"]
    assert len(backlog) == 3


def test_insert_defaults_to_the_bottom_and_reports_the_neighbours() -> None:
    backlog = backlog_of("A", "B")
    assert backlog.insert(item("C")) == RankChange("C", 2, None, after="B", before=None)
    assert backlog.insert(item("D"), at=0) == RankChange("D", 0, None, after=None, before="A")
    assert backlog.keys() == ["D", "A", "B", "C"]


def test_inserting_into_an_empty_backlog_has_no_neighbours() -> None:
    change = Backlog().insert(item("A"))
    assert change == RankChange("A", 0)
    assert change.inserted
    assert change.moved


def test_a_duplicate_key_is_refused_and_named() -> None:
    backlog = backlog_of("A")
    with pytest.raises(DuplicateItem, match="A") as caught:
        backlog.insert(item("A"))
    assert caught.value.key == "A"
    assert backlog.keys() == ["A"]


def test_extend_reports_every_duplicate_at_once_and_adds_nothing() -> None:
    backlog = backlog_of("A")
    with pytest.raises(InvalidInputGroup) as caught:
        backlog.extend([item("B"), item("A"), item("B")])
    assert sorted(e.key for e in caught.value.exceptions) == ["A", "B"]  # type: ignore[union-attr]
    assert backlog.keys() == ["A"]


def test_extend_refuses_things_that_are_not_work_items() -> None:
    with pytest.raises(InvalidValue, match="not a WorkItem"):
        Backlog(["A"])  # type: ignore[list-item]


def test_moves_to_top_bottom_before_after_and_to_a_rank() -> None:
    backlog = backlog_of("A", "B", "C", "D", "E")
    assert backlog.move_to_top("D") == RankChange("D", 0, 3, after=None, before="A")
    assert backlog.keys() == ["D", "A", "B", "C", "E"]
    assert backlog.move_to_bottom("A") == RankChange("A", 4, 1, after="E", before=None)
    assert backlog.keys() == ["D", "B", "C", "E", "A"]
    assert backlog.move_before("A", "B") == RankChange("A", 1, 4, after="D", before="B")
    assert backlog.keys() == ["D", "A", "B", "C", "E"]
    assert backlog.move_after("D", "C") == RankChange("D", 3, 0, after="C", before="E")
    assert backlog.keys() == ["A", "B", "C", "D", "E"]
    assert backlog.move_to("E", 2) == RankChange("E", 2, 4, after="B", before="C")
    assert backlog.keys() == ["A", "B", "E", "C", "D"]


def test_a_move_that_changes_nothing_keeps_the_version() -> None:
    backlog = backlog_of("A", "B", "C")
    version = backlog.version
    change = backlog.move_before("A", "B")
    assert not change.moved
    assert backlog.version == version
    backlog.move_to_top("C")
    assert backlog.version == version + 1


def test_moving_an_item_relative_to_itself_is_refused() -> None:
    backlog = backlog_of("A", "B")
    with pytest.raises(SelfRelativeMove, match="A before itself"):
        backlog.move_before("A", "A")
    with pytest.raises(SelfRelativeMove, match="after itself"):
        backlog.move_after("B", "B")


@pytest.mark.parametrize(
    "operation",
    [
        lambda b: b.find("NOPE-1"),
        lambda b: b.position("NOPE-1"),
        lambda b: b.remove("NOPE-1"),
        lambda b: b.move_to_top("NOPE-1"),
        lambda b: b.move_to("NOPE-1", 0),
        lambda b: b.move_before("A", "NOPE-1"),
        lambda b: b.move_after("NOPE-1", "A"),
        lambda b: b.replace(item("NOPE-1")),
    ],
)
def test_an_unknown_key_is_a_not_found_error_naming_the_key(operation: object) -> None:
    backlog = backlog_of("A", "B")
    with pytest.raises(ItemNotInBacklog, match="NOPE-1") as caught:
        operation(backlog)  # type: ignore[operator]
    assert isinstance(caught.value, NotFound)
    assert caught.value.key == "NOPE-1"
    assert backlog.keys() == ["A", "B"]


def test_positions_outside_the_list_are_refused() -> None:
    backlog = backlog_of("A", "B")
    with pytest.raises(PositionOutOfRange, match="from 0 to 2"):
        backlog.insert(item("C"), at=3)
    with pytest.raises(PositionOutOfRange, match="from 0 to 1"):
        backlog.move_to("A", 2)
    with pytest.raises(IndexError):
        backlog[5]


def test_find_get_position_and_membership() -> None:
    backlog = backlog_of("A", "B", "C")
    assert backlog.find("B").title == "work B"
    assert backlog.get("Z") is None
    assert backlog.position("C") == 2
    assert "B" in backlog
    assert item("C") in backlog
    assert "Z" not in backlog


def test_indexing_slicing_and_top() -> None:
    backlog = backlog_of("A", "B", "C", "D")
    assert backlog[0].key == "A"
    assert backlog[-1].key == "D"
    assert [i.key for i in backlog[1:3]] == ["B", "C"]
    assert [i.key for i in backlog[::2]] == ["A", "C"]
    assert [i.key for i in backlog.top(2)] == ["A", "B"]
    assert [i.key for i in backlog.top(10)] == ["A", "B", "C", "D"]
    assert backlog.top(0) == []


def test_replace_stores_a_new_version_in_the_same_rank() -> None:
    backlog = backlog_of("A", "B", "C")
    version = backlog.version
    old = backlog.replace(WorkItem("B", "Better title"))
    assert old.title == "work B"
    assert backlog.find("B").title == "Better title"
    assert backlog.position("B") == 1
    assert backlog.version == version + 1


def test_remove_returns_the_item_and_closes_the_gap() -> None:
    backlog = backlog_of("A", "B", "C")
    assert backlog.remove("B").key == "B"
    assert backlog.keys() == ["A", "C"]
    assert backlog.position("C") == 1


def test_changing_the_backlog_while_iterating_is_an_error() -> None:
    backlog = backlog_of("A", "B", "C")

    def move_each_to_the_bottom() -> None:
        for current in backlog:
            backlog.move_to_bottom(current.key)

    with pytest.raises(RuntimeError, match="changed during iteration"):
        move_each_to_the_bottom()


def test_repr_is_short() -> None:
    assert repr(backlog_of("A", "B", "C", "D")) == (
        "<Backlog of 4 items: [A, B, C, ...] version=1>"
    )


def test_reorder_moves_only_what_must_move() -> None:
    backlog = backlog_of("A", "B", "C", "D", "E")
    changes = backlog.reorder(["E", "A", "B", "C", "D"])
    assert [c.key for c in changes] == ["E"]
    assert backlog.keys() == ["E", "A", "B", "C", "D"]


def test_reorder_of_a_subset_rearranges_it_within_its_own_positions() -> None:
    backlog = backlog_of("A", "B", "C", "D", "E")
    backlog.reorder(["D", "B"])
    assert backlog.keys() == ["A", "D", "C", "B", "E"]


def test_reorder_refuses_unknown_or_repeated_keys() -> None:
    backlog = backlog_of("A", "B", "C")
    with pytest.raises(NotAReordering, match="unknown: Z") as caught:
        backlog.reorder(["A", "Z"])
    assert caught.value.unknown == ("Z",)
    with pytest.raises(NotAReordering, match="repeated: A"):
        backlog.reorder(["A", "A", "B"])


def test_apply_replays_a_change_on_another_backlog() -> None:
    source = backlog_of("A", "B", "C", "D")
    mirror = backlog_of("A", "B", "C", "D")
    for change in [source.move_to_top("C"), source.move_after("A", "D"), source.move_to("B", 1)]:
        mirror.apply(change)
    assert mirror.keys() == source.keys()


def test_rank_changes_names_what_is_missing_unknown_or_repeated() -> None:
    with pytest.raises(NotAReordering) as caught:
        rank_changes(["A", "B", "C"], ["A", "X", "X"])
    assert caught.value.missing == ("B", "C")
    assert caught.value.unknown == ("X", "X")
    assert caught.value.repeated == ("X",)


def test_rank_changes_of_a_reversal_moves_all_but_one() -> None:
    old = [f"K{i}" for i in range(6)]
    changes = rank_changes(old, old[::-1])
    assert len(changes) == 5
    order = old
    for change in changes:
        order = replay(order, change)
    assert order == old[::-1]


def test_large_backlog_keeps_positions_right_across_block_boundaries() -> None:
    keys = [f"K{i}" for i in range(3000)]
    backlog = Backlog(item(k) for k in keys)
    backlog.move_to_top("K2999")
    backlog.move_after("K0", "K1500")
    backlog.remove("K1000")
    expected = ["K2999", *keys[1:1000], *keys[1001:1501], "K0", *keys[1501:2999]]
    assert backlog.keys() == expected
    assert all(backlog.position(k) == i for i, k in enumerate(expected))


def check_blocks(backlog: Backlog) -> None:
    """The private block structure agrees with itself (key -> block map, lengths, no gaps)."""
    order = backlog._order
    blocks = order._blocks
    assert all(b.index == i for i, b in enumerate(blocks))
    assert all(b.keys for b in blocks) or len(blocks) == 1
    assert order._lengths == [len(b.keys) for b in blocks]
    assert all(order._where[k] is b for b in blocks for k in b.keys)
    assert len(order._where) == len(order) == sum(order._lengths)


def test_a_long_random_session_keeps_blocks_consistent() -> None:
    import random

    rng = random.Random(7)
    keys = [f"K{i}" for i in range(300)]
    with small_blocks(8):
        backlog = Backlog(item(k) for k in keys[:200])
        model = keys[:200]
        spare = keys[200:]
        for _ in range(3000):
            roll = rng.random()
            if roll < 0.1 and spare:
                key = spare.pop()
                at = rng.randint(0, len(model))
                backlog.insert(item(key), at=at)
                model.insert(at, key)
            elif roll < 0.25 and len(model) > 2:
                key = model.pop(rng.randrange(len(model)))
                backlog.remove(key)
                spare.append(key)
            else:
                key, other = rng.sample(model, 2)
                backlog.move_after(key, other)
                model.remove(key)
                model.insert(model.index(other) + 1, key)
            if key in model:
                assert backlog.position(key) == model.index(key)
        check_blocks(backlog)
        assert backlog.keys() == model


# --- properties -----------------------------------------------------------------------------------

KEYS = [f"M-{i}" for i in range(24)]
operation = st.one_of(
    st.tuples(st.just("insert"), st.sampled_from(KEYS), st.integers(0, 20)),
    st.tuples(st.just("top"), st.sampled_from(KEYS)),
    st.tuples(st.just("bottom"), st.sampled_from(KEYS)),
    st.tuples(st.just("before"), st.sampled_from(KEYS), st.sampled_from(KEYS)),
    st.tuples(st.just("after"), st.sampled_from(KEYS), st.sampled_from(KEYS)),
    st.tuples(st.just("to"), st.sampled_from(KEYS), st.integers(0, 20)),
    st.tuples(st.just("remove"), st.sampled_from(KEYS)),
)


@given(
    start=st.lists(st.sampled_from(KEYS), unique=True),
    operations=st.lists(operation, max_size=40),
)
def test_random_operations_never_lose_or_duplicate_an_item(
    start: list[str], operations: list[tuple[object, ...]]
) -> None:
    with small_blocks():
        backlog = backlog_of(*start)
        model = list(start)
        for op in operations:
            name, key = op[0], str(op[1])
            before = list(model)
            change: RankChange | None = None
            if name == "insert":
                if key in model:
                    continue
                at = min(int(op[2]), len(model))  # type: ignore[call-overload]
                change = backlog.insert(item(key), at=at)
                model.insert(at, key)
            elif key not in model:
                with pytest.raises(ItemNotInBacklog):
                    backlog.move_to_top(key)
                continue
            elif name == "remove":
                backlog.remove(key)
                model.remove(key)
            elif name in ("top", "bottom"):
                change = backlog.move_to_top(key) if name == "top" else backlog.move_to_bottom(key)
                model.remove(key)
                model.insert(0 if name == "top" else len(model), key)
            elif name in ("before", "after"):
                other = str(op[2])
                if other not in model or other == key:
                    continue
                if name == "before":
                    change = backlog.move_before(key, other)
                    model.remove(key)
                    model.insert(model.index(other), key)
                else:
                    change = backlog.move_after(key, other)
                    model.remove(key)
                    model.insert(model.index(other) + 1, key)
            else:
                at = min(int(op[2]), len(model) - 1)  # type: ignore[call-overload]
                change = backlog.move_to(key, at)
                model.remove(key)
                model.insert(at, key)
            assert backlog.keys() == model
            assert sorted(backlog.keys()) == sorted(set(model))
            if change is not None:
                assert replay(before, change) == model
        assert len(backlog) == len(model)
        check_blocks(backlog)
        assert [backlog.position(k) for k in model] == list(range(len(model)))
        assert [i.key for i in backlog[: len(model)]] == model


permutations = st.lists(st.sampled_from(KEYS), unique=True).flatmap(
    lambda keys: st.tuples(st.just(keys), st.permutations(keys))
)


@given(permutations)
def test_rank_changes_reproduce_the_new_order_with_at_most_n_minus_lis_moves(
    orders: tuple[list[str], list[str]],
) -> None:
    old, new = orders
    changes = rank_changes(old, new)
    where = {key: i for i, key in enumerate(new)}
    assert len(changes) == len(old) - lis_length([where[k] for k in old])
    order = list(old)
    for change in changes:
        order = replay(order, change)
    assert order == list(new)


@given(permutations)
def test_reorder_reaches_the_new_order_on_the_backlog(
    orders: tuple[list[str], list[str]],
) -> None:
    old, new = orders
    with small_blocks():
        backlog = backlog_of(*old)
        changes = backlog.reorder(new)
        assert backlog.keys() == list(new)
        order = list(old)
        for change in changes:
            order = replay(order, change)
        assert order == list(new)


# --- pruning --------------------------------------------------------------------------------------


def aged(key: str, days: int, **kwargs: object) -> WorkItem:
    return item(key, created_at=NOW - timedelta(days=days), **kwargs)


def test_stale_judges_by_last_activity_updated_then_started_then_created() -> None:
    rule = Stale(90, now=NOW)
    recent_update = aged("A", 400, fields={"updated_at": "2026-05-01T10:00:00+02:00"})
    recent_start = item("B", created_at=NOW - timedelta(days=400), started_at=NOW)
    old = aged("C", 120)
    assert rule(recent_update) is None
    assert rule(recent_start) is None
    assert rule(old) == "no activity for 120 days (last: created 2026-02-01)"
    assert rule(item("D")) is None  # no timestamp: cannot tell, keep it


def test_stale_by_created_ignores_later_activity() -> None:
    rule = Stale(90, now=NOW, by="created")
    busy_but_old = aged("A", 400, fields={"updated_at": NOW})
    assert rule(busy_but_old) == "no activity for 400 days (last: created 2025-04-27)"


def test_stale_refuses_bad_settings() -> None:
    with pytest.raises(InvalidValue, match="days must be 0 or more"):
        Stale(-1, now=NOW)
    with pytest.raises(InvalidValue, match="'activity' or 'created'"):
        Stale(1, now=NOW, by="touched")  # type: ignore[arg-type]


def test_outside_outcomes_keeps_work_serving_the_guidepoint() -> None:
    rule = OutsideOutcomes(["50 qualified leads"])
    assert rule(item("A", outcome=" 50 Qualified LEADS ")) is None
    assert rule(item("B")) == "linked to no Guidepoint outcome"
    assert "not a current Guidepoint outcome" in str(rule(item("C", outcome="Trade fair")))


def test_outside_outcomes_reads_a_guidepoints_outcomes() -> None:
    from datetime import date

    from agilemarketing.planning.guidepoint import Guidepoint, Outcome

    guidepoint = Guidepoint(
        "More pipeline", date(2026, 4, 1), date(2026, 6, 30), [Outcome("Pipeline")]
    )
    rule = OutsideOutcomes(guidepoint)
    assert rule(item("A", outcome="pipeline")) is None
    assert rule(item("B", outcome="awareness")) is not None


@given(
    outcomes=st.lists(
        st.one_of(st.none(), st.sampled_from(["pipeline", " Pipeline", "retention", "awareness"])),
        max_size=12,
    )
)
def test_a_guidepoints_unserved_report_and_the_prune_plan_select_the_same_items(
    outcomes: list[str | None],
) -> None:
    from datetime import date

    from agilemarketing.planning.guidepoint import Guidepoint, Outcome

    guidepoint = Guidepoint(
        "More pipeline", date(2026, 4, 1), date(2026, 6, 30), [Outcome("Pipeline")]
    )
    backlog = Backlog(item(f"K-{i}", outcome=o) for i, o in enumerate(outcomes))
    plan = backlog.plan_prune(guidepoint.prune_rule())
    report = guidepoint.unserved(backlog)
    assert tuple(i.key for i in report.candidates) == plan.keys
    assert {c.key: c.reasons for c in plan} == {k: (r,) for k, r in report.reasons.items()}
    assert report.share == plan.share


def test_wont_have_selects_items_categorised_wont() -> None:
    rule = WontHave()
    assert rule(item("A", fields={"moscow": "W"})) == "categorised Won't (MoSCoW)"
    assert rule(item("B", fields={"moscow": "Could"})) is None
    assert rule(item("C")) is None


def test_any_rule_selects_and_every_reason_is_listed() -> None:
    backlog = Backlog(
        [
            aged("A", 10, outcome="leads"),
            aged("B", 200, outcome="leads"),
            aged("C", 200, fields={"moscow": "won't"}),
            aged("D", 10),
        ]
    )
    plan = backlog.plan_prune(Stale(90, now=NOW), OutsideOutcomes({"leads"}), WontHave())
    assert plan.keys == ("B", "C", "D")
    reasons = {c.key: c.reasons for c in plan}
    assert len(reasons["C"]) == 3
    assert reasons["D"] == ("linked to no Guidepoint outcome",)
    assert [c.position for c in plan] == [1, 2, 3]
    assert plan.share == pytest.approx(0.75)
    assert "Prune 3 of 4 items (75%)" in plan.summary()


def test_match_all_selects_only_items_every_rule_selects() -> None:
    backlog = Backlog([aged("A", 200, outcome="leads"), aged("B", 200), aged("C", 10)])
    plan = backlog.plan_prune(Stale(90, now=NOW), OutsideOutcomes({"leads"}), match="all")
    assert plan.keys == ("B",)
    assert len(plan.candidates[0].reasons) == 2


def test_a_custom_rule_is_any_callable_returning_a_reason() -> None:
    def no_stakeholder(work: WorkItem) -> str | None:
        return None if work.stakeholder else "nobody asked for it"

    assert isinstance(no_stakeholder, PruneRule)
    backlog = Backlog([item("A", stakeholder="Sales"), item("B")])
    assert backlog.plan_prune(no_stakeholder).keys == ("B",)


def test_planning_a_prune_changes_nothing() -> None:
    backlog = Backlog([aged("A", 200), aged("B", 1)])
    version = backlog.version
    plan = backlog.plan_prune(Stale(90, now=NOW))
    assert len(plan) == 1
    assert backlog.keys() == ["A", "B"]
    assert backlog.version == version


def test_applying_a_plan_removes_exactly_its_items() -> None:
    backlog = Backlog([aged("A", 200), aged("B", 1), aged("C", 300)])
    plan = backlog.plan_prune(Stale(90, now=NOW))
    removed = backlog.apply_prune(plan)
    assert [i.key for i in removed] == ["A", "C"]
    assert backlog.keys() == ["B"]


@given(
    size=st.integers(0, 1_500),
    moves=st.lists(st.tuples(st.integers(0, 1_499), st.integers(0, 1_499)), max_size=5),
    share=st.sampled_from([0.0, 0.002, 0.05, 0.5, 1.0]),
    seed=st.randoms(use_true_random=False),
)
def test_applying_a_plan_of_any_size_keeps_the_order_of_the_rest(
    size: int, moves: list[tuple[int, int]], share: float, seed: random.Random
) -> None:
    # A few removals go one by one, many rebuild the order at once: both must agree with a list.
    keys = [f"K-{i}" for i in range(size)]
    backlog = Backlog(item(k) for k in keys)
    for a, b in moves:  # uneven blocks first
        if size >= 2 and a % size != b % size:
            backlog.move_before(keys[a % size], keys[b % size])
    order = backlog.keys()
    gone = set(seed.sample(keys, round(size * share)))
    plan = backlog.plan_prune(lambda work: "chosen" if work.key in gone else None)
    removed = backlog.apply_prune(plan)
    rest = [k for k in order if k not in gone]
    assert [i.key for i in removed] == [k for k in order if k in gone]
    assert backlog.keys() == rest
    assert [backlog.position(k) for k in rest] == list(range(len(rest)))
    assert not any(k in backlog for k in gone)
    middle = len(rest) // 2
    backlog.insert(item("NEW"), at=middle)
    assert backlog.keys() == [*rest[:middle], "NEW", *rest[middle:]]


def test_a_plan_is_refused_once_the_backlog_has_changed() -> None:
    backlog = Backlog([aged("A", 200), aged("B", 1)])
    plan = backlog.plan_prune(Stale(90, now=NOW))
    backlog.move_to_top("B")
    with pytest.raises(StalePrunePlan, match="changed since the plan") as caught:
        backlog.apply_prune(plan)
    assert (caught.value.planned_version, caught.value.current_version) == (1, 2)
    assert backlog.keys() == ["B", "A"]


def test_a_plan_is_refused_by_another_backlog() -> None:
    plan = Backlog([aged("A", 200)]).plan_prune(Stale(90, now=NOW))
    other = Backlog([aged("A", 200)])
    with pytest.raises(StalePrunePlan, match="different backlog"):
        other.apply_prune(plan)


def test_unusable_item_data_is_reported_together_naming_each_item() -> None:
    backlog = Backlog(
        [
            item("A", fields={"updated_at": "last tuesday-ish"}),
            item("B", fields={"moscow": "maybe"}),
            item("C", fields={"updated_at": "2026-01-01T00:00:00"}),  # naive: refused
        ]
    )
    with pytest.raises(InvalidInputGroup) as caught:
        backlog.plan_prune(Stale(90, now=NOW), WontHave())
    messages = [str(e) for e in caught.value.exceptions]
    assert any("item A" in m for m in messages)
    assert any("item C" in m and "no timezone" in m for m in messages)
    bad_moscow = [e for e in caught.value.exceptions if isinstance(e, InvalidPriorityInput)]
    assert [e.key for e in bad_moscow] == ["B"]


def test_plan_prune_needs_a_rule_and_a_known_match_mode() -> None:
    backlog = backlog_of("A")
    with pytest.raises(InvalidValue, match="no prune rule"):
        backlog.plan_prune()
    with pytest.raises(InvalidValue, match="'any' or 'all'"):
        backlog.plan_prune(WontHave(), match="some")  # type: ignore[arg-type]


def test_a_prune_plan_is_a_plain_value() -> None:
    plan = Backlog([aged("A", 200)]).plan_prune(Stale(90, now=NOW))
    assert isinstance(plan, PrunePlan)
    assert plan.total == 1
    assert PrunePlan((), 0, 0, backlog_id=0).share == 0.0


# --- the Marketing Owner orders the backlog -------------------------------------------------------


def owned() -> Backlog:
    return Backlog([WorkItem(k, k) for k in ("A", "B", "C", "D")], owner="Maya")


def test_a_team_can_require_the_owner_on_every_move_with_a_record_of_who_moved_what() -> None:
    backlog = owned()
    with pytest.raises(NotMarketingOwner, match="Maya") as caught:
        backlog.move_to_top("C")
    assert caught.value.who is None
    with pytest.raises(NotMarketingOwner, match="'Ana'"):
        backlog.move_before("D", "A", by="Ana")
    assert backlog.keys() == ["A", "B", "C", "D"]
    backlog.move_to_top("C", by="Maya")
    backlog.move_after("A", "D", by="maya")
    backlog.insert(WorkItem("E", "e"), at=0, by="Maya")
    backlog.insert(WorkItem("F", "f"), by="Ana")  # at the bottom: adding is not ordering
    assert backlog.keys() == ["E", "C", "B", "D", "A", "F"]
    assert [(m.key, m.by, m.old_position, m.new_position) for m in backlog.moves] == [
        ("C", "Maya", 2, 0),
        ("A", "Maya", 1, 3),
        ("E", "Maya", None, 0),
    ]
    assert all(m.at.tzinfo is UTC for m in backlog.moves)


def test_every_kind_of_move_checks_the_owner() -> None:
    moves = [
        lambda b, by: b.move_to_top("B", by=by),
        lambda b, by: b.move_to_bottom("B", by=by),
        lambda b, by: b.move_before("B", "A", by=by),
        lambda b, by: b.move_after("A", "B", by=by),
        lambda b, by: b.move_to("B", 3, by=by),
        lambda b, by: b.apply(RankChange("B", 0, 1, None, "A"), by=by),
        lambda b, by: b.reorder(["D", "C", "B", "A"], by=by),
        lambda b, by: b.insert(WorkItem("Z", "z"), at=1, by=by),
    ]
    for move in moves:
        backlog = owned()
        with pytest.raises(NotMarketingOwner):
            move(backlog, "Ben")
        assert backlog.keys() == ["A", "B", "C", "D"]
        assert backlog.moves == ()
        move(backlog, "Maya")
        assert backlog.moves
        assert {m.by for m in backlog.moves} == {"Maya"}


def test_without_an_owner_moves_need_no_actor_but_one_given_is_recorded() -> None:
    backlog = Backlog([WorkItem(k, k) for k in "ABC"])
    backlog.move_to_top("C")
    assert backlog.moves == ()
    backlog.move_to_top("B", by="Maya")
    assert [(m.key, m.by) for m in backlog.moves] == [("B", "Maya")]
