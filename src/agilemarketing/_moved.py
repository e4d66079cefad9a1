"""Old import paths of modules that moved: they keep working for one release, with a warning.

:data:`MOVED` maps each old module name to where its names live now. Importing an old name
(``import agilemarketing.poker``, ``from agilemarketing.poker import Deck``) emits a
:class:`DeprecationWarning` naming the new path, once per process, and then:

- a module that moved whole is the new module itself: ``agilemarketing.poker`` *is*
  ``agilemarketing.planning.poker`` (same object, so patching one patches the other);
- a module that was split in two is a read-only view holding the same public names (its old
  ``__all__``) from the new modules: ``agilemarketing.guidepoint.Blueprint`` is
  ``agilemarketing.planning.blueprint.Blueprint``.

:func:`install` puts the finder on :data:`sys.meta_path`; ``agilemarketing/__init__.py`` calls
it and uses :func:`old_module` as the package's ``__getattr__`` (so ``agilemarketing.poker``
still works as an attribute after ``import agilemarketing``). Drop an entry, or this module,
when the old paths go.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
import warnings
from collections.abc import Sequence

__all__ = ["MOVED", "install", "message", "old_module"]

MOVED: dict[str, tuple[str, ...]] = {
    "agilemarketing.experiments": ("agilemarketing.planning.experiments",),
    "agilemarketing.guidepoint": (
        "agilemarketing.planning.guidepoint",
        "agilemarketing.planning.blueprint",
    ),
    "agilemarketing.poker": ("agilemarketing.planning.poker",),
    "agilemarketing.prioritization": ("agilemarketing.prioritisation",),
    "agilemarketing.serialize": (
        "agilemarketing.planning.file",
        "agilemarketing.planning.serialise",
    ),
    "agilemarketing.showcase": ("agilemarketing.planning.showcase",),
    "agilemarketing.stakeholders": (
        "agilemarketing.planning.stakeholders",
        "agilemarketing.planning.intake",
    ),
    "agilemarketing.workshop": ("agilemarketing.planning.workshop",),
}
"""Old module name -> the module(s) now holding its names (one: moved whole; more: split)."""

_PACKAGE = __name__.rpartition(".")[0]
# Frames skipped to find the line that imported the old name: the import system's own, and ours.
_MACHINERY = ("<frozen importlib.", importlib.__file__ or "importlib/__init__.py", __file__)


def message(old: str) -> str:
    """The deprecation text for the old module ``old``."""
    new = MOVED[old]
    where = new[0] if len(new) == 1 else " and ".join(new)
    return f"{old} is deprecated and goes in the next release: import from {where} instead"


def _warn(old: str) -> None:
    """Warn about ``old``, attributed to the first frame outside the import machinery."""
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_MACHINERY):
        frame = frame.f_back
    module_globals = frame.f_globals
    warnings.warn_explicit(
        message(old),
        DeprecationWarning,
        frame.f_code.co_filename,
        frame.f_lineno,
        module=module_globals.get("__name__", "<unknown>"),
        registry=module_globals.setdefault("__warningregistry__", {}),
    )


def _fill_view(view: types.ModuleType, targets: Sequence[types.ModuleType]) -> None:
    """Give ``view`` every public name of ``targets`` (their ``__all__``), in order."""
    names: list[str] = []
    for target in targets:
        for name in getattr(target, "__all__", ()):
            setattr(view, name, getattr(target, name))
            names.append(name)
    setattr(view, "__all__", names)  # noqa: B010 - ModuleType does not declare __all__
    view.__doc__ = f"Deprecated: the names of {', '.join(t.__name__ for t in targets)}."


class _Loader(importlib.abc.Loader):
    """Loads an old module name as the new module (or as a view of the new ones)."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return None  # the default module: the view, or a placeholder the new module replaces

    def exec_module(self, module: types.ModuleType) -> None:
        old = module.__name__
        _warn(old)
        targets = [importlib.import_module(name) for name in MOVED[old]]
        if len(targets) == 1:
            # The import system returns whatever sys.modules holds once this returns.
            sys.modules[old] = targets[0]
        else:
            _fill_view(module, targets)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the old module names of :data:`MOVED`, and nothing else."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, _Loader())


def install() -> None:
    """Put the finder of old module names on :data:`sys.meta_path` (once)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.append(_Finder())


def old_module(name: str) -> types.ModuleType:
    """The package's ``__getattr__``: ``agilemarketing.poker`` imports the old module name."""
    full = f"{_PACKAGE}.{name}"
    if full not in MOVED:
        raise AttributeError(f"module {_PACKAGE!r} has no attribute {name!r}")
    return importlib.import_module(full)
