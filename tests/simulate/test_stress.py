"""The dense stress board the benchmarks use."""

from __future__ import annotations

from agilemarketing.flow import FlowLog
from agilemarketing.simulate import stress_board


def test_the_stress_board_has_about_ten_transitions_per_item_and_is_reproducible() -> None:
    board = stress_board(items=5_000, seed=11)
    table = board.table
    assert len(table) == 5_000
    assert 9.5 < table.n_transitions / len(table) < 10.5  # 100,000 items: ~1,000,000
    assert table.tr_at.tolist() == stress_board(items=5_000, seed=11).table.tr_at.tolist()
    log = FlowLog.build(table, board.workflow)
    assert 0.80 < log.is_done.mean() < 0.90
    assert log.abandoned.sum() > 0
    assert board.end == max(t.at for h in table.histories() for t in h.transitions)
