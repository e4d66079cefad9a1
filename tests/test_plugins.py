"""The plugin system: the manager factory, entry points, broken plugins, clashes, lookups."""

from __future__ import annotations

import importlib.metadata
import logging
import sys
import types
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

from agilemarketing.adapter import Adapter, AdapterUrlError, Cursor, ReadResult
from agilemarketing.errors import PluginConflict, UnknownPlugin
from agilemarketing.hookspecs import hookimpl
from agilemarketing.items import WorkItem
from agilemarketing.metrics import BUILTIN_METRICS
from agilemarketing.plugins import (
    ENTRY_POINT_GROUP,
    KINDS,
    PluginManager,
    Registration,
    adapter_for_url,
    get_adapter,
    get_metric,
    get_plugin_manager,
    get_prioritiser,
    load_registry,
)
from agilemarketing.prioritisation import BUILTIN_PRIORITISERS, Score
from agilemarketing.testing import InMemoryAdapter


class NullAdapter(Adapter):
    """A read-only adapter with nothing in it."""

    name: ClassVar[str] = "null"

    def read(self, since: Cursor | None = None) -> ReadResult:
        return ReadResult(iter([]), Cursor("0"), complete=True)


class Rice:
    name: ClassVar[str] = "reach-impact"

    def score(self, item: WorkItem) -> Score:
        return Score(1.0, "always 1", self.name)


class OtherRice:
    name: ClassVar[str] = "reach-impact"

    def score(self, item: WorkItem) -> Score:
        return Score(2.0, "always 2", self.name)


class LeadTime:
    name: ClassVar[str] = "lead-time"

    def compute(self, log: object, **options: Any) -> Any:
        return log


class ExamplePlugin:
    """Implements every hook, as a third-party plugin would."""

    @hookimpl
    def register_adapters(self) -> Sequence[type[Adapter]]:
        return [NullAdapter]

    @hookimpl
    def register_prioritisers(self) -> Sequence[type[Any]]:
        return [Rice]

    @hookimpl
    def register_metrics(self) -> Sequence[type[Any]]:
        return [LeadTime]


@pytest.fixture
def manager() -> PluginManager:
    return get_plugin_manager(load_entrypoints=False)


# --- the factory ----------------------------------------------------------------------------------


def test_every_call_builds_a_fresh_manager_with_only_the_builtins(
    manager: PluginManager,
) -> None:
    other = get_plugin_manager(load_entrypoints=False)
    assert other is not manager
    other.register(ExamplePlugin(), name="example")
    assert load_registry(manager).names("adapter") == ["memory", "mirror"]
    assert manager.broken == []


def test_builtins_come_through_the_same_hooks_with_their_distribution(
    manager: PluginManager,
) -> None:
    from agilemarketing import __version__

    (entry,) = [r for r in load_registry(manager) if r.kind == "adapter" and r.name == "memory"]
    assert entry.cls is InMemoryAdapter
    assert (entry.distribution, entry.version) == ("agilemarketing", __version__)
    assert entry.describe() == (
        f"agilemarketing.adapter.memory.InMemoryAdapter (agilemarketing {__version__})"
    )


def test_a_plugin_registers_adapters_prioritisers_and_metrics(manager: PluginManager) -> None:
    manager.register(ExamplePlugin(), name="example")
    assert get_adapter("null", manager=manager) is NullAdapter
    assert get_prioritiser("reach-impact", manager=manager) is Rice
    assert get_metric("lead-time", manager=manager) is LeadTime
    registry = load_registry(manager)
    assert registry.names("adapter") == ["memory", "mirror", "null"]
    assert "reach-impact" in registry.names("prioritiser")
    assert "lead-time" in registry.names("metric")
    assert set(KINDS) == {"adapter", "prioritiser", "metric"}


def test_the_builtin_prioritisers_and_metrics_are_registered(manager: PluginManager) -> None:
    registry = load_registry(manager)
    assert registry.names("prioritiser") == sorted(c.name for c in BUILTIN_PRIORITISERS)
    assert registry.names("metric") == sorted(c.name for c in BUILTIN_METRICS)
    assert get_prioritiser("rice", manager=manager) in BUILTIN_PRIORITISERS
    assert get_metric("cycle-time", manager=manager) in BUILTIN_METRICS
    assert all(r.distribution == "agilemarketing" for r in registry)


# --- clashes and lookups --------------------------------------------------------------------------


def test_two_classes_with_one_name_is_an_error_naming_both(manager: PluginManager) -> None:
    class Clashing:
        @hookimpl
        def register_prioritisers(self) -> Sequence[type[Any]]:
            return [OtherRice]

    manager.register(ExamplePlugin(), name="example")
    manager.register(Clashing(), name="clashing")
    with pytest.raises(PluginConflict) as caught:
        load_registry(manager)
    message = str(caught.value)
    assert f"{Rice.__module__}.Rice (registered directly)" in message
    assert f"{OtherRice.__module__}.OtherRice (registered directly)" in message
    assert caught.value.name == "reach-impact"
    assert caught.value.kind == "prioritiser"


