"""A scheduled sync is easy to run and to watch (issue 11, point 10): every problem of a bad
input, in text and JSON; one log line per run on stderr; adapter options on the command line;
user errors that name the option or variable and exit 2."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode

BAD_ROWS = "Issue key,Summary,Status,Created,Story Points\n" + "".join(
    f"MKT-{n},Item {n},To Do,2026-02-30,lots\n" for n in range(1, 16)
)


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def bad_csv(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(BAD_ROWS, encoding="utf-8")
    return path


@pytest.fixture
def board_file(tmp_path: Path) -> str:
    path = tmp_path / "board.csv"
    rows = "".join(f"MKT-{n},Item {n},To Do\n" for n in range(3))
    path.write_text("Issue key,Summary,Status\n" + rows, encoding="utf-8")
    return f"csv:{path}"


def test_every_problem_of_a_bad_csv_is_printed_capped_with_and_n_more(
    bad_csv: Path, tmp_path: Path
) -> None:
    code, stdout, stderr = run("sync", f"csv:{bad_csv}", f"mirror:{tmp_path / 'm.db'}")
    assert code == ExitCode.USAGE
    assert stdout == ""
    lines = stderr.splitlines()
    assert "bad rows: 30 problems" in lines[0]
    assert "sub-exceptions" not in stderr
    problems = [line for line in lines if line.startswith("  - ")]
    assert len(problems) == 20
    assert "row 2, column 'Created'" in stderr
    assert "'2026-02-30'" in stderr
    assert "Fix:" in problems[0]
    assert lines[-1] == "  ... and 10 more"


def test_with_json_the_problems_are_a_document_on_stdout(bad_csv: Path, tmp_path: Path) -> None:
    code, stdout, _ = run("sync", f"csv:{bad_csv}", f"mirror:{tmp_path / 'm.db'}", "--json")
    assert code == ExitCode.USAGE
    error = json.loads(stdout)["error"]
    assert error["type"] == "InvalidInputGroup"
    assert error["exit_code"] == 2
    assert error["more"] == 10
    first = error["problems"][0]
    assert {"file", "row", "column", "value", "fix"} <= set(first)
    assert first["row"] == 2


def test_json_logging_ends_a_run_with_one_line_on_stderr_and_keeps_stdout_json(
    board_file: str, tmp_path: Path
) -> None:
    code, stdout, stderr = run(
        "sync", board_file, f"mirror:{tmp_path / 'm.db'}", "--json", "--log-format", "json"
    )
    assert code == ExitCode.OK, stderr
    json.loads(stdout)  # a --json reader trips over nothing
    (line,) = [json.loads(x) for x in stderr.splitlines() if x.startswith("{")]
    assert line["command"] == "sync"
    assert line["exit_code"] == 0
    assert line["create"] == 3
    assert line["applied"] == 3
    assert isinstance(line["duration_s"], float)
    assert line["cursor"]


def test_a_failing_run_still_logs_its_exit_code(bad_csv: Path, tmp_path: Path) -> None:
    code, _, stderr = run(
        "sync", f"csv:{bad_csv}", f"mirror:{tmp_path / 'm.db'}", "--log-format", "json"
    )
    assert code == ExitCode.USAGE
    last = json.loads(stderr.splitlines()[-1])
    assert last["exit_code"] == 2


def test_verbose_logs_the_librarys_messages_redacted_on_stderr(
    board_file: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agilemarketing.sync import planning

    real = planning.plan

    def noisy(*args: object, **kwargs: object) -> object:
        logging.getLogger("agilemarketing.sync").info("planning now")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("agilemarketing.cli.sync.plan", noisy)
    code, stdout, stderr = run("sync", board_file, f"mirror:{tmp_path / 'm.db'}", "-v")
    assert code == ExitCode.OK
    assert "INFO agilemarketing.sync: planning now" in stderr
    assert "planning now" not in stdout
    assert stderr.splitlines()[-1].startswith("sync: exit 0 in ")


def test_options_on_the_command_line_reach_the_adapter(tmp_path: Path) -> None:
    code, _, stderr = run(
        "sync", "memory:a", f"mirror:{tmp_path / 'm.db'}", "--source-option", "page_size=5"
    )
    assert code == ExitCode.OK, stderr


@pytest.mark.parametrize(
    ("flag", "value", "named"),
    [
        ("--source-option", "pagesize=5", "'pagesize'"),
        ("--source-option", "page_size=many", "'page_size'"),
        ("--target-option", "kreate=no", "'kreate'"),
        ("--source-option", "api_token=tok-123", "api_token"),
    ],
)
def test_a_bad_option_names_the_option_and_exits_2(
    flag: str, value: str, named: str, tmp_path: Path
) -> None:
    code, _, stderr = run("sync", "memory:a", f"mirror:{tmp_path / 'm.db'}", flag, value)
    assert code == ExitCode.USAGE
    assert named in stderr
    assert "tok-123" not in stderr


def test_an_option_without_a_value_is_a_usage_error(tmp_path: Path) -> None:
    code, _, stderr = run(
        "sync", "memory:a", f"mirror:{tmp_path / 'm.db'}", "--source-option", "tok-123"
    )
    assert code == ExitCode.USAGE
    assert "KEY=VALUE" in stderr
    assert "tok-123" not in stderr


def test_a_command_line_option_wins_over_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "sync.toml"
    config.write_text('[source]\npage_size = "oops"\n', encoding="utf-8")
    code, _, stderr = run(
        "sync", "memory:a", f"mirror:{tmp_path / 'm.db'}", "--config", config,
        "--source-option", "page_size=2",
    )  # fmt: skip
    assert code == ExitCode.OK, stderr


@pytest.mark.parametrize(
    ("url", "named"),
    [("nosuch:thing", "nosuch"), ("mirror:", "mirror:"), ("csv:https://u:pw@host/x.csv", "***")],
)
def test_a_bad_url_names_it_and_exits_2(url: str, named: str, tmp_path: Path) -> None:
    code, _, stderr = run("sync", url, f"mirror:{tmp_path / 'm.db'}")
    assert code == ExitCode.USAGE
    assert named in stderr
    assert "pw@" not in stderr
