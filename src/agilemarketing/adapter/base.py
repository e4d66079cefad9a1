"""The adapter base class: what every adapter is built from and must do.

Subclass :class:`Adapter`, set its ``name`` and ``capabilities``, implement ``read`` and, for a
writable source, ``apply``. The base class builds adapters from URLs, converts options, keeps
secrets out of options, reprs and errors, and refuses changes the capabilities exclude.
"""

from __future__ import annotations

import abc
import contextlib
import os
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import ClassVar, Self, TypeVar

from agilemarketing._redaction import Redactor, note_secret, redactor_for
from agilemarketing.adapter.capabilities import Capabilities
from agilemarketing.adapter.changes import (
    CHANGE_TYPES,
    AnyChange,
    Change,
    ChangeResult,
    CreateItem,
    Rerank,
)
from agilemarketing.adapter.description import BoardDescription
from agilemarketing.adapter.records import Cursor, ReadResult
from agilemarketing.adapter.secrets import secret_options
from agilemarketing.adapter.urls import check_no_credentials, parse_adapter_url
from agilemarketing.errors import (
    AdapterUrlError,
    InvalidValue,
    MissingSecret,
    UnsupportedChange,
)

__all__ = ["Adapter"]

_T = TypeVar("_T")
_BOOLEANS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def _env_option(path: str) -> str:
    """The ``*_env`` option to name instead of the secret option at ``path``."""
    last = path.rsplit(".", 1)[-1].split("[", 1)[0]
    return f"{last}_env"


def _options(value: Mapping[str, object] | None) -> Mapping[str, object]:
    return MappingProxyType(dict(value or {}))


