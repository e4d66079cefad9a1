"""No command prints a secret an adapter read, even when the adapter fails while it is built
(before the command holds it) or while it is read by the report."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner, Result

from agilemarketing.adapter import Adapter, Cursor, ReadResult
from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.errors import SourceError

TOKEN = "cli-7e1a/secret+token"


class Connecting(Adapter):
    """Reads its token and connects when it is built; the connection fails quoting the token."""

    name: ClassVar[str] = "connecting"

    def __init__(self, location: str = "", options: Mapping[str, object] | None = None) -> None:
        super().__init__(location, options)
        token = self.secret("CONNECTING_TOKEN")
        raise SourceError(f"GET https://api.example/login?token={token} refused")

    def read(self, since: Cursor | None = None) -> ReadResult:
        raise NotImplementedError


@pytest.fixture
def connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    from agilemarketing import plugins

    real = plugins.adapter_for_url

    def adapter_for_url(url: str, options: Mapping[str, object] | None = None) -> Adapter:
        if url.startswith("connecting:"):
            return Connecting.from_url(url, options)
        return real(url, options)

    monkeypatch.setattr(plugins, "adapter_for_url", adapter_for_url)


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"CONNECTING_TOKEN": TOKEN})


@pytest.mark.usefixtures("connecting")
def test_sync_hides_a_token_from_an_adapter_failing_as_it_is_built(tmp_path: Path) -> None:
    result = _run("sync", "connecting:board", f"mirror:{tmp_path / 'm.db'}")
    assert result.exit_code == ExitCode.USAGE
    assert TOKEN not in result.output + result.stderr
    assert "token=***" in result.stderr


@pytest.mark.usefixtures("connecting")
def test_report_hides_a_token_from_an_adapter_failing_as_it_is_built(tmp_path: Path) -> None:
    result = _run("report", "connecting:board", "--out", str(tmp_path / "out"))
    assert result.exit_code == ExitCode.USAGE
    assert TOKEN not in result.output + result.stderr
    assert "token=***" in result.stderr
