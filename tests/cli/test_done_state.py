"""The report and the showcase show the Definition-of-Done state of the items they list, as the
mirror keeps it ("3 of 4"; issue 11, point 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from agilemarketing.adapter import ItemRecord
from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.mirror import Mirror, MirrorAdapter
from agilemarketing.sync import apply, plan
from agilemarketing.testing import InMemoryAdapter, sample_histories

CHECKLIST = ("Copy proofread", "Links tested", "Tracking in place", "Legal approved")
STAGES = ["--stages", "To Do,In Progress,Review,Done", "--start", "In Progress"]


@pytest.fixture
def checked_mirror(tmp_path: Path) -> str:
    """A mirror fed from a board whose items tick 3 of 4 criteria (4 of 4 once done)."""
    source = InMemoryAdapter("team")
    source.seed(
        ItemRecord(
            h,
            done_criteria=CHECKLIST if h.status == "Done" else CHECKLIST[:3],
            done_total=len(CHECKLIST),
        )
        for h in sample_histories(40)
    )
    with Mirror(tmp_path / "team.db") as mirror:
        apply(plan(source, MirrorAdapter.of(mirror), mirror))
    return f"mirror:{tmp_path / 'team.db'}"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.usefixtures("quick_charts")
def test_the_report_lists_items_in_progress_with_their_done_state(
    checked_mirror: str, tmp_path: Path
) -> None:
    code, _, stderr = run("report", checked_mirror, *STAGES, "--out", tmp_path / "r")
    assert code == ExitCode.OK, stderr
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "<th>Definition of Done</th>" in page
    assert "<td>3 of 4</td>" in page


@pytest.mark.usefixtures("quick_charts")
def test_a_report_of_a_history_file_has_no_done_column(checked_mirror: str, tmp_path: Path) -> None:
    from agilemarketing.historyio import HistoryTable, write_history
    from agilemarketing.mirror import Mirror

    with Mirror(checked_mirror.removeprefix("mirror:")) as mirror:
        path = tmp_path / "history.jsonl"
        write_history(HistoryTable.from_histories(list(mirror.histories())), path)
    code, _, stderr = run("report", path, *STAGES, "--out", tmp_path / "r")
    assert code == ExitCode.OK, stderr
    assert "Definition of Done" not in (tmp_path / "r" / "report.html").read_text("utf-8")


def test_the_showcase_lists_finished_work_with_its_done_state(checked_mirror: str) -> None:
    code, stdout, stderr = run(
        "showcase", checked_mirror, *STAGES, "--cycle", "Cycle 1", "--dates", "2026-01-05",
        "2026-01-19",
    )  # fmt: skip
    assert code == ExitCode.OK, stderr
    finished = stdout.split("**Finished (customer-ready)**")[1].split("**")[0]
    assert "(DoD 4 of 4)" in finished
