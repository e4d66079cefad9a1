"""Planning one item, three-way: the source and the target now, each against its merge base.

A field the source changed and the target did not is written to the target; one only the target
changed is kept; one both changed to different values is a :class:`~agilemarketing.sync.Conflict`
settled by the policy. :func:`plan_item` returns an :class:`ItemPlan`: the item's changes and the
merge bases to store once they are applied.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any, Final, NamedTuple

import attrs

from agilemarketing.adapter import (
    AnyChange,
    CarriedHistory,
    CreateItem,
    FieldValue,
    ItemRecord,
    MoveStatus,
    UpdateFields,
)
from agilemarketing.adapter.fields import CORE_FIELDS
from agilemarketing.sync.config import FieldMapping
from agilemarketing.sync.conflicts import Conflict, ConflictPolicy, jsonable, resolution
from agilemarketing.sync.history import history_of

__all__ = ["ItemPlan", "plan_item", "same_state"]

_COMPARED_CORE: Final = ("summary", "type", "points", "labels")


@attrs.frozen
class ItemPlan:
    """What the plan will do with one source item, and the merge base to store after."""

    key: str
    changes: tuple[AnyChange, ...]
    source_base: ItemRecord | None  # new base of the source side (None: unchanged)
    target_base: ItemRecord | None  # new base of the target side (None: unchanged)
    blocked: bool  # a skipped conflict: keep the old bases, keep the cursor
    adopt: ItemRecord | None  # history to carry onto a mirror target
    conflicted: bool = False  # a conflict was found (whatever the policy did with it)
    recreated: bool = False  # missing on the target with no record of a deletion: created again


class _Sides(NamedTuple):
    """One item as planning compares it: the source now (as read and in the target's
    vocabulary), the source and target bases, the compared fields, and where the changes'
    origin starts (:func:`_origin`)."""

    key: str
    raw: ItemRecord
    s: ItemRecord
    sb: ItemRecord | None
    tb: ItemRecord | None
    fields: list[str]
    src: str


def plan_item(
    key: str,
    raw_s: ItemRecord,
    raw_base_s: ItemRecord | None,
    t: ItemRecord | None,
    tb: ItemRecord | None,
    mapping: FieldMapping,
    policy: ConflictPolicy,
    src: str,
    adopt_history: bool,
    *,
    deleted: bool = True,
) -> tuple[ItemPlan, list[Conflict]]:
    """Plan the source item ``raw_s`` against its base ``raw_base_s``, the target's item ``t``
    and the target's base ``tb``; ``src`` (the source and its revision) starts the origin of the
    changes, and ``adopt_history`` carries the source's history onto a mirror target.
    ``deleted`` says whether an item missing on the target (``t`` None) was deleted there
    (the target reports it); if not, an item synced before is created again."""
    s = mapping.translate(raw_s)
    sb = None if raw_base_s is None else mapping.translate(raw_base_s)
    fields = _compared_fields(mapping, s, sb)
    item = _Sides(key, raw_s, s, sb, tb, fields, src)
    new_source_base = None if raw_s == raw_base_s else raw_s
    if t is None:
        if tb is not None and not deleted:  # lost, not deleted: no one decided it should go
            create = _create(item)
            adopt = _adopt(s, adopt_history)
            return ItemPlan(key, (create,), raw_s, s, False, adopt, recreated=True), []
        return _plan_absent(item, new_source_base, policy, adopt_history)
    values, conflicts = _merge_fields(item, t, policy)
    if conflicts and policy is ConflictPolicy.SKIP:
        return ItemPlan(key, (), None, None, True, None, True), conflicts
    planned = _plan_edits(item, t, values, new_source_base, adopt_history, bool(conflicts))
    return planned, conflicts


def _plan_absent(
    item: _Sides, new_source_base: ItemRecord | None, policy: ConflictPolicy, adopt_history: bool
) -> tuple[ItemPlan, list[Conflict]]:
    """The item is not on the target: create it, unless the target deleted it (``tb``: it was
    synced before, and the target reports the deletion)."""
    key, s, sb, tb, fields = item.key, item.s, item.sb, item.tb, item.fields
    if tb is not None and sb is not None and _fingerprint(s, fields) == _fingerprint(sb, fields):
        # deleted on the target, unchanged at the source: the target's decision stands
        return ItemPlan(key, (), new_source_base, None, False, None), []
    create = _create(item)
    if tb is not None:  # deleted on the target and changed at the source: a conflict
        conflict = Conflict(key, "item", "present", "changed", "deleted", resolution(policy))
        if policy is not ConflictPolicy.PREFER_SOURCE:
            keep = item.raw if policy is ConflictPolicy.PREFER_TARGET else None
            skip = policy is ConflictPolicy.SKIP
            return ItemPlan(key, (), keep, None, skip, None, True), [conflict]
        adopt = _adopt(s, adopt_history)
        return ItemPlan(key, (create,), item.raw, s, False, adopt, True), [conflict]
    return ItemPlan(key, (create,), item.raw, s, False, _adopt(s, adopt_history)), []


def _create(item: _Sides) -> CreateItem:
    h, fields = item.s.history, item.fields
    return CreateItem(
        item.key,
        h.summary if "summary" in fields else "",
        type=h.type if "type" in fields else "",
        status=h.status,
        points=h.points if "points" in fields else None,
        labels=h.labels if "labels" in fields else (),
        fields={k: v for k, v in item.s.fields.items() if k in fields},
        origin=_origin(item),
        history=CarriedHistory.of(h),  # what the source knows: the target invents none
    )


def _origin(item: _Sides) -> str:
    """The origin of the item's changes: the source and revision, and the base they change
    (computed only for an item that has changes)."""
    return f"{item.src}:{_fingerprint(item.sb, item.fields)}"


def _merge_fields(
    item: _Sides, t: ItemRecord, policy: ConflictPolicy
) -> tuple[dict[str, FieldValue], list[Conflict]]:
    """The values to write to the target (the status included), and the conflicts found."""
    key, s, sb, tb = item.key, item.s, item.sb, item.tb
    conflicts: list[Conflict] = []
    values: dict[str, FieldValue] = {}
    for field in (*item.fields, "status"):
        s_now = _norm(field, s.get(field))
        t_now = _norm(field, t.get(field))
        if s_now == t_now:
            continue
        s_base = None if sb is None else _norm(field, sb.get(field))
        t_base = None if tb is None else _norm(field, tb.get(field))
        source_changed = sb is None or s_now != s_base
        target_changed = tb is None or t_now != t_base
        if not source_changed:
            continue  # the target's own edit (or an old, accepted difference): keep it
        if target_changed:
            conflicts.append(
                Conflict(key, field, s_base, s.get(field), t.get(field), resolution(policy))
            )
            if policy is not ConflictPolicy.PREFER_SOURCE:
                continue
        values[field] = s.get(field)
    return values, conflicts


def _plan_edits(
    item: _Sides,
    t: ItemRecord,
    values: dict[str, FieldValue],
    new_source_base: ItemRecord | None,
    adopt_history: bool,
    conflicted: bool,
) -> ItemPlan:
    """The update and move that write ``values`` to the target item ``t``, and the new bases."""
    key, s, tb, fields = item.key, item.s, item.tb, item.fields
    changes: list[AnyChange] = []
    status = values.pop("status", None)
    if values:
        changes.append(UpdateFields(key, values, origin=_origin(item)))
    if status is not None:
        changes.append(
            MoveStatus(
                key,
                str(status),
                from_status=t.history.status or None,
                origin=_origin(item),
                history=CarriedHistory.of(s.history),  # the source's times and flags
            )
        )
    expected = _expected(t, values, status)
    # The target's base changes only when a compared field does (not its rank, version...).
    same = tb is not None and _fingerprint(expected, fields) == _fingerprint(tb, fields)
    new_target_base = None if same else expected
    adopt = _adopt(s, adopt_history) if expected.history.status == s.history.status else None
    if adopt is not None and history_of(adopt) == history_of(t):
        adopt = None
    return ItemPlan(key, tuple(changes), new_source_base, new_target_base, False, adopt, conflicted)


def _norm(field: str, value: FieldValue) -> FieldValue:
    if field == "labels":
        return tuple(sorted(value)) if isinstance(value, tuple) else value
    if field == "points" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _compared_fields(mapping: FieldMapping, *records: ItemRecord | None) -> list[str]:
    extra = sorted({name for r in records if r is not None for name in r.fields})
    return [f for f in (*_COMPARED_CORE, *extra) if f not in mapping.ignore]


def same_state(a: ItemRecord, b: ItemRecord, mapping: FieldMapping) -> bool:
    """Whether two records of one item agree on every field a sync compares, and the status."""
    fields = _compared_fields(mapping, a, b)
    return _fingerprint(a, fields) == _fingerprint(b, fields)


def _fingerprint(record: ItemRecord | None, fields: Iterable[str]) -> str:
    if record is None:
        return "new"
    data = {f: jsonable(_norm(f, record.get(f))) for f in fields}
    data["status"] = record.history.status
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _expected(t: ItemRecord, values: Mapping[str, FieldValue], status: FieldValue) -> ItemRecord:
    """The target record as it will be once ``values`` and ``status`` are written."""
    core: dict[str, Any] = {k: v for k, v in values.items() if k in CORE_FIELDS}
    if status is not None:
        core["status"] = status
    extra = dict(t.fields)
    for name, value in values.items():
        if name not in CORE_FIELDS:
            if value is None:
                extra.pop(name, None)
            else:
                extra[name] = value
    if not core and extra == dict(t.fields):
        return t
    return attrs.evolve(t, history=attrs.evolve(t.history, **core), fields=extra)


def _adopt(s: ItemRecord, enabled: bool) -> ItemRecord | None:
    return s if enabled else None
