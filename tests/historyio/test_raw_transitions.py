"""Transitions read straight from their JSON text (:mod:`agilemarketing.historyio.rawtransitions`)
give the very table (or the very errors) that decoding them into objects gives; anything but
the writer's layout is left to that decoding.

Each file is read twice: as :func:`read_history` reads it, and with the shortcut turned off
(``decode_fast`` answering None, so every block is decoded into ``Line`` objects).
"""

from __future__ import annotations

import io
import json
from typing import Any

import attrs
import msgspec
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agilemarketing.errors import AgileMarketingError
from agilemarketing.history import ItemHistory
from agilemarketing.historyio import HistoryTable, read_history, reading, write_history
from agilemarketing.historyio import rawtransitions as rt
from agilemarketing.historyio import timestamps as ts

WRITTEN = '{"at":"2026-01-06T09:00:00.250000Z","from":"To Do","to":"Doing"}'


def _columns(table: HistoryTable) -> dict[str, str]:
    """Every column, as text (so that NaN equals NaN)."""
    return {
        f.name: repr(v.tolist() if hasattr(v, "tolist") else v)
        for f in attrs.fields(type(table))
        for v in [getattr(table, f.name)]
    }


def _outcome(text: bytes) -> object:
    """The columns read, or the error's text."""
    try:
        return _columns(read_history(io.BytesIO(text)))
    except (AgileMarketingError, ExceptionGroup) as exc:
        return f"{type(exc).__name__}: {exc}"


