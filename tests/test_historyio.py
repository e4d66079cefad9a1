"""History JSON Lines: bulk timestamp parsing, streaming reads, precise errors, round trips."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import HistoryFormatError, InvalidInputGroup, InvalidValue
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.historyio import (
    CycleWindow,
    HistoryTable,
    iter_histories,
    parse_timestamps,
    read_history,
    write_history,
)


def _us(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def test_parse_timestamps_applies_offsets_and_zulu() -> None:
    got = parse_timestamps(
        [
            "2026-03-02T09:30:00+01:00",
            "2026-03-02T08:30:00Z",
            "2026-03-02T03:30:00-05:00",
            "2026-03-02T0830:00Z".replace("0830", "08:30"),
            "2026-03-02 08:30:00+0000",
            "2026-03-02T10:30:00+02",
        ]
    )
    assert set(got.astype(str).tolist()) == {"2026-03-02T08:30:00.000000"}


def test_parse_timestamps_keeps_fractions_to_the_microsecond() -> None:
    got = parse_timestamps(["2026-03-02T08:30:00.1Z", "2026-03-02T08:30:00.123456789+00:00"])
    assert got.astype(str).tolist() == [
        "2026-03-02T08:30:00.100000",
        "2026-03-02T08:30:00.123456",
    ]


def test_parse_timestamps_falls_back_to_dateutil_for_odd_layouts() -> None:
    got = parse_timestamps(["20260302T083000Z", "2026-03-02T08:30Z"])
    assert got.astype(str).tolist() == ["2026-03-02T08:30:00.000000"] * 2


def test_parse_timestamps_turns_missing_values_into_nat() -> None:
    assert np.isnat(parse_timestamps([None, ""])).all()


@pytest.mark.parametrize("text", ["2026-03-02T08:30:00", "2026-02-30T08:30:00Z", "soon"])
def test_parse_timestamps_refuses_naive_or_impossible_values(text: str) -> None:
    with pytest.raises(InvalidValue, match="timezone"):
        parse_timestamps(["2026-03-02T08:30:00Z", text])


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]
        ),
    )
)
def test_bulk_parsing_agrees_with_the_datetime_value(moment: datetime) -> None:
    text = moment.isoformat()
    assert int(parse_timestamps([text]).view(np.int64)[0]) == _us(moment)


def _line(**fields: object) -> str:
    return json.dumps({"key": "A-1", **fields})


def test_read_history_builds_columns_in_input_order(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text(
        _line(
            type="Email",
            status="Done",
            points=3,
            labels=["q2", "webinar"],
            sprints=["C1"],
            created="2026-01-05T09:00:00Z",
            transitions=[
                {"at": "2026-01-07T09:00:00Z", "from": "Doing", "to": "Done"},
                {"at": "2026-01-06T09:00:00Z", "from": "To Do", "to": "Doing"},
            ],
            blocked=[{"from": "2026-01-06T12:00:00Z", "to": "2026-01-06T18:00:00Z"}],
        )
        + "\n\n"
        + json.dumps({"key": "A-2", "status": "To Do"})
        + "\n",
        encoding="utf-8",
    )
    table = read_history(path)
    assert table.keys.tolist() == ["A-1", "A-2"]
    assert table.n_transitions == 2
    assert [table.status_names[c] for c in table.tr_to] == ["Done", "Doing"]
    assert table.tr_item.tolist() == [0, 0]
    assert [table.label_names[c] for c in table.label_code] == ["q2", "webinar"]
    assert table.points[0] == 3
    assert np.isnan(table.points[1])
    assert np.isnat(table.created[1])
    assert table.blk_item.tolist() == [0]


def test_read_history_names_file_line_and_field_of_each_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        "\n".join(
            [
                _line(created="2026-01-05T09:00:00Z"),
                _line(key="A-2", created="next tuesday"),
                '{"key": "A-3", "points": "many"}',
                "not json at all",
                _line(key="A-5", transitions=[{"at": "2026-01-05T09:00:00", "to": "Doing"}]),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputGroup) as caught:
        read_history(path)
    problems = caught.value.exceptions
    assert all(isinstance(p, HistoryFormatError) for p in problems)
    located = sorted((p.line, p.field) for p in problems if isinstance(p, HistoryFormatError))
    assert located == [
        (2, "created"),
        (3, "points"),
        (4, "(line)"),
        (5, "transitions[].at"),
    ]
    assert str(path) in str(problems[0])


def test_read_history_caps_the_number_of_errors_reported() -> None:
    text = "".join(_line(key=f"A-{i}", created="bad") + "\n" for i in range(50))
    with pytest.raises(InvalidInputGroup) as caught:
        read_history(io.StringIO(text), max_errors=5)
    assert len(caught.value.exceptions) == 5


def test_read_history_streams_across_block_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    import agilemarketing.historyio.lines as lines

    monkeypatch.setattr(lines, "_BLOCK_BYTES", 64)
    text = "".join(_line(key=f"A-{i}", created="2026-01-05T09:00:00Z") + "\n" for i in range(40))
    text += _line(key="A-bad", created="nope")  # last line without newline
    with pytest.raises(HistoryFormatError) as caught:
        read_history(io.BytesIO(text.encode()))
    assert caught.value.line == 41
    assert caught.value.key == "A-bad"


def test_cycle_definition_lines_become_cycle_windows() -> None:
    text = (
        json.dumps({"cycle": {"name": "C1", "start": "2026-01-05T00:00Z", "end": "2026-01-19Z"}})
        + "\n"
    )
    with pytest.raises(HistoryFormatError):
        read_history(io.StringIO(text))  # the end is not a timestamp with a time
    text = (
        json.dumps(
            {"cycle": {"name": "C1", "start": "2026-01-05T00:00Z", "end": "2026-01-19T00:00Z"}}
        )
        + "\n"
        + _line(cycles=[{"name": "C1", "joined": "2026-01-05T00:00Z"}])
        + "\n"
    )
    table = read_history(io.StringIO(text))
    assert [w.name for w in table.cycles] == ["C1"]
    assert table.cycle_names == ("C1",)
    assert table.cyc_item.tolist() == [0]
    assert np.isnat(table.cyc_left[0])


def _histories() -> list[ItemHistory]:
    return [
        ItemHistory(
            key="MKT-1",
            summary="Launch email",
            type="Email",
            status="Done",
            created="2026-01-05T09:00:00Z",
            resolved="2026-01-08T16:00:00.5Z",
            points=2.0,
            labels=["q1"],
            sprints=["C1", "C2"],
            transitions=[
                Transition("2026-01-06T10:00:00+01:00", "To Do", "In Progress"),
                Transition("2026-01-08T16:00:00.5Z", "In Progress", "Done", observed=True),
            ],
            blocked=[BlockedPeriod("2026-01-07T09:00Z", "2026-01-07T12:00Z")],
            rank="0|a",
        ),
        ItemHistory(key="MKT-2", status="To Do", blocked=[BlockedPeriod("2026-01-07T09:00Z")]),
    ]


def test_write_then_read_gives_back_the_same_histories(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    write_history(_histories(), path)
    assert list(iter_histories(path)) == _histories()


def test_a_write_that_fails_half_way_leaves_the_existing_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "history.jsonl"
    write_history([ItemHistory("OLD-1", status="Done")], path)
    before = path.read_bytes()

    def broken(*args: object) -> None:
        raise OSError("disk full")

    import agilemarketing.historyio.writing as writing

    monkeypatch.setattr(writing, "_transition", broken)
    with pytest.raises(OSError, match="disk full"):
        write_history(_histories(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["history.jsonl"]


def test_a_table_round_trips_with_cycles_and_memberships(tmp_path: Path) -> None:
    text = (
        json.dumps(
            {"cycle": {"name": "C1", "start": "2026-01-05T00:00Z", "end": "2026-01-19T00:00Z"}}
        )
        + "\n"
        + _line(cycles=[{"name": "C1", "joined": "2026-01-05T00:00Z", "left": "2026-01-10T00:00Z"}])
        + "\n"
    )
    table = read_history(io.StringIO(text))
    out = io.StringIO()
    table.to_jsonl(out)
    again = read_history(io.StringIO(out.getvalue()))
    assert again.cycles == table.cycles
    assert again.cyc_left.tolist() == table.cyc_left.tolist()


def test_tables_from_objects_and_from_jsonl_agree() -> None:
    out = io.StringIO()
    write_history(_histories(), out)
    from_file = read_history(io.StringIO(out.getvalue()))
    from_objects = HistoryTable.from_histories(_histories())
    for column in ("tr_at", "tr_from", "tr_to", "created", "blk_to", "points", "keys"):
        np.testing.assert_array_equal(getattr(from_file, column), getattr(from_objects, column))


def test_concat_remaps_codes_into_shared_names() -> None:
    a = HistoryTable.from_histories([ItemHistory("A", status="Doing")])
    b = HistoryTable.from_histories([ItemHistory("B", status="Done", labels=["x"])])
    both = HistoryTable.concat([a, b])
    assert [both.status_names[c] for c in both.statuses] == ["Doing", "Done"]
    assert both.label_item.tolist() == [1]


def test_cycle_window_refuses_an_end_before_the_start() -> None:
    with pytest.raises(InvalidValue, match="ends before"):
        CycleWindow("C1", datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))


@given(
    st.lists(
        st.datetimes(
            min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
        ),
        min_size=1,
        max_size=5,
    )
)
def test_in_memory_histories_keep_every_microsecond(moments: list[datetime]) -> None:
    history = ItemHistory(
        "A-1",
        transitions=[Transition(m, None if i == 0 else "x", "x") for i, m in enumerate(moments)],
    )
    table = HistoryTable.from_histories([history])
    assert table.tr_at.view(np.int64).tolist() == [_us(m) for m in moments]
