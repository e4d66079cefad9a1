"""A history CSV as the target of a sync: it holds the source's history, rows included."""

from __future__ import annotations

from pathlib import Path

import attrs
from agilemarketing_csv.adapter import CsvAdapter

from agilemarketing.mirror import Mirror
from agilemarketing.sync import apply, plan
from agilemarketing.testing import InMemoryAdapter, read_state, sample_histories


def test_a_csv_copy_of_a_board_reads_back_with_the_boards_history(tmp_path: Path) -> None:
    source = InMemoryAdapter("team")
    source.seed(sample_histories(20))
    target = CsvAdapter(str(tmp_path / "out.csv"))
    with Mirror(tmp_path / "state.db") as mirror:
        apply(plan(source, target, mirror))
    # created, resolved, sprints, every transition with its flag, blocked periods; the order
    # (the target gives its own ranks)
    want = {k: attrs.evolve(r.history, rank=None) for k, r in read_state(source).items()}
    got = {k: attrs.evolve(r.history, rank=None) for k, r in read_state(target).items()}
    assert got == want
    assert [r.key for r in target.read()] == [r.key for r in source.read()]
