"""Reading Jira CSV exports as Jira writes them, and every way such a file can go wrong.

The nasty files are built by the fixtures below, byte by byte, so each test shows exactly what
it reads.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from agilemarketing_csv import ColumnMapping, CsvDialect, read_items_csv, read_jira_csv
from agilemarketing_csv import mapping as mapping_module
from agilemarketing_csv.errors import CsvError, CsvFileError, CsvRowError
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import InvalidInputGroup
from agilemarketing.history import ItemHistory

HEADER = (
    "Summary,Issue key,Issue id,Issue Type,Status,Created,Resolved,Labels,Labels,Labels,"
    "Sprint,Sprint,Watchers,Watchers,Component/s,Component/s,Custom field (Story Points),"
    "Custom field (Rank),Description"
)


def export(path: Path, *rows: str, header: str = HEADER, encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    return path


ROW = (
    "Spring webinar invite,MKT-7,10007,Email,Done,05/Nov/25 5:16 PM,07/Nov/25 9:02 AM,"
    "email,webinar,,Sprint 4,Sprint 5,user-1,user-2,Content,Events,5,0|i0001:,Plain text"
)


def test_a_jira_export_maps_to_item_histories(tmp_path: Path) -> None:
    [item] = read_jira_csv(export(tmp_path / "e.csv", ROW))
    assert item == ItemHistory(
        key="MKT-7",
        summary="Spring webinar invite",
        type="Email",
        status="Done",
        created=datetime(2025, 11, 5, 17, 16, tzinfo=UTC),
        resolved=datetime(2025, 11, 7, 9, 2, tzinfo=UTC),
        points=5.0,
        labels=("email", "webinar"),
        sprints=("Sprint 4", "Sprint 5"),
        rank="0|i0001:",
    )
    assert item.transitions == ()


def test_repeated_columns_keep_every_value_in_order(tmp_path: Path) -> None:
    row = ROW.replace("email,webinar,", "q4,email,webinar")
    [item] = read_jira_csv(export(tmp_path / "e.csv", row))
    assert item.labels == ("q4", "email", "webinar")


def test_naive_export_dates_are_read_in_the_source_timezone(tmp_path: Path) -> None:
    [item] = read_jira_csv(export(tmp_path / "e.csv", ROW), timezone="America/New_York")
    assert item.created == datetime(2025, 11, 5, 22, 16, tzinfo=UTC)


def test_iso_dates_keep_their_own_offset_whatever_the_source_timezone(tmp_path: Path) -> None:
    row = ROW.replace("05/Nov/25 5:16 PM", "2025-11-05T17:16:00+01:00")
    [item] = read_jira_csv(export(tmp_path / "e.csv", row), timezone="America/New_York")
    assert item.created == datetime(2025, 11, 5, 16, 16, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/Nov/25 12:05 AM", datetime(2025, 11, 5, 0, 5, tzinfo=UTC)),
        ("05/Nov/25 12:05 PM", datetime(2025, 11, 5, 12, 5, tzinfo=UTC)),
        ("5/nov/2025 17:16", datetime(2025, 11, 5, 17, 16, tzinfo=UTC)),
        ("05/Nov/25 5:16:07 PM", datetime(2025, 11, 5, 17, 16, 7, tzinfo=UTC)),
        ("05/Nov/25", datetime(2025, 11, 5, tzinfo=UTC)),
        ("2025-11-05 17:16", datetime(2025, 11, 5, 17, 16, tzinfo=UTC)),
        ("2025-11-05T17:16:00Z", datetime(2025, 11, 5, 17, 16, tzinfo=UTC)),
    ],
)
def test_every_jira_and_iso_date_shape_is_understood(
    tmp_path: Path, text: str, expected: datetime
) -> None:
    [item] = read_jira_csv(export(tmp_path / "e.csv", ROW.replace("05/Nov/25 5:16 PM", text)))
    assert item.created == expected


def test_a_utf8_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "Issue key,Summary\r\nMKT-1,Caf\u00e9\r\n".encode())
    records = read_jira_csv(path)
    assert records.dialect.encoding == "utf-8-sig"
    assert [(i.key, i.summary) for i in records] == [("MKT-1", "Caf\u00e9")]


def test_a_cp1252_file_is_read_when_it_is_not_utf8(tmp_path: Path) -> None:
    path = export(tmp_path / "win.csv", "MKT-1,Caf\u00e9 \u20ac launch", header="Issue key,Summary",
                  encoding="cp1252")  # fmt: skip
    records = read_jira_csv(path)
    assert records.dialect.encoding == "cp1252"
    assert [i.summary for i in records] == ["Caf\u00e9 \u20ac launch"]


def test_a_utf16_excel_unicode_text_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "excel.txt"
    path.write_text("Issue key\tSummary\r\nMKT-1\tLaunch\r\n", encoding="utf-16")
    assert [i.key for i in read_jira_csv(path)] == ["MKT-1"]


def test_semicolons_and_decimal_commas_are_sniffed(tmp_path: Path) -> None:
    path = export(
        tmp_path / "de.csv",
        'MKT-1;"Newsletter; Mai";2,5',
        "MKT-2;Blog;3",
        header="Issue key;Summary;Custom field (Story Points)",
    )
    records = read_jira_csv(path)
    assert records.dialect == CsvDialect(encoding="utf-8", delimiter=";", decimal=",")
    assert [(i.summary, i.points) for i in records] == [("Newsletter; Mai", 2.5), ("Blog", 3.0)]


def test_quoted_newlines_stay_in_the_cell_and_rows_count_records(tmp_path: Path) -> None:
    path = export(
        tmp_path / "multi.csv",
        'MKT-1,"Line one\r\nline two, with a comma",1',
        "MKT-2,Fine,lots",
        header="Issue key,Summary,Custom field (Story Points)",
    )
    with pytest.raises(CsvRowError) as caught:
        read_jira_csv(path).read_all()
    assert caught.value.row == 3  # header is row 1; the two-line record is row 2
    [first] = read_jira_csv(path, on_error="collect")
    assert first.summary == "Line one\r\nline two, with a comma"


def test_a_field_larger_than_the_csv_module_default_limit_is_read(tmp_path: Path) -> None:
    huge = "word " * 60_000  # 300,000 characters; the csv module refuses 131,072 by default
    path = export(tmp_path / "huge.csv", f'MKT-1,"{huge}"', header="Issue key,Summary")
    [item] = read_jira_csv(path)
    assert item.summary == huge.strip()


def test_a_missing_key_column_is_named_with_what_the_header_has(tmp_path: Path) -> None:
    path = export(tmp_path / "nokey.csv", "Launch,Done", header="Summary,Status")
    with pytest.raises(CsvFileError) as caught:
        read_jira_csv(path)
    error = caught.value
    assert (error.reason, error.file, error.row, error.column) == (
        "header",
        str(path),
        1,
        "Issue key",
    )
    assert "'Summary', 'Status'" in str(error)


def test_a_wrong_delimiter_is_reported_as_such(tmp_path: Path) -> None:
    path = export(tmp_path / "pipes.csv", "MKT-1:Launch", header="Issue key:Summary")
    with pytest.raises(CsvFileError) as caught:
        read_jira_csv(path)
    assert caught.value.reason == "delimiter"
    assert "delimiter=" in str(caught.value)


def test_a_file_in_neither_utf8_nor_cp1252_says_so(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"Issue key,Summary\r\nMKT-1,\x81\x8d\xff\r\n")
    with pytest.raises(CsvFileError) as caught:
        read_jira_csv(path)
    assert caught.value.reason == "encoding"
    assert "neither UTF-8 nor cp1252" in str(caught.value)


def test_a_file_that_stops_being_utf8_after_the_sniffed_start_names_the_line(
    tmp_path: Path,
) -> None:
    rows = [f"MKT-{n},Caf\u00e9 {n}".encode() for n in range(1, 30_001)]
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\r\n".join([b"Issue key,Summary", *rows, b"MKT-0,Caf\xe9"]) + b"\r\n")
    with pytest.raises(CsvFileError) as caught:
        read_jira_csv(path).read_all()
    assert caught.value.reason == "encoding"
    assert "at line 30002 " in str(caught.value)


def test_an_empty_file_says_it_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(CsvFileError, match="empty") as caught:
        read_jira_csv(path)
    assert caught.value.reason == "empty"


def test_a_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(CsvFileError, match="cannot open") as caught:
        read_jira_csv(tmp_path / "nope.csv")
    assert caught.value.reason == "io"


def test_an_unterminated_quote_is_a_syntax_error_not_a_swallowed_file(tmp_path: Path) -> None:
    path = export(tmp_path / "quote.csv", 'MKT-1,"Launch', "MKT-2,Blog", header="Issue key,Summary")
    with pytest.raises(CsvFileError, match="ends inside a quoted cell") as caught:
        read_jira_csv(path).read_all()
    assert caught.value.reason == "syntax"


def test_text_after_a_closing_quote_is_a_syntax_error_naming_the_line(tmp_path: Path) -> None:
    path = export(tmp_path / "q.csv", "MKT-1,ok", 'MKT-2,"Launch" now', header="Issue key,Summary")
    with pytest.raises(CsvFileError, match="broken at line 3") as caught:
        read_jira_csv(path).read_all()
    assert caught.value.reason == "syntax"


def test_ragged_rows_name_the_row_and_the_first_missing_column(tmp_path: Path) -> None:
    path = export(
        tmp_path / "ragged.csv",
        "MKT-1,Launch,Done",
        "MKT-2,Blog",
        "MKT-3,Event,Done,extra",
        header="Issue key,Summary,Status",
    )
    with pytest.raises(InvalidInputGroup) as caught:
        read_jira_csv(path).read_all()
    short, long = caught.value.exceptions
    assert isinstance(short, CsvRowError)
    assert (short.row, short.column) == (3, "Status")
    assert isinstance(long, CsvRowError)
    assert long.row == 4
    assert "4 cells but the header has 3" in str(long)


def test_a_bad_date_names_file_row_column_value_and_the_shapes_expected(tmp_path: Path) -> None:
    path = export(tmp_path / "dates.csv", ROW.replace("05/Nov/25 5:16 PM", "31/Foo/25 1:00 PM"))
    with pytest.raises(CsvRowError) as caught:
        read_jira_csv(path).read_all()
    error = caught.value
    assert (error.file, error.row, error.column, error.value) == (
        str(path),
        2,
        "Created",
        "31/Foo/25 1:00 PM",
    )
    assert "05/Nov/25 5:16 PM" in str(error)
    assert "ISO 8601" in str(error)


def test_every_bad_cell_of_a_row_is_reported(tmp_path: Path) -> None:
    row = ROW.replace("05/Nov/25 5:16 PM", "yesterday").replace(",5,0|", ",five,0|")
    with pytest.raises(InvalidInputGroup) as caught:
        read_jira_csv(export(tmp_path / "e.csv", row)).read_all()
    columns = {e.column for e in caught.value.exceptions if isinstance(e, CsvRowError)}
    assert columns == {"Created", "Custom field (Story Points)"}


@pytest.mark.parametrize("points", ["nan", "inf", "3 points"])
def test_points_must_be_a_finite_number(tmp_path: Path, points: str) -> None:
    with pytest.raises(CsvRowError, match="not a number"):
        read_jira_csv(export(tmp_path / "e.csv", ROW.replace(",5,0|", f",{points},0|"))).read_all()


def test_raise_mode_yields_good_rows_then_raises_every_problem_together(tmp_path: Path) -> None:
    rows = [ROW.replace("MKT-7", f"MKT-{n}") for n in range(5)]
    rows[1] = rows[1].replace("05/Nov/25", "bad")
    rows[3] = rows[3].replace("MKT-3", "")
    records = iter(read_jira_csv(export(tmp_path / "e.csv", *rows)))
    seen = [next(records).key for _ in range(3)]
    assert seen == ["MKT-0", "MKT-2", "MKT-4"]
    with pytest.raises(InvalidInputGroup) as caught:
        next(records)
    assert [e.row for e in caught.value.exceptions if isinstance(e, CsvError)] == [3, 5]


def test_raise_mode_stops_reading_at_the_problem_cap(tmp_path: Path) -> None:
    rows = [ROW.replace("05/Nov/25", "bad") for _ in range(20)]
    with pytest.raises(InvalidInputGroup, match="stopped reading after 3") as caught:
        read_jira_csv(export(tmp_path / "e.csv", *rows), max_problems=3).read_all()
    assert len(caught.value.exceptions) == 3


def test_collect_mode_returns_good_rows_and_keeps_capped_problems(tmp_path: Path) -> None:
    rows = [ROW.replace("MKT-7", f"MKT-{n}") for n in range(10)]
    rows = [r.replace("05/Nov/25", "bad") if n % 2 else r for n, r in enumerate(rows)]
    records = read_jira_csv(export(tmp_path / "e.csv", *rows), on_error="collect", max_problems=2)
    assert [i.key for i in records] == ["MKT-0", "MKT-2", "MKT-4", "MKT-6", "MKT-8"]
    assert records.problem_count == 5
    assert [p.row for p in records.problems] == [3, 5]


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = export(tmp_path / "e.csv", "MKT-1,A", "", "MKT-2,B", "", header="Issue key,Summary")
    assert [i.key for i in read_jira_csv(path)] == ["MKT-1", "MKT-2"]


def test_an_unknown_reading_option_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CsvFileError, match="on_error"):
        read_jira_csv(export(tmp_path / "e.csv", ROW), on_error="ignore")  # type: ignore[arg-type]


# --- generic CSV through a column mapping ---------------------------------------------------------


def test_a_generic_csv_reads_through_a_mapping_with_its_own_date_format(tmp_path: Path) -> None:
    path = tmp_path / "trello.csv"
    path.write_text(
        "Card ID,Card Name,List,Size,Tags,Opened,Closed\n"
        'c1,Webinar,Doing,3,"email, q2",03.02.2026 09:30,\n',
        encoding="utf-8",
    )
    mapping = ColumnMapping(
        key="Card ID",
        title="Card Name",
        status="List",
        points=["Estimate", "Size"],
        labels="Tags",
        label_separator=",",
        created="Opened",
        resolved="Closed",
        date_formats=["%d.%m.%Y %H:%M"],
    )
    [item] = read_items_csv(path, mapping, timezone="Europe/Berlin")
    assert (item.key, item.summary, item.status, item.points) == ("c1", "Webinar", "Doing", 3.0)
    assert item.labels == ("email", "q2")
    assert item.created == datetime(2026, 2, 3, 8, 30, tzinfo=UTC)
    assert item.resolved is None


def test_a_mapping_missing_its_key_column_names_the_alternatives(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Name\nA\n", encoding="utf-8")
    with pytest.raises(CsvFileError, match="'ID' \\(or 'Key'\\)"):
        read_items_csv(path, ColumnMapping(key=["ID", "Key"], title="Name"))


def test_column_names_match_ignoring_case_and_spaces(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("ISSUE  KEY , summary\nMKT-1,A\n", encoding="utf-8")
    assert [(i.key, i.summary) for i in read_jira_csv(path)] == [("MKT-1", "A")]


# --- hypothesis: any rows Jira could write read back as the items they describe -------------------

_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
).map(str.strip)
_label = _text.filter(bool)


@st.composite
def jira_items(draw: st.DrawFn) -> list[ItemHistory]:
    count = draw(st.integers(1, 8))
    items = []
    base = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(count):
        created = base + timedelta(minutes=draw(st.integers(0, 2_000_000)))
        later = draw(st.none() | st.integers(0, 100_000))
        resolved = None if later is None else created + timedelta(minutes=later)
        items.append(
            ItemHistory(
                key=f"MKT-{n}",
                summary=draw(_text),
                type=draw(st.sampled_from(["Story", "Email", "Campaign"])),
                status=draw(st.sampled_from(["To Do", "In Progress", "Done"])),
                created=created,
                resolved=resolved,
                points=draw(st.none() | st.sampled_from([0.5, 1.0, 2.0, 3.0, 5.0, 13.0])),
                labels=draw(st.lists(_label, max_size=3)),
                sprints=draw(st.lists(_label, max_size=2)),
            )
        )
    return items


def _jira_date(at: datetime | None) -> str:
    if at is None:
        return ""
    return f"{at:%d/%b/%y} {at.hour % 12 or 12}:{at:%M} {'AM' if at.hour < 12 else 'PM'}"


@given(items=jira_items(), delimiter=st.sampled_from([",", ";"]))
def test_hypothesis_jira_rows_read_back_as_the_items_they_describe(
    items: list[ItemHistory], delimiter: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    buffer = io.StringIO()
    out = csv.writer(buffer, delimiter=delimiter)
    out.writerow(HEADER.split(","))
    decimal = "," if delimiter == ";" else "."
    for item in items:
        labels = [*item.labels, "", "", ""][:3]
        sprints = [*item.sprints, "", ""][:2]
        points = "" if item.points is None else f"{item.points:g}".replace(".", decimal)
        out.writerow(
            [item.summary, item.key, "1", item.type, item.status, _jira_date(item.created),
             _jira_date(item.resolved), *labels, *sprints, "u1", "", "", "", points, "", "x"]
        )  # fmt: skip
    path = tmp_path_factory.mktemp("jira") / "export.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    assert read_jira_csv(path, delimiter=delimiter).read_all() == items


def test_reading_items_through_a_history_mapping_ignores_the_transition_columns(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.csv"
    path.write_text("key,at,from,to,label\nMKT-1,2026-01-05T09:00:00Z,,Doing,a|b\n", "utf-8")
    mapping = attrs.evolve(ColumnMapping.history(), label_separator="|")
    [item] = read_items_csv(path, mapping)
    assert (item.key, item.labels, item.transitions) == ("MKT-1", ("a", "b"), ())


def test_thousands_of_distinct_label_sets_all_read_correctly(tmp_path: Path) -> None:
    rows = [f"MKT-{n},label-{n},{' ' if n % 2 else ''},shared" for n in range(5_000)]
    path = export(tmp_path / "e.csv", *rows, header="Issue key,Labels,Labels,Labels")
    items = read_jira_csv(path).read_all()
    assert [i.labels for i in items] == [(f"label-{n}", "shared") for n in range(5_000)]


def test_padded_cells_and_blank_looking_dates_read_like_clean_ones(tmp_path: Path) -> None:
    clean = "MKT-1,Launch,Done,,5,a"
    padded = " MKT-1 , Launch ,Done,  ,5, a "
    header = "Issue key,Summary,Status,Created,Custom field (Story Points),Labels"
    [from_clean] = read_jira_csv(export(tmp_path / "clean.csv", clean, header=header))
    [from_padded] = read_jira_csv(export(tmp_path / "padded.csv", padded, header=header))
    assert from_padded == from_clean


def test_an_extra_field_that_is_not_in_the_file_is_named(tmp_path: Path) -> None:
    from agilemarketing_csv import read_records_csv

    mapping = attrs.evolve(ColumnMapping.jira(), fields=["Custom field (Channel)"])
    with pytest.raises(CsvFileError, match="Custom field \\(Channel\\)") as caught:
        read_records_csv(export(tmp_path / "e.csv", ROW), mapping)
    assert caught.value.reason == "header"


def test_item_history_fields_are_in_the_order_the_fast_path_passes_them() -> None:
    # mapping._items builds ItemHistory positionally, without its converters; if this fails,
    # ItemHistory changed shape: the fast path falls back to the checked constructor (correct,
    # slower) until mapping._in_shape_item_history is updated.
    names = tuple(field.name for field in attrs.fields(ItemHistory))
    assert names == (
        "key", "summary", "type", "status", "created", "resolved", "points", "labels",
        "sprints", "transitions", "blocked", "rank",
    )  # fmt: skip
    assert mapping_module._item_history is not ItemHistory


_moments = st.none() | st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
_words = st.lists(st.text(min_size=1, max_size=5), max_size=3).map(tuple)


@given(
    st.text(min_size=1),
    st.text(),
    _moments,
    _moments,
    st.none() | st.floats(allow_nan=False),
    _words,
    _words,
    st.none() | st.text(),
)
def test_the_fast_path_builds_what_the_item_history_constructor_builds(
    key: str,
    summary: str,
    created: datetime | None,
    resolved: datetime | None,
    points: float | None,
    labels: tuple[str, ...],
    sprints: tuple[str, ...],
    rank: str | None,
) -> None:
    values = (key, summary, "Story", "Done", created, resolved, points, labels, sprints, (), ())
    fast = mapping_module._item_history(*values, rank)
    checked = ItemHistory(*values, rank)
    assert fast == checked
    assert repr(fast) == repr(checked)
    assert hash(fast) == hash(checked)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fast.status = "To Do"  # type: ignore[misc]
