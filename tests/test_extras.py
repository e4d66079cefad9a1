"""The optional extras: pandas and matplotlib are reached through agilemarketing.extras only."""

from __future__ import annotations

import importlib.util
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
