"""A file-backed board is one board in the mirror whatever folder names it, and a mirror made
by an earlier release (boards named by the URL as typed) is carried over, not duplicated."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from agilemarketing.cli import main
from agilemarketing.mirror import OWN_BOARD, Mirror, target_base

HEADER = "Summary,Issue key,Issue id,Issue Type,Status,Created\n"


def export(path: Path, summary: str) -> None:
    path.write_text(HEADER + f"{summary},MKT-1,1,Email,To Do,05/Nov/25 5:16 PM\n")


def sync(*args: str) -> Result:
    return CliRunner().invoke(main, ["sync", *args])


def test_a_board_an_earlier_release_named_as_typed_is_renamed_not_duplicated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    export(tmp_path / "e1.csv", "First")
    assert sync("jira-csv:e1.csv", "mirror:m.db").exit_code == 0
    resolved = f"jira-csv:{(tmp_path / 'e1.csv').resolve()}"
    target = f"mirror:{(tmp_path / 'm.db').resolve()}"
    boards = sorted([resolved, target_base(target), OWN_BOARD])
    with Mirror("m.db") as mirror:
        assert sorted(mirror.boards()) == boards
        # What an earlier release left, once upgraded: the boards under the URLs as typed (the
        # target's base under its target-side name), the source's peer and the journal too.
        with mirror.transaction():
            assert mirror.rename_board(resolved, "jira-csv:e1.csv")
            assert mirror.rename_board(target_base(target), target_base("mirror:m.db"))
            mirror._conn.execute("UPDATE sources SET peer = 'mirror:m.db'")
            mirror._conn.execute("UPDATE journal SET target = 'mirror:m.db'")
    export(tmp_path / "e1.csv", "Edited")
    again = sync("jira-csv:e1.csv", "mirror:m.db")
    assert again.exit_code == 0, again.output
    assert "0 created, 1 updated" in again.output
    with Mirror("m.db") as mirror:
        assert sorted(mirror.boards()) == boards
        assert mirror.peer(resolved) == target
        assert [h.summary for h in mirror.histories()] == ["Edited"]
        assert [h.summary for h in mirror.histories(resolved)] == ["Edited"]
        assert [h.summary for h in mirror.histories(target_base(target))] == ["Edited"]
        assert {entry.target for entry in mirror.journal()} == {target}


def test_the_same_export_named_from_another_folder_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    export(tmp_path / "e1.csv", "First")
    monkeypatch.chdir(tmp_path)
    assert sync("jira-csv:e1.csv", "mirror:./m.db").exit_code == 0
    monkeypatch.chdir(tmp_path / "sub")
    again = sync("jira-csv:../e1.csv", "mirror:../m.db")
    assert again.exit_code == 0, again.output
    assert "0 created, 0 updated, 0 moved" in again.output
    assert "jira-csv:../e1.csv" in again.output  # what the user typed, in what is printed
    with Mirror(tmp_path / "m.db") as mirror:
        assert len(mirror.boards()) == 3  # the source's and the target's merge bases, the board
