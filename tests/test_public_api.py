"""The top-level API: an ``__all__`` of names that exist, typed, with no heavy imports."""

from __future__ import annotations

import subprocess
import sys

import agilemarketing


def test_all_has_no_duplicates_and_every_name_resolves() -> None:
    # the order itself is kept sorted by ruff (RUF022, isort-style) in `make lint`
    assert len(set(agilemarketing.__all__)) == len(agilemarketing.__all__)
    for name in agilemarketing.__all__:
        assert getattr(agilemarketing, name) is not None, name


def test_plugin_marker_is_exported_for_plugin_authors() -> None:
    assert "hookimpl" in agilemarketing.__all__


def test_every_public_class_and_function_is_documented() -> None:
    undocumented = [
        name
        for name in agilemarketing.__all__
        if callable(getattr(agilemarketing, name)) and not getattr(agilemarketing, name).__doc__
    ]
    assert undocumented == []


def test_importing_the_core_does_not_pull_in_the_optional_extras() -> None:
    code = (
        "import sys, agilemarketing; "
        "print(','.join(m for m in ('pandas', 'matplotlib', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
