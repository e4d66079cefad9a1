"""Reading issues: the two searches, their paging rules, and complete changelogs.

* **Cloud**: ``GET /rest/api/3/search/jql`` pages with ``nextPageToken`` and gives no total (the
  old ``/search`` answers 410 on Cloud). A search inlines at most the newest 40 changelog
  entries of an issue; the rest come from ``POST /rest/api/3/changelog/bulkfetch`` (up to 1,000
  issues a call, filtered to the status and Flagged fields, paged with ``nextPageToken``), with
  the per-issue ``/issue/{key}/changelog`` as the fallback.
* **Data Center**: ``GET /rest/api/2/search`` pages with ``startAt``/``total``, stepping by what
  the server really returned (it caps ``maxResults``). Each page starts one issue early, at the
  last one served: when it does not, issues before it were deleted during the read (even with
  as many created, the total unchanged) and the read steps back, so it never skips an issue;
  keys already served are not served again.

Searches are ordered ``ORDER BY key`` so that an edit during a read never moves an issue from
one page to another. Every loop is bounded; a history that cannot be completed raises
:class:`~agilemarketing_jira.errors.HistoryIncomplete` rather than serving a truncated one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from agilemarketing.adapter import ItemRecord
from agilemarketing_jira.errors import HistoryIncomplete, JiraAdapterError, RemoteError
from agilemarketing_jira.records import record_from_issue, relevant_histories
from agilemarketing_jira.site import Site
from agilemarketing_jira.transport import JiraTransport

__all__ = ["BULK_ISSUES", "Reader"]

LOG = logging.getLogger("agilemarketing_jira")

#: Issues per bulk changelog call (Jira's limit).
BULK_ISSUES = 1000
#: Changelog entries per page asked of the bulk and per-issue changelog endpoints.
CHANGELOG_PAGE = 1000
ISSUE_CHANGELOG_PAGE = 100
#: No search pages through more than this many pages (a guard against a server that loops).
MAX_PAGES = 100_000

Issue = dict[str, Any]


class Reader:
    """Searches one site and turns issues into records."""

    def __init__(self, transport: JiraTransport, site: Site, *, page_size: int = 100) -> None:
        self.transport = transport
        self.site = site
        self.page_size = page_size

    # -- searching ---------------------------------------------------------------------------

    def search(
        self,
        jql: str,
        fields: Sequence[str],
        *,
        changelog: bool = False,
        properties: Sequence[str] = (),
        page_size: int | None = None,
    ) -> Iterator[list[Issue]]:
        """Pages of issues matching ``jql`` (each issue at most once)."""
        params: dict[str, Any] = {
            "jql": jql,
            "fields": ",".join(fields) if fields else "id",
            "maxResults": page_size or self.page_size,
        }
        if changelog:
            params["expand"] = "changelog"
        if properties:
            params["properties"] = ",".join(properties)
        pages = self._cloud_pages(params) if self.site.cloud else self._dc_pages(params)
        seen: set[str] = set()
        for page in pages:
            fresh = [i for i in page if i["key"] not in seen]
            seen.update(i["key"] for i in fresh)
            if fresh:
                yield fresh

    def _cloud_pages(self, params: dict[str, Any]) -> Iterator[list[Issue]]:
        path = f"{self.site.api}/search/jql"
        token: str | None = None
        tokens: set[str] = set()
        for _ in range(MAX_PAGES):
            query = dict(params, nextPageToken=token) if token else params
            data = self.transport.get(path, query)
            yield _issues(data, path, self.site.base, self.transport.redact)
            token = data.get("nextPageToken")
            if not token or data.get("isLast") is True:
                return
            if token in tokens:
                raise _token_again("GET", path, self.site.base)
            tokens.add(token)
        raise _too_many_pages(path, self.site.base)

    def _dc_pages(self, params: dict[str, Any]) -> Iterator[list[Issue]]:
        path = f"{self.site.api}/search"
        redact = self.transport.redact
        at, last = 0, 1
        served: set[str] = set()
        for _ in range(MAX_PAGES):
            data = self.transport.get(path, dict(params, startAt=at))
            issues = _issues(data, path, self.site.base, redact, total=True)
            total = int(data["total"])
            if at > 0 and (not issues or str(issues[0]["key"]) not in served):
                # Each page starts one issue early, at one already served. It is not: issues
                # before it were deleted or moved out since, and the rest shifted left. Step
                # back (the keys served are not served again) until the overlap holds.
                at = max(0, min(at, total) - last)
                continue
            served.update(str(i["key"]) for i in issues)
            yield issues
            last = max(1, len(issues))
            end = at + len(issues)
            if not issues or end >= total:
                return
            at = end - 1
        raise _too_many_pages(path, self.site.base)

    # -- records -----------------------------------------------------------------------------

    def records(self, jql: str) -> Iterator[ItemRecord]:
        """Every issue matching ``jql`` as a record with its complete history.

        Issues whose inline changelog is complete are yielded page by page. On Cloud, those
        that need the bulk changelog wait until 1,000 of them are gathered (or the search
        ends), so the bulk pages are as full as the API allows: records then come in two
        streams, not in key order."""
        fields = self.site.fields
        pending: list[Issue] = []
        for page in self.search(jql, fields.read_fields(), changelog=True):
            complete = [i for i in page if not _short(i)]
            short = [i for i in page if _short(i)]
            for issue in complete:
                yield record_from_issue(issue, _inline(issue), fields)
            if not self.site.cloud:
                for issue in short:
                    yield record_from_issue(issue, self._per_issue(issue), fields)
                continue
            pending += short
            if len(pending) >= BULK_ISSUES:
                yield from self._bulk_records(pending[:BULK_ISSUES])
                pending = pending[BULK_ISSUES:]
        if pending:
            yield from self._bulk_records(pending)

    def _bulk_records(self, issues: Sequence[Issue]) -> Iterator[ItemRecord]:
        histories = self._bulk(issues)
        for issue in issues:
            yield record_from_issue(issue, histories[issue["key"]], self.site.fields)

    def complete_histories(self, issues: Sequence[Issue]) -> dict[str, list[Mapping[str, Any]]]:
        """Every issue's complete changelog (filtered to what histories need when it had to be
        fetched), by key."""
        result = {i["key"]: _inline(i) for i in issues if not _short(i)}
        short = [i for i in issues if _short(i)]
        if self.site.cloud and short:
            result.update(self._bulk(short))
        else:
            result.update((i["key"], self._per_issue(i)) for i in short)
        return result

    def _bulk(self, issues: Sequence[Issue]) -> dict[str, list[Mapping[str, Any]]]:
        path = f"{self.site.api}/changelog/bulkfetch"
        result: dict[str, list[Mapping[str, Any]]] = {}
        for start in range(0, len(issues), BULK_ISSUES):
            chunk = issues[start : start + BULK_ISSUES]
            by_id = {str(i["id"]): i["key"] for i in chunk}
            collected: dict[str, list[Mapping[str, Any]]] = {i["key"]: [] for i in chunk}
            body: dict[str, Any] = {
                "issueIdsOrKeys": list(by_id),
                "fieldIds": self.site.fields.history_fields(),
                "maxResults": CHANGELOG_PAGE,
            }
            tokens: set[str] = set()
            try:
                for _ in range(MAX_PAGES):
                    data = self.transport.request("POST", path, body=body).data or {}
                    for log in data.get("issueChangeLogs") or ():
                        key = by_id.get(str(log.get("issueId")), str(log.get("issueId")))
                        collected.setdefault(key, []).extend(log.get("changeHistories") or ())
                    token = data.get("nextPageToken")
                    if not token:
                        break
                    if str(token) in tokens:
                        raise _token_again("POST", path, self.site.base)
                    tokens.add(str(token))
                    body["nextPageToken"] = token
                else:
                    raise _too_many_pages(path, self.site.base)
            except RemoteError as error:
                if error.status not in (400, 403, 404, 405):
                    raise
                LOG.info("bulk changelog unavailable (%s); reading changelogs per issue", error)
                for issue in chunk:
                    result[issue["key"]] = self._per_issue(issue)
                continue
            for issue in chunk:
                got = {str(h.get("id")) for h in collected[issue["key"]]}
                inline = {str(h.get("id")) for h in self._relevant(_inline(issue))}
                # Nothing at all for an issue is no proof: when its newest entries touch neither
                # status nor Flagged, a bulk answer that left it out looks just the same.
                if got and inline <= got:
                    result[issue["key"]] = collected[issue["key"]]
                else:  # the bulk answer left out entries the search showed: ask the issue
                    LOG.info("bulk changelog incomplete for %s; reading it alone", issue["key"])
                    result[issue["key"]] = self._per_issue(issue)
        return result

    def _relevant(self, histories: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        return [h for _, h in relevant_histories(histories, self.site.fields)]

    def _per_issue(self, issue: Issue) -> list[Mapping[str, Any]]:
        key = issue["key"]
        log = issue.get("changelog") or {}
        total = int(log.get("total") or 0)
        merged: dict[str, Mapping[str, Any]] = {
            str(h.get("id")): h for h in log.get("histories") or ()
        }
        path = f"{self.site.api}/issue/{key}/changelog"
        start = 0
        try:
            for _ in range(MAX_PAGES):
                data = self.transport.get(
                    path, {"startAt": start, "maxResults": ISSUE_CHANGELOG_PAGE}, key=key
                )
                values = list(data.get("values") or ())
                before = len(merged)
                merged.update((str(h.get("id")), h) for h in values)
                total = int(data.get("total", total))
                start += len(values)
                if len(merged) >= total or len(merged) == before or data.get("isLast") is True:
                    break  # complete, or a page that brought nothing new (a server that loops)
        except RemoteError as error:
            if error.status != 404 or self.site.cloud:
                raise
            merged.update(self._issue_expand(key))
        if len(merged) < total:
            raise HistoryIncomplete(
                key,
                got=len(merged),
                total=total,
                site=self.site.base,
                why="the changelog endpoints gave fewer entries than the issue has",
            )
        return list(merged.values())

    def _issue_expand(self, key: str) -> dict[str, Mapping[str, Any]]:
        data = self.transport.get(
            f"{self.site.api}/issue/{key}", {"fields": "created", "expand": "changelog"}, key=key
        )
        histories = (data.get("changelog") or {}).get("histories") or ()
        return {str(h.get("id")): h for h in histories}


def _issues(
    data: Any, path: str, site: str, redact: Callable[[str], str], *, total: bool = False
) -> list[Issue]:
    """The issues of a search answer; an answer that is not one (``{"errorMessages": [...]}``
    with a 200, say) is an error, never an empty page: a full read that finds nothing marks
    every issue removed."""
    page = isinstance(data, dict) and isinstance(data.get("issues"), list)
    if page and (not total or isinstance(data.get("total"), int)):
        return list(data["issues"])
    messages = list((data.get("errorMessages") or []) if isinstance(data, dict) else [])
    raise RemoteError(
        "GET",
        path,
        status=200,
        messages=[redact(str(m)) for m in messages] or ["the answer is not a page of issues"],
        site=site,
        fix="read again later; an answer without its issues is never taken for an empty scope",
    )


def _inline(issue: Issue) -> list[Mapping[str, Any]]:
    return list((issue.get("changelog") or {}).get("histories") or ())


def _short(issue: Issue) -> bool:
    """Whether the issue's inline changelog holds fewer entries than the issue has."""
    log = issue.get("changelog") or {}
    total = log.get("total")
    return total is not None and len(log.get("histories") or ()) < int(total)


def _token_again(method: str, path: str, site: str) -> RemoteError:
    return RemoteError(
        method,
        path,
        status=200,
        messages=["the same nextPageToken came twice"],
        site=site,
        fix="read again; report this to Atlassian if it stays",
    )


def _too_many_pages(path: str, site: str) -> JiraAdapterError:
    return JiraAdapterError(
        f"more than {MAX_PAGES} pages",
        where=f"Jira {site}, {path}",
        fix="narrow the scope (project= or jql=)",
    )