def test_a_clash_with_a_builtin_names_the_builtin_distribution(manager: PluginManager) -> None:
    class Impostor(InMemoryAdapter):
        pass

    class Shadowing:
        @hookimpl
        def register_adapters(self) -> Sequence[type[Adapter]]:
            return [Impostor]

    manager.register(Shadowing(), name="shadowing")
    with pytest.raises(PluginConflict, match=r"InMemoryAdapter \(agilemarketing 0\.1\.0\)"):
        load_registry(manager)


def test_the_same_class_from_two_plugins_is_no_clash(manager: PluginManager) -> None:
    manager.register(ExamplePlugin(), name="one")
    manager.register(ExamplePlugin(), name="two")
    assert get_adapter("null", manager=manager) is NullAdapter


def test_an_unknown_name_lists_what_is_installed(manager: PluginManager) -> None:
    with pytest.raises(UnknownPlugin) as caught:
        get_adapter("jira", manager=manager)
    assert caught.value.available == ("memory", "mirror")
    assert "'jira'" in str(caught.value)
    assert "memory" in str(caught.value)


def test_adapter_for_url_builds_the_named_adapter_with_options(manager: PluginManager) -> None:
    adapter = adapter_for_url("memory:board-a", {"page_size": "3"}, manager=manager)
    assert isinstance(adapter, InMemoryAdapter)
    assert adapter.location == "board-a"
    assert adapter.option("page_size", 100) == 3
    with pytest.raises(UnknownPlugin, match="trello"):
        adapter_for_url("trello:abc", manager=manager)
    with pytest.raises(AdapterUrlError):
        adapter_for_url("no-scheme-here", manager=manager)


# --- entry points and broken plugins --------------------------------------------------------------


class _FakeDist:
    def __init__(self, name: str, version: str) -> None:
        self.name = name
        self.version = version


class _FakeEntryPoint:
    def __init__(self, name: str, module: str, dist: str) -> None:
        self.name = name
        self.module = module
        self.dist = _FakeDist(dist, "1.2.3")

    def load(self) -> Any:
        __import__(self.module)
        return sys.modules[self.module]


