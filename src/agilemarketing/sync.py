"""The sync engine: plan the changes that bring a target in line with a source, then apply them.

A sync reads a **source** adapter and a **target** adapter and compares both with the state the
:class:`~agilemarketing.mirror.Mirror` remembers from the last sync (the *merge base*):

* a field the source changed and the target did not is written to the target;
* a field the target changed and the source did not is kept (never silently overwritten);
* a field both changed to different values is a :class:`Conflict`, reported with the base and
  both current values, and settled by the :class:`ConflictPolicy` (fail, prefer-source,
  prefer-target, skip);
* a field both changed to the same value, or that neither changed, needs nothing.

:func:`plan` only reads; it returns a :class:`SyncPlan` you can print (a dry run) or turn into
JSON. :func:`apply` sends the plan's changes in batches: each batch is journalled as *planned*
in the mirror (one transaction) before it is sent and as *applied* or *failed* after (another
transaction), together with the new merge base of its items. A sync killed halfway is simply
run again: changes the target already holds are recognised (their ``change_id`` is stable and
the target's state is checked), nothing is sent twice, and a run with nothing to do writes
nothing.

Sources without history (a plain CSV export) still accrue one in the mirror: every sync that
sees an item in a new status records the transition at the time it saw it, marked ``observed``.

>>> from agilemarketing.adapter import MoveStatus
>>> from agilemarketing.mirror import Mirror
>>> from agilemarketing.testing import InMemoryAdapter, sample_histories
>>> source, target = InMemoryAdapter("team-board"), InMemoryAdapter("copy")
>>> source.seed(sample_histories(3))
>>> with Mirror(":memory:") as mirror:
...     first = plan(source, target, mirror)
...     print(first.summary())
...     print(apply(first).summary())
...     _ = source.apply(MoveStatus("MKT-1", "Done"))
...     print(plan(source, target, mirror))
memory:team-board -> memory:copy: 3 creates, 0 moves, 0 updates, 0 conflicts, 0 unchanged
3 created, 0 updated, 0 moved: 3 applied, 0 already applied, 0 failed, 0 conflicts
Sync plan (on conflict: fail)
memory:team-board -> memory:copy: 0 creates, 1 moves, 0 updates, 0 conflicts, 0 unchanged
  move MKT-1 'To Do' -> 'Done'
"""

from __future__ import annotations

import bisect
import enum
import hashlib
import json
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import attrs

from agilemarketing._time import ensure_utc, utcnow
from agilemarketing.adapter import (
    CORE_FIELDS,
    Adapter,
    AnyChange,
    ChangeResult,
    ChangeStatus,
    CreateItem,
    Cursor,
    FieldValue,
    ItemRecord,
    MoveStatus,
    Rerank,
    UpdateFields,
    change_from_dict,
)
from agilemarketing.adapter.secrets import is_secret_option
from agilemarketing.errors import (
    AgileMarketingError,
    InvalidCursor,
    InvalidValue,
    MirrorError,
    SyncConfigError,
    SyncConflictError,
)
from agilemarketing.history import Transition
from agilemarketing.mirror import OWN_BOARD, JournalEntry, JournalStatus, Mirror, MirrorAdapter
from agilemarketing.workflow import Workflow

__all__ = [
    "Conflict",
    "ConflictPolicy",
    "ExitCode",
    "FailedChange",
    "FieldMapping",
    "Progress",
    "SyncConfig",
    "SyncPlan",
    "SyncReport",
    "accrue_history",
    "apply",
    "plan",
]

#: ``progress(phase, done, total)``: called while reading and applying (total None if unknown).
Progress = Callable[[str, int, int | None], None]

_COMPARED_CORE: Final = ("summary", "type", "points", "labels")
_RESERVED: Final = frozenset({"key", "status", "rank", "transitions", "created", "resolved"})
_PROGRESS_EVERY: Final = 200


class ExitCode(enum.IntEnum):
    """What ``agilemarketing sync`` returns to the shell."""

    OK = 0  #: the sync ran (or the dry run planned) with nothing left unresolved
    CONFLICTS = 1  #: conflicts under policy ``fail``: nothing was written
    USAGE = 2  #: bad command line, URL, configuration file, input or mirror file, read-only target
    FAILED_CHANGES = 3  #: some changes failed at the target; the rest were applied
    ERROR = 4  #: the sync stopped on an adapter error (a server, the disk); run it again


class ConflictPolicy(enum.StrEnum):
    """What to do with a field changed on both sides since the last sync.

    ``fail`` writes nothing and reports the conflicts; ``prefer-source`` writes the source's
    value; ``prefer-target`` keeps the target's; ``skip`` leaves the item alone on both sides
    (it is reported again next time).
    """

    FAIL = "fail"
    PREFER_SOURCE = "prefer-source"
    PREFER_TARGET = "prefer-target"
    SKIP = "skip"


# --- configuration -----------------------------------------------------------------------------


def _str_map(value: Mapping[str, str] | None) -> Mapping[str, str]:
    return {str(k): str(v) for k, v in (value or {}).items()}


def _names(value: Iterable[str]) -> frozenset[str]:
    return frozenset(str(name) for name in value)


