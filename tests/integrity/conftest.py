"""Builders for the sync-integrity specifications: Jira exports and history files on disk."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from agilemarketing.cli import main

JIRA_HEADER = "Summary,Issue key,Issue id,Issue Type,Status,Created,Resolved,Sprint"


def _jira_row(
    key: str,
    summary: str = "",
    status: str = "To Do",
    created: str = "05/Nov/25 5:16 PM",
    resolved: str = "",
    sprint: str = "",
) -> str:
    number = key.rsplit("-", 1)[-1]
    return f"{summary or key},{key},{number},Email,{status},{created},{resolved},{sprint}"


@pytest.fixture
def jira_export(tmp_path: Path) -> Callable[..., Path]:
    """Write a Jira CSV export (CRLF, as Jira writes it) and return its path."""

    def write(name: str, *rows: str) -> Path:
        path = tmp_path / name
        path.write_bytes(("\r\n".join([JIRA_HEADER, *rows]) + "\r\n").encode())
        return path

    return write


def history_line(key: str, **fields: object) -> str:
    record: dict[str, object] = {"key": key, "status": "To Do"}
    record.update(fields)
    return json.dumps(record)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run ``agilemarketing ARGS`` in ``tmp_path``; never lets an exception escape unseen."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str, env: Mapping[str, str] | None = None) -> Result:
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=True)

    return run


def _no_traceback(result: Result) -> None:
    """A user never sees a Python traceback or a bare built-in exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


def lines(result: Result) -> Sequence[str]:
    return result.output.splitlines()


@pytest.fixture
def jira_row() -> Callable[..., str]:
    """One Jira export row: ``jira_row(key, summary, status, created, resolved, sprint)``."""
    return _jira_row


@pytest.fixture
def no_traceback() -> Callable[[Result], None]:
    """Assert a CLI result shows no traceback and no bare built-in exception."""
    return _no_traceback
