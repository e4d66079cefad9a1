"""The layout rules of docs/architecture.md, checked on every module of the core and the adapters.

The layers themselves are import-linter contracts (``[tool.importlinter]`` in pyproject.toml, run
by ``make lint``); these tests hold the rules import-linter does not state: module and function
size, no reach into another module's private names, and no import cycle of any kind (imports
inside functions and under ``TYPE_CHECKING`` count). Each rule is first shown to catch a planted
violation, so a rule that can no longer fail is noticed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "src", *sorted((ROOT / "adapters").glob("*/src"))]
PACKAGES = ("agilemarketing", "agilemarketing_csv", "agilemarketing_jira", "agilemarketing_trello")

MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 100


def module_name(path: Path, source_root: Path) -> str:
    parts = list(path.relative_to(source_root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every shipped module by dotted name (the adapters' template is not shipped)."""
    found: dict[str, Path] = {}
    for source_root in SOURCES:
        for path in sorted(source_root.rglob("*.py")):
            found[module_name(path, source_root)] = path
    return found


def long_functions(source: str) -> Iterator[tuple[str, int]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                yield node.name, length


def _package_of(name: str, is_package: bool) -> str:
    return name if is_package else name.rpartition(".")[0]


def imports(name: str, source: str, *, is_package: bool = False) -> Iterator[tuple[str, str]]:
    """(module imported from, name imported) for every import of ``source``, anywhere in it;
    a plain ``import x.y`` yields ``("x.y", "")``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ""
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(name, is_package).split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                yield target, alias.name


def private_reach_ins(
    name: str, source: str, known: Mapping[str, object], *, is_package: bool = False
) -> Iterator[str]:
    """Imports of another module's ``_private`` name, or of a ``_private`` module from outside
    the package holding it."""
    own_package = _package_of(name, is_package)
    for target, imported in imports(name, source, is_package=is_package):
        if not target.startswith(PACKAGES):
            continue
        full = f"{target}.{imported}" if imported else target
        private = imported.startswith("_") and not imported.startswith("__")
        if private and full not in known and target != name:
            yield f"{name} imports {target}.{imported}"
        module = full if full in known else target
        parts = module.split(".")
        for depth, part in enumerate(parts):
            if part.startswith("_") and not part.startswith("__"):
                holder = ".".join(parts[:depth])
                if not (own_package == holder or own_package.startswith(holder + ".")):
                    yield f"{name} imports the private module {module}"
                break


def import_graph(sources: Mapping[str, tuple[str, bool]]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, (source, is_package) in sources.items():
        edges: set[str] = set()
        for target, imported in imports(name, source, is_package=is_package):
            full = f"{target}.{imported}" if imported else target
            edge = full if full in sources else target
            if edge in sources and edge != name:
                edges.add(edge)
        graph[name] = edges
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def _packages_graph(sources: Mapping[str, str]) -> dict[str, set[str]]:
    """Edges between modules; a module's parent package ``__init__`` runs before it, so an import
    of ``a.b.c`` counts as an import of ``a.b.c`` only (its package chain is not a cycle)."""
    return import_graph({name: (text, False) for name, text in sources.items()})


# --- The rules, each first caught on a planted violation -----------------------------------------


def test_a_planted_long_function_is_found() -> None:
    body = "\n".join("    x = 1" for _ in range(MAX_FUNCTION_LINES))
    assert list(long_functions(f"def f():\n{body}\n")) == [("f", MAX_FUNCTION_LINES + 1)]


def test_a_planted_private_reach_in_is_found() -> None:
    known = {"agilemarketing.sync.plan": None, "agilemarketing.metrics": None}
    source = "def f():\n    from agilemarketing.sync.plan import _helper\n"
    assert list(private_reach_ins("agilemarketing.metrics", source, known)) == [
        "agilemarketing.metrics imports agilemarketing.sync.plan._helper"
    ]
    assert list(private_reach_ins("agilemarketing_csv.adapter", "import agilemarketing._x", {}))


def test_a_private_module_may_be_used_inside_its_own_package() -> None:
    known = {"agilemarketing.report._css": None}
    source = "from agilemarketing.report._css import STYLE\n"
    assert not list(private_reach_ins("agilemarketing.report.page", source, known))
    assert list(private_reach_ins("agilemarketing.cli.report", source, known))


def test_a_planted_cycle_is_found_even_inside_a_function() -> None:
    sources = {
        "agilemarketing.a": "from agilemarketing.b import x\n",
        "agilemarketing.b": "def f():\n    from agilemarketing.a import y\n",
        "agilemarketing.c": "import agilemarketing.a\n",
    }
    assert cycles(_packages_graph(sources)) == [["agilemarketing.a", "agilemarketing.b"]]


# --- The code base holds them --------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> dict[str, Path]:
    found = modules()
    assert "agilemarketing.metrics" in found
    assert "agilemarketing_csv.adapter" in found
    return found


def test_no_module_is_longer_than_800_lines(shipped: dict[str, Path]) -> None:
    lengths = {name: path.read_text().count("\n") for name, path in shipped.items()}
    assert {name: n for name, n in lengths.items() if n > MAX_MODULE_LINES} == {}


def test_no_function_is_longer_than_100_lines(shipped: dict[str, Path]) -> None:
    too_long = {
        f"{name}.{function}": length
        for name, path in shipped.items()
        for function, length in long_functions(path.read_text())
    }
    assert too_long == {}


def test_no_module_reaches_into_another_modules_private_names(shipped: dict[str, Path]) -> None:
    reach_ins = [
        problem
        for name, path in shipped.items()
        for problem in private_reach_ins(
            name, path.read_text(), shipped, is_package=path.name == "__init__.py"
        )
    ]
    assert reach_ins == []


def test_no_import_cycle_of_any_kind(shipped: dict[str, Path]) -> None:
    graph = import_graph(
        {name: (path.read_text(), path.name == "__init__.py") for name, path in shipped.items()}
    )
    # A package's __init__ re-exporting its submodules is not a cycle with them.
    for name in graph:
        graph[name] = {edge for edge in graph[name] if not name.startswith(edge + ".")}
    assert cycles(graph) == []
