"""Issue 10, secrets: a secret an adapter holds never reaches what the engine writes or prints."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import pytest
from click.testing import Result

from agilemarketing.adapter import Adapter, Capabilities, Cursor, ItemRecord, ReadResult
from agilemarketing.errors import redact
from agilemarketing.history import ItemHistory

SECRET = "tok/5f3a+9c=very:secret"


class LeakyBoard(Adapter):
    """A source whose records carry its own token (a webhook URL in a field, a signed link)."""

    name: ClassVar[str] = "leaky"
    capabilities: ClassVar[Capabilities] = Capabilities()

    def read(self, since: Cursor | None = None) -> ReadResult:
        token = self.secret("LEAKY_TOKEN")
        basic = base64.b64encode(f"bot:{token}".encode()).decode()
        history = ItemHistory(
            "L-1",
            summary=f"Signed link https://cdn.example/x?sig={quote(token, safe='')}",
            status="To Do",
            labels=(f"auth-{token}",),
        )
        record = ItemRecord(history, fields={"webhook": f"token={token}", "auth": f"Basic {basic}"})
        return ReadResult(iter([record]), Cursor("0"), complete=True)


@pytest.fixture
def leaky(monkeypatch: pytest.MonkeyPatch) -> None:
    from agilemarketing import plugins

    real = plugins.adapter_for_url

    def adapter_for_url(url: str, options: Mapping[str, object] | None = None) -> Adapter:
        if url.startswith("leaky:"):
            return LeakyBoard.from_url(url, options)
        return real(url, options)

    monkeypatch.setattr(plugins, "adapter_for_url", adapter_for_url)


def forms(secret: str) -> list[str]:
    return [
        secret,
        quote(secret, safe=""),
        quote(secret),
        base64.b64encode(f"bot:{secret}".encode()).decode(),
    ]


def every_byte_written(root: Path) -> bytes:
    out = b""
    for path in root.rglob("*"):
        if path.is_file():
            out += path.read_bytes()
            if path.suffix == ".db":
                with sqlite3.connect(path) as db:
                    out += (
                        db.execute("SELECT group_concat(sql) FROM sqlite_master")
                        .fetchone()[0]
                        .encode()
                    )
                    out += json.dumps([*db.iterdump()]).encode()
    return out


@pytest.mark.usefixtures("leaky")
def test_a_secret_inside_records_reaches_no_mirror_journal_output_or_export(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    env = {"LEAKY_TOKEN": SECRET}
    first = cli("sync", "--json", "leaky:team", "mirror:m.db", env=env)
    assert first.exit_code == 0, first.output
    second = cli("sync", "mirror:m.db", "csv:out.csv", env=env)
    assert second.exit_code == 0, second.output
    written = every_byte_written(tmp_path)
    for form in forms(SECRET):
        assert form not in first.output + second.output
        assert form.encode() not in written, form


@pytest.mark.parametrize("form", forms(SECRET))
def test_redaction_covers_the_usual_encodings(form: str) -> None:
    assert form not in redact(f"GET /items?x={form} failed", SECRET)
    assert "***" in redact(f"GET /items?x={form} failed", SECRET)


def test_credentials_in_an_adapter_url_are_refused_without_echoing_them(
    cli: Callable[..., Result], no_traceback: Callable[..., Any]
) -> None:
    result = cli("sync", "csv:https://bob:TOKEN123@host/x.csv", "mirror:m.db")
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "TOKEN123" not in result.output
    assert not Path("m.db").exists() or b"TOKEN123" not in Path("m.db").read_bytes()


@pytest.mark.parametrize(
    "table",
    [
        '[source]\napi-key = "SECRETVAL"\n',
        '[source]\naccess_key = "SECRETVAL"\n',
        '[source]\nprivate_key = "SECRETVAL"\n',
        '[source]\nauth = "SECRETVAL"\n',
        '[source]\nauthorization = "SECRETVAL"\n',
        '[source]\nbearer = "SECRETVAL"\n',
        '[source]\npat = "SECRETVAL"\n',
        '[source.auth]\ntoken = "SECRETVAL"\n',
        '[target]\n[target.credentials]\nvalue = "SECRETVAL"\n',
    ],
)
def test_every_secret_looking_option_is_refused_without_echoing_the_value(
    cli: Callable[..., Result], tmp_path: Path, table: str, no_traceback: Callable[..., Any]
) -> None:
    (tmp_path / "e1.csv").write_text("Summary,Issue key,Status\r\nA,MKT-1,To Do\r\n")
    (tmp_path / "c.toml").write_text(table)
    result = cli("sync", "--config", "c.toml", "jira-csv:e1.csv", "mirror:m.db")
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "SECRETVAL" not in result.output
    assert "_env" in result.output
