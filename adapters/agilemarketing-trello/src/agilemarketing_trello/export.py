"""The read-only ``trello-json`` adapter: a board's "Export as JSON" file.

The export holds the same board as the API's snapshot (lists, cards, labels, checklists,
custom fields) and the board's most recent actions, **at most 1,000 of them**. The translation
is the ``trello`` adapter's. When the file holds exactly 1,000 actions the older history is
cut: :attr:`TrelloJsonAdapter.history_cut_at` says from when the history is whole, a warning is
logged, and a card whose earlier moves fell off keeps a first entry at its creation time
(from its id) in the first list the kept history shows.

>>> import json
>>> board = {"id": "5f0c1a2b3c4d5e6f70819203", "name": "Launch", "lists": [
...     {"id": "l1", "name": "To Do", "pos": 1}, {"id": "l2", "name": "Done", "pos": 2}],
...     "cards": [{"id": "5f0c1a2b3c4d5e6f70819204", "idShort": 1, "shortLink": "aB3dE5gH",
...                "name": "Webinar invite", "idList": "l2", "pos": 16384,
...                "dateLastActivity": "2020-07-14T09:00:00.000Z"}],
...     "actions": [{"id": "5f0d75000000000000000001", "type": "updateCard",
...                  "date": "2020-07-14T09:00:00.000Z",
...                  "data": {"card": {"id": "5f0c1a2b3c4d5e6f70819204"},
...                           "listBefore": {"id": "l1", "name": "To Do"},
...                           "listAfter": {"id": "l2", "name": "Done"}}}]}
>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "export.json"
>>> _ = path.write_text(json.dumps(board), encoding="utf-8")
>>> record = next(iter(TrelloJsonAdapter(str(path), {"key_prefix": "MKT"}).read()))
>>> record.key, record.history.status, [t.to_status for t in record.history.transitions]
('MKT-1', 'Done', ['To Do', 'Done'])
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import ClassVar

import msgspec

from agilemarketing.adapter import (
    Adapter,
    BoardDescription,
    Capabilities,
    Cursor,
    HistoryFidelity,
    ReadResult,
    rank_order,
)
from agilemarketing.errors import InvalidValue
from agilemarketing_trello.adapter import conventions_from
from agilemarketing_trello.errors import TrelloExportError
from agilemarketing_trello.models import Board, decode_board
from agilemarketing_trello.stages import describe_board
from agilemarketing_trello.translate import BoardIndex, card_record, group_actions, reflected

__all__ = ["EXPORT_ACTION_LIMIT", "TrelloJsonAdapter"]

#: Trello's export holds at most this many of the board's newest actions.
EXPORT_ACTION_LIMIT = 1000

log = logging.getLogger("agilemarketing_trello.export")


class TrelloJsonAdapter(Adapter):
    """A Trello board export: ``trello-json:path/to/export.json`` (read only; the ``trello``
    adapter's options for keys, labels, points, checklist and done list apply)."""

    name: ClassVar[str] = "trello-json"
    capabilities: ClassVar[Capabilities] = Capabilities(
        read=True,
        incremental_read=False,
        write=False,
        rank=True,
        history=HistoryFidelity.EXACT,
        board=True,
    )

    def __init__(self, location: str = "", options: Mapping[str, object] | None = None) -> None:
        super().__init__(location, options)
        if not location:
            raise InvalidValue(
                "the trello-json adapter needs the export's path",
                where="trello-json adapter URL",
                fix="write it as trello-json:path/to/export.json",
            )
        self.conventions = conventions_from(self)
        self.history_cut_at: datetime | None = None

    def _load(self) -> Board:
        path = Path(self.location)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TrelloExportError(
                self.location, f"cannot read the file ({exc.strerror})"
            ) from exc
        try:
            return decode_board(data)
        except msgspec.DecodeError as exc:
            raise TrelloExportError(self.location, f"not a Trello board export: {exc}") from exc
        except msgspec.ValidationError as exc:
            raise TrelloExportError(self.location, f"not a Trello board export: {exc}") from exc

    def read(self, since: Cursor | None = None) -> ReadResult:
        """Every card of the export (always a full read: a file has no change stream)."""
        board = self._load()
        index = BoardIndex(board, self.conventions)
        self.history_cut_at = None
        if len(board.actions) >= EXPORT_ACTION_LIMIT:
            self.history_cut_at = min(a.date for a in board.actions)
            log.warning(
                "%s holds exactly %d actions, Trello's export limit: the board's history before "
                "%s is cut (read the board with the trello adapter for all of it)",
                self.location,
                len(board.actions),
                self.history_cut_at.isoformat(),
            )
        grouped = group_actions(board.actions)
        records = [
            card_record(card, reflected(card, grouped.get(card.id, [])), index)
            for card in board.cards
        ]
        return ReadResult(
            iter(sorted(records, key=rank_order)),
            Cursor(f"export:{len(board.actions)}"),
            complete=True,
        )

    def board(self) -> BoardDescription:
        """The exported board's stages with their WIP limits."""
        return describe_board(
            self._load(),
            done_list=self.conventions.done_list,
            points_field=self.conventions.points_field,
        )