@attrs.frozen
class FieldMapping:
    """How a source's vocabulary becomes the target's.

    Attributes:
        status_map: source status -> target status (stage); statuses not listed pass unchanged.
        fields: target field -> source field, e.g. ``{"points": "Story Points"}`` takes the
            points from the source's extra field ``Story Points`` (converted to a number).
        ignore: fields never compared nor written (core names such as ``"points"`` included).

    >>> from agilemarketing.adapter import ItemRecord
    >>> from agilemarketing.history import ItemHistory
    >>> m = FieldMapping(status_map={"In Progress": "Doing"}, fields={"points": "Story Points"})
    >>> r = m.translate(ItemRecord(ItemHistory("MKT-1", status="In Progress"),
    ...                            fields={"Story Points": "5"}))
    >>> r.history.status, r.history.points, dict(r.fields)
    ('Doing', 5.0, {})
    """

    status_map: Mapping[str, str] = attrs.field(factory=dict, converter=_str_map)
    fields: Mapping[str, str] = attrs.field(factory=dict, converter=_str_map)
    ignore: frozenset[str] = attrs.field(factory=frozenset, converter=_names)

    def __attrs_post_init__(self) -> None:
        bad = sorted(set(self.fields) & _RESERVED)
        if bad:
            raise SyncConfigError(
                f"field {bad[0]!r} cannot be mapped from another field",
                key=f"fields.{bad[0]}",
                fix="map the status with [status_map]; keys, ranks and history are not mappable",
            )

    def status(self, status: str) -> str:
        """The target status for a source status."""
        return self.status_map.get(status, status)

    def translate(self, record: ItemRecord) -> ItemRecord:
        """The source ``record`` in the target's vocabulary (statuses, field names, points)."""
        history = record.history
        extra = dict(record.fields)
        core: dict[str, Any] = {}
        for target_name, source_name in self.fields.items():
            value = record.get(source_name)
            if source_name not in CORE_FIELDS:
                extra.pop(source_name, None)
            if target_name == "points":
                core["points"] = _points(value, history.key, source_name)
            elif target_name in CORE_FIELDS:
                core[target_name] = _core_value(target_name, value)
            else:
                extra[target_name] = value
        for name in self.ignore:
            extra.pop(name, None)
        if self.status_map:
            core["status"] = self.status(history.status)
            core["transitions"] = [
                Transition(
                    t.at,
                    None if t.from_status is None else self.status(t.from_status),
                    self.status(t.to_status),
                    t.observed,
                )
                for t in history.transitions
            ]
        if not core and len(extra) == len(record.fields):
            return record
        return attrs.evolve(record, history=attrs.evolve(history, **core), fields=extra)


