"""The ``trello`` adapter: a Trello board read and written through the REST API.

``trello:<board id or short link>``, with options:

============== ============================== ===============================================
option         default                        what
============== ============================== ===============================================
api_url        https://api.trello.com/1       the API root
key_env        TRELLO_KEY                     environment variable holding the API key
token_env      TRELLO_TOKEN                   environment variable holding the token
key_prefix     (none: the card's short link)  item keys ``<prefix>-<idShort>``
points_field   Points                         number custom field with the points
done_checklist Definition of Done             checklist holding the Definition of Done
type_label_... type:                          label prefix naming the item's type
blocked_label  Blocked                        label marking a card blocked
done_list      (the last open list)           the list whose cards are done
lists          (none)                         the lists a written board needs, in order
============== ============================== ===============================================

(``type_label_prefix`` in full.) ``lists`` (``"Backlog,Doing,Done"``, or a TOML array) names
the lists, in order, that a board written to must have: before the first create or move, the
missing ones are made, each placed between its neighbours of that order (a board mirrored from
another tool starts empty). Timeouts and retries: ``connect_timeout`` (5 s),
``read_timeout`` (30 s), ``retries`` (4), ``backoff`` (0.5 s).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

import attrs
import msgspec

from agilemarketing.adapter import (
    CORE_FIELDS,
    Adapter,
    AnyChange,
    BoardDescription,
    Capabilities,
    ChangeResult,
    ChangeStatus,
    CreateItem,
    Cursor,
    HistoryFidelity,
    ItemRecord,
    MoveStatus,
    RankScope,
    ReadResult,
    Rerank,
    UpdateFields,
    apply_change,
    rank_order,
)
from agilemarketing.errors import (
    AgileMarketingError,
    ChangeConflict,
    InvalidCursor,
    InvalidValue,
    NotFound,
)
from agilemarketing_trello.client import DEFAULT_API_URL, TrelloClient
from agilemarketing_trello.errors import TrelloRemoteError
from agilemarketing_trello.limiter import RateLimiter
from agilemarketing_trello.models import Card, decode_card
from agilemarketing_trello.ranks import POS_STEP, pos_between
from agilemarketing_trello.reading import BoardReader, epoch_ms, from_epoch_ms
from agilemarketing_trello.stages import describe_board, split_wip
from agilemarketing_trello.translate import (
    BoardIndex,
    Conventions,
    card_record,
    moscow_of,
    split_marker,
    with_marker,
)

__all__ = ["WRITABLE_FIELDS", "TrelloAdapter"]

#: The extra fields a change may set on a card, besides summary, type, points and labels.
WRITABLE_FIELDS = frozenset({"archived", "description", "due", "moscow"})
#: The fields Trello assigns each card (read from every card): a change carrying them (a copy
#: of a card of another board) is written without them.
ASSIGNED_FIELDS = frozenset({"trello_id", "short_link"})

#: Trello's longest card name and description, in characters.
TEXT_LIMIT = 16384

_LOCATION = re.compile(r"^[A-Za-z0-9]{6,32}$")
_CURSOR = re.compile(r"^trello:(?P<board>[A-Za-z0-9]+):(?P<action>[0-9a-f]{24})?:(?P<ms>\d+)$")


def conventions_from(adapter: Adapter) -> Conventions:
    """The label, field and checklist conventions from an adapter's options."""
    done_list = adapter.option("done_list", "")
    return Conventions(
        key_prefix=adapter.option("key_prefix", "") or None,
        points_field=adapter.option("points_field", "Points"),
        done_checklist=adapter.option("done_checklist", "Definition of Done"),
        type_label_prefix=adapter.option("type_label_prefix", "type:"),
        blocked_label=adapter.option("blocked_label", "Blocked"),
        done_list=done_list or None,
    )


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _Records:
    """A board snapshot as records, translated when asked for (for ``apply_change``)."""

    def __init__(self, index: BoardIndex, list_id: str | None = None) -> None:
        self._index = index
        self._list_id = list_id  # only this list's cards in values() (a list's own order)
        self._cache: dict[str, ItemRecord] = {}

    def get(self, key: str, /) -> ItemRecord | None:
        card = self._index.cards.get(key)
        if card is None:
            return None
        if key not in self._cache:
            self._cache[key] = card_record(card, (), self._index)
        return self._cache[key]

    def values(self) -> list[ItemRecord]:
        keys = [
            key
            for key, card in self._index.cards.items()
            if self._list_id is None or card.id_list == self._list_id
        ]
        return [r for k in keys if (r := self.get(k)) is not None]


