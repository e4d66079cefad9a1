"""The optional extras: pandas and matplotlib are reached through agilemarketing.extras only."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from agilemarketing import extras
from agilemarketing.errors import MissingExtraError
from agilemarketing.flow import FlowLog
from agilemarketing.metrics import cycle_times


def test_without_pandas_to_pandas_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.util.find_spec

    def no_pandas(name: str, *args: Any) -> Any:
        return None if name == "pandas" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", no_pandas)
    with pytest.raises(MissingExtraError, match="to_pandas") as caught:
        cycle_times(FlowLog.example()).to_pandas()
    assert caught.value.extra == "pandas"
    assert "agilemarketing[pandas]" in str(caught.value)


def test_pyplot_is_matplotlib_on_a_non_interactive_backend() -> None:
    import matplotlib

    plt = extras.pyplot()
    assert plt.__name__ == "matplotlib.pyplot"
    assert matplotlib.get_backend().lower() in {"agg", "pdf", "svg", "module://matplotlib_inline"}


def test_pyplot_keeps_the_notebook_inline_backend() -> None:
    """Jupyter's real backend is module://matplotlib_inline.backend_inline: switching it to Agg
    would make plot() draw nothing in a notebook."""
    import matplotlib

    before = matplotlib.get_backend()
    try:
        matplotlib.use("module://matplotlib_inline.backend_inline")
        extras.pyplot()
        assert matplotlib.get_backend() == "module://matplotlib_inline.backend_inline"
    finally:
        matplotlib.use(before)


def test_pyplot_keeps_a_backend_the_user_chose() -> None:
    import matplotlib

    before = matplotlib.get_backend()
    try:
        matplotlib.use("svg")
        extras.pyplot()
        assert matplotlib.get_backend().lower() == "svg"
    finally:
        matplotlib.use(before)


def _without(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    real = importlib.util.find_spec

    def missing(name: str, *args: Any) -> Any:
        return None if name in modules else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", missing)


@pytest.mark.parametrize("missing", [("pandas",), ("matplotlib",), ("pandas", "matplotlib")])
def test_the_report_command_without_an_extra_names_the_report_extra_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, missing: tuple[str, ...]
) -> None:
    """`pip install agilemarketing[charts]` alone used to crash with ModuleNotFoundError: pandas
    after the metrics ran; now the command stops first and says what to install."""
    from click.testing import CliRunner

    from agilemarketing.cli import main
    from agilemarketing.cli.exit_codes import ExitCode
    from agilemarketing.example import write_example_board

    history, workflow = write_example_board(tmp_path / "board")
    _without(monkeypatch, *missing)
    result = CliRunner().invoke(
        main, ["report", str(history), "--workflow", str(workflow), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == ExitCode.USAGE
    assert "pip install 'agilemarketing[report]'" in result.stderr
    assert not (tmp_path / "r").exists()


def test_require_report_passes_with_pandas_and_matplotlib() -> None:
    extras.require_report()