class Adapter(abc.ABC):
    """Base class of every adapter: subclass it, set :attr:`name` and :attr:`capabilities`,
    implement :meth:`read` and, for a writable source, :meth:`apply`.

    Args:
        location: where the data is (a file path, a site URL, a board id), the part after
            ``<name>:`` in an adapter URL.
        options: adapter-specific settings. Secret values are refused here: name the
            environment variable instead (``token_env="JIRA_TOKEN"``) and read it with
            :meth:`secret`.

    A subclass that writes should recognise a change it already applied (from the item's state,
    or from a record of applied :attr:`Change.change_id` values) and report ``ALREADY_APPLIED``
    without touching anything; a change that cannot be applied is reported ``FAILED`` with the
    error, and nothing of it is applied. :mod:`agilemarketing.testing` checks all of this.
    """

    #: The adapter's unique name, the scheme of its URLs (``"csv"`` in ``csv:board.csv``).
    name: ClassVar[str]
    #: What the adapter can do.
    capabilities: ClassVar[Capabilities] = Capabilities()
    #: True when every :meth:`write` rewrites the whole target (a file): a sync then sends all
    #: its changes in one write, not one per ``batch_size``, so the file is rewritten once.
    rewrites_whole_target: ClassVar[bool] = False
    #: The option names the adapter reads: another one is refused, naming it (a typo on a
    #: command line fails instead of being ignored). None: options are not checked.
    known_options: ClassVar[frozenset[str] | None] = None

    def __init__(self, location: str = "", options: Mapping[str, object] | None = None) -> None:
        check_no_credentials(f"{self.name}:{location}")
        self.location = location
        self.options = _options(options)
        self._secrets: list[str] = []
        for option, why in secret_options(self.options):
            # Never echo the value: it may be the secret itself.
            if why == "url":
                raise InvalidValue(
                    f"option {option!r} is a URL carrying credentials",
                    where=f"{self.name} adapter options",
                    fix="take the user name and secret out of the URL, put the secret in an "
                    "environment variable and name it with the adapter's *_env option",
                )
            raise InvalidValue(
                f"option {option!r} looks like a secret",
                where=f"{self.name} adapter options",
                fix="put the secret in an environment variable and pass "
                f"{_env_option(option)}=<VARIABLE NAME> instead",
            )
        self._check_known_options()

    def _check_known_options(self) -> None:
        known = self.known_options
        unknown = sorted(set(self.options) - known) if known is not None else []
        if unknown:
            raise InvalidValue(
                f"unknown option {unknown[0]!r}",
                where=f"{self.name} adapter options",
                fix=f"use one of {', '.join(sorted(known))}"
                if known
                else "this adapter takes no options",
            )

    @classmethod
    def from_url(cls, url: str, options: Mapping[str, object] | None = None) -> Self:
        """Build the adapter from ``"<name>:<location>"``; the name must be this adapter's."""
        parsed = parse_adapter_url(url)
        if parsed.name != cls.name:
            raise AdapterUrlError(url, what=f"this is not a {cls.name!r} adapter URL")
        return cls(parsed.location, options)

    @property
    def url(self) -> str:
        """``"<name>:<location>"``."""
        return f"{self.name}:{self.location}"

    @property
    def identity(self) -> str:
        """The board's name in a mirror: what tells this board from every other one.

        The base class gives the URL, secrets redacted. An adapter whose location is a file
        gives the file's resolved absolute path (:meth:`file_identity`), so ``csv:e1.csv`` run
        in one folder and ``csv:../e1.csv`` run in another are one board. Messages show
        :attr:`url`, what the user typed.

        >>> from agilemarketing.testing import InMemoryAdapter
        >>> InMemoryAdapter("demo").identity
        'memory:demo'
        """
        return self.redact(self.url)

    def file_identity(self) -> str:
        """``"<name>:<resolved absolute path>"`` of a location that is a file (a location with
        ``://`` in it is a web address and stays as it is): the :attr:`identity` of a
        file-backed adapter.

        >>> from agilemarketing.testing import InMemoryAdapter
        >>> InMemoryAdapter("/data/../data/board.csv").file_identity()
        'memory:/data/board.csv'
        """
        if "://" in self.location or not self.location.strip():
            return self.redact(self.url)
        return self.redact(f"{self.name}:{Path(self.location).expanduser().resolve()}")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.redact(self.url)!r}>"

    def option(self, name: str, default: _T) -> _T:
        """The option ``name`` as the type of ``default``, or ``default`` when not given.

        Options typed on a command line or in a URL arrive as strings; ``"50"`` becomes ``50``
        for an int default, ``"yes"``/``"no"`` a bool. A value that does not convert is an
        :class:`~agilemarketing.errors.InvalidValue` naming the option.
        """
        if name not in self.options:
            return default
        value = self.options[name]
        if isinstance(value, type(default)) and not (
            isinstance(value, bool) and not isinstance(default, bool)
        ):
            return value
        where = f"{self.name} adapter option {name!r}"
        text = str(value).strip()
        try:
            if isinstance(default, bool):
                flag = text.lower()
                if flag not in _BOOLEANS:
                    raise ValueError(text)
                return _BOOLEANS[flag]  # type: ignore[return-value]
            if isinstance(default, int | float | str):
                return type(default)(text)
        except ValueError:
            pass
        raise InvalidValue(
            f"expected {type(default).__name__}", where=where, fix="correct the option", value=text
        )

    # --- secrets ----------------------------------------------------------------------------------

    def secret(self, variable: str) -> str:
        """The value of the environment variable ``variable``; it is redacted from then on
        (:meth:`redact`). Raises :class:`~agilemarketing.errors.MissingSecret` if unset."""
        value = os.environ.get(variable)
        if not value:
            raise MissingSecret(variable, adapter=self.name)
        if value not in self._secrets:
            self._secrets.append(value)
        note_secret(value)
        return value

    @property
    def redactor(self) -> Redactor:
        """What hides every secret this adapter has read so far, in every usual encoding
        (URL-encoded, base64 as in an HTTP Basic header, JSON- and HTML-escaped): call it on
        a text. It is false while the adapter holds no secret, and its repr shows none."""
        return redactor_for(self._secrets)

    def redact(self, text: str) -> str:
        """``text`` with every secret this adapter has read replaced by ``***``, in every usual
        encoding (:attr:`redactor`)."""
        return self.redactor(text)

    # --- reading ----------------------------------------------------------------------------------

    def check_readable(self) -> None:  # noqa: B027 - a no-op default that subclasses may override
        """Raise an :class:`~agilemarketing.errors.AgileMarketingError` (a
        :class:`~agilemarketing.errors.SourceError` for a file) if this adapter cannot be a sync's
        source as it stands: a file that does not exist, say. A sync calls this before it plans
        anything, so a mistyped source is an error rather than an empty board. The base class
        accepts every source."""

    @abc.abstractmethod
    def read(self, since: Cursor | None = None) -> ReadResult:
        """Read items with their history: all of them (``since=None``), or those changed since
        the cursor when :attr:`Capabilities.incremental_read` (otherwise a full read)."""

    def current_cursor(self) -> Cursor | None:
        """A cheap token of the board's whole state as :meth:`read` would return it now, or
        None (the base class) when the adapter cannot tell without reading.

        Two equal tokens of one adapter (same location and options) must mean that a read
        returns the same records: a sync that finds the source's token and the target's token
        unchanged since its last clean run plans nothing without reading either side in full.
        The token is compared, never passed to :meth:`read`. A file adapter gives a hash of the
        file's bytes and of the options it reads with (a stamp is not enough: an edit can keep
        the size and the modification time); the mirror gives its board's revision. An adapter
        over a server leaves it None unless the server offers a cheap, exact change counter.

        >>> from agilemarketing.testing import InMemoryAdapter
        >>> board = InMemoryAdapter("demo")
        >>> board.current_cursor() == board.current_cursor()
        True
        """
        return None

    def board(self) -> BoardDescription | None:
        """What the board says about itself (stages and their statuses, WIP limits, start and
        done, abandoned statuses, cycles, the estimation field), or None when the adapter
        cannot tell. Adapters that can override it and declare ``Capabilities(board=True)``;
        the base class (and every file adapter) returns None.

        >>> from agilemarketing.testing import InMemoryAdapter
        >>> InMemoryAdapter("demo").board() is None   # until describe() gives it one
        True
        """
        return None

    # --- writing ----------------------------------------------------------------------------------

    def check_supports(self, change: Change) -> None:
        """Raise :class:`~agilemarketing.errors.UnsupportedChange` if the capabilities exclude
        ``change``, and :class:`~agilemarketing.errors.InvalidValue` for anything that is not
        one of the four change types."""
        if type(change) not in CHANGE_TYPES.values():
            raise InvalidValue(
                f"{type(change).__name__} is not a change this library defines",
                where=f"adapter {self.name!r}",
                fix="plan one of CreateItem, UpdateFields, MoveStatus, Rerank",
            )
        if not self.capabilities.supports(change):
            operation = "re-ranking" if isinstance(change, Rerank) else "writing"
            raise UnsupportedChange(
                self.name,
                operation,
                fix=f"this adapter is {'read-only' if not self.capabilities.write else 'unranked'};"
                " write to another adapter, or leave this change out of the plan",
            )

    def check_writable(self) -> None:
        """Raise :class:`~agilemarketing.errors.UnsupportedChange` unless this adapter can be
        written to. The base class asks :attr:`capabilities`; an adapter whose location decides
        it (a CSV file that turns out to be a Jira export) adds its own check. A sync calls
        this before it plans anything.

        >>> from agilemarketing.testing import InMemoryAdapter
        >>> InMemoryAdapter("demo").check_writable() is None
        True
        """
        if not self.capabilities.write:
            raise UnsupportedChange(
                self.name,
                "writing",
                fix="this adapter is read-only: sync into a writable target, e.g. mirror:team.db",
            )

    def apply(self, change: AnyChange) -> ChangeResult:
        """Apply one change and report what happened.

        A failure of the change itself (unknown key, conflict) is a ``FAILED`` result, not an
        exception; exceptions mean the adapter as a whole cannot work (unsupported change,
        connection lost). The base class refuses every change: read-only adapters keep it.
        """
        self.check_supports(change)
        raise UnsupportedChange(self.name, f"applying {change.kind} changes")

    def write(self, changes: Iterable[AnyChange]) -> list[ChangeResult]:
        """Apply ``changes`` in order, one :class:`ChangeResult` each. Unsupported changes are
        refused before any change is applied."""
        planned = list(changes)
        for change in planned:
            self.check_supports(change)
        return [self.apply(change) for change in planned]

    def find_created(self, change: CreateItem) -> str | None:
        """The key the tool gave an earlier send of the create ``change`` whose answer was lost
        (a time-out, a dropped connection, a killed run), or None when it finds none or cannot
        look (the base class).

        A sync asks this of a target that assigns keys when its journal holds a create of an
        item that was sent and never answered, and the new plan creates the item again as
        another change (it was edited meanwhile, so the create's id differs): without the
        answer the sync has no key for the item, and sending the new create would make it
        twice. An adapter that marks what it creates (Jira's issue property) overrides it.

        >>> from agilemarketing.adapter import CreateItem
        >>> from agilemarketing.testing import InMemoryAdapter
        >>> InMemoryAdapter("demo").find_created(CreateItem("MKT-1", "Webinar")) is None
        True
        """
        return None

    # --- locking ----------------------------------------------------------------------------------

    def lock(self, wait: float = 0.0) -> AbstractContextManager[None]:
        """Hold this adapter's board for the block, so no other sync writes it meanwhile.

        A sync holds its target's lock (and the mirror's) from the first read of its plan to
        the last write of its apply. Waits up to ``wait`` seconds for another holder, then
        raises :class:`~agilemarketing.errors.SyncLocked`. Re-entrant within a thread. The base
        class holds nothing (a server keeps its own order); an adapter over a file locks it with
        :func:`agilemarketing.adapter.locking.file_lock`.

        >>> from agilemarketing.testing import InMemoryAdapter
        >>> with InMemoryAdapter("demo").lock():
        ...     pass
        """
        return contextlib.nullcontext()

    # --- lifetime ---------------------------------------------------------------------------------

    def close(self) -> None:  # noqa: B027 - a no-op default that subclasses may override
        """Release connections and files. The base class holds none."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