class TrelloAdapter(Adapter):
    """A Trello board: ``trello:<board id or short link>`` (see the module for the options)."""

    name: ClassVar[str] = "trello"
    capabilities: ClassVar[Capabilities] = Capabilities(
        read=True,
        incremental_read=True,
        write=True,
        rank=True,
        history=HistoryFidelity.EXACT,
        board=True,
        rank_scope=RankScope.STATUS,
    )

    known_options: ClassVar[frozenset[str] | None] = frozenset(
        {
            "api_url", "key_env", "token_env", "connect_timeout", "read_timeout", "retries",
            "backoff", "limiter", "sleep", "done_list", "key_prefix", "points_field",
            "done_checklist", "type_label_prefix", "blocked_label", "lists",
        }
    )  # fmt: skip

    def __init__(self, location: str = "", options: Mapping[str, object] | None = None) -> None:
        super().__init__(location, options)
        if not _LOCATION.match(location):
            raise InvalidValue(
                "a Trello board is named by its id or short link",
                where="trello adapter URL",
                fix="write it as trello:<board id or short link>, e.g. trello:aB3dE5gH (the "
                "short link is in the board's address, trello.com/b/<short link>/...)",
                value=location,
            )
        self.conventions = conventions_from(self)
        self.api_url = self.option("api_url", DEFAULT_API_URL)
        self.key_env = self.option("key_env", "TRELLO_KEY")
        self.token_env = self.option("token_env", "TRELLO_TOKEN")
        self.list_order = _names(self.options.get("lists"))
        self.timeout = (self.option("connect_timeout", 5.0), self.option("read_timeout", 30.0))
        self.retries = self.option("retries", 4)
        self.backoff = self.option("backoff", 0.5)
        for name, value, ok, rule in (
            ("connect_timeout", self.timeout[0], self.timeout[0] > 0, "seconds above 0"),
            ("read_timeout", self.timeout[1], self.timeout[1] > 0, "seconds above 0"),
            ("retries", self.retries, self.retries >= 0, "0 or more"),
            ("backoff", self.backoff, self.backoff >= 0, "seconds, 0 or more"),
        ):
            if not ok:
                raise InvalidValue(
                    f"{name} is out of range",
                    where=f"trello adapter option {name!r}",
                    fix=f"set {name} to {rule}",
                    value=value,
                )
        self._client: TrelloClient | None = None

    # -- the client ---------------------------------------------------------------------------

    @property
    def client(self) -> TrelloClient:
        """The API client (built on first use, reading the key and token then)."""
        if self._client is None:
            limiter = self.options.get("limiter")
            sleep = self.options.get("sleep")
            self._client = TrelloClient(
                self.api_url,
                key=self.secret(self.key_env),
                token=self.secret(self.token_env),
                key_env=self.key_env,
                token_env=self.token_env,
                board=self.location,
                timeout=self.timeout,
                retries=self.retries,
                backoff=self.backoff,
                limiter=limiter if isinstance(limiter, RateLimiter) else None,
                sleep=sleep if callable(sleep) else time.sleep,
            )
        return self._client

    def close(self) -> None:
        """Close the connection pool."""
        if self._client is not None:
            self._client.close()

    def _reader(self) -> BoardReader:
        return BoardReader(self.client, self.location, self.conventions)

    def _index(self) -> BoardIndex:
        return BoardIndex(self._reader().snapshot(), self.conventions)

    # -- reading -------------------------------------------------------------------------------

    def read(self, since: Cursor | None = None) -> ReadResult:
        """Every card with its history, or (with a cursor) the cards changed since and the keys
        of cards deleted or moved off the board."""
        if since is None:
            _, records, last = self._reader().full()
            cursor = self._cursor(last.id if last else "", last.date if last else None)
            return ReadResult(iter(sorted(records, key=rank_order)), cursor, complete=True)
        action_id, since_time = self._parse_cursor(since)
        changes = self._reader().changes(action_id, since_time) if action_id else None
        if not action_id:
            # the board had no history at the last read: read it all, as changes
            _, records, last = self._reader().full()
            cursor = self._cursor(last.id if last else "", last.date if last else None)
            return ReadResult(iter(sorted(records, key=rank_order)), cursor, complete=False)
        if changes is None:
            return ReadResult(iter(()), since, complete=False)
        last = changes.newest
        cursor = self._cursor(last.id, last.date) if last else since
        records = sorted(changes.records, key=rank_order)
        return ReadResult(iter(records), cursor, complete=False, removed=changes.removed)

    def board(self) -> BoardDescription:
        """The board's stages (open lists in order) with their WIP limits; no cycles."""
        return describe_board(
            self._reader().snapshot(),
            done_list=self.conventions.done_list,
            points_field=self.conventions.points_field,
        )

    def _cursor(self, action_id: str, at: datetime | None) -> Cursor:
        return Cursor(f"trello:{self.location}:{action_id}:{epoch_ms(at) if at else 0}")

    def _parse_cursor(self, cursor: Cursor) -> tuple[str, datetime]:
        match = _CURSOR.match(cursor.token)
        if match is None:
            raise InvalidCursor(self.name, cursor.token, why="not a trello cursor")
        if match["board"] != self.location:
            raise InvalidCursor(
                self.name, cursor.token, why=f"it comes from board {match['board']}"
            )
        try:
            at = from_epoch_ms(int(match["ms"]))
        except (ValueError, OverflowError, OSError):
            at = None
        if at is None:  # raised outside the except: no chained error
            raise InvalidCursor(self.name, cursor.token, why="its time is out of range")
        return match["action"] or "", at

    # -- writing -------------------------------------------------------------------------------

    def apply(self, change: AnyChange) -> ChangeResult:
        """Apply one change to the board; see :meth:`agilemarketing.adapter.Adapter.apply`.

        Every change starts from a fresh snapshot of the board (nothing is cached: not the
        cards' positions, not their lists). A failed change has sent nothing to Trello.
        A create's result carries, in ``key``, the key the card reads back as: the planned
        key, kept in the marker at the end of the card's description (the card's id and short
        link are its ``trello_id`` and ``short_link`` fields).
        """
        self.check_supports(change)
        try:
            unassigned = _without_assigned(change)
            if unassigned is None:  # only fields Trello assigns: nothing a card can be given
                return ChangeResult(change, ChangeStatus.ALREADY_APPLIED)
            planned = _normalised(unassigned)
        except AgileMarketingError as error:
            return ChangeResult(change, ChangeStatus.FAILED, error=error)
        index = self._index()
        if isinstance(planned, CreateItem):
            resumed = self._resume_create(change, planned, index)
            if resumed is not None:
                return resumed
        records = _Records(index)
        try:
            if isinstance(planned, Rerank):
                self._check_same_list(planned, index)
                card = index.cards.get(planned.key)
                records = _Records(index, card.id_list if card is not None else None)
            target = apply_change(planned, records, now=_utcnow(), where=self.url)
            if target is None:
                return ChangeResult(change, ChangeStatus.ALREADY_APPLIED)
            send = self._plan_request(planned, index, change.change_id)
        except AgileMarketingError as error:
            return ChangeResult(change, ChangeStatus.FAILED, error=error)
        send()
        return ChangeResult(change, ChangeStatus.APPLIED)

    def _plan_request(self, change: AnyChange, index: BoardIndex, change_id: str) -> Any:
        """Check everything the change needs (lists, fields) and return the function that
        sends it: nothing is sent before the whole change is known to fit."""
        if isinstance(change, CreateItem):
            desc = str(change.fields.get("description") or "")
            self._check_text(change.key, change.summary, with_marker(desc, change.key, change_id))
        elif isinstance(change, UpdateFields):
            values = change.values
            desc = _new_desc(index.cards[change.key], values.get("description"))
            self._check_text(change.key, str(values.get("summary") or ""), desc)
        if isinstance(change, CreateItem | MoveStatus) and self._missing_lists(index):
            index = self._make_lists(index)
        match change:
            case CreateItem():
                list_id = self._list_for(change.status, index)
                return lambda: self._create(change, list_id, change_id, index)
            case UpdateFields():
                card = index.cards[change.key]
                return lambda: self._update(card, change.values, index)
            case MoveStatus():
                card = index.cards[change.key]
                list_id = self._list_for(change.to_status, index)
                return lambda: self.client.put(f"/cards/{card.id}", {"idList": list_id})
            case Rerank():
                card = index.cards[change.key]
                pos = self._pos_for(change, index)
                return lambda: self.client.put(f"/cards/{card.id}", {"pos": pos})

    def _check_text(self, key: str, name: str, desc: str) -> None:
        """Refuse a card name or description longer than Trello takes, before anything is
        sent (Trello would refuse the card after its new labels were made)."""
        for what, text in (("summary", name), ("description", desc)):
            if len(text) <= TEXT_LIMIT:
                continue
            marked = what == "description" and split_marker(text)[1] is not None
            raise InvalidValue(
                f"the {what} is {len(text)} characters"
                + (" with the marker of the item's key" if marked else "")
                + f", and Trello takes at most {TEXT_LIMIT}",
                where=f"{self.url}, item {key}",
                fix=f"shorten the {what} in the source by at least {len(text) - TEXT_LIMIT} "
                "characters, then run again",
            )

    def _missing_lists(self, index: BoardIndex) -> list[str]:
        return [name for name in self.list_order if _list_named(name, index) is None]

    def _make_lists(self, index: BoardIndex) -> BoardIndex:
        """Make the lists of the ``lists`` option the board lacks, each between its neighbours
        of that order; the board's snapshot afterwards."""
        for name in self._missing_lists(index):
            at = self.list_order.index(name)
            pos = {x.id: x.pos for x in index.open_lists}
            before = [_list_named(n, index) for n in self.list_order[:at]]
            after = [_list_named(n, index) for n in self.list_order[at + 1 :]]
            low = next((pos[i] for i in reversed(before) if i is not None), None)
            high = next((pos[i] for i in after if i is not None), None)
            if low is None and high is None:
                low = max(pos.values(), default=None)
            try:
                place = pos_between(low, high)
            except ValueError:
                place = None
            if place is None:  # raised outside the except: no chained error
                raise InvalidValue(
                    f"the list {name!r} has no position between its neighbours (they share one)",
                    where=self.url,
                    fix="drag one of its neighbouring lists in Trello once (Trello places it "
                    f"anew), or make the list {name!r} by hand, then run again",
                )
            self.client.post("/lists", {"name": name, "idBoard": index.board.id, "pos": place})
            index = self._index()
        return index

    def _list_for(self, status: str, index: BoardIndex) -> str:
        if not status:
            if not index.open_lists:
                raise NotFound("list", "(any)", where=self.url, fix="add a list to the board")
            return index.open_lists[0].id
        list_id = index.list_for_status(status)
        if list_id is None:
            names = ", ".join(index.status_of_list(x.id) for x in index.open_lists)
            raise NotFound(
                "list",
                status,
                where=self.url,
                fix=f"use one of the board's lists ({names}), map the status onto one "
                "(status_map in the sync configuration), or name it in the option lists "
                "to have it made",
            )
        return list_id

    def _check_same_list(self, change: Rerank, index: BoardIndex) -> None:
        """Trello orders each list by itself (the rank scope is the status): a neighbour in
        another list is a conflict, even when the order already holds."""
        card, neighbour = index.cards.get(change.key), index.cards.get(change.neighbour)
        if card is not None and neighbour is not None and neighbour.id_list != card.id_list:
            raise ChangeConflict(
                change.key,
                expected=f"a neighbour in list {index.status_of_list(card.id_list)!r}",
                found=f"{change.neighbour} in list {index.status_of_list(neighbour.id_list)!r}",
                where=f"{self.url}, card {change.key}",
            )

    def _pos_for(self, change: Rerank, index: BoardIndex) -> float:
        """A ``pos`` between the neighbours within the card's list (Trello orders each list
        by itself: the rank scope is the status); a neighbour in another list is a conflict."""
        ordered = sorted(_Records(index, index.cards[change.key].id_list).values(), key=rank_order)
        others = [r for r in ordered if r.key != change.key]
        at = [r.key for r in others].index(change.neighbour) + (change.after is not None)
        low = index.cards[others[at - 1].key].pos if at > 0 else None
        high = index.cards[others[at].key].pos if at < len(others) else None
        try:
            return pos_between(low, high)
        except ValueError:
            raise InvalidValue(
                "the neighbours' positions are too close to place a card between them",
                where=f"{self.url}, card {change.key}",
                fix="drag a card of that list in Trello once (Trello re-spaces the list), "
                "then run again",
            ) from None

    # -- creating ------------------------------------------------------------------------------

    def _resume_create(
        self, change: AnyChange, planned: CreateItem, index: BoardIndex
    ) -> ChangeResult | None:
        """A card this very create made already (its answer was lost, or the run stopped
        before the points were set): finish it instead of creating another."""
        card = index.cards.get(planned.key)
        if card is None:
            return None
        _, key, change_id = split_marker(card.desc)
        if key != planned.key or change_id != change.change_id:
            return None
        record = card_record(card, (), index)
        if planned.satisfied_by(record):
            return ChangeResult(change, ChangeStatus.ALREADY_APPLIED)
        values: dict[str, Any] = {
            "summary": planned.summary,
            "type": planned.type,
            "points": planned.points,
            "labels": planned.labels,
            **planned.fields,
        }
        self._update(card, values, index)
        return ChangeResult(change, ChangeStatus.APPLIED)

    def _create(self, change: CreateItem, list_id: str, change_id: str, index: BoardIndex) -> None:
        body: dict[str, Any] = {
            "idList": list_id,
            "name": change.summary,
            "desc": with_marker(str(change.fields.get("description") or ""), change.key, change_id),
            "pos": max((c.pos for c in index.board.cards), default=0.0) + POS_STEP,
            "idLabels": ",".join(self._label_ids(self._label_names(change), index)),
        }
        if change.fields.get("due"):
            body["due"] = change.fields["due"]
        if change.fields.get("archived"):
            body["closed"] = True
        card = self._post_card_once(change.key, change_id, body)
        if change.points is not None:
            self._set_points(card, change.points, index)

    def _post_card_once(self, key: str, change_id: str, body: dict[str, Any]) -> Card:
        """POST the card; if the answer is lost, look for the card first, and send the create
        again only if Trello has no such card and cannot be making it still (an answer that
        came too late, or a gateway's 504, means Trello may make it after the look)."""
        for attempt in (1, 2):
            try:
                answer = self.client.post("/cards", body)
                return self.client.decoded(decode_card, answer, "POST", "/cards")
            except TrelloRemoteError as error:
                if error.status is not None and error.status < 500:
                    raise
                found = self._index().cards.get(key)
                if found is not None and split_marker(found.desc)[2] == change_id:
                    return found
                if error.answer_late:
                    raise TrelloRemoteError(
                        "POST",
                        error.path,
                        status=error.status,
                        reason=error.reason,
                        attempts=attempt,
                        fix=f"run the same command again: Trello may still make the card of "
                        f"{key}, and the next run finds it by its marker instead of making "
                        "another (the create was not sent twice)",
                        answer_late=True,
                    ) from None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _label_names(self, change: CreateItem) -> list[str]:
        names = list(change.labels)
        if change.type:
            names.append(f"{self.conventions.type_label_prefix}{change.type}")
        moscow = change.fields.get("moscow")
        if moscow:
            names.append(str(moscow))
        return names

    def _label_ids(self, names: Iterable[str], index: BoardIndex) -> list[str]:
        ids = []
        for name in names:
            label = index.label_for(name)
            if label is None:
                created = self.client.post(
                    "/labels", {"name": name, "color": None, "idBoard": index.board.id}
                )
                label_id = self.client.decoded(_decode_id, created, "POST", "/labels")
            else:
                label_id = label.id
            if label_id not in ids:
                ids.append(label_id)
        return ids

    def _points_field_id(self, index: BoardIndex) -> str:
        if index.points_field is not None:
            return index.points_field.id
        created = self.client.post(
            "/customFields",
            {
                "idModel": index.board.id,
                "modelType": "board",
                "name": self.conventions.points_field,
                "type": "number",
                "pos": "bottom",
                "display_cardFront": True,
            },
        )
        return self.client.decoded(_decode_id, created, "POST", "/customFields")

    def _set_points(self, card: Card, points: float | None, index: BoardIndex) -> None:
        field = self._points_field_id(index)
        value: Any = "" if points is None else {"number": _number_text(points)}
        self.client.put(f"/cards/{card.id}/customField/{field}/item", {"value": value})

    # -- updating ------------------------------------------------------------------------------

    def _update(self, card: Card, values: Mapping[str, Any], index: BoardIndex) -> None:
        body: dict[str, Any] = {}
        if "summary" in values:
            body["name"] = values["summary"]
        if "description" in values:
            body["desc"] = _new_desc(card, values["description"])
        if "due" in values:
            body["due"] = values["due"]
        if "archived" in values:
            body["closed"] = bool(values["archived"])
        if {"labels", "type", "moscow"} & set(values):
            body["idLabels"] = ",".join(self._new_label_ids(card, values, index))
        if body:
            self.client.put(f"/cards/{card.id}", body)
        if "points" in values:
            self._set_points(card, values["points"], index)

    def _new_label_ids(self, card: Card, values: Mapping[str, Any], index: BoardIndex) -> list[str]:
        conventions = self.conventions
        current = [index.labels[i] for i in card.id_labels if i in index.labels]
        plain = [x.name for x in current if x.name.strip() and not conventions.is_special(x.name)]
        kind = next(
            (conventions.type_of(x.name) for x in current if conventions.is_type_label(x.name)),
            "",
        )
        moscow = next((m for x in current if (m := moscow_of(x.name)) is not None), None)
        keep = [x.id for x in current if conventions.is_blocked_label(x.name) or not x.name.strip()]
        if "labels" in values:
            plain = list(values["labels"] or ())
        if "type" in values:
            kind = str(values["type"] or "")
        if "moscow" in values:
            moscow = values["moscow"]
        names = [*plain]
        if kind:
            names.append(f"{conventions.type_label_prefix}{kind}")
        if moscow:
            names.append(str(moscow))
        return [*self._label_ids(names, index), *keep]


