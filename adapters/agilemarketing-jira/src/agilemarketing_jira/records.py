"""Jira issues to records: the translation, and nothing else.

An issue's fields give the item (summary, type, status, points, labels, sprints, rank verbatim,
the epic as an extra field); its complete changelog gives the history: every status change is
a :class:`~agilemarketing.history.Transition` (ordered by time, then by changelog id), and the
Flagged field's changes are :class:`~agilemarketing.history.BlockedPeriod` values. Jira records no
change for an issue's first status, so the first transition is the creation, into the status
the first change left (or the current one, when it never moved).

>>> issue = {"key": "MKT-1", "fields": {"summary": "Launch email", "status": {"name": "Done"},
...          "issuetype": {"name": "Email"}, "created": "2026-03-02T09:00:00.000+0000",
...          "updated": "2026-03-04T09:00:00.000+0000", "labels": ["q1"]}}
>>> changes = [{"id": "101", "created": "2026-03-03T09:00:00.000+0000",
...             "items": [{"field": "status", "fromString": "To Do", "toString": "Done"}]}]
>>> fields = FieldMap(None, None, None, None, None)
>>> record = record_from_issue(issue, changes, fields)
>>> [(t.from_status, t.to_status) for t in record.history.transitions]
[(None, 'To Do'), ('To Do', 'Done')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from agilemarketing.adapter import FieldValue, ItemRecord
from agilemarketing.errors import AgileMarketingError, InvalidValue
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing_jira.fields import FieldMap
from agilemarketing_jira.sprints import parse_sprints
from agilemarketing_jira.timestamps import parse_jira_time

__all__ = ["record_from_issue", "relevant_histories"]


def _name(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(value.get("name") or "")
    return "" if value is None else str(value)


def _points(value: Any, where: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            return float(value)
        except ValueError:
            pass
    raise InvalidValue(
        "the story points field does not hold a number",
        where=where,
        fix="name the number field that holds story points with points_field=<field id>",
        value=str(value)[:60],
    )


def relevant_histories(
    histories: Iterable[Mapping[str, Any]], fields: FieldMap, *, where: str = "changelog entry"
) -> list[tuple[datetime, Mapping[str, Any]]]:
    """The entries touching a field the history is made of (status, Flagged), each with its
    time, in order (time, then numeric id)."""
    wanted = set(fields.history_fields())
    if fields.blocked:
        wanted.add("Flagged")
    kept = []
    for h in histories:
        for item in h.get("items") or ():
            if item.get("fieldId") in wanted or item.get("field") in wanted:
                identifier = str(h.get("id", ""))
                number = int(identifier) if identifier.isdigit() else -1
                at = parse_jira_time(h.get("created") or "", where=f"{where} {identifier}")
                kept.append((at, number, identifier, h))
                break
    kept.sort(key=lambda k: k[:3])
    return [(at, h) for at, _, _, h in kept]


def _epic(value: Any) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, Mapping):
        kind = (value.get("fields") or {}).get("issuetype") or {}
        if kind.get("hierarchyLevel") == 1 or kind.get("name") == "Epic" or not kind:
            key = value.get("key")
            return str(key) if key else None
    return None


def record_from_issue(
    issue: Mapping[str, Any], histories: Sequence[Mapping[str, Any]], fields: FieldMap
) -> ItemRecord:
    """One issue as a record. ``histories`` is its *complete* changelog (any order); the
    caller makes sure of that. An issue of a shape Jira never gives (a field of the wrong type,
    a missing key) is an :class:`~agilemarketing.errors.InvalidValue` naming the issue."""
    try:
        return _record(issue, histories, fields)
    except AgileMarketingError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problem = f"{type(exc).__name__}: {exc}"[:120]
    key = issue.get("key") if isinstance(issue, Mapping) else None
    raise InvalidValue(
        f"Jira's answer for the issue is not of the shape expected ({problem})",
        where=f"Jira issue {key}",
        fix="read again; if it stays, check the field options (points_field, blocked_field, "
        "epic_field) name fields of the right type",
    )


def _record(
    issue: Mapping[str, Any], histories: Sequence[Mapping[str, Any]], fields: FieldMap
) -> ItemRecord:
    key = str(issue["key"])
    f: Mapping[str, Any] = issue.get("fields") or {}
    where = f"issue {key}"
    created = parse_jira_time(f["created"], where=where) if f.get("created") else None
    status = _name(f.get("status"))
    transitions: list[Transition] = []
    blocked: list[BlockedPeriod] = []
    flagged_since: datetime | None = None
    first: str | None = None
    blocked_id = fields.blocked
    for at, entry in relevant_histories(histories, fields, where=f"{where}, changelog entry"):
        for item in entry.get("items") or ():
            field = item.get("fieldId") or item.get("field")
            if field == "status":
                before = item.get("fromString")
                if first is None and not transitions:
                    first = before
                transitions.append(Transition(at, before, str(item.get("toString") or "")))
            elif blocked_id and (field == blocked_id or item.get("field") == "Flagged"):
                on = bool(item.get("toString"))
                if on and flagged_since is None:
                    flagged_since = at
                elif not on and flagged_since is not None:
                    blocked.append(BlockedPeriod(flagged_since, at))
                    flagged_since = None
    if flagged_since is not None:
        blocked.append(BlockedPeriod(flagged_since, None))
    if created is not None:
        start = first if transitions else status
        if start:
            transitions.insert(0, Transition(created, None, start))
    sprints = parse_sprints(f.get(fields.sprint)) if fields.sprint else ()
    extra: dict[str, FieldValue] = {}
    if fields.epic:
        epic = _epic(f.get(fields.epic))
        if epic is not None:
            extra["epic"] = epic
    updated_text = f.get("updated")
    history = ItemHistory(
        key=key,
        summary=str(f.get("summary") or ""),
        type=_name(f.get("issuetype")),
        status=status,
        created=created,
        resolved=parse_jira_time(f["resolutiondate"], where=where)
        if f.get("resolutiondate")
        else None,
        points=_points(f.get(fields.points), f"{where}, field {fields.points}")
        if fields.points
        else None,
        labels=tuple(str(label) for label in f.get("labels") or ()),
        sprints=tuple(s.name for s in sprints),
        transitions=tuple(transitions),
        blocked=tuple(blocked),
        rank=str(f[fields.rank]) if fields.rank and f.get(fields.rank) else None,
    )
    return ItemRecord(
        history,
        fields=extra,
        version=str(updated_text) if updated_text else None,
        updated=parse_jira_time(updated_text, where=where) if updated_text else None,
    )
