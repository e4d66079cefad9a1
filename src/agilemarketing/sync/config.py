"""The settings of a sync: :class:`SyncConfig` (usually a TOML file) and its :class:`FieldMapping`.

Secrets never live in a configuration: adapter options name environment variables instead, and
an option that looks like a secret (``agilemarketing.adapter.secrets.is_secret_option``), at any
depth of ``[source]`` and ``[target]`` (``[source.auth]``, ``[target.credentials]``), or a URL
carrying credentials, is refused without echoing its value.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from agilemarketing.adapter import FieldValue, ItemRecord
from agilemarketing.adapter.fields import CORE_FIELDS, RESERVED_FIELDS
from agilemarketing.adapter.secrets import secret_options
from agilemarketing.errors import InvalidValue, SyncConfigError
from agilemarketing.history import Transition
from agilemarketing.sync.conflicts import ConflictPolicy
from agilemarketing.sync.runs import JournalBounds
from agilemarketing.workflow import Workflow

__all__ = ["FieldMapping", "SyncConfig"]


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
        bad = sorted(set(self.fields) & RESERVED_FIELDS)
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
    journal: JournalBounds = attrs.field(factory=JournalBounds)

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
            "journal",
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
            _refuse_secrets(data.get(section, {}), section, path)
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
                JournalBounds.from_value(data.get("journal"), path=path),
            )
        except SyncConfigError as exc:
            if path is None or exc.path is not None:
                raise
            raise SyncConfigError(exc.what, path=path, key=exc.key, fix=exc.fix) from None


def _refuse_secrets(options: Mapping[str, Any], section: str, path: str | None) -> None:
    """Refuse the first secret-looking option of a ``[source]``/``[target]`` table, at any depth
    (a nested table whose name looks like a secret is refused whole), without echoing it."""
    for key, why in secret_options(options, f"{section}."):
        name = key.rsplit(".", 1)[-1].split("[", 1)[0]
        if why == "url":
            what = "is a URL carrying credentials; secrets are read from environment variables only"
            fix = (
                "take the user name and secret out of the URL, export the secret, and name its "
                'variable with the adapter\'s *_env option (e.g. token_env = "JIRA_TOKEN")'
            )
        elif why == "table":
            what = "is a table that looks like it holds secrets; secrets are read from "
            what += "environment variables only"
            fix = (
                "delete the table, export each secret in it, and name each variable with an "
                f'*_env option instead (e.g. {name}_env = "<VARIABLE NAME>" in [{section}])'
            )
        else:
            what = "looks like a secret; secrets are read from environment variables only"
            fix = f'delete it, export the secret, and set {name}_env = "<VARIABLE NAME>" instead'
        # Never echo the value: it may be the secret itself.
        raise SyncConfigError(what, path=path, key=key, fix=fix)


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