def _new_desc(card: Card, description: object) -> str:
    """The card's description for a new text: the text, with the card's marker kept."""
    _, key, change_id = split_marker(card.desc)
    text = str(description or "")
    return with_marker(text, key, change_id) if key and change_id else text


def _list_named(name: str, index: BoardIndex) -> str | None:
    """The open list a name of the ``lists`` option stands for: the one of its status, the
    name without a WIP suffix (``Doing [3]`` is the list of ``Doing``)."""
    return index.list_for_status(split_wip(name)[0])


def _names(value: object) -> tuple[str, ...]:
    """The list names of the ``lists`` option: a comma-separated text or a sequence.

    >>> _names("Backlog, Doing,Done"), _names(["To Do", "Done"]), _names(None)
    (('Backlog', 'Doing', 'Done'), ('To Do', 'Done'), ())
    """
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    return tuple(name for item in items if (name := str(item).strip()))


def _number_text(points: float) -> str:
    """The text of a number custom field: every digit of ``points`` (Trello keeps numbers as
    text; ``f"{points:g}"`` kept six significant digits).

    >>> _number_text(1234567.0), _number_text(2.5), _number_text(12.3456789), _number_text(1e-7)
    ('1234567', '2.5', '12.3456789', '1e-07')
    """
    if points.is_integer() and abs(points) < 2**63:
        return str(int(points))
    return repr(float(points))


