"""``agilemarketing example board DIR``: the bundled example board, written where a user starts."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.example import EXAMPLE_FILES, example_board_files, write_example_board
from agilemarketing.flow import FlowLog
from agilemarketing.workflow import Workflow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "board"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_example_board_writes_the_bundled_files_and_prints_the_next_commands(
    tmp_path: Path,
) -> None:
    out = tmp_path / "board"
    code, stdout, _ = run("example", "board", out)
    assert code == ExitCode.OK
    for name in EXAMPLE_FILES:
        assert (out / name).read_bytes() == (EXAMPLE / name).read_bytes()
    assert f"agilemarketing report {out / 'history.jsonl'} --workflow" in stdout


def test_the_written_example_board_loads_as_a_flow_log(tmp_path: Path) -> None:
    history, workflow = write_example_board(tmp_path)
    log = FlowLog.build(history, Workflow.from_toml(workflow))
    assert len(log) > 100


def test_example_board_refuses_to_overwrite_the_files_without_force(tmp_path: Path) -> None:
    (tmp_path / "history.jsonl").write_text("mine\n", encoding="utf-8")
    code, _, stderr = run("example", "board", tmp_path)
    assert code == ExitCode.USAGE
    assert "already holds history.jsonl" in stderr
    assert "--force" in stderr
    assert (tmp_path / "history.jsonl").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "workflow.toml").exists()

    code, _, _ = run("example", "board", tmp_path, "--force")
    assert code == ExitCode.OK
    assert (tmp_path / "history.jsonl").read_bytes() == (EXAMPLE / "history.jsonl").read_bytes()


def test_example_board_refuses_a_file_as_the_directory(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    code, _, stderr = run("example", "board", target)
    assert code == ExitCode.USAGE
    assert "not a directory" in stderr
    assert "Traceback" not in stderr


def test_the_example_board_files_are_the_repository_example(tmp_path: Path) -> None:
    assert [f.read_bytes() for f in example_board_files()] == [
        (EXAMPLE / name).read_bytes() for name in EXAMPLE_FILES
    ]
