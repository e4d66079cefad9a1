"""Errors: one home per area, every public error in its module's ``__all__``, one base class.

The walk covers every module of ``agilemarketing`` and of the CSV adapter distribution, so a new
error that is not exported (or not an :class:`AgileMarketingError`) fails here.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import agilemarketing_csv
import agilemarketing_csv.errors
import pytest

import agilemarketing
import agilemarketing.errors
from agilemarketing.errors import (
    AgileMarketingError,
    InvalidInputGroup,
    InvalidValue,
    SourceError,
)

NOT_ONE_ERROR = {InvalidInputGroup}  # an ExceptionGroup holding AgileMarketingErrors
MOVED = ("CsvError", "CsvFileError", "CsvRowError")


def modules(package: ModuleType) -> Iterator[ModuleType]:
    """The package and every module below it, imported."""
    yield package
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        yield importlib.import_module(info.name)


ALL_MODULES = [*modules(agilemarketing), *modules(agilemarketing_csv)]


def defined_errors(module: ModuleType) -> dict[str, type[BaseException]]:
    """Exception classes written as a top-level ``class`` statement in the module's own file.

    Read from the source, so a class counts where it is written (the core errors report
    ``agilemarketing.errors`` as their ``__module__`` wherever they live).
    """
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    found: dict[str, type[BaseException]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            value = getattr(module, node.name, None)
            if isinstance(value, type) and issubclass(value, BaseException):
                found[node.name] = value
    return found


def unlisted(module: ModuleType) -> list[str]:
    """Public errors the module defines but leaves out of its ``__all__``."""
    listed = set(getattr(module, "__all__", ()))
    return [
        f"{module.__name__}.{name}"
        for name in defined_errors(module)
        if not name.startswith("_") and name not in listed
    ]


def test_the_walk_sees_every_area() -> None:
    names = {m.__name__ for m in ALL_MODULES}
    assert {
        "agilemarketing.errors.base",
        "agilemarketing.errors.model",
        "agilemarketing.errors.planning",
        "agilemarketing.errors.history",
        "agilemarketing.errors.adapter",
        "agilemarketing.errors.sync",
        "agilemarketing.errors.report",
        "agilemarketing.cli.report",
        "agilemarketing_csv.errors",
    } <= names


def test_every_public_error_is_listed_in_its_modules_all() -> None:
    assert [name for module in ALL_MODULES for name in unlisted(module)] == []


def test_the_check_catches_an_error_left_out_of_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted = tmp_path / "planted_errors.py"
    planted.write_text(
        "from agilemarketing.errors import AgileMarketingError\n"
        '__all__ = ["Listed"]\n'
        "class Listed(AgileMarketingError): pass\n"
        "class Forgotten(AgileMarketingError): pass\n"
        "class _Private(Exception): pass\n",
        encoding="utf-8",
    )
    spec = importlib.util.spec_from_file_location("planted_errors", planted)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "planted_errors", module)
    spec.loader.exec_module(module)
    assert unlisted(module) == ["planted_errors.Forgotten"]


def test_every_public_error_is_an_agilemarketing_error() -> None:
    strays = [
        f"{module.__name__}.{name}"
        for module in ALL_MODULES
        for name, cls in defined_errors(module).items()
        if not name.startswith("_")
        and cls not in NOT_ONE_ERROR
        and not issubclass(cls, Warning)  # a warning is shown, never raised to the user
        and not issubclass(cls, AgileMarketingError)
    ]
    assert strays == []


def test_every_core_error_is_importable_from_agilemarketing_errors() -> None:
    areas = [m for m in ALL_MODULES if m.__name__.startswith("agilemarketing.errors.")]
    for module in areas:
        for name, cls in defined_errors(module).items():
            assert name in agilemarketing.errors.__all__, name
            assert getattr(agilemarketing.errors, name) is cls
            assert cls.__module__ == "agilemarketing.errors"  # as tracebacks show it


def test_errors_are_defined_in_the_errors_package_only() -> None:
    elsewhere = [
        f"{module.__name__}.{name}"
        for module in ALL_MODULES
        if module.__name__.startswith("agilemarketing")
        and not module.__name__.startswith(("agilemarketing.errors", "agilemarketing_csv.errors"))
        for name in defined_errors(module)
        if not name.startswith("_")
    ]
    assert elsewhere == []


def test_a_source_error_names_file_row_and_column() -> None:
    error = SourceError(
        "not a date", file="export.csv", row=12, column="Sprint", fix="write 2026-03-02"
    )
    assert (
        str(error) == "file export.csv, row 12, column 'Sprint': not a date. Fix: write 2026-03-02."
    )
    assert (error.file, error.row, error.column) == ("export.csv", 12, "Sprint")
    assert str(SourceError("the server said 500")) == "the server said 500"


def test_the_csv_errors_belong_to_the_csv_distribution() -> None:
    from agilemarketing_csv import CsvError, CsvFileError, CsvRowError

    assert issubclass(CsvError, SourceError)
    assert issubclass(CsvFileError, CsvError)
    assert issubclass(CsvRowError, CsvError)
    assert issubclass(CsvRowError, InvalidValue)
    assert CsvError.__module__ == "agilemarketing_csv.errors"
    assert set(MOVED) <= set(agilemarketing_csv.__all__)
    error = CsvRowError("not a number", file="b.csv", row=3, column="Points", value="x")
    assert str(error) == "file b.csv, row 3, column 'Points': not a number (got 'x')"
    assert (error.file, error.row, error.column, error.value) == ("b.csv", 3, "Points", "x")


@pytest.mark.parametrize("name", MOVED)
def test_the_moved_csv_errors_still_import_from_the_core_with_a_warning(name: str) -> None:
    with pytest.deprecated_call(match=f"agilemarketing_csv.errors.{name}"):
        moved = getattr(agilemarketing.errors, name)
    assert moved is getattr(agilemarketing_csv.errors, name)
    assert name not in agilemarketing.errors.__all__  # `import *` never needs the adapter


def test_from_import_of_a_moved_error_warns_at_the_importer() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from agilemarketing.errors import CsvError  # noqa: F401
    assert [w.category for w in caught] == [DeprecationWarning]
    assert caught[0].filename == __file__


def test_a_moved_error_without_its_distribution_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(
        agilemarketing.errors._MOVED, "TrelloError", ("no_such_adapter.errors", "agilemarketing-x")
    )
    with pytest.deprecated_call(), pytest.raises(ImportError, match="pip install agilemarketing-x"):
        agilemarketing.errors.TrelloError  # noqa: B018


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchError"):
        agilemarketing.errors.NoSuchError  # noqa: B018


def test_the_core_never_imports_an_adapter_distribution() -> None:
    root = Path(agilemarketing.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{path.name}: {n}" for n in names if n.startswith("agilemarketing_")]
    assert offenders == []
