"""Writing to Jira: create, edit, transition and re-rank, each idempotent and all or nothing.

* **Create** sends the issue with an issue property (:data:`MARKER`) holding the change id, in
  the same request, so the marker exists exactly when the issue does. Before creating, and when
  a create's answer is lost (a timeout, a dropped connection, a 5xx), the writer searches for the
  marker: found means the create already happened, and its key is reported. A create in another
  status than the workflow's first then transitions the new issue; when no transition leads
  there, the new issue is deleted again and the change fails, naming the reachable statuses.
* **Edit** (``PUT /issue/{key}``) sends only fields that differ; nothing differing is
  *already applied*.
* **Move** uses the issue's available transitions (``expand=transitions``): none to the wanted
  status is a :class:`~agilemarketing_jira.errors.TransitionUnavailable` listing the reachable
  ones. A lost answer is checked by reading the status back once.
* **Re-rank** reads the scope's rank order once per run of re-ranks, skips those the order
  already satisfies, and sends the rest with ``PUT /rest/agile/1.0/issue/rank`` in batches of up
  to 50 issues per neighbour, reading a 207 answer issue by issue.

Jira's ``{errorMessages, errors}`` answers to a change become FAILED results whose error names
the issue and the field (by the adapter's name, ``points``, and Jira's id).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from agilemarketing.adapter import (
    AnyChange,
    ChangeResult,
    ChangeStatus,
    CreateItem,
    FieldValue,
    ItemRecord,
    MoveStatus,
    Rerank,
    UpdateFields,
)
from agilemarketing.errors import AgileMarketingError, ChangeConflict, InvalidValue, NotFound
from agilemarketing_jira.errors import RemoteError, TransitionUnavailable
from agilemarketing_jira.reading import Reader
from agilemarketing_jira.records import record_from_issue
from agilemarketing_jira.site import Site
from agilemarketing_jira.transport import JiraTransport

__all__ = ["MARKER", "RANK_BATCH", "Writer"]

#: The issue property that holds the change id of the create that made the issue.
MARKER = "agilemarketing.change"
#: Issues per ``PUT /rest/agile/1.0/issue/rank`` (Jira's limit).
RANK_BATCH = 50
#: Fields an :class:`UpdateFields` or :class:`CreateItem` may set.
WRITABLE = ("summary", "type", "points", "labels", "epic")

_KEY = re.compile(r"^(?P<project>[A-Z][A-Z0-9_]*)-[1-9][0-9]*$")
_WORD = re.compile(r"\w+")


def _failed(change: AnyChange, error: AgileMarketingError) -> ChangeResult:
    return ChangeResult(change, ChangeStatus.FAILED, error=error)


class Writer:
    """Applies changes to one Jira site within the adapter's scope."""

    def __init__(
        self,
        transport: JiraTransport,
        site: Site,
        reader: Reader,
        *,
        scope: str,
        project: str | None,
        default_type: str,
        where: str,
    ) -> None:
        self.transport = transport
        self.site = site
        self.reader = reader
        self.scope = scope
        self.project = project
        self.default_type = default_type
        self.where = where

    # -- shared ------------------------------------------------------------------------------

    def _issue(self, key: str, *, transitions: bool = False) -> dict[str, Any] | None:
        """The issue as Jira has it now, or None when there is no such issue in scope."""
        match = _KEY.match(key)
        if match is None or (self.project is not None and match["project"] != self.project):
            return None
        params: dict[str, Any] = {"fields": ",".join(self.site.fields.read_fields())}
        if transitions:
            params["expand"] = "transitions"
        try:
            data: dict[str, Any] = self.transport.get(
                f"{self.site.api}/issue/{key}", params, key=key
            )
        except RemoteError as error:
            if error.status == 404:
                return None
            raise
        return data

    def _record(self, issue: Mapping[str, Any]) -> ItemRecord:
        return record_from_issue(issue, (), self.site.fields)

    def _not_found(self, key: str) -> NotFound:
        return NotFound(
            "item", key, where=self.where, fix="check the key; read the adapter to list issues"
        )

    def _field_payload(self, values: Mapping[str, FieldValue], key: str) -> dict[str, Any]:
        fields = self.site.fields
        payload: dict[str, Any] = {}
        for name, value in values.items():
            if name == "summary":
                payload["summary"] = value
            elif name == "type":
                payload["issuetype"] = {"name": value}
            elif name == "labels":
                payload["labels"] = list(value) if isinstance(value, tuple) else value
            elif name == "points":
                if fields.points is None:
                    raise InvalidValue(
                        "this Jira site has no story points field",
                        where=f"{self.where}, issue {key}, field 'points'",
                        fix="name it with the option points_field=<field id>",
                    )
                payload[fields.points] = value
            elif name == "epic":
                if fields.epic is None:
                    raise InvalidValue(
                        "this Jira site has no epic link field",
                        where=f"{self.where}, issue {key}, field 'epic'",
                        fix="name it with the option epic_field=<field id>",
                    )
                if fields.epic == "parent":
                    payload["parent"] = {"key": value} if value else None
                else:
                    payload[fields.epic] = value
            else:
                raise InvalidValue(
                    f"the Jira adapter does not write the field {name!r}",
                    where=f"{self.where}, issue {key}",
                    fix=f"write only {', '.join(WRITABLE)}",
                )
        return payload

    def _named(self, error: RemoteError, key: str) -> RemoteError:
        """Jira's field errors with the adapter's field names, naming the issue."""
        if not error.field_errors and error.key == key:
            return error
        names = self.site.fields
        fields = {
            (f"{names.name_of(fid)} ({fid})" if names.name_of(fid) != fid else fid): text
            for fid, text in error.field_errors.items()
        }
        return type(error)(
            error.method,
            error.path,
            status=error.status,
            messages=error.messages,
            field_errors=fields,
            key=key,
            site=error.site,
            fix="correct the value Jira names, or leave that field out of the change",
        )

    def _send(self, change: AnyChange, call: Callable[[], ChangeResult]) -> ChangeResult:
        """Run one change; Jira's refusal of it (4xx) is a FAILED result, everything else
        (no answer, 5xx after retries, 401) propagates: the adapter as a whole cannot work."""
        try:
            return call()
        except RemoteError as error:
            if (
                error.status is not None
                and 400 <= error.status < 500
                and error.status
                not in (
                    401,
                    429,
                )
            ):
                return _failed(change, self._named(error, change.key))
            raise
        except (NotFound, ChangeConflict, InvalidValue, TransitionUnavailable) as error:
            return _failed(change, error)

    # -- edit --------------------------------------------------------------------------------

    def update(self, change: UpdateFields) -> ChangeResult:
        """Set fields of an issue."""
        return self._send(change, lambda: self._update(change))

    def _update(self, change: UpdateFields) -> ChangeResult:
        issue = self._issue(change.key)
        if issue is None:
            raise self._not_found(change.key)
        record = self._record(issue)
        differing = {n: v for n, v in change.values.items() if record.get(n) != v}
        if not differing:
            return ChangeResult(change, ChangeStatus.ALREADY_APPLIED)
        payload = self._field_payload(differing, change.key)
        self.transport.request(
            "PUT", f"{self.site.api}/issue/{change.key}", body={"fields": payload}, key=change.key
        )
        return ChangeResult(change, ChangeStatus.APPLIED)

    # -- move --------------------------------------------------------------------------------

    def move(self, change: MoveStatus) -> ChangeResult:
        """Transition an issue to another status."""
        return self._send(change, lambda: self._move(change))

    def _move(self, change: MoveStatus) -> ChangeResult:
        issue = self._issue(change.key, transitions=True)
        if issue is None:
            raise self._not_found(change.key)
        status = self._record(issue).history.status
        if status == change.to_status:
            return ChangeResult(change, ChangeStatus.ALREADY_APPLIED)
        if change.from_status is not None and status != change.from_status:
            raise ChangeConflict(
                change.key,
                expected=f"status {change.from_status!r}",
                found=f"status {status!r}",
                where=f"{self.where}, issue {change.key}",
            )
        self._transition(change.key, issue, status, change.to_status)
        return ChangeResult(change, ChangeStatus.APPLIED)

    def _transition(self, key: str, issue: Mapping[str, Any], status: str, wanted: str) -> None:
        options = list(issue.get("transitions") or ())
        chosen = next((t for t in options if (t.get("to") or {}).get("name") == wanted), None)
        if chosen is None:
            folded = wanted.casefold()
            chosen = next(
                (
                    t
                    for t in options
                    if str((t.get("to") or {}).get("name", "")).casefold() == folded
                ),
                None,
            )
        if chosen is None:
            raise TransitionUnavailable(
                key,
                status=status,
                wanted=wanted,
                reachable=[str((t.get("to") or {}).get("name", "")) for t in options],
                site=self.site.base,
            )
        path = f"{self.site.api}/issue/{key}/transitions"
        try:
            self.transport.request("POST", path, body={"transition": {"id": chosen["id"]}}, key=key)
        except RemoteError as error:
            if not error.retryable:
                raise
            after = self._issue(key)  # the answer was lost: did the transition happen?
            if after is None or self._record(after).history.status != wanted:
                raise
            return

    # -- create ------------------------------------------------------------------------------

    def create(self, change: CreateItem) -> ChangeResult:
        """Create an issue, exactly once per change id."""
        return self._send(change, lambda: self._create(change))

    def find_created(self, change: CreateItem) -> str | None:
        """The key of the issue an earlier send of ``change`` made (by its marker), or None."""
        found = self._find_marker(change)
        return None if found is None else str(found["key"])

    def _find_marker(self, change: CreateItem) -> dict[str, Any] | None:
        if self.project is None:
            return None
        words = " ".join(_WORD.findall(change.summary))
        clauses = [f'project = "{self.project}"', "reporter = currentUser()"]
        if words:
            clauses.append(f'summary ~ "\\"{words}\\""')
        jql = " AND ".join(clauses) + " ORDER BY created DESC"
        fields = self.site.fields.read_fields()
        for page in self.reader.search(jql, fields, changelog=True, properties=[MARKER]):
            for issue in page:
                marker = (issue.get("properties") or {}).get(MARKER) or {}
                if isinstance(marker, Mapping) and marker.get("change") == change.change_id:
                    return issue
        return None

    def _create(self, change: CreateItem) -> ChangeResult:
        if self.project is None:
            raise InvalidValue(
                "creating issues needs a project",
                where=self.where,
                fix="add project=<KEY> to the adapter URL",
            )
        if not change.summary.strip():
            raise InvalidValue(
                "Jira needs a summary",
                where=f"{self.where}, create {change.key}",
                fix="give the item a summary",
            )
        found = self._find_marker(change)
        if found is not None:
            return self._found(change, found)
        # The change's key is the sync's, not Jira's: an issue holding it with the same content
        # is taken for the item (created by an import, say); one with other content is another
        # issue, and the item is created with a key of its own.
        existing = self._issue(change.key)
        if existing is not None and change.satisfied_by(self._record(existing)):
            return ChangeResult(change, ChangeStatus.ALREADY_APPLIED)
        values: dict[str, FieldValue] = {
            "summary": change.summary,
            "type": change.type or self.default_type,
            "labels": change.labels,
        }
        if change.points is not None:
            values["points"] = change.points
        values.update(change.fields)
        payload = self._field_payload(values, change.key)
        payload["project"] = {"key": self.project}
        body = {
            "fields": payload,
            "properties": [
                {"key": MARKER, "value": {"change": change.change_id, "ref": change.key}}
            ],
        }
        path = f"{self.site.api}/issue"
        key: str | None = None
        failure: RemoteError | None = None
        try:
            answer = self.transport.request("POST", path, body=body)
            if isinstance(answer.data, Mapping) and answer.data.get("key"):
                key = str(answer.data["key"])
            else:  # an answer naming no key is as good as a lost one
                failure = RemoteError(
                    "POST",
                    path,
                    status=answer.status,
                    messages=["the answer to the create named no key"],
                    site=self.site.base,
                    fix="run the sync again: the create is found by its marker if it happened",
                )
        except RemoteError as error:
            if not error.retryable:
                raise
            failure = error
        if key is None:
            lost = self._find_marker(change)  # the answer was lost: did the create happen?
            if lost is None:
                assert failure is not None
                raise failure
            key = str(lost["key"])
        self._ensure_status(key, change.status, created_now=True)
        return ChangeResult(change, ChangeStatus.APPLIED, key=key)

    def _found(self, change: CreateItem, issue: Mapping[str, Any]) -> ChangeResult:
        key = str(issue["key"])
        log = issue.get("changelog") or {}
        histories = list(log.get("histories") or ())
        never_moved = len(histories) >= int(log.get("total") or 0) and not any(
            (i.get("fieldId") or i.get("field")) == "status"
            for h in histories
            for i in h.get("items") or ()
        )
        status = str((issue.get("fields") or {}).get("status", {}).get("name", ""))
        if change.status and status != change.status and never_moved:
            # an earlier run created it and stopped before the transition: finish the create
            self._ensure_status(key, change.status, created_now=False)
            return ChangeResult(change, ChangeStatus.APPLIED, key=key)
        return ChangeResult(change, ChangeStatus.ALREADY_APPLIED, key=key)

    def _ensure_status(self, key: str, wanted: str, *, created_now: bool) -> None:
        if not wanted:
            return
        issue = self._issue(key, transitions=True)
        if issue is None:
            raise self._not_found(key)
        status = self._record(issue).history.status
        if status == wanted:
            return
        try:
            self._transition(key, issue, status, wanted)
        except TransitionUnavailable as error:
            if not created_now:
                raise
            try:
                self.transport.request("DELETE", f"{self.site.api}/issue/{key}", key=key)
            except RemoteError as undo:
                raise TransitionUnavailable(
                    key,
                    status=status,
                    wanted=wanted,
                    reachable=error.reachable,
                    site=self.site.base,
                    fix=f"the new issue {key} could not be deleted again ({undo.what}): it "
                    f"stays in {status!r}; move it on or delete it in Jira, and add the "
                    "transition to the workflow",
                ) from undo
            raise

    # -- re-rank -----------------------------------------------------------------------------

    def order(self) -> list[str]:
        """The scope's keys in rank order, highest priority first."""
        jql = f"({self.scope}) ORDER BY Rank ASC"
        size = 5000 if self.site.cloud else 1000
        return [i["key"] for page in self.reader.search(jql, ["id"], page_size=size) for i in page]

    def rerank(self, changes: Sequence[Rerank]) -> list[ChangeResult]:
        """Apply a run of re-ranks: one read of the order, batched sends."""
        order = self.order()
        results: list[ChangeResult | None] = [None] * len(changes)
        pending: list[tuple[int, Rerank]] = []
        for index, change in enumerate(changes):
            missing = next((k for k in (change.key, change.neighbour) if k not in order), None)
            if missing is not None:
                results[index] = _failed(change, self._not_found(missing))
                continue
            if change.satisfied_by_order(order):
                results[index] = ChangeResult(change, ChangeStatus.ALREADY_APPLIED)
                continue
            order.remove(change.key)
            at = order.index(change.neighbour) + (change.after is not None)
            order.insert(at, change.key)
            pending.append((index, change))
        for group in _groups(pending):
            for index, result in self._send_ranks(group):
                results[index] = result
        return [r for r in results if r is not None]

    def _send_ranks(self, group: list[tuple[int, Rerank]]) -> Iterator[tuple[int, ChangeResult]]:
        first = group[0][1]
        after = first.after is not None
        anchor = first.neighbour
        ordered = list(reversed(group)) if after else group
        chunks = [ordered[i : i + RANK_BATCH] for i in range(0, len(ordered), RANK_BATCH)]
        if after:
            chunks.reverse()
        rank_field = self.site.fields.rank
        for chunk in chunks:
            body: dict[str, Any] = {
                "issues": [c.key for _, c in chunk],
                ("rankAfterIssue" if after else "rankBeforeIssue"): anchor,
            }
            if rank_field and rank_field.startswith("customfield_"):
                body["rankCustomFieldId"] = int(rank_field.removeprefix("customfield_"))
            try:
                answer = self.transport.request("PUT", "/rest/agile/1.0/issue/rank", body=body)
            except RemoteError as error:
                if error.status is None or error.status >= 500 or error.status in (401, 429):
                    raise
                for index, change in chunk:
                    yield index, _failed(change, self._named(error, change.key))
                continue
            entries = {}
            if answer.status == 207 and isinstance(answer.data, Mapping):
                entries = {str(e.get("issueKey")): e for e in answer.data.get("entries") or ()}
            for index, change in chunk:
                entry = entries.get(change.key)
                if entry is not None and int(entry.get("status", 200)) >= 400:
                    refused = RemoteError(
                        "PUT",
                        "/rest/agile/1.0/issue/rank",
                        status=int(entry["status"]),
                        messages=[str(m) for m in entry.get("errors") or ()],
                        key=change.key,
                        site=self.site.base,
                    )
                    yield index, _failed(change, refused)
                else:
                    yield index, ChangeResult(change, ChangeStatus.APPLIED)


def _groups(pending: list[tuple[int, Rerank]]) -> Iterator[list[tuple[int, Rerank]]]:
    """Runs of consecutive pending re-ranks next to the same neighbour, on the same side."""
    group: list[tuple[int, Rerank]] = []
    for index, change in pending:
        if group:
            last_index, last = group[-1]
            same = (
                last_index + 1 == index
                and last.neighbour == change.neighbour
                and (last.after is None) == (change.after is None)
            )
            if not same:
                yield group
                group = []
        group.append((index, change))
    if group:
        yield group
