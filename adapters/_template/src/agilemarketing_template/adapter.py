"""The template adapter: a board kept in one JSON file, standing in for a tool's API.

The file plays the part of the external system (Jira, Trello, a spreadsheet...). When you copy
this template, replace the :class:`BoardFile` section with calls to your tool's client and the
two translation functions with your tool's field names; the :class:`TemplateAdapter` class
keeps its shape.

The file looks like this (``revision`` grows with every change, so reads can be incremental)::

    {"revision": 3,
     "items": {"MKT-1": {"summary": "...", "status": "To Do", "revision": 3,
                         "transitions": [{"at": "2026-01-05T09:00:00+00:00",
                                          "from": null, "to": "To Do"}], ...}},
     "removed": {}}
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import attrs

from agilemarketing.adapter import (
    Adapter,
    AnyChange,
    Capabilities,
    ChangeResult,
    ChangeStatus,
    Cursor,
    HistoryFidelity,
    ItemRecord,
    ReadResult,
    apply_change,
    rank_between,
)
from agilemarketing.errors import AgileMarketingError, InvalidCursor, InvalidValue
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing_template.errors import BoardFileError

__all__ = ["BoardFile", "TemplateAdapter", "save_board"]

Payload = dict[str, Any]


# --- 1. The tool's side. Replace this with your tool's client. ------------------------------------


class BoardFile:
    """The "remote" board: load and save the whole JSON document, atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Payload:
        """The document; an absent file is an empty board."""
        if not self.path.exists():
            return {"revision": 0, "items": {}, "removed": {}}
        try:
            document: Payload = json.loads(self.path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise BoardFileError(
                f"not a board file: {exc.msg} at line {exc.lineno}",
                file=str(self.path),
                fix="point the adapter at a file it wrote, or at a new path",
            ) from exc
        return document

    def save(self, document: Payload) -> None:
        """Write to a temporary file, then rename it over the old one (never half-written)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".board-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


# --- 2. Translation: the tool's payloads to and from records. No business rules here. -------------


def record_from_payload(key: str, payload: Payload) -> ItemRecord:
    """One item of the board file as a record (the adapter's only reading job)."""
    # Timestamps stay ISO strings here: ItemHistory, Transition and ItemRecord turn them into aware
    # UTC datetimes themselves (and refuse one without an offset).
    history = ItemHistory(
        key=key,
        summary=payload.get("summary", ""),
        type=payload.get("type", ""),
        status=payload.get("status", ""),
        created=payload.get("created"),
        resolved=payload.get("resolved"),
        points=payload.get("points"),
        labels=payload.get("labels", ()),
        sprints=payload.get("sprints", ()),
        transitions=[
            Transition(t["at"], t["from"], t["to"], t.get("observed", False))
            for t in payload.get("transitions", ())
        ],
        blocked=[BlockedPeriod(b["start"], b["end"]) for b in payload.get("blocked", ())],
        rank=payload.get("rank"),
    )
    return ItemRecord(
        history,
        fields=payload.get("fields", {}),
        done_criteria=payload.get("done_criteria", ()),
        version=str(payload["revision"]),
        updated=payload.get("updated"),
    )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def payload_from_history(history: ItemHistory) -> Payload:
    """A history as the board file stores it (the adapter's only writing job)."""
    return {
        "summary": history.summary,
        "type": history.type,
        "status": history.status,
        "created": _iso(history.created),
        "resolved": _iso(history.resolved),
        "points": history.points,
        "labels": list(history.labels),
        "sprints": list(history.sprints),
        "transitions": [
            {"at": t.at.isoformat(), "from": t.from_status, "to": t.to_status}
            | ({"observed": True} if t.observed else {})
            for t in history.transitions
        ],
        "blocked": [{"start": b.start.isoformat(), "end": _iso(b.end)} for b in history.blocked],
        "rank": history.rank,
        "fields": {},
        "done_criteria": [],
    }


def payload_from_record(record: ItemRecord) -> Payload:
    """A record as the board file stores it: its history plus extra fields and DoD state."""
    return {
        **payload_from_history(record.history),
        "fields": {k: list(v) if isinstance(v, tuple) else v for k, v in record.fields.items()},
        "done_criteria": sorted(record.done_criteria),
    }


def save_board(path: str | os.PathLike[str], histories: Iterable[ItemHistory]) -> None:
    """Write a board file holding exactly ``histories`` (tests seed the adapter with it)."""
    items: dict[str, Payload] = {}
    last: str | None = None
    for history in histories:
        if history.rank is None:
            last = rank_between(last, None)
            history = attrs.evolve(history, rank=last)
        items[history.key] = {**payload_from_history(history), "revision": 1}
    BoardFile(Path(path)).save({"revision": 1, "items": items, "removed": {}})


# --- 3. The adapter. ------------------------------------------------------------------------------


class TemplateAdapter(Adapter):
    """Reads and writes a board kept in a JSON file: ``template:path/to/board.json``.

    Options: ``page_size`` (records per page while reading, default 100).
    """

    name: ClassVar[str] = "template"
    capabilities: ClassVar[Capabilities] = Capabilities(
        read=True,
        incremental_read=True,
        write=True,
        rank=True,
        history=HistoryFidelity.EXACT,
        carries_history=True,
        # The board records deletions ("removed"): an item missing from it was deleted. A tool
        # whose missing items may just be lost (a file edited by hand) leaves this False.
        missing_is_deleted=True,
    )

    def __init__(self, location: str = "", options: Mapping[str, object] | None = None) -> None:
        super().__init__(location, options)
        if not location:
            raise InvalidValue(
                f"the {self.name} adapter needs a file path",
                where=f"{self.name} adapter URL",
                fix=f"write it as {self.name}:path/to/board.json",
            )
        self._board = BoardFile(Path(location))
        self._page_size = self.option("page_size", 100)
        # A tool behind a login reads its secret from the environment, never from options:
        #     self._token = self.secret(self.option("token_env", "TEMPLATE_TOKEN"))

    # --- reading ----------------------------------------------------------------------------------

    def read(self, since: Cursor | None = None) -> ReadResult:
        """Every item in rank order, or those changed since ``since``."""
        document = self._board.load()
        cursor = Cursor(f"rev:{document['revision']}")
        items: dict[str, Payload] = document["items"]
        if since is None:
            keys = list(items)
            return ReadResult(self._pages(items, keys), cursor, complete=True)
        after = self._revision_of(since, document)
        keys = [key for key, payload in items.items() if payload["revision"] > after]
        removed = sorted(k for k, rev in document["removed"].items() if rev > after)
        return ReadResult(self._pages(items, keys), cursor, complete=False, removed=removed)

    def _pages(self, items: Mapping[str, Payload], keys: list[str]) -> Iterator[ItemRecord]:
        keys = sorted(keys, key=lambda k: (items[k].get("rank") or "", k))
        # a real tool pages on the server; here each page is translated when reached
        for start in range(0, len(keys), self._page_size):
            for key in keys[start : start + self._page_size]:
                yield record_from_payload(key, items[key])

    def _revision_of(self, cursor: Cursor, document: Payload) -> int:
        prefix, _, number = cursor.token.partition(":")
        if prefix != "rev" or not number.isdigit():
            raise InvalidCursor(self.name, cursor.token, why=f"not a {self.name} cursor")
        if int(number) > document["revision"]:
            raise InvalidCursor(self.name, cursor.token, why="newer than the board")
        return int(number)

    # --- writing ----------------------------------------------------------------------------------

    def apply(self, change: AnyChange) -> ChangeResult:
        """Apply one change; a failed change leaves the file untouched.

        :func:`~agilemarketing.adapter.apply_change` works out the item's new record (or that
        the board already holds the change, or why it cannot be applied); the adapter only
        stores it. A tool with an API sends the difference instead (create the issue, edit its
        fields, run the transition, rank it) and reports what the tool answered.
        """
        self.check_supports(change)
        document = self._board.load()
        items: dict[str, Payload] = document["items"]
        now = datetime.now(UTC)
        try:
            record = apply_change(change, _Board(items), now=now, where=self.url)
        except AgileMarketingError as error:
            return ChangeResult(change, ChangeStatus.FAILED, error=error)
        if record is None:
            return ChangeResult(change, ChangeStatus.ALREADY_APPLIED)
        document["revision"] += 1
        items[change.key] = {
            **payload_from_record(record),
            "revision": document["revision"],
            "updated": now.isoformat(),
        }
        document["removed"].pop(change.key, None)
        self._board.save(document)
        return ChangeResult(change, ChangeStatus.APPLIED)


class _Board:
    """The board file's items as records, translated when asked for (for ``apply_change``)."""

    def __init__(self, items: Mapping[str, Payload]) -> None:
        self._items = items

    def get(self, key: str, /) -> ItemRecord | None:
        payload = self._items.get(key)
        return None if payload is None else record_from_payload(key, payload)

    def values(self) -> list[ItemRecord]:
        return [record_from_payload(key, payload) for key, payload in self._items.items()]
