"""JSON for every planning object: a small typed converter over attrs, bytes by msgspec.

:func:`unstructure` turns an attrs object into plain JSON data, guided by the declared field
types; :func:`structure` rebuilds it, checking every value against those types and saying where
a document is wrong (:class:`~agilemarketing.errors.SerializationError` with a JSON path).
:func:`dumps` / :func:`loads` add the bytes (msgspec's JSON encoder and decoder).

- datetimes are RFC 3339 strings in UTC, dates ISO dates, durations seconds;
- enums are their values; tuples, lists and sets are arrays (sets sorted);
- mappings with string keys are objects, others arrays of ``[key, value]`` pairs;
- a field typed by a protocol (a convergence rule, a tactic detector) holds a tagged object,
  ``{"type": "AdjacentCards", ...}``, resolved only from the library's own classes (plus any
  you :func:`register`): a document can never name arbitrary code to import;
- the state an aggregate keeps in private fields (hidden poker votes, triage decisions) is
  written too, so a planning session resumes where it stopped.

The planning file the command line reads is :class:`~agilemarketing.planning.file.PlanningFile`.

>>> from datetime import date
>>> from agilemarketing.planning.guidepoint import Guidepoint, Outcome, Kpi
>>> gp = Guidepoint("Pipeline", date(2026, 4, 1), date(2026, 6, 30),
...                 [Outcome("pipeline", kpis=[Kpi("qualified leads", 50)])])
>>> data = dumps(gp)
>>> data[:60]
b'{"statement":"Pipeline","starts":"2026-04-01","ends":"2026-0'
>>> loads(data, Guidepoint) == gp
True
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import attrs
import msgspec

from agilemarketing import backlog as backlog_module
from agilemarketing import cycles, done, items, workflow
from agilemarketing.backlog import Backlog
from agilemarketing.errors import AgileMarketingError, SerializationError
from agilemarketing.items import WorkItem
from agilemarketing.planning import (
    blueprint,
    experiments,
    guidepoint,
    intake,
    poker,
    showcase,
    stakeholders,
    workshop,
)
from agilemarketing.utc import ensure_utc

__all__ = ["dumps", "loads", "register", "structure", "unstructure"]

T = typing.TypeVar("T")

_TAG = "type"
_REGISTRY: dict[str, type] = {}


def register(cls: type[T]) -> type[T]:
    """Allow an attrs class of your own (e.g. a custom convergence rule) in tagged fields.

    Usable as a class decorator; the tag is the class name, which must be unique.
    """
    is_attrs = attrs.has(cls)
    if not is_attrs:
        raise SerializationError("register", expected="an attrs class", value=cls.__name__)
    known = _REGISTRY.get(cls.__name__)
    if known is not None and known is not cls:
        raise SerializationError(
            "register", expected=f"a class name other than {cls.__name__!r}", value=cls.__name__
        )
    _REGISTRY[cls.__name__] = cls
    return cls


for _module in (cycles, done, experiments, guidepoint, blueprint, items, poker, showcase,
                stakeholders, intake, workflow, workshop):  # fmt: skip
    for _name in getattr(_module, "__all__", ()):
        _obj = getattr(_module, _name)
        if isinstance(_obj, type) and attrs.has(_obj):
            _REGISTRY.setdefault(_obj.__name__, _obj)


# --- type helpers ---------------------------------------------------------------------------------

_HINTS: dict[type, dict[str, Any]] = {}


def _field_types(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        module = __import__(cls.__module__, fromlist=["_"])
        hints = typing.get_type_hints(cls, globalns=vars(module), localns=dict(_REGISTRY))
        _HINTS[cls] = hints
    return hints


def _is_protocol(tp: Any) -> bool:
    return isinstance(tp, type) and bool(getattr(tp, "_is_protocol", False))


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _tag_needed(tp: Any) -> bool:
    return tp is Any or tp is object or _is_protocol(tp)


# --- unstructure ----------------------------------------------------------------------------------

_Custom = tuple[Callable[[Any], Any], Callable[[Any, str], Any]]
_CUSTOM: dict[type, _Custom] = {}


def unstructure(value: Any, tp: Any = None) -> Any:
    """Plain JSON data (dicts, lists, strings, numbers, booleans, None) for ``value``.

    >>> from agilemarketing.items import Size
    >>> unstructure(Size.tshirt("M"))
    {'unit': 'tshirt', 'value': 3.0, 'label': 'M'}
    """
    return _un(value, tp if tp is not None else type(value), "$")


def _un(value: Any, tp: Any, path: str) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return ensure_utc(value).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    custom = _CUSTOM.get(type(value))
    if custom is not None:
        return custom[0](value)
    if attrs.has(type(value)):
        return _un_attrs(value, tag=_tag_needed(tp) or _is_union_of_classes(tp), path=path)
    args = typing.get_args(tp)
    if isinstance(value, Mapping):
        k_tp, v_tp = args if len(args) == 2 else (Any, Any)
        if all(isinstance(k, str) for k in value):
            return {k: _un(v, v_tp, f"{path}.{k}") for k, v in value.items()}
        return [
            [_un(k, k_tp, f"{path}[{n}][0]"), _un(v, v_tp, f"{path}[{n}][1]")]
            for n, (k, v) in enumerate(value.items())
        ]
    if isinstance(value, list | tuple | set | frozenset):
        values = list(value)
        if isinstance(value, set | frozenset):
            try:
                values = sorted(values)
            except TypeError:
                values = sorted(values, key=repr)
        if typing.get_origin(tp) is tuple and len(args) == len(values) and args[-1] is not ...:
            elem_types = list(args)
        else:
            elem_types = [args[0] if args else Any] * len(values)
        return [
            _un(v, t, f"{path}[{n}]")
            for n, (v, t) in enumerate(zip(values, elem_types, strict=True))
        ]
    raise SerializationError(
        path, expected="a value JSON can hold (attrs objects, text, numbers, lists...)",
        value=type(value).__name__,
    )  # fmt: skip


def _is_union_of_classes(tp: Any) -> bool:
    if not _is_union(tp):
        return False
    classes = [a for a in typing.get_args(tp) if a is not type(None)]
    return len(classes) > 1


def _un_attrs(value: Any, *, tag: bool, path: str) -> dict[str, Any]:
    cls = type(value)
    hints = _field_types(cls)
    out: dict[str, Any] = {}
    if tag:
        if _REGISTRY.get(cls.__name__) is not cls:
            raise SerializationError(
                path, expected=f"a registered class (register({cls.__name__}) first)",
                value=cls.__name__,
            )  # fmt: skip
        out[_TAG] = cls.__name__
    for field in attrs.fields(cls):
        key = field.alias or field.name.lstrip("_")
        out[key] = _un(getattr(value, field.name), hints.get(field.name, Any), f"{path}.{key}")
    return out


def _un_backlog(backlog: Backlog) -> Any:
    """A plain list of items; an object with the owner and the record of moves when it has them."""
    items = [unstructure(item) for item in backlog]
    if backlog.owner is None and not backlog.moves:
        return items
    moves = [unstructure(m) for m in backlog.moves]
    return {"owner": backlog.owner, "items": items, "moves": moves}


def _st_backlog(data: Any, path: str) -> Backlog:
    if not isinstance(data, dict):
        return Backlog(_st(data, list[WorkItem], path))
    owner = _st(data.get("owner"), str | None, f"{path}.owner")
    backlog = Backlog(_st(data.get("items", []), list[WorkItem], f"{path}.items"), owner=owner)
    moves = _st(data.get("moves", []), list[backlog_module.BacklogMove], f"{path}.moves")
    backlog._moves.extend(moves)
    return backlog


_CUSTOM[Backlog] = (_un_backlog, _st_backlog)


# --- structure ------------------------------------------------------------------------------------


def structure(data: Any, cls: type[T]) -> T:
    """Rebuild a ``cls`` from plain JSON data, checking every value against the field types.

    Raises:
        SerializationError: a value has the wrong shape (the error names its JSON path), or
            an object fails the class's own rules (the message names where).
    """
    return typing.cast(T, _st(data, cls, "$"))


def _fail(path: str, tp: Any, data: Any) -> SerializationError:
    name = getattr(tp, "__name__", None) or str(tp).replace("typing.", "")
    shown = (
        data if isinstance(data, str | int | float | bool) or data is None else type(data).__name__
    )
    return SerializationError(path, expected=name, value=shown)


def _st(data: Any, tp: Any, path: str) -> Any:
    if tp is Any or tp is object:
        return data
    if tp is type(None):
        if data is None:
            return None
        raise _fail(path, tp, data)
    if _is_union(tp):
        return _st_union(data, tp, path)
    origin = typing.get_origin(tp) or tp
    if isinstance(tp, type) and tp in _SCALARS:
        return _SCALARS[tp](data, tp, path)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(data)
        except ValueError:
            raise _fail(path, tp, data) from None
    if isinstance(tp, type) and tp in _CUSTOM:
        return _CUSTOM[tp][1](data, path)
    if origin in (dict, Mapping, typing.Mapping) or origin is dict:
        return _st_mapping(data, tp, path)
    if origin in (tuple, list, set, frozenset) or origin in _SEQUENCES:
        return _st_sequence(data, tp, origin, path)
    if _is_protocol(tp) or (isinstance(tp, type) and attrs.has(tp)):
        return _st_attrs(data, tp, path)
    raise _fail(path, tp, data)


def _st_union(data: Any, tp: Any, path: str) -> Any:
    args = typing.get_args(tp)
    if data is None and type(None) in args:
        return None
    problems: list[SerializationError] = []
    for arg in args:
        if arg is type(None):
            continue
        try:
            return _st(data, arg, path)
        except SerializationError as exc:
            problems.append(exc)
    raise problems[0] if len(problems) == 1 else _fail(path, tp, data)


def _st_bool(data: Any, tp: Any, path: str) -> Any:
    if isinstance(data, bool):
        return data
    raise _fail(path, tp, data)


def _st_int(data: Any, tp: Any, path: str) -> Any:
    if isinstance(data, int) and not isinstance(data, bool):
        return data
    raise _fail(path, tp, data)


def _st_float(data: Any, tp: Any, path: str) -> Any:
    if isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    raise _fail(path, tp, data)


def _st_str(data: Any, tp: Any, path: str) -> Any:
    if isinstance(data, str):
        return data
    raise _fail(path, tp, data)


def _st_datetime(data: Any, tp: Any, path: str) -> Any:
    try:
        return ensure_utc(data, where=path) if isinstance(data, str) else _no(path, tp, data)
    except AgileMarketingError:
        raise _fail(path, tp, data) from None


def _st_date(data: Any, tp: Any, path: str) -> Any:
    try:
        return date.fromisoformat(data) if isinstance(data, str) else _no(path, tp, data)
    except ValueError:
        raise _fail(path, tp, data) from None


def _st_timedelta(data: Any, tp: Any, path: str) -> Any:
    if isinstance(data, int | float) and not isinstance(data, bool):
        return timedelta(seconds=data)
    raise _fail(path, tp, data)


_SCALARS: dict[Any, Callable[[Any, Any, str], Any]] = {
    bool: _st_bool,
    int: _st_int,
    float: _st_float,
    str: _st_str,
    datetime: _st_datetime,
    date: _st_date,
    timedelta: _st_timedelta,
}


def _st_mapping(data: Any, tp: Any, path: str) -> Any:
    args = typing.get_args(tp)
    k_tp, v_tp = args if len(args) == 2 else (Any, Any)
    if isinstance(data, dict):
        pairs = list(data.items())
    elif isinstance(data, list) and all(isinstance(p, list) and len(p) == 2 for p in data):
        pairs = [(p[0], p[1]) for p in data]
    else:
        raise _fail(path, tp, data)
    return {
        _st(k, k_tp, f"{path}[{n}][0]"): _st(v, v_tp, f"{path}.{k}")
        for n, (k, v) in enumerate(pairs)
    }


def _st_sequence(data: Any, tp: Any, origin: Any, path: str) -> Any:
    if not isinstance(data, list):
        raise _fail(path, tp, data)
    args = typing.get_args(tp)
    if origin is tuple and args and args[-1] is not Ellipsis:
        if len(args) != len(data):
            raise _fail(path, tp, data)
        return tuple(
            _st(v, t, f"{path}[{n}]") for n, (v, t) in enumerate(zip(data, args, strict=True))
        )
    elem = args[0] if args else Any
    values = [_st(v, elem, f"{path}[{n}]") for n, v in enumerate(data)]
    if origin in (set, frozenset, _AbstractSet):
        return frozenset(values) if origin is not set else set(values)
    return tuple(values) if origin is tuple else values


_AbstractSet = typing.get_origin(typing.AbstractSet[int])
_SEQUENCES = {typing.get_origin(t) for t in (typing.Sequence[int], typing.Iterable[int])}


def _no(path: str, tp: Any, data: Any) -> Any:
    raise _fail(path, tp, data)


def _st_attrs(data: Any, tp: type, path: str) -> Any:
    if not isinstance(data, dict):
        raise _fail(path, tp, data)
    cls: type = tp
    tag = data.get(_TAG)
    if isinstance(tag, str) and (not attrs.has(tp) or _TAG not in {
        f.alias for f in attrs.fields(tp)
    }):  # fmt: skip
        found = _REGISTRY.get(tag)
        if found is None or not (found is tp or _is_protocol(tp) or issubclass(found, tp)):
            raise SerializationError(
                f"{path}.{_TAG}", expected=f"a known {getattr(tp, '__name__', tp)}", value=tag
            )
        cls = found
    if not attrs.has(cls):
        raise SerializationError(path, expected=f"a tagged {cls.__name__} object", value=tag)
    hints = _field_types(cls)
    kwargs: dict[str, Any] = {}
    later: dict[str, Any] = {}
    for field in attrs.fields(cls):
        key = field.alias or field.name.lstrip("_")
        if key not in data:
            if field.init and field.default is attrs.NOTHING:
                raise SerializationError(f"{path}.{key}", expected="a value (it is required)")
            continue
        value = _st(data[key], hints.get(field.name, Any), f"{path}.{key}")
        if field.init:
            kwargs[key] = value
        else:
            later[field.name] = value
    try:
        obj = cls(**kwargs)
    except (AgileMarketingError, ExceptionGroup, ValueError, TypeError) as exc:
        causes = exc.exceptions if isinstance(exc, ExceptionGroup) else [exc]
        raise SerializationError(
            path, expected=f"a valid {cls.__name__} ({'; '.join(map(str, causes))})"
        ) from exc
    for name, value in later.items():
        object.__setattr__(obj, name, value)
    return obj


# --- bytes ----------------------------------------------------------------------------------------

_ENCODER = msgspec.json.Encoder()


def dumps(value: Any) -> bytes:
    """JSON bytes for ``value`` (compact; msgspec's encoder)."""
    return _ENCODER.encode(unstructure(value))


def loads(data: bytes | str, cls: type[T]) -> T:
    """Rebuild a ``cls`` from JSON bytes written by :func:`dumps`."""
    try:
        plain = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise SerializationError("$", expected=f"JSON ({exc})") from None
    return structure(plain, cls)
