"""Reading a report's source: a history JSON Lines file, an adapter URL or item histories."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from agilemarketing.errors import HistorySourceError
from agilemarketing.history import ItemHistory
from agilemarketing.historyio import HistoryTable, read_history

__all__ = ["as_table", "load_history"]

_URL_LIKE = re.compile(r"^[a-z][a-z0-9_-]+:", re.I)


def load_history(
    source: str | os.PathLike[str], options: Mapping[str, object] | None = None
) -> HistoryTable:
    """Read histories from a history JSON Lines file or from an adapter URL.

    An existing path is read as history JSON Lines; ``mirror:team.db`` reads the mirror's
    board, and any other ``<adapter>:<location>`` goes through the installed adapters
    (``csv:board.csv``...), built with ``options`` (the command line's ``--source-option``;
    ignored for a file). Every adapter's items come with their history, so the report does not
    care where they came from.

    Raises:
        HistorySourceError: the file does not exist and the text is no adapter URL.
    """
    text = os.fspath(source)
    path = Path(text)
    if path.is_file():
        return read_history(path)
    if path.is_dir():
        raise HistorySourceError(
            text, "is a directory", fix="name the history JSON Lines file inside it"
        )
    if _URL_LIKE.match(text) and not re.match(r"^[a-z]:[\\/]", text, re.I):
        return _from_adapter(text, options or {})
    raise HistorySourceError(
        text,
        "no such file",
        fix="give a history JSON Lines file, or an adapter URL such as mirror:team.db",
    )


def _from_adapter(url: str, options: Mapping[str, object]) -> HistoryTable:
    """The histories an adapter URL reads, without the adapter's secrets (in the records and in
    the errors raised while reading)."""
    from agilemarketing.adapter import Adapter, parse_adapter_url, redact_record, redacted_errors

    adapter: Adapter
    if parse_adapter_url(url).name == "mirror":
        from agilemarketing.mirror import MirrorAdapter

        adapter = MirrorAdapter.from_url(
            url, {**options, "create": False, "finished_removed": True}
        )
    else:
        from agilemarketing.plugins import adapter_for_url

        adapter = adapter_for_url(url, options)
    with adapter, redacted_errors(adapter):
        adapter.check_readable()  # a mistyped file is an error, not an empty board
        # The secrets as the adapter holds them when each record arrives: it read a secret
        # before it could put it in a record.
        return HistoryTable.from_histories(
            redact_record(record, adapter.redactor, board=adapter.redact(adapter.url)).history
            for record in adapter.read()
        )


def as_table(
    histories: HistoryTable | str | os.PathLike[str] | Iterable[ItemHistory],
) -> HistoryTable:
    """``histories`` as a :class:`~agilemarketing.historyio.HistoryTable`: a table as it is, a
    path or adapter URL through :func:`load_history`, item histories gathered into a table."""
    if isinstance(histories, HistoryTable):
        return histories
    if isinstance(histories, str | os.PathLike):
        return load_history(histories)
    return HistoryTable.from_histories(histories)
