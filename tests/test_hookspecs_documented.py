"""Meta-tests: every hook is documented with its exact signature, and exercised by a test.

After datasette's test of the same name: a hook added to :mod:`agilemarketing.hookspecs`
without documentation in docs/plugins.md, or without a test implementing it, fails here.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agilemarketing import hookspecs

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
TESTS = {
    str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
    for path in (ROOT / "tests").rglob("test_*.py")
    if path != Path(__file__).resolve()
}


def _hookspecs() -> list[tuple[str, Callable[..., Any]]]:
    marker = f"{hookspecs.PROJECT_NAME}_spec"
    return [
        (name, function)
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, marker)
    ]


HOOKS = _hookspecs()


def test_there_are_hooks_to_check() -> None:
    assert {name for name, _ in HOOKS} >= {
        "register_adapters",
        "register_prioritisers",
        "register_metrics",
    }


@pytest.mark.parametrize(("name", "function"), HOOKS, ids=[name for name, _ in HOOKS])
def test_every_hook_is_documented_with_its_exact_signature(
    name: str, function: Callable[..., Any]
) -> None:
    assert re.search(rf"^### {name}$", DOC, re.M), f"docs/plugins.md has no '### {name}' heading"
    # annotations are strings (PEP 563), shown unquoted as a reader writes them
    signature = f"{name}{inspect.signature(function)}".replace("'", "")
    assert f"`{signature}`" in DOC, f"docs/plugins.md does not show `{signature}`"


@pytest.mark.parametrize(("name", "function"), HOOKS, ids=[name for name, _ in HOOKS])
def test_every_hook_has_a_docstring_and_a_return_type(
    name: str, function: Callable[..., Any]
) -> None:
    assert inspect.getdoc(function), f"hookspec {name} has no docstring"
    assert inspect.signature(function).return_annotation is not inspect.Signature.empty


@pytest.mark.parametrize(("name", "function"), HOOKS, ids=[name for name, _ in HOOKS])
def test_every_hook_is_implemented_by_a_test(name: str, function: Callable[..., Any]) -> None:
    implementing = [file for file, text in TESTS.items() if re.search(rf"def {name}\(", text)]
    assert implementing, f"no test implements the {name} hook"


def test_the_doc_documents_no_hook_that_does_not_exist() -> None:
    documented = set(re.findall(r"^### (register_\w+)$", DOC, re.M))
    assert documented == {name for name, _ in HOOKS}
