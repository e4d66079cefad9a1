"""Regenerate the example board in ``examples/board/`` (history.jsonl and workflow.toml).

A year of a marketing team's board, ending on 2026-11-20, from
:func:`agilemarketing.simulate.simulate_board` with a fixed seed, so re-running it gives the
same files. Run: ``.venv/bin/python examples/make_board.py``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from agilemarketing.simulate import simulate_board

HERE = Path(__file__).resolve().parent


def main() -> None:
    board = simulate_board(items=360, end=date(2026, 11, 20), days=365, seed=2026)
    history, workflow = board.write(HERE / "board")
    table = board.table
    print(f"{len(table)} items, {table.n_transitions} transitions, {len(table.cycles)} cycles")
    print(f"wrote {history.relative_to(HERE.parent)} and {workflow.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