def _points(value: FieldValue, key: str, source_name: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidValue(
            "points must be a number",
            where=f"item {key}, field {source_name!r}",
            fix="fix the value at the source, or map another field to points in the config",
            value=value,
        ) from None


def _core_value(name: str, value: FieldValue) -> Any:
    if name == "labels":
        if value is None:
            return ()
        return (value,) if isinstance(value, str) else value
    return "" if value is None else str(value)


@attrs.frozen
class SyncConfig:
    """Settings of a sync, usually read from a TOML file with :meth:`load`.

    Secrets never live here: adapter options name environment variables instead
    (``token_env = "JIRA_TOKEN"``), and a key that looks like a secret is refused.

    >>> config = SyncConfig.from_toml('''
    ... on_conflict = "prefer-source"
    ... [status_map]
    ... "In Progress" = "Doing"
    ... [fields]
    ... points = "Story Points"
    ... [source]
    ... token_env = "JIRA_TOKEN"
    ... ''')
    >>> config.on_conflict.value, dict(config.mapping.status_map), dict(config.source_options)
    ('prefer-source', {'In Progress': 'Doing'}, {'token_env': 'JIRA_TOKEN'})
    """

    mapping: FieldMapping = attrs.field(factory=FieldMapping)
    on_conflict: ConflictPolicy = attrs.field(default=ConflictPolicy.FAIL, converter=ConflictPolicy)
    batch_size: int = attrs.field(default=100)
    source_options: Mapping[str, object] = attrs.field(factory=dict)
    target_options: Mapping[str, object] = attrs.field(factory=dict)
    workflow: Workflow | None = None

    @batch_size.validator
    def _positive(self, attribute: attrs.Attribute[int], value: int) -> None:
        if not isinstance(value, int) or value < 1:
            raise SyncConfigError(
                "batch_size must be a whole number of 1 or more", key="batch_size", value=value
            )

    @classmethod
    def load(cls, path: str | Path) -> SyncConfig:
        """Read a TOML configuration file (see the sync guide for every key)."""
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise SyncConfigError(
                f"cannot read the file ({exc.strerror})",
                path=where,
                fix="check the --config path",
            ) from None
        return cls.from_toml(text, path=where)

    @classmethod
    def from_toml(cls, text: str, *, path: str | None = None) -> SyncConfig:
        """Parse configuration from TOML text."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SyncConfigError(
                f"not valid TOML ({exc})", path=path, fix="fix the TOML syntax"
            ) from None
        return cls.from_dict(data, path=path)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, path: str | None = None) -> SyncConfig:
        """Build from a parsed mapping; unknown keys and secret-looking values are refused."""
        known = {
            "on_conflict",
            "batch_size",
            "status_map",
            "fields",
            "ignore",
            "source",
            "target",
            "workflow",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise SyncConfigError(
                "unknown key",
                path=path,
                key=unknown[0],
                fix=f"use only {', '.join(sorted(known))}",
            )
        for section in ("status_map", "fields", "source", "target"):
            if not isinstance(data.get(section, {}), Mapping):
                raise SyncConfigError("must be a table", path=path, key=section)
        for section in ("source", "target"):
            for name in data.get(section, {}):
                if is_secret_option(name):
                    # Never echo the value: it may be the secret itself.
                    raise SyncConfigError(
                        "looks like a secret; secrets are read from environment variables only",
                        path=path,
                        key=f"{section}.{name}",
                        fix=f"delete it, export the secret, and set {name}_env = "
                        '"<VARIABLE NAME>" instead',
                    )
        ignore = data.get("ignore", [])
        if not isinstance(ignore, list) or not all(isinstance(n, str) for n in ignore):
            raise SyncConfigError("must be a list of field names", path=path, key="ignore")
        try:
            policy = ConflictPolicy(data.get("on_conflict", "fail"))
        except ValueError:
            raise SyncConfigError(
                "unknown conflict policy",
                path=path,
                key="on_conflict",
                fix=f"use one of {', '.join(p.value for p in ConflictPolicy)}",
                value=data.get("on_conflict"),
            ) from None
        try:
            mapping = FieldMapping(data.get("status_map", {}), data.get("fields", {}), ignore)
            return cls(
                mapping,
                policy,
                data.get("batch_size", 100),
                dict(data.get("source", {})),
                dict(data.get("target", {})),
                _workflow(data.get("workflow"), path),
            )
        except SyncConfigError as exc:
            if path is None or exc.path is not None:
                raise
            raise SyncConfigError(exc.what, path=path, key=exc.key, fix=exc.fix) from None


def _workflow(value: object, path: str | None) -> Workflow | None:
    """``workflow = "workflow.toml"`` (relative to the config file) or an inline table."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return Workflow.from_mapping(value, where=f"{path or 'sync config'}, key 'workflow'")
    if not isinstance(value, str):
        raise SyncConfigError(
            "must be the path of a workflow TOML file, or a table",
            path=path,
            key="workflow",
        )
    folder = Path(path).parent if path else Path()
    return Workflow.from_toml(folder / value)


# --- the plan ----------------------------------------------------------------------------------


@attrs.frozen
class Conflict:
    """One field of one item changed on both sides since the last sync.

    ``base`` is the value both sides agreed on at the last sync (None when the item was never
    synced); ``resolution`` says what the policy did: ``"fail"``, ``"source"``, ``"target"``
    or ``"skipped"``.

    >>> print(Conflict("MKT-3", "summary", "Launch", "Launch email", "Launch post", "skipped"))
    MKT-3 summary: base 'Launch', source 'Launch email', target 'Launch post' (skipped)
    """

    key: str
    field: str
    base: FieldValue
    source: FieldValue
    target: FieldValue
    resolution: str

    def __str__(self) -> str:
        return (
            f"{self.key} {self.field}: base {self.base!r}, source {self.source!r}, "
            f"target {self.target!r} ({self.resolution})"
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "key": self.key,
            "field": self.field,
            "base": _jsonable(self.base),
            "source": _jsonable(self.source),
            "target": _jsonable(self.target),
            "resolution": self.resolution,
        }


def _jsonable(value: FieldValue) -> Any:
    return list(value) if isinstance(value, tuple) else value


@attrs.frozen
class _ItemPlan:
    """What the plan will do with one source item, and the merge base to store after."""

    key: str
    changes: tuple[AnyChange, ...]
    source_base: ItemRecord | None  # new base of the source side (None: unchanged)
    target_base: ItemRecord | None  # new base of the target side (None: unchanged)
    blocked: bool  # a skipped conflict: keep the old bases, keep the cursor
    adopt: ItemRecord | None  # history to carry onto a mirror target
    conflicted: bool = False  # a conflict was found (whatever the policy did with it)


@attrs.frozen(eq=False)
class SyncPlan:
    """The changes a sync will make, the conflicts it found, and how many items need nothing.

    Print it for a dry run (``str(plan)``), or serialise it with :meth:`as_dict`. It is applied
    once, with :func:`apply`.

    Attributes:
        source: the source's URL (secrets redacted).
        target: the target's URL (secrets redacted).
        policy: the conflict policy the plan was made under.
        changes: every change, in the order it will be sent.
        conflicts: every field changed on both sides, with what the policy decided.
        unchanged: source items read this time that need nothing (no-ops); an incremental
            read only returns the items changed since the last sync.
        interrupted: journal entries left *planned* by an interrupted earlier run.
        unmapped_statuses: with a workflow in the config, the target statuses (after
            ``status_map``) that no stage of the workflow holds, with the keys of their items:
            the metrics cannot place those items until the workflow or the map names them.
    """

    source: str
    target: str
    policy: ConflictPolicy
    changes: tuple[AnyChange, ...]
    conflicts: tuple[Conflict, ...]
    unchanged: int
    interrupted: tuple[JournalEntry, ...]
    unmapped_statuses: Mapping[str, tuple[str, ...]]
    _items: tuple[_ItemPlan, ...] = attrs.field(repr=False)
    _source_adapter: Adapter = attrs.field(repr=False)
    _target_adapter: Adapter = attrs.field(repr=False)
    _mirror: Mirror = attrs.field(repr=False)
    _source_cursor: str | None = attrs.field(repr=False)
    _batch_size: int = attrs.field(repr=False)
    _target_now: Mapping[str, ItemRecord] = attrs.field(repr=False)

    def count(self, kind: str) -> int:
        """How many changes of a kind (``"create"``, ``"update"``, ``"move"``, ``"rerank"``)."""
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def counts(self) -> dict[str, int]:
        """Changes by kind, conflicts and unchanged items."""
        return {
            "create": self.count("create"),
            "update": self.count("update"),
            "move": self.count("move"),
            "rerank": self.count("rerank"),
            "conflict": len(self.conflicts),
            "unchanged": self.unchanged,
        }

    @property
    def blocked_by_conflicts(self) -> bool:
        """True when the policy is ``fail`` and there are conflicts: :func:`apply` refuses."""
        return self.policy is ConflictPolicy.FAIL and bool(self.conflicts)

    def summary(self) -> str:
        """One line: what the plan does."""
        c = self.counts
        return (
            f"{self.source} -> {self.target}: {c['create']} creates, {c['move']} moves, "
            f"{c['update']} updates, {c['conflict']} conflicts, {c['unchanged']} unchanged"
        )

    def __str__(self) -> str:
        lines = [f"Sync plan (on conflict: {self.policy.value})", self.summary()]
        if self.interrupted:
            lines.append(
                f"resuming: {len(self.interrupted)} change(s) left planned by an interrupted run"
            )
        lines += [f"  {change.describe()}" for change in self.changes]
        lines += [f"  conflict {conflict}" for conflict in self.conflicts]
        lines += self.warnings()
        return "\n".join(lines)

    def warnings(self) -> list[str]:
        """Lines a person should read even when the sync succeeds (statuses with no stage)."""
        return [
            f"warning: status {status!r} ({len(keys)} item(s): {', '.join(keys[:3])}"
            f"{', ...' if len(keys) > 3 else ''}) is in no stage of the workflow; "
            "add it to a stage's statuses or map it in [status_map]"
            for status, keys in self.unmapped_statuses.items()
        ]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: URLs, policy, counts, every change (with its id) and every conflict."""
        return {
            "source": self.source,
            "target": self.target,
            "policy": self.policy.value,
            "counts": self.counts,
            "changes": [
                {"change_id": c.change_id, "describe": c.describe(), **c.as_dict()}
                for c in self.changes
            ],
            "conflicts": [c.as_dict() for c in self.conflicts],
            "interrupted": [e.change_id for e in self.interrupted],
            "unmapped_statuses": {s: list(k) for s, k in self.unmapped_statuses.items()},
        }


def accrue_history(base: ItemRecord | None, now: ItemRecord, seen_at: datetime) -> ItemRecord:
    """``now`` with the history the mirror accrued for it: observed transitions kept from
    ``base``, plus one for a status change the source's own history does not explain, dated
    ``seen_at`` and marked ``observed``.

    >>> from datetime import datetime, UTC
    >>> from agilemarketing.history import ItemHistory
    >>> t1, t2 = datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC)
    >>> first = accrue_history(None, ItemRecord(ItemHistory("M-1", status="To Do")), t1)
    >>> later = accrue_history(first, ItemRecord(ItemHistory("M-1", status="Doing")), t2)
    >>> [(t.from_status, t.to_status, t.at.day, t.observed) for t in later.history.transitions]
    [(None, 'To Do', 2, True), ('To Do', 'Doing', 9, True)]
    """
    own = list(now.history.transitions)
    known = set(own)
    carried = [
        t for t in (base.history.transitions if base else ()) if t.observed and t not in known
    ]
    merged = sorted([*own, *carried], key=lambda t: t.at)
    status = now.history.status
    last = merged[-1].to_status if merged else None
    if status and last != status:
        at = max(seen_at, merged[-1].at) if merged else seen_at
        merged.append(Transition(at, last, status, observed=True))
    if merged == own:
        return now
    return attrs.evolve(now, history=attrs.evolve(now.history, transitions=merged))


def _norm(field: str, value: FieldValue) -> FieldValue:
    if field == "labels":
        return tuple(sorted(value)) if isinstance(value, tuple) else value
    if field == "points" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _compared_fields(mapping: FieldMapping, *records: ItemRecord | None) -> list[str]:
    extra = sorted({name for r in records if r is not None for name in r.fields})
    return [f for f in (*_COMPARED_CORE, *extra) if f not in mapping.ignore]


def _fingerprint(record: ItemRecord | None, fields: Iterable[str]) -> str:
    if record is None:
        return "new"
    data = {f: _jsonable(_norm(f, record.get(f))) for f in fields}
    data["status"] = record.history.status
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _side(adapter: Adapter) -> str:
    return adapter.redact(adapter.url)


def _read_all(
    adapter: Adapter, since: str | None, phase: str, progress: Progress | None
) -> tuple[dict[str, ItemRecord], str, bool]:
    try:
        result = adapter.read(None if since is None else Cursor(since))
    except InvalidCursor:
        result = adapter.read(None)  # the source forgot the cursor (restarted): read it all
    records: dict[str, ItemRecord] = {}
    for number, record in enumerate(result, start=1):
        records[record.key] = record
        if progress is not None and number % _PROGRESS_EVERY == 0:
            progress(phase, number, None)
    if progress is not None:
        progress(phase, len(records), len(records))
    return records, result.cursor.token, result.complete


def plan(
    source: Adapter,
    target: Adapter,
    mirror: Mirror,
    policy: ConflictPolicy | str | None = None,
    *,
    config: SyncConfig | None = None,
    progress: Progress | None = None,
    seen_at: datetime | None = None,
) -> SyncPlan:
    """Compare ``source`` and ``target`` with the mirror's merge base; plan what to send.

    Reads both sides (the source incrementally from its cursor when it can, the target in full:
    that is where conflicts are found) and writes nothing. ``policy`` overrides the one in
    ``config`` (default ``fail``). ``seen_at`` is when the source was read (default: now): the
    time given to status changes the sync observes in a source without history.
    """
    config = config or SyncConfig()
    chosen = ConflictPolicy(policy) if policy is not None else config.on_conflict
    mapping = config.mapping
    target.check_writable()
    src, tgt = _side(source), _side(target)
    if src == tgt:
        raise MirrorError(
            "the source and the target are the same board",
            where=f"sync {src} -> {tgt}",
            fix="name two different boards",
        )
    peer = mirror.peer(src)
    if peer is not None and peer != tgt:
        raise MirrorError(
            f"{src} is synced with {peer} in this mirror, not with {tgt}",
            where=f"mirror {mirror.path}",
            fix="keep one mirror file (--state) per source and target pair",
        )
    base_s = mirror.board(src)
    base_t = mirror.board(tgt)
    revisions = mirror.item_revisions(src)
    read_s, source_cursor, _ = _read_all(source, mirror.cursor(src), "read source", progress)
    target_now, _, _ = _read_all(target, None, "read target", progress)

    seen_at = utcnow() if seen_at is None else ensure_utc(seen_at, where="plan(seen_at=...)")
    items: list[_ItemPlan] = []
    conflicts: list[Conflict] = []
    adopt_history = isinstance(target, MirrorAdapter)
    # Plan in the source's order, so creates land on the target in that order.
    for raw in sorted(read_s.values(), key=_rank_order):
        key = raw.key
        now_s = accrue_history(base_s.get(key), raw, seen_at)
        item, found = _plan_item(
            key,
            now_s,
            base_s.get(key),
            target_now.get(key),
            base_t.get(key),
            mapping,
            chosen,
            f"{src}@{revisions.get(key, 0)}",
            adopt_history,
        )
        conflicts += found
        items.append(item)
    if target.capabilities.rank:
        items, found = _plan_reranks(items, base_s, read_s, target_now, chosen, src, revisions)
        conflicts += found
    changed = {i.key for i in items if i.changes or i.conflicted}
    unchanged = len({i.key for i in items} - changed)
    items = [
        i for i in items if i.changes or i.source_base or i.target_base or i.adopt or i.blocked
    ]
    # Creates first (a rerank or a later change may name a new item), reranks last.
    items.sort(key=_batch_order)
    interrupted = tuple(mirror.journal(tgt, status=JournalStatus.PLANNED))
    unmapped: dict[str, list[str]] = {}
    if config.workflow is not None:
        for raw in read_s.values():
            status = mapping.status(raw.history.status)
            if status and config.workflow.stage_for_status(status) is None:
                unmapped.setdefault(status, []).append(raw.key)
    return SyncPlan(
        source=src,
        target=tgt,
        policy=chosen,
        changes=tuple(c for i in items for c in i.changes),
        conflicts=tuple(conflicts),
        unchanged=unchanged,
        interrupted=interrupted,
        unmapped_statuses={s: tuple(sorted(keys)) for s, keys in sorted(unmapped.items())},
        items=tuple(items),
        source_adapter=source,
        target_adapter=target,
        mirror=mirror,
        source_cursor=source_cursor,
        batch_size=config.batch_size,
        target_now=target_now,
    )


def _plan_item(
    key: str,
    raw_s: ItemRecord,
    raw_base_s: ItemRecord | None,
    t: ItemRecord | None,
    tb: ItemRecord | None,
    mapping: FieldMapping,
    policy: ConflictPolicy,
    src: str,
    adopt_history: bool,
) -> tuple[_ItemPlan, list[Conflict]]:
    s = mapping.translate(raw_s)
    sb = None if raw_base_s is None else mapping.translate(raw_base_s)
    new_source_base = None if raw_s == raw_base_s else raw_s
    fields = _compared_fields(mapping, s, sb)
    origin = f"{src}:{_fingerprint(sb, fields)}"
    if t is None:
        if (
            tb is not None
            and sb is not None
            and _fingerprint(s, fields) == _fingerprint(sb, fields)
        ):
            # deleted on the target, unchanged at the source: the target's decision stands
            return _ItemPlan(key, (), new_source_base, None, False, None), []
        h = s.history
        create = CreateItem(
            key,
            h.summary if "summary" in fields else "",
            type=h.type if "type" in fields else "",
            status=h.status,
            points=h.points if "points" in fields else None,
            labels=h.labels if "labels" in fields else (),
            fields={k: v for k, v in s.fields.items() if k in fields},
            origin=origin,
        )
        if tb is not None:  # deleted on the target and changed at the source: a conflict
            conflict = Conflict(key, "item", "present", "changed", "deleted", _resolution(policy))
            if policy is not ConflictPolicy.PREFER_SOURCE:
                keep = raw_s if policy is ConflictPolicy.PREFER_TARGET else None
                skip = policy is ConflictPolicy.SKIP
                return _ItemPlan(key, (), keep, None, skip, None, True), [conflict]
            adopt = _adopt(s, adopt_history)
            return _ItemPlan(key, (create,), raw_s, s, False, adopt, True), [conflict]
        return _ItemPlan(key, (create,), raw_s, s, False, _adopt(s, adopt_history)), []

    conflicts: list[Conflict] = []
    values: dict[str, FieldValue] = {}
    for field in (*fields, "status"):
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
                Conflict(key, field, s_base, s.get(field), t.get(field), _resolution(policy))
            )
            if policy is not ConflictPolicy.PREFER_SOURCE:
                continue
        values[field] = s.get(field)
    if conflicts and policy is ConflictPolicy.SKIP:
        return _ItemPlan(key, (), None, None, True, None, True), conflicts

    changes: list[AnyChange] = []
    status = values.pop("status", None)
    if values:
        changes.append(UpdateFields(key, values, origin=origin))
    if status is not None:
        changes.append(
            MoveStatus(key, str(status), from_status=t.history.status or None, origin=origin)
        )
    expected = _expected(t, values, status)
    # The target's base changes only when a compared field does (not its rank, version...).
    same = tb is not None and _fingerprint(expected, fields) == _fingerprint(tb, fields)
    new_target_base = None if same else expected
    adopt = _adopt(s, adopt_history) if expected.history.status == s.history.status else None
    if adopt is not None and _history_of(adopt) == _history_of(t):
        adopt = None
    return (
        _ItemPlan(
            key, tuple(changes), new_source_base, new_target_base, False, adopt, bool(conflicts)
        ),
        conflicts,
    )


def _rank_order(record: ItemRecord) -> tuple[bool, str, str]:
    rank = record.history.rank
    return (rank is None, rank or "", record.key)


def _batch_order(item: _ItemPlan) -> int:
    kinds = {c.kind for c in item.changes}
    return 0 if "create" in kinds else 2 if kinds == {"rerank"} else 1


def _predecessors(keys: Iterable[str]) -> dict[str, str | None]:
    order = list(keys)
    return {key: (order[i - 1] if i else None) for i, key in enumerate(order)}


class _Order:
    """A sequence of keys as a doubly linked list: O(1) neighbour, remove and insert."""

    def __init__(self, keys: list[str]) -> None:
        self.before: dict[str, str | None] = _predecessors(keys)
        self.after: dict[str | None, str | None] = {None: keys[0] if keys else None}
        for key, pred in self.before.items():
            self.after[pred] = key
        if keys:
            self.after[keys[-1]] = None

    @property
    def first(self) -> str:
        head = self.after[None]
        assert head is not None, "the order is empty"
        return head

    def remove(self, key: str) -> None:
        pred, succ = self.before.pop(key), self.after.pop(key)
        self.after[pred] = succ
        if succ is not None:
            self.before[succ] = pred

    def insert_after(self, pred: str | None, key: str) -> None:
        """Put ``key`` right after ``pred`` (at the top when ``pred`` is None)."""
        succ = self.after[pred]
        self.after[pred], self.after[key], self.before[key] = key, succ, pred
        if succ is not None:
            self.before[succ] = key

    def __iter__(self) -> Iterator[str]:
        key = self.after[None]
        while key is not None:
            yield key
            key = self.after[key]


def _kept_in_order(order: list[str], base: Mapping[str, int]) -> set[str]:
    """The keys of ``order`` that keep their base order: a longest increasing subsequence of
    their base positions (the fewest items to call "moved"); keys not in ``base`` are left out.
    """
    keys = [k for k in order if k in base]
    tails: list[int] = []  # tails[n]: index in keys of the smallest tail of a run of length n+1
    tail_positions: list[int] = []  # base positions of those tails, for bisect
    parent: list[int] = [-1] * len(keys)
    for i, key in enumerate(keys):
        position = base[key]
        n = bisect.bisect_left(tail_positions, position)
        parent[i] = tails[n - 1] if n else -1
        if n == len(tails):
            tails.append(i)
            tail_positions.append(position)
        else:
            tails[n] = i
            tail_positions[n] = position
    kept: set[str] = set()
    at = tails[-1] if tails else -1
    while at >= 0:
        kept.add(keys[at])
        at = parent[at]
    return kept


def _plan_reranks(
    items: list[_ItemPlan],
    base_s: Mapping[str, ItemRecord],
    read_s: Mapping[str, ItemRecord],
    target_now: Mapping[str, ItemRecord],
    policy: ConflictPolicy,
    src: str,
    revisions: Mapping[str, int],
) -> tuple[list[_ItemPlan], list[Conflict]]:
    """Plan :class:`Rerank` changes so the target's order follows the source's, three-way.

    The items the source moved since the last sync (those outside a longest run that kept the
    base order) and the new ones are placed on the target right after the item above them at
    the source; items only the target moved stay where the target put them; an item moved on
    both sides to different places is a ``rank`` conflict.
    """
    source_now = {**base_s, **read_s}
    if not any(r.history.rank is not None for r in source_now.values()):
        return items, []  # the source keeps no order: nothing to follow
    creates = [i.key for i in items if any(isinstance(c, CreateItem) for c in i.changes)]
    synced = {k for k in source_now if k in target_now} | set(creates)
    blocked = {i.key for i in items if i.blocked}
    order_s = [r.key for r in sorted(source_now.values(), key=_rank_order) if r.key in synced]
    order_b = [r.key for r in sorted(base_s.values(), key=_rank_order) if r.key in synced]
    order_t = [r.key for r in sorted(target_now.values(), key=_rank_order) if r.key in synced]
    order_t += [k for k in creates if k not in target_now]  # new items land at the bottom
    base_position = {key: n for n, key in enumerate(order_b)}
    moved_by_source = set(order_s) - _kept_in_order(order_s, base_position)
    moved_by_target = set(base_position) - _kept_in_order(order_t, base_position)
    pred_s, pred_b, pred_t = (_predecessors(o) for o in (order_s, order_b, order_t))
    simulated = _Order(order_t)  # the target's order as the reranks change it
    reranks: list[_ItemPlan] = []
    conflicts: list[Conflict] = []
    conflicted: set[str] = set()
    for key in order_s:
        if key not in moved_by_source or key in blocked:
            continue
        want = pred_s[key]
        if simulated.before[key] == want:
            continue
        # The target moved it too, or moved what was around it (which of two swapped items
        # moved cannot be told apart): a conflict, never a silent overwrite.
        target_moved = key in moved_by_target or (key in pred_b and pred_t[key] != pred_b[key])
        if target_moved and pred_t[key] != want:
            conflicts.append(
                Conflict(
                    key,
                    "rank",
                    _place(pred_b[key]),
                    _place(want),
                    _place(pred_t[key]),
                    _resolution(policy),
                )
            )
            conflicted.add(key)
            if policy is not ConflictPolicy.PREFER_SOURCE:
                continue
        simulated.remove(key)
        origin = f"{src}@{revisions.get(key, 0)}:order:{pred_b.get(key)}"
        if want is None:
            change = Rerank(key, before=simulated.first, origin=origin)
        else:
            change = Rerank(key, after=want, origin=origin)
        simulated.insert_after(want, key)
        reranks.append(_ItemPlan(key, (change,), None, None, False, None))
    if conflicted:
        skip = policy is ConflictPolicy.SKIP
        items = [
            attrs.evolve(
                i,
                conflicted=True,
                blocked=i.blocked or skip,
                source_base=None if skip else i.source_base,
            )
            if i.key in conflicted
            else i
            for i in items
        ]
    return items + reranks, conflicts


def _place(pred: str | None) -> str:
    return "first" if pred is None else f"after {pred}"


def _resolution(policy: ConflictPolicy) -> str:
    return {
        ConflictPolicy.FAIL: "fail",
        ConflictPolicy.PREFER_SOURCE: "source",
        ConflictPolicy.PREFER_TARGET: "target",
        ConflictPolicy.SKIP: "skipped",
    }[policy]


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


def _history_of(record: ItemRecord) -> tuple[Any, ...]:
    h = record.history
    return (h.created, h.resolved, h.sprints, h.transitions, h.blocked)


# --- applying ----------------------------------------------------------------------------------


@attrs.frozen
class FailedChange:
    """A change the target refused; nothing of it was applied."""

    change_id: str
    description: str
    error: str


@attrs.frozen
class SyncReport:
    """What :func:`apply` did.

    Attributes:
        source: the source URL.
        target: the target URL.
        applied: changes the target applied.
        already_applied: changes the target already held (a resumed run, a concurrent edit).
        failed: changes the target refused (the rest were applied).
        conflicts: the plan's conflicts and what the policy did with each.
        resumed: journal entries of an interrupted run settled by this one.
        by_kind: applied or already-applied changes by kind.
    """

    source: str
    target: str
    applied: int
    already_applied: int
    failed: tuple[FailedChange, ...]
    conflicts: tuple[Conflict, ...]
    resumed: int
    by_kind: Mapping[str, int]

    @property
    def exit_code(self) -> ExitCode:
        """:attr:`ExitCode.FAILED_CHANGES` if any change failed, else :attr:`ExitCode.OK`."""
        return ExitCode.FAILED_CHANGES if self.failed else ExitCode.OK

    def summary(self) -> str:
        """One line: what was done."""
        k = self.by_kind
        return (
            f"{k.get('create', 0)} created, {k.get('update', 0)} updated, "
            f"{k.get('move', 0)} moved: {self.applied} applied, "
            f"{self.already_applied} already applied, {len(self.failed)} failed, "
            f"{len(self.conflicts)} conflicts"
        )

    def __str__(self) -> str:
        lines = [f"Synced {self.source} -> {self.target}", self.summary()]
        if self.resumed:
            lines.append(f"resumed {self.resumed} change(s) from an interrupted run")
        lines += [f"  failed: {f.description}: {f.error}" for f in self.failed]
        lines += [f"  conflict {c}" for c in self.conflicts]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "source": self.source,
            "target": self.target,
            "applied": self.applied,
            "already_applied": self.already_applied,
            "failed": [attrs.asdict(f) for f in self.failed],
            "conflicts": [c.as_dict() for c in self.conflicts],
            "resumed": self.resumed,
            "by_kind": dict(self.by_kind),
            "exit_code": int(self.exit_code),
        }


def _batches(items: Iterable[_ItemPlan], size: int) -> Iterator[list[_ItemPlan]]:
    """Consecutive groups of whole items holding about ``size`` changes each."""
    batch: list[_ItemPlan] = []
    count = 0
    for item in items:
        batch.append(item)
        count += len(item.changes)
        if count >= size:
            yield batch
            batch, count = [], 0
    if batch:
        yield batch


def apply(the_plan: SyncPlan, *, progress: Progress | None = None) -> SyncReport:
    """Send the plan's changes to the target, journalled, and store the new merge base.

    Raises :class:`~agilemarketing.errors.SyncConflictError` (writing nothing) when the policy
    is ``fail`` and the plan has conflicts. If the target raises halfway (a crash, a lost
    connection), what was done so far is kept: run :func:`plan` and :func:`apply` again.
    """
    if the_plan.blocked_by_conflicts:
        raise SyncConflictError(the_plan.conflicts)
    mirror, target = the_plan._mirror, the_plan._target_adapter
    tgt, src = the_plan.target, the_plan.source
    resumed = _settle_interrupted(the_plan)
    applied = already = 0
    failed: list[FailedChange] = []
    by_kind: dict[str, int] = {}
    blocked = any(i.blocked for i in the_plan._items)
    total = len(the_plan.changes)
    done = 0
    adopted: list[ItemRecord] = []
    for batch in _batches(the_plan._items, the_plan._batch_size):
        changes = [c for item in batch for c in item.changes]
        if changes:
            planned_at = utcnow()
            with mirror.transaction():
                mirror.record_planned(
                    tgt,
                    [
                        JournalEntry(
                            tgt,
                            c.change_id,
                            c.kind,
                            c.key,
                            c.as_dict(),
                            JournalStatus.PLANNED,
                            planned_at,
                        )
                        for c in changes
                    ],
                )
            results = target.write(changes)
        else:
            results = []
        failed_keys = set()
        rows: list[tuple[str, JournalStatus, Mapping[str, Any] | None]] = []
        for result in results:
            rows.append(_journal_row(result, target))
            if result.status is ChangeStatus.FAILED:
                failed_keys.add(result.change.key)
                failed.append(
                    FailedChange(
                        result.change_id,
                        result.change.describe(),
                        target.redact(str(result.error)),
                    )
                )
                continue
            if result.status is ChangeStatus.APPLIED:
                applied += 1
            else:
                already += 1
            by_kind[result.change.kind] = by_kind.get(result.change.kind, 0) + 1
        done_items = [i for i in batch if i.key not in failed_keys and not i.blocked]
        with mirror.transaction():
            mirror.record_results(tgt, rows)
            mirror.save_board(src, [i.source_base for i in done_items if i.source_base is not None])
            mirror.save_board(tgt, [i.target_base for i in done_items if i.target_base is not None])
        adopted += [i.adopt for i in done_items if i.adopt is not None]
        done += len(changes)
        if progress is not None and changes:
            progress("apply", done, total)
    if adopted and isinstance(target, MirrorAdapter):
        _adopt_histories(target, adopted)
    if not blocked and not failed:
        old = mirror.cursor(src)
        if old != the_plan._source_cursor or mirror.peer(src) != tgt:
            with mirror.transaction():
                mirror.set_cursor(src, the_plan._source_cursor, peer=tgt)
    return SyncReport(
        source=src,
        target=tgt,
        applied=applied,
        already_applied=already,
        failed=tuple(failed),
        conflicts=the_plan.conflicts,
        resumed=resumed,
        by_kind=by_kind,
    )


def _journal_row(
    result: ChangeResult, target: Adapter
) -> tuple[str, JournalStatus, Mapping[str, Any] | None]:
    if result.status is ChangeStatus.FAILED:
        return (
            result.change_id,
            JournalStatus.FAILED,
            {"error": target.redact(str(result.error))},
        )
    return (
        result.change_id,
        JournalStatus.APPLIED,
        {"status": result.status.value, "key": result.key},
    )


def _settle_interrupted(the_plan: SyncPlan) -> int:
    """Settle journal entries an interrupted run left *planned*; return how many.

    A change the new plan still contains is sent again (same id: the target recognises it).
    Any other was either applied before the interruption (the target holds it) or superseded.
    """
    if not the_plan.interrupted:
        return 0
    planned_ids = {c.change_id for c in the_plan.changes}
    rows: list[tuple[str, JournalStatus, Mapping[str, Any] | None]] = []
    for entry in the_plan.interrupted:
        if entry.change_id in planned_ids:
            continue
        try:
            change = change_from_dict(entry.payload)
        except AgileMarketingError:
            rows.append((entry.change_id, JournalStatus.FAILED, {"error": "unreadable entry"}))
            continue
        record = the_plan._target_now.get(change.key)
        held = record is not None and _holds(change, record)
        rows.append(
            (entry.change_id, JournalStatus.APPLIED, {"status": "found applied on resume"})
            if held
            else (
                entry.change_id,
                JournalStatus.FAILED,
                {"error": "not applied; superseded by a newer plan"},
            )
        )
    if rows:
        with the_plan._mirror.transaction():
            the_plan._mirror.record_results(the_plan.target, rows)
    return len(the_plan.interrupted)


def _holds(change: AnyChange, record: ItemRecord) -> bool:
    match change:
        case CreateItem() | UpdateFields() | MoveStatus():
            return change.satisfied_by(record)
    return False


def _adopt_histories(target: MirrorAdapter, sources: list[ItemRecord]) -> None:
    """Carry the source's history (created, resolved, cycles, transitions, blocked periods) onto
    the mirror's own board: change types carry no history, and the mirror keeps it."""
    board = target.mirror
    updated = []
    current_board = board.board(OWN_BOARD) if len(sources) > 50 else None  # one read for many
    for s in sources:
        current = (
            current_board.get(s.key)
            if current_board is not None
            else board.board_item(OWN_BOARD, s.key)
        )
        if current is None or _history_of(current) == _history_of(s):
            continue
        h = s.history
        history = attrs.evolve(
            current.history,
            created=h.created,
            resolved=h.resolved,
            sprints=h.sprints,
            transitions=h.transitions,
            blocked=h.blocked,
        )
        updated.append(attrs.evolve(current, history=history))
    if updated:
        with board.transaction():
            board.save_board(OWN_BOARD, updated)