PLUGIN_SOURCES = {
    "good_plugin": """
from agilemarketing.hookspecs import hookimpl
from agilemarketing.items import WorkItem
from agilemarketing.metrics import BUILTIN_METRICS
from agilemarketing.prioritisation import BUILTIN_PRIORITISERS, Score
from agilemarketing.testing import InMemoryAdapter

class GoodAdapter(InMemoryAdapter):
    name = "good"

@hookimpl
def register_adapters():
    return [GoodAdapter]
""",
    "import_error_plugin": "import a_module_that_is_not_installed\n",
    "typo_plugin": """
from agilemarketing.hookspecs import hookimpl
from agilemarketing.items import WorkItem
from agilemarketing.metrics import BUILTIN_METRICS
from agilemarketing.prioritisation import BUILTIN_PRIORITISERS, Score

@hookimpl
def register_adaptors():
    return []
""",
    "raising_plugin": """
from agilemarketing.hookspecs import hookimpl
from agilemarketing.items import WorkItem
from agilemarketing.metrics import BUILTIN_METRICS
from agilemarketing.prioritisation import BUILTIN_PRIORITISERS, Score

@hookimpl
def register_metrics():
    raise RuntimeError("metric registry exploded")
""",
    "scoreless_plugin": """
from agilemarketing.hookspecs import hookimpl

class Scoreless:
    name = "scoreless"

@hookimpl
def register_prioritisers():
    return [Scoreless]
""",
    "not_a_class_plugin": """
from agilemarketing.hookspecs import hookimpl
from agilemarketing.items import WorkItem
from agilemarketing.metrics import BUILTIN_METRICS
from agilemarketing.prioritisation import BUILTIN_PRIORITISERS, Score

@hookimpl
def register_adapters():
    return ["csv"]
""",
    "nameless_plugin": """
from agilemarketing.hookspecs import hookimpl
from agilemarketing.items import WorkItem
from agilemarketing.metrics import BUILTIN_METRICS
from agilemarketing.prioritisation import BUILTIN_PRIORITISERS, Score

class Nameless:
    pass

@hookimpl
def register_prioritisers():
    return [Nameless]
""",
}


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Pretend the modules above are installed plugins (distribution ``dist-<module>``)."""
    for module, source in PLUGIN_SOURCES.items():
        (tmp_path / f"{module}.py").write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    points = [_FakeEntryPoint(m.replace("_plugin", ""), m, f"dist-{m}") for m in PLUGIN_SOURCES]

    def entry_points(*, group: str) -> list[_FakeEntryPoint]:
        return points if group == ENTRY_POINT_GROUP else []

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    yield list(PLUGIN_SOURCES)
    for module in PLUGIN_SOURCES:
        sys.modules.pop(module, None)


def test_broken_plugins_are_collected_and_the_rest_keep_working(
    installed: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="agilemarketing.plugins"):
        manager = get_plugin_manager()
        registry = load_registry(manager)
    assert get_adapter("good", manager=manager).__name__ == "GoodAdapter"
    (good,) = [r for r in registry if r.name == "good"]
    assert (good.plugin, good.distribution, good.version) == ("good", "dist-good_plugin", "1.2.3")
    broken = {b.name: b for b in registry.broken}
    assert sorted(broken) == [
        "import_error",
        "nameless",
        "not_a_class",
        "raising",
        "scoreless",
        "typo",
    ]
    assert "no `score` method, so it is not a prioritiser" in broken["scoreless"].error
    assert "a_module_that_is_not_installed" in broken["import_error"].error
    assert "register_adaptors" in broken["typo"].error
    assert "metric registry exploded" in broken["raising"].error
    assert "not a class" in broken["not_a_class"].error
    assert "no `name`" in broken["nameless"].error
    assert broken["import_error"].distribution == "dist-import_error_plugin"
    assert "import_error (dist-import_error_plugin 1.2.3)" in caplog.text


def test_a_plugin_with_an_unknown_hook_is_not_left_registered(installed: list[str]) -> None:
    manager = get_plugin_manager()
    assert not manager.has_plugin("typo")
    manager.check_pending()


def test_an_unknown_name_mentions_the_broken_plugins(installed: list[str]) -> None:
    with pytest.raises(UnknownPlugin) as caught:
        get_adapter("csv", manager=get_plugin_manager())
    assert any("import_error" in b for b in caught.value.broken)
    assert "failed to load" in str(caught.value)


def test_without_entry_points_no_installed_plugin_is_loaded(installed: list[str]) -> None:
    manager = get_plugin_manager(load_entrypoints=False)
    assert manager.broken == []
    assert load_registry(manager).names("adapter") == ["memory", "mirror"]


def test_every_really_installed_entry_point_is_registered_or_reported_broken() -> None:
    manager = get_plugin_manager()
    broken = {b.name for b in manager.broken}
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        assert manager.has_plugin(entry_point.name) or entry_point.name in broken


def test_registration_as_dict_is_json_ready(manager: PluginManager) -> None:
    entry = Registration("metric", "lead-time", LeadTime, "example", None, None)
    assert entry.as_dict() == {
        "kind": "metric",
        "name": "lead-time",
        "class": f"{LeadTime.__module__}.LeadTime",
        "plugin": "example",
        "distribution": None,
        "version": None,
    }
    assert entry.describe().endswith("LeadTime (registered directly)")


def test_a_module_plugin_registered_by_hand_works(manager: PluginManager) -> None:
    module = types.ModuleType("hand_made_plugin")

    @hookimpl
    def register_metrics() -> Sequence[type[Any]]:
        return [LeadTime]

    module.register_metrics = register_metrics  # type: ignore[attr-defined]
    manager.register(module)
    assert get_metric("lead-time", manager=manager) is LeadTime


# --- the `agilemarketing plugins` command ---------------------------------------------------------


def test_the_plugins_command_lists_classes_with_their_distribution() -> None:
    from click.testing import CliRunner

    from agilemarketing.cli import main

    result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["KIND", "NAME", "CLASS", "DISTRIBUTION"]
    rows = [line.split() for line in lines[1:] if line.startswith(("adapter", "prio", "metric"))]
    assert [
        "adapter",
        "memory",
        "agilemarketing.adapter.memory.InMemoryAdapter",
        "agilemarketing",
        "0.1.0",
    ] in rows
    kinds = list(KINDS)
    assert rows == sorted(rows, key=lambda row: (kinds.index(row[0]), row[1]))


def test_the_plugins_command_shows_broken_plugins_and_json(installed: list[str]) -> None:
    import json

    from click.testing import CliRunner

    from agilemarketing.cli import main

    text = CliRunner().invoke(main, ["plugins"])
    assert text.exit_code == 0
    assert "Broken plugins (6), ignored:" in text.output
    assert "typo (dist-typo_plugin 1.2.3): implements hooks that do not exist" in text.output
    data = json.loads(CliRunner().invoke(main, ["plugins", "--json"]).output)
    assert {p["name"] for p in data["plugins"] if p["kind"] == "adapter"} == {
        "memory",
        "mirror",
        "good",
    }
    assert {b["name"] for b in data["broken"]} == {
        "import_error",
        "typo",
        "raising",
        "not_a_class",
        "nameless",
        "scoreless",
    }


def test_the_plugins_command_reports_a_clash_as_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from agilemarketing.cli import main

    def clashing_manager() -> PluginManager:
        manager = get_plugin_manager(load_entrypoints=False)
        manager.register(ExamplePlugin(), name="example")

        class Clashing:
            @hookimpl
            def register_prioritisers(self) -> Sequence[type[Any]]:
                return [OtherRice]

        manager.register(Clashing(), name="clashing")
        return manager

    # patch the namespace the registered command really runs in (a doctest run may have
    # imported the module file a second time under the same name)
    callback = main.commands["plugins"].callback
    assert callback is not None
    monkeypatch.setitem(callback.__globals__, "get_plugin_manager", clashing_manager)
    result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 1
    assert "prioritiser name 'reach-impact' is claimed by both" in result.output
