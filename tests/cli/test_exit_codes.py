"""One table of exit codes for every command; the old names still read from it."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from agilemarketing import sync
from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode, command_error, fail
from agilemarketing.cli.report import ReportExit


def test_every_number_has_one_name() -> None:
    assert len({int(code) for code in ExitCode}) == len(ExitCode.__members__)


def test_the_sync_engine_uses_the_same_numbers() -> None:
    for code in sync.ExitCode:
        assert ExitCode[code.name] == code, code


def test_the_report_commands_old_names_read_from_the_table() -> None:
    assert ReportExit.OK == ExitCode.OK
    assert ReportExit.USAGE == ExitCode.USAGE
    assert ReportExit.OUTPUT == ExitCode.ERROR
    assert ReportExit.NO_FORECAST == ExitCode.NO_FORECAST == 5


def test_fail_prints_the_error_and_exits_with_its_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        fail("disk full", ExitCode.ERROR)
    assert stopped.value.code == 4
    assert capsys.readouterr().err == "error: disk full\n"


def test_a_command_error_carries_its_exit_code() -> None:
    error = command_error("no such cycle")
    assert isinstance(error, click.ClickException)
    assert error.exit_code == ExitCode.USAGE
    assert command_error("does not fit", ExitCode.CONFLICTS).exit_code == 1


@pytest.mark.parametrize("command", ["report", "forecast", "sync", "showcase", "blueprint"])
def test_a_usage_error_exits_2_in_every_command(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--no-such-option"])
    assert result.exit_code == ExitCode.USAGE
