"""Every command that reads an adapter logs the same way for a scheduled job (issue 11, point
10): ``-v`` and ``--log-format json`` on sync, report, forecast and showcase; one JSON object
per line; a failing run still ends with its line; no secret (from an environment variable, or
typed as an option) in any line of stdout or stderr."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner, Result

from agilemarketing.adapter import Adapter, Capabilities, Cursor, ItemRecord, ReadResult
from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.errors import SourceError
from agilemarketing.history import ItemHistory, Transition

TOKEN = "run-log-9f3c/secret+token"
TYPED = "typed-0a7d-secret-value"
_LOG = logging.getLogger("agilemarketing_leaky")


class Leaky(Adapter):
    """Reads its token from the variable its ``token_env`` option names, logs it (as a careless
    adapter would), and reads three items; option ``fail=yes``: the read fails quoting it."""

    name: ClassVar[str] = "leaky"
    capabilities: ClassVar[Capabilities] = Capabilities(read=True)
    known_options: ClassVar[frozenset[str] | None] = frozenset({"token_env", "fail"})

    def __init__(self, location: str = "", options: Mapping[str, object] | None = None) -> None:
        super().__init__(location, options)
        self.token = self.secret(self.option("token_env", "LEAKY_TOKEN"))
        _LOG.info("connected to %s with token=%s\nsecond line", location, self.token)

    def read(self, since: Cursor | None = None) -> ReadResult:
        if self.option("fail", False):
            _LOG.warning("about to fail, token=%s", self.token)
            raise SourceError(f"GET https://api.example/items?token={self.token} refused")
        return ReadResult(self._records(), Cursor("c-1"), complete=True)

    def _records(self) -> Iterator[ItemRecord]:
        start = datetime(2026, 1, 5, 9, tzinfo=UTC)
        for n in range(1, 4):
            created = start + timedelta(days=n)
            moves = (
                Transition(created, None, "To Do"),
                Transition(created + timedelta(days=1), "To Do", "Doing"),
                Transition(created + timedelta(days=3), "Doing", "Done"),
            )
            yield ItemRecord(
                ItemHistory(f"MKT-{n}", f"Item {n}", "Task", "Done", created, transitions=moves)
            )


@pytest.fixture(autouse=True)
def leaky(monkeypatch: pytest.MonkeyPatch) -> None:
    from agilemarketing import plugins

    real = plugins.adapter_for_url

    def adapter_for_url(url: str, options: Mapping[str, object] | None = None) -> Adapter:
        if url.startswith("leaky:"):
            return Leaky.from_url(url, options)
        return real(url, options)

    monkeypatch.setattr(plugins, "adapter_for_url", adapter_for_url)


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(
        main, [str(a) for a in args], env={"LEAKY_TOKEN": TOKEN, "OTHER_TOKEN": TOKEN}
    )


STAGES = ("--stages", "To Do,Doing,Done", "--start", "Doing", "--done", "Done")


def _commands(tmp_path: Path, source: str = "leaky:board") -> dict[str, list[str | Path]]:
    return {
        "sync": ["sync", source, f"mirror:{tmp_path / 'm.db'}"],
        "report": ["report", source, "--out", tmp_path / "out", *STAGES],
        "forecast": ["forecast", source, "--items", "3", *STAGES],
        "showcase": ["showcase", source, *STAGES, "--cycle", "C1", "--dates", "2026-01-05",
                     "2026-01-20"],
    }  # fmt: skip


COMMANDS = ("sync", "report", "forecast", "showcase")


def _json_lines(stderr: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_token_from_an_environment_variable_never_reaches_stdout_stderr_or_a_log_line(
    command: str, fmt: str, tmp_path: Path
) -> None:
    args = _commands(tmp_path)[command]
    result = _run(*args, "-v", "--log-format", fmt, "--source-option", "token_env=OTHER_TOKEN")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert TOKEN not in result.stdout + result.stderr
    assert "token=***" in result.stderr  # the adapter's log message, redacted
    if fmt == "json":
        (run_line,) = [x for x in _json_lines(result.stderr) if "exit_code" in x]
        assert run_line["command"] == command
        assert run_line["exit_code"] == 0


@pytest.mark.parametrize("command", COMMANDS)
def test_a_token_typed_as_a_source_option_is_refused_naming_it_and_never_shown(
    command: str, tmp_path: Path
) -> None:
    args = _commands(tmp_path)[command]
    result = _run(*args, "-v", "--log-format", "json", "--source-option", f"token={TYPED}")
    assert result.exit_code == ExitCode.USAGE
    assert TYPED not in result.stdout + result.stderr
    assert "'token'" in result.stderr
    assert "token_env" in result.stderr  # what to do instead
    (run_line,) = [x for x in _json_lines(result.stderr) if "exit_code" in x]
    assert run_line["exit_code"] == 2


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_source_option_names_it_and_exits_2(command: str, tmp_path: Path) -> None:
    result = _run(*_commands(tmp_path)[command], "--source-option", "tokn_env=X")
    assert result.exit_code == ExitCode.USAGE
    assert "'tokn_env'" in result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_secret_variable_is_named_and_exits_2(command: str, tmp_path: Path) -> None:
    args = _commands(tmp_path)[command]
    result = _run(*args, "--source-option", "token_env=NOT_SET_ANYWHERE")
    assert result.exit_code == ExitCode.USAGE
    assert "NOT_SET_ANYWHERE" in result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_verbose_on_a_failing_run_logs_the_adapters_messages_the_error_and_the_exit_code(
    command: str, tmp_path: Path
) -> None:
    result = _run(*_commands(tmp_path)[command], "-v", "--source-option", "fail=yes")
    assert result.exit_code == ExitCode.USAGE
    assert TOKEN not in result.stdout + result.stderr
    assert "WARNING agilemarketing_leaky: about to fail, token=***" in result.stderr
    assert "Traceback" not in result.stderr
    (run_line,) = [x for x in result.stderr.splitlines() if x.startswith(f"{command}: exit 2 in ")]
    assert "token=***" in run_line  # the error's first line, redacted


@pytest.mark.parametrize("command", COMMANDS)
def test_json_log_lines_are_one_object_per_line_and_stdout_stays_the_json_document(
    command: str, tmp_path: Path
) -> None:
    args = _commands(tmp_path)[command]
    extra = ["--json"] if command in ("sync", "forecast") else []
    result = _run(*args, *extra, "-vv", "--log-format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    if extra:
        json.loads(result.stdout)  # a --json reader trips over nothing
    lines = _json_lines(result.stderr)
    messages = [x for x in lines if "message" in x]
    # The adapter's two-line message is one JSON line; every line starting { parses.
    assert any(x["message"] == "connected to board with token=***\nsecond line" for x in messages)
    assert "second line" not in result.stderr.replace("\\nsecond line", "")
    assert [x["exit_code"] for x in lines if "exit_code" in x] == [0]
    assert lines[-1]["command"] == command


def test_a_failing_sync_logs_its_error_in_the_json_run_line(tmp_path: Path) -> None:
    result = _run(*_commands(tmp_path)["sync"], "--log-format", "json", "--source-option",
                  "fail=yes")  # fmt: skip
    assert result.exit_code == ExitCode.USAGE
    line = json.loads(result.stderr.splitlines()[-1])
    assert line["exit_code"] == 2
    assert "refused" in str(line["error"])
    assert TOKEN not in result.stderr


def test_the_sync_run_line_holds_counts_cursor_and_duration(tmp_path: Path) -> None:
    result = _run(*_commands(tmp_path)["sync"], "--log-format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    line = json.loads(result.stderr.splitlines()[-1])
    assert (line["create"], line["applied"], line["failed"]) == (3, 3, 0)
    assert line["cursor"] == "c-1"
    assert line["source"] == "leaky:board"
    assert isinstance(line["duration_s"], float)
