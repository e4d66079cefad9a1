"""The plugin system: a plugin manager factory, entry-point loading, and name lookups.

Plugins are found through the ``agilemarketing`` entry-point group and declare hooks from
:mod:`agilemarketing.hookspecs`. There is no module-level manager: :func:`get_plugin_manager`
builds a fresh one each time (tests pass ``load_entrypoints=False`` for a clean one), with the
library's built-ins registered through the same hooks third parties use.

A plugin that fails to import, or that implements an unknown hook, does not stop the others:
it is logged, collected in :attr:`PluginManager.broken` and shown by ``agilemarketing plugins``.
Two classes claiming one name is an error naming both (and their distributions).

>>> registry = load_registry(get_plugin_manager(load_entrypoints=False))
>>> registry.adapter("memory").name
'memory'
>>> adapter_for_url("memory:demo", manager=get_plugin_manager(load_entrypoints=False))
<InMemoryAdapter 'memory:demo'>
"""

from __future__ import annotations

import importlib.metadata
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

from agilemarketing import hookspecs
from agilemarketing.adapter import Adapter, parse_adapter_url
from agilemarketing.errors import PluginConflict, UnknownPlugin
from agilemarketing.hookspecs import PROJECT_NAME, hookimpl

if TYPE_CHECKING:
    from agilemarketing.metrics import Metric
    from agilemarketing.prioritisation import Prioritiser

__all__ = [
    "ENTRY_POINT_GROUP",
    "KINDS",
    "BrokenPlugin",
    "PluginManager",
    "Registration",
    "Registry",
    "adapter_for_url",
    "get_adapter",
    "get_metric",
    "get_plugin_manager",
    "get_prioritiser",
    "hookimpl",
    "load_registry",
]

log = logging.getLogger(__name__)

#: The entry-point group plugins declare themselves in.
ENTRY_POINT_GROUP = PROJECT_NAME

#: Each kind of registered class, with the hook that registers it.
KINDS: Mapping[str, str] = MappingProxyType(
    {
        "adapter": "register_adapters",
        "prioritiser": "register_prioritisers",
        "metric": "register_metrics",
    }
)

_BUILTINS = (
    "agilemarketing._builtin.adapters",
    "agilemarketing._builtin.prioritisers",
    "agilemarketing._builtin.metrics",
)

#: The method each kind of class must have besides its ``name``.
_REQUIRED_METHOD = {"prioritiser": "score", "metric": "compute"}


@attrs.frozen
class BrokenPlugin:
    """A plugin that could not be used, and why.

    Attributes:
        name: the plugin's name (its entry-point name, or the registered name).
        distribution: the distribution that declared it, if known.
        version: that distribution's version.
        error: what went wrong, one line (``"ModuleNotFoundError: No module named 'x'"``).
    """

    name: str
    distribution: str | None
    version: str | None
    error: str

    def __str__(self) -> str:
        return f"{self.name} ({_dist_text(self.distribution, self.version)}): {self.error}"


def _dist_text(distribution: str | None, version: str | None) -> str:
    if distribution is None:
        return "registered directly"
    return f"{distribution} {version}" if version else distribution


