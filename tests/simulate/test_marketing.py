"""The simulated marketing board: realistic, seeded, consistent histories."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import InvalidValue
from agilemarketing.flow import FlowLog
from agilemarketing.historyio import HistoryTable, read_history
from agilemarketing.simulate import STAGES, marketing_workflow, simulate_board
from agilemarketing.workflow import Workflow

END = np.datetime64("2026-11-21T00:00", "us")


@pytest.fixture(scope="module")
def board_table() -> HistoryTable:
    return simulate_board(items=400, seed=11).table


def test_the_same_seed_gives_the_same_board() -> None:
    a = simulate_board(items=120, seed=5).table
    b = simulate_board(items=120, seed=5).table
    c = simulate_board(items=120, seed=6).table
    assert a.summaries == b.summaries
    assert np.array_equal(a.tr_at, b.tr_at)
    assert not np.array_equal(a.created, c.created)


def test_items_are_keyed_in_creation_order(board_table: HistoryTable) -> None:
    assert len(board_table) == 400
    assert board_table.keys[0] == "MKT-1"
    assert len(set(board_table.keys.tolist())) == 400
    assert np.all(np.diff(board_table.created.astype(np.int64)) >= 0)
    assert board_table.created[0] >= np.datetime64("2025-11-17", "us")
    assert board_table.created[-1] < END


def check_histories(t: HistoryTable) -> None:
    order = np.lexsort((t.tr_at, t.tr_item))
    assert np.array_equal(order, np.arange(t.n_transitions)), "transitions are in time order"
    first = np.ones(t.n_transitions, dtype=bool)
    first[1:] = t.tr_item[1:] != t.tr_item[:-1]
    assert np.all(t.tr_from[first] == -1)
    assert np.all(t.status_names.index("Backlog") == t.tr_to[first])
    assert np.array_equal(t.tr_from[~first], t.tr_to[np.flatnonzero(~first) - 1])
    assert np.all(t.tr_at >= t.created[t.tr_item])
    assert np.all(t.tr_at < END)
    last = np.ones(t.n_transitions, dtype=bool)
    last[:-1] = t.tr_item[1:] != t.tr_item[:-1]
    assert np.array_equal(t.statuses[t.tr_item[last]], t.tr_to[last])
    done = np.isin(t.statuses, [t.status_names.index("Done"), t.status_names.index("Won't Do")])
    assert np.array_equal(~np.isnat(t.resolved), done)


def test_histories_are_consistent(board_table: HistoryTable) -> None:
    check_histories(board_table)


@given(seed=st.integers(0, 10_000), items=st.integers(1, 80))
def test_every_generated_history_is_consistent(seed: int, items: int) -> None:
    check_histories(simulate_board(items=items, seed=seed, days=120).table)


def test_the_board_looks_like_marketing_work(board_table: HistoryTable) -> None:
    t = board_table
    assert set(t.type_names) == {"Campaign", "Content", "Email", "Event", "Social"}
    assert len(set(t.types.tolist())) == 5
    statuses = {t.status_names[s] for s in t.statuses}
    assert {"Backlog", "Done", "Won't Do"} <= statuses
    words = " ".join(t.summaries)
    for word in ("Blog post", "email", "LinkedIn", "landing page", "booth"):
        assert word in words
    assert np.all(np.isin(t.points, [1, 2, 3, 5, 8, 13]))
    campaigns = {name for name in t.label_names if name.startswith("campaign:")}
    assert "campaign:black-friday" in campaigns
    assert "channel:email" in t.label_names
    per_item = np.bincount(t.label_item, minlength=len(t))
    assert np.all(per_item >= 2), "every item has a campaign and a channel"


def test_the_new_campaign_is_ranked_first(board_table: HistoryTable) -> None:
    t = board_table
    order = np.argsort(np.array(t.ranks))
    scoped = set(t.label_item[t.label_code == t.label_names.index("scope-added")].tolist())
    assert set(order[: len(scoped)].tolist()) == scoped


def test_flow_includes_waiting_rework_blocking_and_abandoning(board_table: HistoryTable) -> None:
    t = board_table
    names = t.status_names
    approval = names.index("Waiting for Approval")
    review, doing = names.index("Review"), names.index("In Progress")
    assert np.any(t.tr_to == approval)
    assert np.any((t.tr_from == review) & (t.tr_to == doing)), "some rework"
    assert len(t.blk_item) > 20
    assert np.all(t.blk_from >= t.created[t.blk_item])
    closed = ~np.isnat(t.blk_to)
    assert np.all(t.blk_to[closed] > t.blk_from[closed])
    dropped = t.tr_to == names.index("Won't Do")
    from_backlog = t.tr_from[dropped] == names.index("Backlog")
    assert from_backlog.any(), "stale requests pruned from the backlog"
    assert (~from_backlog).any(), "work abandoned mid-way"


def test_arrivals_vary_over_the_year_and_scope_is_added_mid_way(
    board_table: HistoryTable,
) -> None:
    t = board_table
    months = t.created.astype("datetime64[M]")
    per_month = np.unique(months, return_counts=True)[1][1:-1]
    assert per_month.max() >= 1.8 * per_month.min()
    scope = t.label_item[t.label_code == t.label_names.index("scope-added")]
    assert 20 <= scope.size <= 35
    span = t.created[scope].max() - t.created[scope].min()
    assert span <= np.timedelta64(8, "D")


def test_launch_cycles_are_fortnightly_and_memberships_fit_them(
    board_table: HistoryTable,
) -> None:
    t = board_table
    assert all((c.end - c.start).days == 14 for c in t.cycles)
    starts = [c.start for c in t.cycles]
    assert starts == sorted(starts)
    assert all(c.start.weekday() == 0 for c in t.cycles)
    assert np.array_equal(t.sprint_item, t.cyc_item)
    windows = np.array([np.datetime64(c.start.replace(tzinfo=None), "us") for c in t.cycles])
    assert np.all(t.cyc_joined >= windows[t.cyc_code])
    left = ~np.isnat(t.cyc_left)
    assert np.all(t.cyc_left[left] >= t.cyc_joined[left])
    planned = t.cyc_joined == windows[t.cyc_code]
    assert 0.5 < planned.mean() < 1.0, "mostly planned work, some unplanned"


def test_the_flow_log_reads_the_board_without_structural_problems(
    board_table: HistoryTable,
) -> None:
    log = FlowLog.build(board_table, marketing_workflow())
    quality = log.quality
    for problem in ("out_of_order", "duplicate_event", "status_gap", "truncated"):
        assert quality[problem].count == 0, problem
    assert set(quality.unmapped_statuses) == {"Won't Do"}
    assert log.is_done.sum() > 200
    assert log.in_progress.sum() > 0


def test_a_written_board_reads_back_the_same(tmp_path: Path) -> None:
    board = simulate_board(items=50, seed=2, end=date(2026, 6, 30))
    history, workflow = board.write(tmp_path / "board")
    again = read_history(history)
    assert again.keys.tolist() == board.table.keys.tolist()
    assert np.array_equal(again.tr_at, board.table.tr_at)
    assert again.cycles == board.table.cycles
    spec = tomllib.loads(workflow.read_text(encoding="utf-8"))
    assert [s["name"] for s in spec["stages"]] == list(STAGES)
    assert spec["start"] == "Ready"
    assert spec["done"] == "Done"
    assert Workflow.from_toml(workflow) == board.workflow


def test_the_example_board_is_what_make_board_writes() -> None:
    root = Path(__file__).resolve().parents[2] / "examples" / "board"
    table = read_history(root / "history.jsonl")
    assert 300 <= len(table) <= 400
    assert table.created.max() < np.datetime64("2026-11-21", "us")
    assert Workflow.from_toml(root / "workflow.toml") == marketing_workflow()


def test_scales_to_large_boards() -> None:
    table = simulate_board(items=20_000, seed=1).table
    assert len(table) == 20_000
    assert table.n_transitions > 80_000


@pytest.mark.parametrize(("kwargs", "message"), [({"items": 0}, "items"), ({"days": 5}, "days")])
def test_bad_sizes_are_refused(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(InvalidValue, match=message):
        simulate_board(**kwargs)
