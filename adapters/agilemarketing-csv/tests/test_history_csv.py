"""History CSV: one row per transition in, item histories with transitions out, and back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from agilemarketing_csv import ColumnMapping, read_history_csv, write_history_csv
from agilemarketing_csv.errors import CsvRowError
from agilemarketing_csv.history import read_history_records_csv
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.adapter import FieldValue, ItemRecord
from agilemarketing.errors import InvalidInputGroup
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.testing import sample_histories

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def test_rows_of_one_item_become_one_history_wherever_they_are(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(
        "key,at,from,to,summary\n"
        "MKT-1,2026-01-05T09:00:00Z,,To Do,Launch email\n"
        "MKT-2,2026-01-05T10:00:00Z,,To Do,Webinar\n"
        "MKT-1,2026-01-06T09:00:00Z,To Do,Doing,\n"
        "MKT-1,2026-01-08T16:00:00Z,Doing,Done,\n",
        encoding="utf-8",
    )
    first, second = read_history_csv(path)
    assert first.key == "MKT-1"
    assert first.summary == "Launch email"
    assert first.status == "Done"  # no status column: the latest transition's status
    assert [t.to_status for t in first.transitions] == ["To Do", "Doing", "Done"]
    assert first.transitions[1] == Transition(T0 + timedelta(days=1), "To Do", "Doing")
    assert second.status == "To Do"


def test_a_history_csv_from_another_tool_reads_through_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "moves.csv"
    path.write_text(
        "Card;Moved at;From list;To list;Estimate\n"
        "c1;02.03.2026 10:00;;Backlog;2,5\n"
        "c1;03.03.2026 15:30;Backlog;Doing;\n",
        encoding="utf-8",
    )
    mapping = ColumnMapping(
        key="Card",
        at="Moved at",
        from_status="From list",
        to_status="To list",
        points="Estimate",
        date_formats=["%d.%m.%Y %H:%M"],
    )
    [card] = read_history_csv(path, mapping, timezone="Europe/Berlin")
    assert card.points == 2.5
    assert card.transitions == (
        Transition(datetime(2026, 3, 2, 9, tzinfo=UTC), None, "Backlog"),
        Transition(datetime(2026, 3, 3, 14, 30, tzinfo=UTC), "Backlog", "Doing"),
    )


def test_a_transition_needs_both_its_time_and_its_status(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(
        "key,at,from,to\nMKT-1,2026-01-05T09:00:00Z,,\nMKT-2,,,Done\nMKT-3,soon,,Done\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputGroup) as caught:
        read_history_csv(path).read_all()
    problems = [(e.row, e.column) for e in caught.value.exceptions if isinstance(e, CsvRowError)]
    assert problems == [(2, "to"), (3, "at"), (4, "at")]


def test_an_item_row_without_a_transition_is_an_item_without_history(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("key,at,from,to,status\nMKT-1,,,,Backlog\n", encoding="utf-8")
    [item] = read_history_csv(path)
    assert (item.status, item.transitions) == ("Backlog", ())


def test_the_contract_sample_histories_round_trip_exactly(tmp_path: Path) -> None:
    histories = sample_histories(20)
    assert any(h.blocked for h in histories)
    path = tmp_path / "h.csv"
    write_history_csv(path, histories)
    assert read_history_csv(path).read_all() == histories


def test_a_blocked_period_needs_its_start(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(
        "key,at,from,to,blocked_start,blocked_end\nMKT-1,,,,,2026-01-05T09:00:00Z\n", "utf-8"
    )
    with pytest.raises(CsvRowError, match="without its start") as caught:
        read_history_csv(path).read_all()
    assert (caught.value.row, caught.value.column) == (2, "blocked_start")


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=25)
_name = _text.map(str.strip).filter(bool)
_moment = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)


@st.composite
def histories(draw: st.DrawFn) -> list[ItemHistory]:
    keys = draw(st.lists(_name, max_size=5, unique=True))
    result = []
    for key in keys:
        moves = draw(
            st.lists(st.tuples(_moment, st.none() | _name, _name, st.booleans()), max_size=4)
        )
        stops = draw(st.lists(st.tuples(_moment, st.none() | _moment), max_size=2))
        result.append(
            ItemHistory(
                key=key,
                summary=draw(_text.map(str.strip)),
                type=draw(_text.map(str.strip)),
                status=draw(_name),
                created=draw(st.none() | _moment),
                resolved=draw(st.none() | _moment),
                points=draw(st.none() | st.floats(-1e6, 1e6, allow_nan=False)),
                labels=draw(st.lists(_name, max_size=3)),
                sprints=draw(st.lists(_name, max_size=2)),
                transitions=[Transition(*move) for move in moves],
                blocked=[BlockedPeriod(*stop) for stop in stops],
                rank=draw(st.none() | _name),
            )
        )
    return result


@given(items=histories())
def test_any_histories_survive_a_write_and_read(
    items: list[ItemHistory], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("history") / "h.csv"
    rows = write_history_csv(path, items)
    assert rows == sum(max(1, len(h.transitions) + len(h.blocked)) for h in items)
    assert read_history_csv(path).read_all() == items


_field_value = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text
    | st.lists(_text, max_size=3).map(tuple)
)


@given(
    items=histories(),
    extras=st.lists(st.dictionaries(_name, _field_value, max_size=3), min_size=5, max_size=5),
)
def test_any_records_with_extra_fields_survive_a_write_and_read(
    items: list[ItemHistory],
    extras: list[dict[str, FieldValue]],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    records = [ItemRecord(h, fields=f) for h, f in zip(items, extras, strict=False)]
    path = tmp_path_factory.mktemp("records") / "r.csv"
    write_history_csv(path, records)
    assert read_history_records_csv(path).read_all() == records
    assert read_history_csv(path).read_all() == items


def test_a_field_cell_that_is_not_json_names_its_column(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("key,at,from,to,field:channel\nMKT-1,,,,email\n", encoding="utf-8")
    with pytest.raises(CsvRowError, match="JSON") as caught:
        read_history_records_csv(path).read_all()
    assert (caught.value.row, caught.value.column, caught.value.value) == (
        2,
        "field:channel",
        "email",
    )
