"""A fake Trello REST API on 127.0.0.1, written from Trello's published API, for the tests.

It serves the requests the adapter makes, shaped as Trello answers them:

* ``GET /1/boards/{id or shortLink}`` with nested resources, and Trello's defaults: no lists,
  cards, labels or custom fields unless asked (``cards=none``), ``cards=all`` includes archived
  cards, ``labels=all`` returns 50 labels unless ``labels_limit`` says more, card checklists
  only with ``card_checklists=all``, custom field items only with ``card_customFieldItems``;
* ``GET /1/boards/{id}/actions`` and ``GET /1/cards/{id}/actions``: newest first, ``filter``
  (``updateCard:idList`` matches a move only), ``limit`` (default 50, at most 1000),
  ``before`` and ``since`` (action ids or dates);
* ``GET /1/batch?urls=...`` (at most 10 routes; each answer as ``{"200": body}``);
* ``POST /1/cards``, ``PUT /1/cards/{id}``, ``DELETE /1/cards/{id}``, ``POST /1/labels``,
  ``POST /1/customFields``, ``POST /1/lists``, ``PUT /1/cards/{id}/customField/{field}/item``
  (numbers stored as text, as Trello does), each card write recording the action Trello
  writes (``createCard``, ``updateCard`` with ``old``/``listBefore``/``listAfter``,
  ``addLabelToCard``...);
* authentication by the ``Authorization: OAuth oauth_consumer_key=..., oauth_token=...``
  header (401 ``invalid key`` / ``invalid token`` otherwise), and a count of requests that put
  a key or token in the URL;
* sliding-window rate limits per token and per key (100 and 300 per 10 s by default; the
  window is a parameter) answered with Trello's 429 body;
* a request log, and faults: 429, 500, a connection dropped before or after a write is
  applied, slow answers, and hooks that change the board while a request is served.

Start one by hand (see the README): ``python tests/fake_trello.py``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import attrs

from agilemarketing.history import ItemHistory
from agilemarketing.testing_http import LocalServer

KEY = "fake-key-0123456789abcdef"
TOKEN = "fake-token-abcdef0123456789abcdef0123456789"
_HEX24 = re.compile(r"^[0-9a-f]{24}$")
_AUTH = re.compile(r'oauth_consumer_key="(?P<key>[^"]*)",\s*oauth_token="(?P<token>[^"]*)"')
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_DEFAULT_CARD_FIELDS = (
    "id,badges,checkItemStates,closed,dateLastActivity,desc,descData,due,dueComplete,email,"
    "idBoard,idChecklists,idLabels,idList,idMembers,idShort,labels,name,pos,shortLink,shortUrl,"
    "url"
)


def iso(moment: datetime) -> str:
    """Trello's date format: milliseconds and a Z."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def parse_date(text: str) -> datetime:
    """An ISO date as Trello accepts it."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


@attrs.define
class Logged:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    status: int
    raw_url: str
    authorization: str = attrs.field(repr=False, default="")


@attrs.define
class Fault:
    """A fault injected into matching requests: ``kind`` is ``429``, ``500``, ``504`` (a
    gateway's time-out, nothing applied), ``html`` (200 with a page that is no JSON, as a
    proxy answers, nothing applied), ``drop_before``
    (close the connection, nothing applied), ``drop_after`` (apply, then close without an
    answer), ``slow`` (wait ``delay`` seconds first) or ``hook`` (call ``hook(fake)`` first,
    holding the fake's lock; ``call`` instead is called with no argument and without the lock,
    so it may send requests of its own to the fake, as a person editing the board would).
    ``skip`` matching requests pass untouched before the fault starts; it then hits ``times``
    requests."""

    method: str
    path: str
    kind: str
    times: int = 1
    skip: int = 0
    delay: float = 0.0
    hook: Callable[[FakeTrello], None] | None = None
    call: Callable[[], object] | None = None

    def matches(self, method: str, path: str) -> bool:
        return self.method in (method, "*") and re.search(self.path, path) is not None


class _Window:
    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.times: deque[float] = deque()

    def admit(self, now: float) -> bool:
        while self.times and self.times[0] <= now - self.window:
            self.times.popleft()
        if len(self.times) >= self.limit:
            return False
        self.times.append(now)
        return True


class _Drop(Exception):
    """Close the connection without an answer."""


class _HttpError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body


class FakeTrello:
    """The fake's state and its HTTP server (``start()`` / ``stop()``, or ``with``)."""

    def __init__(
        self,
        *,
        key: str = KEY,
        token: str = TOKEN,
        window: float = 10.0,
        token_limit: int = 100,
        key_limit: int = 300,
    ) -> None:
        self.key = key
        self.token = token
        self.lock = threading.RLock()
        self._ids = itertools.count(1)
        self.boards: dict[str, dict[str, Any]] = {}
        self.lists: dict[str, dict[str, Any]] = {}
        self.cards: dict[str, dict[str, Any]] = {}
        self.labels: dict[str, dict[str, Any]] = {}
        self.fields: dict[str, dict[str, Any]] = {}
        self.items: dict[str, dict[str, dict[str, Any]]] = {}
        self.checklists: dict[str, list[dict[str, Any]]] = {}
        self.actions: list[dict[str, Any]] = []
        #: ids of actions the board's history does not list yet (Trello's action index lags
        #: behind its cards): the card's own actions list them.
        self.board_lag: set[str] = set()
        self.log: list[Logged] = []
        self.faults: list[Fault] = []
        self.secrets_in_urls = 0
        self.rejected_429 = 0
        #: a Retry-After header to send with every 429 (Trello sends none; a proxy may)
        self.retry_after: str | None = None
        #: the token was authorised with ``scope=read`` (Trello's default): writes get 401
        self.read_only = False
        self._token_window = _Window(token_limit, window)
        self._key_window = _Window(key_limit, window)
        self._last_action = datetime(2000, 1, 1, tzinfo=UTC)
        self._server: LocalServer | None = None

    # -- lifetime --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/1"

    def start(self, port: int = 0) -> FakeTrello:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = LocalServer(handler, port).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> FakeTrello:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- ids and time ------------------------------------------------------------------------

    def new_id(self, at: datetime | None = None) -> str:
        seconds = int((at or datetime.now(UTC)).timestamp())
        return f"{seconds:08x}{next(self._ids):016x}"

    def short_link(self) -> str:
        n = next(self._ids) * 7919 + 104729
        chars = []
        for _ in range(8):
            n, r = divmod(n, len(_LETTERS))
            chars.append(_LETTERS[r])
        return "".join(chars)

    def now(self) -> datetime:
        moment = datetime.now(UTC).replace(microsecond=datetime.now(UTC).microsecond // 1000 * 1000)
        if moment <= self._last_action:
            moment = self._last_action + timedelta(milliseconds=1)
        return moment

    # -- building a board (tests call these directly) ---------------------------------------

    def add_board(self, name: str = "Marketing", lists: Sequence[str] = ()) -> str:
        board_id = self.new_id()
        self.boards[board_id] = {
            "id": board_id,
            "name": name,
            "shortLink": self.short_link(),
            "cards": 0,
        }
        for i, list_name in enumerate(lists):
            self.add_list(board_id, list_name, pos=(i + 1) * 16384.0)
        return board_id

    def add_list(
        self,
        board_id: str,
        name: str,
        *,
        pos: float | None = None,
        soft_limit: str | None = None,
        closed: bool = False,
    ) -> str:
        list_id = self.new_id()
        if pos is None:
            pos = max((x["pos"] for x in self.lists.values()), default=0.0) + 16384.0
        self.lists[list_id] = {
            "id": list_id,
            "name": name,
            "closed": closed,
            "pos": pos,
            "idBoard": board_id,
            "softLimit": soft_limit,
        }
        return list_id

    def add_label(self, board_id: str, name: str, color: str | None = None) -> str:
        label_id = self.new_id()
        self.labels[label_id] = {"id": label_id, "idBoard": board_id, "name": name, "color": color}
        return label_id

    def add_field(self, board_id: str, name: str = "Points", kind: str = "number") -> str:
        field_id = self.new_id()
        self.fields[field_id] = {
            "id": field_id,
            "idModel": board_id,
            "modelType": "board",
            "name": name,
            "type": kind,
            "pos": 16384,
        }
        return field_id

    def list_named(self, board_id: str, name: str) -> str:
        return next(
            x["id"] for x in self.lists.values() if x["idBoard"] == board_id and x["name"] == name
        )

    def label_named(self, board_id: str, name: str) -> str:
        found = next(
            (
                x["id"]
                for x in self.labels.values()
                if x["idBoard"] == board_id and x["name"] == name
            ),
            None,
        )
        return found if found is not None else self.add_label(board_id, name)

    def card_by_short(self, board_id: str, id_short: int) -> dict[str, Any]:
        return next(
            c for c in self.cards.values() if c["idBoard"] == board_id and c["idShort"] == id_short
        )

    def _record(self, kind: str, at: datetime, data: dict[str, Any], board_id: str) -> None:
        board = self.boards[board_id]
        data = {
            **data,
            "board": {"id": board_id, "name": board["name"], "shortLink": board["shortLink"]},
        }
        self.actions.append(
            {
                "id": self.new_id(at),
                "idMemberCreator": "5a" * 12,
                "type": kind,
                "date": iso(at),
                "data": data,
            }
        )
        self._last_action = max(self._last_action, at)
        card = data.get("card")
        if card and card["id"] in self.cards:
            self.cards[card["id"]]["dateLastActivity"] = iso(at)

    def _card_ref(self, card: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {
            "id": card["id"],
            "name": card["name"],
            "idShort": card["idShort"],
            "shortLink": card["shortLink"],
            **extra,
        }

    def _list_ref(self, list_id: str) -> dict[str, Any]:
        return {"id": list_id, "name": self.lists[list_id]["name"]}

    def create_card(
        self,
        board_id: str,
        list_id: str,
        name: str,
        *,
        at: datetime | None = None,
        desc: str = "",
        pos: float | None = None,
        labels: Sequence[str] = (),
        due: str | None = None,
        id_short: int | None = None,
    ) -> dict[str, Any]:
        at = at or self.now()
        board = self.boards[board_id]
        if id_short is None:
            id_short = board["cards"] + 1
        board["cards"] = max(board["cards"], id_short)
        if pos is None:
            pos = (
                max((c["pos"] for c in self.cards.values() if c["idList"] == list_id), default=0.0)
                + 65536.0
            )
        card_id = self.new_id(at)
        card = {
            "id": card_id,
            "idShort": id_short,
            "shortLink": self.short_link(),
            "name": name,
            "desc": desc,
            "due": due,
            "closed": False,
            "idList": list_id,
            "idLabels": list(labels),
            "pos": float(pos),
            "idBoard": board_id,
            "dateLastActivity": iso(at),
        }
        self.cards[card_id] = card
        self.items[card_id] = {}
        self.checklists[card_id] = []
        self._record(
            "createCard",
            at,
            {"card": self._card_ref(card), "list": self._list_ref(list_id)},
            board_id,
        )
        return card

    def move_card(self, card_id: str, list_id: str, at: datetime | None = None) -> None:
        card = self.cards[card_id]
        old = card["idList"]
        card["idList"] = list_id
        self._record(
            "updateCard",
            at or self.now(),
            {
                "card": self._card_ref(card, idList=list_id),
                "old": {"idList": old},
                "listBefore": self._list_ref(old),
                "listAfter": self._list_ref(list_id),
            },
            card["idBoard"],
        )

    def update_card(self, card_id: str, at: datetime | None = None, **values: Any) -> None:
        card = self.cards[card_id]
        for name, value in values.items():
            if name == "idList":
                if value != card["idList"]:
                    self.move_card(card_id, value, at)
                continue
            if name == "idLabels":
                self.set_labels(card_id, value, at)
                continue
            old = card[name]
            if old == value:
                continue
            card[name] = value
            self._record(
                "updateCard",
                at or self.now(),
                {
                    "card": self._card_ref(card, **{name: value}),
                    "old": {name: old},
                    "list": self._list_ref(card["idList"]),
                },
                card["idBoard"],
            )

    def set_labels(
        self, card_id: str, label_ids: Sequence[str], at: datetime | None = None
    ) -> None:
        card = self.cards[card_id]
        old = list(card["idLabels"])
        for label_id in old:
            if label_id not in label_ids:
                self._label_action("removeLabelFromCard", card, label_id, at)
        for label_id in label_ids:
            if label_id not in old:
                self._label_action("addLabelToCard", card, label_id, at)
        card["idLabels"] = list(label_ids)

    def _label_action(
        self, kind: str, card: dict[str, Any], label_id: str, at: datetime | None
    ) -> None:
        label = self.labels[label_id]
        self._record(
            kind,
            at or self.now(),
            {
                "card": self._card_ref(card),
                "label": {"id": label_id, "name": label["name"], "color": label["color"]},
                "text": label["name"],
            },
            card["idBoard"],
        )

    def set_item(
        self, card_id: str, field_id: str, value: dict[str, Any] | None, at: datetime | None = None
    ) -> None:
        card = self.cards[card_id]
        if value:
            self.items[card_id][field_id] = {
                "id": self.new_id(),
                "idValue": None,
                "idCustomField": field_id,
                "idModel": card_id,
                "modelType": "card",
                "value": value,
            }
        else:
            self.items[card_id].pop(field_id, None)
        self._record(
            "updateCustomFieldItem",
            at or self.now(),
            {
                "card": self._card_ref(card),
                "customField": {"id": field_id, "name": self.fields[field_id]["name"]},
                "customFieldItem": {"value": value},
            },
            card["idBoard"],
        )

    def add_checklist(self, card_id: str, name: str, items: Iterable[tuple[str, bool]]) -> None:
        checklist_id = self.new_id()
        self.checklists[card_id].append(
            {
                "id": checklist_id,
                "name": name,
                "idCard": card_id,
                "idBoard": self.cards[card_id]["idBoard"],
                "pos": 16384,
                "checkItems": [
                    {
                        "id": self.new_id(),
                        "name": n,
                        "idChecklist": checklist_id,
                        "state": "complete" if done else "incomplete",
                        "pos": (i + 1) * 100,
                    }
                    for i, (n, done) in enumerate(items)
                ],
            }
        )
        card = self.cards[card_id]
        self._record(
            "addChecklistToCard",
            self.now(),
            {"card": self._card_ref(card), "checklist": {"id": checklist_id, "name": name}},
            card["idBoard"],
        )

    def delete_card(self, card_id: str) -> None:
        card = self.cards.pop(card_id)
        self._record(
            "deleteCard",
            self.now(),
            {
                "card": {"id": card_id, "idShort": card["idShort"]},
                "list": self._list_ref(card["idList"]),
            },
            card["idBoard"],
        )

    def move_off_board(self, card_id: str, target_board: str, list_id: str | None = None) -> None:
        """Move a card to another board (into ``list_id`` of it, when given), recording the
        ``moveCardFromBoard`` action on the board it leaves and, with a list, the
        ``moveCardToBoard`` action on the board it joins, as Trello does."""
        card = self.cards[card_id]
        source = card["idBoard"]
        self._record(
            "moveCardFromBoard",
            self.now(),
            {
                "card": self._card_ref(card),
                "boardTarget": {"id": target_board},
                "list": self._list_ref(card["idList"]),
            },
            source,
        )
        card["idBoard"] = target_board
        if list_id is not None:
            card["idList"] = list_id
            self._record(
                "moveCardToBoard",
                self.now(),
                {
                    "card": self._card_ref(card),
                    "boardSource": {"id": source},
                    "list": self._list_ref(list_id),
                },
                target_board,
            )

    def rename_list(self, list_id: str, name: str) -> None:
        self.lists[list_id]["name"] = name

    # -- seeding from histories --------------------------------------------------------------

    def seed(
        self,
        histories: Sequence[ItemHistory],
        *,
        key_prefix: str = "MKT",
        statuses: Sequence[str] = ("To Do", "In Progress", "Review", "Done"),
        churn: dict[str, int] | None = None,
    ) -> str:
        """A board holding exactly ``histories``: one list per status, one card per history
        (``idShort`` from the key's number), the actions of its transitions and blocked
        periods, type and plain labels, points in the ``Points`` field, pos from the rank.
        ``churn`` adds that many label add/remove actions to a card (history unchanged)."""
        from agilemarketing_trello.ranks import pos_from_rank

        names = list(statuses)
        for history in histories:
            for status in [history.status, *(t.to_status for t in history.transitions)]:
                if status and status not in names:
                    names.insert(len(names) - 1 if "Done" in names else len(names), status)
        board_id = self.add_board(lists=names)
        points = self.add_field(board_id)
        blocked = self.add_label(board_id, "Blocked", "red")
        events: list[tuple[datetime, int, Callable[[datetime], None]]] = []
        order = itertools.count()
        for n, history in enumerate(histories):
            number = re.fullmatch(rf"{re.escape(key_prefix)}-(\d+)", history.key)
            id_short = int(number[1]) if number else 10_000 + n
            created = history.created or (
                history.transitions[0].at
                if history.transitions
                else datetime(2026, 1, 1, tzinfo=UTC)
            )
            first = history.transitions[0].to_status if history.transitions else history.status
            label_ids = [self.label_named(board_id, x) for x in history.labels]
            if history.type:
                label_ids.append(self.label_named(board_id, f"type:{history.type}"))
            pos = pos_from_rank(history.rank) if history.rank else (n + 1) * 65536.0
            holder: dict[str, Any] = {}

            def create(
                at: datetime,
                h: ItemHistory = history,
                first: str = first,
                labels: list[str] = label_ids,
                pos: float = pos,
                id_short: int = id_short,
                holder: dict[str, Any] = holder,
            ) -> None:
                card = self.create_card(
                    board_id,
                    self.list_named(board_id, first),
                    h.summary,
                    at=at,
                    pos=pos,
                    labels=labels,
                    id_short=id_short,
                )
                holder["card"] = card
                if h.points is not None:
                    self.items[card["id"]][points] = {
                        "id": self.new_id(),
                        "idValue": None,
                        "idCustomField": points,
                        "idModel": card["id"],
                        "modelType": "card",
                        "value": {"number": f"{h.points:g}"},
                    }

            events.append((created, next(order), create))
            for t in history.transitions[1:]:
                events.append(
                    (
                        t.at,
                        next(order),
                        lambda at, s=t.to_status, holder=holder: self.move_card(
                            holder["card"]["id"], self.list_named(board_id, s), at
                        ),
                    )
                )
            for period in history.blocked:
                events.append(
                    (
                        period.start,
                        next(order),
                        lambda at, holder=holder: self._label_on(holder["card"], blocked, at),
                    )
                )
                if period.end is not None:
                    events.append(
                        (
                            period.end,
                            next(order),
                            lambda at, holder=holder: self._label_off(holder["card"], blocked, at),
                        )
                    )
            for i in range((churn or {}).get(history.key, 0)):
                noise = self.label_named(board_id, "noise")
                step = created + timedelta(milliseconds=i + 1)
                if i % 2 == 0:
                    events.append(
                        (
                            step,
                            next(order),
                            lambda at, holder=holder, noise=noise: self._label_on(
                                holder["card"], noise, at
                            ),
                        )
                    )
                else:
                    events.append(
                        (
                            step,
                            next(order),
                            lambda at, holder=holder, noise=noise: self._label_off(
                                holder["card"], noise, at
                            ),
                        )
                    )
        for at, _, event in sorted(events, key=lambda e: (e[0], e[1])):
            event(at)
        return board_id

    def _label_on(self, card: dict[str, Any], label_id: str, at: datetime) -> None:
        self.set_labels(card["id"], [*card["idLabels"], label_id], at)

    def _label_off(self, card: dict[str, Any], label_id: str, at: datetime) -> None:
        self.set_labels(card["id"], [x for x in card["idLabels"] if x != label_id], at)

    # -- answering ------------------------------------------------------------------------

    def board_of(self, ref: str) -> str:
        if ref in self.boards:
            return ref
        for board_id, board in self.boards.items():
            if board["shortLink"] == ref:
                return board_id
        raise _HttpError(404, "The requested resource was not found.")

    def card_of(self, ref: str) -> dict[str, Any]:
        if ref in self.cards:
            return self.cards[ref]
        for card in self.cards.values():
            if card["shortLink"] == ref:
                return card
        raise _HttpError(404, "The requested resource was not found.")

    def _card_json(self, card: dict[str, Any], q: dict[str, str]) -> dict[str, Any]:
        fields = q.get("card_fields", _DEFAULT_CARD_FIELDS)
        wanted = None if fields == "all" else set(fields.split(","))
        out = {k: v for k, v in card.items() if wanted is None or k in wanted or k == "id"}
        out.pop("cards", None)
        if q.get("card_checklists") == "all":
            out["checklists"] = self.checklists.get(card["id"], [])
        if q.get("card_customFieldItems") == "true":
            out["customFieldItems"] = list(self.items.get(card["id"], {}).values())
        return out

    def get_board(self, ref: str, q: dict[str, str]) -> dict[str, Any]:
        board_id = self.board_of(ref)
        board = self.boards[board_id]
        out: dict[str, Any] = {
            "id": board_id,
            "name": board["name"],
            "shortLink": board["shortLink"],
        }
        lists = sorted(
            (x for x in self.lists.values() if x["idBoard"] == board_id), key=lambda x: x["pos"]
        )
        if q.get("lists", "none") in ("all", "open"):
            out["lists"] = [x for x in lists if q["lists"] == "all" or not x["closed"]]
        cards = [c for c in self.cards.values() if c["idBoard"] == board_id]
        which = q.get("cards", "none")
        if which != "none":
            open_lists = {x["id"] for x in lists if not x["closed"]}
            if which in ("open", "visible"):
                cards = [
                    c
                    for c in cards
                    if not c["closed"] and (which == "open" or c["idList"] in open_lists)
                ]
            elif which == "closed":
                cards = [c for c in cards if c["closed"]]
            out["cards"] = [self._card_json(c, q) for c in sorted(cards, key=lambda c: c["pos"])]
        if q.get("labels", "none") == "all":
            limit = int(q.get("labels_limit", "50"))
            out["labels"] = [x for x in self.labels.values() if x["idBoard"] == board_id][:limit]
        if q.get("customFields") == "true":
            out["customFields"] = [f for f in self.fields.values() if f["idModel"] == board_id]
        return out

    def get_actions(
        self, q: dict[str, str], *, board: str | None = None, card: str | None = None
    ) -> list[dict[str, Any]]:
        limit = int(q.get("limit", "50"))
        if not 0 <= limit <= 1000:
            raise _HttpError(400, "invalid value for limit")
        kinds = [k for k in q.get("filter", "all").split(",") if k]
        found = []
        for action in reversed(self.actions):
            data = action["data"]
            if board is not None and (
                data["board"]["id"] != board or action["id"] in self.board_lag
            ):
                continue
            if card is not None and data.get("card", {}).get("id") != card:
                continue
            if not _matches(action, kinds):
                continue
            if "before" in q and not _older(action, q["before"]):
                continue
            if "since" in q and not _newer(action, q["since"]):
                continue
            found.append(action)
            if len(found) == limit:
                break
        return found

    def handle(self, method: str, path: str, q: dict[str, str], body: dict[str, Any]) -> Any:
        parts = [p for p in path.split("/") if p]
        if not parts or parts[0] != "1":
            raise _HttpError(404, "Cannot " + method + " " + path)
        parts = parts[1:]
        params = {**q, **body}
        match method, parts:
            case "GET", ["boards", ref]:
                return self.get_board(ref, q)
            case "GET", ["boards", ref, "actions"]:
                return self.get_actions(q, board=self.board_of(ref))
            case "GET", ["cards", ref, "actions"]:
                return self.get_actions(q, card=self.card_of(ref)["id"])
            case "GET", ["batch"]:
                return self.batch(q.get("urls", ""))
            case "POST", ["cards"]:
                return self.post_card(params)
            case "PUT", ["cards", ref]:
                return self.put_card(self.card_of(ref), params)
            case "DELETE", ["cards", ref]:
                self.delete_card(self.card_of(ref)["id"])
                return {"limits": {}}
            case "POST", ["lists"]:
                pos = params.get("pos", "bottom")
                return self.lists[
                    self.add_list(
                        self.board_of(params["idBoard"]),
                        params["name"],
                        pos=None if pos in ("bottom", "top") else float(pos),
                    )
                ]
            case "POST", ["labels"]:
                return self.labels[
                    self.add_label(
                        self.board_of(params["idBoard"]),
                        params.get("name", ""),
                        params.get("color"),
                    )
                ]
            case "POST", ["boards", ref, "labels"]:
                return self.labels[
                    self.add_label(self.board_of(ref), params.get("name", ""), params.get("color"))
                ]
            case "POST", ["customFields"]:
                return self.fields[
                    self.add_field(
                        self.board_of(params["idModel"]), params["name"], params.get("type", "text")
                    )
                ]
            case "PUT", ["cards", ref, "customField", field_id, "item"]:
                card = self.card_of(ref)
                value = params.get("value")
                if field_id not in self.fields:
                    raise _HttpError(404, "Custom field not found")
                if isinstance(value, dict) and "number" in value:
                    try:
                        float(value["number"])
                    except ValueError:
                        raise _HttpError(400, "Invalid custom field item value.") from None
                    value = {"number": str(value["number"])}
                self.set_item(card["id"], field_id, value or None)
                return self.items[card["id"]].get(field_id, {})
        raise _HttpError(404, f"Cannot {method} {path}")

    def batch(self, urls: str) -> list[dict[str, Any]]:
        routes = [u for u in urls.split(",") if u]
        if not 0 < len(routes) <= 10:
            raise _HttpError(400, "Too many URLs in batch")
        answers = []
        for route in routes:
            split = urlsplit(route)
            q = {k: v[-1] for k, v in parse_qs(split.query).items()}
            try:
                answers.append({"200": self.handle("GET", "/1" + split.path, q, {})})
            except _HttpError as error:
                answers.append({str(error.status): error.body})
        return answers

    def post_card(self, params: dict[str, Any]) -> dict[str, Any]:
        _check_lengths(params)
        list_id = params.get("idList")
        if list_id not in self.lists:
            raise _HttpError(400, "invalid value for idList")
        labels = params.get("idLabels") or []
        if isinstance(labels, str):
            labels = [x for x in labels.split(",") if x]
        pos = params.get("pos", "bottom")
        in_list = [c["pos"] for c in self.cards.values() if c["idList"] == list_id]
        if pos == "top":
            pos = min(in_list, default=65536.0) / 2
        elif pos == "bottom":
            pos = max(in_list, default=0.0) + 65536.0
        card = self.create_card(
            self.lists[list_id]["idBoard"],
            list_id,
            str(params.get("name", "")),
            desc=str(params.get("desc", "")),
            pos=float(pos),
            labels=labels,
            due=_due(params.get("due")),
        )
        if params.get("closed") in (True, "true"):
            card["closed"] = True
        return self._card_json(card, {"card_fields": "all"})

    def put_card(self, card: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        _check_lengths(params)
        values: dict[str, Any] = {}
        for name in ("name", "desc", "due", "idList", "closed"):
            if name in params:
                values[name] = params[name]
        if "due" in values:
            values["due"] = _due(values["due"])
        if "pos" in params:
            values["pos"] = float(params["pos"])
        if "idLabels" in params:
            labels = params["idLabels"]
            values["idLabels"] = (
                [x for x in labels.split(",") if x] if isinstance(labels, str) else list(labels)
            )
        if "idList" in values and values["idList"] not in self.lists:
            raise _HttpError(400, "invalid value for idList")
        self.update_card(card["id"], **values)
        return self._card_json(card, {"card_fields": "all"})

    # -- the request pipeline -------------------------------------------------------------

    def serve(self, method: str, raw_url: str, headers: Any, body: bytes) -> tuple[int, Any]:
        split = urlsplit(raw_url)
        q = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        authorization = headers.get("Authorization", "")
        entry = Logged(method, unquote(split.path), q, 0, raw_url, authorization)
        with self.lock:
            self.log.append(entry)
            if "key" in q or "token" in q or self.key in raw_url or self.token in raw_url:
                self.secrets_in_urls += 1
            fault = self._fault(method, entry.path)
        try:
            status, answer = self._serve(method, entry, q, body, authorization, fault)
        except _HttpError as error:
            status, answer = error.status, error.body
        entry.status = status
        return status, answer

    def _fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.matches(method, path):
                if fault.skip > 0:
                    fault.skip -= 1
                    return None
                fault.times -= 1
                return fault
        return None

    def _serve(
        self,
        method: str,
        entry: Logged,
        q: dict[str, str],
        body: bytes,
        authorization: str,
        fault: Fault | None,
    ) -> tuple[int, Any]:
        auth = _AUTH.search(authorization)
        if auth is None or auth["key"] != self.key:
            return 401, "invalid key"
        if auth["token"] != self.token:
            return 401, "invalid token"
        if self.read_only and method != "GET":
            return 401, "unauthorized permission requested"
        with self.lock:
            now = time.monotonic()
            if not self._token_window.admit(now):
                self.rejected_429 += 1
                return 429, {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}
            if not self._key_window.admit(now):
                self.rejected_429 += 1
                return 429, {"error": "API_KEY_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}
        if fault is not None:
            if fault.kind == "429":
                return 429, {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}
            if fault.kind == "500":
                return 500, "Internal Server Error"
            if fault.kind == "504":
                return 504, "Gateway Timeout"
            if fault.kind == "html":
                return 200, "<html><body>Sign in to the guest Wi-Fi</body></html>"
            if fault.kind == "drop_before":
                raise _Drop
            if fault.kind == "slow":
                time.sleep(fault.delay)
            if fault.kind == "hook" and fault.hook is not None:
                with self.lock:
                    fault.hook(self)
            if fault.kind == "hook" and fault.call is not None:
                fault.call()
        parsed: dict[str, Any] = json.loads(body) if body else {}
        with self.lock:
            answer = self.handle(method, entry.path, q, parsed)
        if fault is not None and fault.kind == "drop_after":
            raise _Drop
        return 200, answer

    # -- what tests look at -------------------------------------------------------------------

    def requests_to(self, pattern: str, method: str = "GET") -> list[Logged]:
        return [e for e in self.log if e.method == method and re.search(pattern, e.path)]


#: Trello's longest card name and description, in characters.
TEXT_LIMIT = 16384


def _check_lengths(params: dict[str, Any]) -> None:
    for name in ("name", "desc"):
        if len(str(params.get(name) or "")) > TEXT_LIMIT:
            raise _HttpError(400, f"invalid value for {name}")


def _due(value: Any) -> str | None:
    """A due date as Trello stores it (milliseconds, UTC, ``Z``); a date alone is midnight UTC;
    400 for text that is no date."""
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise _HttpError(400, "invalid date") from None
    return iso(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _matches(action: dict[str, Any], kinds: list[str]) -> bool:
    if not kinds or "all" in kinds:
        return True
    for kind in kinds:
        name, _, field = kind.partition(":")
        if action["type"] == name and (not field or field in action["data"].get("old", {})):
            return True
    return False


def _position(ref: str) -> tuple[str, str]:
    return ("id", ref) if _HEX24.match(ref) else ("date", iso(parse_date(ref)))


def _older(action: dict[str, Any], ref: str) -> bool:
    kind, value = _position(ref)
    return action["id"] < value if kind == "id" else action["date"] < value


def _newer(action: dict[str, Any], ref: str) -> bool:
    kind, value = _position(ref)
    return action["id"] > value if kind == "id" else action["date"] > value


class _Handler(BaseHTTPRequestHandler):
    fake: FakeTrello
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            status, answer = self.fake.serve(self.command, self.path, self.headers, body)
        except _Drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        data = (answer if isinstance(answer, str) else json.dumps(answer)).encode("utf-8")
        try:
            self.send_response(status)
            kind = "text/plain" if isinstance(answer, str) else "application/json"
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            if status == 429 and self.fake.retry_after is not None:
                self.send_header("Retry-After", self.fake.retry_after)
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (a read time-out): nothing to answer
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = _answer


def _by_hand() -> None:  # pragma: no cover - started by hand, see the README
    """Serve a seeded board (and, with ``--empty-board``, an empty one) until ``--seconds``
    pass, printing ``export`` lines for a shell: the key, token, API URL and board short links."""
    import argparse
    import sys

    from agilemarketing.testing import sample_histories

    parser = argparse.ArgumentParser(description="A fake Trello API on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8421, help="0 picks a free port")
    parser.add_argument("--cards", type=int, default=12, help="cards on the seeded board")
    parser.add_argument("--empty-board", metavar="NAME", help="also serve an empty board")
    parser.add_argument("--seconds", type=float, default=3600.0, help="stop after this long")
    arguments = parser.parse_args()
    fake = FakeTrello().start(arguments.port)
    board = fake.seed(sample_histories(arguments.cards))
    lines = [
        f"# fake Trello on 127.0.0.1, stopping by itself after {arguments.seconds:g} s",
        f"export TRELLO_KEY={fake.key}",
        f"export TRELLO_TOKEN={fake.token}",
        f"export TRELLO_API_URL={fake.url}",
        f"export TRELLO_BOARD={fake.boards[board]['shortLink']}",
    ]
    if arguments.empty_board:
        empty = fake.add_board(arguments.empty_board)
        lines.append(f"export TRELLO_EMPTY_BOARD={fake.boards[empty]['shortLink']}")
    print("\n".join(lines), flush=True)
    try:
        time.sleep(arguments.seconds)
    except KeyboardInterrupt:
        sys.exit(0)
    finally:
        fake.stop()


if __name__ == "__main__":  # pragma: no cover - started by hand, see the README
    _by_hand()
