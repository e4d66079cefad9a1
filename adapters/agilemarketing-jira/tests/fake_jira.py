"""A fake Jira on 127.0.0.1, shaped like Atlassian's published REST API, with fault injection.

Two flavours:

* ``cloud``: ``/rest/api/3``, ``GET /search/jql`` paged with ``nextPageToken`` and no total (the
  old ``/search`` answers 410), at most the newest 40 changelog entries inlined in a search and
  100 in ``GET /issue``, ``POST /changelog/bulkfetch`` (up to 1,000 issues, 1,000 entries a page),
  sprints as objects, the epic as ``parent``, basic auth with an e-mail and an API token.
* ``dc`` (Data Center): ``/rest/api/2``, ``GET /search`` paged with ``startAt``/``total`` and a
  server-side cap on ``maxResults``, changelogs inlined whole (or capped, to test the fallback),
  per-issue ``/issue/{key}/changelog``, sprints as ``com.atlassian.greenhopper...Sprint@..[...]``
  strings, an Epic Link field, a personal access token as a Bearer header.

Both have ``serverInfo`` (with ``serverTime``), ``myself`` (with the profile's ``timeZone``, in
which JQL dates are read), ``field``, ``status``, issues (get, create with properties, edit,
delete), transitions (a configurable workflow), ``PUT /rest/agile/1.0/issue/rank`` (50 issues
at most, 207 per-issue answers), the board, its configuration and its sprints (Kanban boards
refuse sprints), and the Flagged field with its history.

Every request is logged (:attr:`FakeJira.log`). Faults are injected per route
(:meth:`FakeJira.fault`): an HTTP status (429 with ``Retry-After`` in seconds or as an HTTP date,
500, 503), a connection dropped before or after a write was applied, a slow answer; and hooks
(:meth:`FakeJira.on`) run code as a request arrives, before it is answered (an edit between two
pages of a search).

Run it by hand::

    python adapters/agilemarketing-jira/tests/fake_jira.py --flavour cloud --issues 50

and point the adapter at the URL it prints.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import email.utils
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from fake_jql import JqlError, Query

from agilemarketing.adapter import is_rank, rank_between
from agilemarketing.history import ItemHistory
from agilemarketing.testing_http import LocalServer

__all__ = ["FakeJira", "Fault", "dc_sprint_string"]

USER = "marketer@example.com"
TOKEN = "fake-api-token-0123456789"

STATUS_IDS = {"To Do": "1", "In Progress": "3", "Review": "10001", "Done": "10002"}
DONE = {"Done"}

CLOUD_FIELDS = {
    "points": (
        "customfield_10016",
        "Story point estimate",
        "com.pyxis.greenhopper.jira:jsw-story-points",
    ),
    "sprint": ("customfield_10020", "Sprint", "com.pyxis.greenhopper.jira:gh-sprint"),
    "flagged": (
        "customfield_10021",
        "Flagged",
        "com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes",
    ),
    "rank": ("customfield_10019", "Rank", "com.pyxis.greenhopper.jira:gh-lexo-rank"),
}
DC_FIELDS = {
    "points": (
        "customfield_10106",
        "Story Points",
        "com.atlassian.jira.plugin.system.customfieldtypes:float",
    ),
    "sprint": ("customfield_10104", "Sprint", "com.pyxis.greenhopper.jira:gh-sprint"),
    "flagged": (
        "customfield_10100",
        "Flagged",
        "com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes",
    ),
    "rank": ("customfield_10105", "Rank", "com.pyxis.greenhopper.jira:gh-lexo-rank"),
    "epic": ("customfield_10101", "Epic Link", "com.pyxis.greenhopper.jira:gh-epic-link"),
}


def _ms(value: datetime) -> datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def jira_time(value: datetime, zone: ZoneInfo) -> str:
    """Jira's timestamp form, in ``zone``: ``2026-03-02T20:30:00.000+1100``."""
    local = value.astimezone(zone)
    return (
        local.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{local.microsecond // 1000:03d}"
        + local.strftime("%z")
    )


def dc_sprint_string(sprint: Sprint, zone: ZoneInfo) -> str:
    """A sprint the way Jira Data Center's REST API shows it: a Java object's toString()."""

    def when(value: datetime | None) -> str:
        return "<null>" if value is None else jira_time(value, zone)

    return (
        f"com.atlassian.greenhopper.service.sprint.Sprint@{sprint.id * 7919:x}[id={sprint.id},"
        f"rapidViewId={sprint.board},state={sprint.state.upper()},name={sprint.name},"
        f"startDate={when(sprint.start)},endDate={when(sprint.end)},"
        f"completeDate={when(sprint.complete)},activatedDate={when(sprint.start)},"
        f"sequence={sprint.id},goal={sprint.goal or '<null>'},synced=false,autoStartStop=false,"
        "incompleteIssuesDestinationId=<null>]"
    )


@dataclass
class Sprint:
    id: int
    name: str
    state: str = "closed"
    board: int = 1
    start: datetime | None = None
    end: datetime | None = None
    complete: datetime | None = None
    goal: str = ""


@dataclass
class Issue:
    id: int
    key: str
    summary: str
    type: str
    status: str
    created: datetime
    updated: datetime
    resolved: datetime | None = None
    points: float | None = None
    labels: list[str] = field(default_factory=list)
    sprints: list[int] = field(default_factory=list)
    rank: str = "i"
    epic: str | None = None
    flagged: bool = False
    reporter: str = USER
    histories: list[dict[str, Any]] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def number(self) -> int:
        return int(self.key.rsplit("-", 1)[1])


@dataclass
class Fault:
    """One injected fault: what to do to the next ``times`` requests matching method and path.

    kinds: ``status`` (answer ``status`` with ``body`` and ``headers``; a ``bytes`` body goes
    out as it is, as an HTML page), ``drop_before`` (close the connection without applying the
    request), ``drop_after`` (apply it, then close without answering), ``slow`` (apply it, wait
    ``delay`` seconds, then answer).
    """

    method: str
    path: re.Pattern[str]
    kind: str
    times: int = 1
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0


@dataclass
class Logged:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int | None


# --- the fake ------------------------------------------------------------------------------


class FakeJira:
    """A fake Jira site (one project, one board) served on 127.0.0.1 from a thread.

    Args:
        flavour: ``"cloud"`` or ``"dc"``.
        project: the project key.
        timezone: the user's profile time zone (JQL dates are read in it).
        search_changelog_cap: changelog entries inlined per issue in a search (Cloud: 40).
        issue_changelog_cap: changelog entries inlined in ``GET /issue`` (Cloud: 100).
        dc_page_cap: Data Center's cap on a search's ``maxResults``.
        workflow: allowed transitions by status (None: any status to any other).
        board_type: ``"scrum"`` or ``"kanban"``.
        two_points_fields: add a second story points field (discovery must refuse to guess).
        bulk_changelog: whether the Cloud bulk changelog endpoint exists.
    """

    def __init__(
        self,
        flavour: str = "cloud",
        *,
        project: str = "MKT",
        timezone: str = "Australia/Sydney",
        search_changelog_cap: int | None = None,
        issue_changelog_cap: int | None = None,
        dc_page_cap: int = 50,
        workflow: dict[str, list[str]] | None = None,
        board_type: str = "scrum",
        two_points_fields: bool = False,
        bulk_changelog: bool = True,
        token: str = TOKEN,
    ) -> None:
        if flavour not in ("cloud", "dc"):
            raise ValueError("flavour is 'cloud' or 'dc'")
        self.flavour = flavour
        self.cloud = flavour == "cloud"
        self.project = project
        self.zone = ZoneInfo(timezone)
        self.search_cap = (
            search_changelog_cap
            if search_changelog_cap is not None
            else (40 if self.cloud else None)
        )
        self.issue_cap = (
            issue_changelog_cap
            if issue_changelog_cap is not None
            else (100 if self.cloud else None)
        )
        self.dc_page_cap = dc_page_cap
        self.workflow = workflow
        self.board_type = board_type
        self.bulk_changelog = bulk_changelog
        #: issue keys whose changelogs the bulk endpoint leaves out (a misbehaving server)
        self.bulk_drops: set[str] = set()
        self.token = token
        self.api = "/rest/api/3" if self.cloud else "/rest/api/2"
        self.user = USER
        self.field_ids = {k: v[0] for k, v in (CLOUD_FIELDS if self.cloud else DC_FIELDS).items()}
        self.extra_fields: list[dict[str, Any]] = []
        if two_points_fields:
            self.extra_fields.append(
                {
                    "id": "customfield_10028",
                    "name": "Story Points",
                    "custom": True,
                    "schema": {
                        "type": "number",
                        "custom": "com.atlassian.jira.plugin.system.customfieldtypes:float",
                        "customId": 10028,
                    },
                }
            )
        self.statuses = dict(STATUS_IDS)
        self.issues: dict[str, Issue] = {}
        self.sprints: dict[int, Sprint] = {}
        self.columns: list[tuple[str, list[str], int | None, int | None]] = [
            ("To Do", ["To Do"], None, None),
            ("In Progress", ["In Progress"], None, 4),
            ("Review", ["Review"], 1, 3),
            ("Done", ["Done"], None, None),
        ]
        self.log: list[Logged] = []
        self.faults: list[Fault] = []
        self.hooks: list[tuple[str, re.Pattern[str], Callable[[], None], list[int]]] = []
        self.lock = threading.RLock()
        self._in_flight = 0
        self._settled = threading.Condition(self.lock)
        self._history_id = 10000
        self._issue_id = 10000
        self._offset = timedelta(0)
        self._last_tick: datetime | None = None
        self._server: LocalServer | None = None

    # -- clock -----------------------------------------------------------------------------

    def now(self) -> datetime:
        """The server's clock (real time, moved past the seeded data), in milliseconds as
        Jira's, and strictly increasing: each reading is at least a millisecond after the last,
        as a real server's are when a network lies between two requests (on 127.0.0.1 an edit
        and the next read's ``serverTime`` could otherwise carry the same stamp)."""
        with self.lock:
            now = _ms(datetime.now(UTC) + self._offset)
            if self._last_tick is not None and now <= self._last_tick:
                now = self._last_tick + timedelta(milliseconds=1)
            self._last_tick = now
            return now

    def advance(self, seconds: float) -> None:
        """Move the server's clock forward."""
        self._offset += timedelta(seconds=seconds)

    # -- lifetime --------------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        """Serve on ``port`` of 127.0.0.1 (0: a free one); return the site's base URL."""
        server = LocalServer(_Handler, port)
        server.fake = self  # type: ignore[attr-defined]
        self._server = server.start()
        return self.url

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        """Stop serving and close every open connection (bounded: threads are joined for at
        most 5 s each)."""
        if self._server is not None:
            self._server.stop()
        self._server = None

    def __enter__(self) -> FakeJira:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- seeding ---------------------------------------------------------------------------

    def _next_history(self) -> str:
        self._history_id += 1
        return str(self._history_id)

    def _status_id(self, name: str) -> str:
        if name not in self.statuses:
            self.statuses[name] = str(20000 + len(self.statuses))
        return self.statuses[name]

    def _entry(self, at: datetime, items: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": self._next_history(),
            "author": {"displayName": "Mia Marketer", "emailAddress": USER},
            "created": at,
            "items": items,
        }

    def _status_item(self, before: str | None, after: str) -> dict[str, Any]:
        return {
            "field": "status",
            "fieldtype": "jira",
            "fieldId": "status",
            "from": self._status_id(before) if before else None,
            "fromString": before,
            "to": self._status_id(after),
            "toString": after,
        }

    def _flag_item(self, on: bool) -> dict[str, Any]:
        return {
            "field": "Flagged",
            "fieldtype": "custom",
            "fieldId": self.field_ids["flagged"],
            "from": None if on else "[10019]",
            "fromString": None if on else "Impediment",
            "to": "[10019]" if on else None,
            "toString": "Impediment" if on else None,
        }

    def _noise_item(self, n: int) -> dict[str, Any]:
        return {
            "field": "description",
            "fieldtype": "jira",
            "fieldId": "description",
            "from": None,
            "fromString": f"draft {n}",
            "to": None,
            "toString": f"draft {n + 1}",
        }

    def sprint(self, name: str, **values: Any) -> Sprint:
        """The sprint called ``name`` (created, closed, when new)."""
        for sprint in self.sprints.values():
            if sprint.name == name:
                return sprint
        sprint_id = len(self.sprints) + 1
        start = values.pop(
            "start", datetime(2026, 1, 5, tzinfo=UTC) + timedelta(days=14 * (sprint_id - 1))
        )
        sprint = Sprint(
            sprint_id,
            name,
            start=start,
            end=start + timedelta(days=14),
            complete=start + timedelta(days=14),
            **values,
        )
        self.sprints[sprint_id] = sprint
        return sprint

    def seed(self, histories: Iterable[ItemHistory], *, noise: int = 0) -> None:
        """Add issues holding exactly these histories (keys kept, as an import would).

        ``noise`` adds that many changelog entries of an unrelated field per issue."""
        latest = datetime.now(UTC)
        with self.lock:
            for history in histories:
                self._seed_one(history, noise)
                latest = max(latest, self.issues[history.key].updated)
            wanted = latest + timedelta(hours=1) - datetime.now(UTC)
            if wanted > self._offset:
                self._offset = wanted

    def _seed_one(self, h: ItemHistory, noise: int) -> None:
        if h.created is None:
            raise ValueError(f"{h.key}: a seeded issue needs created")
        entries: list[dict[str, Any]] = []
        for t in h.transitions:
            self._status_id(t.to_status)
            if t.from_status is None and t.at == h.created:
                continue
            entries.append(self._entry(_ms(t.at), [self._status_item(t.from_status, t.to_status)]))
        for b in h.blocked:
            entries.append(self._entry(_ms(b.start), [self._flag_item(True)]))
            if b.end is not None:
                entries.append(self._entry(_ms(b.end), [self._flag_item(False)]))
        last = max([h.created, *(e["created"] for e in entries)])
        for n in range(noise):
            at = h.created + (last - h.created) * (n + 1) / (noise + 1) + timedelta(milliseconds=1)
            entries.append(self._entry(_ms(at), [self._noise_item(n)]))
        entries.sort(key=lambda e: (e["created"], int(e["id"])))
        for number, entry in enumerate(entries):  # ids in time order, as Jira assigns them
            entry["id"] = str(self._history_id - len(entries) + 1 + number)
        rank = h.rank if h.rank is not None else rank_between(self._last_rank(), None)
        if not is_rank(rank):
            raise ValueError(f"{h.key}: the fake keeps ranks that rank_between can split")
        updated = max(
            [h.created, *(e["created"] for e in entries), *([h.resolved] if h.resolved else [])]
        )
        self._issue_id += 1
        self.issues[h.key] = Issue(
            id=self._issue_id,
            key=h.key,
            summary=h.summary,
            type=h.type or "Task",
            status=h.status,
            created=_ms(h.created),
            updated=_ms(updated),
            resolved=_ms(h.resolved) if h.resolved else None,
            points=h.points,
            labels=list(h.labels),
            sprints=[self.sprint(name).id for name in h.sprints],
            rank=rank,
            flagged=bool(h.blocked) and h.blocked[-1].end is None,
            histories=entries,
        )

    def _last_rank(self) -> str | None:
        ranks = [i.rank for i in self.issues.values()]
        return max(ranks) if ranks else None

    # -- faults and hooks ------------------------------------------------------------------

    def fault(
        self, method: str, path: str, kind: str = "status", *, times: int = 1, **values: Any
    ) -> Fault:
        """Inject a fault into the next ``times`` requests of ``method`` whose path matches the
        regular expression ``path``."""
        fault = Fault(method.upper(), re.compile(path), kind, times, **values)
        with self.lock:
            self.faults.append(fault)
        return fault

    def on(self, method: str, path: str, action: Callable[[], None], *, times: int = 1) -> None:
        """Run ``action`` when each of the next ``times`` matching requests arrives, before it
        is answered (so the client waits for it: an edit between two pages of a search)."""
        with self.lock:
            self.hooks.append((method.upper(), re.compile(path), action, [times]))

    def settle(self, timeout: float = 10.0) -> None:
        """Wait (at most ``timeout`` seconds) until no request is being handled: a client
        killed mid-request leaves the fake applying it, and what the test counts next must
        include that."""
        with self._settled:
            if not self._settled.wait_for(lambda: self._in_flight == 0, timeout=timeout):
                raise AssertionError(f"the fake was still handling a request after {timeout} s")

    def requests(self, method: str | None = None, path: str | None = None) -> list[Logged]:
        """The logged requests, optionally those of one method and path pattern."""
        pattern = re.compile(path) if path else None
        with self.lock:
            return [
                r
                for r in self.log
                if (method is None or r.method == method.upper())
                and (pattern is None or pattern.search(r.path))
            ]

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.method == method and fault.path.search(path):
                    fault.times -= 1
                    return fault
        return None

    # -- edits (also used by tests, as a person editing in the browser would) --------------

    def edit(self, key: str, **values: Any) -> None:
        """Change fields of an issue as a user would (adds changelog entries, bumps updated)."""
        with self.lock:
            issue = self.issues[key]
            now = self.now()
            items = []
            for name, value in values.items():
                if name == "status":
                    items.append(self._status_item(issue.status, value))
                    issue.status = value
                    issue.resolved = now if value in DONE else None
                elif name == "flagged":
                    items.append(self._flag_item(bool(value)))
                    issue.flagged = bool(value)
                else:
                    items.append(
                        {
                            "field": name,
                            "fieldtype": "jira",
                            "fieldId": name,
                            "fromString": str(getattr(issue, name)),
                            "toString": str(value),
                        }
                    )
                    setattr(issue, name, value)
            issue.histories.append(self._entry(now, items))
            issue.updated = now

    def delete(self, key: str) -> None:
        with self.lock:
            del self.issues[key]

    # -- rendering -------------------------------------------------------------------------

    def t(self, value: datetime | None) -> str | None:
        return None if value is None else jira_time(value, self.zone)

    def _sprint_value(self, sprint: Sprint) -> Any:
        if not self.cloud:
            return dc_sprint_string(sprint, self.zone)
        return {
            "id": sprint.id,
            "name": sprint.name,
            "state": sprint.state,
            "boardId": sprint.board,
            "goal": sprint.goal,
            "startDate": self.t(sprint.start),
            "endDate": self.t(sprint.end),
            "completeDate": self.t(sprint.complete),
        }

    def _history_json(self, entry: dict[str, Any]) -> dict[str, Any]:
        return {**entry, "created": self.t(entry["created"])}

    def issue_fields(self, issue: Issue) -> dict[str, Any]:
        f = self.field_ids
        values: dict[str, Any] = {
            "summary": issue.summary,
            "issuetype": {
                "id": "10001",
                "name": issue.type,
                "subtask": False,
                "hierarchyLevel": 1 if issue.type == "Epic" else 0,
            },
            "status": {
                "id": self._status_id(issue.status),
                "name": issue.status,
                "statusCategory": {"key": "done" if issue.status in DONE else "indeterminate"},
            },
            "created": self.t(issue.created),
            "updated": self.t(issue.updated),
            "resolutiondate": self.t(issue.resolved),
            "labels": list(issue.labels),
            "description": None,
            f["points"]: issue.points,
            f["sprint"]: [self._sprint_value(self.sprints[s]) for s in issue.sprints] or None,
            f["flagged"]: [{"id": "10019", "value": "Impediment"}] if issue.flagged else None,
            f["rank"]: issue.rank,
        }
        if self.cloud:
            epic = self.issues.get(issue.epic) if issue.epic else None
            values["parent"] = (
                {
                    "id": str(epic.id),
                    "key": epic.key,
                    "fields": {
                        "summary": epic.summary,
                        "issuetype": {"name": "Epic", "hierarchyLevel": 1},
                    },
                }
                if epic
                else None
            )
        else:
            values[f["epic"]] = issue.epic
        return values

    def issue_json(
        self,
        issue: Issue,
        fields: list[str],
        *,
        expand: set[str],
        cap: int | None,
        properties: Sequence[str] = (),
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": str(issue.id),
            "key": issue.key,
            "self": f"{self.url}{self.api}/issue/{issue.id}",
        }
        every = self.issue_fields(issue)
        if fields and fields != ["id"]:
            chosen = (
                every
                if "*all" in fields or "*navigable" in fields
                else {k: v for k, v in every.items() if k in fields}
            )
            body["fields"] = chosen
        if "changelog" in expand:
            histories = issue.histories if cap is None else issue.histories[-cap:]
            body["changelog"] = {
                "startAt": 0,
                "maxResults": len(histories),
                "total": len(issue.histories),
                "histories": [self._history_json(h) for h in histories],
            }
        if "transitions" in expand:
            body["transitions"] = self.transitions_of(issue)
        if properties:
            body["properties"] = {
                k: issue.properties[k] for k in properties if k in issue.properties
            }
        return body

    def transitions_of(self, issue: Issue) -> list[dict[str, Any]]:
        targets = (
            self.workflow.get(issue.status, [])
            if self.workflow is not None
            else [s for s in self.statuses if s != issue.status]
        )
        return [
            {
                "id": "1" + self._status_id(s),
                "name": f"Move to {s}",
                "to": {"id": self._status_id(s), "name": s},
            }
            for s in targets
        ]

    # -- routes ----------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        """One request: (status, JSON body, headers)."""
        q = {k: v[-1] for k, v in query.items()}
        api = r"/rest/api/(?:2|3|latest)"
        routes: list[tuple[str, str, Callable[..., tuple[int, Any]]]] = [
            ("GET", rf"^{api}/serverInfo$", self._server_info),
            ("GET", rf"^{api}/myself$", self._myself),
            ("GET", rf"^{api}/field$", self._fields),
            ("GET", rf"^{api}/status$", self._status_list),
            ("GET", r"^/rest/api/3/search/jql$", self._search_jql),
            ("GET", rf"^{api}/search$", self._search),
            ("POST", r"^/rest/api/3/changelog/bulkfetch$", self._bulk_changelog),
            ("GET", rf"^{api}/issue/(?P<key>[^/]+)/changelog$", self._changelog),
            ("GET", rf"^{api}/issue/(?P<key>[^/]+)/transitions$", self._get_transitions),
            ("POST", rf"^{api}/issue/(?P<key>[^/]+)/transitions$", self._do_transition),
            ("GET", rf"^{api}/issue/(?P<key>[^/]+)$", self._get_issue),
            ("PUT", rf"^{api}/issue/(?P<key>[^/]+)$", self._edit_issue),
            ("DELETE", rf"^{api}/issue/(?P<key>[^/]+)$", self._delete_issue),
            ("POST", rf"^{api}/issue$", self._create_issue),
            ("GET", rf"^{api}/filter/(?P<id>\d+)$", self._filter),
            ("PUT", r"^/rest/agile/1\.0/issue/rank$", self._rank),
            ("GET", r"^/rest/agile/1\.0/board/(?P<id>\d+)$", self._board),
            (
                "GET",
                r"^/rest/agile/1\.0/board/(?P<id>\d+)/configuration$",
                self._board_configuration,
            ),
            ("GET", r"^/rest/agile/1\.0/board/(?P<id>\d+)/sprint$", self._board_sprints),
        ]
        for route_method, pattern, handler in routes:
            match = re.match(pattern, path)
            if match and route_method == method:
                with self.lock:
                    try:
                        status, data = handler(q, body, query=query, **match.groupdict())
                    except JqlError as exc:
                        return 400, {"errorMessages": [str(exc)], "errors": {}}, {}
                return status, data, {}
        return 404, {"errorMessages": [f"no route for {method} {path}"], "errors": {}}, {}

    def _server_info(self, q: dict[str, str], body: Any, **_: Any) -> tuple[int, Any]:
        return 200, {
            "baseUrl": self.url,
            "version": "1001.0.0-SNAPSHOT" if self.cloud else "9.12.2",
            "versionNumbers": [1001, 0, 0] if self.cloud else [9, 12, 2],
            "deploymentType": "Cloud" if self.cloud else "Server",
            "buildNumber": 100275,
            "serverTime": self.t(self.now()),
            "serverTitle": "Fake Jira",
        }

    def _myself(self, q: dict[str, str], body: Any, **_: Any) -> tuple[int, Any]:
        person = {
            "emailAddress": USER,
            "displayName": "Mia Marketer",
            "active": True,
            "timeZone": str(self.zone),
            "locale": "en_AU",
        }
        person.update(
            {"accountId": "5b10ac8d82e05b22cc7d4ef5"}
            if self.cloud
            else {"name": "mia", "key": "JIRAUSER10000"}
        )
        return 200, person

    def _fields(self, q: dict[str, str], body: Any, **_: Any) -> tuple[int, Any]:
        system = [
            {
                "id": name,
                "name": name.title(),
                "custom": False,
                "schema": {"type": "string", "system": name},
            }
            for name in (
                "summary",
                "issuetype",
                "status",
                "created",
                "updated",
                "resolutiondate",
                "labels",
                "description",
            )
        ]
        table = CLOUD_FIELDS if self.cloud else DC_FIELDS
        custom = [
            {
                "id": fid,
                "key": fid,
                "name": name,
                "custom": True,
                "clauseNames": [f"cf[{fid[12:]}]", name],
                "schema": {"type": "any", "custom": kind, "customId": int(fid[12:])},
            }
            for fid, name, kind in table.values()
        ]
        if self.cloud:
            system.append(
                {
                    "id": "parent",
                    "name": "Parent",
                    "custom": False,
                    "schema": {"type": "issuelink", "system": "parent"},
                }
            )
        return 200, system + custom + self.extra_fields

    def _status_list(self, q: dict[str, str], body: Any, **_: Any) -> tuple[int, Any]:
        return 200, [
            {
                "id": sid,
                "name": name,
                "statusCategory": {"key": "done" if name in DONE else "indeterminate"},
            }
            for name, sid in self.statuses.items()
        ]

    def _matching(self, jql: str) -> tuple[Query, list[Issue]]:
        query = Query(jql, self)
        return query, query.sort([i for i in self.issues.values() if query.predicate(i)])

    @staticmethod
    def _list(q: dict[str, str], query: dict[str, list[str]], name: str) -> list[str]:
        return [part for value in query.get(name, []) for part in value.split(",") if part]

    def _search_jql(
        self, q: dict[str, str], body: Any, *, query: dict[str, list[str]], **_: Any
    ) -> tuple[int, Any]:
        if not self.cloud:
            return 404, {"errorMessages": ["null for uri"], "errors": {}}
        parsed, issues = self._matching(q.get("jql", ""))
        if not parsed.bounded:
            return 400, {
                "errorMessages": [
                    "Unbounded JQL queries are not allowed here. "
                    "Please add a search restriction to your query."
                ],
                "errors": {},
            }
        fields = self._list(q, query, "fields") or ["id"]
        expand = set(self._list(q, query, "expand"))
        cap = 5000 if set(fields) <= {"id", "key"} and not expand else 100
        size = min(int(q.get("maxResults", 50)), cap)
        start = int(base64.b64decode(q["nextPageToken"]).decode()) if q.get("nextPageToken") else 0
        page = issues[start : start + size]
        data: dict[str, Any] = {
            "issues": [
                self.issue_json(
                    i,
                    fields,
                    expand=expand,
                    cap=self.search_cap,
                    properties=self._list(q, query, "properties"),
                )
                for i in page
            ],
        }
        if start + size < len(issues):
            data["nextPageToken"] = base64.b64encode(str(start + size).encode()).decode()
            data["isLast"] = False
        else:
            data["isLast"] = True
        return 200, data

    def _search(
        self, q: dict[str, str], body: Any, *, query: dict[str, list[str]], **_: Any
    ) -> tuple[int, Any]:
        if self.cloud:
            return 410, {
                "errorMessages": [
                    "The requested API has been removed. "
                    "Please migrate to the /rest/api/3/search/jql API."
                ],
                "errors": {},
            }
        _, issues = self._matching(q.get("jql", ""))
        fields = self._list(q, query, "fields") or ["*navigable"]
        expand = set(self._list(q, query, "expand"))
        size = min(int(q.get("maxResults", 50)), self.dc_page_cap)
        start = int(q.get("startAt", 0))
        page = issues[start : start + size]
        return 200, {
            "expand": "schema,names",
            "startAt": start,
            "maxResults": size,
            "total": len(issues),
            "issues": [
                self.issue_json(
                    i,
                    fields,
                    expand=expand,
                    cap=self.search_cap,
                    properties=self._list(q, query, "properties"),
                )
                for i in page
            ],
        }

    def _by_key_or_id(self, value: str) -> Issue | None:
        if value in self.issues:
            return self.issues[value]
        return next((i for i in self.issues.values() if str(i.id) == value), None)

    def _bulk_changelog(self, q: dict[str, str], body: Any, **_: Any) -> tuple[int, Any]:
        if not self.bulk_changelog:
            return 404, {"errorMessages": ["null for uri"], "errors": {}}
        wanted = list(body.get("issueIdsOrKeys") or [])
        field_ids = list(body.get("fieldIds") or [])
        if not wanted or len(wanted) > 1000 or len(field_ids) > 10:
            return 400, {
                "errorMessages": ["Provide 1 to 1000 issue ids or keys and at most 10 field ids."],
                "errors": {},
            }
        size = min(int(body.get("maxResults") or 1000), 1000)
        entries: list[tuple[datetime, int, int, Issue, dict[str, Any]]] = []
        for ref in wanted:
            issue = self._by_key_or_id(str(ref))
            if issue is None or issue.key in self.bulk_drops:
                continue
            for h in issue.histories:
                items = [i for i in h["items"] if not field_ids or i.get("fieldId") in field_ids]
                if items:
                    entries.append(
                        (h["created"], issue.id, int(h["id"]), issue, {**h, "items": items})
                    )
        entries.sort(key=lambda e: e[:3])
        start = int(body["nextPageToken"]) if body.get("nextPageToken") else 0
        logs: list[dict[str, Any]] = []
        for _, issue_id, _, _, entry in entries[start : start + size]:
            if not logs or logs[-1]["issueId"] != str(issue_id):
                logs.append({"issueId": str(issue_id), "changeHistories": []})
            logs[-1]["changeHistories"].append(self._history_json(entry))
        data: dict[str, Any] = {"issueChangeLogs": logs}
        if start + size < len(entries):
            data["nextPageToken"] = str(start + size)
        return 200, data

    def _changelog(self, q: dict[str, str], body: Any, *, key: str, **_: Any) -> tuple[int, Any]:
        issue = self._by_key_or_id(key)
        if issue is None:
            return 404, {
                "errorMessages": ["Issue does not exist or you do not have permission to see it."],
                "errors": {},
            }
        start = int(q.get("startAt", 0))
        size = min(int(q.get("maxResults", 100)), 100)
        values = issue.histories[start : start + size]
        return 200, {
            "startAt": start,
            "maxResults": size,
            "total": len(issue.histories),
            "isLast": start + size >= len(issue.histories),
            "values": [self._history_json(h) for h in values],
        }

    def _get_issue(
        self, q: dict[str, str], body: Any, *, key: str, query: dict[str, list[str]], **_: Any
    ) -> tuple[int, Any]:
        issue = self._by_key_or_id(key)
        if issue is None:
            return 404, {
                "errorMessages": ["Issue does not exist or you do not have permission to see it."],
                "errors": {},
            }
        fields = self._list(q, query, "fields") or ["*all"]
        expand = set(self._list(q, query, "expand"))
        return 200, self.issue_json(
            issue,
            fields,
            expand=expand,
            cap=self.issue_cap,
            properties=self._list(q, query, "properties"),
        )

    def _get_transitions(
        self, q: dict[str, str], body: Any, *, key: str, **_: Any
    ) -> tuple[int, Any]:
        issue = self._by_key_or_id(key)
        if issue is None:
            return 404, {
                "errorMessages": ["Issue does not exist or you do not have permission to see it."],
                "errors": {},
            }
        return 200, {"transitions": self.transitions_of(issue)}

    def _do_transition(
        self, q: dict[str, str], body: Any, *, key: str, **_: Any
    ) -> tuple[int, Any]:
        issue = self._by_key_or_id(key)
        if issue is None:
            return 404, {
                "errorMessages": ["Issue does not exist or you do not have permission to see it."],
                "errors": {},
            }
        wanted = str((body.get("transition") or {}).get("id"))
        chosen = next((t for t in self.transitions_of(issue) if t["id"] == wanted), None)
        if chosen is None:
            return 400, {
                "errorMessages": [f"Transition id '{wanted}' is not valid for this issue."],
                "errors": {},
            }
        self.edit(issue.key, status=chosen["to"]["name"])
        return 204, None

    def _validate(self, fields: dict[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        known = {
            "summary",
            "issuetype",
            "labels",
            "project",
            "description",
            *self.field_ids.values(),
        }
        known.add("parent" if self.cloud else self.field_ids["epic"])
        for name in fields:
            if name not in known:
                errors[name] = (
                    f"Field '{name}' cannot be set. "
                    "It is not on the appropriate screen, or unknown."
                )
        if "summary" in fields and not str(fields["summary"] or "").strip():
            errors["summary"] = "You must specify a summary of the issue."
        elif len(str(fields.get("summary") or "")) > 255:
            errors["summary"] = "Summary must be less than 255 characters."
        for label in fields.get("labels") or []:
            if " " in label:
                errors["labels"] = f"The label '{label}' contains spaces which is invalid."
        points = fields.get(self.field_ids["points"])
        if points is not None and not isinstance(points, int | float):
            errors[self.field_ids["points"]] = "Operation value must be a number."
        if "issuetype" in fields and not (fields["issuetype"] or {}).get("name"):
            errors["issuetype"] = "Specify an issue type"
        return errors

    def _apply_fields(self, issue: Issue, fields: dict[str, Any]) -> None:
        values: dict[str, Any] = {}
        for name, value in fields.items():
            if name == "summary":
                values["summary"] = value
            elif name == "issuetype":
                values["type"] = value["name"]
            elif name == "labels":
                values["labels"] = list(value)
            elif name == self.field_ids["points"]:
                values["points"] = None if value is None else float(value)
            elif name == "parent":
                values["epic"] = (value or {}).get("key")
            elif not self.cloud and name == self.field_ids["epic"]:
                values["epic"] = value
        changed = {k: v for k, v in values.items() if getattr(issue, k) != v}
        if changed:
            self.edit(issue.key, **changed)

    def _edit_issue(self, q: dict[str, str], body: Any, *, key: str, **_: Any) -> tuple[int, Any]:
        issue = self._by_key_or_id(key)
        if issue is None:
            return 404, {
                "errorMessages": ["Issue does not exist or you do not have permission to see it."],
                "errors": {},
            }
        fields = dict(body.get("fields") or {})
        errors = self._validate(fields)
        if errors:
            return 400, {"errorMessages": [], "errors": errors}
        self._apply_fields(issue, fields)
        return 204, None

    def _delete_issue(self, q: dict[str, str], body: Any, *, key: str, **_: Any) -> tuple[int, Any]:
        issue = self._by_key_or_id(key)
        if issue is None:
            return 404, {
                "errorMessages": ["Issue does not exist or you do not have permission to see it."],
                "errors": {},
            }
        del self.issues[issue.key]
        return 204, None

    def _create_issue(self, q: dict[str, str], body: Any, **_: Any) -> tuple[int, Any]:
        fields = dict(body.get("fields") or {})
        errors = self._validate(fields)
        if (fields.get("project") or {}).get("key") != self.project:
            errors["project"] = "Specify a valid project ID or key"
        if not fields.get("summary"):
            errors.setdefault("summary", "You must specify a summary of the issue.")
        if not (fields.get("issuetype") or {}).get("name"):
            errors.setdefault("issuetype", "Specify an issue type")
        if errors:
            return 400, {"errorMessages": [], "errors": errors}
        number = max((i.number for i in self.issues.values()), default=0) + 1
        now = self.now()
        self._issue_id += 1
        issue = Issue(
            id=self._issue_id,
            key=f"{self.project}-{number}",
            summary="",
            type=fields["issuetype"]["name"],
            status=next(iter(self.statuses)),
            created=now,
            updated=now,
            rank=rank_between(self._last_rank(), None),
        )
        issue.summary = fields["summary"]
        issue.labels = list(fields.get("labels") or [])
        points = fields.get(self.field_ids["points"])
        issue.points = None if points is None else float(points)
        issue.epic = (
            (fields.get("parent") or {}).get("key")
            if self.cloud
            else fields.get(self.field_ids["epic"])
        )
        for prop in body.get("properties") or []:
            issue.properties[prop["key"]] = prop["value"]
        self.issues[issue.key] = issue
        return 201, {
            "id": str(issue.id),
            "key": issue.key,
            "self": f"{self.url}{self.api}/issue/{issue.id}",
        }

    def _filter(self, q: dict[str, str], body: Any, *, id: str, **_: Any) -> tuple[int, Any]:
        return 200, {
            "id": id,
            "name": "Board filter",
            "jql": f"project = {self.project} ORDER BY Rank ASC",
        }

    def _rank(self, q: dict[str, str], body: Any, **_: Any) -> tuple[int, Any]:
        keys = list(body.get("issues") or [])
        if not keys or len(keys) > 50:
            return 400, {"errorMessages": ["Rank 1 to 50 issues at a time."], "errors": {}}
        before, after = body.get("rankBeforeIssue"), body.get("rankAfterIssue")
        anchor = self._by_key_or_id(str(before or after))
        if anchor is None:
            return 400, {
                "errorMessages": [f"Issue {before or after} does not exist."],
                "errors": {},
            }
        entries = []
        moving = []
        for key in keys:
            issue = self._by_key_or_id(key)
            if issue is None:
                entries.append(
                    {
                        "issueId": None,
                        "issueKey": key,
                        "status": 404,
                        "errors": [f"Issue {key} does not exist."],
                    }
                )
            else:
                moving.append(issue)
                entries.append({"issueId": issue.id, "issueKey": issue.key, "status": 200})
        others = sorted((i for i in self.issues.values() if i not in moving), key=lambda i: i.rank)
        at = others.index(anchor) + (1 if after else 0)
        low = others[at - 1].rank if at > 0 else None
        high = others[at].rank if at < len(others) else None
        for issue in moving:
            low = rank_between(low, high)
            issue.rank = low
            self.edit(issue.key)
            issue.histories[-1]["items"] = [
                {
                    "field": "Rank",
                    "fieldtype": "custom",
                    "fieldId": self.field_ids["rank"],
                    "fromString": "",
                    "toString": "Ranked higher",
                }
            ]
        if all(e["status"] == 200 for e in entries):
            return 204, None
        return 207, {"entries": entries}

    def _board(self, q: dict[str, str], body: Any, *, id: str, **_: Any) -> tuple[int, Any]:
        if id != "1":
            return 404, {
                "errorMessages": [
                    f"Board {id} does not exist or you do not have permission to see it."
                ],
                "errors": {},
            }
        return 200, {
            "id": 1,
            "name": f"{self.project} board",
            "type": self.board_type,
            "location": {"projectKey": self.project, "projectName": "Marketing"},
        }

    def _board_configuration(
        self, q: dict[str, str], body: Any, *, id: str, **_: Any
    ) -> tuple[int, Any]:
        if id != "1":
            return 404, {
                "errorMessages": [
                    f"Board {id} does not exist or you do not have permission to see it."
                ],
                "errors": {},
            }
        columns = []
        for name, statuses, low, high in self.columns:
            column: dict[str, Any] = {
                "name": name,
                "statuses": [
                    {
                        "id": self._status_id(s),
                        "self": f"{self.url}{self.api}/status/{self._status_id(s)}",
                    }
                    for s in statuses
                ],
            }
            if low is not None:
                column["min"] = low
            if high is not None:
                column["max"] = high
            columns.append(column)
        return 200, {
            "id": 1,
            "name": f"{self.project} board",
            "type": self.board_type,
            "location": {"type": "project", "key": self.project},
            "filter": {"id": "10000"},
            "columnConfig": {"columns": columns, "constraintType": "issueCount"},
            "estimation": {
                "type": "field",
                "field": {"fieldId": self.field_ids["points"], "displayName": "Story Points"},
            },
            "ranking": {"rankCustomFieldId": int(self.field_ids["rank"][12:])},
        }

    def _board_sprints(self, q: dict[str, str], body: Any, *, id: str, **_: Any) -> tuple[int, Any]:
        if self.board_type != "scrum":
            return 400, {"errorMessages": ["The board does not support sprints"], "errors": {}}
        states = set((q.get("state") or "closed,active,future").split(","))
        chosen = [s for s in sorted(self.sprints.values(), key=lambda s: s.id) if s.state in states]
        start = int(q.get("startAt", 0))
        size = min(int(q.get("maxResults", 50)), 50)
        page = chosen[start : start + size]
        return 200, {
            "maxResults": size,
            "startAt": start,
            "isLast": start + size >= len(chosen),
            "values": [
                {
                    "id": s.id,
                    "self": f"{self.url}/rest/agile/1.0/sprint/{s.id}",
                    "state": s.state,
                    "name": s.name,
                    "startDate": self.t(s.start),
                    "endDate": self.t(s.end),
                    "completeDate": self.t(s.complete),
                    "originBoardId": s.board,
                    "goal": s.goal,
                }
                for s in page
            ],
        }

    # -- auth ------------------------------------------------------------------------------

    def authorised(self, header: str | None) -> bool:
        if not header:
            return False
        if header.startswith("Bearer "):
            return not self.cloud and header[7:] == self.token
        if header.startswith("Basic "):
            try:
                user, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return False
            return secret == self.token and (user == USER or not self.cloud)
        return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeJira/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _serve(self, method: str) -> None:
        fake: FakeJira = self.server.fake  # type: ignore[attr-defined]
        with fake.lock:
            fake._in_flight += 1
        try:
            self._serve_counted(fake, method)
        finally:
            with fake._settled:
                fake._in_flight -= 1
                fake._settled.notify_all()

    def _serve_counted(self, fake: FakeJira, method: str) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        entry = Logged(method, parts.path, query, body, None)
        with fake.lock:
            fake.log.append(entry)
        if not fake.authorised(self.headers.get("Authorization")):
            entry.status = 401
            self._send(
                401,
                {"errorMessages": ["Client must be authenticated to access this resource."]},
                {},
            )
            return
        fault = fake._take_fault(method, parts.path)
        if fault is not None and fault.kind == "status":
            entry.status = fault.status
            body_out = (
                fault.body
                if fault.body is not None
                else {"errorMessages": [f"injected {fault.status}"], "errors": {}}
            )
            self._send(fault.status, body_out, fault.headers)
            return
        if fault is not None and fault.kind == "drop_before":
            self._drop()
            return
        with fake.lock:
            hooks = [
                h for h in fake.hooks if h[0] == method and h[1].search(parts.path) and h[3][0] > 0
            ]
            for hook in hooks:
                hook[3][0] -= 1
        for hook in hooks:
            hook[2]()
        status, data, headers = fake.handle(method, parts.path, query, body)
        entry.status = status
        if fault is not None and fault.kind == "drop_after":
            self._drop()
            return
        if fault is not None and fault.kind == "slow":
            time.sleep(min(fault.delay, 10.0))
        try:
            self._send(status, data, headers)
        except (BrokenPipeError, ConnectionResetError):
            return

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, status: int, data: Any, headers: dict[str, str]) -> None:
        # bytes go out as they are: an HTML page from a proxy or a login screen, say
        raw = isinstance(data, bytes)
        payload = data if raw else b"" if data is None else json.dumps(data).encode("utf-8")
        self.send_response(status)
        kind = "text/html;charset=UTF-8" if raw else "application/json;charset=UTF-8"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")


def retry_after_date(seconds: float) -> str:
    """An HTTP-date ``seconds`` from now, for a Retry-After header."""
    return email.utils.formatdate(time.time() + seconds, usegmt=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Run a seeded fake Jira until interrupted (or for ``--seconds``)."""
    from agilemarketing.testing import sample_histories

    parser = argparse.ArgumentParser(description="A fake Jira on 127.0.0.1 for trying the adapter.")
    parser.add_argument("--flavour", choices=("cloud", "dc"), default="cloud")
    parser.add_argument("--issues", type=int, default=50)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--seconds", type=float, default=3600.0, help="stop after this long")
    args = parser.parse_args(argv)
    fake = FakeJira(args.flavour)
    fake.seed(sample_histories(args.issues))
    url = fake.start(args.port)
    auth = f"user={USER}" if args.flavour == "cloud" else "no user (a Bearer token)"
    print(
        f"fake Jira ({args.flavour}) at {url}: "
        f"adapter URL jira:{url}?project={fake.project}&board=1"
    )
    print(f"export JIRA_TOKEN={fake.token}   # {auth}", flush=True)
    try:
        time.sleep(max(0.0, args.seconds))
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
