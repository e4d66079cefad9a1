"""The adapter base class: options, secrets, URLs, refusing writes; the adapter template."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from agilemarketing.adapter import Adapter, Cursor, MoveStatus, ReadResult, Rerank
from agilemarketing.errors import (
    AdapterUrlError,
    InvalidValue,
    MissingSecret,
    NotFound,
    UnsupportedChange,
)

ROOT = Path(__file__).resolve().parents[2]


class TokenAdapter(Adapter):
    """A read-only adapter that needs a token."""

    name: ClassVar[str] = "token-test"

    def __init__(self, location: str = "", options: dict[str, object] | None = None) -> None:
        super().__init__(location, options)
        self.closed = False

    def read(self, since: Cursor | None = None) -> ReadResult:
        token = self.secret(self.option("token_env", "TOKEN_TEST_TOKEN"))
        raise NotFound("board", f"{self.location}?token={token}", where=self.redact(self.url))

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize("option", ["token", "password", "api_key", "client_secret"])
def test_secret_values_are_refused_as_options(option: str) -> None:
    with pytest.raises(InvalidValue, match=f"{option}_env") as caught:
        TokenAdapter("x", {option: "hunter2"})
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    ("options", "env_option"),
    [
        ({"api-key": "hunter2"}, "api-key_env"),
        ({"pat": "hunter2"}, "pat_env"),
        ({"http": {"headers": {"Authorization": "Basic hunter2"}}}, "Authorization_env"),
        ({"auth": {"user": "me", "password": "hunter2"}}, "auth_env"),
        ({"base_url": "https://me:hunter2@host/"}, "the URL.*_env option"),
    ],
)
def test_secret_options_are_refused_at_any_depth_and_in_urls(
    options: dict[str, object], env_option: str
) -> None:
    with pytest.raises(InvalidValue, match=env_option) as caught:
        TokenAdapter("x", options)
    assert "hunter2" not in str(caught.value)


def test_ordinary_options_are_kept() -> None:
    adapter = TokenAdapter("x", {"path": "a.csv", "pattern": "*", "author": "me", "token_env": "T"})
    assert adapter.option("author", "") == "me"


def test_a_secret_comes_from_the_environment_and_never_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    adapter = TokenAdapter("board-7", {"token_env": "MY_TOKEN"})
    monkeypatch.delenv("MY_TOKEN", raising=False)
    with pytest.raises(MissingSecret, match="MY_TOKEN") as caught:
        adapter.read()
    assert caught.value.variable == "MY_TOKEN"
    monkeypatch.setenv("MY_TOKEN", "s3cr3t-value")
    with pytest.raises(NotFound):
        adapter.read()
    assert adapter.secret("MY_TOKEN") == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(adapter)
    assert adapter.redact("GET ?token=s3cr3t-value") == "GET ?token=***"


def test_options_convert_to_the_type_of_their_default() -> None:
    adapter = TokenAdapter("x", {"page": "50", "strict": "no", "ratio": "0.5", "n": 3})
    assert adapter.option("page", 10) == 50
    assert adapter.option("strict", True) is False
    assert adapter.option("ratio", 1.0) == 0.5
    assert adapter.option("n", 1) == 3
    assert adapter.option("absent", "default") == "default"
    with pytest.raises(InvalidValue, match="'page'"):
        TokenAdapter("x", {"page": "many"}).option("page", 10)
    with pytest.raises(InvalidValue, match="'strict'"):
        TokenAdapter("x", {"strict": "perhaps"}).option("strict", False)


def test_options_are_a_read_only_copy() -> None:
    given_options: dict[str, object] = {"page": "5"}
    adapter = TokenAdapter("x", given_options)
    given_options["page"] = "6"
    assert adapter.options["page"] == "5"
    with pytest.raises(TypeError):
        adapter.options["page"] = "7"  # type: ignore[index]


def test_from_url_checks_the_adapter_name() -> None:
    assert TokenAdapter.from_url("token-test:board").location == "board"
    with pytest.raises(AdapterUrlError, match="not a 'token-test' adapter URL"):
        TokenAdapter.from_url("csv:board.csv")


def test_the_base_class_refuses_every_write_up_front() -> None:
    adapter = TokenAdapter("x")
    with pytest.raises(UnsupportedChange, match="token-test") as caught:
        adapter.write([MoveStatus("A-1", "Done")])
    assert caught.value.operation == "writing"
    with pytest.raises(UnsupportedChange, match="re-ranking"):
        adapter.apply(Rerank("A-1", before="A-2"))


def test_only_the_four_change_types_are_accepted() -> None:
    from agilemarketing.adapter import Change
    from agilemarketing.testing import InMemoryAdapter

    with pytest.raises(InvalidValue, match="Change is not a change this library defines"):
        InMemoryAdapter().apply(Change("MKT-1"))  # type: ignore[arg-type]


def test_an_adapter_is_a_context_manager_that_closes() -> None:
    with TokenAdapter("x") as adapter:
        assert not adapter.closed
    assert adapter.closed


def test_the_adapter_template_passes_its_own_tests_once_copied(tmp_path: Path) -> None:
    copy = tmp_path / "agilemarketing-mytool"
    shutil.copytree(ROOT / "adapters" / "_template", copy)
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert " passed" in completed.stdout
