"""The API reference renders the docstrings' Sphinx roles as cross-references and their doctests
as code (the griffe extension ``mkdocs_ext/sphinx_roles.py`` that ``mkdocs.yml`` names)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _extension() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "sphinx_roles", ROOT / "mkdocs_ext" / "sphinx_roles.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Unresolvable:
    def resolve(self, name: str) -> Any:
        raise KeyError(name)


def test_a_role_becomes_an_optional_cross_reference_shown_as_code() -> None:
    out = _extension().roles_to_references(
        "See :class:`~agilemarketing.flow.FlowLog` and :meth:`FlowLog.build`.", _Unresolvable()
    )
    assert ":class:" not in out
    assert ":meth:" not in out
    assert '<autoref identifier="agilemarketing.flow.FlowLog" optional><code>FlowLog</code>' in out
    assert '<autoref identifier="FlowLog.build" optional><code>FlowLog.build</code>' in out


def test_a_doctest_outside_a_fence_becomes_a_pycon_block() -> None:
    text = "Intro:\n>>> 1 + 1\n2\n\nAfter.\n```python\n>>> kept\n```"
    assert _extension().doctests_to_code(text) == (
        "Intro:\n\n```pycon\n>>> 1 + 1\n2\n```\n\nAfter.\n```python\n>>> kept\n```"
    )


def test_mkdocs_names_the_extension() -> None:
    assert "extensions: [mkdocs_ext/sphinx_roles.py]" in (ROOT / "mkdocs.yml").read_text("utf-8")
