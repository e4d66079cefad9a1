"""A history-file fuzzer (issue 10 point 12): any bytes give a table or a clear error naming
a line, never a traceback or a runaway.

Files are lists of lines: mostly item objects whose fields hold the right types, the wrong
ones, and timestamps with years from 0 to 9999 (corrupted, placeholder, impossible), then
mutated (a stray byte that is not UTF-8, a byte-order mark, a cut, deep nesting). Whatever
:func:`read_history` returns must build a flow log and its daily throughput, within the
deadline (a year-202 date once made a report run for 80 s).
"""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from agilemarketing.errors import HistoryFormatError, InvalidInputGroup
from agilemarketing.flow import FlowLog
from agilemarketing.historyio import read_history
from agilemarketing.metrics import throughput
from agilemarketing.workflow import Workflow

_WF = Workflow.from_shorthand("To Do,Doing,Done", start="Doing", done="Done")
_STATUSES = st.sampled_from(["To Do", "Doing", "Done", "Won't Do", ""])

_ZONES = st.sampled_from(["Z", "+01:00", "-0530", "+14", "", "z", "+99:99"])


@st.composite
def _timestamp(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 14)):  # mostly sane, so that many files read
        year, month, day = draw(st.integers(2025, 2026)), draw(st.integers(1, 12)), 1
        hour, minute, zone = draw(st.integers(0, 23)), draw(st.integers(0, 59)), "Z"
    else:  # years from 0 to 9999, impossible months, days, hours; odd zones
        year, month, day = (
            draw(st.integers(0, 9999)),
            draw(st.integers(0, 13)),
            draw(st.integers(0, 32)),
        )
        hour, minute, zone = draw(st.integers(0, 25)), draw(st.integers(0, 61)), draw(_ZONES)
    text = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00{zone}"
    if draw(st.integers(0, 29)) == 0:  # a corrupted character ("202 -01-02")
        at = draw(st.integers(0, len(text) - 1))
        text = text[:at] + draw(st.sampled_from([" ", "x", "9", "-", ""])) + text[at + 1 :]
    return text


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
)


def _item(times: st.SearchStrategy[Any], wrong: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Item objects with timestamps from ``times``, any other field possibly ``wrong``."""
    transition = st.fixed_dictionaries(
        {"at": times, "to": st.one_of(_STATUSES, wrong)},
        optional={"from": st.one_of(_STATUSES, wrong), "observed": st.one_of(st.booleans(), wrong)},
    )
    return st.fixed_dictionaries(
        {"key": st.one_of(st.sampled_from([f"M-{i}" for i in range(30)]), wrong)},
        optional={
            "status": st.one_of(_STATUSES, wrong),
            "created": times,
            "resolved": times,
            "points": st.one_of(st.floats(-1, 40), wrong),
            "labels": st.one_of(st.lists(st.text(max_size=4), max_size=2), wrong),
            "transitions": st.lists(transition, max_size=4),
            "blocked": st.lists(
                st.fixed_dictionaries({"from": times}, optional={"to": times}), max_size=2
            ),
            "cycles": st.lists(
                st.fixed_dictionaries({"name": st.text(max_size=3)}, optional={"joined": times}),
                max_size=1,
            ),
        },
    )


def _in_order(item: dict[str, Any]) -> dict[str, Any]:
    """Resolved after created, blocked periods ending after they start (mostly: the
    timestamps compare as text, which holds for the sane ones, all in UTC)."""
    if "created" in item and "resolved" in item:
        item["created"], item["resolved"] = sorted([item["created"], item["resolved"]])
    for period in item.get("blocked", []):
        if "to" in period:
            period["from"], period["to"] = sorted([period["from"], period["to"]])
    return item


_GOOD_ITEM = _item(_timestamp(), st.nothing()).map(_in_order)
_ANY_ITEM = _item(st.one_of(_timestamp(), _VALUES), _VALUES)
_CYCLE = st.fixed_dictionaries(
    {
        "cycle": st.fixed_dictionaries(
            {"name": st.text(max_size=3), "start": _timestamp(), "end": _timestamp()}
        )
    }
)


@st.composite
def _line(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 19))
    record: Any = draw(_ANY_ITEM if kind == 0 else _CYCLE if kind == 1 else _GOOD_ITEM)
    raw = json.dumps(record).encode()
    mutation = draw(st.integers(0, 59))
    if mutation == 0:  # a byte that is not UTF-8, anywhere (often inside a string)
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"])) + raw[at:]
    elif mutation == 1:  # cut short
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif mutation == 2:  # nesting deeper than any parser recurses, in a skipped field
        depth = draw(st.sampled_from([10, 5_000, 100_000]))
        raw = b'{"key": "N-1", "x": ' + b"[" * depth + b"]" * depth + b"}"
    elif mutation == 3:
        raw = b"\xef\xbb\xbf" + raw
    return raw


_FILES = st.lists(_line(), max_size=20).map(lambda lines: b"\n".join(lines) + b"\n")


@settings(
    max_examples=300,
    deadline=3000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(_FILES)
def test_any_history_file_reads_to_a_table_or_a_clear_error_naming_a_line(data: bytes) -> None:
    problems: list[Exception] = []
    try:
        table = read_history(io.BytesIO(data))
    except InvalidInputGroup as group:
        event("several errors")
        problems = list(group.exceptions)
    except HistoryFormatError as problem:
        event("one error")
        problems = [problem]
    if problems:  # each names its line
        assert all(isinstance(p, HistoryFormatError) for p in problems), problems
        assert all(
            f"line {p.line}" in str(p) for p in problems if isinstance(p, HistoryFormatError)
        )
        return
    event(f"read: {'no' if len(table) == 0 else 'some'} items")
    log = FlowLog.build(table, _WF)
    daily = throughput(log)
    # bounded: whatever the dates, the series spans no more than the years a history holds
    assert len(np.asarray(daily.days)) <= 366 * 230
