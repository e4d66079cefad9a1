"""Every public error of agilemarketing, importable from here.

Each error says three things: **what** was wrong, **where** (the item, stage, file, row or
column), and **what to do** about it. The offending data is kept on the exception as attributes,
so tools can react to it without parsing the message::

    >>> from agilemarketing.errors import InvalidValue
    >>> err = InvalidValue("size must not be negative", where="item CAMP-7, field 'size'",
    ...                    fix="give a size of 0 or more", value=-3)
    >>> print(err)
    item CAMP-7, field 'size': size must not be negative (got -3). Fix: give a size of 0 or more.
    >>> err.value
    -3

When several problems are found at once (a whole file, a whole request), they are raised together
as an :class:`InvalidInputGroup` (an :class:`ExceptionGroup`), so a user fixes them all in one go.

Secrets never appear in an error: adapters pass tokens through :func:`redact` before any message
is built.

Each area keeps its errors in its own module: :mod:`~agilemarketing.errors.base` (the base
:class:`AgileMarketingError`, the shared errors and :class:`SourceError`, the base of every
error reading or writing an external source), :mod:`~agilemarketing.errors.model`,
:mod:`~agilemarketing.errors.planning`, :mod:`~agilemarketing.errors.history`,
:mod:`~agilemarketing.errors.adapter`, :mod:`~agilemarketing.errors.sync` and
:mod:`~agilemarketing.errors.report`. Every class shows up as ``agilemarketing.errors.<Name>``
in tracebacks, wherever it is defined. An adapter distribution owns its errors (the CSV
adapter's are in ``agilemarketing_csv.errors``), subclassing :class:`SourceError`.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from typing import TYPE_CHECKING, Any

# The base and shared errors first, then one module per area in the order of the layers (the
# reference page lists them in this order).
# isort: off
from agilemarketing.errors.base import (
    AgileMarketingError,
    InvalidValue,
    NotFound,
    AntiMetricError,
    MissingExtraError,
    SourceError,
    InvalidInputGroup,
    raise_all,
    redact,
)
from agilemarketing.errors.model import (
    ItemNotInBacklog,
    DuplicateItem,
    SelfRelativeMove,
    PositionOutOfRange,
    NotAReordering,
    StalePrunePlan,
    InvalidPriorityInput,
    InvalidBallot,
    NotDone,
    WipBreach,
    OverCommitted,
    CycleStateError,
)
from agilemarketing.errors.planning import (
    NotMarketingOwner,
    RequestIncomplete,
    DoesNotServeGuidepoint,
    AlreadyDecided,
    BlueprintOverCapacity,
    VotesHidden,
    OutliersMustExplain,
    NotConverged,
    NotFacilitator,
    SerializationError,
)
from agilemarketing.errors.history import (
    HistoryFormatError,
)
from agilemarketing.errors.adapter import (
    AdapterUrlError,
    UnknownPlugin,
    PluginConflict,
    UnsupportedChange,
    InvalidCursor,
    ChangeConflict,
    MissingSecret,
    RemoteError,
    AuthenticationFailed,
)
from agilemarketing.errors.sync import (
    MirrorError,
    MirrorCorrupt,
    NotAMirror,
    MirrorReadOnly,
    MirrorDiskError,
    SyncConfigError,
    SyncConflictError,
    SyncLocked,
)
from agilemarketing.errors.report import (
    ExampleBoardError,
    NoThroughputError,
    HistorySourceError,
    MissingGlyphWarning,
    ReportOutputError,
)
# isort: on

__all__ = [
    "AdapterUrlError",
    "AgileMarketingError",
    "AlreadyDecided",
    "AntiMetricError",
    "AuthenticationFailed",
    "BlueprintOverCapacity",
    "ChangeConflict",
    "CycleStateError",
    "DoesNotServeGuidepoint",
    "DuplicateItem",
    "ExampleBoardError",
    "HistoryFormatError",
    "HistorySourceError",
    "InvalidBallot",
    "InvalidCursor",
    "InvalidInputGroup",
    "InvalidPriorityInput",
    "InvalidValue",
    "ItemNotInBacklog",
    "MirrorCorrupt",
    "MirrorDiskError",
    "MirrorError",
    "MirrorReadOnly",
    "MissingExtraError",
    "MissingGlyphWarning",
    "MissingSecret",
    "NoThroughputError",
    "NotAMirror",
    "NotAReordering",
    "NotConverged",
    "NotDone",
    "NotFacilitator",
    "NotFound",
    "NotMarketingOwner",
    "OutliersMustExplain",
    "OverCommitted",
    "PluginConflict",
    "PositionOutOfRange",
    "RemoteError",
    "ReportOutputError",
    "RequestIncomplete",
    "SelfRelativeMove",
    "SerializationError",
    "SourceError",
    "StalePrunePlan",
    "SyncConfigError",
    "SyncConflictError",
    "SyncLocked",
    "UnknownPlugin",
    "UnsupportedChange",
    "VotesHidden",
    "WipBreach",
    "raise_all",
    "redact",
]

# Tracebacks, reprs and doctests name each error by the path users import it from.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type):
        _obj.__module__ = __name__
del _name, _obj

# --- Names that moved out of the core -------------------------------------------------------------

_MOVED = {
    "CsvError": ("agilemarketing_csv.errors", "agilemarketing-csv"),
    "CsvFileError": ("agilemarketing_csv.errors", "agilemarketing-csv"),
    "CsvRowError": ("agilemarketing_csv.errors", "agilemarketing-csv"),
}
"""Errors that moved to the distribution that raises them: name -> (new module, distribution)."""

if not TYPE_CHECKING:  # mypy sees only the real names; a typo stays a type error

    def __getattr__(name: str) -> Any:
        """``from agilemarketing.errors import CsvError`` keeps working for one release, with a
        DeprecationWarning: the CSV adapter's errors now live in ``agilemarketing_csv.errors``."""
        if name not in _MOVED:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        home, distribution = _MOVED[name]
        # `from agilemarketing.errors import CsvError` looks the name up twice: first inside
        # importlib (a package may have a submodule of that name), then in the importer's own
        # line. Warn once, at the importer.
        if sys._getframe(1).f_globals.get("__name__") != "importlib._bootstrap":
            warnings.warn(
                f"agilemarketing.errors.{name} moved to {home}.{name}; import it from there "
                "(the old name goes away in the next release)",
                DeprecationWarning,
                stacklevel=2,
            )
        try:
            module = importlib.import_module(home)
        except ImportError as exc:
            raise ImportError(
                f"{name} belongs to the {distribution} distribution, which is not installed. "
                f"Fix: pip install {distribution}",
                name=home,
            ) from exc
        return getattr(module, name)
