"""The ``jira`` adapter: Jira Cloud and Data Center issues with their complete history.

URL: ``jira:https://example.atlassian.net?project=MKT&board=1`` (or ``jql=...`` instead of
``project=``; ``board=`` alone reads the board's own filter). Options (in the options mapping or
the URL's query): ``user``, ``token_env`` (default ``JIRA_TOKEN``), ``points_field``,
``blocked_field``, ``epic_field``, ``overlap_minutes``, ``connect_timeout``, ``read_timeout``,
``max_retries``, ``max_wait``, ``backoff``, ``page_size``, ``default_type``.

>>> import os
>>> os.environ["DOCTEST_JIRA_TOKEN"] = "s3cr3t-token"
>>> jira = JiraAdapter("https://example.atlassian.net?project=MKT",
...                    {"user": "me@example.com", "token_env": "DOCTEST_JIRA_TOKEN"})
>>> jira
<JiraAdapter 'jira:https://example.atlassian.net?project=MKT'>
>>> jira.scope, jira.project
('project = "MKT"', 'MKT')
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from agilemarketing.adapter import (
    Adapter,
    AnyChange,
    BoardDescription,
    Capabilities,
    ChangeResult,
    CreateItem,
    Cursor,
    HistoryFidelity,
    ItemRecord,
    MoveStatus,
    ReadResult,
    Rerank,
    UpdateFields,
)
from agilemarketing.adapter import BoardCycle as CoreCycle
from agilemarketing.adapter import BoardStage as CoreStage
from agilemarketing.errors import InvalidValue
from agilemarketing_jira.board import read_board_configuration
from agilemarketing_jira.cursor import ReadCursor
from agilemarketing_jira.errors import RemoteError
from agilemarketing_jira.reading import Reader
from agilemarketing_jira.site import Site
from agilemarketing_jira.timestamps import jql_time, parse_jira_time
from agilemarketing_jira.transport import JiraTransport, TransportSettings
from agilemarketing_jira.writing import Writer

__all__ = ["JiraAdapter"]

#: Option names the adapter knows (all may also be given in the URL's query).
OPTIONS = (
    "project",
    "board",
    "jql",
    "user",
    "token_env",
    "points_field",
    "blocked_field",
    "epic_field",
    "overlap_minutes",
    "connect_timeout",
    "read_timeout",
    "max_retries",
    "max_wait",
    "backoff",
    "page_size",
    "default_type",
)
_ORDER_BY = re.compile(r"\s+order\s+by\s+.*$", re.I | re.S)
_PROJECT = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _split_location(location: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(location.strip())
    where = "jira adapter URL"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidValue(
            "the location must be the Jira site's address",
            where=where,
            fix="write it as jira:https://example.atlassian.net?project=MKT",
            value=location,
        )
    if parts.username or parts.password:
        raise InvalidValue(
            "credentials do not belong in the URL",
            where=where,
            fix="give user=<name> as an option and the token in the environment (token_env)",
        )
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise InvalidValue(
            "plain http would send the token unencrypted",
            where=where,
            fix="use the site's https:// address",
            value=f"http://{parts.hostname}",
        )
    base = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
    return base, dict(parse_qsl(parts.query, keep_blank_values=True))


def _answered(data: Any, name: str, path: str, site: str) -> Any:
    """``data[name]``, which Jira always sends; an answer without it is a RemoteError."""
    value = data.get(name) if isinstance(data, Mapping) else None
    if value in (None, "", {}):
        raise RemoteError(
            "GET",
            path,
            status=200,
            messages=[f"the answer has no {name}"],
            site=site,
            fix="check that the URL is the Jira site's base address; read again later",
        )
    return value


class JiraAdapter(Adapter):
    """Reads a Jira project, board or JQL scope with complete histories; writes back
    idempotently (creates, field edits, transitions, re-ranks)."""

    name: ClassVar[str] = "jira"
    capabilities: ClassVar[Capabilities] = Capabilities(
        read=True,
        incremental_read=True,
        write=True,
        rank=True,
        history=HistoryFidelity.EXACT,
        board=True,
        # an issue deleted or moved out of the scope is missing from a full read: a deletion
        missing_is_deleted=True,
        # Jira gives a create its own key (MKT-123); the planned key is the marker's reference
        assigns_keys=True,
    )

    def __init__(self, location: str = "", options: Mapping[str, object] | None = None) -> None:
        base, query = _split_location(location)
        merged: dict[str, object] = {**query, **dict(options or {})}
        super().__init__(location, merged)
        unknown = sorted(n for n in self.options if n not in OPTIONS and not n.endswith("_env"))
        if unknown:
            raise InvalidValue(
                f"unknown option(s) {', '.join(unknown)}",
                where="jira adapter options",
                fix=f"use one of {', '.join(OPTIONS)}",
            )
        self.base = base
        self.project: str | None = self.option("project", "") or None
        if self.project is not None and not _PROJECT.match(self.project):
            raise InvalidValue(
                "a project key is upper-case letters and digits",
                where="jira adapter option 'project'",
                value=self.project,
            )
        board = self.option("board", "")
        self.board_id: int | None = int(board) if str(board).isdigit() else None
        if board and self.board_id is None:
            raise InvalidValue("board must be a board id", where="jira adapter", value=board)
        jql = self.option("jql", "").strip()
        self._jql = _ORDER_BY.sub("", jql) if jql else ""
        if not (self._jql or self.project or self.board_id):
            raise InvalidValue(
                "the adapter needs a scope",
                where="jira adapter URL",
                fix="add ?project=<KEY>, ?board=<id> or ?jql=<query>",
            )
        self.overlap = timedelta(minutes=self.option("overlap_minutes", 5))
        self.page_size = self.option("page_size", 100)
        if not 1 <= self.page_size <= 5000:
            raise InvalidValue(
                "page_size must be 1 to 5000", where="jira adapter", value=self.page_size
            )
        settings = TransportSettings(
            connect_timeout=self.option("connect_timeout", 10.0),
            read_timeout=self.option("read_timeout", 60.0),
            max_retries=self.option("max_retries", 6),
            max_wait=self.option("max_wait", 300.0),
            backoff=self.option("backoff", 1.0),
        )
        user = self.option("user", "") or None
        variable = self.option("token_env", "JIRA_TOKEN")
        secret = self.secret(variable)
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in secret):
            # a header cannot carry it: http.client would raise with the token in its message
            raise InvalidValue(
                f"the token in {variable} holds a line break or another control character",
                where="jira adapter option token_env",
                fix="remove it (a token file written with echo ends in a newline: use printf)",
            )
        self.transport = JiraTransport(
            base,
            user=user,
            secret=secret,
            settings=settings,
            redact=self.redact,
            secret_variable=variable,
        )
        self._site: Site | None = None
        self._board_scope: str | None = None

    # -- the site --------------------------------------------------------------------------

    @property
    def scope(self) -> str:
        """The JQL of the issues this adapter reads (without ORDER BY)."""
        if self._jql:
            return self._jql
        if self.project:
            return f'project = "{self.project}"'
        if self._board_scope is None:
            self._board_scope = self._board_filter()
        return self._board_scope

    def _board_filter(self) -> str:
        path = f"/rest/agile/1.0/board/{self.board_id}/configuration"
        config = self.transport.get(path)
        filter_id = _answered(config, "filter", path, self.base).get("id")
        path = f"/rest/api/2/filter/{filter_id}"
        jql = _answered(self.transport.get(path), "jql", path, self.base)
        return _ORDER_BY.sub("", str(jql))

    def site(self) -> Site:
        """The site's kind, time zone and fields (asked once, on first use)."""
        if self._site is None:
            self._discover(self.transport.server_info())
        assert self._site is not None
        return self._site

    def _discover(self, info: Mapping[str, Any]) -> Site:
        myself = self.transport.myself()
        fields = self.transport.fields()
        self._site = Site.from_answers(
            info,
            myself,
            fields,
            base=self.base,
            points=self.option("points_field", "") or None,
            blocked=self.option("blocked_field", "") or None,
            epic=self.option("epic_field", "") or None,
        )
        return self._site

    def _start(self) -> tuple[Site, datetime]:
        """The site, and the server's clock now (one ``serverInfo`` per read)."""
        info = self.transport.server_info()
        site = self._site or self._discover(info)
        server_time = _answered(info, "serverTime", "/rest/api/2/serverInfo", self.base)
        started = parse_jira_time(server_time, where=f"Jira {self.base}, serverInfo")
        return site, started

    @property
    def _scope_id(self) -> str:
        return hashlib.sha256(f"{self.base}\n{self.scope}".encode()).hexdigest()[:16]

    def _reader(self) -> Reader:
        return Reader(self.transport, self.site(), page_size=self.page_size)

    def _writer(self) -> Writer:
        return Writer(
            self.transport,
            self.site(),
            self._reader(),
            scope=self.scope,
            project=self.project,
            default_type=self.option("default_type", "Task"),
            where=self.redact(self.url),
        )

    # -- reading ---------------------------------------------------------------------------

    def read(self, since: Cursor | None = None) -> ReadResult:
        """Every issue in scope (``since=None``), or those changed since the cursor."""
        previous = (
            ReadCursor.decode(since.token, scope=self._scope_id, adapter=self.name)
            if since is not None
            else None
        )
        site, started = self._start()
        reader = self._reader()
        if previous is None:
            seen = self._recent(reader, started - self.overlap, site)
            cursor = Cursor(ReadCursor(self._scope_id, started, seen).encode())
            items = reader.records(f"({self.scope}) ORDER BY key ASC")
            return ReadResult(items, cursor, complete=True)
        after = jql_time(previous.at - self.overlap, site.zone)
        jql = f'({self.scope}) AND updated >= "{after}" ORDER BY key ASC'
        # The issues changed since the previous read are few, and they hold every issue of
        # the next read's overlap window (it starts later): their versions make the next
        # cursor, without a search of the window of its own.
        records = list(reader.records(jql))
        seen = self._versions_since(records, started - self.overlap)
        cursor = Cursor(ReadCursor(self._scope_id, started, seen).encode())
        return ReadResult(list(self._unseen(records, previous)), cursor, complete=False)

    @staticmethod
    def _versions_since(records: Iterable[ItemRecord], since: datetime) -> dict[str, str]:
        """The versions of the records changed at or after ``since`` (to the minute before:
        what the window's JQL, minute-precise, would have found)."""
        floor = since.replace(second=0, microsecond=0)
        return {
            record.key: str(record.version)
            for record in records
            if record.version is not None
            and parse_jira_time(str(record.version), where="Jira issue") >= floor
        }

    def _recent(self, reader: Reader, since: datetime, site: Site) -> dict[str, str]:
        jql = f'({self.scope}) AND updated >= "{jql_time(since, site.zone)}" ORDER BY key ASC'
        size = 5000 if site.cloud else 1000
        return {
            str(i["key"]): str((i.get("fields") or {}).get("updated"))
            for page in reader.search(jql, ["updated"], page_size=size)
            for i in page
        }

    @staticmethod
    def _unseen(records: Iterable[ItemRecord], previous: ReadCursor) -> Iterator[ItemRecord]:
        """Leave a record out only when the previous read served this very version and its
        stamp is earlier than that read's start: two edits can carry one ``updated`` stamp, so
        a stamp at or after the start may hide an edit that read never saw."""
        for record in records:
            version = record.version
            served = version is not None and previous.seen.get(record.key) == version
            if not served or parse_jira_time(str(version), where="Jira issue") >= previous.at:
                yield record

    def board(self) -> BoardDescription | None:
        """The URL's ``board=`` described: columns in order as stages with their statuses
        and min/max as WIP limits, the last column as done, sprints as cycles (a closed
        sprint ends when it was completed); None without ``board=``."""
        if self.board_id is None:
            return None
        config = read_board_configuration(self)
        return BoardDescription(
            stages=[CoreStage(s.name, s.statuses, s.wip_min, s.wip_max) for s in config.stages],
            cycles=[
                CoreCycle(c.name, c.start, c.complete or c.end, c.state, c.goal)
                for c in config.cycles
            ],
            estimation_field=config.estimation_field,
            name=config.name,
        )

    # -- writing ---------------------------------------------------------------------------

    def apply(self, change: AnyChange) -> ChangeResult:
        """Apply one change; see :mod:`agilemarketing_jira.writing`."""
        self.check_supports(change)
        writer = self._writer()
        match change:
            case CreateItem():
                return writer.create(change)
            case UpdateFields():
                return writer.update(change)
            case MoveStatus():
                return writer.move(change)
            case Rerank():
                return writer.rerank([change])[0]

    def write(self, changes: Iterable[AnyChange]) -> list[ChangeResult]:
        """Apply ``changes`` in order; a run of consecutive re-ranks reads the order once and
        is sent in batches."""
        planned = list(changes)
        for change in planned:
            self.check_supports(change)
        results: list[ChangeResult] = []
        index = 0
        while index < len(planned):
            change = planned[index]
            if isinstance(change, Rerank):
                run: list[Rerank] = []
                while index < len(planned) and isinstance(planned[index], Rerank):
                    run.append(planned[index])  # type: ignore[arg-type]
                    index += 1
                results.extend(self._writer().rerank(run))
            else:
                results.append(self.apply(change))
                index += 1
        return results

    def find_created(self, change: CreateItem) -> str | None:
        """The issue an earlier send of ``change`` made (found by its marker, the issue property
        holding the change's id), or None. See
        :meth:`agilemarketing.adapter.Adapter.find_created`."""
        return self._writer().find_created(change)

    # -- lifetime --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP session."""
        self.transport.close()