class PluginManager(pluggy.PluginManager):
    """A :class:`pluggy.PluginManager` that remembers where each plugin came from and which
    plugins failed to load. Build one with :func:`get_plugin_manager`."""

    def __init__(self) -> None:
        super().__init__(PROJECT_NAME)
        self.add_hookspecs(hookspecs)
        #: Plugins that failed to import or to register.
        self.broken: list[BrokenPlugin] = []
        self._origins: dict[str, tuple[str, str | None]] = {}

    def origin(self, plugin_name: str) -> tuple[str | None, str | None]:
        """``(distribution, version)`` that provided the plugin registered as ``plugin_name``
        (``(None, None)`` for a plugin registered by hand)."""
        distribution, version = self._origins.get(plugin_name, (None, None))
        return distribution, version

    def register_from(
        self, plugin: object, name: str, distribution: str | None, version: str | None
    ) -> bool:
        """Register ``plugin`` as coming from ``distribution``; a plugin pluggy refuses, or one
        implementing a hook that does not exist, is recorded as broken instead. Returns whether
        it was registered."""
        try:
            self.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            self._broken(name, distribution, version, exc)
            return False
        unknown = sorted(c.name for c in self.get_hookcallers(plugin) or () if c.spec is None)
        if unknown:
            self.unregister(plugin)
            self._broken(
                name,
                distribution,
                version,
                f"implements hooks that do not exist: {', '.join(unknown)} (a typo?)",
            )
            return False
        if distribution is not None:
            self._origins[name] = (distribution, version)
        return True

    def _broken(
        self, name: str, distribution: str | None, version: str | None, error: object
    ) -> None:
        text = f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else error
        broken = BrokenPlugin(name, distribution, version, str(text))
        log.warning(
            "agilemarketing plugin %s (%s) is ignored: %s",
            name,
            _dist_text(distribution, version),
            broken.error,
        )
        self.broken.append(broken)

    def load_entrypoints(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Import and register every plugin of the entry-point group, keeping going past
        broken ones."""
        for entry_point in importlib.metadata.entry_points(group=group):
            dist = entry_point.dist
            distribution = dist.name if dist is not None else None
            version = dist.version if dist is not None else None
            if self.has_plugin(entry_point.name) or self.is_blocked(entry_point.name):
                continue
            try:
                plugin = entry_point.load()
            except Exception as exc:  # any error inside a third-party module
                self._broken(entry_point.name, distribution, version, exc)
                continue
            self.register_from(plugin, entry_point.name, distribution, version)


def get_plugin_manager(load_entrypoints: bool = True) -> PluginManager:
    """A new plugin manager holding the built-ins and, unless ``load_entrypoints`` is False,
    every installed plugin.

    >>> manager = get_plugin_manager(load_entrypoints=False)
    >>> manager.has_plugin("agilemarketing._builtin.adapters"), manager.broken
    (True, [])
    """
    from agilemarketing._version import __version__

    manager = PluginManager()
    for module_name in _BUILTINS:
        module = __import__(module_name, fromlist=["_"])
        manager.register_from(module, module_name, "agilemarketing", __version__)
    if load_entrypoints:
        manager.load_entrypoints()
    manager.check_pending()
    return manager


@attrs.frozen
class Registration:
    """One registered class: what kind, its name, and where it came from.

    Attributes:
        kind: ``"adapter"``, ``"prioritiser"`` or ``"metric"``.
        name: the class's ``name``.
        cls: the class.
        plugin: the name of the plugin that registered it.
        distribution: the distribution providing that plugin (None if registered by hand).
        version: that distribution's version.
    """

    kind: str
    name: str
    cls: type[Any]
    plugin: str
    distribution: str | None
    version: str | None

    def describe(self) -> str:
        """``module.Class (distribution version)``."""
        where = _dist_text(self.distribution, self.version)
        return f"{self.cls.__module__}.{self.cls.__qualname__} ({where})"

    def as_dict(self) -> dict[str, str | None]:
        """A JSON-ready dict (what ``agilemarketing plugins --json`` prints)."""
        return {
            "kind": self.kind,
            "name": self.name,
            "class": f"{self.cls.__module__}.{self.cls.__qualname__}",
            "plugin": self.plugin,
            "distribution": self.distribution,
            "version": self.version,
        }


@attrs.frozen
class Registry:
    """Every adapter, prioritiser and metric the plugins registered, by kind and name, plus
    the plugins that failed to load. Build it with :func:`load_registry`."""

    entries: Mapping[str, Mapping[str, Registration]]
    broken: tuple[BrokenPlugin, ...] = ()

    def _get(self, kind: str, name: str) -> type[Any]:
        found = self.entries.get(kind, {}).get(name)
        if found is None:
            raise UnknownPlugin(
                kind,
                name,
                available=sorted(self.entries.get(kind, {})),
                broken=[str(b) for b in self.broken],
            )
        return found.cls

    def adapter(self, name: str) -> type[Adapter]:
        """The adapter class called ``name``."""
        cls: type[Adapter] = self._get("adapter", name)
        return cls

    def prioritiser(self, name: str) -> type[Prioritiser]:
        """The prioritiser class called ``name``."""
        cls: type[Prioritiser] = self._get("prioritiser", name)
        return cls

    def metric(self, name: str) -> type[Metric]:
        """The metric class called ``name``."""
        cls: type[Metric] = self._get("metric", name)
        return cls

    def names(self, kind: str) -> list[str]:
        """The registered names of one kind, sorted."""
        return sorted(self.entries.get(kind, {}))

    def __iter__(self) -> Iterator[Registration]:
        """Every registration, by kind then name."""
        for kind in KINDS:
            for name in sorted(self.entries.get(kind, {})):
                yield self.entries[kind][name]


def _check_class(kind: str, value: object) -> str | None:
    """Why ``value`` cannot be registered as a ``kind``, or None if it can."""
    if not isinstance(value, type):
        return f"register hook returned {value!r}, which is not a class"
    if kind == "adapter" and not issubclass(value, Adapter):
        return f"{value.__qualname__} is not a subclass of agilemarketing.adapter.Adapter"
    name = getattr(value, "name", None)
    if not isinstance(name, str) or not name:
        return f"{value.__qualname__} has no `name` (a non-empty str class attribute)"
    method = _REQUIRED_METHOD.get(kind)
    if method is not None and not callable(getattr(value, method, None)):
        return f"{value.__qualname__} has no `{method}` method, so it is not a {kind}"
    return None


def load_registry(manager: PluginManager | None = None) -> Registry:
    """Call every registration hook and merge the classes by kind and name.

    Raises :class:`~agilemarketing.errors.PluginConflict` naming both classes when two
    plugins register one name; a plugin whose hook fails or returns something unusable is
    added to the broken plugins and the rest are kept.
    """
    manager = manager if manager is not None else get_plugin_manager()
    entries: dict[str, dict[str, Registration]] = {kind: {} for kind in KINDS}
    broken = list(manager.broken)
    for kind, hook_name in KINDS.items():
        caller = getattr(manager.hook, hook_name)
        # call each implementation on its own, in registration order, to know who gave what
        for impl in caller.get_hookimpls():
            distribution, version = manager.origin(impl.plugin_name)
            classes, problem = _call_registration(impl.function)
            if problem is None:
                problem = next((p for c in classes if (p := _check_class(kind, c))), None)
            if problem is not None:
                broken.append(BrokenPlugin(impl.plugin_name, distribution, version, problem))
                log.warning("agilemarketing plugin %s: %s", impl.plugin_name, problem)
                continue
            for cls in classes:
                entry = Registration(kind, cls.name, cls, impl.plugin_name, distribution, version)
                clash = entries[kind].get(entry.name)
                if clash is not None and clash.cls is not cls:
                    raise PluginConflict(
                        kind, entry.name, first=clash.describe(), second=entry.describe()
                    )
                entries[kind][entry.name] = entry
    return Registry(
        MappingProxyType({k: MappingProxyType(v) for k, v in entries.items()}), tuple(broken)
    )


def _call_registration(function: Callable[[], Any]) -> tuple[list[type[Any]], str | None]:
    try:
        result = function()
    except Exception as exc:  # a third-party hook failing must not stop the others
        return [], f"{type(exc).__name__}: {exc}"
    if result is None:
        return [], None
    if not isinstance(result, Iterable) or isinstance(result, str | bytes):
        return [], f"register hook returned {result!r}, not a list of classes"
    return list(result), None


def get_adapter(name: str, *, manager: PluginManager | None = None) -> type[Adapter]:
    """The adapter class registered as ``name`` (``"csv"``, ``"memory"``...).

    >>> get_adapter("memory", manager=get_plugin_manager(load_entrypoints=False)).__name__
    'InMemoryAdapter'
    """
    return load_registry(manager).adapter(name)


def get_prioritiser(name: str, *, manager: PluginManager | None = None) -> type[Prioritiser]:
    """The prioritiser class registered as ``name`` (``"rice"``, ``"wsjf"``...).

    >>> get_prioritiser("rice", manager=get_plugin_manager(load_entrypoints=False)).__name__
    'RICE'
    """
    return load_registry(manager).prioritiser(name)


def get_metric(name: str, *, manager: PluginManager | None = None) -> type[Metric]:
    """The metric class registered as ``name`` (``"cycle-time"``, ``"throughput"``...).

    >>> get_metric("cycle-time", manager=get_plugin_manager(load_entrypoints=False)).__name__
    'CycleTimeMetric'
    """
    return load_registry(manager).metric(name)


def adapter_for_url(
    url: str,
    options: Mapping[str, object] | None = None,
    *,
    manager: PluginManager | None = None,
) -> Adapter:
    """Build the adapter an URL names: ``"csv:board.csv"`` gives the ``csv`` adapter on
    ``board.csv``.

    >>> manager = get_plugin_manager(load_entrypoints=False)
    >>> adapter_for_url("memory:scratch", {"page_size": "10"}, manager=manager).url
    'memory:scratch'
    """
    parsed = parse_adapter_url(url)
    return get_adapter(parsed.name, manager=manager)(parsed.location, options)