def _both(text: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """(the outcome as read, the outcome with every block decoded into objects)."""
    fast = _outcome(text)
    with monkeypatch.context() as m:
        m.setattr(reading, "decode_fast", lambda block, count: None)
        slow = _outcome(text)
    return fast, slow


def _raw(transitions: str) -> rt.RawTransitions | None:
    return rt.raw_transitions([msgspec.Raw(transitions.encode())])


def test_the_writers_layout_is_read_from_the_text(
    sample_histories: list[ItemHistory], monkeypatch: pytest.MonkeyPatch
) -> None:
    histories = [  # an observed transition is not the writer's layout
        attrs.evolve(h, transitions=[attrs.evolve(t, observed=False) for t in h.transitions])
        for h in sample_histories
    ]
    out = io.StringIO()
    write_history(histories, out)
    text = out.getvalue().encode()
    lines = rt.decode_fast(text, text.count(b"\n"))
    assert lines is not None
    found = rt.raw_transitions([line.transitions for line in lines])
    assert found is not None
    assert found.counts.tolist() == [2, 0]
    assert found.names == ["In Progress", "Done", "To Do"]  # "to" first, then "from"
    fast, slow = _both(text, monkeypatch)
    assert fast == slow
    assert isinstance(fast, dict)


def test_a_creation_writes_from_null() -> None:
    found = _raw(f'[{{"at":"2026-01-06T09:00:00Z","from":null,"to":"To Do"}},{WRITTEN}]')
    assert found is not None
    assert found.from_ids.tolist() == [-1, 0]  # the second comes from "To Do"
    assert [found.names[i] for i in found.to_ids.tolist()] == ["To Do", "Doing"]
    assert found.at.astype(str).tolist() == [
        "2026-01-06T09:00:00.000000",
        "2026-01-06T09:00:00.250000",
    ]


@pytest.mark.parametrize(
    "transitions",
    [
        '[{"at": "2026-01-06T09:00:00Z","from":"A","to":"B"}]',  # a space
        '[{"from":"A","at":"2026-01-06T09:00:00Z","to":"B"}]',  # another key order
        '[{"at":"2026-01-06T09:00:00Z","to":"B"}]',  # no "from"
        '[{"at":"2026-01-06T09:00:00Z","from":"A","to":"B","observed":true}]',
        '[{"at":"2026-01-06T09:00:00Z","from":"A\\"","to":"B"}]',  # an escape
        '[{"at":null,"from":"A","to":"B"}]',
        '[{"at":"2026-01-06 09:00","from":"A","to":"B"}]',  # a time left to python-dateutil
        '[{"at":"2026-02-30T09:00:00Z","from":"A","to":"B"}]',  # no such day
        '[{"at":"","from":"A","to":"B"}]',
        '[{"at":"2026-01-06T09:00:00Z","from":"A","to":{"x":"B"}}]',
        '[{"at":"2026-01-06T09:00:00Z","from":"A","to":"B","x":"y"}]',
        '[{"at":"2026-01-06T09:00:00Z","from":1,"to":"B"}]',
        "[{}]",
        '["2026-01-06T09:00:00Z"]',
        f'[{WRITTEN},"x"]',
        f'["x",{WRITTEN}]',
        f"[{WRITTEN},[]]",
        f"[[{WRITTEN}]]",
        f"[{WRITTEN},{{}}]",
        f"[{WRITTEN},null]",
        "[1]",
        '"x"',
        "{}",
        "null",
    ],
)
def test_any_other_layout_is_left_to_the_decoder(
    transitions: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _raw(transitions) is None
    line = f'{{"key":"A-1","status":"B","transitions":{transitions}}}\n'.encode()
    fast, slow = _both(line, monkeypatch)
    assert fast == slow


def test_texts_sharing_a_hash_bucket_are_left_to_the_decoder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    two = f"[{WRITTEN},{WRITTEN.replace('Doing', 'Done')}]"
    assert _raw(two) is not None
    monkeypatch.setattr(rt, "_HASH", np.zeros(4, dtype=np.uint64))  # one bucket for all
    assert _raw(two) is None
    assert _raw(f"[{WRITTEN}]") is None  # "To Do" and "Doing" share it


def test_too_many_statuses_are_left_to_the_decoder() -> None:
    def moves(n: int) -> str:  # from "To Do" to n others
        return "[" + ",".join(WRITTEN.replace("Doing", f"S{i}") for i in range(n)) + "]"

    assert _raw(moves(rt._MOST_NAMES - 1)) is not None
    assert _raw(moves(rt._MOST_NAMES)) is None


def test_any_time_the_bulk_parser_takes_is_read_from_the_text() -> None:
    found = _raw('[{"at":"2026-01-06T10:00:00+01:00","from":"A","to":"B"}]')
    assert found is not None
    assert found.at.astype(str).tolist() == ["2026-01-06T09:00:00.000000"]


# --- the same table or the same errors, whatever the file -----------------------------------------

_NAMES = st.one_of(
    st.sampled_from(["To Do", "Doing", "Done", "", "Terminé", "Won't Do", 'a"b', "c\\d"]),
    st.text(min_size=0, max_size=20),
    st.integers(0, 80).map(lambda i: f"S{i}"),
    st.integers(1, 300).map(lambda n: "x" * n),
)
_TIMES = st.one_of(
    st.datetimes().map(lambda d: d.isoformat(timespec="microseconds") + "Z"),
    st.datetimes().map(lambda d: d.isoformat(timespec="seconds") + "Z"),
    st.datetimes().map(lambda d: d.isoformat(timespec="milliseconds") + "Z"),
    st.sampled_from(
        [
            "2026-01-06T09:00:00+01:00",
            "2026-02-29T09:00:00Z",
            "2026-01-06T24:00:00Z",
            "2026-01-06 09:00:00Z",
            "0000-01-01T00:00:00Z",
            "2026-01-06T09:00:00.1234567890Z",
            "2026-01-06T09:00:00.Z",
            "2026-01-06",
            "",
            "yesterday",
        ]
    ),
)


@st.composite
def _transition(draw: st.DrawFn) -> dict[str, Any]:
    row: dict[str, Any] = {"at": draw(_TIMES), "from": draw(st.none() | _NAMES)}
    row["to"] = draw(_NAMES)
    if draw(st.integers(0, 19)) == 0:
        row["observed"] = True
    if draw(st.integers(0, 19)) == 0:
        row = dict(reversed(row.items()))
    if draw(st.integers(0, 29)) == 0:
        del row[draw(st.sampled_from(["at", "from", "to"]))]
    return row


@st.composite
def _file(draw: st.DrawFn) -> bytes:
    ascii_only = draw(st.booleans())
    lines = []
    for k in range(draw(st.integers(1, 6))):
        key = draw(st.sampled_from([f"K-{k}"] * 6 + [" ", "", None]))  # and no or blank keys
        item = {"status": draw(_NAMES)} if key is None else {"key": key, "status": draw(_NAMES)}
        item["transitions"] = draw(st.lists(_transition(), max_size=5))
        text = json.dumps(item, separators=(",", ":"), ensure_ascii=ascii_only)
        if draw(st.integers(0, 9)) == 0:  # a space somewhere
            at = draw(st.integers(0, len(text)))
            text = text[:at] + " " + text[at:]
        lines.append(text)
    if draw(st.booleans()):
        lines.insert(
            0, '{"cycle":{"name":"C1","start":"2026-01-05T00:00:00Z","end":"2026-01-19T00:00:00Z"}}'
        )
    return ("\n".join(lines) + "\n").encode()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_file())
def test_the_same_table_or_errors_either_way(text: bytes) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = _both(text, monkeypatch)
    assert fast == slow


# --- timestamps of one layout ---------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(_TIMES, min_size=1, max_size=8),
    width=st.integers(20, 32),
)
def test_one_layout_parses_as_any_layout(texts: list[str], width: int) -> None:
    """The arithmetic on one width (and missing values) gives what the general bulk parser
    gives."""
    same = [t for t in texts if len(t.encode()) in (0, width)] or [texts[0]]  # and missing
    raw = np.array([t.encode() for t in same], dtype=np.bytes_)
    if raw.dtype.itemsize < 20:
        return
    chars = raw.view(np.uint8).reshape(len(raw), raw.dtype.itemsize)
    values, slow = ts.parse_fast(raw)
    general, general_slow = ts._parse_layouts(raw, chars)
    assert slow.tolist() == general_slow.tolist()
    assert values[~slow].tolist() == general[~general_slow].tolist()
