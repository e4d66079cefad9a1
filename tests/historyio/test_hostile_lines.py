"""Hostile history lines: each is a HistoryFormatError naming its line and field, never a crash.

Issue 10 points 12 and 15: invalid UTF-8, impossible years, negative points, periods and
resolutions that end before they start; a byte-order mark is read, not refused.
"""

from __future__ import annotations

import contextlib
import io

import pytest

from agilemarketing.errors import HistoryFormatError, InvalidInputGroup
from agilemarketing.historyio import read_history
from agilemarketing.historyio.checks import EARLIEST, LATEST


def _problems(data: bytes) -> list[HistoryFormatError]:
    with pytest.raises((HistoryFormatError, InvalidInputGroup)) as caught:
        read_history(io.BytesIO(data))
    exc = caught.value
    found = list(exc.exceptions) if isinstance(exc, InvalidInputGroup) else [exc]
    assert all(isinstance(p, HistoryFormatError) for p in found)
    return found  # type: ignore[return-value]


def test_a_byte_order_mark_at_the_start_of_the_file_is_read_as_nothing() -> None:
    table = read_history(io.BytesIO(b'\xef\xbb\xbf{"key": "A-1", "status": "To Do"}\n'))
    assert table.keys.tolist() == ["A-1"]


def test_a_byte_order_mark_in_a_text_stream_is_read_as_nothing() -> None:
    table = read_history(io.StringIO('\ufeff{"key": "A-1"}\n{"key": "A-2"}\n'))
    assert table.keys.tolist() == ["A-1", "A-2"]


def test_invalid_utf8_inside_a_string_is_an_error_naming_the_line() -> None:
    (problem,) = _problems(b'{"key": "A-1"}\n{"key": "A\xff", "status": "To Do"}\n')
    assert problem.line == 2
    assert "UTF-8" in str(problem)


@pytest.mark.parametrize("year", ["0001", "0202", "1969", "2200", "9999"])
def test_a_year_outside_the_years_a_board_can_hold_is_an_error_naming_line_and_field(
    year: str,
) -> None:
    line = f'{{"key": "A-1", "created": "{year}-01-02T00:00:00Z"}}\n'.encode()
    (problem,) = _problems(b'{"key": "A-0"}\n' + line)
    assert (problem.line, problem.field, problem.key) == (2, "created", "A-1")
    assert str(EARLIEST.year) in str(problem)
    assert str(LATEST.year - 1) in str(problem)


def test_every_timestamp_field_is_held_to_the_same_years() -> None:
    problems = _problems(
        b'{"key": "A-1", "transitions": [{"at": "9999-01-01T00:00:00Z", "to": "Done"}],'
        b' "blocked": [{"from": "0001-01-01T00:00:00Z"}]}\n'
    )
    assert sorted(p.field for p in problems) == ["blocked[].from", "transitions[].at"]


def test_the_first_and_last_moments_of_the_window_are_accepted() -> None:
    table = read_history(
        io.BytesIO(
            b'{"key": "A-1", "created": "1970-01-01T00:00:00Z",'
            b' "resolved": "2199-12-31T23:59:59Z"}\n'
        )
    )
    assert len(table) == 1


def test_negative_points_are_an_error_naming_line_and_field() -> None:
    (problem,) = _problems(b'{"key": "A-1", "points": -3}\n')
    assert (problem.line, problem.field, problem.key) == (1, "points", "A-1")


def test_zero_points_are_accepted() -> None:
    assert read_history(io.BytesIO(b'{"key": "A-1", "points": 0}\n')).points.tolist() == [0.0]


def test_resolved_before_created_is_an_error_naming_the_resolution() -> None:
    (problem,) = _problems(
        b'{"key": "A-1", "created": "2026-01-02T00:00:00Z", "resolved": "2026-01-01T00:00:00Z"}\n'
    )
    assert (problem.line, problem.field) == (1, "resolved")
    assert "before" in str(problem)


def test_a_blocked_period_that_ends_before_it_starts_is_an_error() -> None:
    (problem,) = _problems(
        b'{"key": "A-1", "blocked": [{"from": "2026-01-05T00:00:00Z",'
        b' "to": "2026-01-04T00:00:00Z"}]}\n'
    )
    assert (problem.line, problem.field) == (1, "blocked[].to")


def test_an_open_blocked_period_and_an_instant_one_are_accepted() -> None:
    table = read_history(
        io.BytesIO(
            b'{"key": "A-1", "blocked": [{"from": "2026-01-05T00:00:00Z"},'
            b' {"from": "2026-01-06T00:00:00Z", "to": "2026-01-06T00:00:00Z"}]}\n'
        )
    )
    assert len(table.blk_item) == 2


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 100_000 + b"\n",
        b'{"key": "A-1", "extra": ' + b"[" * 100_000 + b"\n",
        b'{"key": "A-1", "extra": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"}\n",
    ],
    ids=["array", "unknown-field-open", "unknown-field-closed"],
)
def test_deep_nesting_is_an_error_or_ignored_never_a_recursion_error(data: bytes) -> None:
    with contextlib.suppress(HistoryFormatError, InvalidInputGroup):
        read_history(io.BytesIO(data))
