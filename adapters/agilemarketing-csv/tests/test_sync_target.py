"""A history CSV as the target of a sync: it holds the source's history, rows included."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from agilemarketing_csv.adapter import CsvAdapter
from click.testing import CliRunner, Result

from agilemarketing.adapter import rank_order
from agilemarketing.cli import main
from agilemarketing.mirror import Mirror
from agilemarketing.sync import apply, plan
from agilemarketing.testing import InMemoryAdapter, read_state, sample_histories


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


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


def test_rows_deleted_from_a_csv_target_by_hand_come_back_on_the_next_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("e1.csv").write_text(
        "Summary,Issue key,Issue Type,Status,Created,Sprint\n"
        + "".join(
            f"Item {n},MKT-{n},Email,To Do,05/Nov/25 5:16 PM,Sprint 4\n" for n in range(1, 6)
        ),
        encoding="utf-8",
    )
    assert _cli("sync", "jira-csv:e1.csv", "mirror:m.db").exit_code == 0
    assert _cli("sync", "mirror:m.db", "csv:out.csv").exit_code == 0
    before = [attrs.evolve(r.history, rank=None) for r in CsvAdapter("out.csv").read()]
    lines = Path("out.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(("MKT-2,", "MKT-4,"))]
    Path("out.csv").write_text("".join(kept), encoding="utf-8")  # someone's careless edit

    again = _cli("sync", "mirror:m.db", "csv:out.csv")

    assert again.exit_code == 0, again.output
    assert "2 created" in again.output
    assert "re-created 2 items missing on the target (no deletion record): MKT-2, MKT-4" in (
        again.output
    )
    after = sorted(CsvAdapter("out.csv").read(), key=rank_order)  # in their places again
    assert [attrs.evolve(r.history, rank=None) for r in after] == before
    assert "0 created" in _cli("sync", "mirror:m.db", "csv:out.csv").output