class _Id(msgspec.Struct):
    id: str


def _decode_id(body: bytes) -> str:
    return msgspec.json.decode(body, type=_Id).id


def _without_assigned(change: AnyChange) -> AnyChange | None:
    """The change without the fields Trello assigns (:data:`ASSIGNED_FIELDS`); None for an
    update of nothing else."""
    if isinstance(change, CreateItem) and ASSIGNED_FIELDS & set(change.fields):
        kept = {k: v for k, v in change.fields.items() if k not in ASSIGNED_FIELDS}
        return attrs.evolve(change, fields=kept)
    if isinstance(change, UpdateFields) and ASSIGNED_FIELDS & set(change.values):
        values = {k: v for k, v in change.values.items() if k not in ASSIGNED_FIELDS}
        return attrs.evolve(change, values=values) if values else None
    return change


def _normalised(change: AnyChange) -> AnyChange:
    """The change with its MoSCoW value in the label's spelling, after checking every field
    it names is one a Trello card has (nothing is sent for a change that cannot fit)."""
    fields: Mapping[str, Any]
    if isinstance(change, CreateItem):
        fields = change.fields
    elif isinstance(change, UpdateFields):
        fields = change.values
    else:
        return change
    unknown = sorted(set(fields) - CORE_FIELDS - WRITABLE_FIELDS)
    if unknown:
        raise InvalidValue(
            f"a Trello card has no field {', '.join(map(repr, unknown))}",
            where=f"trello adapter, item {change.key}",
            fix=f"write only {', '.join(sorted(CORE_FIELDS | WRITABLE_FIELDS))}; a sync "
            f"leaves a field out with ignore = [{', '.join(map(repr, unknown))}] in its "
            "configuration",
        )
    points = change.points if isinstance(change, CreateItem) else fields.get("points")
    if isinstance(points, float) and not math.isfinite(points):
        raise InvalidValue(
            "points must be a finite number (a Trello number field holds no infinity or NaN)",
            where=f"trello adapter, item {change.key}",
            value=points,
        )
    spelled: dict[str, Any] = {}
    moscow = fields.get("moscow")
    if moscow is not None:
        spelled["moscow"] = moscow_of(str(moscow))
        if spelled["moscow"] is None:
            raise InvalidValue(
                "moscow must be one of Must, Should, Could, Won't",
                where=f"trello adapter, item {change.key}",
                value=moscow,
            )
    if "due" in fields:
        spelled["due"] = _due(fields["due"], change.key)
    if "archived" in fields:
        archived = fields["archived"]
        if archived not in (True, False, None):
            raise InvalidValue(
                "archived must be true, false or absent",
                where=f"trello adapter, item {change.key}",
                value=archived,
            )
        spelled["archived"] = True if archived else None  # an open card reads without it
    if not spelled:
        return change
    if isinstance(change, CreateItem):
        return attrs.evolve(change, fields={**change.fields, **spelled})
    return attrs.evolve(change, values={**change.values, **spelled})


def _due(value: object, key: str) -> str | None:
    """A due date spelled as a card's ``due`` field reads back (UTC, to the millisecond Trello
    keeps), so a change already applied is seen as applied; a date alone is midnight UTC.

    >>> _due("2026-04-01T14:00:00.1234+02:00", "MKT-1"), _due("2026-04-01", "MKT-1")
    ('2026-04-01T12:00:00.123000+00:00', '2026-04-01T00:00:00+00:00')
    """
    if value is None or value == "":
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidValue(
            "due must be a date or an ISO 8601 time",
            where=f"trello adapter, item {key}",
            fix="write it as 2026-04-01 or 2026-04-01T12:00:00Z",
            value=value,
        ) from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000).isoformat()
